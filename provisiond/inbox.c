/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
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
#include "tasks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Candidates are bounded: an inbox of more than this many open requests
 * is shown in its oldest part. */
#define INBOX_SCAN 300

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
	/* the open tasks of the caller's roles, as GET /v1/tasks shows them */
	tasks_of("open", &who->roles, o);
	if (o->code != NULL) {
		json_decref(items);
		return;
	}
	json_t *tasks = json_incref(json_object_get(o->body, "items"));
	json_decref(o->body);
	o->body = json_pack("{s:o, s:o}", "items", items, "tasks", tasks);
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
