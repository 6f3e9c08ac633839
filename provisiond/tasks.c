/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	tasks - the manual tasks' list, and marking one done
 */
#include "config.h"
#include "buf.h"
#include "tasks.h"
#include "engine/engine.h"
#include "changelog.h"
#include "json.h"
#include "log.h"
#include "roles.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tasks_of(const char *state, const role_mask *only, struct outcome *o)
{
	role_mask roles = only ? *only : 0;
	/* the roles as a text array literal: every element a known role name */
	struct buf arr = BUF_INIT;
	for (int r = 0; r < ROLE_COUNT; r++)
		if (roles & ROLE_BIT(r))
			buf_printf(&arr, "%s%s", arr.len ? "," : "{", role_name((enum role)r));
	if (arr.len)
		buf_printf(&arr, "}");
	const char *params[2] = { state, only == NULL ? NULL : arr.len ? buf_str(&arr) : "{}" };
	PGresult *r = db_query_or_fail(o, "task.list",
		"SELECT t.id, t.request_id, q.type, p.employee_number, t.name, t.title, t.role, t.checklist::text, t.state, "
		"t.done_by, t.note, " TS("t.created_at") " AS created_at FROM tasks t JOIN requests q ON q.id = t.request_id "
		"JOIN people p ON p.id = q.person_id WHERE t.state = $1 AND ($2::text[] IS NULL OR t.role = ANY($2::text[])) "
		"ORDER BY t.id LIMIT 500", 2, params);
	buf_free(&arr);
	if (r == NULL)
		return;
	json_t *items = json_array();
	for (int i = 0; i < PQntuples(r); i++) {
		json_t *tk = row_object(r, i, 2, PQnfields(r) - 1);
		json_object_set_new(tk, "id", json_integer(atoll(PQgetvalue(r, i, 0))));
		json_object_set_new(tk, "request_id", json_integer(atoll(PQgetvalue(r, i, 1))));
		json_object_set_new(tk, "checklist", json_loads(PQgetvalue(r, i, 7), 0, NULL));
		json_array_append_new(items, tk);
	}
	PQclear(r);
	o->status = 200;
	o->body = json_pack("{s:o}", "items", items);
}

void tasks_list(const struct principal *who, const char *state, const char *role, struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	if (state && strcmp(state, "open") != 0 && strcmp(state, "done") != 0) {
		fail(o, 400, "invalid_field", "state", "state must be open or done, not '%s'", state);
		return;
	}
	enum role rr;
	if (role && role_parse(role, &rr) < 0) {
		fail(o, 400, "invalid_field", "role", "unknown role '%s'", role);
		return;
	}
	(void)who;
	role_mask one = role ? ROLE_BIT(rr) : 0;
	tasks_of(state ? state : "open", role ? &one : NULL, o);
}

/* Marks a task done: by someone holding its role, with a note; when it
 * was the last thing the step waited for, the request moves on. */
struct done_call {
	const struct conf *c;
	const struct principal *who;
	long long id;
	const char *note;
};

static int done_body(void *arg, struct outcome *o, enum db_status *st, const char **err)
{
	struct done_call *tc = arg;
	const struct principal *who = tc->who;
	const char *note = tc->note;
	long long id = tc->id;
	char tid[32], me[160];
	snprintf(tid, sizeof(tid), "%lld", id);
	actor_id(who, me);
	const char *p1[1] = { tid };
	PGresult *r = db_query("task.lock",
		"SELECT t.request_id::text, t.round, t.name, t.role, t.state, p.employee_number, q.provisioning_mode "
		"FROM tasks t JOIN requests q ON q.id = t.request_id JOIN people p ON p.id = q.person_id "
		"WHERE t.id = $1::bigint FOR UPDATE OF q, t", 1, p1, st, err);
	if (r == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		fail(o, 404, "not_found", "id", "no task %lld", id);
		return -1;
	}
	long long rid = atoll(PQgetvalue(r, 0, 0));
	int round = atoi(PQgetvalue(r, 0, 1));
	char name[80], role[32], emp[64], mode[16];
	snprintf(name, sizeof(name), "%s", PQgetvalue(r, 0, 2));
	snprintf(role, sizeof(role), "%s", PQgetvalue(r, 0, 3));
	snprintf(emp, sizeof(emp), "%s", PQgetvalue(r, 0, 5));
	snprintf(mode, sizeof(mode), "%s", PQgetvalue(r, 0, 6));
	int open = strcmp(PQgetvalue(r, 0, 4), "open") == 0;
	PQclear(r);
	enum role need;
	if (role_parse(role, &need) < 0 || !(who->roles & ROLE_BIT(need))) {
		fail(o, 403, "forbidden", NULL, "task %lld (%s) is done by the role %s", id, name, role);
		return -1;
	}
	if (!open) {
		fail(o, 409, "conflict", NULL, "task %lld (%s) is already done", id, name);
		return -1;
	}
	const char *p2[4] = { tid, me, role, note };
	if ((*st = db_exec("task.done", "UPDATE tasks SET state = 'done', done_by = $2, done_role = $3, done_at = now(), "
			  "note = $4 WHERE id = $1::bigint", 4, p2, err)) != DB_OK)
		return -1;
	char obj[120];
	snprintf(obj, sizeof(obj), "task/%s", name);
	json_t *after = json_pack("{s:s, s:s}", "state", "done", "note", note);
	struct cl_entry e = { me, role, rid, emp, "workflow", "task.done", obj, NULL, after, "ok", NULL };
	*st = changelog_append(&e, err);
	json_decref(after);
	if (*st != DB_OK)
		return -1;
	/* with plugins the step ends when the last piece of work does */
	if (strcmp(mode, "queued") == 0 && (*st = engine_round_done(tc->c, rid, round, err)) != DB_OK)
		return -1;
	log_info("task %lld (%s) of request %lld done by %s", id, name, rid, me);
	o->status = 200;
	o->body = json_pack("{s:I, s:s, s:I, s:s}", "id", (json_int_t)id, "name", name, "request_id", (json_int_t)rid,
			    "state", "done");
	return 0;
}

void tasks_done(const struct conf *c, const struct principal *who, long long id, json_t *body, struct outcome *o)
{
	static const char *const keys[] = { "note", NULL };
	const char *note;
	memset(o, 0, sizeof(*o));
	if (json_check_keys(body, keys, o) < 0 || !(note = json_get_string(body, "note", 1, 2000, o)))
		return;
	struct done_call tc = { c, who, id, note };
	txn_run(o, done_body, &tc);
}
