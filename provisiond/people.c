/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	people - a person as the API shows them, with their requests and access
 */
#include "config.h"
#include "buf.h"
#include "people.h"
#include "engine/engine.h"
#include "grants.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void people_get(const struct principal *who, const char *employee_number, struct outcome *o)
{
	const char *err = NULL;
	enum db_status st;
	memset(o, 0, sizeof(*o));
	const char *params[1] = { employee_number };
	char *sql = xasprintf("SELECT p.id::text, %s, " TS("p.created_at") " AS created_at, "
			      TS("p.updated_at") " AS updated_at FROM people p WHERE p.employee_number = $1",
			      PERSON_COLS);
	PGresult *r = db_query("person.by_number", sql, 1, params, &st, &err);
	free(sql);
	if (r == NULL) {
		fail_db(o, st, err);
		return;
	}
	if (PQntuples(r) != 1) {
		PQclear(r);
		fail(o, 404, "not_found", "employee_number", "no person with employee_number %s", employee_number);
		return;
	}
	json_t *p = row_object(r, 0, 1, PQnfields(r) - 1);
	char pid[32];
	snprintf(pid, sizeof(pid), "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	const char *uid = json_string_value(json_object_get(p, "uid"));
	/* HR, TIM and auditors; the person; the head of their unit */
	if (!may_see_parts(who, uid, json_string_value(json_object_get(p, "unit")), NULL)) {
		json_decref(p);
		fail(o, 404, "not_found", "employee_number", "no person with employee_number %s", employee_number);
		return;
	}
	const char *pp[1] = { pid };
	r = db_query("person.requests",
		     "SELECT id, type, state, " TS("created_at") " AS created_at FROM requests "
		     "WHERE person_id = $1::bigint ORDER BY id DESC", 1, pp, &st, &err);
	if (r == NULL) {
		json_decref(p);
		fail_db(o, st, err);
		return;
	}
	json_t *reqs = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(reqs, json_pack("{s:I, s:s, s:s, s:s}", "id",
			(json_int_t)atoll(PQgetvalue(r, i, 0)), "type", PQgetvalue(r, i, 1),
			"state", PQgetvalue(r, i, 2), "created_at", PQgetvalue(r, i, 3)));
	PQclear(r);
	json_object_set_new(p, "requests", reqs);
	json_t *granted = NULL;
	if ((st = grants_list(atoll(pid), &granted, &err)) != DB_OK) {
		json_decref(p);
		fail_db(o, st, err);
		return;
	}
	json_object_set_new(p, "access_grants", granted);
	o->status = 200;
	o->body = p;
}

void people_list(const struct principal *who, const char *unit, const char *limit_s, const char *cursor,
		 struct outcome *o)
{
	long limit = 50;
	char lim[16];

	memset(o, 0, sizeof(*o));
	int everyone = sees_everything(who);
	if (!everyone) {
		/* a unit head sees their own unit's people, no other's */
		if (!(who->roles & ROLE_BIT(ROLE_UNIT_HEAD)) || who->unit[0] == '\0') {
			fail(o, 403, "forbidden", NULL, "only HR, TIM, auditors and unit heads list people");
			return;
		}
		if (unit == NULL)
			unit = who->unit;
		else if (!heads_unit(who, unit)) {
			fail(o, 403, "forbidden", "unit", "%s heads unit %s, not %s", who->subject, who->unit, unit);
			return;
		}
	}
	if (limit_s != NULL) {
		char *end;
		limit = strtol(limit_s, &end, 10);
		if (*limit_s == '\0' || *end != '\0' || limit < 1 || limit > 200) {
			fail(o, 400, "invalid_field", "limit", "limit must be a number from 1 to 200, not '%s'", limit_s);
			return;
		}
	}
	if (cursor != NULL) {
		size_t n = strlen(cursor);
		if (n == 0 || n > 18 || strspn(cursor, "0123456789") != n) {
			fail(o, 400, "invalid_field", "cursor", "cursor '%s' is not one this API gave", cursor);
			return;
		}
	}
	snprintf(lim, sizeof(lim), "%ld", limit + 1);
	const char *params[3] = { unit, cursor, lim };
	char *sql = xasprintf("SELECT p.id::text, %s, " TS("p.created_at") " AS created_at, "
			      TS("p.updated_at") " AS updated_at FROM people p "
			      "WHERE ($1::text IS NULL OR lower(p.unit) = lower(regexp_replace(btrim($1), ' +', ' ', 'g'))) "
			      "AND ($2::bigint IS NULL OR p.id > $2::bigint) ORDER BY p.id LIMIT $3::int", PERSON_COLS);
	PGresult *r = db_query_or_fail(o, "person.list", sql, 3, params);
	free(sql);
	if (r == NULL)
		return;
	json_t *items = json_array();
	int n = PQntuples(r);
	for (int i = 0; i < n && i < limit; i++) {
		json_t *p = row_object(r, i, 1, PQnfields(r) - 1);
		if (!everyone)
			json_object_del(p, "national_id");	/* not a unit head's to know */
		json_array_append_new(items, p);
	}
	json_t *next = n > limit ? json_string(PQgetvalue(r, (int)limit - 1, 0)) : json_null();
	PQclear(r);
	o->status = 200;
	o->body = json_pack("{s:o, s:o}", "items", items, "next_cursor", next);
}

enum db_status people_number_of(const char *uid, char out[64], const char **error_r)
{
	enum db_status st;
	const char *params[1] = { uid };
	out[0] = '\0';
	PGresult *r = db_query("person.number_of", "SELECT employee_number FROM people WHERE uid = $1", 1, params,
			       &st, error_r);
	if (r == NULL)
		return st;
	if (PQntuples(r) == 1)
		snprintf(out, 64, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return DB_OK;
}
