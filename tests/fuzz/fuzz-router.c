/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	fuzz-router - the route table the daemon serves, matched against any
 *	method and path
 * DESCRIPTION
 *	Input: one byte that picks the method, then the path as it arrives.
 *	The path is decoded with http_unescape first, as libmicrohttpd does
 *	through the daemon's callback before dispatch.
 *
 *	Invariants: a match names its own row, with the method asked for;
 *	the pattern with the captures put back is the path; each capture is
 *	one non-empty segment that fits; router_param_name names each {name}
 *	of the pattern. A 405's Allow lists exactly methods that match the
 *	path, and not the one asked for. A 404 is a 404 for every method.
 */
#include "config.h"
#include "api.h"
#include "buf.h"
#include "http.h"
#include "router.h"
#include "fuzz.h"

const char fuzz_target_name[] = "fuzz-router";

static const char *const methods[] = { "GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS", "get" };
#define NMETHODS (sizeof(methods) / sizeof(methods[0]))

static void check_found(const char *method, const char *path, const struct route_match *m)
{
	FUZZ_CHECK(m->index >= 0 && (size_t)m->index < api_route_count && m->route == &api_routes[m->index],
		   "a match on row %d", m->index);
	FUZZ_CHECK(strcmp(m->route->method, method) == 0, "%s %s matched a %s route", method, path,
		   m->route->method);
	FUZZ_CHECK(m->nparams >= 0 && m->nparams <= ROUTE_MAX_PARAMS, "%d captures", m->nparams);

	/* put the captures back into the pattern: that is the path */
	struct buf b = BUF_INIT;
	int n = 0;
	for (const char *p = m->route->pattern; *p;) {
		if (*p == '{') {
			const char *end = strchr(p, '}');
			FUZZ_CHECK(n < m->nparams, "the pattern %s has more {} than the %d captures",
				   m->route->pattern, m->nparams);
			const char *v = m->params[n];
			size_t len = strnlen(v, ROUTE_PARAM_MAX);
			FUZZ_CHECK(len > 0 && len < ROUTE_PARAM_MAX && strchr(v, '/') == NULL,
				   "capture %d of %s is '%.*s'", n, path, (int)len, v);
			char name[64];
			router_param_name(m->route, n, name, sizeof(name));
			FUZZ_CHECK(strlen(name) == (size_t)(end - p - 1) && strncmp(name, p + 1, strlen(name)) == 0,
				   "router_param_name(%s, %d) is '%s'", m->route->pattern, n, name);
			buf_puts(&b, v);
			n++;
			p = end + 1;
		} else
			buf_putc(&b, *p++);
	}
	FUZZ_CHECK(n == m->nparams, "%d captures for %d {} in %s", m->nparams, n, m->route->pattern);
	FUZZ_CHECK(strcmp(buf_str(&b), path) == 0, "%s rebuilt is %s, not %s", m->route->pattern, buf_str(&b), path);
	buf_free(&b);
}

static void check_allow(const char *method, const char *path, const struct route_match *m)
{
	struct route_match other;
	FUZZ_CHECK(strnlen(m->allow, sizeof(m->allow)) < sizeof(m->allow) && m->allow[0] != '\0',
		   "a 405 for %s without Allow", path);
	char allow[sizeof(m->allow)];
	memcpy(allow, m->allow, sizeof(allow));
	char *save = NULL;
	for (char *w = strtok_r(allow, ", ", &save); w; w = strtok_r(NULL, ", ", &save)) {
		FUZZ_CHECK(strcmp(w, method) != 0, "%s %s is 405 but Allow names %s", method, path, w);
		FUZZ_CHECK(router_match(api_routes, api_route_count, w, path, &other) == ROUTE_FOUND,
			   "Allow for %s names %s, which does not match", path, w);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *method = methods[data[0] % NMETHODS];
	char *path = fuzz_string(data + 1, size - 1);
	http_unescape(path);

	struct route_match m;
	enum route_result rr = router_match(api_routes, api_route_count, method, path, &m);
	if (rr == ROUTE_FOUND)
		check_found(method, path, &m);
	else if (rr == ROUTE_BAD_METHOD)
		check_allow(method, path, &m);
	else {
		FUZZ_CHECK(rr == ROUTE_NOT_FOUND, "router_match returned %d", (int)rr);
		for (size_t i = 0; i < api_route_count; i++)
			FUZZ_CHECK(router_match(api_routes, api_route_count, api_routes[i].method, path, &m) ==
				   ROUTE_NOT_FOUND, "%s is 404 for %s but not for %s", path, method, api_routes[i].method);
	}
	free(path);
	return 0;
}
