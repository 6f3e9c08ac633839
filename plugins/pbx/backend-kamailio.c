/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	backend-kamailio - the pbx plugin's SQL for Kamailio (kamailio.sql)
 * DESCRIPTION
 *	The plugin writes two tables, pvd_extension and pvd_call_code; the
 *	routing script (contrib/kamailio/kamailio.cfg.in) reads two views of
 *	them: pvd_subscriber (auth_db's subscriber columns, enabled extensions
 *	only) and pvd_active_call_code (enabled codes of enabled extensions).
 *	So "disabled" needs no statement of its own beyond enabled = false,
 *	and Kamailio's own tables (location, version) are left to Kamailio.
 *
 *	Every statement is parameterized. Numbers are compared as text in the
 *	"C" collation: within one range they all have the same length, so
 *	text order is numeric order whatever the database's locale.
 *
 *	An Asterisk (PJSIP realtime) backend would be another file with the
 *	same functions writing ps_endpoints (context = the level's context,
 *	callerid), ps_auths (auth_type md5, md5_cred = the ha1 given here) and
 *	ps_aors, plus a code table the dialplan reads; see the README.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pbx.h"

static enum pvd_status kam_check(struct pbx_db *db, char *msg, size_t size)
{
	static const char *const objects[] = { "pvd_extension", "pvd_call_code", "pvd_subscriber",
					       "pvd_active_call_code" };
	struct pvd_result res;
	memset(&res, 0, sizeof(res));
	PGresult *r = pbx_sql(db, &res, "looking for the pbx tables",
			      "SELECT to_regclass('pvd_extension') IS NOT NULL, to_regclass('pvd_call_code') IS NOT NULL, "
			      "to_regclass('pvd_subscriber') IS NOT NULL, to_regclass('pvd_active_call_code') IS NOT NULL",
			      0, NULL);
	if (r == NULL) {
		snprintf(msg, size, "%s", res.message);
		return res.status;
	}
	for (int i = 0; i < 4; i++) {
		if (PQgetvalue(r, 0, i)[0] != 't') {
			snprintf(msg, size, "%s missing: %s", objects[i], db->schema_hint);
			PQclear(r);
			return PVD_CONFIG;
		}
	}
	PQclear(r);
	snprintf(msg, size, "connected; pvd_extension, pvd_call_code and their views are there");
	return PVD_OK;
}

static int kam_lock_numbers(struct pbx_db *db, struct pvd_result *res)
{
	/* SHARE ROW EXCLUSIVE conflicts with itself and with writers, not
	 * with readers: Kamailio goes on authenticating meanwhile */
	return pbx_sql_do(db, res, "LOCK TABLE pvd_extension", "LOCK TABLE pvd_extension IN SHARE ROW EXCLUSIVE MODE",
			  0, NULL);
}

static void copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src);
}

static int kam_get(struct pbx_db *db, const char *owner, int lock, struct pbx_ext *e, struct pvd_result *res)
{
	const char *p[1] = { owner };
	PGresult *r = pbx_sql(db, res, "reading the extension",
			      lock ? "SELECT e.extension, e.realm, e.caller_id, e.level, e.enabled, coalesce(e.password_op, -1), "
				     "coalesce(c.enabled, false), coalesce(c.level, '') FROM pvd_extension e "
				     "LEFT JOIN pvd_call_code c ON c.owner = e.owner WHERE e.owner = $1 FOR UPDATE OF e"
				   : "SELECT e.extension, e.realm, e.caller_id, e.level, e.enabled, coalesce(e.password_op, -1), "
				     "coalesce(c.enabled, false), coalesce(c.level, '') FROM pvd_extension e "
				     "LEFT JOIN pvd_call_code c ON c.owner = e.owner WHERE e.owner = $1",
			      1, p);
	if (r == NULL)
		return -1;
	int found = PQntuples(r) > 0;
	memset(e, 0, sizeof(*e));
	if (found) {
		copy(e->extension, sizeof(e->extension), PQgetvalue(r, 0, 0));
		copy(e->realm, sizeof(e->realm), PQgetvalue(r, 0, 1));
		copy(e->caller_id, sizeof(e->caller_id), PQgetvalue(r, 0, 2));
		copy(e->level, sizeof(e->level), PQgetvalue(r, 0, 3));
		e->enabled = PQgetvalue(r, 0, 4)[0] == 't';
		e->password_op = strtoll(PQgetvalue(r, 0, 5), NULL, 10);
		e->code_active = PQgetvalue(r, 0, 6)[0] == 't';
		copy(e->code_level, sizeof(e->code_level), PQgetvalue(r, 0, 7));
	}
	PQclear(r);
	return found;
}

static int kam_assigned(struct pbx_db *db, const char *first, const char *last, char ***nums_r, int *n_r,
			struct pvd_result *res)
{
	const char *p[2] = { first, last };
	PGresult *r = pbx_sql(db, res, "listing the assigned extensions",
			      "SELECT extension FROM pvd_extension WHERE length(extension) = length($1) "
			      "AND extension COLLATE \"C\" BETWEEN $1 AND $2 ORDER BY extension COLLATE \"C\"",
			      2, p);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	char **list = calloc((size_t)n + 1, sizeof(char *));
	for (int i = 0; list != NULL && i < n; i++)
		list[i] = strdup(PQgetvalue(r, i, 0));
	PQclear(r);
	for (int i = 0; list != NULL && i < n; i++)
		if (list[i] == NULL) {
			pbx_free_list(list, n);
			list = NULL;
		}
	if (list == NULL) {
		pbx_set(res, PVD_RETRY, "listing the assigned extensions failed: out of memory");
		return -1;
	}
	*nums_r = list;
	*n_r = n;
	return 0;
}

static int kam_insert(struct pbx_db *db, const char *owner, const struct pbx_ext *e, const struct pbx_cred *cred,
		      struct pvd_result *res)
{
	char rank[8], op[24];
	snprintf(rank, sizeof(rank), "%d", pbx_level_rank(e->level));
	snprintf(op, sizeof(op), "%lld", cred->op_id);
	const char *p[10] = { e->extension, owner, e->realm, e->caller_id, e->level, rank, cred->ha1, cred->ha1b,
			      e->enabled ? "true" : "false", op };
	return pbx_sql_do(db, res, "INSERT INTO pvd_extension",
			  "INSERT INTO pvd_extension (extension, owner, realm, caller_id, level, level_rank, ha1, ha1b, "
			  "enabled, password_op) VALUES ($1, $2, $3, $4, $5, $6::integer, $7, $8, $9::boolean, $10::bigint)",
			  10, p);
}

static int kam_update(struct pbx_db *db, const char *owner, const struct pbx_ext *e, struct pvd_result *res)
{
	char rank[8];
	snprintf(rank, sizeof(rank), "%d", pbx_level_rank(e->level));
	const char *p[5] = { owner, e->caller_id, e->level, rank, e->enabled ? "true" : "false" };
	return pbx_sql_do(db, res, "UPDATE pvd_extension",
			  "UPDATE pvd_extension SET caller_id = $2, level = $3, level_rank = $4::integer, "
			  "enabled = $5::boolean, updated_at = now() WHERE owner = $1",
			  5, p);
}

static int kam_set_credentials(struct pbx_db *db, const char *owner, const struct pbx_cred *cred,
			       struct pvd_result *res)
{
	char op[24];
	snprintf(op, sizeof(op), "%lld", cred->op_id);
	const char *p[4] = { owner, cred->ha1, cred->ha1b, op };
	return pbx_sql_do(db, res, "UPDATE pvd_extension (credentials)",
			  "UPDATE pvd_extension SET ha1 = $2, ha1b = $3, password_op = $4::bigint, updated_at = now() "
			  "WHERE owner = $1",
			  4, p);
}

static int kam_code_issue(struct pbx_db *db, const char *owner, const char *hash, const char *level,
			  long long request_id, struct pvd_result *res)
{
	char rank[8], rid[24];
	snprintf(rank, sizeof(rank), "%d", pbx_level_rank(level));
	snprintf(rid, sizeof(rid), "%lld", request_id);
	const char *p[5] = { owner, hash, level, rank, request_id > 0 ? rid : NULL };
	/* a collision with another owner's hash must not abort the whole
	 * transaction: the savepoint takes just this statement back */
	if (pbx_sql_do(db, res, "SAVEPOINT", "SAVEPOINT pvd_code", 0, NULL) < 0)
		return -1;
	if (pbx_sql_do(db, res, "storing the call code",
		       "INSERT INTO pvd_call_code (owner, code_hash, level, level_rank, enabled, request_id, issued_at, "
		       "revoked_at) VALUES ($1, $2, $3, $4::integer, true, $5::bigint, now(), NULL) "
		       "ON CONFLICT (owner) DO UPDATE SET code_hash = EXCLUDED.code_hash, level = EXCLUDED.level, "
		       "level_rank = EXCLUDED.level_rank, enabled = true, request_id = EXCLUDED.request_id, "
		       "issued_at = now(), revoked_at = NULL",
		       5, p) < 0) {
		if (strcmp(db->sqlstate, "23505") != 0)	/* unique_violation: the hash is taken */
			return -1;
		struct pvd_result back;
		memset(&back, 0, sizeof(back));
		if (pbx_sql_do(db, &back, "ROLLBACK TO SAVEPOINT", "ROLLBACK TO SAVEPOINT pvd_code", 0, NULL) < 0) {
			*res = back;
			return -1;
		}
		memset(res->message, 0, sizeof(res->message));
		res->status = PVD_OK;
		return 1;
	}
	return pbx_sql_do(db, res, "RELEASE SAVEPOINT", "RELEASE SAVEPOINT pvd_code", 0, NULL);
}

static int kam_code_revoke(struct pbx_db *db, const char *owner, struct pvd_result *res)
{
	const char *p[1] = { owner };
	PGresult *r = pbx_sql(db, res, "revoking the call code",
			      "UPDATE pvd_call_code SET enabled = false, revoked_at = now() WHERE owner = $1 AND enabled",
			      1, p);
	if (r == NULL)
		return -1;
	int n = atoi(PQcmdTuples(r));
	PQclear(r);
	return n > 0;
}

const struct pbx_backend pbx_backend_kamailio = {
	.name = "kamailio",
	.schema_file = "kamailio.sql",
	.check = kam_check,
	.lock_numbers = kam_lock_numbers,
	.get = kam_get,
	.assigned = kam_assigned,
	.insert = kam_insert,
	.update = kam_update,
	.set_credentials = kam_set_credentials,
	.code_issue = kam_code_issue,
	.code_revoke = kam_code_revoke,
};
