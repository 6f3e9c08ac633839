/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	directory - the service's LDAP connection, user sign-in, escaping
 * DESCRIPTION
 *	Each thread keeps two connections: the service connection (bound as
 *	provisiond itself, SASL EXTERNAL over ldapi or SIMPLE over StartTLS)
 *	and a user connection used only to check passwords by binding. Both
 *	are made on first use, made again after slapd went away or after a
 *	configuration reload, and every operation has a timeout. They are
 *	opened by plugins/common/pvd-ldap.c, the connection routine the LDAP
 *	plugins use too.
 *
 *	Filters and DNs are built only with libldap's own escaping
 *	(ldap_bv2escaped_filter_value, LDAPAVA + ldap_dn2str).
 * DIAGNOSTICS
 *	*error_r is a reason in the caller's frame (tpool.h): nothing to free.
 */
#ifndef PVD_DIRECTORY_H
#define PVD_DIRECTORY_H

#include <jansson.h>
#include "conf.h"
#include "roles.h"

enum dir_auth_result {
	DIR_AUTH_OK,
	DIR_AUTH_BAD_CREDENTIALS,	/* unknown user or wrong password: same answer */
	DIR_AUTH_LOCKED,		/* ppolicy: account locked */
	DIR_AUTH_UNAVAILABLE		/* directory down or misconfigured */
};

struct dir_user {
	char *dn;
	char *login;		/* the entry's own login value, never the typed one */
	char *display_name;
	char *unit;		/* ldap_unit_attr, or NULL */
	char *mail;		/* their mail address (notes are sent there), or NULL */
	role_mask roles;
};

/* Checks login and password with a bind as that user (ppolicy control on),
 * then reads the roles from the configured groups. *bound_r says whether
 * a bind was tried (an unknown login needs none). error_r gets the reason
 * for logs (never the password). */
enum dir_auth_result dir_authenticate(const struct conf *c, const char *login,
				      const char *password, struct dir_user *user_r,
				      int *bound_r, const char **error_r);
/* The person a console session names, read again on every request (no
 * password): their entry, roles from the groups as dir_authenticate
 * reads them; DIR_AUTH_LOCKED when the account has been locked since. */
enum dir_auth_result dir_lookup_user(const struct conf *c, const char *login, struct dir_user *user_r,
				     const char **error_r);
void dir_user_free(struct dir_user *u);

/* Is there an entry attr=value directly below base? 1 yes, 0 no, -1 the
 * directory could not be asked (*error_r says why). */
int dir_child_exists(const struct conf *c, const char *base, const char *attr,
		     const char *value, const char **error_r);

/* A catalogue entry (a unit, a position) attr=value directly below base:
 * 1 and *canonical_r (malloc'd: the value as the catalogue spells it, so
 * "TRIBUTARIA " is stored as tributaria) and, for positions, whether it
 * is held by one person at a time (pvdSingleHolder); 0 none; -1 the
 * directory could not be asked. */
/* Forgets the cached catalogue answers (a reload; tests). */
void dir_catalogue_flush(void);

int dir_catalogue_entry(const struct conf *c, const char *base, const char *attr, const char *value,
			char **canonical_r, int *single_holder_r, const char **error_r);

/* Sets dn's password with the Password Modify extended operation (RFC
 * 3062) over the service connection; slapd hashes it. 0 ok, -1 refused
 * (*error_r), -2 directory unavailable. */
int dir_set_password(const struct conf *c, const char *dn, const char *password, const char **error_r);

/* The mail addresses of a group's members (json array of strings; members
 * without one are left out). 0, or -1 when the directory could not be asked. */
int dir_group_mails(const struct conf *c, const char *group_dn, json_t **mails_r, const char **error_r);

/* Reads the root DSE over the service connection. 0 or -1 + error. */
int dir_ping(const struct conf *c, const char **error_r);

void dir_thread_close(void);	/* unbind this thread's connections */
/* Called after a reload: every thread remakes its connections on next use. */
void dir_conf_changed(void);

/* Escapes a value for use inside a search filter. Caller frees. */
char *dir_filter_value(const char *value);
/* Builds "attr=value,parent" with value escaped as a DN value. Caller frees.
 * NULL if attr/value are not acceptable to libldap. */
char *dir_child_dn(const char *attr, const char *value, const char *parent);
/* Normalises a DN for comparison; NULL if it does not parse. Caller frees. */
char *dir_dn_normalize(const char *dn);
/* 1 when two DNs name the same entry (normalized, case-insensitive). */
int dir_dn_equal(const char *a, const char *b);

#endif
