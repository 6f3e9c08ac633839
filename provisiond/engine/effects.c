/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	engine/effects - what the steps of every procedure change
 * DESCRIPTION
 *	The effects procedures name in their tables: the person's row (logged
 *	before and after), their grants, the provisioning round handed to
 *	provision.h, its undo, and the conclusion note mailed with the report.
 */
#include "config.h"
#include "engine/engine.h"
#include "engine/procedure.h"
#include "buf.h"
#include "changelog.h"
#include "grants.h"
#include "log.h"
#include "outbox.h"
#include "provision.h"
#include "report.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Person fields changed by a step, with the change logged before/after;
 * status: when the update only sets the status to it (the after is the before
 * with that status: not read again). */
static enum db_status update_person(struct txn *t, const char *what, const char *sql, int nparams,
				    const char *const *params, const char *status, const char **err)
{
	enum db_status st;
	json_t *before = person_json_by_id(t->person_id, err, &st);
	if (before == NULL)
		return st == DB_OK ? DB_ERROR : st;
	st = db_defer(what, sql, nparams, params, err);
	if (st != DB_OK) {
		json_decref(before);
		return st;
	}
	json_t *after;
	if (status != NULL) {
		after = json_deep_copy(before);
		json_object_set_new(after, "status", json_string(status));
	} else if ((after = person_json_by_id(t->person_id, err, &st)) == NULL) {
		json_decref(before);
		return st == DB_OK ? DB_ERROR : st;
	}
	/* the national id is personal data, not access: keep it out of the log */
	json_object_del(before, "national_id");
	json_object_del(after, "national_id");
	char obj[80];
	snprintf(obj, sizeof(obj), "person/%s", t->employee_number);
	struct cl_entry e = { t->actor, t->role, t->request_id, t->employee_number, "workflow", what, obj,
			      before, after, "ok", NULL };
	st = changelog_append(&e, err);
	json_decref(before);
	json_decref(after);
	return st;
}

enum db_status person_update(struct txn *t, const char *what, const char *sql,
			     int nparams, const char *const *params, const char **err)
{
	return update_person(t, what, sql, nparams, params, NULL, err);
}

enum db_status person_set_status(struct txn *t, const char *status, const char **err)
{
	char pid[32];
	snprintf(pid, sizeof(pid), "%lld", t->person_id);
	const char *params[2] = { pid, status };
	return update_person(t, strcmp(status, "active") == 0 ? "person.activate" : "person.disable",
			     "UPDATE people SET status = $2, updated_at = now() WHERE id = $1::bigint",
			     2, params, status, err);
}

enum db_status change_grants(struct txn *t, enum grants_change how, json_t *grant, json_t *revoke, const char **err)
{
	static const char *const actions[] = { "", "access.grant", "access.end_all", "access.undo" };
	json_t *before = NULL, *after = NULL;
	enum db_status st = grants_snapshot(t->person_id, &before, err);
	if (st != DB_OK)
		return st;
	if (how == GRANTS_APPLY)
		st = grants_apply(t->person_id, t->request_id, grant, revoke, err);
	else if (how == GRANTS_END_ALL)
		st = grants_end_all(t->person_id, t->request_id, err);
	else
		st = grants_undo(t->person_id, t->request_id, err);
	if (st != DB_OK || (st = grants_snapshot(t->person_id, &after, err)) != DB_OK)
		goto out;
	int same = json_equal(before, after);
	/* an exit or rollback of someone who held no grant: nothing to record */
	if (same && how != GRANTS_APPLY)
		goto out;
	char obj[80];
	snprintf(obj, sizeof(obj), "person/%s/access", t->employee_number);
	struct cl_entry e = { t->actor, t->role, t->request_id, t->employee_number, "workflow", actions[how], obj,
			      before, after, same ? "noop" : "ok", NULL };
	st = changelog_append(&e, err);
out:
	json_decref(before);
	json_decref(after);
	return st;
}

/* Entering a provisioning step (or its undo): ask provision.h how the
 * work is done, with the procedure's intent, person and parameters. */
static enum db_status begin_provisioning(struct txn *t, int undo, const char **err)
{
	const struct procedure *p = t->proc;
	enum db_status st;
	json_t *person = person_json_by_id(t->person_id, err, &st);
	if (person == NULL)
		return st == DB_OK ? DB_ERROR : st;
	if (p->target_person != NULL && (st = p->target_person(t, person, undo, err)) != DB_OK) {
		json_decref(person);
		return st;
	}
	json_t *params = NULL;
	if (p->op_params != NULL)
		st = p->op_params(t, undo, &params, err);
	else
		st = grants_params(t->person_id, t->request_id, &params, err);
	if (st != DB_OK) {
		json_decref(person);
		return st;
	}
	struct provision_request pr = { t->request_id, t->type, undo ? p->undo_intent : p->intent, person, params };
	enum provision_mode mode;
	int rc = provision_begin(&pr, &mode, err);
	json_decref(person);
	json_decref(params);
	if (rc < 0)
		return DB_ERROR;
	char rid[32];
	snprintf(rid, sizeof(rid), "%lld", t->request_id);
	if (mode == PROVISION_QUEUED)
		t->round++;	/* queue_enqueue started the next round */
	const char *mp[2] = { rid, mode == PROVISION_QUEUED ? "queued" : "manual" };
	snprintf(t->provisioning_mode, sizeof(t->provisioning_mode), "%s", mp[1]);
	return db_defer("request.mode", "UPDATE requests SET provisioning_mode = $2 WHERE id = $1::bigint",
		       2, mp, err);
}

enum db_status effect_provision(struct txn *t, const char *note, const char **err)
{
	const struct procedure *p = t->proc;
	enum db_status st = DB_OK;
	(void)note;
	/* what the request grants and revokes (again after a rejected
	 * verification: already so, nothing changes); an exit ends all */
	if (p->grant_items != NULL) {
		json_t *grant = NULL, *revoke = NULL;
		if ((st = p->grant_items(t, &grant, &revoke, err)) == DB_OK)
			st = change_grants(t, GRANTS_APPLY, grant, revoke, err);
		json_decref(grant);
		json_decref(revoke);
	} else if (p->grants_on_provision == GRANTS_END_ALL)
		st = change_grants(t, GRANTS_END_ALL, NULL, NULL, err);
	if (st == DB_OK)
		st = begin_provisioning(t, 0, err);
	return st == DB_OK ? open_tasks(t, err) : st;
}

enum db_status effect_rollback(struct txn *t, const char *note, const char **err)
{
	char rid[32], rnd[16];
	(void)note;
	snprintf(rid, sizeof(rid), "%lld", t->request_id);
	snprintf(rnd, sizeof(rnd), "%d", t->round);
	/* what is still waiting in the abandoned round will not run */
	const char *params[2] = { rid, rnd };
	enum db_status st = db_exec("request.abandon_round",
		"UPDATE operations SET state = 'dead', outcome = 'cancelled', message = 'rolled back', "
		"updated_at = now() WHERE request_id = $1::bigint AND round = $2::int AND state IN ('pending', 'dead')",
		2, params, err);
	if (st != DB_OK)
		return st;
	if ((st = change_grants(t, GRANTS_UNDO, NULL, NULL, err)) != DB_OK)
		return st;
	/* the undo is the procedure's undo_intent: a hire's accounts are
	 * disabled (never deleted), an exit's enabled again, a transfer's put
	 * back to the old unit and position (the person row still has them),
	 * an access request's grants taken away and its revocations given back */
	return begin_provisioning(t, 1, err);
}

/* The conclusion note goes by mail (outbox.h) to whoever must read it:
 * for hires, exits and transfers HR (notify_hr, or the HR person who
 * filed); for access requests and call codes whoever filed it and the unit
 * head who approved. */
static enum db_status mail_conclusion(struct txn *t, const char *note, const char **err)
{
	char rid[32];
	enum db_status st;
	snprintf(rid, sizeof(rid), "%lld", t->request_id);
	const char *params[1] = { rid };
	/* one row per address; one row with a NULL address when there is none */
	PGresult *r = db_query("request.notify",
		"SELECT p.given_names || ' ' || p.family_names, m FROM requests q "
		"JOIN people p ON p.id = q.person_id LEFT JOIN LATERAL unnest(q.notify_mails) m ON true "
		"WHERE q.id = $1::bigint", 1, params, &st, err);
	if (r == NULL)
		return st;
	int to_hr = t->proc->conclusion_to_hr && t->conf->notify_hr[0] != '\0';
	if (PQntuples(r) == 0 || (!to_hr && PQgetisnull(r, 0, 1))) {
		PQclear(r);
		return DB_OK;	/* nobody to tell: filed with a token, and no notify_hr */
	}
	/* names are up to 100 characters each, of up to 4 bytes: never cut
	 * them into a fixed buffer (a cut character is a subject the outbox
	 * cannot store, and a conclusion that cannot be taken) */
	const char *name = PQgetvalue(r, 0, 0);
	char *subject = xasprintf("Conclusion of %s request %lld for %s (%s)", wf_type_name(t->type),
				  t->request_id, t->employee_number, name);
	/* the technical report as it stands now goes with the note */
	struct principal reader = { .kind = PRINCIPAL_TOKEN, .roles = ROLE_BIT(ROLE_AUDITOR) };
	struct outcome ro;
	char *report = NULL;
	snprintf(reader.subject, sizeof(reader.subject), "system");
	requests_report(&reader, t->request_id, 1, &ro, &report);
	json_decref(ro.body);
	char link[96];
	snprintf(link, sizeof(link), "The technical report: GET /v1/requests/%lld/report", t->request_id);
	char *body = xasprintf("The %s request %lld for %s (%s) is concluded.\n\nConclusion note:\n%s\n\n%s\n",
			       wf_type_name(t->type), t->request_id, t->employee_number, name, note ? note : "",
			       report ? report : link);
	free(report);
	st = DB_OK;
	if (to_hr)
		st = outbox_add("conclusion", t->conf->notify_hr, subject, body, 0, t->request_id, err);
	else
		for (int i = 0; i < PQntuples(r) && st == DB_OK; i++) {
			/* an address the directory holds wrongly does not block the step */
			if (!outbox_address_ok(PQgetvalue(r, i, 1))) {
				log_warn("request %lld: conclusion note not mailed to '%s': not a mail address",
					 t->request_id, PQgetvalue(r, i, 1));
				continue;
			}
			st = outbox_add("conclusion", PQgetvalue(r, i, 1), subject, body, 0, t->request_id, err);
		}
	free(body);
	free(subject);
	PQclear(r);
	return st;
}

enum db_status effect_conclude(struct txn *t, const char *note, const char **err)
{
	char rid[32];
	snprintf(rid, sizeof(rid), "%lld", t->request_id);
	const char *params[2] = { rid, note };
	enum db_status st = db_exec("request.conclusion", "UPDATE requests SET conclusion = $2 WHERE id = $1::bigint",
				    2, params, err);
	return st == DB_OK ? mail_conclusion(t, note, err) : st;
}

/* A confirmation that ends a provisioning step changes who the person is. */
enum db_status effect_person_active(struct txn *t, const char *note, const char **err)
{
	(void)note;
	return person_set_status(t, "active", err);
}

enum db_status effect_person_disabled(struct txn *t, const char *note, const char **err)
{
	(void)note;
	return person_set_status(t, "disabled", err);
}
