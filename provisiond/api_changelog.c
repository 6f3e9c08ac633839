/*
 * NAME
 *	api_changelog - query, export and verify the change log (bitácora)
 * DESCRIPTION
 *	GET /v1/changelog pages with a keyset cursor on seq, so a page never
 *	shifts while new entries arrive. format=csv and format=jsonl stream
 *	every matching entry from a server-side cursor on a connection of
 *	their own, a thousand rows at a time: memory stays flat however large
 *	the export. GET /v1/changelog/verify walks the hash chain and names
 *	the first entry that was altered, removed or inserted.
 */
#include "config.h"
#include "api.h"
#include "buf.h"
#include "changelog.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "text.h"
#include "timeparse.h"
#include "tpool.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { F_EMP, F_SYSTEM, F_ACTION, F_ACTOR, F_REQUEST, F_OUTCOME, F_SINCE, F_UNTIL, F_CURSOR, F_LIMIT, F_NPARAMS };

#define CL_COLS "seq::text, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), actor, actor_role, " \
	"request_id::text, employee_number, system, action, object, before::text, after::text, outcome, error, " \
	"prev_hash, hash"
#define CL_WHERE "WHERE ($1::text IS NULL OR employee_number = $1) AND ($2::text IS NULL OR system = $2) " \
	"AND ($3::text IS NULL OR action = $3) AND ($4::text IS NULL OR actor = $4) " \
	"AND ($5::bigint IS NULL OR request_id = $5::bigint) AND ($6::text IS NULL OR outcome = $6) " \
	"AND ($7::timestamptz IS NULL OR at >= $7::timestamptz) AND ($8::timestamptz IS NULL OR at < $8::timestamptz) "

static const char *const names[] = { "employee_number", "system", "action", "actor", "request_id", "outcome",
				     "since", "until", "cursor", "limit", "order", "format", NULL };

static const char *const col_names[] = { "seq", "at", "actor", "actor_role", "request_id", "employee_number",
					 "system", "action", "object", "before", "after", "outcome", "error",
					 "prev_hash", "hash" };
#define NCOLS 15

static int digits_only(const char *s)
{
	if (*s == '\0' || strlen(s) > 18)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* Reads and checks the query; 0, or -1 with the error answered. */
static int read_filters(struct http_ctx *ctx, const char *p[F_NPARAMS], char since[32], char until[32],
			int *asc_r, const char **format_r)
{
	const char *bad = http_query_unknown(ctx, names);
	if (bad != NULL) {
		http_reply_error(ctx, 400, "invalid_field", bad, "unknown query parameter '%s'", bad);
		return -1;
	}
	for (int i = 0; i < F_NPARAMS; i++)
		p[i] = http_query(ctx, names[i]);
	if (p[F_REQUEST] && !digits_only(p[F_REQUEST])) {
		http_reply_error(ctx, 400, "invalid_field", "request_id", "request_id must be a number, not '%s'", p[F_REQUEST]);
		return -1;
	}
	if (p[F_CURSOR] && !digits_only(p[F_CURSOR])) {
		http_reply_error(ctx, 400, "invalid_field", "cursor", "cursor '%s' is not one this API gave", p[F_CURSOR]);
		return -1;
	}
	time_t ts = 0, tu = 0;
	if (p[F_SINCE]) {
		if (parse_timestamp(p[F_SINCE], &ts) < 0) {
			http_reply_error(ctx, 400, "invalid_field", "since", "since must be an RFC 3339 time, not '%s'", p[F_SINCE]);
			return -1;
		}
		format_timestamp(ts, since);
		p[F_SINCE] = since;
	}
	if (p[F_UNTIL]) {
		if (parse_timestamp(p[F_UNTIL], &tu) < 0) {
			http_reply_error(ctx, 400, "invalid_field", "until", "until must be an RFC 3339 time, not '%s'", p[F_UNTIL]);
			return -1;
		}
		if (p[F_SINCE] && tu < ts) {
			http_reply_error(ctx, 400, "invalid_field", "until", "until is earlier than since: the range is reversed");
			return -1;
		}
		format_timestamp(tu, until);
		p[F_UNTIL] = until;
	}
	const char *order = http_query(ctx, "order");
	*asc_r = 0;
	if (order && strcmp(order, "asc") == 0)
		*asc_r = 1;
	else if (order && strcmp(order, "desc") != 0) {
		http_reply_error(ctx, 400, "invalid_field", "order", "order must be asc or desc, not '%s'", order);
		return -1;
	}
	const char *format = http_query(ctx, "format");
	if (format && strcmp(format, "json") != 0 && strcmp(format, "csv") != 0 && strcmp(format, "jsonl") != 0) {
		http_reply_error(ctx, 400, "invalid_field", "format", "format must be json, csv or jsonl, not '%s'", format);
		return -1;
	}
	*format_r = format ? format : "json";
	if (p[F_LIMIT]) {
		char *end;
		long n = strtol(p[F_LIMIT], &end, 10);
		if (*end != '\0' || n < 1 || n > 1000) {
			http_reply_error(ctx, 400, "invalid_field", "limit", "limit must be a number from 1 to 1000, not '%s'",
					 p[F_LIMIT]);
			return -1;
		}
	}
	return 0;
}

static json_t *row_json(PGresult *r, int i)
{
	json_t *o = json_object();
	for (int f = 0; f < NCOLS; f++) {
		const char *v = PQgetisnull(r, i, f) ? NULL : PQgetvalue(r, i, f);
		json_t *jv;
		if (v == NULL)
			jv = json_null();
		else if (f == 0 || f == 4)
			jv = json_integer(atoll(v));
		else if (f == 9 || f == 10) {
			jv = json_loads(v, JSON_DECODE_ANY, NULL);
			if (jv == NULL)
				jv = json_string(v);
		} else
			jv = json_string(v);
		json_object_set_new(o, col_names[f], jv);
	}
	return o;
}

struct export {
	PGconn *conn;
	int csv;
	int header_done;
	int done;
};

static int export_fill(void *state, struct buf *out)
{
	struct export *e = state;
	if (e->done)
		return 0;
	if (e->csv && !e->header_done) {
		for (int f = 0; f < NCOLS; f++)
			buf_printf(out, "%s%s", f ? "," : "", col_names[f]);
		buf_puts(out, "\r\n");
		e->header_done = 1;
	}
	PGresult *r = PQexec(e->conn, "FETCH 1000 FROM export");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		log_error("changelog export: FETCH failed: %s", PQerrorMessage(e->conn));
		PQclear(r);
		return -1;
	}
	int n = PQntuples(r);
	for (int i = 0; i < n; i++) {
		if (e->csv) {
			for (int f = 0; f < NCOLS; f++) {
				if (f)
					buf_putc(out, ',');
				csv_field(out, PQgetisnull(r, i, f) ? NULL : PQgetvalue(r, i, f));
			}
			buf_puts(out, "\r\n");
		} else {
			json_t *o = row_json(r, i);
			char *s = json_dumps(o, JSON_COMPACT);
			buf_puts(out, s);
			buf_putc(out, '\n');
			free(s);
			json_decref(o);
		}
	}
	PQclear(r);
	if (n == 0)
		e->done = 1;
	return out->len > 0 ? 1 : 0;
}

static void export_free(void *state)
{
	struct export *e = state;
	if (e->conn != NULL) {
		PQclear(PQexec(e->conn, "ROLLBACK"));
		PQfinish(e->conn);
	}
	free(e);
}

void api_changelog_list(struct http_ctx *ctx)
{
	const char *p[F_NPARAMS];
	char since[32], until[32], limit[16];
	int asc;
	const char *format;
	if (read_filters(ctx, p, since, until, &asc, &format) < 0)
		return;
	snprintf(limit, sizeof(limit), "%d", (p[F_LIMIT] ? atoi(p[F_LIMIT]) : 100) + 1);
	const char *params[10] = { p[F_EMP], p[F_SYSTEM], p[F_ACTION], p[F_ACTOR], p[F_REQUEST], p[F_OUTCOME],
				   p[F_SINCE], p[F_UNTIL], p[F_CURSOR], limit };
	const char *sql_asc = "SELECT " CL_COLS " FROM changelog " CL_WHERE
			      "AND ($9::bigint IS NULL OR seq > $9::bigint) ORDER BY changelog.seq ASC";
	const char *sql_desc = "SELECT " CL_COLS " FROM changelog " CL_WHERE
			       "AND ($9::bigint IS NULL OR seq < $9::bigint) ORDER BY changelog.seq DESC";

	if (strcmp(format, "json") != 0) {
		/* the export: its own connection and a server-side cursor */
		const char *err = NULL;
		struct export *e = xcalloc(1, sizeof(*e));
		e->csv = strcmp(format, "csv") == 0;
		e->conn = db_connect_new(&err);
		if (e->conn == NULL) {
			free(e);
			api_db_failure(ctx, DB_UNAVAILABLE, err);
			return;
		}
		PQclear(PQexec(e->conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
		char *sql = xasprintf("DECLARE export NO SCROLL CURSOR FOR %s", asc ? sql_asc : sql_desc);
		PGresult *r = PQexecParams(e->conn, sql, 9, NULL, params, NULL, NULL, 0);
		free(sql);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			const char *m = t_printf("query changelog.export failed: %s", PQerrorMessage(e->conn));
			PQclear(r);
			export_free(e);
			api_db_failure(ctx, DB_ERROR, m);
			return;
		}
		PQclear(r);
		http_reply_stream(ctx, e->csv ? "text/csv; charset=utf-8" : "application/x-ndjson", export_fill,
				  export_free, e);
		return;
	}
	char *sql = xasprintf("%s LIMIT $10::int", asc ? sql_asc : sql_desc);
	const char *err = NULL;
	enum db_status st;
	PGresult *r = db_query("changelog.list", sql, 10, params, &st, &err);
	free(sql);
	if (r == NULL) {
		api_db_failure(ctx, st, err);
		return;
	}
	int want = atoi(limit) - 1, n = PQntuples(r);
	json_t *items = json_array();
	for (int i = 0; i < n && i < want; i++)
		json_array_append_new(items, row_json(r, i));
	json_t *next = n > want ? json_string(PQgetvalue(r, want - 1, 0)) : json_null();
	PQclear(r);
	http_reply_json(ctx, 200, json_pack("{s:o, s:o, s:s}", "items", items, "next_cursor", next,
					    "order", asc ? "asc" : "desc"));
}

int changelog_verify(PGconn *c, json_t **result_r, const char **error_r)
{
	PGresult *r = PQexec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	PQclear(r);
	r = PQexec(c, "DECLARE walk NO SCROLL CURSOR FOR SELECT seq, hash, prev_hash, "
		      "encode(sha256(convert_to(changelog_digest_input(seq, at, actor, actor_role, request_id, "
		      "employee_number, system, action, object, before, after, outcome, error, prev_hash), 'UTF8')), 'hex') "
		      "FROM changelog ORDER BY seq");
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		*error_r = t_printf("changelog verify failed: %s", PQerrorMessage(c));
		PQclear(r);
		PQclear(PQexec(c, "ROLLBACK"));
		return -1;
	}
	PQclear(r);
	char prev_hash[65];
	memset(prev_hash, '0', 64);
	prev_hash[64] = '\0';
	long long expected = 1, count = 0;
	json_t *bad = NULL;
	for (;;) {
		r = PQexec(c, "FETCH 5000 FROM walk");
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			*error_r = t_printf("changelog verify failed: %s", PQerrorMessage(c));
			PQclear(r);
			PQclear(PQexec(c, "ROLLBACK"));
			json_decref(bad);
			return -1;
		}
		int n = PQntuples(r);
		for (int i = 0; i < n && bad == NULL; i++) {
			long long seq = atoll(PQgetvalue(r, i, 0));
			const char *hash = PQgetvalue(r, i, 1), *prev = PQgetvalue(r, i, 2), *re = PQgetvalue(r, i, 3);
			count++;
			if (seq != expected)
				bad = json_pack("{s:I, s:s, s:s}", "seq", (json_int_t)seq, "kind", "removed", "detail",
						"entries are missing before this one (seq jumps)");
			else if (strcmp(re, hash) != 0)
				bad = json_pack("{s:I, s:s, s:s}", "seq", (json_int_t)seq, "kind", "altered", "detail",
						"its content no longer matches its hash");
			else if (strcmp(prev, prev_hash) != 0)
				bad = json_pack("{s:I, s:s, s:s}", "seq", (json_int_t)seq, "kind", "inserted", "detail",
						"the entry before it is not the one it was chained to (inserted or replaced)");
			snprintf(prev_hash, sizeof(prev_hash), "%s", hash);
			expected = seq + 1;
		}
		PQclear(r);
		if (n == 0 || bad != NULL)
			break;
	}
	PQclear(PQexec(c, "ROLLBACK"));
	*result_r = json_pack("{s:b, s:I, s:o, s:s}", "ok", bad == NULL, "entries_checked", (json_int_t)count,
			      "first_bad", bad ? bad : json_null(), "head_hash", prev_hash);
	return 0;
}

void api_changelog_verify(struct http_ctx *ctx)
{
	const char *err = NULL;
	json_t *res = NULL;
	PGconn *c = db_connect_new(&err);
	if (c == NULL) {
		api_db_failure(ctx, DB_UNAVAILABLE, err);
		return;
	}
	int rc = changelog_verify(c, &res, &err);
	PQfinish(c);
	if (rc < 0) {
		api_db_failure(ctx, DB_ERROR, err);
		return;
	}
	if (!json_is_true(json_object_get(res, "ok")))
		log_warn("changelog verify: the chain is broken at seq %lld",
			 (long long)json_integer_value(json_object_get(json_object_get(res, "first_bad"), "seq")));
	http_reply_json(ctx, 200, res);
}

/* ---- point in time, rebuilt from the log ---------------------------------------- */

/* Reads ?at= (RFC 3339; now when absent) into out. 0 or -1 answered. */
static int read_at(struct http_ctx *ctx, const char *const *allowed, char out[32])
{
	const char *bad = http_query_unknown(ctx, allowed);
	if (bad != NULL) {
		http_reply_error(ctx, 400, "invalid_field", bad, "unknown query parameter '%s'", bad);
		return -1;
	}
	const char *at = http_query(ctx, "at");
	time_t t = time(NULL);
	if (at != NULL && parse_timestamp(at, &t) < 0) {
		http_reply_error(ctx, 400, "invalid_field", "at", "at must be an RFC 3339 time, not '%s'", at);
		return -1;
	}
	format_timestamp(t, out);
	return 0;
}

#define TSUS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"

/* What access a person held at a moment: for each target system the state
 * its last successful operation left (before or at that moment), the
 * person's status from the workflow, and the groups and account state
 * those imply. Nothing is read from the targets: the log is the witness. */
void api_people_access(struct http_ctx *ctx)
{
	static const char *const allowed[] = { "at", NULL };
	const char *err = NULL;
	char at[32];
	enum db_status st;
	if (read_at(ctx, allowed, at) < 0)
		return;
	const char *params[2] = { http_param(ctx, 0), at };
	PGresult *r = db_query("access.person_status",
		"SELECT after->>'status', " TSUS("at") " FROM changelog WHERE employee_number = $1 "
		"AND system = 'workflow' AND action LIKE 'person.%' AND at <= $2::timestamptz ORDER BY seq DESC LIMIT 1",
		2, params, &st, &err);
	if (r == NULL) {
		api_db_failure(ctx, st, err);
		return;
	}
	json_t *status = PQntuples(r) ? json_string(PQgetvalue(r, 0, 0)) : json_null();
	PQclear(r);
	r = db_query("access.person_systems",
		"SELECT DISTINCT ON (system) system, seq::text, " TSUS("at") ", action, object, after::text "
		"FROM changelog WHERE employee_number = $1 AND at <= $2::timestamptz AND system NOT IN ('workflow', 'directory') "
		"AND outcome IN ('ok', 'noop') AND after IS NOT NULL ORDER BY system, changelog.seq DESC",
		2, params, &st, &err);
	if (r == NULL) {
		json_decref(status);
		api_db_failure(ctx, st, err);
		return;
	}
	json_t *systems = json_object(), *groups = json_array(), *enabled = json_null();
	for (int i = 0; i < PQntuples(r); i++) {
		json_t *after = json_loads(PQgetvalue(r, i, 5), 0, NULL);
		json_t *g = json_object_get(after, "groups"), *v;
		size_t k;
		json_array_foreach(g, k, v)
			json_array_append(groups, v);
		if (json_object_get(after, "uid") != NULL) {
			/* an account: enabled unless locked the ppolicy way */
			int locked = json_object_get(after, "pwdAccountLockedTime") != NULL;
			enabled = json_boolean(!locked && !json_is_false(enabled));
		}
		json_object_set_new(systems, PQgetvalue(r, i, 0), json_pack("{s:I, s:s, s:s, s:s, s:o}",
			"seq", (json_int_t)atoll(PQgetvalue(r, i, 1)), "since", PQgetvalue(r, i, 2),
			"action", PQgetvalue(r, i, 3), "object", PQgetisnull(r, i, 4) ? "" : PQgetvalue(r, i, 4),
			"state", after ? after : json_null()));
	}
	PQclear(r);
	http_reply_json(ctx, 200, json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "employee_number", params[0],
		"at", at, "person_status", status, "account_enabled", enabled, "groups", groups, "systems", systems));
}

/* Who held a group (an access level kept as a group) of a system at a
 * moment: everyone whose last successful operation on that system before
 * the moment left the group in their groups. */
void api_access_holders(struct http_ctx *ctx)
{
	static const char *const allowed[] = { "at", "system", "group", NULL };
	const char *err = NULL;
	char at[32];
	enum db_status st;
	if (read_at(ctx, allowed, at) < 0)
		return;
	const char *sys = http_query(ctx, "system"), *group = http_query(ctx, "group");
	if (sys == NULL || group == NULL || !*sys || !*group) {
		http_reply_error(ctx, 400, "missing_field", sys == NULL || !*sys ? "system" : "group",
				 "system (a plugin instance) and group are required");
		return;
	}
	const char *params[3] = { sys, at, group };
	PGresult *r = db_query("access.holders",
		"SELECT employee_number, seq::text, " TSUS("at") " FROM ("
		" SELECT DISTINCT ON (employee_number) employee_number, seq, at, after FROM changelog"
		" WHERE system = $1 AND at <= $2::timestamptz AND outcome IN ('ok', 'noop') AND employee_number IS NOT NULL"
		" AND after ? 'groups' ORDER BY employee_number, seq DESC) s "
		"WHERE s.after->'groups' ? $3 ORDER BY employee_number", 3, params, &st, &err);
	if (r == NULL) {
		api_db_failure(ctx, st, err);
		return;
	}
	json_t *holders = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(holders, json_pack("{s:s, s:I, s:s}", "employee_number", PQgetvalue(r, i, 0),
			"seq", (json_int_t)atoll(PQgetvalue(r, i, 1)), "since", PQgetvalue(r, i, 2)));
	PQclear(r);
	http_reply_json(ctx, 200, json_pack("{s:s, s:s, s:s, s:o}", "system", sys, "group", group, "at", at,
					    "holders", holders));
}
