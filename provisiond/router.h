/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	router - match "METHOD /path" against the route table
 * DESCRIPTION
 *	A route is {method, pattern, roles, flags, handler}. Patterns are
 *	literal segments and {name} segments that capture one path segment.
 *	A path that matches no pattern is 404; a path that matches with
 *	another method is 405 and the Allow list is filled in.
 */
#ifndef PVD_ROUTER_H
#define PVD_ROUTER_H

#include <stddef.h>
#include "roles.h"

struct http_ctx;
typedef void route_handler(struct http_ctx *ctx);

#define ROUTE_PUBLIC		0u	/* roles == 0: no authentication */
#define ROUTE_JSON_BODY		1u	/* body must be a JSON object */
#define ROUTE_JSON_OPTIONAL	2u	/* a JSON object, or no body at all ({}) */

struct route {
	const char *method;
	const char *pattern;
	role_mask roles;	/* who may call it; ROUTE_PUBLIC for anyone */
	unsigned flags;
	route_handler *handler;
};

#define ROUTE_MAX_PARAMS 4
#define ROUTE_PARAM_MAX 256

struct route_match {
	const struct route *route;
	int index;			/* in the table, for metrics */
	int nparams;
	char params[ROUTE_MAX_PARAMS][ROUTE_PARAM_MAX];
	char allow[128];		/* for 405: "GET, POST" */
};

enum route_result { ROUTE_FOUND = 0, ROUTE_NOT_FOUND = -1, ROUTE_BAD_METHOD = -2 };

/* The name of the route's i-th {name} segment ("employee_number"). */
void router_param_name(const struct route *r, int i, char *out, size_t size);

enum route_result router_match(const struct route *routes, size_t n, const char *method,
			       const char *path, struct route_match *m);

#endif
