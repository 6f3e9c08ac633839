/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	procedures/callcode - call codes (PR01)
 * DESCRIPTION
 *	Staff, or the head of their unit, ask for a dialling level; the unit
 *	head and the head of TIM approve; the PBX plugin generates a random code,
 *	delivered by institutional mail through the outbox; TIM's confirmation
 *	note goes to the unit head. A revocation needs no approval: it only
 *	takes away.
 */
#include "config.h"
#include "buf.h"
#include "engine/procedure.h"
#include "json.h"
#include "log.h"
#include "outbox.h"
#include "plugin_host.h"
#include "queue.h"
#include "text.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The calling levels of PR01 (UIT-M01 section 5), lowest first. */
static const char *const call_levels[] = { "local", "mobile", "national", "international", NULL };

static int parse_call_code(const struct conf *c, json_t *p, struct person_in *in, struct outcome *o)
{
	static const char *const keys[] = { "employee_number", "action", "level", "justification", NULL };
	(void)c;
	if (parse_person_and_why(p, keys, in, o) < 0)
		return -1;
	in->cc_action = json_get_string(p, "action", 0, 16, o);
	if (o->code == NULL)
		in->cc_level = json_get_string(p, "level", 0, 32, o);
	if (o->code != NULL)
		return -1;
	if (in->cc_action == NULL)
		in->cc_action = "issue";
	if (strcmp(in->cc_action, "issue") != 0 && strcmp(in->cc_action, "revoke") != 0) {
		fail(o, 400, "invalid_field", "action", "action is issue (a new code, the default) or revoke, not '%.16s'",
		     in->cc_action);
		return -1;
	}
	if (strcmp(in->cc_action, "revoke") == 0) {
		if (in->cc_level != NULL) {
			fail(o, 400, "invalid_field", "level", "a revocation takes the person's code away: it has no level");
			return -1;
		}
		return 0;
	}
	if (in->cc_level == NULL) {
		fail(o, 400, "missing_field", "level", "a call code request names its level: local, mobile, national "
		     "or international");
		return -1;
	}
	for (int i = 0; call_levels[i]; i++)
		if (strcmp(in->cc_level, call_levels[i]) == 0)
			return 0;
	fail(o, 400, "invalid_field", "level", "unknown calling level '%.32s': local (fixed local), mobile, national "
	     "(long distance) or international", in->cc_level);
	return -1;
}

/* Who may ask a call code (PR01 step 1): the person, or the head of their
 * unit; a revocation also TIM. Sets t->role. */
static int call_code_filer(struct txn *t, const struct person_in *in, struct outcome *o)
{
	const struct principal *who = t->who;
	if (who->kind == PRINCIPAL_USER && t->person_uid[0] && strcmp(t->person_uid, who->subject) == 0) {
		t->role = "employee";
		return 0;
	}
	if (strcmp(in->cc_action, "revoke") == 0 &&
	    (t->role = acting_role(who, ROLE_BIT(ROLE_TIM_HEAD) | ROLE_BIT(ROLE_TIM_TECH))) != NULL)
		return 0;
	if (who->roles & ROLE_BIT(ROLE_UNIT_HEAD)) {
		t->role = "unit_head";
		return check_unit_head_of(t->conf, who, t->person_id, in->employee_number, "may ask a call code", o);
	}
	fail(o, 403, "forbidden", "employee_number", "a call code for %s is asked by that person or by the head of "
	     "their unit%s", in->employee_number, strcmp(in->cc_action, "revoke") == 0 ? " (or revoked by TIM)" : "");
	return -1;
}

/* A unit head's own filing is their approval (PR01 step 3); a revocation
 * needs no approval: it only takes away, so provisioning starts at once. */
static enum db_status call_code_first_steps(struct txn *t, const struct person_in *in, const char **err)
{
	if (strcmp(in->cc_action, "revoke") == 0)
		return transition_as_system(t, transition_needed(WF_CALLCODE, WS_SUBMITTED, WA_START),
					    "a revocation needs no approval: it only takes away", err);
	if (strcmp(t->role, "unit_head") == 0) {
		char note[160];
		snprintf(note, sizeof(note), "filed by the head of unit %.64s: the filing is their approval", t->who->unit);
		return transition(t, transition_needed(WF_CALLCODE, WS_SUBMITTED, WA_APPROVE), note, err);
	}
	return DB_OK;
}

/* What the PBX is asked for a call-code request: {"call_code": {"action":
 * "issue", "level": ...}} or a revocation (also the undo of an issue). */
static enum db_status call_code_params(struct txn *t, int undo, json_t **params_r, const char **err)
{
	char rid[32];
	enum db_status st;
	snprintf(rid, sizeof(rid), "%lld", t->request_id);
	const char *params[1] = { rid };
	PGresult *r = db_query("request.payload", "SELECT payload->>'action', payload->>'level' FROM requests "
			       "WHERE id = $1::bigint", 1, params, &st, err);
	if (r == NULL)
		return st;
	int issue = !undo && PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "issue") == 0;
	json_t *cc = issue ? json_pack("{s:s, s:s}", "action", "issue", "level", PQgetvalue(r, 0, 1))
			   : json_pack("{s:s}", "action", "revoke");
	PQclear(r);
	*params_r = json_pack("{s:o}", "call_code", cc);
	return DB_OK;
}

/* The payload records what was asked: an issue unless it says otherwise. */
static enum db_status call_code_prepare(struct txn *t, json_t *payload, const struct person_in *in, int exists,
					const char **err)
{
	(void)t, (void)exists, (void)err;
	if (json_object_get(payload, "action") == NULL)
		json_object_set_new(payload, "action", json_string(in->cc_action));
	return DB_OK;
}

/* The unit head who approved a call code hears how it ended (PR01 step 9). */
static enum db_status call_code_notify_approver(struct txn *t, const char *note, const char **err)
{
	char rid[32];
	(void)note;
	if (t->who == NULL || t->who->mail[0] == '\0')
		return DB_OK;
	snprintf(rid, sizeof(rid), "%lld", t->request_id);
	const char *params[2] = { rid, t->who->mail };
	return db_exec("request.notify_add", "UPDATE requests SET notify_mails = array_append(notify_mails, $2) "
		       "WHERE id = $1::bigint AND NOT ($2 = ANY (notify_mails))", 2, params, err);
}

/* The dry run asks the PBX what the request's payload asks, only it. */
static json_t *call_code_plan_params(json_t *req, json_t *person)
{
	json_t *pl = json_object_get(req, "payload");
	const char *action = json_string_value(json_object_get(pl, "action"));
	json_t *params = json_pack("{s:{s:s}}", "call_code", "action", action ? action : "issue");
	(void)person;
	if (json_object_get(pl, "level") != NULL)
		json_object_set(json_object_get(params, "call_code"), "level", json_object_get(pl, "level"));
	return params;
}

/* What the PBX generated for the person (a call code, a SIP password)
 * goes to their mailbox through the outbox, in the transaction that
 * records the operation as done: mailed if and only if it was issued. */
static enum db_status mail_secrets(const struct queue_done *d, const char **err)
{
	const struct plugin_secret *s;
	int n = plugins_secrets(&s);
	const char *given = json_string_value(json_object_get(d->person, "given_names"));
	for (int i = 0; i < n; i++) {
		int code = strcmp(s[i].what, "call_code") == 0;
		char *body = xasprintf("Hello %s,\n\n%s\n\n%s: %s\n\nThis message is the only copy: the service "
				       "keeps none and nobody at TIM can read it again. Keep it to yourself; if it "
				       "becomes known, ask for it to be revoked.\n", given ? given : "",
				       s[i].note, code ? "Your call code" : "Your SIP password", s[i].secret);
		enum db_status st = outbox_add(s[i].what, s[i].rcpt, code ? "Your telephone call code"
					       : "Your IP telephone account", body, 1, d->request_id, err);
		explicit_bzero(body, strlen(body));
		free(body);
		if (st != DB_OK)
			return st;
	}
	return DB_OK;
}

/* The PBX's answer names the person's extension: the identity record
 * shows it (a number the PBX gave someone else is never taken over). */
static enum db_status record_extension(const struct queue_done *d, const char **err)
{
	const char *ext = json_string_value(json_object_get(d->res->after, "extension"));
	const char *emp = json_string_value(json_object_get(d->person, "employee_number"));
	if (ext == NULL || emp == NULL || d->instance < 0 || !plugins_get(d->instance)->call_codes)
		return DB_OK;
	const char *params[2] = { emp, ext };
	return db_exec("queue.extension", "UPDATE people SET extension = $2, updated_at = now() "
		       "WHERE employee_number = $1 AND extension IS DISTINCT FROM $2 "
		       "AND NOT EXISTS (SELECT 1 FROM people o WHERE o.extension = $2 AND o.employee_number <> $1)",
		       2, params, err);
}

/* After any operation of any request (a hire's extension, a call code):
 * what the telephony plugin handed over is mailed and recorded. */
static enum db_status telephony_after_operation(const struct queue_done *d, const char **err)
{
	enum db_status st;
	if (d->res == NULL)
		return DB_OK;	/* resolved by hand: nothing was generated */
	if ((st = mail_secrets(d, err)) != DB_OK)
		return st;
	return record_extension(d, err);
}

static const struct effect call_code_effects[] = {
	{ WS_ANY, WA_ANY, WS_TIM_REVIEW, call_code_notify_approver },
	/* provisioning: step 6: the PBX makes the code; its undo: the code taken back */
	EFFECTS_PROVISION(WS_PROVISIONING),
	{ WS_CONCLUDING, WA_ANY, WS_CLOSED, effect_conclude },	/* steps 7-9: the note to the unit head */
	EFFECTS_END
};

const struct procedure callcode_procedure = {
	.type = WF_CALLCODE,
	.code = "PR01",
	.parse = parse_call_code,
	.filer_roles = { 0, 0 },
	.filer_default = "employee",	/* decided by call_code_filer once the person is known */
	.may_file = call_code_filer,
	.not_active = "call codes are given only to active people",
	.blocked_by = 1u << WF_HIRE,
	.prepare = call_code_prepare,
	.after_submit = call_code_first_steps,
	.effects = call_code_effects,
	.intent = PLUGIN_INTENT_CALL_CODE,
	.undo_intent = PLUGIN_INTENT_CALL_CODE,
	.op_params = call_code_params,
	.plan_params = call_code_plan_params,
	.after_operation = telephony_after_operation,
};
