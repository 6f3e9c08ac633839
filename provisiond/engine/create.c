/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	engine/create - filing a request of any procedure
 * DESCRIPTION
 *	The generic part of filing: the body checked by the procedure, the
 *	person locked, who may file asked before anything about the person is
 *	told, the open requests that block it, then the request row, its
 *	"submit" step and the steps the policy makes automatic.
 */
#include "config.h"
#include "buf.h"
#include "engine/engine.h"
#include "engine/procedure.h"
#include "requests.h"
#include "changelog.h"
#include "log.h"
#include "timeparse.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Why a person cannot get a new request of this type now: an open one
 * of the same type, or of a type the procedure says blocks it. 0 none,
 * -1 answered (409 or a database error). */
static int open_request_conflict(long long person_id, enum wf_type type, struct outcome *o,
				 const char *employee_number)
{
	char pid[32];
	snprintf(pid, sizeof(pid), "%lld", person_id);
	const char *params[1] = { pid };
	PGresult *r = db_query_or_fail(o, "request.open",
			       "SELECT id::text, type, state FROM requests WHERE person_id = $1::bigint "
			       "AND state NOT IN ('closed', 'cancelled', 'rejected') ORDER BY requests.id",
			       1, params);
	if (r == NULL)
		return -1;
	unsigned blocked_by = procedure_of(type)->blocked_by;
	for (int i = 0; i < PQntuples(r); i++) {
		const char *rt = PQgetvalue(r, i, 1);
		enum wf_type open_type;
		if (wf_type_parse(rt, &open_type) < 0)
			continue;
		if (open_type == type) {
			fail(o, 409, "conflict", "employee_number",
			     "%s already has an open %s request (%s, state %s)", employee_number, rt,
			     PQgetvalue(r, i, 0), PQgetvalue(r, i, 2));
			PQclear(r);
			return -1;
		}
		/* Documented choice: an exit or transfer is refused while a hire
		 * is open, instead of silently cancelling it. */
		if (blocked_by & (1u << open_type)) {
			fail(o, 409, "conflict", "employee_number",
			     "%s has an open %s request (%s, state %s): finish or cancel it first",
			     employee_number, rt, PQgetvalue(r, i, 0), PQgetvalue(r, i, 2));
			PQclear(r);
			return -1;
		}
	}
	PQclear(r);
	return 0;
}

struct create_call {
	const struct idem *idem;
	json_t *payload;
	struct person_in in;
	int single;
	int dry_run;		/* requests_validate: everything, then roll back */
	struct txn t;
};

static int create_body(void *arg, struct outcome *o, enum db_status *st, const char **err)
{
	struct create_call *cc = arg;
	struct txn *t = &cc->t;
	const struct procedure *p = t->proc;
	const struct person_in *in = &cc->in;
	PGresult *r;

	if (idem_claim(cc->idem, t->actor, o) != 0)
		return 1;
	const char *p1[1] = { in->employee_number };
	r = db_query("person.lock", "SELECT id::text, status, uid FROM people WHERE employee_number = $1 FOR UPDATE",
		     1, p1, st, err);
	if (r == NULL)
		return -1;
	int exists = PQntuples(r) == 1;
	char status[16] = "";
	if (exists) {
		t->person_id = atoll(PQgetvalue(r, 0, 0));
		snprintf(status, sizeof(status), "%s", PQgetvalue(r, 0, 1));
		snprintf(t->person_uid, sizeof(t->person_uid), "%s", PQgetvalue(r, 0, 2));
	}
	PQclear(r);

	/* who may file comes first: a caller who may not gets the same
	 * answer whether or not the person exists, and learns nothing of
	 * their status or open requests */
	if (p->may_file != NULL && p->may_file(t, in, o) < 0)
		return -1;
	if (!p->for_new_person) {
		if (!exists) {
			fail(o, 404, "not_found", "employee_number", "no person with employee_number %s",
			     in->employee_number);
			return -1;
		}
		if (strcmp(status, "active") != 0) {
			fail(o, 409, "conflict", "employee_number", "%s is %s, not active: %s", in->employee_number,
			     status, strcmp(status, "disabled") != 0 ? "the hire has not been provisioned yet"
			     : p->not_active);
			return -1;
		}
	} else if (exists && strcmp(status, "active") == 0) {
		fail(o, 409, "conflict", "employee_number", "%s is already active: a hire needs an exit first",
		     in->employee_number);
		return -1;
	}
	if (exists && open_request_conflict(t->person_id, t->type, o, in->employee_number) < 0)
		return -1;
	if (p->check_rules != NULL && p->check_rules(t, cc->payload, in, o) < 0)
		return -1;
	if (cc->single && check_single_holder(exists ? t->person_id : 0, in->position, o) < 0)
		return -1;
	if (p->prepare != NULL && (*st = p->prepare(t, cc->payload, in, exists, err)) != DB_OK)
		return -1;

	/* the request itself */
	char pid[32], eff[32];
	snprintf(pid, sizeof(pid), "%lld", t->person_id);
	/* the private address is personal data, kept on the person only */
	json_object_del(cc->payload, "private_email");
	char *pl = json_dumps(cc->payload, JSON_COMPACT | JSON_SORT_KEYS);
	if (in->effective_at != NULL) {
		format_timestamp(in->effective_t, eff);
		t->effective_t = in->effective_t;
		t->has_effective = 1;
	}
	const char *params[8] = { wf_type_name(t->type), pid, pl, t->has_effective ? eff : NULL,
				  t->actor, t->role, t->who->mail, t->who->owner };
	r = db_query("request.create",
		     "INSERT INTO requests (type, state, person_id, payload, effective_at, submitted_by, "
		     "submitted_role, notify_mails, submitted_owner) VALUES ($1, 'submitted', $2::bigint, $3::jsonb, "
		     "$4::timestamptz, $5, $6, CASE WHEN $7 = '' THEN '{}'::text[] ELSE ARRAY[$7] END, $8) "
		     "RETURNING id::text", 8, params, st, err);
	free(pl);
	if (r == NULL)
		return -1;
	t->request_id = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	snprintf(t->submitted_by, sizeof(t->submitted_by), "%s", t->actor);
	snprintf(t->submitted_owner, sizeof(t->submitted_owner), "%s", t->who->owner);
	t->state = WS_SUBMITTED;
	if ((*st = log_step(t, WA_SUBMIT, NULL, WS_SUBMITTED, NULL, err)) != DB_OK)
		return -1;
	if (p->after_submit != NULL && (*st = p->after_submit(t, in, err)) != DB_OK)
		return -1;
	if ((*st = run_auto_steps(t, err)) != DB_OK)
		return -1;
	o->body = request_json(t->request_id, t->who, st, err);
	if (o->body == NULL)
		return -1;
	o->status = 201;
	if (cc->dry_run) {
		/* every check and write ran; a deferred write that fails must
		 * refuse here too, so they are flushed before all is rolled
		 * back (txn_run's 1). The id and version were never filed. */
		if ((*st = db_exec("dry_run.flush", "SELECT 1", 0, NULL, err)) != DB_OK)
			return -1;
		json_object_del(o->body, "id");
		json_object_del(o->body, "version");
		return 1;
	}
	return idem_store(cc->idem, t->actor, o) < 0 ? -1 : 0;
}

static void file_request(const struct conf *c, const struct principal *who, enum wf_type type,
			 json_t *payload, const struct idem *idem, int dry_run, struct outcome *o)
{
	struct create_call cc = { .idem = idem, .payload = payload, .dry_run = dry_run };
	struct txn *t = &cc.t;
	const struct procedure *p = procedure_of(type);

	memset(o, 0, sizeof(*o));
	if (p->parse(c, payload, &cc.in, o) < 0 ||
	    (p->check_catalogue != NULL && p->check_catalogue(c, payload, &cc.in, &cc.single, o) < 0))
		return;
	t->conf = c;
	t->who = who;
	t->o = o;
	t->type = type;
	t->proc = p;
	actor_id(who, t->actor);
	/* the office first: TIM staff who also head unit tim file an access
	 * request as TIM, which may ask for anyone */
	t->role = acting_role(who, p->filer_roles[0]);
	if (t->role == NULL)
		t->role = acting_role(who, p->filer_roles[1]);
	if (t->role == NULL)
		t->role = p->filer_default;
	snprintf(t->employee_number, sizeof(t->employee_number), "%s", cc.in.employee_number);
	txn_run(o, create_body, &cc);
	if (!dry_run && o->status == 201 && o->code == NULL && t->request_id != 0)
		log_info("%s request %lld submitted for %s by %s", wf_type_name(type), t->request_id,
			 cc.in.employee_number, t->actor);
}

void requests_create(const struct conf *c, const struct principal *who, enum wf_type type,
		     json_t *payload, const struct idem *idem, struct outcome *o)
{
	file_request(c, who, type, payload, idem, 0, o);
}

void requests_validate(const struct conf *c, const struct principal *who, enum wf_type type,
		       json_t *payload, struct outcome *o)
{
	file_request(c, who, type, payload, NULL, 1, o);
}
