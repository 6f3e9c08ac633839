/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	engine/rules - who may see and do what, for every procedure
 * DESCRIPTION
 *	The rules the procedures share: a person acts in one of their roles
 *	(the first the step allows, for the record), a unit head only for the
 *	people of their unit, nobody on what they submitted (separation of
 *	duties: a token counts as the person who made it).
 */
#include "config.h"
#include "buf.h"
#include "engine/engine.h"
#include "log.h"
#include "text.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first of the caller's roles that the mask allows, for the record. */
const char *acting_role(const struct principal *who, role_mask allowed)
{
	for (int r = 0; r < ROLE_COUNT; r++)
		if ((who->roles & allowed & ROLE_BIT(r)))
			return role_name((enum role)r);
	return NULL;
}

/* The caller heads this unit (their directory entry names it). Units are
 * compared one way everywhere: text_equal_ci(). */
int heads_unit(const struct principal *who, const char *unit)
{
	return who->unit[0] != '\0' && unit != NULL && text_equal_ci(unit, who->unit);
}

/* A unit head acts for their own unit only; one who also holds another role
 * the step allows (the head of TIM heads unit tim) acts in that one. 1 when
 * the person's unit must be the caller's. */
int acts_as_head_of_unit(const struct principal *who, const struct wf_transition *tr, const char *role)
{
	return (tr->rules & WF_UNIT_HEAD_OF_PERSON) && role != NULL && strcmp(role, "unit_head") == 0 &&
	       !(who->roles & tr->roles & ~ROLE_BIT(ROLE_UNIT_HEAD));
}

/* Who may see a request: the offices that run the procedures see all;
 * anyone else only requests about themselves or filed by themselves. */
int sees_everything(const struct principal *who)
{
	role_mask all = ROLE_BIT(ROLE_HR) | ROLE_BIT(ROLE_TIM_HEAD) | ROLE_BIT(ROLE_TIM_LEAD) |
			ROLE_BIT(ROLE_TIM_TECH) | ROLE_BIT(ROLE_AUDITOR) | ROLE_BIT(ROLE_ADMIN);
	return (who->roles & all) != 0;
}

/* Anyone else sees the requests about themselves, those they filed, and,
 * as a unit head, those about the people of their unit (whose access and
 * call codes they ask for and approve). */
int may_see_parts(const struct principal *who, const char *person_uid, const char *person_unit,
			 const char *submitted_by)
{
	char me[160];
	if (sees_everything(who))
		return 1;
	actor_id(who, me);
	return (who->kind == PRINCIPAL_USER && person_uid && strcmp(person_uid, who->subject) == 0) ||
	       (submitted_by && strcmp(submitted_by, me) == 0) ||
	       ((who->roles & ROLE_BIT(ROLE_UNIT_HEAD)) && heads_unit(who, person_unit));
}

int may_act(const struct principal *who, const struct wf_transition *tr, const char *person_uid,
		   const char *submitted_by, const char *submitted_owner, const char **role_r, char why[256])
{
	char me[160];
	actor_id(who, me);
	if (tr->rules & WF_SYSTEM_ONLY) {
		*role_r = NULL;
		snprintf(why, 256, "'%.20s' is taken by the service itself, not by a person", wf_action_name(tr->action));
		return 0;
	}
	*role_r = acting_role(who, tr->roles);
	if (*role_r == NULL && (tr->rules & WF_THE_PERSON) && who->kind == PRINCIPAL_USER &&
	    person_uid != NULL && strcmp(person_uid, who->subject) == 0)
		*role_r = "employee";
	if (*role_r == NULL) {
		char need[200];
		role_mask_format(tr->roles, need, sizeof(need));
		snprintf(why, 256, "'%.20s' here needs the role %.120s%s", wf_action_name(tr->action), need,
			 (tr->rules & WF_THE_PERSON) ? " or to be the person the request is about" : "");
		return 0;
	}
	/* people, not credentials: a token counts as the person who made it */
	if ((tr->rules & WF_NOT_SUBMITTER) &&
	    ((submitted_by != NULL && strcmp(submitted_by, me) == 0) ||
	     (submitted_owner != NULL && strcmp(submitted_owner, who->owner) == 0))) {
		if (strcmp(me, who->owner) == 0)
			snprintf(why, 256, "separation of duties: %.60s submitted this request and cannot %.20s it",
				 me, wf_action_name(tr->action));
		else
			snprintf(why, 256, "separation of duties: %.60s acts for %.60s, who submitted this request "
				 "and cannot %.20s it", me, who->owner, wf_action_name(tr->action));
		*role_r = NULL;
		return 0;
	}
	return 1;
}

/* A unit head acts only for the people of their own unit (the unit on
 * their directory entry, ldap_unit_attr). 0 yes, -1 no (o answered). */
int check_unit_head_of(const struct conf *c, const struct principal *who, long long person_id,
			      const char *employee_number, const char *what, struct outcome *o)
{
	char pid[32];
	snprintf(pid, sizeof(pid), "%lld", person_id);
	const char *params[1] = { pid };
	PGresult *r = db_query_or_fail(o, "person.unit", "SELECT unit FROM people WHERE id = $1::bigint", 1, params);
	if (r == NULL)
		return -1;
	char unit[80];
	snprintf(unit, sizeof(unit), "%s", PQntuples(r) ? PQgetvalue(r, 0, 0) : "");
	PQclear(r);
	if (who->unit[0] == '\0') {
		fail(o, 403, "forbidden", "employee_number", "your directory entry names no unit (%s): "
		     "a unit head %s only for the people of their unit", c->ldap_unit_attr, what);
		return -1;
	}
	/* the same answer whether the person is of another unit or does not
	 * exist at all (person_id 0): nothing about them is told */
	if (person_id == 0 || !heads_unit(who, unit)) {
		fail(o, 403, "forbidden", "employee_number", "as head of unit %s you %s only for the people of "
		     "your unit, and %s is not one of them", who->unit, what, employee_number);
		return -1;
	}
	return 0;
}

/* A position the catalogue says one person holds at a time: refused while
 * someone else holds it or an open hire or transfer is taking someone
 * there (0 free, -1 answered 409 or a database error). */
int check_single_holder(long long person_id, const char *position, struct outcome *o)
{
	char pid[32];
	snprintf(pid, sizeof(pid), "%lld", person_id);
	const char *params[2] = { position, pid };
	PGresult *r = db_query_or_fail(o, "position.holder",
		"SELECT p.employee_number, p.uid, 'holds it' FROM people p WHERE p.position = $1 AND p.status = 'active' "
		"AND p.id <> $2::bigint "
		"UNION ALL SELECT p.employee_number, p.uid, 'is being moved there by request ' || q.id FROM requests q "
		"JOIN people p ON p.id = q.person_id WHERE q.type IN ('hire', 'transfer') AND q.payload->>'position' = $1 "
		"AND q.state NOT IN ('closed', 'cancelled', 'rejected') AND q.person_id <> $2::bigint LIMIT 1",
		2, params);
	if (r == NULL)
		return -1;
	if (PQntuples(r) > 0) {
		fail(o, 409, "conflict", "position", "position %s is held by one person at a time (pvdSingleHolder in the "
		     "catalogue), and %s (%s) %s", position, PQgetvalue(r, 0, 0),
		     PQgetisnull(r, 0, 1) ? "no login yet" : PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2));
		PQclear(r);
		return -1;
	}
	PQclear(r);
	return 0;
}

int step_taken_by_plugins(const struct wf_transition *tr, const char *provisioning_mode)
{
	return (tr->rules & WF_MANUAL_ONLY) && strcmp(provisioning_mode, "manual") != 0;
}

int step_waits_for_tasks(enum wf_action_id action, enum wf_state_id state)
{
	return action == WA_CONFIRM && (state == WS_PROVISIONING || state == WS_DISABLING);
}
