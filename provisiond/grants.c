/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	grants - the access a person holds because a request granted it (see grants.h)
 */
#include "config.h"
#include "grants.h"
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ID(buf, v) snprintf(buf, sizeof(buf), "%lld", v)

/* Rows (kind, name) into {"levels": [...], "groups": [...]}. */
static json_t *split(PGresult *r)
{
	json_t *levels = json_array(), *groups = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(strcmp(PQgetvalue(r, i, 0), "level") == 0 ? levels : groups,
				      json_string(PQgetvalue(r, i, 1)));
	return json_pack("{s:o, s:o}", "levels", levels, "groups", groups);
}

enum db_status grants_snapshot(long long person_id, json_t **snap_r, const char **error_r)
{
	char pid[32];
	enum db_status st;
	ID(pid, person_id);
	const char *p[1] = { pid };
	PGresult *r = db_query("grants.snapshot",
			       "SELECT kind, name FROM access_grants WHERE person_id = $1::bigint "
			       "AND revoked_at IS NULL ORDER BY access_grants.kind, access_grants.name",
			       1, p, &st, error_r);
	if (r == NULL)
		return st;
	*snap_r = split(r);
	PQclear(r);
	return DB_OK;
}

enum db_status grants_list(long long person_id, json_t **list_r, const char **error_r)
{
	char pid[32];
	enum db_status st;
	ID(pid, person_id);
	const char *p[1] = { pid };
	PGresult *r = db_query("grants.list",
		"SELECT kind, name, granted_request_id::text, "
		"to_char(granted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM access_grants "
		"WHERE person_id = $1::bigint AND revoked_at IS NULL ORDER BY access_grants.kind, access_grants.name",
		1, p, &st, error_r);
	if (r == NULL)
		return st;
	json_t *list = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:I, s:s}", "kind", PQgetvalue(r, i, 0),
						      "name", PQgetvalue(r, i, 1), "request_id",
						      (json_int_t)atoll(PQgetvalue(r, i, 2)), "granted_at",
						      PQgetvalue(r, i, 3)));
	PQclear(r);
	*list_r = list;
	return DB_OK;
}

int grants_held(long long person_id, const char *kind, const char *name, enum db_status *st, const char **error_r)
{
	char pid[32];
	ID(pid, person_id);
	const char *p[3] = { pid, kind, name };
	PGresult *r = db_query("grants.held",
			       "SELECT 1 FROM access_grants WHERE person_id = $1::bigint AND kind = $2 AND name = $3 "
			       "AND revoked_at IS NULL", 3, p, st, error_r);
	if (r == NULL)
		return -1;
	int held = PQntuples(r) > 0;
	PQclear(r);
	return held;
}

enum db_status grants_apply(long long person_id, long long request_id, json_t *grant, json_t *revoke,
			    const char **error_r)
{
	char pid[32], rid[32];
	enum db_status st;
	ID(pid, person_id);
	ID(rid, request_id);
	char *g = json_dumps(grant, JSON_COMPACT), *v = json_dumps(revoke, JSON_COMPACT);
	const char *pg[3] = { pid, rid, g };
	st = db_exec("grants.grant",
		     "INSERT INTO access_grants (person_id, kind, name, granted_request_id) "
		     "SELECT DISTINCT $1::bigint, e->>'kind', e->>'name', $2::bigint "
		     "FROM jsonb_array_elements($3::jsonb) e "
		     "ON CONFLICT (person_id, kind, name) WHERE revoked_at IS NULL DO NOTHING", 3, pg, error_r);
	if (st == DB_OK) {
		const char *pv[3] = { pid, rid, v };
		st = db_exec("grants.revoke",
			     "UPDATE access_grants SET revoked_at = now(), revoked_request_id = $2::bigint "
			     "WHERE person_id = $1::bigint AND revoked_at IS NULL AND (kind, name) IN "
			     "(SELECT e->>'kind', e->>'name' FROM jsonb_array_elements($3::jsonb) e)", 3, pv, error_r);
	}
	free(g);
	free(v);
	return st;
}

enum db_status grants_end_all(long long person_id, long long request_id, const char **error_r)
{
	char pid[32], rid[32];
	ID(pid, person_id);
	ID(rid, request_id);
	const char *p[2] = { pid, rid };
	return db_exec("grants.end_all",
		       "UPDATE access_grants SET revoked_at = now(), revoked_request_id = $2::bigint "
		       "WHERE person_id = $1::bigint AND revoked_at IS NULL", 2, p, error_r);
}

enum db_status grants_undo(long long person_id, long long request_id, const char **error_r)
{
	char pid[32], rid[32];
	ID(pid, person_id);
	ID(rid, request_id);
	const char *p[2] = { pid, rid };
	/* first give back what the request ended (unless held again since),
	 * then end what it granted: the other order would give those back too */
	enum db_status st = db_exec("grants.undo_revoke",
		"UPDATE access_grants a SET revoked_at = NULL, revoked_request_id = NULL "
		"WHERE a.person_id = $1::bigint AND a.revoked_request_id = $2::bigint "
		"AND a.granted_request_id <> $2::bigint AND NOT EXISTS (SELECT 1 FROM access_grants b "
		"WHERE b.person_id = a.person_id AND b.kind = a.kind AND b.name = a.name AND b.revoked_at IS NULL)",
		2, p, error_r);
	if (st != DB_OK)
		return st;
	return db_exec("grants.undo_grant",
		       "UPDATE access_grants SET revoked_at = now(), revoked_request_id = $2::bigint "
		       "WHERE person_id = $1::bigint AND granted_request_id = $2::bigint AND revoked_at IS NULL",
		       2, p, error_r);
}

enum db_status grants_params(long long person_id, long long request_id, json_t **params_r, const char **error_r)
{
	char pid[32], rid[32];
	enum db_status st;
	json_t *params;
	if ((st = grants_snapshot(person_id, &params, error_r)) != DB_OK)
		return st;
	ID(pid, person_id);
	ID(rid, request_id);
	const char *p[2] = { pid, rid };
	PGresult *r = db_query("grants.revoked_by",
		"SELECT DISTINCT a.kind, a.name FROM access_grants a WHERE a.person_id = $1::bigint "
		"AND a.revoked_request_id = $2::bigint AND NOT EXISTS (SELECT 1 FROM access_grants b "
		"WHERE b.person_id = a.person_id AND b.kind = a.kind AND b.name = a.name AND b.revoked_at IS NULL) "
		"ORDER BY a.kind, a.name", 2, p, &st, error_r);
	if (r == NULL) {
		json_decref(params);
		return st;
	}
	json_t *gone = split(r);
	PQclear(r);
	json_object_set(params, "revoke_levels", json_object_get(gone, "levels"));
	json_object_set(params, "revoke_groups", json_object_get(gone, "groups"));
	json_decref(gone);
	*params_r = params;
	return DB_OK;
}
