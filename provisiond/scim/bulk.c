/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	scim/bulk - POST /scim/v2/Bulk (RFC 7644 section 3.7)
 * DESCRIPTION
 *	Each operation runs through the same User operation as its single
 *	request (users.c), each in its own transactions, like the batch
 *	endpoint's rows: one refused operation does not undo the others.
 *	"bulkId:x" in a later operation's path names the User an earlier
 *	POST with bulkId x created. failOnErrors N stops after N errors.
 */
#include "config.h"
#include "scim/scim.h"
#include "http.h"
#include "tpool.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define BULK_ID_MAX 64

struct bulk_ids {
	char id[SCIM_BULK_MAX_OPERATIONS][BULK_ID_MAX + 1];
	char user[SCIM_BULK_MAX_OPERATIONS][24];
	int n;
};

static const char *resolve(const struct bulk_ids *ids, const char *ref)
{
	for (int i = 0; i < ids->n; i++)
		if (strcmp(ids->id[i], ref) == 0)
			return ids->user[i];
	return NULL;
}

/* One operation into a; the User's id for a POST into created. */
static void run_op(const struct scim_call *call, json_t *op, const struct bulk_ids *ids, struct scim_answer *a)
{
	const char *method = json_string_value(json_object_get(op, "method"));
	const char *path = json_string_value(json_object_get(op, "path"));
	const char *version = json_string_value(json_object_get(op, "version"));
	json_t *data = json_object_get(op, "data");
	if (method == NULL || path == NULL) {
		scim_fail(a, 400, "invalidSyntax", "an operation needs a method and a path");
		return;
	}
	int post = strcasecmp(method, "POST") == 0;
	if (post) {
		if (strcmp(path, "/Users") != 0) {
			scim_fail(a, 400, "invalidPath", "POST is for /Users, not '%.80s'", path);
			return;
		}
		if (!json_is_string(json_object_get(op, "bulkId"))) {
			scim_fail(a, 400, "invalidSyntax", "a POST operation needs a bulkId");
			return;
		}
		if (!json_is_object(data)) {
			scim_fail(a, 400, "invalidSyntax", "a POST operation needs its User as data");
			return;
		}
		scim_user_create(call, data, a);
		return;
	}
	if (strncmp(path, "/Users/", 7) != 0 || path[7] == '\0' || strchr(path + 7, '/') != NULL) {
		scim_fail(a, 400, "invalidPath", "%s is for /Users/{id}, not '%.80s'", method, path);
		return;
	}
	const char *id = path + 7;
	if (strncmp(id, "bulkId:", 7) == 0 && (id = resolve(ids, path + 14)) == NULL) {
		scim_fail(a, 400, "invalidValue", "'%.80s' names no User an earlier POST of this request created", path);
		return;
	}
	if (strcasecmp(method, "DELETE") == 0)
		scim_user_delete(call, id, version, a);
	else if (strcasecmp(method, "PUT") == 0 || strcasecmp(method, "PATCH") == 0) {
		if (!json_is_object(data)) {
			scim_fail(a, 400, "invalidSyntax", "a %s operation needs data", method);
			return;
		}
		scim_user_change(call, id, toupper((unsigned char)method[1]) == 'U' ? 'P' : 'A', data, version, a);
	} else
		scim_fail(a, 400, "invalidSyntax", "method must be POST, PUT, PATCH or DELETE, not '%.20s'", method);
}

void api_scim_bulk(struct http_ctx *ctx)
{
	struct scim_call call;
	struct scim_answer top;
	json_t *schemas = json_object_get(ctx->body, "schemas"), *s, *ops, *op;
	size_t i;
	int ok = 0;
	memset(&top, 0, sizeof(top));
	json_array_foreach(schemas, i, s)
		ok |= json_is_string(s) && strcasecmp(json_string_value(s), SCIM_MSG_BULK_REQUEST) == 0;
	ops = json_object_get(ctx->body, "Operations");
	json_t *foe = json_object_get(ctx->body, "failOnErrors");
	if (!ok)
		scim_fail(&top, 400, "invalidSyntax", "a Bulk body's schemas must be [\"%s\"]", SCIM_MSG_BULK_REQUEST);
	else if (!json_is_array(ops) || json_array_size(ops) == 0)
		scim_fail(&top, 400, "invalidSyntax", "Operations must be an array of operations");
	else if (json_array_size(ops) > SCIM_BULK_MAX_OPERATIONS)
		scim_fail(&top, 413, "tooMany", "at most %d operations in one Bulk request (maxOperations)",
			  SCIM_BULK_MAX_OPERATIONS);
	else if (foe != NULL && !(json_is_integer(foe) && json_integer_value(foe) >= 1))
		scim_fail(&top, 400, "invalidValue", "failOnErrors must be a whole number from 1");
	if (top.body != NULL) {
		scim_reply(ctx, &top);
		return;
	}
	long long fail_on = foe ? (long long)json_integer_value(foe) : 0, errors = 0;
	static __thread struct bulk_ids ids;	/* 8 KiB: not on the request's stack */
	ids.n = 0;
	scim_call_init(&call, ctx);
	json_t *results = json_array();
	json_array_foreach(ops, i, op) {
		struct scim_answer a;
		memset(&a, 0, sizeof(a));
		unsigned frame = t_push();
		if (!json_is_object(op))
			scim_fail(&a, 400, "invalidSyntax", "operation %zu is not an object", i);
		else
			run_op(&call, op, &ids, &a);
		const char *method = json_is_object(op) ? json_string_value(json_object_get(op, "method")) : NULL;
		json_t *bulk_id = json_is_object(op) ? json_object_get(op, "bulkId") : NULL;
		json_t *r = json_pack("{s:s, s:s}", "method", method ? method : "", "status", t_printf("%d", a.status));
		if (json_is_string(bulk_id))
			json_object_set(r, "bulkId", bulk_id);
		if (a.location[0])
			json_object_set_new(r, "location", json_string(a.location));
		if (a.version[0])
			json_object_set_new(r, "version", json_string(a.version));
		if (a.status >= 400) {
			json_object_set(r, "response", a.body);
			errors++;
		} else if (a.status == 201 && json_is_string(bulk_id) && ids.n < SCIM_BULK_MAX_OPERATIONS &&
			   json_string_length(bulk_id) <= BULK_ID_MAX) {
			snprintf(ids.id[ids.n], sizeof(ids.id[0]), "%s", json_string_value(bulk_id));
			snprintf(ids.user[ids.n], sizeof(ids.user[0]), "%s",
				 json_string_value(json_object_get(a.body, "id")));
			ids.n++;
		}
		json_decref(a.body);
		json_array_append_new(results, r);
		t_pop(frame);
		if (fail_on > 0 && errors >= fail_on)
			break;
	}
	top.status = 200;
	top.body = json_pack("{s:[s], s:o}", "schemas", SCIM_MSG_BULK_RESPONSE, "Operations", results);
	scim_reply(ctx, &top);
}
