/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	api_requests - REST handlers for hires, exits, transfers, requests,
 *	reports and people
 * DESCRIPTION
 *	Thin: check the URL's parts and headers, call the engine (requests.h) or the service, answer.
 */
#include "config.h"
#include "api.h"
#include "buf.h"
#include "crypto.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "outbox.h"
#include "queue.h"
#include "contracts.h"
#include "passwords.h"
#include "people.h"
#include "reconcile.h"
#include "report.h"
#include "requests.h"
#include "tasks.h"
#include "tpool.h"
#include "workflow.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Idempotency-Key: printable ASCII, at most 100 characters. The
 * fingerprint ties the key to this exact method, path and body. */
static int read_idem(struct http_ctx *ctx, struct idem *idem)
{
	const char *k = http_header(ctx, "Idempotency-Key");
	idem->key = NULL;
	if (k == NULL)
		return 0;
	size_t n = strlen(k);
	int ok = n > 0 && n <= 100;
	for (size_t i = 0; ok && i < n; i++)
		ok = k[i] > 0x20 && k[i] < 0x7f;
	if (!ok) {
		http_reply_error(ctx, 400, "invalid_field", "Idempotency-Key",
				 "Idempotency-Key must be 1-100 printable ASCII characters without spaces");
		return -1;
	}
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s\n%s\n", ctx->method, ctx->path);
	buf_append(&b, ctx->raw_body ? ctx->raw_body : "", ctx->raw_len);
	crypto_sha256_hex(b.data, b.len, idem->fingerprint);
	buf_free(&b);
	idem->key = k;
	return 0;
}

static int parse_id(struct http_ctx *ctx, long long *id_r)
{
	const char *s = http_param(ctx, 0);
	char *end;
	if (s == NULL || !isdigit((unsigned char)s[0]) || strlen(s) > 18) {
		http_reply_error(ctx, 404, "not_found", "id", "no request '%s'", s ? s : "");
		return -1;
	}
	*id_r = strtoll(s, &end, 10);
	if (*end != '\0' || *id_r <= 0) {
		http_reply_error(ctx, 404, "not_found", "id", "no request '%s'", s);
		return -1;
	}
	return 0;
}

/* Answers a request's view: its ETag (the version If-Match is checked
 * against) and, when it was just filed, its Location. */
static void reply_request(struct http_ctx *ctx, struct outcome *o)
{
	json_t *id = o->body != NULL ? json_object_get(o->body, "id") : NULL;
	json_t *version = o->body != NULL ? json_object_get(o->body, "version") : NULL;
	if ((o->status == 200 || o->status == 201) && json_is_integer(id)) {
		char ids[32];
		snprintf(ids, sizeof(ids), "%lld", (long long)json_integer_value(id));
		if (json_is_integer(version))
			request_etag(json_integer_value(id), json_integer_value(version), ctx->etag);
		if (o->status == 201)
			http_set_location(ctx, "/v1/requests/", ids, NULL);
	}
	http_reply_outcome(ctx, o);
}

static void create(struct http_ctx *ctx, enum wf_type type)
{
	struct idem idem;
	struct outcome o;
	if (read_idem(ctx, &idem) < 0)
		return;
	requests_create(ctx->conf, &ctx->who, type, ctx->body, &idem, &o);
	reply_request(ctx, &o);
}

/* One row of a batch as the batch answers it: the status and the body a
 * single POST would have answered, or its error envelope. */
static json_t *row_result(size_t index, struct outcome *o, const char *request_id)
{
	json_t *r = json_pack("{s:I, s:i, s:b}", "index", (json_int_t)index, "status", o->status, "replayed",
			      o->replayed);
	if (o->body != NULL) {
		json_object_set_new(r, "body", o->body);
		o->body = NULL;
		return r;
	}
	const char *msg = o->message;
	if (o->status >= 500) {
		log_error("batch row %zu: %d %s: %s", index, o->status, o->code ? o->code : "internal", o->message);
		if (o->status == 500)	/* as a single POST: no SQL in the answer */
			msg = t_printf("internal error: the service's log has the details under request id %s",
				       request_id ? request_id : "-");
	}
	json_object_set_new(r, "error", json_pack("{s:s, s:s, s:o}", "code", o->code ? o->code : "internal",
		"message", msg, "field", o->field[0] ? json_string(o->field) : json_null()));
	return r;
}

#define BATCH_MAX 1000

/* POST /v1/hires/batch, /v1/exits/batch: {"items": [...]}, each item what
 * the single POST takes, filed through the same path (validation, policy,
 * separation of duties, change log), each in its own transaction: one bad
 * row never blocks the others. With Idempotency-Key K, row i is filed
 * under the key "K#i" bound to its own content, so a batch sent again
 * after an interruption replays the rows that were filed and files the
 * rest: nobody twice. With "dry_run": true each row is filed and rolled
 * back (requests_validate): its would-be answer, nothing kept, no key
 * claimed or read. */
static void create_batch(struct http_ctx *ctx, enum wf_type type)
{
	static const char *const allowed[] = { "items", "dry_run", NULL };
	struct idem idem;
	struct outcome o;
	if (read_idem(ctx, &idem) < 0)
		return;
	memset(&o, 0, sizeof(o));
	if (json_check_keys(ctx->body, allowed, &o) < 0) {
		http_reply_outcome(ctx, &o);
		return;
	}
	json_t *items = json_object_get(ctx->body, "items");
	if (!json_is_array(items) || json_array_size(items) == 0 || json_array_size(items) > BATCH_MAX) {
		http_reply_error(ctx, 400, items == NULL ? "missing_field" : "invalid_field", "items",
				 "items must be an array of 1 to %d %s", BATCH_MAX, wf_type_name(type));
		return;
	}
	json_t *dry = json_object_get(ctx->body, "dry_run");
	if (dry != NULL && !json_is_boolean(dry)) {
		http_reply_error(ctx, 400, "invalid_field", "dry_run", "dry_run must be true or false");
		return;
	}
	int dry_run = json_is_true(dry);
	json_t *results = json_array();
	size_t i, filed = 0, replayed = 0, refused = 0;
	json_t *item;
	json_array_foreach(items, i, item) {
		struct idem row = { .key = NULL };
		memset(&o, 0, sizeof(o));
		if (!json_is_object(item)) {
			fail(&o, 400, "invalid_field", t_printf("items[%zu]", i), "item %zu is not a JSON object", i);
			json_array_append_new(results, row_result(i, &o, ctx->request_id));
			refused++;
			continue;
		}
		if (idem.key != NULL && !dry_run) {
			char *text = json_dumps(item, JSON_COMPACT | JSON_SORT_KEYS);
			const char *fp = t_printf("%s\n%s#%zu\n%s", ctx->method, ctx->path, i, text ? text : "");
			free(text);
			crypto_sha256_hex(fp, strlen(fp), row.fingerprint);
			row.key = t_printf("%s#%zu", idem.key, i);
		}
		unsigned frame = t_push();	/* a row's messages; the answer is built before the pop */
		if (dry_run)
			requests_validate(ctx->conf, &ctx->who, type, item, &o);
		else
			requests_create(ctx->conf, &ctx->who, type, item, &row, &o);
		if (o.replayed)
			replayed++;
		else if (o.status < 300)
			filed++;
		else
			refused++;
		json_array_append_new(results, row_result(i, &o, ctx->request_id));
		t_pop(frame);
	}
	if (dry_run) {	/* "filed" would claim what was not done */
		http_reply_json(ctx, 200, json_pack("{s:b, s:o, s:I, s:I}", "dry_run", 1, "results", results,
						    "would_file", (json_int_t)filed, "refused", (json_int_t)refused));
		return;
	}
	http_reply_json(ctx, 200, json_pack("{s:o, s:I, s:I, s:I}", "results", results, "filed", (json_int_t)filed,
					    "replayed", (json_int_t)replayed, "refused", (json_int_t)refused));
}

void api_hires_create(struct http_ctx *ctx) { create(ctx, WF_HIRE); }
void api_exits_create(struct http_ctx *ctx) { create(ctx, WF_EXIT); }
void api_hires_batch(struct http_ctx *ctx) { create_batch(ctx, WF_HIRE); }
void api_exits_batch(struct http_ctx *ctx) { create_batch(ctx, WF_EXIT); }
void api_transfers_create(struct http_ctx *ctx) { create(ctx, WF_TRANSFER); }
void api_access_requests_create(struct http_ctx *ctx) { create(ctx, WF_ACCESS); }
void api_call_code_requests_create(struct http_ctx *ctx) { create(ctx, WF_CALLCODE); }

/* The access levels that may be requested (access.<system>.* lines). */
void api_access_catalogue(struct http_ctx *ctx)
{
	json_t *systems = json_array();
	for (int i = 0; i < ctx->conf->nsystems; i++) {
		const struct access_system *as = &ctx->conf->systems[i];
		json_t *levels = json_array();
		for (int k = 0; k < as->nlevels; k++)
			json_array_append_new(levels, json_string(as->levels[k]));
		json_array_append_new(systems, json_pack("{s:s, s:s?, s:o}", "system", as->name, "title", as->title,
							 "levels", levels));
	}
	http_reply_json(ctx, 200, json_pack("{s:o}", "systems", systems));
}

void api_requests_list(struct http_ctx *ctx)
{
	static const char *const names[LF_COUNT + 1] = { "type", "state", "employee_number", "submitted_by",
		"created_after", "created_before", "limit", "cursor", NULL };
	const char *f[LF_COUNT];
	const char *bad = http_query_unknown(ctx, names);
	struct outcome o;
	if (bad != NULL) {
		http_reply_error(ctx, 400, "invalid_field", bad, "unknown query parameter '%s'; known: type, state, "
				 "employee_number, submitted_by, created_after, created_before, limit, cursor", bad);
		return;
	}
	for (int i = 0; i < LF_COUNT; i++)
		f[i] = http_query(ctx, names[i]);
	requests_list(&ctx->who, f, &o);
	http_reply_outcome(ctx, &o);
}

void api_requests_get(struct http_ctx *ctx)
{
	long long id;
	struct outcome o;
	if (parse_id(ctx, &id) < 0)
		return;
	requests_get(&ctx->who, id, &o);
	reply_request(ctx, &o);
}

void api_requests_act(struct http_ctx *ctx)
{
	long long id;
	struct idem idem;
	struct outcome o;
	if (parse_id(ctx, &id) < 0 || read_idem(ctx, &idem) < 0)
		return;
	requests_act(ctx->conf, &ctx->who, id, http_param(ctx, 1), ctx->body, &idem, http_header(ctx, "If-Match"),
		     &o);
	reply_request(ctx, &o);
}

void api_requests_report(struct http_ctx *ctx)
{
	static const char *const names[] = { "format", NULL };
	long long id;
	struct outcome o;
	char *text = NULL;
	const char *bad = http_query_unknown(ctx, names);
	if (bad != NULL) {
		http_reply_error(ctx, 400, "invalid_field", bad, "unknown query parameter '%s'; known: format", bad);
		return;
	}
	if (parse_id(ctx, &id) < 0)
		return;
	const char *fmt = http_query(ctx, "format");
	const char *accept = http_header(ctx, "Accept");
	int as_text = 0;
	if (fmt != NULL) {
		if (strcmp(fmt, "markdown") == 0 || strcmp(fmt, "text") == 0)
			as_text = 1;
		else if (strcmp(fmt, "json") != 0) {
			http_reply_error(ctx, 400, "invalid_field", "format", "format must be json or markdown, not '%s'", fmt);
			return;
		}
	} else if (accept != NULL && (strstr(accept, "text/markdown") || strstr(accept, "text/plain")))
		as_text = 1;
	requests_report(&ctx->who, id, as_text, &o, &text);
	if (text != NULL)
		http_reply_text(ctx, 200, "text/markdown; charset=utf-8", text, strlen(text));
	else
		http_reply_outcome(ctx, &o);
}

void api_people_get(struct http_ctx *ctx)
{
	struct outcome o;
	people_get(&ctx->who, http_param(ctx, 0), &o);
	http_reply_outcome(ctx, &o);
}

void api_workflows(struct http_ctx *ctx)
{
	http_reply_json(ctx, 200, wf_describe());
}

void api_requests_plan(struct http_ctx *ctx)
{
	long long id;
	struct outcome o;
	if (parse_id(ctx, &id) < 0)
		return;
	requests_plan(&ctx->who, id, &o);
	http_reply_outcome(ctx, &o);
}

void api_queue(struct http_ctx *ctx)
{
	json_t *out = NULL;
	const char *err = NULL;
	enum db_status st = queue_status(&out, &err);
	if (st != DB_OK) {
		api_db_failure(ctx, st, err);
		return;
	}
	http_reply_json(ctx, 200, out);
}

/* GET /v1/outbox[?state=pending|sent][&limit=N]: the messages, never their bodies */
void api_outbox(struct http_ctx *ctx)
{
	static const char *const allowed[] = { "state", "limit", NULL };
	const char *bad = http_query_unknown(ctx, allowed);
	if (bad != NULL) {
		http_reply_error(ctx, 400, "invalid_field", bad, "unknown parameter '%s' (state, limit)", bad);
		return;
	}
	const char *state = http_query(ctx, "state"), *lim = http_query(ctx, "limit");
	if (state != NULL && strcmp(state, "pending") != 0 && strcmp(state, "sent") != 0) {
		http_reply_error(ctx, 400, "invalid_field", "state", "state is pending or sent, not '%s'", state);
		return;
	}
	char *end = NULL;
	long limit = lim ? strtol(lim, &end, 10) : 100;
	if (lim != NULL && (*lim == '\0' || *end != '\0' || limit < 1 || limit > 1000)) {
		http_reply_error(ctx, 400, "invalid_field", "limit", "limit is a number from 1 to 1000");
		return;
	}
	const char *err = NULL;
	enum db_status st;
	json_t *list = outbox_list(state, (int)limit, &err, &st);
	if (list == NULL) {
		api_db_failure(ctx, st, err);
		return;
	}
	http_reply_json(ctx, 200, json_pack("{s:o}", "messages", list));
}

static void operation_action(struct http_ctx *ctx, int resolve)
{
	static const char *const keys[] = { "note", NULL };
	struct outcome o;
	long long id;
	const char *err = NULL;
	char me[160];
	int found = 0;
	if (parse_id(ctx, &id) < 0)
		return;
	memset(&o, 0, sizeof(o));
	if (json_check_keys(ctx->body, keys, &o) < 0) {
		http_reply_outcome(ctx, &o);
		return;
	}
	const char *note = json_get_string(ctx->body, "note", resolve, 2000, &o);
	if (o.code != NULL) {
		http_reply_error(ctx, o.status, o.code, o.field, "%s%s", o.message,
				 resolve ? " (say what was done by hand)" : "");
		return;
	}
	actor_id(&ctx->who, me);
	enum db_status st = resolve ? queue_resolve(ctx->conf, id, me, "tim_tech", note, &found, &err)
				    : queue_retry(id, me, "tim_tech", &found, &err);
	if (st != DB_OK) {
		api_db_failure(ctx, st, err);
		return;
	}
	if (!found) {
		http_reply_error(ctx, 409, "conflict", "id", "operation %lld is not a failed operation "
				 "(only dead operations can be retried or resolved)", id);
		return;
	}
	http_reply_json(ctx, 200, json_pack("{s:I, s:s}", "id", (json_int_t)id, "state", resolve ? "done" : "pending"));
}

void api_operation_retry(struct http_ctx *ctx) { operation_action(ctx, 0); }
void api_operation_resolve(struct http_ctx *ctx) { operation_action(ctx, 1); }

void api_people_password_token(struct http_ctx *ctx)
{
	struct outcome o;
	people_password_token(ctx->conf, &ctx->who, http_param(ctx, 0), &o);
	ctx->no_compress = 1;		/* a letter's token (compress.h) */
	if (o.status == 201)	/* the token's resource: DELETE revokes it */
		http_set_location(ctx, "/v1/people/", http_param(ctx, 0), "/password-token");
	http_reply_outcome(ctx, &o);
}

void api_people_password_token_revoke(struct http_ctx *ctx)
{
	struct outcome o;
	people_password_token_revoke(&ctx->who, http_param(ctx, 0), &o);
	http_reply_outcome(ctx, &o);
}

void api_password_set(struct http_ctx *ctx)
{
	struct outcome o;
	people_set_password(ctx->conf, ctx->body, &o);
	http_reply_outcome(ctx, &o);
}

void api_reconcile(struct http_ctx *ctx)
{
	static const char *const names[] = { "employee_number", NULL };
	struct outcome o;
	const char *bad = http_query_unknown(ctx, names);
	if (bad != NULL) {
		http_reply_error(ctx, 400, "invalid_field", bad, "unknown query parameter '%s'; known: employee_number", bad);
		return;
	}
	reconcile_report(&ctx->who, http_query(ctx, "employee_number"), &o);
	http_reply_outcome(ctx, &o);
}

void api_reconcile_repair(struct http_ctx *ctx)
{
	struct outcome o;
	reconcile_repair(&ctx->who, ctx->body, &o);
	http_reply_outcome(ctx, &o);
}

void api_contracts_ending(struct http_ctx *ctx)
{
	static const char *const names[] = { "days", NULL };
	struct outcome o;
	const char *bad = http_query_unknown(ctx, names);
	if (bad != NULL) {
		http_reply_error(ctx, 400, "invalid_field", bad, "unknown query parameter '%s'; known: days", bad);
		return;
	}
	contracts_ending(ctx->conf, http_query(ctx, "days"), &o);
	http_reply_outcome(ctx, &o);
}

void api_contracts_extend(struct http_ctx *ctx)
{
	struct outcome o;
	contracts_extend(&ctx->who, http_param(ctx, 0), ctx->body, &o);
	http_reply_outcome(ctx, &o);
}

void api_tasks_list(struct http_ctx *ctx)
{
	static const char *const names[] = { "state", "role", NULL };
	struct outcome o;
	const char *bad = http_query_unknown(ctx, names);
	if (bad != NULL) {
		http_reply_error(ctx, 400, "invalid_field", bad, "unknown query parameter '%s'; known: state, role", bad);
		return;
	}
	tasks_list(&ctx->who, http_query(ctx, "state"), http_query(ctx, "role"), &o);
	http_reply_outcome(ctx, &o);
}

void api_tasks_done(struct http_ctx *ctx)
{
	long long id;
	struct outcome o;
	if (parse_id(ctx, &id) < 0)
		return;
	tasks_done(ctx->conf, &ctx->who, id, ctx->body, &o);
	http_reply_outcome(ctx, &o);
}
