/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	pvd-ldap - open, secure and bind one LDAP connection (see pvd-ldap.h)
 * DESCRIPTION
 *	Compiled into the daemon and into every LDAP plugin; depends on
 *	libldap only.
 */
#include "config.h"
#include "pvd-ldap.h"

#include <lber.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

static int has_scheme(const char *uri, const char *scheme)
{
	return uri != NULL && strncasecmp(uri, scheme, strlen(scheme)) == 0;
}

static int wants_starttls(const struct pvd_ldap_params *p)
{
	return p->starttls && has_scheme(p->uri, "ldap://");
}

int pvd_ldap_uses_tls(const struct pvd_ldap_params *p)
{
	return has_scheme(p->uri, "ldaps://") || wants_starttls(p);
}

void pvd_ldap_failure_clear(struct pvd_ldap_failure *f)
{
	ldap_memfree(f->diag);
	f->diag = NULL;
}

/* SASL EXTERNAL needs no prompts: the identity is the socket's peer. */
static int sasl_quiet(LDAP *ld, unsigned flags, void *defaults, void *in)
{
	(void)ld; (void)flags; (void)defaults; (void)in;
	return LDAP_SUCCESS;
}

/* Records the failed step (and the server's words) and closes ld. */
static int failed(LDAP *ld, enum pvd_ldap_step step, int rc, struct pvd_ldap_failure *f)
{
	f->step = step;
	f->rc = rc;
	f->diag = NULL;
	if (ld != NULL) {
		char *diag = NULL;
		ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
		if (diag != NULL && *diag == '\0') {
			ldap_memfree(diag);
			diag = NULL;
		}
		f->diag = diag;
		ldap_unbind_ext_s(ld, NULL, NULL);
	}
	return rc;
}

int pvd_ldap_open(const struct pvd_ldap_params *p, LDAP **ld_r, struct pvd_ldap_failure *fail_r)
{
	LDAP *ld = NULL;
	int rc, v3 = LDAP_VERSION3;
	struct timeval tv = { p->timeout, 0 };

	*ld_r = NULL;
	rc = ldap_initialize(&ld, p->uri);
	if (rc != LDAP_SUCCESS)
		return failed(NULL, PVD_LDAP_STEP_INITIALIZE, rc, fail_r);
	ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
	ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
	ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &tv);	/* connect(), TLS handshake */
	ldap_set_option(ld, LDAP_OPT_TIMEOUT, &tv);		/* every synchronous call */
	if (pvd_ldap_uses_tls(p)) {
		int demand = LDAP_OPT_X_TLS_DEMAND, zero = 0;
		ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand);
		if (p->ca_file != NULL && *p->ca_file != '\0')
			ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, p->ca_file);
		/* a context of this handle's own, with the settings above */
		rc = ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &zero);
		if (rc != LDAP_SUCCESS)
			return failed(ld, PVD_LDAP_STEP_TLS_SETUP, rc, fail_r);
		if (wants_starttls(p)) {
			rc = ldap_start_tls_s(ld, NULL, NULL);
			if (rc != LDAP_SUCCESS)
				return failed(ld, PVD_LDAP_STEP_STARTTLS, rc, fail_r);
		}
	}
	if (p->bind == PVD_LDAP_BIND_SASL_EXTERNAL) {
		rc = ldap_sasl_interactive_bind_s(ld, NULL, "EXTERNAL", NULL, NULL, LDAP_SASL_QUIET, sasl_quiet, NULL);
		if (rc != LDAP_SUCCESS)
			return failed(ld, PVD_LDAP_STEP_BIND, rc, fail_r);
	} else if (p->bind == PVD_LDAP_BIND_SIMPLE) {
		struct berval cred;
		cred.bv_val = (char *)(p->bind_password ? p->bind_password : "");
		cred.bv_len = strlen(cred.bv_val);
		rc = ldap_sasl_bind_s(ld, p->bind_dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL);
		if (rc != LDAP_SUCCESS)
			return failed(ld, PVD_LDAP_STEP_BIND, rc, fail_r);
	}
	*ld_r = ld;
	return LDAP_SUCCESS;
}
