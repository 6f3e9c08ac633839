/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	contracts - consultants' contract ends: HR's warning list, extensions, the automatic exit
 */
#include "config.h"
#include "buf.h"
#include "contracts.h"
#include "engine/engine.h"
#include "engine/procedure.h"
#include "json.h"
#include "log.h"
#include "procedures/common.h"
#include "timeparse.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* Inside the caller's transaction: opens an automatic exit, as "system",
 * for one active consultant whose contract end date has passed with no
 * extension and no open request, and takes it straight to disabling (the
 * same steps and report as any exit). *created_r = 1 when one was made. */
enum db_status contracts_end_exit(const struct conf *c, int *created_r, const char **error_r)
{
	enum db_status st;
	*created_r = 0;
	PGresult *r = db_query("contract.due",
		"SELECT p.id::text, p.employee_number, to_char(p.end_date, 'YYYY-MM-DD'), "
		"to_char((p.end_date + 1)::timestamp, 'YYYY-MM-DD\"T\"00:00:00\"Z\"') FROM people p "
		"WHERE p.status = 'active' AND p.contract_type = 'consultant' AND p.end_date < current_date "
		"AND NOT EXISTS (SELECT 1 FROM requests r WHERE r.person_id = p.id "
		"                AND r.state NOT IN ('closed', 'cancelled', 'rejected')) "
		"ORDER BY p.end_date, p.id LIMIT 1 FOR UPDATE OF p SKIP LOCKED", 0, NULL, &st, error_r);
	if (r == NULL)
		return st;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return DB_OK;
	}
	struct txn t;
	memset(&t, 0, sizeof(t));
	t.conf = c;
	t.type = WF_EXIT;
	t.proc = procedure_of(WF_EXIT);
	t.person_id = atoll(PQgetvalue(r, 0, 0));
	snprintf(t.employee_number, sizeof(t.employee_number), "%s", PQgetvalue(r, 0, 1));
	char end[16], eff[32], reason[96];
	snprintf(end, sizeof(end), "%s", PQgetvalue(r, 0, 2));
	snprintf(eff, sizeof(eff), "%s", PQgetvalue(r, 0, 3));
	PQclear(r);
	snprintf(t.actor, sizeof(t.actor), "system");
	t.role = "system";
	snprintf(t.submitted_by, sizeof(t.submitted_by), "system");
	snprintf(reason, sizeof(reason), "consultant contract ended on %s without an extension", end);
	json_t *payload = json_pack("{s:s, s:s, s:s}", "employee_number", t.employee_number, "effective_at", eff,
				    "reason", reason);
	char *pl = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(payload);
	char pid[32];
	snprintf(pid, sizeof(pid), "%lld", t.person_id);
	const char *params[3] = { pid, pl, eff };
	r = db_query("contract.exit",
		     "INSERT INTO requests (type, state, person_id, payload, effective_at, submitted_by, submitted_role, "
		     "submitted_owner) VALUES ('exit', 'submitted', $1::bigint, $2::jsonb, $3::timestamptz, 'system', "
		     "'system', 'system') RETURNING id",
		     3, params, &st, error_r);
	free(pl);
	if (r == NULL)
		return st;
	t.request_id = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	parse_timestamp(eff, &t.effective_t);
	t.has_effective = 1;
	t.state = WS_SUBMITTED;
	if ((st = log_step(&t, WA_SUBMIT, NULL, WS_SUBMITTED, reason, error_r)) != DB_OK)
		return st;
	/* the contract is the approval: no one reviews the end of a contract */
	const struct wf_transition *tr = transition_needed(WF_EXIT, WS_SUBMITTED, WA_APPROVE);
	if ((st = transition(&t, tr, "contract end: approved by the service", error_r)) != DB_OK)
		return st;
	if ((st = run_auto_steps(&t, error_r)) != DB_OK)
		return st;
	*created_r = 1;
	log_info("contract of %s ended on %s: exit request %lld opened by the service", t.employee_number, end,
		 t.request_id);
	return DB_OK;
}

void contracts_ending(const struct conf *c, const char *days_s, struct outcome *o)
{
	char days[16];
	memset(o, 0, sizeof(*o));
	long d = c->contract_warning_days;
	if (days_s != NULL) {
		char *end;
		d = strtol(days_s, &end, 10);
		if (*days_s == '\0' || *end != '\0' || d < 0 || d > 3650) {
			fail(o, 400, "invalid_field", "days", "days must be a number from 0 to 3650, not '%s'", days_s);
			return;
		}
	}
	snprintf(days, sizeof(days), "%ld", d);
	const char *params[1] = { days };
	PGresult *r = db_query_or_fail(o, "contract.ending",
		"SELECT employee_number, given_names, family_names, unit, position, to_char(end_date, 'YYYY-MM-DD'), "
		"(end_date - current_date)::text FROM people WHERE status = 'active' AND contract_type = 'consultant' "
		"AND end_date <= current_date + $1::int ORDER BY end_date, employee_number", 1, params);
	if (r == NULL)
		return;
	json_t *items = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i}",
			"employee_number", PQgetvalue(r, i, 0), "given_names", PQgetvalue(r, i, 1),
			"family_names", PQgetvalue(r, i, 2), "unit", PQgetvalue(r, i, 3), "position", PQgetvalue(r, i, 4),
			"end_date", PQgetvalue(r, i, 5), "days_left", atoi(PQgetvalue(r, i, 6))));
	PQclear(r);
	o->status = 200;
	o->body = json_pack("{s:i, s:o}", "days", (int)d, "items", items);
}

/* HR extends a consultant's contract (a new end date), in time to stop
 * the automatic exit. */
struct extend_call {
	const char *employee_number, *end;
	struct txn t;
};

static int extend_body(void *arg, struct outcome *o, enum db_status *st, const char **err)
{
	struct extend_call *ec = arg;
	struct txn *t = &ec->t;
	const char *employee_number = ec->employee_number, *end = ec->end;
	const char *p1[2] = { employee_number, end };
	PGresult *r = db_query("contract.lock",
			       "SELECT id::text, contract_type, status, ($2::date >= start_date), "
			       "($2::date >= current_date) FROM people WHERE employee_number = $1 FOR UPDATE",
			       2, p1, st, err);
	if (r == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		fail(o, 404, "not_found", "employee_number", "no person with employee_number %s", employee_number);
		return -1;
	}
	t->person_id = atoll(PQgetvalue(r, 0, 0));
	int consultant = strcmp(PQgetvalue(r, 0, 1), "consultant") == 0;
	int disabled = strcmp(PQgetvalue(r, 0, 2), "disabled") == 0;
	int after_start = PQgetvalue(r, 0, 3)[0] == 't', future = PQgetvalue(r, 0, 4)[0] == 't';
	PQclear(r);
	if (!consultant || disabled) {
		fail(o, 409, "conflict", "employee_number", "%s is %s: only an active consultant's contract can be extended",
		     employee_number, disabled ? "disabled" : "staff");
		return -1;
	}
	if (!after_start || !future) {
		fail(o, 400, "invalid_field", "end_date", "end_date %s must be today or later and not before the start date",
		     end);
		return -1;
	}
	char pid[32];
	snprintf(pid, sizeof(pid), "%lld", t->person_id);
	const char *p2[2] = { pid, end };
	if ((*st = person_update(t, "person.extend", "UPDATE people SET end_date = $2::date, updated_at = now() "
				"WHERE id = $1::bigint", 2, p2, err)) != DB_OK)
		return -1;
	o->body = person_json_by_id(t->person_id, err, st);
	if (o->body == NULL)
		return -1;
	o->status = 200;
	log_info("contract of %s extended to %s by %s", employee_number, end, t->actor);
	return 0;
}

void contracts_extend(const struct principal *who, const char *employee_number, json_t *body, struct outcome *o)
{
	static const char *const keys[] = { "end_date", NULL };
	const char *end;
	long days;
	memset(o, 0, sizeof(*o));
	if (json_check_keys(body, keys, o) < 0 || !(end = json_get_string(body, "end_date", 1, 10, o)))
		return;
	if (check_date(o, "end_date", end, &days) < 0)
		return;
	struct extend_call ec = { employee_number, end, { 0 } };
	actor_id(who, ec.t.actor);
	ec.t.role = "hr";
	snprintf(ec.t.employee_number, sizeof(ec.t.employee_number), "%s", employee_number);
	txn_run(o, extend_body, &ec);
}
