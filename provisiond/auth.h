/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	auth - who is calling: bearer token or directory account (HTTP Basic)
 * DESCRIPTION
 *	Tokens are looked up by hash in PostgreSQL and carry one role. People
 *	sign in with their directory login and password, checked by an LDAP
 *	bind; their roles come from the configured role groups. Failures say
 *	as much as is safe: an unknown login and a wrong password get the same
 *	answer, so the API cannot be used to find out who exists.
 */
#ifndef PVD_AUTH_H
#define PVD_AUTH_H

#include "conf.h"
#include "roles.h"

enum principal_kind { PRINCIPAL_NONE, PRINCIPAL_TOKEN, PRINCIPAL_USER };

struct principal {
	enum principal_kind kind;
	char subject[128];	/* token name, or the login as the directory holds it */
	char owner[160];	/* the person behind: a user's login; for a token,
				 * the owner of whoever created it (a login or
				 * cli:<unix user>). Separation of duties compares
				 * owners. */
	char dn[512];		/* users only */
	char display_name[256];
	char unit[64];		/* users: their unit (directory ldap_unit_attr), "" if none */
	char mail[256];		/* users: their mail address, "" if none */
	role_mask roles;
	/* signed in through a console session (sessions.h): state-changing
	 * calls must then carry csrf in X-CSRF-Token */
	int session;
	char csrf[44];
	char expires_at[32], idle_expires_at[32];
};

struct auth_failure {
	int status;		/* 401, 429 or 503 */
	const char *code;	/* unauthorized, account_locked, too_many_attempts, unavailable */
	int retry_after;	/* 429: seconds */
	char message[256];
};

/* Splits a "Basic xxx" credential. 0 ok (*login_r, *password_r malloc'd),
 * -1 malformed. */
int auth_parse_basic(const char *header_value, char **login_r, char **password_r);

/* 0 and p filled, or -1 and f filled. authorization may be NULL;
 * client_addr is the peer's address (throttle.h counts failures by it). */
int auth_check(const struct conf *c, const char *authorization, const char *client_addr,
	       struct principal *p, struct auth_failure *f);

/* Checks a directory login and password (throttled, timed like a refused
 * bind, as Basic is): 0 and p filled, or -1 and f filled. */
int auth_password(const struct conf *c, const char *login, const char *password, const char *client_addr,
		  struct principal *p, struct auth_failure *f);

/* The person behind a console session cookie, read again from the
 * directory (roles, lock): 0 and p filled (p->session, p->csrf), or -1
 * and f filled: 401 session_expired when it is unknown, expired or signed
 * out, 401 account_locked (the session is ended), 503. */
int auth_session(const struct conf *c, const char *session_id, const char *client_addr, struct principal *p,
		 struct auth_failure *f);

/* The actor string recorded for who: the login, or "token:<name>". */
void actor_id(const struct principal *who, char out[160]);

#endif
