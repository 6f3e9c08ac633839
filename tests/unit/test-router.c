/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Route matching: captures, 404 and 405 with Allow. */
#include "config.h"
#include "http.h"
#include "router.h"
#include "unit.h"

#include <stdlib.h>

static void h(struct http_ctx *ctx) { (void)ctx; }

static const struct route table[] = {
	{ "GET", "/v1/health", 0, 0, h },
	{ "GET", "/v1/tokens", 1, 0, h },
	{ "POST", "/v1/tokens", 1, 1, h },
	{ "DELETE", "/v1/tokens/{name}", 1, 0, h },
	{ "POST", "/v1/requests/{id}/{action}", 1, 1, h },
};
#define N (sizeof(table) / sizeof(table[0]))

int main(void)
{
	struct route_match m;
	CHECK_INT(router_match(table, N, "GET", "/v1/health", &m), ROUTE_FOUND);
	CHECK_INT(m.index, 0);
	CHECK_INT(router_match(table, N, "POST", "/v1/tokens", &m), ROUTE_FOUND);
	CHECK_INT(m.index, 2);
	CHECK_INT(router_match(table, N, "DELETE", "/v1/tokens/hr-feed", &m), ROUTE_FOUND);
	CHECK_STR(m.params[0], "hr-feed");
	CHECK_INT(router_match(table, N, "POST", "/v1/requests/42/approve", &m), ROUTE_FOUND);
	CHECK_INT(m.nparams, 2);
	CHECK_STR(m.params[0], "42");
	CHECK_STR(m.params[1], "approve");
	CHECK_INT(router_match(table, N, "PUT", "/v1/tokens", &m), ROUTE_BAD_METHOD);
	CHECK_STR(m.allow, "GET, POST");
	CHECK_INT(router_match(table, N, "GET", "/v1/tokens/", &m), ROUTE_NOT_FOUND);	/* empty capture */
	CHECK_INT(router_match(table, N, "GET", "/v1/health/", &m), ROUTE_NOT_FOUND);
	CHECK_INT(router_match(table, N, "GET", "/v1/healthz", &m), ROUTE_NOT_FOUND);
	CHECK_INT(router_match(table, N, "GET", "/v1", &m), ROUTE_NOT_FOUND);
	CHECK_INT(router_match(table, N, "GET", "", &m), ROUTE_NOT_FOUND);
	CHECK_INT(router_match(table, N, "POST", "/v1/requests/42/approve/x", &m), ROUTE_NOT_FOUND);
	char longp[600] = "/v1/tokens/";
	memset(longp + 11, 'a', 400);
	longp[411] = '\0';
	CHECK_INT(router_match(table, N, "DELETE", longp, &m), ROUTE_NOT_FOUND);	/* over the capture limit */

	/* what a 400 names: the {name} of the pattern */
	char name[64];
	router_param_name(&table[4], 0, name, sizeof(name));
	CHECK_STR(name, "id");
	router_param_name(&table[4], 1, name, sizeof(name));
	CHECK_STR(name, "action");

	/* how parameters are decoded: %00 must not end the string early */
	static const struct { const char *in, *want; } esc[] = {
		{ "plain", "plain" }, { "a%20b", "a b" }, { "%C3%B1", "\xc3\xb1" }, { "X%00junk", "X\xffjunk" },
		{ "%zz%4", "%zz%4" }, { "%", "%" }, { "%ff", "\xff" },
	};
	for (size_t i = 0; i < sizeof(esc) / sizeof(esc[0]); i++) {
		char s[32], want[32];
		snprintf(s, sizeof(s), "%s", esc[i].in);
		size_t n = http_unescape(s), k = 0;
		for (const char *w = esc[i].want; *w; k++)	/* the want strings spell bytes as \xNN */
			if (w[0] == '\\' && w[1] == 'x') {
				want[k] = (char)strtol((char[3]){ w[2], w[3], 0 }, NULL, 16);
				w += 4;
			} else
				want[k] = *w++;
		want[k] = '\0';
		CHECK(n == strlen(want) && strcmp(s, want) == 0, "unescape(%s): got '%s'", esc[i].in, s);
	}
	return unit_done("test-router");
}
