/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	procedures/transfer - a change of unit or position
 * DESCRIPTION
 *	Reviewed like a hire (PR05's shape): the operations work on the person
 *	as they will be, and the person row takes the new unit and position when
 *	the provisioning is confirmed.
 */
#include "config.h"
#include "buf.h"
#include "engine/procedure.h"
#include "json.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_transfer(const struct conf *c, json_t *p, struct person_in *in, struct outcome *o)
{
	static const char *const keys[] = { "employee_number", "unit", "position", "reason", NULL };
	(void)c;
	memset(in, 0, sizeof(*in));
	if (json_check_keys(p, keys, o) < 0 ||
	    !(in->employee_number = json_get_string(p, "employee_number", 1, 32, o)) ||
	    !(in->unit = json_get_string(p, "unit", 1, 64, o)) ||
	    !(in->position = json_get_string(p, "position", 1, 64, o)))
		return -1;
	in->reason = json_get_string(p, "reason", 0, 500, o);
	if (o->code != NULL)
		return -1;
	if (check_code(o, "employee_number", in->employee_number, "the HR number") < 0)
		return -1;
	return 0;
}

/* A transfer's operations work on the person as they will be: the new
 * unit and position from the request. */
static enum db_status with_transfer_target(struct txn *t, json_t *person, int undo, const char **err)
{
	char rid[32];
	enum db_status st;
	if (undo)
		return DB_OK;	/* undone: the person row still holds the old unit and position */
	snprintf(rid, sizeof(rid), "%lld", t->request_id);
	const char *params[1] = { rid };
	PGresult *r = db_query("request.transfer_target",
			       "SELECT payload->>'unit', payload->>'position' FROM requests WHERE id = $1::bigint",
			       1, params, &st, err);
	if (r == NULL)
		return st;
	if (PQntuples(r) == 1) {
		json_object_set_new(person, "unit", json_string(PQgetvalue(r, 0, 0)));
		json_object_set_new(person, "position", json_string(PQgetvalue(r, 0, 1)));
	}
	PQclear(r);
	return DB_OK;
}

/* The technician's confirmation ends the provisioning step: the person
 * row takes the new unit and position. */
static enum db_status transfer_move_person(struct txn *t, const char *note, const char **err)
{
	char pid[32], rid[32];
	(void)note;
	snprintf(pid, sizeof(pid), "%lld", t->person_id);
	snprintf(rid, sizeof(rid), "%lld", t->request_id);
	const char *params[2] = { pid, rid };
	return person_update(t, "person.transfer",
		"UPDATE people SET unit = r.payload->>'unit', position = r.payload->>'position', "
		"updated_at = now() FROM requests r WHERE people.id = $1::bigint AND r.id = $2::bigint",
		2, params, err);
}

/* The dry run shows the person as they will be. */
static json_t *transfer_plan_params(json_t *req, json_t *person)
{
	json_t *pl = json_object_get(req, "payload");
	json_object_set(person, "unit", json_object_get(pl, "unit"));
	json_object_set(person, "position", json_object_get(pl, "position"));
	return NULL;
}

static const struct effect transfer_effects[] = {
	/* provisioning: groups and levels of the new unit and position; its undo: those of the old ones back */
	EFFECTS_PROVISION(WS_PROVISIONING),
	{ WS_PROVISIONING, WA_CONFIRM, WS_ANY, transfer_move_person },
	{ WS_ANY, WA_ANY, WS_CONCLUDED, effect_conclude },
	EFFECTS_END
};

const struct procedure transfer_procedure = {
	.type = WF_TRANSFER,
	.code = "transfer",
	.parse = parse_transfer,
	.check_catalogue = check_unit_and_position,
	FILED_BY_HR,
	.not_active = "there is nothing to disable or move",
	.blocked_by = 1u << WF_HIRE | 1u << WF_EXIT,
	.conclusion_to_hr = 1,
	.effects = transfer_effects,
	.intent = PLUGIN_INTENT_UPDATE,
	.undo_intent = PLUGIN_INTENT_UPDATE,
	.target_person = with_transfer_target,
	.plan_params = transfer_plan_params,
};
