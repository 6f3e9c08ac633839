/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	engine/views - requests and people as the API shows them
 * DESCRIPTION
 *	A request is read back with its person, its steps, its manual tasks,
 *	its plugin operations and the actions possible now (and which of them
 *	are the caller's). Who may see a request is engine/rules.c's answer;
 *	whoever may not gets the same 404 as for a request that does not exist.
 */
#include "config.h"
#include "engine/engine.h"
#include "requests.h"
#include "buf.h"
#include "log.h"
#include "queue.h"
#include "text.h"
#include "timeparse.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char PERSON_COLS[] =
	"p.employee_number, p.national_id, p.given_names, p.family_names, p.unit, p.position, "
	"p.contract_type, to_char(p.start_date, 'YYYY-MM-DD') AS start_date, "
	"to_char(p.end_date, 'YYYY-MM-DD') AS end_date, p.status, p.uid, p.uid_number::text AS uid_number, "
	"p.mail, p.extension";

json_t *row_object(PGresult *r, int row, int first, int last)
{
	json_t *o = json_object();
	for (int f = first; f <= last; f++) {
		const char *name = PQfname(r, f);
		if (PQgetisnull(r, row, f))
			json_object_set_new(o, name, json_null());
		else if (strcmp(name, "uid_number") == 0)
			json_object_set_new(o, name, json_integer(atoll(PQgetvalue(r, row, f))));
		else
			json_object_set_new(o, name, json_string(PQgetvalue(r, row, f)));
	}
	return o;
}

json_t *person_json_by_id(long long person_id, const char **error_r, enum db_status *st)
{
	char id[32];
	snprintf(id, sizeof(id), "%lld", person_id);
	const char *params[1] = { id };
	char *sql = xasprintf("SELECT %s FROM people p WHERE p.id = $1::bigint", PERSON_COLS);
	PGresult *r = db_query("person.get", sql, 1, params, st, error_r);
	free(sql);
	if (r == NULL)
		return NULL;
	json_t *j = PQntuples(r) == 1 ? row_object(r, 0, 0, PQnfields(r) - 1) : NULL;
	PQclear(r);
	return j;
}

struct allowed_ctx {
	json_t *all;
	json_t *mine;
	const struct principal *who;
	const char *person_uid;
	const char *submitted_by;
	const char *submitted_owner;
	const char *person_unit;
	const char *provisioning_mode;
	enum wf_state_id state;
	int waits_for_tasks;		/* set when a confirm was offered and waits for tasks */
};

static void remove_action(json_t *list, enum wf_action_id action)
{
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
		if (strcmp(json_string_value(v), wf_action_name(action)) == 0) {
			json_array_remove(list, i);
			return;
		}
}

static void collect_allowed(const struct wf_transition *tr, void *arg)
{
	struct allowed_ctx *a = arg;
	json_t *roles = json_array();
	for (int r = 0; r < ROLE_COUNT; r++)
		if (tr->roles & ROLE_BIT(r))
			json_array_append_new(roles, json_string(role_name((enum role)r)));
	if (tr->rules & WF_THE_PERSON)
		json_array_append_new(roles, json_string("the person"));
	if (tr->rules & WF_SYSTEM_ONLY)
		json_array_append_new(roles, json_string("system"));
	json_array_append_new(a->all, json_pack("{s:s, s:o, s:b}", "action", wf_action_name(tr->action), "roles", roles,
						"note_required", (tr->rules & WF_NOTE_REQUIRED) != 0));
	const char *role;
	char why[256];
	/* by the rules act.c applies, in its order: nothing is offered that
	 * acting would refuse */
	if (a->who != NULL && may_act(a->who, tr, a->person_uid, a->submitted_by, a->submitted_owner, &role, why) &&
	    (!acts_as_head_of_unit(a->who, tr, role) || heads_unit(a->who, a->person_unit)) &&
	    !step_taken_by_plugins(tr, a->provisioning_mode)) {
		if (step_waits_for_tasks(tr->action, a->state))
			a->waits_for_tasks = 1;		/* decided once the tasks are read */
		json_array_append_new(a->mine, json_string(wf_action_name(tr->action)));
	}
}

void request_etag(long long id, long long version, char out[REQUEST_ETAG_MAX])
{
	snprintf(out, REQUEST_ETAG_MAX, "\"%lld-%lld\"", id, version);
}

/* The request as the API shows it. Runs inside or outside a transaction. */
json_t *request_json(long long id, const struct principal *who, enum db_status *st, const char **error_r)
{
	char ids[32];
	snprintf(ids, sizeof(ids), "%lld", id);
	const char *params[1] = { ids };
	char *sql = xasprintf(
		"SELECT r.id::text, r.type, r.state, r.payload::text, " TS("r.effective_at") ", r.submitted_by, "
		"r.submitted_role, r.provisioning_mode, r.conclusion, " TS("r.created_at") ", " TS("r.updated_at") ", "
		TS("r.closed_at") ", r.submitted_owner, r.version::text, %s FROM requests r JOIN people p ON p.id = r.person_id "
		"WHERE r.id = $1::bigint", PERSON_COLS);
	/* the request, its steps, tasks and operations: one round trip */
	static const char *const names[4] = { "request.get", "request.steps", "request.tasks", "queue.of_request" };
	const char *sqls[4] = {
		sql,
		"SELECT action, from_state, to_state, actor, actor_role, note, " TS("at") " AS at "
		"FROM request_steps WHERE request_id = $1::bigint ORDER BY id",
		"SELECT id, name, title, role, checklist::text, state, done_by, note, " TS("done_at") " AS done_at "
		"FROM tasks WHERE request_id = $1::bigint ORDER BY id",
		QUEUE_OF_REQUEST_SQL,
	};
	PGresult *res[4];
	int rc = db_query_all(4, names, sqls, 1, params, res, st, error_r);
	free(sql);
	if (rc < 0)
		return NULL;
	PGresult *r = res[0];
	if (PQntuples(r) != 1) {
		for (int k = 0; k < 4; k++)
			PQclear(res[k]);
		*st = DB_OK;
		return NULL;
	}
	enum wf_type type = WF_HIRE;
	enum wf_state_id sid = WS_COUNT;
	const char *state = PQgetvalue(r, 0, 2);
	int known = wf_type_parse(PQgetvalue(r, 0, 1), &type) == 0 && wf_state_parse(state, &sid) == 0;
	const struct wf_state *ws = known ? wf_state_of(type, sid) : NULL;
	json_t *person = row_object(r, 0, 14, PQnfields(r) - 1);
	json_t *payload = json_loads(PQgetvalue(r, 0, 3), 0, NULL);
#define STR_OR_NULL(i) (PQgetisnull(r, 0, i) ? json_null() : json_string(PQgetvalue(r, 0, i)))
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:b, s:o, s:o, s:o, s:s, s:s, s:s, s:o, s:s, s:s, s:o}",
		"id", (json_int_t)id, "type", PQgetvalue(r, 0, 1), "state", state,
		"step", ws ? ws->step : "?", "open", ws ? ws->open : 0,
		"person", person, "payload", payload ? payload : json_null(),
		"effective_at", STR_OR_NULL(4), "submitted_by", PQgetvalue(r, 0, 5),
		"submitted_role", PQgetvalue(r, 0, 6), "provisioning_mode", PQgetvalue(r, 0, 7),
		"conclusion", STR_OR_NULL(8), "created_at", PQgetvalue(r, 0, 9),
		"updated_at", PQgetvalue(r, 0, 10), "closed_at", STR_OR_NULL(11));
#undef STR_OR_NULL
	json_object_set_new(j, "version", json_integer(atoll(PQgetvalue(r, 0, 13))));
	struct allowed_ctx a = { json_array(), json_array(), who,
				 json_string_value(json_object_get(person, "uid")), PQgetvalue(r, 0, 5),
				 PQgetvalue(r, 0, 12), json_string_value(json_object_get(person, "unit")),
				 PQgetvalue(r, 0, 7), sid, 0 };
	if (ws != NULL)
		wf_transitions_from(type, sid, collect_allowed, &a);
	json_object_set_new(j, "actions", a.all);
	json_object_set_new(j, "your_actions", a.mine);
	PQclear(r);

	r = res[1];
	json_t *steps = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(steps, row_object(r, i, 0, PQnfields(r) - 1));
	json_object_set_new(j, "steps", steps);
	PQclear(r);
	r = res[2];
	json_t *tasks = json_array();
	for (int i = 0; i < PQntuples(r); i++) {
		json_t *tk = row_object(r, i, 1, PQnfields(r) - 1);
		json_object_set_new(tk, "id", json_integer(atoll(PQgetvalue(r, i, 0))));
		json_object_set_new(tk, "checklist", json_loads(PQgetvalue(r, i, 4), 0, NULL));
		json_array_append_new(tasks, tk);
	}
	PQclear(r);
	json_object_set_new(j, "tasks", tasks);
	if (a.waits_for_tasks) {
		size_t i;
		json_t *tk;
		json_array_foreach(tasks, i, tk)
			if (strcmp(json_string_value(json_object_get(tk, "state")) ?: "", "open") == 0) {
				remove_action(json_object_get(j, "your_actions"), WA_CONFIRM);
				break;
			}
	}
	json_object_set_new(j, "operations", queue_operations_json(res[3]));
	PQclear(res[3]);
	return j;
}

static int may_see(const struct principal *who, json_t *req)
{
	json_t *person = json_object_get(req, "person");
	return may_see_parts(who, json_string_value(json_object_get(person, "uid")),
			     json_string_value(json_object_get(person, "unit")),
			     json_string_value(json_object_get(req, "submitted_by")));
}


/* The request as the caller may see it, or NULL with o answered (404 when
 * it does not exist or is not theirs to see: existence is not confirmed). */
json_t *visible_request(const struct principal *who, long long id, struct outcome *o)
{
	const char *err = NULL;
	enum db_status st;
	json_t *req = request_json(id, who, &st, &err);
	if (req == NULL) {
		if (st != DB_OK)
			fail_db(o, st, err);
		else
			fail(o, 404, "not_found", NULL, "no request %lld", id);
		return NULL;
	}
	if (!may_see(who, req)) {
		json_decref(req);
		fail(o, 404, "not_found", NULL, "no request %lld", id);
		return NULL;
	}
	return req;
}

void requests_get(const struct principal *who, long long id, struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	json_t *j = visible_request(who, id, o);
	if (j == NULL)
		return;
	o->status = 200;
	o->body = j;
}

void requests_list(const struct principal *who, const char *const *f, struct outcome *o)
{
	const char *err = NULL;
	char limit_s[16], me[160];
	enum db_status st;
	long limit = 50;
	time_t tt;
	char after[32], before[32];

	memset(o, 0, sizeof(*o));
	if (f[LF_TYPE]) {
		enum wf_type t;
		if (wf_type_parse(f[LF_TYPE], &t) < 0) {
			fail(o, 400, "invalid_field", "type", "type must be hire, exit or transfer, not '%s'", f[LF_TYPE]);
			return;
		}
	}
	if (f[LF_LIMIT]) {
		char *end;
		limit = strtol(f[LF_LIMIT], &end, 10);
		if (*f[LF_LIMIT] == '\0' || *end != '\0' || limit < 1 || limit > 200) {
			fail(o, 400, "invalid_field", "limit", "limit must be a number from 1 to 200, not '%s'", f[LF_LIMIT]);
			return;
		}
	}
	const char *cursor = f[LF_CURSOR];
	if (cursor) {
		for (const char *p = cursor; *p; p++)
			if (!isdigit((unsigned char)*p) || p - cursor > 18) {
				fail(o, 400, "invalid_field", "cursor", "cursor '%s' is not one this API gave", cursor);
				return;
			}
		if (*cursor == '\0') {
			fail(o, 400, "invalid_field", "cursor", "cursor is empty");
			return;
		}
	}
	const char *ca = NULL, *cb = NULL;
	if (f[LF_AFTER]) {
		if (parse_timestamp(f[LF_AFTER], &tt) < 0) {
			fail(o, 400, "invalid_field", "created_after", "created_after must be an RFC 3339 time, not '%s'",
			     f[LF_AFTER]);
			return;
		}
		format_timestamp(tt, after);
		ca = after;
	}
	if (f[LF_BEFORE]) {
		time_t tb;
		if (parse_timestamp(f[LF_BEFORE], &tb) < 0) {
			fail(o, 400, "invalid_field", "created_before", "created_before must be an RFC 3339 time, not '%s'",
			     f[LF_BEFORE]);
			return;
		}
		if (ca && tb < tt) {
			fail(o, 400, "invalid_field", "created_before", "created_before is earlier than created_after");
			return;
		}
		format_timestamp(tb, before);
		cb = before;
	}
	snprintf(limit_s, sizeof(limit_s), "%ld", limit + 1);
	actor_id(who, me);
	const char *restrict_uid = sees_everything(who) ? NULL : (who->kind == PRINCIPAL_USER ? who->subject : "");
	/* a unit head also sees their unit's people's requests (may_see) */
	const char *unit = restrict_uid && (who->roles & ROLE_BIT(ROLE_UNIT_HEAD)) && who->unit[0] ? who->unit : NULL;
	const char *params[11] = { f[LF_TYPE], f[LF_STATE], f[LF_EMPLOYEE], f[LF_SUBMITTED_BY], ca, cb,
				   cursor, limit_s, restrict_uid, me, unit };
	PGresult *r = db_query_or_fail(o, "request.list",
		"SELECT r.id::text FROM requests r JOIN people p ON p.id = r.person_id "
		"WHERE ($1::text IS NULL OR r.type = $1) AND ($2::text IS NULL OR r.state = $2) "
		"AND ($3::text IS NULL OR p.employee_number = $3) AND ($4::text IS NULL OR r.submitted_by = $4) "
		"AND ($5::timestamptz IS NULL OR r.created_at >= $5) AND ($6::timestamptz IS NULL OR r.created_at < $6) "
		"AND ($7::bigint IS NULL OR r.id < $7::bigint) "
		"AND ($9::text IS NULL OR p.uid = $9 OR r.submitted_by = $10 "
		"     OR lower(p.unit) = lower(regexp_replace(btrim($11::text), ' +', ' ', 'g'))) "
		"ORDER BY r.id DESC LIMIT $8::int", 11, params);
	if (r == NULL)
		return;
	json_t *items = json_array();
	int n = PQntuples(r);
	for (int i = 0; i < n && i < limit; i++) {
		json_t *j = request_json(atoll(PQgetvalue(r, i, 0)), who, &st, &err);
		if (j == NULL) {
			PQclear(r);
			json_decref(items);
			fail_db(o, st, err);
			return;
		}
		json_object_del(j, "steps");	/* the list stays light; GET one for its steps */
		json_array_append_new(items, j);
	}
	json_t *next = json_null();
	if (n > limit)
		next = json_string(PQgetvalue(r, (int)limit - 1, 0));
	PQclear(r);
	o->status = 200;
	o->body = json_pack("{s:o, s:o}", "items", items, "next_cursor", next);
}
