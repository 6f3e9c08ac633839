/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	sessions - console sessions stored as hashes (see sessions.h)
 */
#include "config.h"
#include "sessions.h"
#include "crypto.h"
#include "tpool.h"

#include <stdio.h>
#include <string.h>

int session_id_valid(const char *s)
{
	size_t n = 0;
	for (; s[n] != '\0'; n++)
		if (n >= SESSION_ID_LEN ||
		    !((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') ||
		      s[n] == '-' || s[n] == '_'))
			return 0;
	return n == SESSION_ID_LEN;
}

/* A different hash from the stored one (a prefix keeps them apart), so
 * the table does not give the CSRF token away either. */
void session_csrf(const char *id, char out[SESSION_CSRF_LEN + 1])
{
	char in[16 + SESSION_ID_LEN + 1];
	unsigned char digest[32];
	int n = snprintf(in, sizeof(in), "provisiond-csrf:%s", id);
	crypto_sha256(in, (size_t)n, digest);
	crypto_base64url(digest, sizeof(digest), out);
	explicit_bzero(in, sizeof(in));
}

/* what fill() reads: idle is the parameter holding session_idle_timeout */
#define RETURNING_SESSION(idle) \
	"RETURNING login, dn, " DB_UTC("expires_at") ", " \
	DB_UTC("least(expires_at, last_seen_at + make_interval(secs => " idle "::int))")

static void fill(PGresult *r, struct session *s)
{
	snprintf(s->login, sizeof(s->login), "%s", PQgetvalue(r, 0, 0));
	snprintf(s->dn, sizeof(s->dn), "%s", PQgetvalue(r, 0, 1));
	snprintf(s->expires_at, sizeof(s->expires_at), "%s", PQgetvalue(r, 0, 2));
	snprintf(s->idle_expires_at, sizeof(s->idle_expires_at), "%s", PQgetvalue(r, 0, 3));
}

enum db_status session_create(const char *login, const char *dn, const char *client_addr, int idle_timeout,
			      int max_age, char id_r[SESSION_ID_LEN + 1], struct session *s_r,
			      const char **error_r)
{
	unsigned char raw[32];
	char hash[65], idle[16], max[16];
	enum db_status st;

	if (crypto_random(raw, sizeof(raw)) < 0) {
		*error_r = t_strdup("getrandom() failed");
		return DB_ERROR;
	}
	crypto_base64url(raw, sizeof(raw), id_r);
	explicit_bzero(raw, sizeof(raw));
	crypto_sha256_hex(id_r, SESSION_ID_LEN, hash);
	snprintf(idle, sizeof(idle), "%d", idle_timeout);
	snprintf(max, sizeof(max), "%d", max_age);
	const char *params[6] = { hash, login, dn, client_addr, max, idle };
	PGresult *r = db_query("session.create",
			       "INSERT INTO sessions (id_hash, login, dn, client_addr, expires_at) "
			       "VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5::int)) "
			       RETURNING_SESSION("$6"),
			       6, params, &st, error_r);
	if (r == NULL) {
		explicit_bzero(id_r, SESSION_ID_LEN + 1);
		return st;
	}
	fill(r, s_r);
	PQclear(r);
	return DB_OK;
}

enum db_status session_touch(const char *id, int idle_timeout, int *found_r, struct session *s_r,
			     const char **error_r)
{
	char hash[65], idle[16];
	enum db_status st;

	*found_r = 0;
	if (!session_id_valid(id))
		return DB_OK;
	crypto_sha256_hex(id, SESSION_ID_LEN, hash);
	snprintf(idle, sizeof(idle), "%d", idle_timeout);
	const char *params[2] = { hash, idle };
	/* one statement: live means not revoked, not past its absolute end,
	 * and seen within the idle timeout as it is now configured */
	PGresult *r = db_query("session.touch",
			       "UPDATE sessions SET last_seen_at = now() WHERE id_hash = $1 AND revoked_at IS NULL "
			       "AND expires_at > now() AND last_seen_at + make_interval(secs => $2::int) > now() "
			       RETURNING_SESSION("$2"),
			       2, params, &st, error_r);
	if (r == NULL)
		return st;
	if (PQntuples(r) == 1) {
		fill(r, s_r);
		*found_r = 1;
	}
	PQclear(r);
	return DB_OK;
}

enum db_status session_revoke(const char *id, int *found_r, const char **error_r)
{
	char hash[65];
	enum db_status st;

	*found_r = 0;
	if (!session_id_valid(id))
		return DB_OK;
	crypto_sha256_hex(id, SESSION_ID_LEN, hash);
	const char *params[1] = { hash };
	PGresult *r = db_query("session.revoke",
			       "UPDATE sessions SET revoked_at = now() WHERE id_hash = $1 AND revoked_at IS NULL "
			       "RETURNING id", 1, params, &st, error_r);
	if (r == NULL)
		return st;
	*found_r = PQntuples(r) == 1;
	PQclear(r);
	return DB_OK;
}

enum db_status session_revoke_all(const char *login, const char **error_r)
{
	const char *params[1] = { login };
	return db_exec("session.revoke_all", "UPDATE sessions SET revoked_at = now() "
		       "WHERE login = $1 AND revoked_at IS NULL", 1, params, error_r);
}

enum db_status session_purge(const char **error_r)
{
	return db_exec("session.purge", "DELETE FROM sessions WHERE coalesce(revoked_at, expires_at) < now() - interval '1 day' "
		       "OR last_seen_at < now() - interval '8 days'", 0, NULL, error_r);
}
