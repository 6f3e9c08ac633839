/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	tokens - bearer tokens stored as hashes (see tokens.h)
 */
#include "config.h"
#include "tokens.h"
#include "buf.h"
#include "changelog.h"
#include "crypto.h"
#include "log.h"
#include "tpool.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int tokens_name_valid(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 63 || !(islower((unsigned char)name[0]) || isdigit((unsigned char)name[0])))
		return 0;
	for (const char *p = name; *p; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
		    *p != '.' && *p != '_' && *p != '-')
			return 0;
	return 1;
}

static json_t *row_json(PGresult *r, int i)
{
	json_t *o = json_object();
	for (int f = 0; f < PQnfields(r); f++) {
		if (PQgetisnull(r, i, f))
			json_object_set_new(o, PQfname(r, f), json_null());
		else
			json_object_set_new(o, PQfname(r, f), json_string(PQgetvalue(r, i, f)));
	}
	return o;
}

#define TS(col) DB_UTC(col) " AS " col

/* The change-log entry of a token's creation or revocation, in the
 * caller's transaction. */
static enum db_status log_token(const char *actor, const char *actor_role, const char *action, const char *name,
				json_t *after, const char **error_r)
{
	char obj[96];
	snprintf(obj, sizeof(obj), "token/%s", name);
	struct cl_entry e = { actor, actor_role, 0, NULL, "auth", action, obj, NULL, after, "ok", NULL };
	return changelog_append(&e, error_r);
}

enum db_status tokens_create(const char *name, enum role role, const char *created_by, const char *actor_role,
			     const char *owner, char **token_r, json_t **info_r, const char **error_r)
{
	unsigned char raw[32];
	char token[TOKEN_LEN + 1], hash[65];
	enum db_status st;

	if (crypto_random(raw, sizeof(raw)) < 0) {
		*error_r = t_strdup("getrandom() failed");
		return DB_ERROR;
	}
	memcpy(token, TOKEN_PREFIX, 4);
	crypto_base64url(raw, sizeof(raw), token + 4);
	explicit_bzero(raw, sizeof(raw));
	crypto_sha256_hex(token, strlen(token), hash);

	if ((st = db_begin(error_r)) != DB_OK) {
		explicit_bzero(token, sizeof(token));
		return st;
	}
	const char *params[5] = { name, role_name(role), hash, created_by, owner };
	PGresult *r = db_query("token.create",
			       "INSERT INTO api_tokens (name, role, token_hash, created_by, owner) "
			       "VALUES ($1, $2, $3, $4, $5) RETURNING name, role, owner, " TS("created_at"),
			       5, params, &st, error_r);
	if (r == NULL)
		goto fail;
	*info_r = row_json(r, 0);
	PQclear(r);
	json_t *after = json_pack("{s:s, s:s}", "role", role_name(role), "owner", owner);
	st = log_token(created_by, actor_role, "token.create", name, after, error_r);
	json_decref(after);
	if (st != DB_OK || (st = db_commit(error_r)) != DB_OK) {
		json_decref(*info_r);
		*info_r = NULL;
		goto fail;
	}
	*token_r = xstrdup(token);
	explicit_bzero(token, sizeof(token));
	return DB_OK;
fail:
	db_rollback();
	explicit_bzero(token, sizeof(token));
	return st;
}

enum db_status tokens_revoke(const char *name, const char *revoked_by, const char *actor_role, int *found_r,
			     json_t **info_r, const char **error_r)
{
	enum db_status st;
	const char *params[2] = { name, revoked_by };
	*found_r = 0;
	if ((st = db_begin(error_r)) != DB_OK)
		return st;
	PGresult *r = db_query("token.revoke",
			       "UPDATE api_tokens SET revoked_at = now(), revoked_by = $2 "
			       "WHERE name = $1 AND revoked_at IS NULL RETURNING name, role, " TS("revoked_at"),
			       2, params, &st, error_r);
	if (r == NULL)
		goto fail;
	if (PQntuples(r) == 1) {
		json_t *after = json_pack("{s:s, s:b}", "role", PQgetvalue(r, 0, 1), "revoked", 1);
		st = log_token(revoked_by, actor_role, "token.revoke", name, after, error_r);
		json_decref(after);
		if (st != DB_OK) {
			PQclear(r);
			goto fail;
		}
		*found_r = 1;
		*info_r = row_json(r, 0);
		json_object_del(*info_r, "role");
	}
	PQclear(r);
	if ((st = db_commit(error_r)) != DB_OK) {
		if (*found_r) {
			json_decref(*info_r);
			*info_r = NULL;
			*found_r = 0;
		}
		return st;
	}
	return DB_OK;
fail:
	db_rollback();
	return st;
}

enum db_status tokens_lookup(const char *token, int *found_r, char name_r[64], char owner_r[160],
			     enum role *role_r, const char **error_r)
{
	char hash[65];
	enum db_status st;
	const char *params[1] = { hash };

	*found_r = 0;
	if (strlen(token) != TOKEN_LEN || strncmp(token, TOKEN_PREFIX, 4) != 0)
		return DB_OK;	/* not one of ours: no query needed */
	crypto_sha256_hex(token, strlen(token), hash);
	/* The lookup is by hash, so comparison timing tells nothing about the
	 * token. last_used_at is refreshed at most once a minute to keep
	 * reads from turning into writes. */
	PGresult *r = db_query("token.lookup",
			       "SELECT name, role, (last_used_at IS NULL OR last_used_at < now() - interval '60 seconds'), "
			       "owner FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
			       1, params, &st, error_r);
	if (r == NULL)
		return st;
	if (PQntuples(r) == 1 && role_parse(PQgetvalue(r, 0, 1), role_r) == 0) {
		*found_r = 1;
		snprintf(name_r, 64, "%s", PQgetvalue(r, 0, 0));
		snprintf(owner_r, 160, "%s", PQgetvalue(r, 0, 3));
		if (PQgetvalue(r, 0, 2)[0] == 't') {
			const char *err = NULL;
			if (db_exec("token.touch", "UPDATE api_tokens SET last_used_at = now() WHERE token_hash = $1",
				    1, params, &err) != DB_OK) {
				log_warn("%s", err ? err : "token.touch failed");
			}
		}
	}
	PQclear(r);
	return DB_OK;
}

enum db_status tokens_list(json_t **items_r, const char **error_r)
{
	enum db_status st;
	PGresult *r = db_query("token.list",
			       "SELECT name, role, created_by, owner, " TS("created_at") ", " TS("last_used_at") ", "
			       TS("revoked_at") " FROM api_tokens ORDER BY name", 0, NULL, &st, error_r);
	if (r == NULL)
		return st;
	json_t *items = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(items, row_json(r, i));
	PQclear(r);
	*items_r = items;
	return DB_OK;
}
