/* Route matching: captures, 404 and 405 with Allow. */
#include "config.h"
#include "router.h"
#include "unit.h"

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
	return unit_done("test-router");
}
