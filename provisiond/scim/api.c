/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	scim/api - the /scim/v2/Users routes' handlers
 * DESCRIPTION
 *	Thin: the URL's parts, the query and If-Match to the operations of
 *	users.c, their answer as application/scim+json.
 */
#include "config.h"
#include "scim/scim.h"
#include "buf.h"
#include "http.h"
#include "tpool.h"

#include <stdio.h>
#include <stdlib.h>

#include <string.h>

static void run_get(struct http_ctx *ctx, const char *filter, const char *start, const char *count,
		    const char *attributes, const char *excluded)
{
	struct scim_call call;
	struct scim_answer a;
	memset(&a, 0, sizeof(a));
	scim_call_init(&call, ctx);
	scim_user_list(&call, filter, start, count, attributes, excluded, &a);
	scim_reply(ctx, &a);
}

void api_scim_users_list(struct http_ctx *ctx)
{
	static const char *const allowed[] = { "filter", "startIndex", "count", "attributes", "excludedAttributes",
		"sortBy", "sortOrder", NULL };
	const char *bad = http_query_unknown(ctx, allowed);
	if (bad != NULL) {
		struct scim_answer a;
		memset(&a, 0, sizeof(a));
		scim_fail(&a, 400, "invalidValue", "unknown query parameter '%.60s'", bad);
		scim_reply(ctx, &a);
		return;
	}
	/* sortBy is ignored: ServiceProviderConfig says sort is not supported */
	run_get(ctx, http_query(ctx, "filter"), http_query(ctx, "startIndex"), http_query(ctx, "count"),
		http_query(ctx, "attributes"), http_query(ctx, "excludedAttributes"));
}

/* POST /Users/.search: the query in a SearchRequest body (RFC 7644 3.4.3). */
void api_scim_users_search(struct http_ctx *ctx)
{
	struct scim_answer a;
	char start[24] = "", count[24] = "";
	json_t *b = ctx->body, *v;
	memset(&a, 0, sizeof(a));
	const char *attrs[2] = { NULL, NULL };
	const char *names[2] = { "attributes", "excludedAttributes" };
	for (int i = 0; i < 2; i++) {
		v = json_object_get(b, names[i]);
		if (json_is_array(v)) {
			/* a list into the comma-separated form of the query */
			size_t k;
			json_t *e;
			char *joined = NULL;
			json_array_foreach(v, k, e) {
				const char *s = json_string_value(e);
				char *n = joined ? xasprintf("%s,%s", joined, s ? s : "") : xstrdup(s ? s : "");
				free(joined);
				joined = n;
			}
			attrs[i] = joined ? t_strdup(joined) : "";
			free(joined);
		} else if (v != NULL && !json_is_null(v)) {
			scim_fail(&a, 400, "invalidValue", "%s must be an array of attribute names", names[i]);
			scim_reply(ctx, &a);
			return;
		}
	}
	json_t *f = json_object_get(b, "filter");
	if (f != NULL && !json_is_string(f)) {
		scim_fail(&a, 400, "invalidFilter", "filter must be a string");
		scim_reply(ctx, &a);
		return;
	}
	if (json_is_integer(v = json_object_get(b, "startIndex")))
		snprintf(start, sizeof(start), "%lld", (long long)json_integer_value(v));
	if (json_is_integer(v = json_object_get(b, "count")))
		snprintf(count, sizeof(count), "%lld", (long long)json_integer_value(v));
	run_get(ctx, json_string_value(f), start[0] ? start : NULL, count[0] ? count : NULL, attrs[0], attrs[1]);
}

void api_scim_users_create(struct http_ctx *ctx)
{
	struct scim_call call;
	struct scim_answer a;
	memset(&a, 0, sizeof(a));
	scim_call_init(&call, ctx);
	scim_user_create(&call, ctx->body, &a);
	scim_reply(ctx, &a);
}

void api_scim_user_get(struct http_ctx *ctx)
{
	static const char *const allowed[] = { "attributes", "excludedAttributes", NULL };
	struct scim_call call;
	struct scim_answer a;
	memset(&a, 0, sizeof(a));
	const char *bad = http_query_unknown(ctx, allowed);
	if (bad != NULL) {
		scim_fail(&a, 400, "invalidValue", "unknown query parameter '%.60s'", bad);
		scim_reply(ctx, &a);
		return;
	}
	scim_call_init(&call, ctx);
	scim_user_get(&call, http_param(ctx, 0), http_query(ctx, "attributes"), http_query(ctx, "excludedAttributes"),
		      &a);
	scim_reply(ctx, &a);
}

static void change(struct http_ctx *ctx, int mode)
{
	struct scim_call call;
	struct scim_answer a;
	memset(&a, 0, sizeof(a));
	scim_call_init(&call, ctx);
	scim_user_change(&call, http_param(ctx, 0), mode, ctx->body, http_header(ctx, "If-Match"), &a);
	scim_reply(ctx, &a);
}

void api_scim_user_put(struct http_ctx *ctx) { change(ctx, 'P'); }
void api_scim_user_patch(struct http_ctx *ctx) { change(ctx, 'A'); }

void api_scim_user_delete(struct http_ctx *ctx)
{
	struct scim_call call;
	struct scim_answer a;
	memset(&a, 0, sizeof(a));
	scim_call_init(&call, ctx);
	scim_user_delete(&call, http_param(ctx, 0), http_header(ctx, "If-Match"), &a);
	scim_reply(ctx, &a);
}
