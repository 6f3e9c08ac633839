/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	router - path matching (see router.h)
 */
#include "config.h"
#include "router.h"

#include <stdio.h>
#include <string.h>

/* Matches one pattern; fills params. 1 on match. */
static int match_path(const char *pattern, const char *path, struct route_match *m)
{
	const char *p = pattern, *s = path;
	int np = 0;

	while (*p && *s) {
		if (*p != '/' || *s != '/')
			return 0;
		p++;
		s++;
		size_t plen = strcspn(p, "/"), slen = strcspn(s, "/");
		if (plen >= 2 && p[0] == '{' && p[plen - 1] == '}') {
			if (slen == 0 || slen >= ROUTE_PARAM_MAX || np >= ROUTE_MAX_PARAMS)
				return 0;
			memcpy(m->params[np], s, slen);
			m->params[np][slen] = '\0';
			np++;
		} else if (plen != slen || memcmp(p, s, plen) != 0) {
			return 0;
		}
		p += plen;
		s += slen;
	}
	if (*p || *s)
		return 0;
	m->nparams = np;
	return 1;
}

void router_param_name(const struct route *r, int i, char *out, size_t size)
{
	const char *p = r->pattern;
	snprintf(out, size, "parameter %d", i + 1);
	for (int n = 0; (p = strchr(p, '{')) != NULL; p++, n++) {
		const char *end = strchr(p, '}');
		if (end == NULL)
			return;
		if (n == i) {
			snprintf(out, size, "%.*s", (int)(end - p - 1), p + 1);
			return;
		}
	}
}

enum route_result router_match(const struct route *routes, size_t n, const char *method,
			       const char *path, struct route_match *m)
{
	int path_seen = 0;
	size_t alen = 0;

	memset(m, 0, sizeof(*m));
	m->index = -1;
	for (size_t i = 0; i < n; i++) {
		struct route_match tmp;
		if (!match_path(routes[i].pattern, path, &tmp))
			continue;
		if (strcmp(routes[i].method, method) == 0) {
			*m = tmp;
			m->route = &routes[i];
			m->index = (int)i;
			return ROUTE_FOUND;
		}
		path_seen = 1;
		if (strstr(m->allow, routes[i].method) == NULL) {
			int w = snprintf(m->allow + alen, sizeof(m->allow) - alen, "%s%s",
					 alen ? ", " : "", routes[i].method);
			if (w > 0 && (size_t)w < sizeof(m->allow) - alen)
				alen += (size_t)w;
		}
	}
	return path_seen ? ROUTE_BAD_METHOD : ROUTE_NOT_FOUND;
}
