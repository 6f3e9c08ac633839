/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	pvd-ldap - open, secure and bind one LDAP connection
 * SYNOPSIS
 *	#include "pvd-ldap.h"
 *
 *	struct pvd_ldap_params p = { .uri = uri, .bind = PVD_LDAP_BIND_SIMPLE,
 *		.bind_dn = dn, .bind_password = pw, .starttls = 1, .timeout = 5 };
 *	struct pvd_ldap_failure f;
 *	LDAP *ld;
 *	if ((rc = pvd_ldap_open(&p, &ld, &f)) != LDAP_SUCCESS) {
 *		... f.step, f.rc, f.diag say what failed ...
 *		pvd_ldap_failure_clear(&f);
 *	}
 * DESCRIPTION
 *	The one connection routine of the daemon (provisiond/directory.c)
 *	and of the LDAP plugins (plugins/common/ldapconn.c), in the idiom of
 *	OpenLDAP's own clients: ldap_initialize, protocol v3, referrals off,
 *	network timeout (connect and TLS handshake) and API timeout (every
 *	synchronous call) both params->timeout; for ldaps:// and for
 *	StartTLS the server certificate is demanded (against ca_file, or the
 *	system's CAs) in a TLS context of the handle's own; then StartTLS
 *	on ldap:// when asked, then the bind: SASL EXTERNAL (ldapi://: the
 *	socket's peer credentials are the identity), SIMPLE with a DN and
 *	password, or none (a connection for checking users' passwords).
 *
 *	Whether the settings make sense together (no SIMPLE bind in clear,
 *	EXTERNAL only over ldapi://) is each caller's configuration check;
 *	this routine does what it is told.
 * DIAGNOSTICS
 *	Nothing here logs or formats messages: on failure the connection is
 *	closed, the LDAP result code returned and *fail_r says which step
 *	failed with the server's diagnostic message, so that each caller
 *	keeps the words its users and tests know.
 */
#ifndef PVD_LDAP_H
#define PVD_LDAP_H

#define LDAP_DEPRECATED 0
#include <ldap.h>

enum pvd_ldap_bind {
	PVD_LDAP_BIND_NONE,		/* stay anonymous: the caller binds as someone else */
	PVD_LDAP_BIND_SASL_EXTERNAL,
	PVD_LDAP_BIND_SIMPLE,
};

struct pvd_ldap_params {
	const char *uri;		/* ldapi://, ldap:// or ldaps:// */
	enum pvd_ldap_bind bind;
	const char *bind_dn;		/* SIMPLE */
	const char *bind_password;	/* SIMPLE; never in a message */
	int starttls;			/* StartTLS first (honoured on ldap:// only) */
	const char *ca_file;		/* NULL or "": the system's CAs */
	int timeout;			/* seconds */
};

/* The steps, in the order they are taken. */
enum pvd_ldap_step {
	PVD_LDAP_STEP_INITIALIZE,	/* ldap_initialize: the URI */
	PVD_LDAP_STEP_TLS_SETUP,	/* the handle's TLS context (CA file) */
	PVD_LDAP_STEP_STARTTLS,		/* ldap_start_tls */
	PVD_LDAP_STEP_BIND,		/* ldap_sasl_bind: EXTERNAL or SIMPLE */
};

struct pvd_ldap_failure {
	enum pvd_ldap_step step;
	int rc;				/* LDAP result code */
	char *diag;			/* the server's diagnostic message, or NULL */
};

/* LDAP_SUCCESS and *ld_r, or the failing result code with *fail_r
 * filled (release it with pvd_ldap_failure_clear). */
int pvd_ldap_open(const struct pvd_ldap_params *p, LDAP **ld_r, struct pvd_ldap_failure *fail_r);
void pvd_ldap_failure_clear(struct pvd_ldap_failure *f);
/* Does params ask for TLS (ldaps://, or StartTLS on ldap://)? */
int pvd_ldap_uses_tls(const struct pvd_ldap_params *p);

#endif
