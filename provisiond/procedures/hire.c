/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	procedures/hire - the hire (alta, PR05)
 * DESCRIPTION
 *	HR (AAF) sends the new staff member's data; the head of TIM checks it
 *	or returns it for correction; the technician (or the plugins) creates
 *	the account, groups, access levels, mail user and extension; the person
 *	or TIM verifies it; the technical report is approved; the conclusion
 *	note goes to HR. A rehire is a hire of the same person row: the same
 *	login, uidNumber and mail come back.
 */
#include "config.h"
#include "buf.h"
#include "engine/procedure.h"
#include "changelog.h"
#include "json.h"
#include "log.h"
#include "naming.h"
#include "text.h"
#include "timeparse.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_hire(const struct conf *c, json_t *p, struct person_in *in, struct outcome *o)
{
	static const char *const keys[] = { "employee_number", "national_id", "given_names", "family_names",
		"unit", "position", "contract_type", "start_date", "end_date", "private_email", NULL };
	long sd, ed;

	memset(in, 0, sizeof(*in));
	tidy_spaces(p, "given_names");
	tidy_spaces(p, "family_names");
	if (json_check_keys(p, keys, o) < 0 ||
	    !(in->employee_number = json_get_string(p, "employee_number", 1, 32, o)) ||
	    !(in->national_id = json_get_string(p, "national_id", 1, 32, o)) ||
	    !(in->given_names = json_get_string(p, "given_names", 1, 100, o)) ||
	    !(in->family_names = json_get_string(p, "family_names", 1, 100, o)) ||
	    !(in->unit = json_get_string(p, "unit", 1, 64, o)) ||
	    !(in->position = json_get_string(p, "position", 1, 64, o)) ||
	    !(in->contract_type = json_get_string(p, "contract_type", 1, 16, o)) ||
	    !(in->start_date = json_get_string(p, "start_date", 1, 10, o)))
		return -1;
	in->end_date = json_get_string(p, "end_date", 0, 10, o);
	if (o->code == NULL)
		in->private_email = json_get_string(p, "private_email", 0, 254, o);
	if (o->code != NULL)
		return -1;
	if (in->private_email != NULL && *in->private_email == '\0')
		in->private_email = NULL;
	if (in->private_email != NULL && !mail_address_plausible(in->private_email)) {
		fail(o, 400, "invalid_field", "private_email", "private_email must be one mail address "
		     "(name@domain.example), not '%.80s'", in->private_email);
		return -1;
	}
	if (check_code(o, "employee_number", in->employee_number, "the HR number") < 0 ||
	    check_code(o, "national_id", in->national_id, "the national id") < 0 ||
	    check_name(o, "given_names", in->given_names) < 0 ||
	    check_name(o, "family_names", in->family_names) < 0 ||
	    check_date(o, "start_date", in->start_date, &sd) < 0)
		return -1;
	if (strcmp(in->contract_type, "staff") != 0 && strcmp(in->contract_type, "consultant") != 0) {
		fail(o, 400, "invalid_field", "contract_type", "contract_type must be staff or consultant, not '%s'",
		     in->contract_type);
		return -1;
	}
	if (in->end_date != NULL && *in->end_date == '\0')
		in->end_date = NULL;
	if (in->end_date == NULL && strcmp(in->contract_type, "consultant") == 0) {
		fail(o, 400, "missing_field", "end_date", "a consultant's contract needs an end_date");
		return -1;
	}
	if (in->end_date != NULL) {
		if (check_date(o, "end_date", in->end_date, &ed) < 0)
			return -1;
		if (ed < sd) {
			fail(o, 400, "invalid_field", "end_date", "end_date %s is before start_date %s",
			     in->end_date, in->start_date);
			return -1;
		}
	}
	/* the login must be derivable from the names */
	struct naming_input ni = { in->given_names, in->family_names, in->unit, in->position };
	const char *err = NULL;
	char *login = NULL;
	if (naming_expand(c->login_template, &ni, (size_t)c->login_max_length, &login, &err) < 0) {
		fail(o, 400, "invalid_field", "family_names", "no login can be made from these names: %s", err);
		return -1;
	}
	free(login);
	return 0;
}


/* Sets the first free candidate of base (base, base2, base3, ...) with
 * sql ($1 person id, $2 the value), each try under a savepoint so that a
 * name taken, even by a concurrent allocation, just moves on to the next.
 * suffix (e.g. "@example.org") is appended to every candidate. */
static enum db_status claim_first_free(const char *what, const char *sql, const char *pid,
				       const char *base, size_t max_len, const char *suffix,
				       char **value_r, struct outcome *o)
{
	const char *err = NULL;
	enum db_status st;
	*value_r = NULL;
	for (int n = 1; n <= 999; n++) {
		char *cand = naming_candidate(base, n, max_len);
		char *value = xasprintf("%s%s", cand, suffix);
		free(cand);
		const char *params[2] = { pid, value };
		db_defer("savepoint", "SAVEPOINT alloc", 0, NULL, NULL);
		st = db_exec(what, sql, 2, params, &err);
		if (st == DB_OK) {
			*value_r = value;
			return DB_OK;
		}
		free(value);
		db_exec("rollback to savepoint", "ROLLBACK TO SAVEPOINT alloc", 0, NULL, NULL);
		if (st != DB_CONFLICT) {
			fail_db(o, st, err);
			return st;
		}
		err = NULL;
	}
	fail(o, 409, "conflict", "family_names", "every %s candidate for these names is taken", what);
	return DB_CONFLICT;
}

/* Allocates login, uidNumber and mail for a person that has none yet. */
static enum db_status allocate_identifiers(const struct conf *c, long long person_id,
					   const struct person_in *in, struct outcome *o)
{
	struct naming_input ni = { in->given_names, in->family_names, in->unit, in->position };
	const char *err = NULL;
	char *base = NULL, pid[32], *login = NULL, *mail = NULL;
	enum db_status st;
	snprintf(pid, sizeof(pid), "%lld", person_id);

	if (naming_expand(c->login_template, &ni, (size_t)c->login_max_length, &base, &err) < 0) {
		fail(o, 400, "invalid_field", "family_names", "no login can be made from these names: %s", err);
		return DB_ERROR;
	}
	st = claim_first_free("login",
			      "UPDATE people SET uid = $2, uid_number = nextval('uid_number_seq') WHERE id = $1::bigint",
			      pid, base, (size_t)c->login_max_length, "", &login, o);
	free(base);
	if (st != DB_OK)
		return st;
	char *tmpl = str_replace_all(c->mail_template, "{login}", login);
	int rc = naming_expand(tmpl, &ni, 64, &base, &err);
	free(tmpl);
	free(login);
	if (rc < 0) {
		fail(o, 400, "invalid_field", "family_names", "no mail address can be made: %s", err);
		return DB_ERROR;
	}
	char *domain = xasprintf("@%s", c->mail_domain);
	st = claim_first_free("mail address", "UPDATE people SET mail = $2 WHERE id = $1::bigint",
			      pid, base, 64, domain, &mail, o);
	free(domain);
	free(base);
	free(mail);
	return st;
}

/* The person row of a hire: made with its login, uidNumber and mail, or,
 * for a rehire (or a new try after a cancelled hire), the same row with
 * the new data, so the same identifiers come back. */
static enum db_status hire_prepare(struct txn *t, json_t *payload, const struct person_in *in, int exists,
				   const char **err)
{
	enum db_status st;
	const char *params[11] = { in->employee_number, in->national_id, in->given_names, in->family_names,
				   in->unit, in->position, in->contract_type, in->start_date, in->end_date,
				   in->private_email, NULL };
	(void)payload;
	if (exists) {
		char pid[32];
		snprintf(pid, sizeof(pid), "%lld", t->person_id);
		params[10] = pid;
		return person_update(t, "person.rehire",
			"UPDATE people SET national_id = $2, given_names = $3, family_names = $4, unit = $5, "
			"position = $6, contract_type = $7, start_date = $8::date, end_date = $9::date, "
			"private_mail = $10, updated_at = now() WHERE id = $11::bigint AND employee_number = $1",
			11, params, err);
	}
	PGresult *r = db_query("person.create",
		"INSERT INTO people (employee_number, national_id, given_names, family_names, unit, "
		"position, contract_type, start_date, end_date, private_mail) VALUES ($1, $2, $3, $4, $5, "
		"$6, $7, $8::date, $9::date, $10) RETURNING id::text", 10, params, &st, err);
	if (r == NULL)
		return st;
	t->person_id = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	if ((st = allocate_identifiers(t->conf, t->person_id, in, t->o)) != DB_OK)
		return st;
	json_t *after = person_json_by_id(t->person_id, err, &st);
	if (after == NULL)
		return st == DB_OK ? DB_ERROR : st;
	json_object_del(after, "national_id");
	char obj[80];
	snprintf(obj, sizeof(obj), "person/%s", in->employee_number);
	struct cl_entry e = { t->actor, t->role, 0, in->employee_number, "workflow", "person.create", obj,
			      NULL, after, "ok", NULL };
	st = changelog_append(&e, err);
	json_decref(after);
	return st;
}

/* HR's corrections reach the person row too. */
static enum db_status hire_after_resubmit(struct txn *t, const struct person_in *in, const char **err)
{
	char pid[32];
	snprintf(pid, sizeof(pid), "%lld", t->person_id);
	const char *pp[10] = { pid, in->national_id, in->given_names, in->family_names, in->unit,
			       in->position, in->contract_type, in->start_date, in->end_date, in->private_email };
	return person_update(t, "person.correct",
		"UPDATE people SET national_id = $2, given_names = $3, family_names = $4, unit = $5, "
		"position = $6, contract_type = $7, start_date = $8::date, end_date = $9::date, "
		"private_mail = $10, updated_at = now() WHERE id = $1::bigint", 10, pp, err);
}

static const struct effect hire_effects[] = {
	/* provisioning: steps 4-5: accounts, groups, mail, extension; its undo: the accounts disabled, never deleted */
	EFFECTS_PROVISION(WS_PROVISIONING),
	{ WS_PROVISIONING, WA_CONFIRM, WS_ANY, effect_person_active },
	{ WS_ANY, WA_ANY, WS_CONCLUDED, effect_conclude },	/* step 8: the conclusion note to HR */
	EFFECTS_END
};

const struct procedure hire_procedure = {
	.type = WF_HIRE,
	.code = "PR05",
	.parse = parse_hire,
	.check_catalogue = check_unit_and_position,
	FILED_BY_HR,
	.for_new_person = 1,
	.blocked_by = 1u << WF_HIRE,
	.prepare = hire_prepare,
	.after_resubmit = hire_after_resubmit,
	.conclusion_to_hr = 1,
	.effects = hire_effects,
	.intent = PLUGIN_INTENT_CREATE,
	.undo_intent = PLUGIN_INTENT_DISABLE,
};
