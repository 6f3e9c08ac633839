/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	engine/transition - moving a request from one state to the next
 * DESCRIPTION
 *	A transition sets the state, runs the effects the procedure lists for
 *	entering it (engine/procedure.h), writes the step and its change-log
 *	entry, then the steps the policy makes automatic are taken as "system".
 */
#include "config.h"
#include "buf.h"
#include "engine/engine.h"
#include "engine/procedure.h"
#include "changelog.h"
#include "log.h"
#include "text.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum db_status log_step(struct txn *t, enum wf_action_id action, const char *from, enum wf_state_id to,
			const char *note, const char **err)
{
	char rid[32];
	snprintf(rid, sizeof(rid), "%lld", t->request_id);
	const char *params[7] = { rid, wf_action_name(action), from, wf_state_name(to), t->actor, t->role, note };
	enum db_status st = db_defer("request.step",
				    "INSERT INTO request_steps (request_id, action, from_state, to_state, actor, "
				    "actor_role, note) VALUES ($1::bigint, $2, $3, $4, $5, $6, $7)",
				    7, params, err);
	if (st != DB_OK)
		return st;
	json_t *before = from ? json_pack("{s:s}", "state", from) : NULL;
	json_t *after = json_pack("{s:s}", "state", wf_state_name(to));
	if (note != NULL)
		json_object_set_new(after, "note", json_string(note));
	char obj[64];
	snprintf(obj, sizeof(obj), "request/%lld", t->request_id);
	char act[64];
	snprintf(act, sizeof(act), "%s.%s", wf_type_name(t->type), wf_action_name(action));
	struct cl_entry e = { t->actor, t->role, t->request_id, t->employee_number, "workflow", act, obj,
			      before, after, "ok", NULL };
	st = changelog_append(&e, err);
	json_decref(before);
	json_decref(after);
	return st;
}

static enum db_status set_state(struct txn *t, enum wf_state_id to, const char **err)
{
	char rid[32];
	snprintf(rid, sizeof(rid), "%lld", t->request_id);
	const struct wf_state *ws = wf_state_of(t->type, to);
	if (ws == NULL)
		log_panic("%s request %lld: the tables lead to state %s, which the procedure lacks",
			  wf_type_name(t->type), t->request_id, wf_state_name(to));
	const char *params[3] = { rid, wf_state_name(to), ws->open ? "f" : "t" };
	enum db_status st = db_defer("request.state",
				    "UPDATE requests SET state = $2, updated_at = now(), "
				    "closed_at = CASE WHEN $3::boolean THEN now() ELSE NULL END WHERE id = $1::bigint",
				    3, params, err);
	if (st == DB_OK)
		t->state = to;
	return st;
}

/* What happens when a request enters a state, besides the state itself:
 * the rows of the procedure's effects table that match, in order. */
static enum db_status run_effects(struct txn *t, enum wf_state_id from, enum wf_action_id action,
				  enum wf_state_id to, const char *note, const char **err)
{
	for (const struct effect *e = t->proc->effects; e && e->run; e++) {
		if ((e->from != WS_ANY && e->from != from) || (e->action != WA_ANY && e->action != action) ||
		    (e->to != WS_ANY && e->to != to))
			continue;
		enum db_status st = e->run(t, note, err);
		if (st != DB_OK)
			return st;
	}
	return DB_OK;
}

enum db_status transition(struct txn *t, const struct wf_transition *tr, const char *note, const char **err)
{
	enum wf_state_id from = t->state;
	enum wf_state_id to = t->proc->next_state ? t->proc->next_state(t, tr) : tr->to;
	enum db_status st = set_state(t, to, err);
	if (st == DB_OK)
		st = run_effects(t, from, tr->action, to, note, err);
	if (st == DB_OK)
		st = log_step(t, tr->action, wf_state_name(from), to, note, err);
	return st;
}

enum db_status transition_as_system(struct txn *t, const struct wf_transition *tr, const char *note, const char **err)
{
	char saved_actor[160];
	const char *saved_role = t->role;
	snprintf(saved_actor, sizeof(saved_actor), "%s", t->actor);
	snprintf(t->actor, sizeof(t->actor), "system");
	t->role = "system";
	enum db_status st = transition(t, tr, note, err);
	snprintf(t->actor, sizeof(t->actor), "%s", saved_actor);
	t->role = saved_role;
	return st;
}

enum db_status run_auto_steps(struct txn *t, const char **err)
{
	for (int guard = 0; guard < 16; guard++) {
		const struct wf_state *ws = wf_state_of(t->type, t->state);
		if (ws == NULL || ws->auto_bit == 0 || !(t->conf->auto_steps[t->type] & ws->auto_bit))
			return DB_OK;
		const struct wf_transition *tr = wf_transition_of(t->type, t->state, ws->auto_action);
		if (tr == NULL)
			return DB_OK;
		enum db_status st = transition_as_system(t, tr, "automatic step (workflow policy)", err);
		if (st != DB_OK)
			return st;
	}
	return DB_OK;
}

const struct wf_transition *transition_needed(enum wf_type type, enum wf_state_id from, enum wf_action_id action)
{
	const struct wf_transition *tr = wf_transition_of(type, from, action);
	if (tr == NULL)
		log_panic("workflow.c has no %s transition %s --%s-->", wf_type_name(type), wf_state_name(from),
			  wf_action_name(action));
	return tr;
}

void txn_init_system(struct txn *t, const struct conf *c, long long request_id)
{
	memset(t, 0, sizeof(*t));
	t->conf = c;
	t->request_id = request_id;
	snprintf(t->actor, sizeof(t->actor), "system");
	t->role = "system";
}

int load_txn(struct txn *t, enum db_status *st, const char **err)
{
	char rid[32];
	snprintf(rid, sizeof(rid), "%lld", t->request_id);
	const char *params[1] = { rid };
	PGresult *r = db_query("request.lock",
		"SELECT r.type, r.state, r.submitted_by, r.person_id::text, p.employee_number, p.uid, "
		"r.provisioning_mode, extract(epoch FROM r.effective_at)::bigint::text, r.provisioning_round, "
		"r.submitted_owner, p.unit, r.version FROM requests r JOIN people p ON p.id = r.person_id WHERE r.id = $1::bigint FOR UPDATE OF r, p",
		1, params, st, err);
	if (r == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return 0;
	}
	/* rows hold only what the tables wrote: anything else is corruption */
	if (wf_type_parse(PQgetvalue(r, 0, 0), &t->type) < 0 || wf_state_parse(PQgetvalue(r, 0, 1), &t->state) < 0)
		log_panic("request %lld has type '%s' and state '%s', which workflow.c does not know", t->request_id,
			  PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1));
	t->proc = procedure_of(t->type);
	snprintf(t->submitted_by, sizeof(t->submitted_by), "%s", PQgetvalue(r, 0, 2));
	t->person_id = atoll(PQgetvalue(r, 0, 3));
	snprintf(t->employee_number, sizeof(t->employee_number), "%s", PQgetvalue(r, 0, 4));
	snprintf(t->person_uid, sizeof(t->person_uid), "%s", PQgetvalue(r, 0, 5));
	snprintf(t->provisioning_mode, sizeof(t->provisioning_mode), "%s", PQgetvalue(r, 0, 6));
	if (!PQgetisnull(r, 0, 7)) {
		t->effective_t = (time_t)atoll(PQgetvalue(r, 0, 7));
		t->has_effective = 1;
	}
	t->round = atoi(PQgetvalue(r, 0, 8));
	snprintf(t->submitted_owner, sizeof(t->submitted_owner), "%s", PQgetvalue(r, 0, 9));
	text_copy(t->person_unit, sizeof(t->person_unit), PQgetvalue(r, 0, 10));
	t->version = atoll(PQgetvalue(r, 0, 11));
	PQclear(r);
	return 1;
}
