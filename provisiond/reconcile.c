/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	reconcile - what the targets hold against what provisiond believes
 */
#include "config.h"
#include "buf.h"
#include "reconcile.h"
#include "engine/engine.h"
#include "changelog.h"
#include "json.h"
#include "log.h"
#include "plugin_host.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* What provisiond believes a person's accounts should be: enabled with the
 * birthright groups (intent update) when active, disabled when disabled.
 * Each plugin instance is asked, as a dry run, what it would change to get
 * there: NOOP means the target agrees; anything it would change is drift
 * (an account re-enabled by hand after an exit, a membership added outside
 * the workflow), reported with before and after. */
static const char *wanted_intent(const char *status)
{
	return strcmp(status, "active") == 0 ? "update" : strcmp(status, "disabled") == 0 ? "disable" : NULL;
}

static int in_sync(const char *intent, enum pvd_status st)
{
	return st == PVD_NOOP || (st == PVD_NOTFOUND && strcmp(intent, "disable") == 0);
}

static json_t *run_reconcile(json_t *person, int repair, const struct principal *who, int *drift_r,
			     struct outcome *o)
{
	const char *status = json_string_value(json_object_get(person, "status"));
	const char *intent = wanted_intent(status ? status : "");
	const char *emp = json_string_value(json_object_get(person, "employee_number"));
	json_t *out = json_array();
	*drift_r = 0;
	if (intent == NULL)
		return out;
	for (int i = 0; i < plugins_count(); i++) {
		if (!plugins_takes(i, intent))
			continue;	/* the grace setting: what it gave is meant to stay */
		struct pvd_op op = { 0, 0, intent, person, NULL, 1, 1 };
		struct pvd_result res;
		plugins_run(i, &op, &res);
		if (in_sync(intent, res.status)) {
			json_decref(res.before);
			json_decref(res.after);
			continue;
		}
		const char *what = res.status == PVD_RETRY ? "unchecked" : "drift";
		if (res.status != PVD_RETRY)
			(*drift_r)++;
		json_t *item = json_pack("{s:s, s:O, s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "kind", what,
			"employee_number", json_object_get(person, "employee_number"), "instance", plugins_get(i)->name,
			"intent", intent, "status", pvd_status_name(res.status), "message", res.message,
			"object", res.object, "before", res.before ? res.before : json_null(),
			"after", res.after ? res.after : json_null());
		if (repair && res.status == PVD_OK) {
			struct pvd_op fix = { 0, 0, intent, person, NULL, 1, 0 };
			struct pvd_result done;
			const char *err = NULL;
			char me[160], action[48];
			plugins_run(i, &fix, &done);
			actor_id(who, me);
			snprintf(action, sizeof(action), "reconcile.%s", intent);
			int good = done.status == PVD_OK || done.status == PVD_NOOP;
			const char *role = acting_role(who, ROLE_BIT(ROLE_TIM_TECH));
			struct cl_entry e = { me, role ? role : "tim_tech", 0, emp, plugins_get(i)->name, action,
					      done.object[0] ? done.object : NULL, done.before, done.after,
					      good ? pvd_status_name(done.status) : "failed", good ? NULL : done.message };
			if (changelog_append(&e, &err) != DB_OK) {
				log_error("reconcile of %s on %s done but not logged: %s", emp, plugins_get(i)->name,
					  err ? err : "?");
			}
			json_object_set_new(item, "repair", json_pack("{s:s, s:s}", "status",
					    pvd_status_name(done.status), "message", done.message));
			json_decref(done.before);
			json_decref(done.after);
		}
		json_array_append_new(out, item);
	}
	(void)o;
	return out;
}

/* The provisioned people (one, or all when employee_number is NULL). */
static PGresult *provisioned_people(const char *employee_number, struct outcome *o)
{
	const char *err = NULL;
	enum db_status st;
	const char *params[1] = { employee_number };
	char *sql = xasprintf("SELECT %s FROM people p WHERE p.uid IS NOT NULL AND p.status <> 'pending' "
			      "AND ($1::text IS NULL OR p.employee_number = $1) ORDER BY p.id", PERSON_COLS);
	PGresult *r = db_query("reconcile.people", sql, 1, params, &st, &err);
	free(sql);
	if (r == NULL) {
		fail_db(o, st, err);
		return NULL;
	}
	if (employee_number != NULL && PQntuples(r) == 0) {
		PQclear(r);
		fail(o, 404, "not_found", "employee_number", "no provisioned person with employee_number %s",
		     employee_number);
		return NULL;
	}
	return r;
}

void reconcile_report(const struct principal *who, const char *employee_number, struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	PGresult *r = provisioned_people(employee_number, o);
	if (r == NULL)
		return;
	json_t *items = json_array();
	int drift_total = 0, n = PQntuples(r);
	for (int i = 0; i < n; i++) {
		json_t *person = row_object(r, i, 0, PQnfields(r) - 1);
		int drift;
		json_t *found = run_reconcile(person, 0, who, &drift, o);
		drift_total += drift;
		json_array_extend(items, found);
		json_decref(found);
		json_decref(person);
	}
	PQclear(r);
	o->status = 200;
	o->body = json_pack("{s:i, s:i, s:i, s:o}", "people_checked", n, "instances", plugins_count(),
			    "drift", drift_total, "items", items);
}

void reconcile_repair(const struct principal *who, json_t *body, struct outcome *o)
{
	static const char *const keys[] = { "employee_number", NULL };
	const char *emp;
	memset(o, 0, sizeof(*o));
	if (json_check_keys(body, keys, o) < 0 || !(emp = json_get_string(body, "employee_number", 1, 32, o)))
		return;
	PGresult *r = provisioned_people(emp, o);
	if (r == NULL)
		return;
	json_t *person = row_object(r, 0, 0, PQnfields(r) - 1);
	PQclear(r);
	int drift;
	json_t *items = run_reconcile(person, 1, who, &drift, o);
	json_decref(person);
	char me[160];
	actor_id(who, me);
	log_info("reconcile repair of %s by %s: %d drift(s)", emp, me, drift);
	o->status = 200;
	o->body = json_pack("{s:s, s:i, s:o}", "employee_number", emp, "drift", drift, "items", items);
}
