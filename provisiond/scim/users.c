/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	scim/users - the User operations, mapped onto the procedures
 * DESCRIPTION
 *	Every change is filed through requests_create() or requests_act()
 *	as the REST API files it: the same checks, policy, separation of
 *	duties (the token's creator is the actor) and change log. What is
 *	already so files nothing, so a client that sends the same User
 *	again changes nothing. The client's own keys (userName, externalId)
 *	are kept on the person row (schema/sql/0011_scim.sql): they are
 *	how the client finds its Users, not HR data, and no procedure
 *	covers them.
 *
 *	One PATCH or PUT files at most: a rehire (active true for a departed
 *	person), or an exit (active false: now, or at exitAt), or a transfer
 *	(department or position changed) and then an exit scheduled by
 *	exitAt. HR data no procedure changes (names, national id, contract)
 *	is answered 400 mutability when it differs, except in a rehire,
 *	which takes it.
 */
#include "config.h"
#include "scim/users.h"
#include "scim/filter.h"
#include "buf.h"
#include "db.h"
#include "json.h"
#include "log.h"
#include "requests.h"
#include "timeparse.h"
#include "tpool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static int db_fail(struct scim_answer *a, const struct scim_call *call, enum db_status st, const char *err)
{
	struct outcome o;
	memset(&o, 0, sizeof(o));
	fail_db(&o, st, err);
	return scim_fail_outcome(a, call, &o, NULL);
}

static const char *today(void)
{
	char d[16];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(d, sizeof(d), "%Y-%m-%d", &tm);
	return t_strdup(d);
}

static const char *now_rfc3339(void)
{
	char ts[32];
	format_timestamp(time(NULL), ts);
	return t_strdup(ts);
}

/* Another person answers to this userName: 1 (a answered 409), 0 no, -1 error. */
static int user_name_taken(const struct scim_call *call, const char *user_name, const char *except_id,
			   struct scim_answer *a)
{
	const char *params[2] = { user_name, except_id };
	enum db_status st;
	const char *err = NULL;
	PGresult *r = db_query("scim.user_name_taken", "SELECT p.id::text FROM people p WHERE lower("
			       SCIM_USERNAME_SQL ") = lower($1) AND ($2::bigint IS NULL OR p.id <> $2::bigint) LIMIT 1",
			       2, params, &st, &err);
	if (r == NULL)
		return db_fail(a, call, st, err);
	int taken = PQntuples(r) > 0;
	if (taken)
		scim_fail(a, 409, "uniqueness", "userName '%s' is already User %s", user_name, PQgetvalue(r, 0, 0));
	PQclear(r);
	return taken;
}

/* The client's keys on the person row; a userName a concurrent call
 * took first is 409 (the unique index decides). */
static int set_client_keys(const struct scim_call *call, const char *person_id, const char *user_name,
			   const char *external_id, struct scim_answer *a)
{
	const char *params[3] = { person_id, user_name, external_id };
	const char *err = NULL;
	enum db_status st = db_exec("scim.keys", "UPDATE people SET scim_user_name = $2, scim_external_id = $3 "
				    "WHERE id = $1::bigint AND (scim_user_name IS DISTINCT FROM $2 OR "
				    "scim_external_id IS DISTINCT FROM $3)", 3, params, &err);
	if (st == DB_CONFLICT)
		return scim_fail(a, 409, "uniqueness", "userName '%s' was just taken by another User", user_name);
	return st == DB_OK ? 0 : db_fail(a, call, st, err);
}

/* Files one request as the REST API would; 0, or -1 with a answered. */
static int file(const struct scim_call *call, enum wf_type type, json_t *payload, const char *conflict_type,
		struct scim_answer *a)
{
	struct idem idem = { .key = NULL };
	struct outcome o;
	requests_create(call->conf, call->who, type, payload, &idem, &o);
	json_decref(payload);
	if (o.status != 201 || o.body == NULL)
		return scim_fail_outcome(a, call, &o, conflict_type);
	log_info("scim: %s request %lld filed by %s", wf_type_name(type),
		 (long long)json_integer_value(json_object_get(o.body, "id")), call->who->subject);
	json_decref(o.body);
	return 0;
}

static json_t *exit_payload(const char *employee_number, const char *at, const char *why)
{
	return json_pack("{s:s, s:s, s:s}", "employee_number", employee_number, "effective_at",
			 at ? at : now_rfc3339(), "reason", why);
}

/* The person as the answer: status, resource, its version and location. */
static void answer_person(const struct scim_call *call, const char *id, int status, struct scim_answer *a)
{
	PGresult *r;
	if (scim_person_load(call, id, &r, a) <= 0)
		return;
	json_decref(a->body);
	a->body = scim_user_json(r, 0, call->base, a->version, a->location);
	a->status = status;
	PQclear(r);
}

static int required(struct scim_answer *a, const char *v, const char *attr)
{
	if (v == NULL || *v == '\0')
		return scim_fail(a, 400, "invalidValue", "%s is required to create a User (it files a hire)", attr);
	return 0;
}

static void create_user(const struct scim_call *call, const struct scim_user_in *inp, struct scim_answer *a);

/* Two clients creating the same userName at once: the check, the hire
 * and the userName's write are three transactions, so without this the
 * second would file a hire and then get 409. A session advisory lock on
 * the userName (lower case, as it is compared) makes them take turns;
 * the connection's end releases it too. */
void scim_user_create(const struct scim_call *call, json_t *body, struct scim_answer *a)
{
	struct scim_user_in in;
	if (scim_user_parse(body, &in, a) < 0)
		return;
	if (in.user_name == NULL || *in.user_name == '\0') {
		create_user(call, &in, a);	/* answers that it is required */
		return;
	}
	const char *p[1] = { in.user_name };
	enum db_status st;
	const char *err = NULL;
	PGresult *r = db_query("scim.lock_user_name", "SELECT pg_advisory_lock(hashtextextended(lower($1), 17))",
			       1, p, &st, &err);
	if (r == NULL) {
		db_fail(a, call, st, err);
		return;
	}
	PQclear(r);
	create_user(call, &in, a);
	if ((r = db_query("scim.unlock_user_name", "SELECT pg_advisory_unlock(hashtextextended(lower($1), 17))",
			  1, p, &st, &err)) != NULL)
		PQclear(r);
	else
		log_warn("scim: releasing the lock on userName '%s' failed: %s", in.user_name, err ? err : "?");
}

static void create_user(const struct scim_call *call, const struct scim_user_in *inp, struct scim_answer *a)
{
	struct scim_user_in in = *inp;
	const char *position = in.position ? in.position : in.title;
	if (required(a, in.user_name, "userName") < 0 ||
	    required(a, in.employee_number, SCIM_SCHEMA_ENTERPRISE ":employeeNumber") < 0 ||
	    required(a, in.given, "name.givenName") < 0 || required(a, in.family, "name.familyName") < 0 ||
	    required(a, in.national_id, SCIM_SCHEMA_PVD ":nationalId") < 0 ||
	    required(a, in.department, SCIM_SCHEMA_ENTERPRISE ":department") < 0 ||
	    required(a, position, SCIM_SCHEMA_PVD ":position (or title)") < 0)
		return;
	if (in.active == 0) {
		scim_fail(a, 400, "invalidValue", "a User is created by a hire, which makes it active "
				       "when it is provisioned: create it without active false");
		return;
	}
	/* the same person under another userName is another client's User */
	const char *p1[1] = { in.employee_number };
	enum db_status st;
	const char *err = NULL;
	PGresult *r = db_query("scim.by_number", "SELECT id::text, scim_user_name FROM people WHERE employee_number = $1",
			       1, p1, &st, &err);
	if (r == NULL) {
		db_fail(a, call, st, err);
		return;
	}
	char existing[32] = "";
	if (PQntuples(r) == 1) {
		snprintf(existing, sizeof(existing), "%s", PQgetvalue(r, 0, 0));
		if (!PQgetisnull(r, 0, 1) && strcasecmp(PQgetvalue(r, 0, 1), in.user_name) != 0) {
			scim_fail(a, 409, "uniqueness", "employeeNumber %s is already User %s (userName '%s')",
				  in.employee_number, existing, PQgetvalue(r, 0, 1));
			PQclear(r);
			return;
		}
	}
	PQclear(r);
	if (user_name_taken(call, in.user_name, existing[0] ? existing : NULL, a) != 0)
		return;
	json_t *hire = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "employee_number", in.employee_number,
				 "national_id", in.national_id, "given_names", in.given, "family_names", in.family,
				 "unit", in.department, "position", position,
				 "contract_type", in.contract_type ? in.contract_type : "staff",
				 "start_date", in.start_date ? in.start_date : today());
	if (in.contract_end_date != NULL)
		json_object_set_new(hire, "end_date", json_string(in.contract_end_date));
	if (in.home_email != NULL)
		json_object_set_new(hire, "private_email", json_string(in.home_email));
	if (file(call, WF_HIRE, hire, "uniqueness", a) < 0)
		return;
	r = db_query("scim.by_number", "SELECT id::text FROM people WHERE employee_number = $1", 1, p1, &st, &err);
	if (r == NULL || PQntuples(r) != 1) {
		if (r)
			PQclear(r);
		{
			db_fail(a, call, r ? DB_ERROR : st, r ? "the hired person's row is gone" : err);
			return;
		}
	}
	char id[32];
	snprintf(id, sizeof(id), "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	if (set_client_keys(call, id, in.user_name, in.external_id, a) < 0)
		return;
	answer_person(call, id, 201, a);
}

void scim_user_get(const struct scim_call *call, const char *id, const char *attributes, const char *excluded,
		   struct scim_answer *a)
{
	answer_person(call, id, 200, a);
	if (a->status == 200) {
		json_t *p = scim_project(a->body, attributes, excluded);
		json_decref(a->body);
		a->body = p;
	}
}

static int differs(const char *want, const char *have)
{
	return want != NULL && strcmp(want, have) != 0;
}

/* HR data no procedure changes: refused when it differs (not in a rehire). */
static int check_unchanged(const struct scim_user_in *in, PGresult *r, struct scim_answer *a)
{
	static const char why[] = "cannot be changed through SCIM: no procedure of provisiond changes it for a "
				  "person it has (a rehire takes new values)";
	const struct { const char *want; enum scim_col col; const char *attr; } rows[] = {
		{ in->given, SC_GIVEN, "name.givenName" },
		{ in->family, SC_FAMILY, "name.familyName" },
		{ in->national_id, SC_NATIONAL_ID, SCIM_SCHEMA_PVD ":nationalId" },
		{ in->contract_type, SC_CONTRACT, SCIM_SCHEMA_PVD ":contractType" },
		{ in->start_date, SC_START, SCIM_SCHEMA_PVD ":startDate" },
		{ in->contract_end_date, SC_END, SCIM_SCHEMA_PVD ":contractEndDate" },
		{ in->home_email, SC_PRIVATE_MAIL, "emails[type eq \"home\"].value" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (differs(rows[i].want, scim_col(r, 0, rows[i].col)))
			return scim_fail(a, 400, "mutability", "%s %s", rows[i].attr, why);
	return 0;
}

/* The hire of a departed person: their row's data, with what the client sent. */
static json_t *rehire_payload(const struct scim_user_in *in, PGresult *r, const char *unit, const char *position)
{
#define OR_ROW(v, c) ((v) != NULL ? (v) : scim_col(r, 0, c))
	json_t *hire = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
		"employee_number", scim_col(r, 0, SC_EMPLOYEE), "national_id", OR_ROW(in->national_id, SC_NATIONAL_ID),
		"given_names", OR_ROW(in->given, SC_GIVEN), "family_names", OR_ROW(in->family, SC_FAMILY),
		"unit", unit, "position", position, "contract_type", OR_ROW(in->contract_type, SC_CONTRACT),
		"start_date", in->start_date ? in->start_date : today());
#undef OR_ROW
	if (in->contract_end_date != NULL)
		json_object_set_new(hire, "end_date", json_string(in->contract_end_date));
	const char *home = in->home_email ? in->home_email
			   : scim_null(r, 0, SC_PRIVATE_MAIL) ? NULL : scim_col(r, 0, SC_PRIVATE_MAIL);
	if (home != NULL)
		json_object_set_new(hire, "private_email", json_string(home));
	return hire;
}

/* exitAt moved for an exit filed already: reschedule it (HR may, while scheduled). */
static int reschedule(const struct scim_call *call, PGresult *r, const char *at, struct scim_answer *a)
{
	time_t want, have;
	if (parse_timestamp(at, &want) < 0)
		return scim_fail(a, 400, "invalidValue", "%s:exitAt must be an RFC 3339 time with an offset, not '%.40s'",
				 SCIM_SCHEMA_PVD, at);
	if (scim_null(r, 0, SC_EXIT_AT) || (parse_timestamp(scim_col(r, 0, SC_EXIT_AT), &have) == 0 && have == want))
		return 0;
	struct idem idem = { .key = NULL };
	struct outcome o;
	json_t *body = json_pack("{s:s}", "effective_at", at);
	requests_act(call->conf, call->who, atoll(scim_col(r, 0, SC_EXIT_ID)), "reschedule", body, &idem, NULL, &o);
	json_decref(body);
	if (o.status != 200)
		return scim_fail_outcome(a, call, &o, NULL);
	json_decref(o.body);
	return 0;
}

static int apply_changes(const struct scim_call *call, PGresult *r, const struct scim_user_in *in,
			 struct scim_answer *a)
{
	const char *id = scim_col(r, 0, SC_ID), *emp = scim_col(r, 0, SC_EMPLOYEE);
	const char *status = scim_col(r, 0, SC_STATUS);
	int exit_open = !scim_null(r, 0, SC_EXIT_ID);
	if (in->user_name == NULL || *in->user_name == '\0')
		return scim_fail(a, 400, "invalidValue", "userName is required");
	if (differs(in->employee_number, emp))
		return scim_fail(a, 400, "mutability", "%s:employeeNumber is the HR key of User %s (%s): it cannot "
				 "change", SCIM_SCHEMA_ENTERPRISE, id, emp);
	/* the position: the extension's, else title, when either differs */
	const char *cur_unit = scim_col(r, 0, SC_UNIT), *cur_pos = scim_col(r, 0, SC_POSITION);
	const char *unit = in->department && strcasecmp(in->department, cur_unit) != 0 ? in->department : cur_unit;
	const char *pos = in->position && strcasecmp(in->position, cur_pos) != 0 ? in->position
			  : in->title && strcasecmp(in->title, cur_pos) != 0 ? in->title : cur_pos;
	int moved = unit != cur_unit || pos != cur_pos;
	if (moved && !scim_null(r, 0, SC_TRANSFER_UNIT) &&
	    strcasecmp(unit, scim_col(r, 0, SC_TRANSFER_UNIT)) == 0 &&
	    strcasecmp(pos, scim_col(r, 0, SC_TRANSFER_POSITION)) == 0)
		moved = 0;	/* that transfer is filed already */
	int rehire = in->active == 1 && strcmp(status, "disabled") == 0;
	if (!rehire && check_unchanged(in, r, a) < 0)
		return -1;
	if (strcasecmp(in->user_name, scim_col(r, 0, SC_USER_NAME)) != 0 && user_name_taken(call, in->user_name, id, a) != 0)
		return -1;
	if (rehire) {
		if (file(call, WF_HIRE, rehire_payload(in, r, unit, pos), NULL, a) < 0)
			return -1;
	} else if (in->active == 0) {
		/* shown inactive already (pending or disabled), or leaving: nothing to do */
		if (strcmp(status, "active") == 0 && !exit_open &&
		    file(call, WF_EXIT, exit_payload(emp, in->exit_at, "SCIM: the User was made inactive (active false)"),
			 NULL, a) < 0)
			return -1;
	} else {
		if (moved) {
			json_t *tr = json_pack("{s:s, s:s, s:s, s:s}", "employee_number", emp, "unit", unit,
					       "position", pos, "reason", "SCIM: the User's department or position changed");
			if (file(call, WF_TRANSFER, tr, NULL, a) < 0)
				return -1;
		}
		if (in->exit_at != NULL && !exit_open &&
		    file(call, WF_EXIT, exit_payload(emp, in->exit_at, "SCIM: exitAt was set"), NULL, a) < 0)
			return -1;
		if (in->exit_at != NULL && exit_open && reschedule(call, r, in->exit_at, a) < 0)
			return -1;
	}
	return set_client_keys(call, id, in->user_name, in->external_id, a);
}

void scim_user_change(const struct scim_call *call, const char *id, int mode, json_t *body, const char *if_match,
		      struct scim_answer *a)
{
	PGresult *r;
	char version[48], location[256];
	if (scim_person_load(call, id, &r, a) <= 0)
		return;
	json_t *cur = scim_user_json(r, 0, call->base, version, location);
	json_t *want = NULL;
	struct scim_user_in in;
	if (if_match != NULL && !scim_if_match(if_match, version)) {
		scim_fail(a, 412, NULL, "User %s has changed: its version is %s, not %.60s", id, version, if_match);
		goto out;
	}
	if (mode == 'A') {
		want = json_deep_copy(cur);
		json_object_del(want, "meta");
		if (scim_patch_apply(want, body, a) < 0)
			goto out;
	} else
		want = json_incref(body);
	if (scim_user_parse(want, &in, a) < 0 || apply_changes(call, r, &in, a) < 0)
		goto out;
	answer_person(call, id, 200, a);
out:
	json_decref(want);
	json_decref(cur);
	PQclear(r);
}

void scim_user_delete(const struct scim_call *call, const char *id, const char *if_match, struct scim_answer *a)
{
	PGresult *r;
	char version[48], location[256];
	if (scim_person_load(call, id, &r, a) <= 0)
		return;
	json_decref(scim_user_json(r, 0, call->base, version, location));
	if (if_match != NULL && !scim_if_match(if_match, version))
		scim_fail(a, 412, NULL, "User %s has changed: its version is %s, not %.60s", id, version, if_match);
	else if (strcmp(scim_col(r, 0, SC_STATUS), "disabled") == 0 || !scim_null(r, 0, SC_EXIT_ID) ||
		 file(call, WF_EXIT, exit_payload(scim_col(r, 0, SC_EMPLOYEE), NULL,
						  "SCIM: the User was deleted (DELETE never deletes: an exit)"), NULL, a) == 0) {
		json_decref(a->body);
		a->body = NULL;
		a->status = 204;
	}
	PQclear(r);
}

static int number_param(const char *s, const char *name, long min, long max, long *out, struct scim_answer *a)
{
	char *end;
	if (s == NULL)
		return 0;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || strlen(s) > 9)
		return scim_fail(a, 400, "invalidValue", "%s must be a whole number, not '%.20s'", name, s);
	/* RFC 7644 3.4.2.4: out-of-range values are brought into range */
	*out = v < min ? min : v > max ? max : v;
	return 0;
}

void scim_user_list(const struct scim_call *call, const char *filter, const char *start_index, const char *count,
		    const char *attributes, const char *excluded, struct scim_answer *a)
{
	long start = 1, n = SCIM_DEFAULT_COUNT;
	struct scim_sql q;
	const char *err = NULL;
	enum db_status st;
	if (number_param(start_index, "startIndex", 1, 1000000000L, &start, a) < 0 ||
	    number_param(count, "count", 0, SCIM_MAX_COUNT, &n, a) < 0)
		return;
	if (filter != NULL && *filter != '\0') {
		if (utf8_length(filter) < 0) {
			scim_fail(a, 400, "invalidFilter", "the filter is not UTF-8");
			return;
		}
		if (scim_filter_sql(filter, 1, &q, &err) < 0) {
			scim_fail(a, 400, "invalidFilter", "%s", err);
			return;
		}
	} else {
		memset(&q, 0, sizeof(q));
		buf_puts(&q.where, "true");
	}
	const char *params[SCIM_FILTER_MAX_TERMS + 2];
	for (int i = 0; i < q.nparams; i++)
		params[i] = q.params[i];
	char *sql = xasprintf("SELECT count(*) FROM people p WHERE %s", buf_str(&q.where));
	PGresult *r = db_query("scim.users_count", sql, q.nparams, params, &st, &err);
	free(sql);
	if (r == NULL) {
		scim_sql_free(&q);
		{
			db_fail(a, call, st, err);
			return;
		}
	}
	long long total = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	params[q.nparams] = t_printf("%ld", n);
	params[q.nparams + 1] = t_printf("%ld", start - 1);
	sql = xasprintf("%s WHERE %s ORDER BY p.id LIMIT $%d::int OFFSET $%d::int", SCIM_PERSON_SQL, buf_str(&q.where),
			q.nparams + 1, q.nparams + 2);
	r = db_query("scim.users", sql, q.nparams + 2, params, &st, &err);
	free(sql);
	scim_sql_free(&q);
	if (r == NULL) {
		db_fail(a, call, st, err);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < PQntuples(r); i++) {
		char version[48], location[256];
		json_t *u = scim_user_json(r, i, call->base, version, location);
		json_array_append_new(items, scim_project(u, attributes, excluded));
		json_decref(u);
	}
	PQclear(r);
	json_decref(a->body);
	a->status = 200;
	a->body = json_pack("{s:[s], s:I, s:I, s:I, s:o}", "schemas", SCIM_MSG_LIST, "totalResults", (json_int_t)total,
			    "itemsPerPage", (json_int_t)json_array_size(items), "startIndex", (json_int_t)start,
			    "Resources", items);
}
