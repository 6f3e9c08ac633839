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
	if (!sees_everything(who) && !(who->kind == PRINCIPAL_USER && uid && strcmp(uid, who->subject) == 0)) {
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
