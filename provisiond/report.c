/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	report - the technical report (informe técnico) and the dry-run plan
 * DESCRIPTION
 *	The report is built from what was done: the change-log entries of the
 *	request's operations on target systems, the technicians' notes for
 *	manual work, and every step; as JSON, or as Markdown for reading,
 *	printing and mailing. The plan asks each plugin what it would change
 *	for the request now, changing nothing.
 */
#include "config.h"
#include "report.h"
#include "engine/engine.h"
#include "engine/procedure.h"
#include "buf.h"
#include "plugin_host.h"
#include "log.h"
#include "text.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const report_states[] = { "report_review", "concluding", "concluded", "closed", NULL };

/* A value of the report in Markdown: escaped text, "-" for none. */
static void md_value(struct buf *b, json_t *v)
{
	const char *s = json_string_value(v);
	if (s != NULL && *s != '\0')
		md_text(b, s);
	else
		buf_putc(b, '-');
}

static void md_row(struct buf *b, json_t *row, const char *const *cols)
{
	buf_putc(b, '|');
	for (int c = 0; cols[c]; c++) {
		buf_putc(b, ' ');
		md_value(b, json_object_get(row, cols[c]));
		buf_puts(b, " |");
	}
	buf_putc(b, '\n');
}

/* The technical report (informe técnico), built from what was done: the
 * change-log entries of the request's operations on target systems, the
 * technicians' notes for manual work, and every step. */
void requests_report(const struct principal *who, long long id, int as_text, struct outcome *o, char **text_r)
{
	const char *err = NULL;
	char rid[32];
	enum db_status st;
	memset(o, 0, sizeof(*o));
	*text_r = NULL;
	json_t *req = visible_request(who, id, o);
	if (req == NULL)
		return;
	const char *state = json_string_value(json_object_get(req, "state"));
	int ready = 0;
	for (int i = 0; report_states[i]; i++)
		ready |= strcmp(state, report_states[i]) == 0;
	if (!ready) {
		fail(o, 409, "conflict", NULL, "request %lld is %s: its report exists once provisioning is done",
		     id, state);
		json_decref(req);
		return;
	}
	snprintf(rid, sizeof(rid), "%lld", id);
	const char *params[1] = { rid };
	PGresult *r = db_query("report.operations",
		"SELECT seq, " TS("at") " AS at, actor, actor_role, system, action, object, before::text, "
		"after::text, outcome, error FROM changelog WHERE request_id = $1::bigint AND system <> 'workflow' "
		"ORDER BY seq", 1, params, &st, &err);
	if (r == NULL) {
		json_decref(req);
		fail_db(o, st, err);
		return;
	}
	json_t *ops = json_array();
	for (int i = 0; i < PQntuples(r); i++) {
		json_t *op = row_object(r, i, 1, 6);
		json_object_set_new(op, "seq", json_integer(atoll(PQgetvalue(r, i, 0))));
		json_object_set_new(op, "before", PQgetisnull(r, i, 7) ? json_null() : json_loads(PQgetvalue(r, i, 7), 0, NULL));
		json_object_set_new(op, "after", PQgetisnull(r, i, 8) ? json_null() : json_loads(PQgetvalue(r, i, 8), 0, NULL));
		json_object_set_new(op, "outcome", json_string(PQgetvalue(r, i, 9)));
		json_object_set_new(op, "error", PQgetisnull(r, i, 10) ? json_null() : json_string(PQgetvalue(r, i, 10)));
		json_array_append_new(ops, op);
	}
	PQclear(r);

	json_t *steps = json_object_get(req, "steps"), *s, *manual = json_array(), *approved = json_null();
	size_t i;
	json_array_foreach(steps, i, s) {
		const char *from = json_string_value(json_object_get(s, "from_state"));
		const char *act = json_string_value(json_object_get(s, "action"));
		if (from && act && strcmp(act, "confirm") == 0 &&
		    (strcmp(from, "provisioning") == 0 || strcmp(from, "disabling") == 0))
			json_array_append(manual, s);
		if (from && act && strcmp(from, "report_review") == 0 && strcmp(act, "approve") == 0)
			approved = json_pack("{s:O, s:O, s:O}", "by", json_object_get(s, "actor"),
					     "role", json_object_get(s, "actor_role"), "at", json_object_get(s, "at"));
	}
	json_t *rep = json_pack("{s:I, s:O, s:O, s:O, s:o, s:o, s:O, s:o, s:O}",
		"request_id", (json_int_t)id, "type", json_object_get(req, "type"),
		"state", json_object_get(req, "state"), "person", json_object_get(req, "person"),
		"operations", ops, "manual_work", manual, "steps", steps, "approved", approved,
		"conclusion", json_object_get(req, "conclusion"));
	json_object_del(json_object_get(rep, "person"), "national_id");
	json_decref(req);

	if (!as_text) {
		o->status = 200;
		o->body = rep;
		return;
	}
	struct buf b = BUF_INIT;
	json_t *p = json_object_get(rep, "person");
	/* every value is escaped: a note or a name is text, never markup (the
	 * report is mailed and rendered, and a '|' would break its tables) */
#define MD(o_, k) md_value(&b, json_object_get(o_, k))
	buf_printf(&b, "# Technical report (informe técnico), request %lld\n\n- Type: ", id);
	MD(rep, "type");
	buf_puts(&b, "\n- State: ");
	MD(rep, "state");
	buf_puts(&b, "\n- Person: ");
	MD(p, "given_names");
	buf_putc(&b, ' ');
	MD(p, "family_names");
	buf_puts(&b, " (HR number ");
	MD(p, "employee_number");
	buf_puts(&b, "), unit ");
	MD(p, "unit");
	buf_puts(&b, ", position ");
	MD(p, "position");
	buf_puts(&b, "\n- Login: ");
	MD(p, "uid");
	buf_puts(&b, ", mail: ");
	MD(p, "mail");
	buf_puts(&b, ", status: ");
	MD(p, "status");
	buf_puts(&b, "\n\n## Operations on target systems\n\n");
	static const char *const op_cols[] = { "at", "system", "action", "object", "outcome", "actor", NULL };
	static const char *const step_cols[] = { "at", "action", "from_state", "to_state", "actor", "actor_role",
						 "note", NULL };
	if (json_array_size(json_object_get(rep, "operations")) == 0)
		buf_puts(&b, "None recorded by plugins (manual provisioning).\n\n");
	else {
		buf_puts(&b, "| time | system | action | object | outcome | actor |\n|---|---|---|---|---|---|\n");
		json_array_foreach(json_object_get(rep, "operations"), i, s)
			md_row(&b, s, op_cols);
		buf_puts(&b, "\n");
	}
	buf_puts(&b, "## Manual work\n\n");
	if (json_array_size(manual) == 0)
		buf_puts(&b, "None.\n\n");
	json_array_foreach(manual, i, s) {
		buf_puts(&b, "- ");
		MD(s, "at");
		buf_puts(&b, ", ");
		MD(s, "actor");
		buf_puts(&b, " (");
		MD(s, "actor_role");
		buf_puts(&b, "): ");
		MD(s, "note");
		buf_puts(&b, "\n");
	}
	buf_puts(&b, "\n## Steps\n\n| time | action | from | to | actor | role | note |\n|---|---|---|---|---|---|---|\n");
	json_array_foreach(steps, i, s)
		md_row(&b, s, step_cols);
	json_t *ap = json_object_get(rep, "approved");
	if (json_is_object(ap)) {
		buf_puts(&b, "\nApproved by ");
		MD(ap, "by");
		buf_puts(&b, " (");
		MD(ap, "role");
		buf_puts(&b, ") at ");
		MD(ap, "at");
		buf_puts(&b, ".\n");
	} else
		buf_puts(&b, "\nNot approved yet.\n");
	if (json_string_value(json_object_get(rep, "conclusion"))) {
		buf_puts(&b, "\n## Conclusion\n\n");
		MD(rep, "conclusion");
		buf_puts(&b, "\n");
	}
#undef MD
	json_decref(rep);
	o->status = 200;
	*text_r = buf_steal(&b);
}

void requests_plan(const struct principal *who, long long id, struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	json_t *req = visible_request(who, id, o);
	if (req == NULL)
		return;
	const char *type = json_string_value(json_object_get(req, "type"));
	enum wf_type t;
	if (wf_type_parse(type, &t) < 0)
		log_panic("request %lld has type '%s', which workflow.c does not know", id, type);
	const struct procedure *p = procedure_of(t);
	const char *intent = plugin_intent_name(p->intent);
	json_t *person = json_deep_copy(json_object_get(req, "person"));
	json_t *params = p->plan_params ? p->plan_params(req, person) : NULL;
	json_t *steps = json_array();
	for (int i = 0; i < plugins_count(); i++) {
		if (!plugins_takes(i, intent))
			continue;	/* not queued for it either */
		struct pvd_op op = { 0, id, intent, person, params, 1, 1 };
		struct pvd_result res;
		plugins_run(i, &op, &res);
		json_array_append_new(steps, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o}",
			"instance", plugins_get(i)->name, "intent", intent, "status", pvd_status_name(res.status),
			"message", res.message, "object", res.object,
			"before", res.before ? res.before : json_null(), "after", res.after ? res.after : json_null()));
	}
	o->status = 200;
	o->body = json_pack("{s:I, s:s, s:s, s:O, s:o, s:b}", "request_id", (json_int_t)id, "type", type,
			    "intent", intent, "state", json_object_get(req, "state"), "plan", steps,
			    "manual", !plugins_any_takes(intent));
	json_decref(person);
	json_decref(params);
	json_decref(req);
}
