/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	engine/procedure - what a procedure of the institution tells the engine
 * DESCRIPTION
 *	One file per procedure in procedures/ (hire.c is PR05, exit.c PR06,
 *	transfer.c, access.c, callcode.c PR01) fills one struct procedure:
 *	how its body is checked, who may file it, what each of its states
 *	does on entry (the effects table) and which intents it sends to the
 *	plugins. The states and transitions themselves are rows in
 *	workflow.c. The engine (engine/) calls only this interface, the way
 *	Dovecot calls a storage driver: adding a procedure is a new file, a
 *	row in workflow.c and a line in procedures/registry.c.
 *	Optional members may be NULL.
 */
#ifndef PVD_ENGINE_PROCEDURE_H
#define PVD_ENGINE_PROCEDURE_H

#include <jansson.h>
#include "engine/engine.h"
#include "procedures/common.h"
#include "provision.h"
#include "queue.h"

/* What entering a state does, besides the state itself: every row whose
 * from, action and to match (WS_ANY, WA_ANY match all) runs, in order. */
struct effect {
	enum wf_state_id from;
	enum wf_action_id action;
	enum wf_state_id to;
	enum db_status (*run)(struct txn *t, const char *note, const char **err);
};

/* The rows every procedure's table starts with: entering its provisioning
 * step (state) hands the work to the plugins or the technician, a rollback
 * undoes it. The table ends with EFFECTS_END. */
#define EFFECTS_PROVISION(state) \
	{ WS_ANY, WA_ANY, (state), effect_provision }, \
	{ WS_ANY, WA_ANY, WS_ROLLING_BACK, effect_rollback }
#define EFFECTS_END { 0, 0, 0, NULL }

/* HR files it (PR05, PR06), or the head of TIM or an admin for them. */
#define FILED_BY_HR \
	.filer_roles = { ROLE_BIT(ROLE_HR) | ROLE_BIT(ROLE_TIM_HEAD) | ROLE_BIT(ROLE_ADMIN), 0 }, \
	.filer_default = "hr"

struct procedure {
	enum wf_type type;
	const char *code;		/* the institution's name: "PR05" */

	/* the body's own checks (no directory, no database): 0 or -1, o answered */
	int (*parse)(const struct conf *c, json_t *payload, struct person_in *in, struct outcome *o);
	/* the checks against the directory's catalogue (400 or 503) */
	int (*check_catalogue)(const struct conf *c, json_t *payload, struct person_in *in, int *single_r,
			       struct outcome *o);

	/* filing: the role the filer acts in, the first of filer_roles[0],
	 * then filer_roles[1], the caller holds, else filer_default */
	role_mask filer_roles[2];
	const char *filer_default;
	/* who may file for this person (person_id 0: there is none); asked
	 * before anything else about the person is told; may set t->role */
	int (*may_file)(struct txn *t, const struct person_in *in, struct outcome *o);
	int for_new_person;		/* filed for someone not active (a hire) */
	const char *not_active;		/* why an inactive person cannot have one */
	unsigned blocked_by;		/* open requests of these types (1 << type) refuse it */
	/* rules once the person is known (the person row is locked) */
	int (*check_rules)(struct txn *t, json_t *payload, const struct person_in *in, struct outcome *o);
	/* before the request row is written: the person row made or changed */
	enum db_status (*prepare)(struct txn *t, json_t *payload, const struct person_in *in, int exists,
				  const char **err);
	/* steps taken at filing, after "submit" */
	enum db_status (*after_submit)(struct txn *t, const struct person_in *in, const char **err);

	/* acting: the state a transition really leads to (an exit due now
	 * skips "scheduled"); what an action carries besides the state */
	enum wf_state_id (*next_state)(const struct txn *t, const struct wf_transition *tr);
	int (*check_resubmit)(struct txn *t, json_t *data, const struct person_in *in, struct outcome *o);
	enum db_status (*after_resubmit)(struct txn *t, const struct person_in *in, const char **err);
	int (*action_data)(struct txn *t, enum wf_action_id action, json_t *body, struct outcome *o,
			   enum db_status *st, const char **err);

	/* the conclusion note goes to HR (notify_hr) rather than to whoever
	 * filed and approved it */
	int conclusion_to_hr;

	/* what its states do on entry */
	const struct effect *effects;
	/* provisioning: the intent sent to the plugins, and its undo */
	enum plugin_intent intent, undo_intent;
	enum grants_change grants_on_provision;	/* GRANTS_END_ALL: an exit */
	/* what the request grants and revokes (an access request), applied
	 * when provisioning begins */
	enum db_status (*grant_items)(struct txn *t, json_t **grant_r, json_t **revoke_r, const char **err);
	/* the person as the operations see them (a transfer: the new unit) */
	enum db_status (*target_person)(struct txn *t, json_t *person, int undo, const char **err);
	/* the operations' parameters (default: the person's granted access) */
	enum db_status (*op_params)(struct txn *t, int undo, json_t **params_r, const char **err);
	/* the dry run's parameters, from the request as the API shows it */
	json_t *(*plan_params)(json_t *req, json_t *person);
	/* after any operation the queue finished (inside its transaction) */
	enum db_status (*after_operation)(const struct queue_done *d, const char **err);
};

/* The engine's registry (engine/registry.c). procedure_of() never
 * answers NULL: a type with no procedure is log_panic(). */
void procedure_register(const struct procedure *p);
const struct procedure *procedure_of(enum wf_type t);

/* Effects every procedure uses (engine/effects.c). */
enum db_status effect_provision(struct txn *t, const char *note, const char **err);
enum db_status effect_rollback(struct txn *t, const char *note, const char **err);
enum db_status effect_conclude(struct txn *t, const char *note, const char **err);
enum db_status effect_person_active(struct txn *t, const char *note, const char **err);	/* a hire's accounts made */
enum db_status effect_person_disabled(struct txn *t, const char *note, const char **err);	/* an exit's disabled */

#endif
