/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	ldapconn - the LDAP plugins' connection, operations and results
 * DESCRIPTION
 *	See ldapconn.h. The connection is made by pvd-ldap.c, the routine
 *	the daemon's own directory connection uses too: v3, referrals off,
 *	network and API timeouts, TLS with the certificate demanded, then
 *	SASL EXTERNAL over ldapi:// or a SIMPLE bind with the password from
 *	a file.
 */
#include "config.h"
#include "ldapconn.h"
#include "pvd-ldap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the connection ------------------------------------------------------- */

struct ldapconn *lc_new(const struct pvd_host *host, const char *instance, const char *plugin,
			const struct lc_conf *cc)
{
	struct ldapconn *lc = lc_xmalloc(sizeof(*lc));
	memset(lc, 0, sizeof(*lc));
	lc->host = host;
	lc->instance = lc_strdup(instance ? instance : "");
	lc->plugin = plugin;
	lc->uri = cc->uri;
	lc->auth = cc->mode;
	lc->bind_dn = cc->bind_dn;
	lc->bind_password = cc->bind_password;
	lc->starttls = cc->use_starttls;
	lc->ca_file = cc->ca_file && *cc->ca_file ? cc->ca_file : NULL;
	lc->timeout = cc->timeout;
	return lc;
}

void lc_close(struct ldapconn *lc)
{
	if (lc->ld != NULL) {
		ldap_unbind_ext_s(lc->ld, NULL, NULL);
		lc->ld = NULL;
	}
}

void lc_free(struct ldapconn **lcp)
{
	struct ldapconn *lc = *lcp;
	if (lc == NULL)
		return;
	lc_close(lc);
	free(lc->instance);
	free(lc);
	*lcp = NULL;
}

/* Codes after which the connection is not trusted any more: reconnect. */
int lc_is_down(int rc)
{
	return rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR || rc == LDAP_TIMEOUT || rc == LDAP_UNAVAILABLE;
}

static int is_transient(int rc)
{
	return lc_is_down(rc) || rc == LDAP_BUSY || rc == LDAP_TIMELIMIT_EXCEEDED;
}

enum pvd_status lc_status(const struct ldapconn *lc)
{
	if (is_transient(lc->last_rc))
		return PVD_RETRY;
	return lc->config_error ? PVD_CONFIG : PVD_FAIL;
}

enum pvd_status lc_result(const struct ldapconn *lc, struct pvd_result *res)
{
	snprintf(res->message, sizeof(res->message), "%s", lc->error);
	res->status = lc_status(lc);
	return res->status;
}

enum pvd_status lc_undo(const struct ldapconn *lc, struct pvd_result *res)
{
	json_decref(res->after);
	res->after = NULL;
	return lc_result(lc, res);
}

/* lc->error = "<what> failed: <reason>[: <server's words>][ (<uri>)]" */
static void vfail(struct ldapconn *lc, int rc, const char *diag, int config_error, const char *fmt, va_list ap)
{
	char what[600];
	vsnprintf(what, sizeof(what), fmt, ap);
	/* name the server when it is the problem (unless the call names it) */
	int say_uri = lc_is_down(rc) && lc->uri != NULL && strstr(what, lc->uri) == NULL;
	snprintf(lc->error, sizeof(lc->error), "%s failed: %s%s%s%s%s%s", what, ldap_err2string(rc),
		 diag && *diag ? ": " : "", diag ? diag : "",
		 say_uri ? " (" : "", say_uri ? lc->uri : "", say_uri ? ")" : "");
	lc->last_rc = rc;
	lc->config_error = config_error;
}

/* A failed operation on ld, with the server's diagnostic message if any. */
static void fail(struct ldapconn *lc, LDAP *ld, int rc, int config_error, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void fail(struct ldapconn *lc, LDAP *ld, int rc, int config_error, const char *fmt, ...)
{
	char *diag = NULL;
	va_list ap;
	if (ld != NULL)
		ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
	va_start(ap, fmt);
	vfail(lc, rc, diag, config_error, fmt, ap);
	va_end(ap);
	ldap_memfree(diag);
}

/* A failed step of pvd_ldap_open, which has closed the connection. */
static void fail_open(struct ldapconn *lc, const struct pvd_ldap_failure *f, int config_error, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void fail_open(struct ldapconn *lc, const struct pvd_ldap_failure *f, int config_error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(lc, f->rc, f->diag, config_error, fmt, ap);
	va_end(ap);
}

/* The connection (pvd-ldap.c); the message of a failure names the step
 * as the plugins always have, and says whether the configuration is to
 * blame: a bad URI, TLS set-up or a refused bind of the service is, a
 * StartTLS the server turned down (or a wrong CA) may be its own state. */
static int lc_connect(struct ldapconn *lc)
{
	struct pvd_ldap_params p = {
		.uri = lc->uri,
		.bind = lc->auth == LC_AUTH_SASL_EXTERNAL ? PVD_LDAP_BIND_SASL_EXTERNAL : PVD_LDAP_BIND_SIMPLE,
		.bind_dn = lc->bind_dn,
		.bind_password = lc->bind_password,
		.starttls = lc->starttls,
		.ca_file = lc->ca_file,
		.timeout = lc->timeout,
	};
	struct pvd_ldap_failure f;
	int rc = pvd_ldap_open(&p, &lc->ld, &f);
	if (rc == LDAP_SUCCESS)
		return rc;
	switch (f.step) {
	case PVD_LDAP_STEP_INITIALIZE:
		fail_open(lc, &f, 1, "ldap_initialize(%s)", lc->uri);
		break;
	case PVD_LDAP_STEP_TLS_SETUP:
		fail_open(lc, &f, 1, "TLS setup for %s (ca_file=%s)", lc->uri, lc->ca_file ? lc->ca_file : "");
		break;
	case PVD_LDAP_STEP_STARTTLS:
		fail_open(lc, &f, 0, "ldap_start_tls(%s)", lc->uri);
		break;
	case PVD_LDAP_STEP_BIND:
		if (lc->auth == LC_AUTH_SASL_EXTERNAL)
			fail_open(lc, &f, !is_transient(rc), "ldap_sasl_bind(EXTERNAL, %s)", lc->uri);
		else
			fail_open(lc, &f, !is_transient(rc), "ldap_bind(dn=%s, %s)", lc->bind_dn, lc->uri);
		break;
	}
	pvd_ldap_failure_clear(&f);
	return rc;
}

/* ---- operations ------------------------------------------------------------- */

enum op_kind { OP_SEARCH, OP_ADD, OP_MODIFY, OP_DELETE };

struct op {
	enum op_kind kind;
	const char *dn;		/* base for a search */
	int scope;
	const char *filter;
	char **attrs;
	int sizelimit;
	LDAPMod **mods;
	const char *values_filter;	/* a search's RFC 3876 values return filter */
};

/* The RFC 3876 control for vrf, "((attr=value)...)"; NULL when it does
 * not encode (the search then goes without it). */
static LDAPControl *values_return_filter(const char *vrf)
{
	BerElement *ber = ber_alloc_t(LBER_USE_DER);
	struct berval bv;
	LDAPControl *c = NULL;
	if (ber == NULL)
		return NULL;
	if (ldap_put_vrFilter(ber, vrf) != -1 && ber_flatten2(ber, &bv, 0) != -1)
		ldap_control_create(LDAP_CONTROL_VALUESRETURNFILTER, 0, &bv, 1, &c);
	ber_free(ber, 1);
	return c;
}

static int do_op(struct ldapconn *lc, const struct op *o, LDAPMessage **res_r)
{
	struct timeval tv = { lc->timeout, 0 };
	LDAP *ld = lc->ld;
	/* no stale diagnostic from an earlier operation in our messages */
	ldap_set_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, NULL);
	switch (o->kind) {
	case OP_SEARCH: {
		/* not critical: a server without the control sends every value,
		 * which the caller reads just the same, only more of them */
		LDAPControl *vrf = NULL, *ctrls[2] = { NULL, NULL };
		if (o->values_filter != NULL)
			vrf = ctrls[0] = values_return_filter(o->values_filter);
		int rc = ldap_search_ext_s(ld, o->dn, o->scope, o->filter, o->attrs, 0, vrf ? ctrls : NULL, NULL,
					   &tv, o->sizelimit, res_r);
		if (vrf != NULL)
			ldap_control_free(vrf);
		return rc;
	}
	case OP_ADD:
		return ldap_add_ext_s(ld, o->dn, o->mods, NULL, NULL);
	case OP_MODIFY:
		return ldap_modify_ext_s(ld, o->dn, o->mods, NULL, NULL);
	case OP_DELETE:
		return ldap_delete_ext_s(ld, o->dn, NULL, NULL);
	}
	return LDAP_PARAM_ERROR;
}

static void describe(const struct op *o, struct ldapconn *lc, int rc)
{
	switch (o->kind) {
	case OP_SEARCH:
		fail(lc, lc->ld, rc, 0, "ldap_search(base=%s, filter=%s)", o->dn, o->filter);
		break;
	case OP_ADD:
		fail(lc, lc->ld, rc, 0, "ldap_add(dn=%s)", o->dn);
		break;
	case OP_MODIFY:
		fail(lc, lc->ld, rc, 0, "ldap_modify(dn=%s)", o->dn);
		break;
	case OP_DELETE:
		fail(lc, lc->ld, rc, 0, "ldap_delete(dn=%s)", o->dn);
		break;
	}
}

/* Connects when needed; repeats the operation once on a new connection
 * when one that was already open turns out to be dead. */
static int run(struct ldapconn *lc, const struct op *o, LDAPMessage **res_r)
{
	LDAPMessage *dummy = NULL;
	if (res_r == NULL)
		res_r = &dummy;
	for (;;) {
		int reused = lc->ld != NULL, rc;
		*res_r = NULL;
		if (!reused && (rc = lc_connect(lc)) != LDAP_SUCCESS)
			return rc;
		rc = do_op(lc, o, res_r);
		if (rc == LDAP_SUCCESS || (o->kind == OP_SEARCH && rc == LDAP_SIZELIMIT_EXCEEDED)) {
			lc->last_rc = LDAP_SUCCESS;
			return LDAP_SUCCESS;
		}
		describe(o, lc, rc);
		ldap_msgfree(*res_r);
		*res_r = NULL;
		if (!lc_is_down(rc))
			return rc;
		lc_close(lc);
		if (!reused)
			return rc;
	}
}

int lc_search(struct ldapconn *lc, const char *base, int scope, const char *filter, char **attrs,
	      int sizelimit, LDAPMessage **res_r)
{
	struct op o = { OP_SEARCH, base, scope, filter, attrs, sizelimit, NULL, NULL };
	return run(lc, &o, res_r);
}

int lc_search_values(struct ldapconn *lc, const char *base, int scope, const char *filter, char **attrs,
		     const char *values_filter, int sizelimit, LDAPMessage **res_r)
{
	struct op o = { OP_SEARCH, base, scope, filter, attrs, sizelimit, NULL, values_filter };
	return run(lc, &o, res_r);
}

int lc_add(struct ldapconn *lc, const char *dn, LDAPMod **mods)
{
	struct op o = { OP_ADD, dn, 0, NULL, NULL, 0, mods, NULL };
	return run(lc, &o, NULL);
}

int lc_modify(struct ldapconn *lc, const char *dn, LDAPMod **mods)
{
	struct op o = { OP_MODIFY, dn, 0, NULL, NULL, 0, mods, NULL };
	return run(lc, &o, NULL);
}

int lc_delete(struct ldapconn *lc, const char *dn)
{
	struct op o = { OP_DELETE, dn, 0, NULL, NULL, 0, NULL, NULL };
	return run(lc, &o, NULL);
}

int lc_read(struct ldapconn *lc, const char *dn, const char *filter, char **attrs, LDAPMessage **res_r)
{
	int rc = lc_search(lc, dn, LDAP_SCOPE_BASE, filter ? filter : "(objectClass=*)", attrs, 1, res_r);
	if (rc == LDAP_NO_SUCH_OBJECT) {
		lc->last_rc = LDAP_SUCCESS;
		return LDAP_SUCCESS;	/* *res_r is NULL: no entry */
	}
	return rc;
}

int lc_ping(struct ldapconn *lc)
{
	char *attrs[] = { "1.1", NULL };
	LDAPMessage *res = NULL;
	int rc = lc_search(lc, "", LDAP_SCOPE_BASE, "(objectClass=*)", attrs, 1, &res);
	ldap_msgfree(res);
	return rc;
}

enum pvd_status lc_check(struct ldapconn *lc, char *message, size_t size)
{
	if (lc_ping(lc) != LDAP_SUCCESS) {
		snprintf(message, size, "%s", lc->error);
		return lc_status(lc);
	}
	snprintf(message, size, "%s answers", lc->uri);
	return PVD_OK;
}
