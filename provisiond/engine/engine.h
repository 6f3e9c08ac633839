/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	engine - the generic part of every procedure: transitions, effects,
 *	rules, idempotency, the transaction, the request views
 * DESCRIPTION
 *	The shape of every write (engine/create.c, engine/act.c):
 *	  validate the input (400 naming the field; directory lookups: 503)
 *	  BEGIN (txn_run)
 *	    claim the Idempotency-Key (a replay answers the stored response)
 *	    lock the person / request rows, check the rules (403, 404, 409)
 *	    change the rows, write the step and the change-log entries
 *	    take the steps the policy makes automatic
 *	    read the request back as the answer; store it for the key
 *	  COMMIT
 *	Any failure rolls everything back: nothing is half-written.
 *	What differs between procedures is asked of engine/procedure.h.
 */
#ifndef PVD_ENGINE_H
#define PVD_ENGINE_H

#include <jansson.h>
#include <time.h>
#include "auth.h"
#include "conf.h"
#include "db.h"
#include "outcome.h"
#include "workflow.h"

#define TS(col) DB_UTC(col)

struct procedure;

/* One request being changed, inside its transaction. */
struct txn {
	const struct conf *conf;
	const struct principal *who;	/* NULL for the system */
	const struct procedure *proc;
	char actor[160];
	const char *role;
	long long request_id;
	long long person_id;
	enum wf_type type;
	enum wf_state_id state;
	char employee_number[40];
	char submitted_by[160];
	char submitted_owner[160];
	char person_uid[80];
	char person_unit[80];
	char provisioning_mode[16];
	time_t effective_t;
	int has_effective;
	int round;			/* provisioning round */
	long long version;		/* requests.version when locked (ETag, If-Match) */
	struct outcome *o;		/* the caller's answer, when a person acts: an
					 * effect that refuses says why in it */
};

/* The system acting on request id (scheduler, queue): t filled for load_txn. */
void txn_init_system(struct txn *t, const struct conf *c, long long request_id);
/* Locks the request (and its person) and reads what the rules need.
 * 1 found, 0 no such request, -1 database error. */
int load_txn(struct txn *t, enum db_status *st, const char **err);

/* ---- the transaction wrapper (engine/txn.c) ---- */

/* The body of a write, inside BEGIN: 0 commit (o holds the answer);
 * 1 roll back and keep o (an idempotent replay, a dry run); -1 roll back and answer
 * the refusal already in o, or else the failure *st with *err. */
typedef int txn_body(void *arg, struct outcome *o, enum db_status *st, const char **err);
void txn_run(struct outcome *o, txn_body *body, void *arg);

/* ---- transitions (engine/transition.c) ---- */

/* Performs one transition (already checked) with its effects and its step. */
enum db_status transition(struct txn *t, const struct wf_transition *tr, const char *note, const char **err);
/* The same, as the service itself: the actor is "system". */
enum db_status transition_as_system(struct txn *t, const struct wf_transition *tr, const char *note, const char **err);
/* Takes the steps the policy makes automatic, as "system". */
enum db_status run_auto_steps(struct txn *t, const char **err);
/* The step's row and its change-log entry. */
enum db_status log_step(struct txn *t, enum wf_action_id action, const char *from, enum wf_state_id to,
			const char *note, const char **err);
/* The transition for action from the request's state; log_panic when the
 * tables lack one the code relies on. */
const struct wf_transition *transition_needed(enum wf_type type, enum wf_state_id from, enum wf_action_id action);

/* ---- what steps change (engine/effects.c) ---- */

/* Person fields changed by a step, with the change logged before/after. */
enum db_status person_update(struct txn *t, const char *what, const char *sql, int nparams,
			     const char *const *params, const char **err);
enum db_status person_set_status(struct txn *t, const char *status, const char **err);

/* Changes the person's grants (grants.h), logged with before and after:
 * what GRANTS_APPLY adds and ends for an access request, an exit's end of
 * everything, a rollback's undo. */
enum grants_change { GRANTS_NONE, GRANTS_APPLY, GRANTS_END_ALL, GRANTS_UNDO };
/* grant and revoke: the items of GRANTS_APPLY (else NULL). */
enum db_status change_grants(struct txn *t, enum grants_change how, json_t *grant, json_t *revoke, const char **err);

/* ---- manual tasks a step opens and waits for (engine/tasks.c) ---- */

enum db_status open_tasks(struct txn *t, const char **err);
/* How many tasks of the request are still open; names: "backup (tim_tech)". */
struct buf;
int open_task_count(long long request_id, struct buf *names, enum db_status *st, const char **err);
/* Inside the caller's transaction (request row locked): when every
 * operation of the request's round is done and no task is open, take the
 * provisioning step's confirm as "system" and move on. No-op otherwise. */
enum db_status engine_round_done(const struct conf *c, long long request_id, int round, const char **err);
/* The queue's done callback (queue_on_done, wired by main.c): the
 * procedures' after-operation hooks, then engine_round_done(). */
struct queue_done;
enum db_status engine_operation_done(const struct conf *c, const struct queue_done *d, const char **err);

/* ---- rules (engine/rules.c) ---- */

/* The first of the caller's roles that the mask allows, for the record. */
const char *acting_role(const struct principal *who, role_mask allowed);
int heads_unit(const struct principal *who, const char *unit);
int sees_everything(const struct principal *who);
int may_see_parts(const struct principal *who, const char *person_uid, const char *person_unit,
		  const char *submitted_by);
int may_act(const struct principal *who, const struct wf_transition *tr, const char *person_uid,
	    const char *submitted_by, const char *submitted_owner, const char **role_r, char why[256]);
int acts_as_head_of_unit(const struct principal *who, const struct wf_transition *tr, const char *role);
/* What the request's progress allows, whoever asks (act.c refuses with
 * 409, views.c leaves the action out of your_actions): a step the plugins
 * take themselves while provisioning is queued; a confirm that must wait
 * for the step's open manual tasks. */
int step_taken_by_plugins(const struct wf_transition *tr, const char *provisioning_mode);
int step_waits_for_tasks(enum wf_action_id action, enum wf_state_id state);
/* A unit head acts only for the people of their own unit. 0 yes, -1 no (o answered). */
int check_unit_head_of(const struct conf *c, const struct principal *who, long long person_id,
		       const char *employee_number, const char *what, struct outcome *o);
/* A position held by one person at a time: 0 free, -1 answered 409 or a database error. */
int check_single_holder(long long person_id, const char *position, struct outcome *o);

/* ---- idempotency (engine/idempotency.c) ---- */

struct idem;
/* 1: a stored answer was replayed into o; 0: the key is claimed for this call; -1: error in o. */
int idem_claim(const struct idem *idem, const char *actor, struct outcome *o);
int idem_store(const struct idem *idem, const char *actor, struct outcome *o);

/* ---- views (engine/views.c) ---- */

extern const char PERSON_COLS[];
json_t *row_object(PGresult *r, int row, int first, int last);
json_t *person_json_by_id(long long person_id, const char **error_r, enum db_status *st);
/* The request as the API shows it. Runs inside or outside a transaction. */
json_t *request_json(long long id, const struct principal *who, enum db_status *st, const char **error_r);
/* The request as the caller may see it, or NULL with o answered (404 when
 * it does not exist or is not theirs to see: existence is not confirmed). */
json_t *visible_request(const struct principal *who, long long id, struct outcome *o);

#endif
