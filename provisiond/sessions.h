/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	sessions - the console's server-side sessions
 * DESCRIPTION
 *	A session id is 256 random bits, base64url (43 characters), sent to
 *	the browser once in an HttpOnly cookie; the database keeps only its
 *	SHA-256. The CSRF token the console echoes in X-CSRF-Token is derived
 *	from the id (so it is not stored either, and differs per session):
 *	a page on another site can neither read the cookie nor compute it.
 *	Idle and absolute expiry are checked by the database's clock.
 */
#ifndef PVD_SESSIONS_H
#define PVD_SESSIONS_H

#include "db.h"

#define SESSION_ID_LEN 43
#define SESSION_CSRF_LEN 43

struct session {
	char login[128];
	char dn[512];
	char expires_at[32];		/* RFC 3339, UTC */
	char idle_expires_at[32];
};

/* 1 when s looks like an id this service gives (43 base64url characters). */
int session_id_valid(const char *s);

/* The CSRF token of a session id (out: SESSION_CSRF_LEN + 1). */
void session_csrf(const char *id, char out[SESSION_CSRF_LEN + 1]);

/* Starts a session for login/dn: DB_OK, id_r filled (the cookie value)
 * and s_r filled. */
enum db_status session_create(const char *login, const char *dn, const char *client_addr, int idle_timeout,
			      int max_age, char id_r[SESSION_ID_LEN + 1], struct session *s_r,
			      const char **error_r);

/* Looks id up. DB_OK and *found_r = 1 with s_r filled when the session is
 * live (its last-seen time moves on); *found_r = 0 when it does not exist,
 * was revoked or has expired (idle or absolute). */
enum db_status session_touch(const char *id, int idle_timeout, int *found_r, struct session *s_r,
			     const char **error_r);

/* Ends it (sign-out). *found_r = 0 when there was no live session. */
enum db_status session_revoke(const char *id, int *found_r, const char **error_r);

/* Ends every session of login (its account was locked). */
enum db_status session_revoke_all(const char *login, const char **error_r);

/* Removes sessions that ended more than a day ago. */
enum db_status session_purge(const char **error_r);

#endif
