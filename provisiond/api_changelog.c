/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	api_changelog - query, export and verify the change log (bitácora)
 * DESCRIPTION
 *	GET /v1/changelog pages with a keyset cursor on seq, so a page never
 *	shifts while new entries arrive. format=csv and format=jsonl stream
 *	every matching entry on a connection of their own, in one snapshot:
 *	CSV from COPY, each row as PostgreSQL gave it with its time put in
 *	the API's form and its formula-like cells defused here (csv_put_row:
 *	cheaper in C than to_char and a CASE per row in the database, which
 *	kept the export well behind psql's own COPY); JSON Lines from a
 *	server-side cursor, a thousand rows at a time. Memory stays flat
 *	however large the export. GET /v1/changelog/verify walks the hash
 *	chain and names the first entry that was altered, removed or
 *	inserted.
 */
#include "config.h"
#include "api.h"
#include "buf.h"
#include "changelog.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "sealer.h"
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
	"prev_hash, hash, pos::text"
/* The conditions of the filters given, and only those: a catch-all
 * "$n IS NULL OR ..." for every filter hides the indexes from the planner.
 * Pages are newest (or oldest) first by (at, seq), which the indexes on
 * (at, seq) and (employee_number, at, seq) give without sorting; the
 * cursor is the seq of a page's last entry. */
static const struct {
	int param;
	const char *sql, *cast;	/* "<sql> <the parameter><cast>" */
} conds[] = {
	{ F_EMP, "employee_number =", "" },
	{ F_SYSTEM, "system =", "" },
	{ F_ACTION, "action =", "" },
	{ F_ACTOR, "actor =", "" },
	{ F_REQUEST, "request_id =", "::bigint" },
	{ F_OUTCOME, "outcome =", "" },
	{ F_SINCE, "at >=", "::timestamptz" },
	{ F_UNTIL, "at <", "::timestamptz" },
};

/* The n-th value: $n, or for COPY (which takes no parameters) the
 * transaction's setting pvd.pn, set by a parameterised set_config. */
static const char *placeholder(int copy, int n)
{
	return copy ? t_printf("current_setting('pvd.p%d')", n) : t_printf("$%d", n);
}

/* "SELECT cols FROM changelog WHERE ... ORDER BY ..." into b, the values
 * into values[] (*n_r of them). */
static void build_query(struct buf *b, const char *const p[F_NPARAMS], int asc, int copy, const char *select,
			const char *values[F_NPARAMS], int *n_r)
{
	int n = 0;
	buf_printf(b, "SELECT %s FROM changelog", select);
	for (size_t i = 0; i < sizeof(conds) / sizeof(conds[0]); i++) {
		if (p[conds[i].param] == NULL)
			continue;
		values[n++] = p[conds[i].param];
		buf_puts(b, n == 1 ? " WHERE " : " AND ");
		buf_printf(b, "%s %s%s", conds[i].sql, placeholder(copy, n), conds[i].cast);
	}
	if (p[F_CURSOR] != NULL) {
		values[n++] = p[F_CURSOR];
		buf_printf(b, "%s(at, seq) %s (SELECT at, seq FROM changelog WHERE seq = %s::bigint)",
			   n == 1 ? " WHERE " : " AND ", asc ? ">" : "<", placeholder(copy, n));
	}
	buf_puts(b, asc ? " ORDER BY at, seq" : " ORDER BY at DESC, seq DESC");
	*n_r = n;
}

static const char *const names[] = { "employee_number", "system", "action", "actor", "request_id", "outcome",
				     "since", "until", "cursor", "limit", "order", "format", NULL };

static const char *const col_names[] = { "seq", "at", "actor", "actor_role", "request_id", "employee_number",
					 "system", "action", "object", "before", "after", "outcome", "error",
					 "prev_hash", "hash", "pos" };
#define NCOLS 16

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
		else if (f == 0 || f == 4 || f == 15)
			jv = json_integer(atoll(v));
		else if (f == 9 || f == 10) {
			jv = json_loads(v, JSON_DECODE_ANY, NULL);
			if (jv == NULL)
				jv = json_string(v);
		} else
			jv = json_string(v);
		json_object_set_new(o, col_names[f], jv);
	}
	/* chained and signed by the sealer, or still waiting for it */
	json_object_set_new(o, "sealed", json_boolean(!PQgetisnull(r, i, 15)));
	return o;
}

/* The export hands MHD pieces of about this size. */
#define EXPORT_PIECE (256 * 1024)

struct export {
	PGconn *conn;
	int csv;
	int header_done;
	int done;
};

/* Where the CSV field that starts at p ends (its ',' or the row's '\n'),
 * or NULL: COPY quotes a field holding a ',', '"', CR or LF, doubling
 * each '"' in it, and leaves every other field bare. */
static const char *csv_field_end(const char *p, const char *end)
{
	if (p < end && *p == '"') {
		for (p++;;) {
			const char *q = memchr(p, '"', (size_t)(end - p));
			if (q == NULL)
				return NULL;
			if (q + 1 < end && q[1] == '"') {
				p = q + 2;
				continue;
			}
			return q + 1;
		}
	}
	while (p < end && *p != ',' && *p != '\n')
		p++;
	return p;
}

/* COPY's text of at (DateStyle ISO, TimeZone UTC: "YYYY-MM-DD hh:mm:ss",
 * then ".f" with trailing zeros cut, none when zero, then "+00", then
 * " BC" before year 1) as the API gives times, the way to_char(at AT TIME
 * ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') wrote it:
 * "YYYY-MM-DDThh:mm:ss.ffffffZ", the year as it is ("10000"; "0044" for
 * 44 BC), and nothing for NULL and for infinity, to which to_char gives
 * NULL. 0, or -1 for a text of another shape. */
static int csv_put_time(struct buf *out, const char *p, size_t len)
{
	static const char shape[] = "-dd-dd dd:dd:dd";
	if (len == 0 || (len == 8 && memcmp(p, "infinity", 8) == 0) || (len == 9 && memcmp(p, "-infinity", 9) == 0))
		return 0;
	size_t y = 0;
	while (y < len && isdigit((unsigned char)p[y]))
		y++;
	if (y < 4 || len - y < sizeof(shape) - 1 + 3)
		return -1;
	const char *t = p + y, *f = t + sizeof(shape) - 1, *end = p + len;
	for (size_t i = 0; i < sizeof(shape) - 1; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)t[i]) : t[i] != shape[i])
			return -1;
	char us[6] = { '0', '0', '0', '0', '0', '0' };
	if (*f == '.') {
		size_t n = 0;
		for (f++; f < end && isdigit((unsigned char)*f) && n < sizeof(us); f++)
			us[n++] = *f;
		if (n == 0)
			return -1;
	}
	size_t rest = (size_t)(end - f);
	if (!(rest == 3 && memcmp(f, "+00", 3) == 0) && !(rest == 6 && memcmp(f, "+00 BC", 6) == 0))
		return -1;
	buf_reserve(out, y + 22);
	buf_append(out, p, y + 6);		/* YYYY-MM-DD */
	buf_putc(out, 'T');
	buf_append(out, t + 7, 8);		/* hh:mm:ss */
	buf_putc(out, '.');
	buf_append(out, us, sizeof(us));
	buf_putc(out, 'Z');
	return 0;
}

/* The fields people's input reaches (see CSV_COLS); the others are names
 * from the configuration and the code, numbers, hashes and JSON objects. */
static const unsigned char csv_defused[NCOLS] = { [2] = 1, [5] = 1, [8] = 1, [12] = 1 };
#define CSV_LAST_CHANGED 12

/* One row of COPY ... (FORMAT csv) of CSV_COLS, appended to out as the
 * export gives it: at in the API's form (csv_put_time), and a field a
 * spreadsheet would take for a formula (its first character = + - @, tab
 * or CR) with a leading ', inside its quotes when it has them, as
 * csv_field does. A ' changes nothing in COPY's choice to quote a field,
 * so the bytes are those COPY gave when PostgreSQL did this per row
 * (to_char and a CASE), which cost it more than the whole row costs here.
 * 0, or -1 for a row of another shape. */
static int csv_put_row(struct buf *out, const char *row, size_t len)
{
	const char *p = row, *end = row + len, *run = row;
	for (int f = 0; f <= CSV_LAST_CHANGED; f++) {
		const char *fe = csv_field_end(p, end);
		if (fe == NULL || fe == end || *fe != ',')
			return -1;
		if (f == 1) {
			buf_append(out, run, (size_t)(p - run));
			if (csv_put_time(out, p, (size_t)(fe - p)) < 0)
				return -1;
			run = fe;
		} else if (csv_defused[f]) {
			const char *c = *p == '"' ? p + 1 : p;
			if (c < fe && (*c == '=' || *c == '+' || *c == '-' || *c == '@' || *c == '\t' || *c == '\r')) {
				buf_append(out, run, (size_t)(c - run));
				buf_putc(out, '\'');
				run = c;
			}
		}
		p = fe + 1;
	}
	buf_append(out, run, (size_t)(end - run));
	return 0;
}

static int export_fill(void *state, struct buf *out)
{
	struct export *e = state;
	if (e->done)
		return 0;
	if (e->csv && !e->header_done) {
		for (int f = 0; f < NCOLS; f++)
			buf_printf(out, "%s%s", f ? "," : "", col_names[f]);
		buf_puts(out, "\n");
		e->header_done = 1;
	}
	if (e->csv) {
		/* COPY's own CSV rows, finished (csv_put_row) as they come, about
		 * 256 KB at a time */
		char *line;
		int len;
		while (out->len < EXPORT_PIECE && (len = PQgetCopyData(e->conn, &line, 0)) > 0) {
			int rc = csv_put_row(out, line, (size_t)len);
			PQfreemem(line);
			if (rc < 0) {
				log_error("changelog export: a row of COPY is not of the shape expected");
				e->done = 1;
				return -1;
			}
		}
		if (out->len < EXPORT_PIECE) {
			PGresult *r = PQgetResult(e->conn);
			int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
			if (!ok)
				log_error("changelog export: COPY failed: %s", PQerrorMessage(e->conn));
			PQclear(r);
			while ((r = PQgetResult(e->conn)) != NULL)
				PQclear(r);
			e->done = 1;
			if (!ok)
				return -1;
		}
		return out->len > 0 ? 1 : 0;
	}
	PGresult *r = PQexec(e->conn, "FETCH 1000 FROM export");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		log_error("changelog export: FETCH failed: %s", PQerrorMessage(e->conn));
		PQclear(r);
		return -1;
	}
	int n = PQntuples(r);
	for (int i = 0; i < n; i++) {
		json_t *o = row_json(r, i);
		char *s = json_dumps(o, JSON_COMPACT);
		buf_puts(out, s);
		buf_putc(out, '\n');
		free(s);
		json_decref(o);
	}
	PQclear(r);
	if (n == 0)
		e->done = 1;
	return out->len > 0 ? 1 : 0;
}

/* Sets pvd.p1..pvd.pn for this transaction (parameterised), then starts
 * the COPY. */
static PGresult *copy_with_params(PGconn *c, const char *copy, int n, const char *const *values)
{
	if (n > 0) {
		struct buf b = BUF_INIT;
		buf_puts(&b, "SELECT ");
		for (int i = 1; i <= n; i++)
			buf_printf(&b, "%sset_config('pvd.p%d', $%d, true)", i > 1 ? ", " : "", i, i);
		PGresult *r = PQexecParams(c, buf_str(&b), n, NULL, values, NULL, NULL, 0);
		buf_free(&b);
		if (PQresultStatus(r) != PGRES_TUPLES_OK)
			return r;
		PQclear(r);
	}
	return PQexec(c, copy);
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

/* The export's columns for COPY ... CSV, as they are stored: the
 * transaction's DateStyle and TimeZone fix the text of at, and
 * csv_put_row turns it into the API's form and defuses the fields a
 * spreadsheet would run. */
#define CSV_COLS "seq, at, actor, actor_role, request_id, employee_number, system, action, object, before, after, " \
	"outcome, error, prev_hash, hash, pos"
/* One snapshot for the whole export; the settings give at the text
 * csv_put_time reads (the JSON Lines columns do not depend on them). */
#define EXPORT_BEGIN "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL DateStyle = 'ISO, YMD'; " \
	"SET LOCAL TimeZone = 'UTC'"

void api_changelog_list(struct http_ctx *ctx)
{
	const char *p[F_NPARAMS];
	char since[32], until[32], limit[16];
	int asc, n;
	const char *format, *values[F_NPARAMS + 1];
	if (read_filters(ctx, p, since, until, &asc, &format) < 0)
		return;
	int csv = strcmp(format, "csv") == 0;
	struct buf sql = BUF_INIT;
	build_query(&sql, p, asc, csv, csv ? CSV_COLS : CL_COLS, values, &n);

	if (strcmp(format, "json") != 0) {
		/* the export: its own connection, COPY for CSV, a server-side cursor for JSON Lines */
		const char *err = NULL;
		struct export *e = xcalloc(1, sizeof(*e));
		e->csv = csv;
		e->conn = db_connect_new(&err);
		if (e->conn == NULL) {
			free(e);
			buf_free(&sql);
			api_db_failure(ctx, DB_UNAVAILABLE, err);
			return;
		}
		PGresult *r = PQexec(e->conn, EXPORT_BEGIN);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			const char *m = t_printf("query changelog.export_begin failed: %s", PQerrorMessage(e->conn));
			PQclear(r);
			export_free(e);
			buf_free(&sql);
			api_db_failure(ctx, DB_ERROR, m);
			return;
		}
		PQclear(r);
		char *stmt = csv ? xasprintf("COPY (%s) TO STDOUT WITH (FORMAT csv, HEADER false)", buf_str(&sql))
				 : xasprintf("DECLARE export NO SCROLL CURSOR FOR %s", buf_str(&sql));
		buf_free(&sql);
		r = csv ? copy_with_params(e->conn, stmt, n, values)
			: PQexecParams(e->conn, stmt, n, NULL, values, NULL, NULL, 0);
		free(stmt);
		if (PQresultStatus(r) != (csv ? PGRES_COPY_OUT : PGRES_COMMAND_OK)) {
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
	snprintf(limit, sizeof(limit), "%d", (p[F_LIMIT] ? atoi(p[F_LIMIT]) : 100) + 1);
	values[n++] = limit;
	buf_printf(&sql, " LIMIT $%d::int", n);
	const char *err = NULL;
	enum db_status st;
	PGresult *r = db_query("changelog.list", buf_str(&sql), n, values, &st, &err);
	buf_free(&sql);
	if (r == NULL) {
		api_db_failure(ctx, st, err);
		return;
	}
	int want = atoi(limit) - 1, rows = PQntuples(r);
	json_t *items = json_array();
	for (int i = 0; i < rows && i < want; i++)
		json_array_append_new(items, row_json(r, i));
	json_t *next = rows > want ? json_string(PQgetvalue(r, want - 1, 0)) : json_null();
	PQclear(r);
	http_reply_json(ctx, 200, json_pack("{s:o, s:o, s:s}", "items", items, "next_cursor", next,
					    "order", asc ? "asc" : "desc"));
}

#define MAX_HEADS 100

/* ?heads=pos:hash,pos:hash (heads an auditor kept from the mails or from
 * GET /v1/changelog/head), and the one this daemon recorded. Count or -1
 * answered. */
static int read_heads(struct http_ctx *ctx, struct cl_known_head *out)
{
	static const char *const allowed[] = { "heads", NULL };
	const char *bad = http_query_unknown(ctx, allowed);
	if (bad != NULL) {
		http_reply_error(ctx, 400, "invalid_field", bad, "unknown query parameter '%s'", bad);
		return -1;
	}
	int n = 0;
	struct cl_known_head mine = sealer_recorded_head();
	if (mine.pos > 0)
		out[n++] = mine;
	const char *q = http_query(ctx, "heads");
	for (const char *p = q; p != NULL && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *colon = memchr(p, ':', len);
		size_t hl = colon ? len - (size_t)(colon - p) - 1 : 0;
		char num[20];
		int good = colon != NULL && colon > p && (size_t)(colon - p) < sizeof(num) && hl == 64 && n < MAX_HEADS + 1;
		for (size_t k = 0; good && k < hl; k++)
			good = isxdigit((unsigned char)colon[1 + k]) && !isupper((unsigned char)colon[1 + k]);
		if (good) {
			memcpy(num, p, (size_t)(colon - p));
			num[colon - p] = '\0';
			good = digits_only(num) && atoll(num) > 0;
		}
		if (!good) {
			http_reply_error(ctx, 400, "invalid_field", "heads",
					 "heads is a list of up to %d pos:hash pairs (a position, ':', 64 lowercase hex "
					 "digits), separated by commas", MAX_HEADS);
			return -1;
		}
		out[n].pos = atoll(num);
		memcpy(out[n].hash, colon + 1, 64);
		out[n].hash[64] = '\0';
		n++;
		p = end ? end + 1 : p + len;
	}
	return n;
}

void api_changelog_verify(struct http_ctx *ctx)
{
	const char *err = NULL;
	json_t *res = NULL;
	struct cl_known_head heads[MAX_HEADS + 1];
	int nheads = read_heads(ctx, heads);
	if (nheads < 0)
		return;
	PGconn *c = db_connect_new(&err);
	if (c == NULL) {
		api_db_failure(ctx, DB_UNAVAILABLE, err);
		return;
	}
	int rc = changelog_verify(c, sealer_key(), heads, nheads, &res, &err);
	PQfinish(c);
	if (rc < 0) {
		api_db_failure(ctx, DB_ERROR, err);
		return;
	}
	if (!json_is_true(json_object_get(res, "ok"))) {
		json_t *b = json_object_get(res, "first_bad");
		log_warn("changelog verify: the chain is broken at pos %lld (%s): %s",
			 (long long)json_integer_value(json_object_get(b, "pos")),
			 json_string_value(json_object_get(b, "kind")), json_string_value(json_object_get(b, "detail")));
	}
	http_reply_json(ctx, 200, res);
}

/* The newest signed head, for auditors to keep. */
void api_changelog_head(struct http_ctx *ctx)
{
	const char *err = NULL;
	enum db_status st;
	json_t *h = changelog_head(sealer_key(), &st, &err);
	if (h == NULL) {
		api_db_failure(ctx, st, err);
		return;
	}
	if (json_is_null(h)) {
		http_reply_error(ctx, 404, "not_found", NULL, "nothing in the change log is sealed yet");
		return;
	}
	http_reply_json(ctx, 200, h);
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
		"AND system = 'workflow' AND action LIKE 'person.%' AND at <= $2::timestamptz ORDER BY at DESC, seq DESC LIMIT 1",
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
