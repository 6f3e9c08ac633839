/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	engine/tasks - the manual tasks a step opens and waits for
 * DESCRIPTION
 *	Configured task.<name>.on a procedure (a desktop backup, PR04, before an
 *	exit): opened when the provisioning step begins, done by someone of the
 *	task's role with a note; the step ends when the plugins' round and the
 *	last task are done.
 */
#include "config.h"
#include "engine/engine.h"
#include "engine/procedure.h"
#include "buf.h"
#include "log.h"
#include "buf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Opens this step's manual tasks (configured task.<name>.on this type). A
 * task already done in an earlier pass through the step stays done. */
enum db_status open_tasks(struct txn *t, const char **err)
{
	char rid[32], rnd[16];
	snprintf(rid, sizeof(rid), "%lld", t->request_id);
	snprintf(rnd, sizeof(rnd), "%d", t->round);
	for (int i = 0; i < t->conf->ntasks; i++) {
		const struct task_def *d = &t->conf->tasks[i];
		if (!(d->on & (1u << t->type)))
			continue;
		json_t *items = json_array();
		if (d->checklist != NULL) {
			char *copy = xstrdup(d->checklist), *save = NULL;
			for (char *w = strtok_r(copy, ";", &save); w; w = strtok_r(NULL, ";", &save)) {
				while (*w == ' ')
					w++;
				if (*w)
					json_array_append_new(items, json_string(w));
			}
			free(copy);
		}
		char *cl = json_dumps(items, JSON_COMPACT);
		json_decref(items);
		const char *params[6] = { rid, rnd, d->name, d->title, role_name((enum role)d->role), cl };
		enum db_status st = db_exec("task.open",
			"INSERT INTO tasks (request_id, round, name, title, role, checklist) "
			"SELECT $1::bigint, $2::int, $3, $4, $5, $6::jsonb WHERE NOT EXISTS (SELECT 1 FROM tasks "
			"WHERE request_id = $1::bigint AND name = $3 AND state = 'done')", 6, params, err);
		free(cl);
		if (st != DB_OK)
			return st;
	}
	return DB_OK;
}

/* How many tasks of the request are still open ("backup (tim_tech)" list). */
int open_task_count(long long request_id, struct buf *names, enum db_status *st, const char **err)
{
	char rid[32];
	snprintf(rid, sizeof(rid), "%lld", request_id);
	const char *params[1] = { rid };
	PGresult *r = db_query("task.open_count", "SELECT name, role FROM tasks WHERE request_id = $1::bigint "
			       "AND state = 'open' ORDER BY id", 1, params, st, err);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	for (int i = 0; names && i < n; i++)
		buf_printf(names, "%s%s (%s)", i ? ", " : "", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
	PQclear(r);
	return n;
}

enum db_status engine_round_done(const struct conf *c, long long request_id, int round, const char **error_r)
{
	char rid[32], rnd[16];
	enum db_status st;
	struct txn t;
	snprintf(rid, sizeof(rid), "%lld", request_id);
	snprintf(rnd, sizeof(rnd), "%d", round);
	const char *params[2] = { rid, rnd };
	/* the round's operations not done yet, and the request's open tasks */
	PGresult *r = db_query("request.round_left",
			       "SELECT count(*) FILTER (WHERE state <> 'done'), count(*), (SELECT count(*) FROM tasks "
			       "WHERE request_id = $1::bigint AND state = 'open') FROM operations "
			       "WHERE request_id = $1::bigint AND round = $2::int", 2, params, &st, error_r);
	if (r == NULL)
		return st;
	int left = atoi(PQgetvalue(r, 0, 0)), total = atoi(PQgetvalue(r, 0, 1)), tasks = atoi(PQgetvalue(r, 0, 2));
	PQclear(r);
	if (left > 0 || tasks > 0)
		return DB_OK;	/* plugins, or people, still have work to do */
	txn_init_system(&t, c, request_id);
	int found = load_txn(&t, &st, error_r);
	if (found <= 0)
		return found < 0 ? st : DB_OK;
	/* a round that is not the request's current one, or a request that
	 * moved on (cancelled, confirmed by hand) needs nothing more */
	if (t.round != round || strcmp(t.provisioning_mode, "queued") != 0 ||
	    (t.state != WS_PROVISIONING && t.state != WS_DISABLING && t.state != WS_ROLLING_BACK))
		return DB_OK;
	const struct wf_transition *tr = wf_transition_of(t.type, t.state, WA_CONFIRM);
	if (tr == NULL)
		return DB_OK;
	char note[128];
	snprintf(note, sizeof(note), "provisioned by plugins: %d operation(s) done", total);
	if ((st = transition(&t, tr, note, error_r)) != DB_OK)
		return st;
	return run_auto_steps(&t, error_r);
}

enum db_status engine_operation_done(const struct conf *c, const struct queue_done *d, const char **err)
{
	enum db_status st;
	/* what a plugin handed over is a procedure's to deal with (call
	 * codes and SIP passwords: callcode.c), whatever the request */
	for (int t = 0; t < WF_TYPE_COUNT; t++) {
		const struct procedure *p = procedure_of((enum wf_type)t);
		if (p->after_operation != NULL && (st = p->after_operation(d, err)) != DB_OK)
			return st;
	}
	return engine_round_done(c, d->request_id, d->round, err);
}
