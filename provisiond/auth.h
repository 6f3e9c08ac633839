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

/* The actor string recorded for who: the login, or "token:<name>". */
void actor_id(const struct principal *who, char out[160]);

#endif
