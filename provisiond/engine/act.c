/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	engine/act - a person takes an action on a request
 * DESCRIPTION
 *	The request is locked, the action must leave its state (409 naming
 *	what is possible), the caller must be allowed (403 saying why, 404 when
 *	they may not even see it), then the transition and the automatic steps.
 */
#include "config.h"
#include "engine/engine.h"
#include "engine/procedure.h"
#include "requests.h"
#include "buf.h"
#include "json.h"
#include "log.h"
#include "text.h"
#include "timeparse.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void describe_allowed(const struct wf_transition *tr, void *arg)
{
	struct buf *b = arg;
	char roles[200];
	role_mask_format(tr->roles, roles, sizeof(roles));
	if (tr->rules & WF_SYSTEM_ONLY)
		buf_printf(b, "%s%s (by the scheduler at the effective time)", b->len ? ", " : "",
			   wf_action_name(tr->action));
	else
		buf_printf(b, "%s%s (%s%s)", b->len ? ", " : "", wf_action_name(tr->action), roles,
			   (tr->rules & WF_THE_PERSON) ? ", the person" : "");
}

/* A resubmission carries the corrected request in "data": checked as a
 * new one of the same procedure, about the same person, then stored. */
static int resubmit(struct txn *t, json_t *body, struct outcome *o, enum db_status *st, const char **err)
{
	const struct procedure *p = t->proc;
	json_t *data = json_object_get(body, "data");
	struct person_in in;
	char rid[32];
	snprintf(rid, sizeof(rid), "%lld", t->request_id);
	if (!json_is_object(data)) {
		fail(o, 400, "missing_field", "data", "resubmit needs 'data': the corrected request, as an object");
		return -1;
	}
	int single = 0;
	if (p->parse(t->conf, data, &in, o) < 0 ||
	    (p->check_catalogue != NULL && p->check_catalogue(t->conf, data, &in, &single, o) < 0) ||
	    (single && check_single_holder(t->person_id, in.position, o) < 0)) {
		if (o->field[0] != '\0') {
			char f[sizeof(o->field)];
			text_format(f, sizeof(f), "data.%s", o->field);
			text_copy(o->field, sizeof(o->field), f);
		}
		return -1;
	}
	if (strcmp(in.employee_number, t->employee_number) != 0) {
		fail(o, 400, "invalid_field", "data.employee_number",
		     "a resubmission is about the same person (%s); file a new request for %s",
		     t->employee_number, in.employee_number);
		return -1;
	}
	if (p->check_resubmit != NULL && p->check_resubmit(t, data, &in, o) < 0)
		return -1;
	json_t *stored = json_copy(data);	/* shallow: in.* still point into data */
	json_object_del(stored, "private_email");	/* kept on the person only */
	char *pl = json_dumps(stored, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(stored);
	char eff[32];
	if (in.effective_at != NULL) {
		format_timestamp(in.effective_t, eff);
		t->effective_t = in.effective_t;
		t->has_effective = 1;
	}
	const char *params[3] = { rid, pl, in.effective_at != NULL ? eff : NULL };
	*st = db_exec("request.resubmit",
		      "UPDATE requests SET payload = $2::jsonb, effective_at = COALESCE($3::timestamptz, effective_at) "
		      "WHERE id = $1::bigint", 3, params, err);
	free(pl);
	if (*st != DB_OK)
		return -1;
	if (p->after_resubmit != NULL && (*st = p->after_resubmit(t, &in, err)) != DB_OK)
		return -1;
	return 0;
}

/* If-Match: "*" or a list of entity tags (RFC 9110 13.1.1). Each tag is
 * handed to fn with its quotes (a weak W/"..." too); fn returns 1 to stop.
 * -1 when the header is no such list. */
static int if_match_each(const char *h, int (*fn)(const char *tag, size_t len, void *arg), void *arg)
{
	const char *p = h;
	int n = 0;
	while (*p == ' ' || *p == '\t')
		p++;
	if (p[0] == '*') {
		for (p++; *p == ' ' || *p == '\t'; p++)
			;
		return *p == '\0' ? (fn != NULL ? fn("*", 1, arg) : 0) : -1;
	}
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			return n > 0 ? 0 : -1;
		const char *tag = p;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (*p != '"')
			return -1;
		const char *end = strchr(p + 1, '"');
		if (end == NULL)
			return -1;
		for (const char *c = p + 1; c < end; c++)
			if ((unsigned char)*c < 0x21 || (unsigned char)*c >= 0x7f)
				return -1;	/* no spaces, controls or bytes past ASCII */
		p = end + 1;
		n++;
		if (fn != NULL && fn(tag, (size_t)(p - tag), arg))
			return 0;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != ',' && *p != '\0')
			return -1;
	}
}

struct match_arg {
	const char *etag;	/* the request's, with quotes */
	int matched;
};

/* strong comparison: a weak tag never matches */
static int tag_matches(const char *tag, size_t len, void *arg)
{
	struct match_arg *m = arg;
	m->matched = (len == 1 && tag[0] == '*') || (len == strlen(m->etag) && strncmp(tag, m->etag, len) == 0);
	return m->matched;
}

struct act_call {
	const struct idem *idem;
	const char *if_match;
	enum wf_action_id action;
	json_t *body;
	const char *note;
	struct txn t;
};

static int act_body(void *arg, struct outcome *o, enum db_status *st, const char **err)
{
	struct act_call *ac = arg;
	struct txn *t = &ac->t;
	const struct principal *who = t->who;
	long long id = t->request_id;

	if (idem_claim(ac->idem, t->actor, o) != 0)
		return 1;
	int found = load_txn(t, st, err);
	if (found < 0)
		return -1;
	/* a request the caller may not see does not exist for them: the
	 * same 404, so action URLs cannot be used to probe request ids */
	if (found == 0 || !may_see_parts(who, t->person_uid, t->person_unit, t->submitted_by)) {
		fail(o, 404, "not_found", NULL, "no request %lld", id);
		return -1;
	}
	/* under the row lock: no one can change the request between this
	 * check and the step */
	if (ac->if_match != NULL) {
		char etag[REQUEST_ETAG_MAX];
		request_etag(id, t->version, etag);
		struct match_arg m = { etag, 0 };
		if_match_each(ac->if_match, tag_matches, &m);
		if (!m.matched) {
			fail(o, 412, "precondition_failed", "If-Match",
			     "request %lld changed since you read it: If-Match names %.80s, it is now %s (%s); "
			     "read it again (GET /v1/requests/%lld) before you %s it", id, ac->if_match, etag,
			     wf_state_name(t->state), id, wf_action_name(ac->action));
			return -1;
		}
	}
	const struct wf_transition *tr = wf_transition_of(t->type, t->state, ac->action);
	if (tr == NULL) {
		struct buf allowed = BUF_INIT;
		wf_transitions_from(t->type, t->state, describe_allowed, &allowed);
		fail(o, 409, "conflict", "action", "%s request %lld is %s: '%s' is not possible now; possible: %s",
		     wf_type_name(t->type), id, wf_state_name(t->state), wf_action_name(ac->action),
		     allowed.len ? buf_str(&allowed) : "nothing (final state)");
		buf_free(&allowed);
		return -1;
	}
	char why[256];
	if (!may_act(who, tr, t->person_uid[0] ? t->person_uid : NULL, t->submitted_by, t->submitted_owner, &t->role,
		     why)) {
		fail(o, 403, "forbidden", "action", "%s", why);
		return -1;
	}
	if (acts_as_head_of_unit(who, tr, t->role) &&
	    check_unit_head_of(t->conf, who, t->person_id, t->employee_number,
			       t->type == WF_CALLCODE ? "may act on call codes" : "may act on access requests", o) < 0)
		return -1;
	if ((tr->rules & WF_NOTE_REQUIRED) && ac->note == NULL) {
		fail(o, 400, "missing_field", "note", "'%s' needs a note saying why%s", wf_action_name(ac->action),
		     t->state == WS_CONCLUDING ? " (the conclusion note HR will read)" : "");
		return -1;
	}
	if (step_taken_by_plugins(tr, t->provisioning_mode)) {
		fail(o, 409, "conflict", "action",
		     "provisioning of request %lld is run by plugins and moves on by itself", id);
		return -1;
	}
	if (step_waits_for_tasks(ac->action, t->state)) {
		struct buf names = BUF_INIT;
		int n = open_task_count(id, &names, st, err);
		if (n != 0) {
			if (n > 0)
				fail(o, 409, "conflict", "action", "request %lld waits for %d manual task(s): %s", id, n,
				     buf_str(&names));
			buf_free(&names);
			return -1;
		}
		buf_free(&names);
	}
	*st = DB_OK;
	if (ac->action == WA_RESUBMIT && resubmit(t, ac->body, o, st, err) < 0)
		return -1;
	if (t->proc->action_data != NULL && t->proc->action_data(t, ac->action, ac->body, o, st, err) < 0)
		return -1;
	if ((*st = transition(t, tr, ac->note, err)) != DB_OK)
		return -1;
	if ((*st = run_auto_steps(t, err)) != DB_OK)
		return -1;
	o->body = request_json(id, who, st, err);
	if (o->body == NULL)
		return -1;
	o->status = 200;
	return idem_store(ac->idem, t->actor, o) < 0 ? -1 : 0;
}

void requests_act(const struct conf *c, const struct principal *who, long long id,
		  const char *action, json_t *body, const struct idem *idem, const char *if_match,
		  struct outcome *o)
{
	struct act_call ac = { .idem = idem, .body = body, .if_match = if_match };
	struct txn *t = &ac.t;
	static const char *const keys[] = { "note", "data", "effective_at", NULL };

	memset(o, 0, sizeof(*o));
	if (wf_action_parse(action, &ac.action) < 0 || !wf_action_taken(ac.action)) {
		fail(o, 404, "not_found", "action", "unknown action '%s'", action);
		return;
	}
	if (if_match != NULL && if_match_each(if_match, NULL, NULL) < 0) {
		fail(o, 400, "invalid_field", "If-Match", "If-Match must be * or ETags in double quotes, "
		     "as the ETag of GET /v1/requests/%lld gives them", id);
		return;
	}
	if (json_check_keys(body, keys, o) < 0)
		return;
	ac.note = json_get_string(body, "note", 0, 2000, o);
	if (o->code != NULL)
		return;
	if (ac.note != NULL && *ac.note == '\0')
		ac.note = NULL;
	t->conf = c;
	t->who = who;
	t->o = o;
	t->request_id = id;
	actor_id(who, t->actor);
	txn_run(o, act_body, &ac);
	if (o->status == 200 && o->code == NULL && o->body != NULL && t->proc != NULL && t->role != NULL)
		log_info("request %lld: %s by %s (%s), now %s", id, action, t->actor, t->role, wf_state_name(t->state));
}
