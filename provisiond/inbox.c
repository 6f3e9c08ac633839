/*
 * NAME
 *	inbox - "lo que me espera" and the dashboard (see inbox.h)
 * DESCRIPTION
 *	The inbox asks the workflow, not a list of its own: a request is in
 *	it when request_json() finds an action the caller may take, by the
 *	same rules POST /v1/requests/{id}/{action} applies. So it offers
 *	exactly what acting would allow.
 */
#include "config.h"
#include "inbox.h"
#include "engine/engine.h"
#include "roles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Candidates are bounded: an inbox of more than this many open requests
 * is shown in its oldest part. */
#define INBOX_SCAN 300

static void add_tasks(const struct principal *who, json_t *out, struct outcome *o)
{
	char roles[16][24];
	int n = 0;
	for (int r = 0; r < ROLE_COUNT && n < 16; r++)
		if (who->roles & ROLE_BIT(r))
			snprintf(roles[n++], sizeof(roles[0]), "%s", role_name((enum role)r));
	json_t *tasks = json_array();
	json_object_set_new(out, "tasks", tasks);
	if (n == 0)
		return;
	/* the roles as a text array literal: each is a known role name */
	char arr[16 * 26 + 4] = "{";
	for (int i = 0; i < n; i++) {
		strcat(arr, roles[i]);
		strcat(arr, i + 1 < n ? "," : "");
	}
	strcat(arr, "}");
	const char *params[1] = { arr };
	PGresult *r = db_query_or_fail(o, "inbox.tasks",
		"SELECT t.id, t.request_id, q.type, p.employee_number, t.name, t.title, t.role, t.checklist::text, "
		"t.state, " TS("t.created_at") " AS created_at FROM tasks t JOIN requests q ON q.id = t.request_id "
		"JOIN people p ON p.id = q.person_id WHERE t.state = 'open' AND t.role = ANY($1::text[]) "
		"ORDER BY t.id LIMIT 500", 1, params);
	if (r == NULL)
		return;
	for (int i = 0; i < PQntuples(r); i++) {
		json_t *tk = row_object(r, i, 2, PQnfields(r) - 1);
		json_object_set_new(tk, "id", json_integer(atoll(PQgetvalue(r, i, 0))));
		json_object_set_new(tk, "request_id", json_integer(atoll(PQgetvalue(r, i, 1))));
		json_object_set_new(tk, "checklist", json_loads(PQgetvalue(r, i, 7), 0, NULL));
		json_array_append_new(tasks, tk);
	}
	PQclear(r);
}

void inbox_list(const struct principal *who, struct outcome *o)
{
	char me[160], scan[16];
	enum db_status st;
	const char *err = NULL;

	memset(o, 0, sizeof(*o));
	actor_id(who, me);
	snprintf(scan, sizeof(scan), "%d", INBOX_SCAN);
	/* the same visibility as GET /v1/requests */
	const char *restrict_uid = sees_everything(who) ? NULL : (who->kind == PRINCIPAL_USER ? who->subject : "");
	const char *unit = restrict_uid && (who->roles & ROLE_BIT(ROLE_UNIT_HEAD)) && who->unit[0] ? who->unit : NULL;
	const char *params[4] = { restrict_uid, me, unit, scan };
	PGresult *r = db_query_or_fail(o, "inbox.candidates",
		"SELECT r.id::text, " TS("r.updated_at") ", "
		"floor(extract(epoch FROM now() - r.updated_at))::bigint::text "
		"FROM requests r JOIN people p ON p.id = r.person_id WHERE r.closed_at IS NULL "
		"AND ($1::text IS NULL OR p.uid = $1 OR r.submitted_by = $2 "
		"     OR lower(p.unit) = lower(regexp_replace(btrim($3::text), ' +', ' ', 'g'))) "
		"ORDER BY r.updated_at, r.id LIMIT $4::int", 4, params);
	if (r == NULL)
		return;
	json_t *items = json_array();
	for (int i = 0; i < PQntuples(r); i++) {
		json_t *j = request_json(atoll(PQgetvalue(r, i, 0)), who, &st, &err);
		if (j == NULL) {
			if (st == DB_OK)
				continue;	/* closed since */
			PQclear(r);
			json_decref(items);
			fail_db(o, st, err);
			return;
		}
		if (json_array_size(json_object_get(j, "your_actions")) == 0) {
			json_decref(j);
			continue;
		}
		json_object_del(j, "steps");
		json_array_append_new(items, json_pack("{s:o, s:s, s:I}", "request", j, "waiting_since",
						       PQgetvalue(r, i, 1), "age_seconds",
						       (json_int_t)atoll(PQgetvalue(r, i, 2))));
	}
	PQclear(r);
	json_t *out = json_pack("{s:o}", "items", items);
	add_tasks(who, out, o);
	if (o->code != NULL) {
		json_decref(out);
		return;
	}
	o->status = 200;
	o->body = out;
}

void dashboard_get(struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	PGresult *r = db_query_or_fail(o, "dashboard.requests",
		"SELECT type, state, count(*)::text, " TS("min(updated_at)") ", "
		"floor(extract(epoch FROM now() - min(updated_at)))::bigint::text "
		"FROM requests WHERE closed_at IS NULL GROUP BY type, state ORDER BY type, state", 0, NULL);
	if (r == NULL)
		return;
	json_t *reqs = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(reqs, json_pack("{s:s, s:s, s:I, s:s, s:I}", "type", PQgetvalue(r, i, 0),
			"state", PQgetvalue(r, i, 1), "count", (json_int_t)atoll(PQgetvalue(r, i, 2)),
			"oldest_waiting_since", PQgetvalue(r, i, 3),
			"oldest_age_seconds", (json_int_t)atoll(PQgetvalue(r, i, 4))));
	PQclear(r);
	r = db_query_or_fail(o, "dashboard.backlog",
		"SELECT (SELECT count(*) FROM operations WHERE state = 'pending')::text, "
		"(SELECT count(*) FROM operations WHERE state = 'running')::text, "
		"(SELECT count(*) FROM operations WHERE state = 'dead')::text, "
		"(SELECT count(*) FROM operations WHERE state = 'pending' AND attempts > 0)::text, "
		"(SELECT count(*) FROM outbox WHERE state = 'pending')::text, "
		"(SELECT coalesce(floor(extract(epoch FROM now() - min(created_at))), 0) "
		" FROM outbox WHERE state = 'pending')::bigint::text", 0, NULL);
	if (r == NULL) {
		json_decref(reqs);
		return;
	}
#define N(i) ((json_int_t)atoll(PQgetvalue(r, 0, i)))
	o->body = json_pack("{s:o, s:{s:I, s:I, s:I, s:I}, s:{s:I, s:I}}", "requests", reqs,
			    "queue", "pending", N(0), "running", N(1), "dead", N(2), "retrying", N(3),
			    "outbox", "pending", N(4), "oldest_pending_age_seconds", N(5));
#undef N
	PQclear(r);
	o->status = 200;
}
