/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	procedures/exit - the exit (baja, PR06)
 * DESCRIPTION
 *	HR reports a departure, effective now or at a time; the head of TIM
 *	approves; at the effective time the scheduler starts it; every account
 *	is disabled, never deleted (the desktop backup, PR04, is a manual task);
 *	the report is approved and the flow closed.
 */
#include "config.h"
#include "buf.h"
#include "procedures/exit.h"
#include "engine/procedure.h"
#include "json.h"
#include "log.h"
#include "timeparse.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int parse_exit(const struct conf *c, json_t *p, struct person_in *in, struct outcome *o)
{
	static const char *const keys[] = { "employee_number", "effective_at", "reason", NULL };
	(void)c;
	memset(in, 0, sizeof(*in));
	if (json_check_keys(p, keys, o) < 0 ||
	    !(in->employee_number = json_get_string(p, "employee_number", 1, 32, o)) ||
	    !(in->effective_at = json_get_string(p, "effective_at", 1, 40, o)) ||
	    !(in->reason = json_get_string(p, "reason", 1, 500, o)))
		return -1;
	if (check_code(o, "employee_number", in->employee_number, "the HR number") < 0)
		return -1;
	if (parse_timestamp(in->effective_at, &in->effective_t) < 0) {
		fail(o, 400, "invalid_field", "effective_at",
		     "effective_at must be an RFC 3339 time with an offset, like 2026-12-01T18:00:00-04:00, not '%s'",
		     in->effective_at);
		return -1;
	}
	return 0;
}


/* Inside the caller's transaction: starts scheduled exit id if it is still
 * scheduled and due (a reschedule or cancel that committed first wins).
 * *started_r = 1 when it was started. */
enum db_status exit_start_scheduled(const struct conf *c, long long id, int *started_r, const char **error_r)
{
	struct txn t;
	enum db_status st;
	*started_r = 0;
	txn_init_system(&t, c, id);
	int found = load_txn(&t, &st, error_r);
	if (found <= 0)
		return found < 0 ? st : DB_OK;
	time_t now = time(NULL);
	if (t.type != WF_EXIT || t.state != WS_SCHEDULED || !t.has_effective || t.effective_t > now)
		return DB_OK;
	const struct wf_transition *tr = transition_needed(WF_EXIT, WS_SCHEDULED, WA_START);
	char note[160], due[32];
	format_timestamp(t.effective_t, due);
	long late = (long)(now - t.effective_t);
	if (late <= 1)
		snprintf(note, sizeof(note), "started by the scheduler at its effective time %s", due);
	else
		snprintf(note, sizeof(note), "started by the scheduler %ld s after its effective time %s "
			 "(the service was not running then)", late, due);
	if ((st = transition(&t, tr, note, error_r)) != DB_OK)
		return st;
	*started_r = 1;
	return run_auto_steps(&t, error_r);
}

/* An exit approved (or rescheduled) when its time has already come goes
 * straight to disabling. */
static enum wf_state_id exit_next_state(const struct txn *t, const struct wf_transition *tr)
{
	if (tr->to == WS_SCHEDULED && t->has_effective && t->effective_t <= time(NULL))
		return WS_DISABLING;
	return tr->to;
}

/* reschedule carries the new effective time. */
static int exit_action_data(struct txn *t, enum wf_action_id action, json_t *body, struct outcome *o,
			    enum db_status *st, const char **err)
{
	if (action != WA_RESCHEDULE)
		return 0;
	const char *v = json_get_string(body, "effective_at", 1, 40, o);
	time_t when;
	char eff[32], rid[32];
	if (v == NULL)
		return -1;
	if (parse_timestamp(v, &when) < 0) {
		fail(o, 400, "invalid_field", "effective_at",
		     "effective_at must be an RFC 3339 time with an offset, not '%s'", v);
		return -1;
	}
	format_timestamp(when, eff);
	t->effective_t = when;
	t->has_effective = 1;
	snprintf(rid, sizeof(rid), "%lld", t->request_id);
	const char *params[2] = { rid, eff };
	*st = db_exec("request.reschedule",
		      "UPDATE requests SET effective_at = $2::timestamptz, "
		      "payload = jsonb_set(payload, '{effective_at}', to_jsonb($2::text)) WHERE id = $1::bigint",
		      2, params, err);
	return *st == DB_OK ? 0 : -1;
}

static const struct effect exit_effects[] = {
	/* provisioning: steps 4-5: every account disabled; grants end; its undo: the accounts enabled again */
	EFFECTS_PROVISION(WS_DISABLING),
	{ WS_DISABLING, WA_CONFIRM, WS_ANY, effect_person_disabled },
	{ WS_ANY, WA_ANY, WS_CONCLUDED, effect_conclude },	/* step 7: the conclusion note to HR */
	EFFECTS_END
};

const struct procedure exit_procedure = {
	.type = WF_EXIT,
	.code = "PR06",
	.parse = parse_exit,
	FILED_BY_HR,
	.not_active = "there is nothing to disable or move",
	.blocked_by = 1u << WF_HIRE,
	.next_state = exit_next_state,
	.action_data = exit_action_data,
	.conclusion_to_hr = 1,
	.effects = exit_effects,
	.intent = PLUGIN_INTENT_DISABLE,
	.undo_intent = PLUGIN_INTENT_ENABLE,
	.grants_on_provision = GRANTS_END_ALL,
};
