/*
 * NAME
 *	ldapconn - configuration, connection and operations shared by the LDAP plugins
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

#include <ctype.h>
#include <errno.h>
#include <lber.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* ---- memory and strings ------------------------------------------------- */

void *lc_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL) {
		fputs("ldapconn: out of memory\n", stderr);
		abort();
	}
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL) {
		fputs("ldapconn: out of memory\n", stderr);
		abort();
	}
	return p;
}

char *lc_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(lc_xmalloc(n), s, n);
}

static char *vasprintf_x(const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	char *s = lc_xmalloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *lc_asprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = vasprintf_x(fmt, ap);
	va_end(ap);
	return s;
}

enum pvd_status lc_set(struct pvd_result *res, enum pvd_status status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(res->message, sizeof(res->message), fmt, ap);
	va_end(ap);
	res->status = status;
	return status;
}

/* ---- configuration ------------------------------------------------------ */

/* The connection keys, parsed into this before they are checked. */
struct conn_conf {
	char *uri, *auth, *bind_dn, *bind_password_file, *starttls, *ca_file;
	int timeout;
};

#define CK(name, type, field, def, min, max) \
	{ name, type, offsetof(struct conn_conf, field), def, 0, min, max }
static const struct lc_key conn_keys[] = {
	CK("uri", LC_STRING, uri, NULL, 0, 0),
	CK("auth", LC_STRING, auth, NULL, 0, 0),
	CK("bind_dn", LC_STRING, bind_dn, NULL, 0, 0),
	CK("bind_password_file", LC_STRING, bind_password_file, NULL, 0, 0),
	CK("starttls", LC_STRING, starttls, NULL, 0, 0),
	CK("ca_file", LC_STRING, ca_file, NULL, 0, 0),
	CK("timeout", LC_INT, timeout, "5", 1, 300),
	{ NULL, 0, 0, NULL, 0, 0, 0 },
};
enum { CK_URI, CK_AUTH, CK_BIND_DN, CK_BIND_PW, CK_STARTTLS, CK_CA_FILE, CK_TIMEOUT, CK_COUNT };

static int nkeys(const struct lc_key *keys)
{
	int n = 0;
	while (keys != NULL && keys[n].name != NULL)
		n++;
	return n;
}

static int find_key(const struct lc_key *keys, const char *name)
{
	for (int i = 0; keys != NULL && keys[i].name != NULL; i++)
		if (strcmp(keys[i].name, name) == 0)
			return i;
	return -1;
}

/* "plugin key 'timeout' (line 7)" or "plugin key 'timeout' (default)" */
static char *where(const char *name, int line)
{
	return line > 0 ? lc_asprintf("plugin key '%s' (line %d)", name, line)
			: lc_asprintf("plugin key '%s' (default)", name);
}

static int parse_bool(const char *v, int *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" }, *const no[] = { "no", "false", "off", "0" };
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return *out = 1, 0;
		if (strcasecmp(v, no[i]) == 0)
			return *out = 0, 0;
	}
	return -1;
}

static int set_value(const struct lc_key *k, void *conf, const char *value, int line, char **error_r)
{
	char *field = (char *)conf + k->offset;
	switch (k->type) {
	case LC_STRING: {
		char **sp = (char **)(void *)field;
		free(*sp);
		*sp = lc_strdup(value);
		return 0;
	}
	case LC_INT: {
		char *end = NULL;
		errno = 0;
		long v = strtol(value, &end, 10);
		if (*value == '\0' || *end != '\0' || errno != 0 || v < k->min || v > k->max) {
			char *w = where(k->name, line);
			*error_r = lc_asprintf("%s: '%s' is not a whole number from %d to %d", w, value, k->min, k->max);
			free(w);
			return -1;
		}
		*(int *)(void *)field = (int)v;
		return 0;
	}
	case LC_BOOL:
		if (parse_bool(value, (int *)(void *)field) < 0) {
			char *w = where(k->name, line);
			*error_r = lc_asprintf("%s: '%s' is not yes or no", w, value);
			free(w);
			return -1;
		}
		return 0;
	}
	return -1;
}

/* Defaults for the keys not set; a required key not set (or empty) is an error. */
static int finish_keys(const char *plugin, const struct lc_key *keys, void *conf, const int *lines,
		       char **error_r)
{
	for (int i = 0; keys != NULL && keys[i].name != NULL; i++) {
		const struct lc_key *k = &keys[i];
		if (lines[i] == 0 && k->def != NULL && set_value(k, conf, k->def, 0, error_r) < 0)
			return -1;
		if (k->required) {
			const char *s = k->type == LC_STRING ? *(char **)(void *)((char *)conf + k->offset) : "x";
			if (s == NULL || *s == '\0') {
				*error_r = lc_asprintf("plugin key '%s' is missing: %s needs it", k->name, plugin);
				return -1;
			}
		}
	}
	return 0;
}

char *lc_unknown_key(const char *plugin, const struct pvd_kv *kv)
{
	return lc_asprintf("plugin key '%s' (line %d) is not known to %s", kv->key, kv->line, plugin);
}

void lc_keys_free(const struct lc_key *keys, void *conf)
{
	for (int i = 0; keys != NULL && keys[i].name != NULL; i++) {
		if (keys[i].type == LC_STRING) {
			char **sp = (char **)(void *)((char *)conf + keys[i].offset);
			free(*sp);
			*sp = NULL;
		}
	}
}

static int has_scheme(const char *uri, const char *scheme)
{
	return strncasecmp(uri, scheme, strlen(scheme)) == 0;
}

/* The connection keys make sense together? Fills lc. */
static int check_conn(struct ldapconn *lc, struct conn_conf *cc, const int *line, char **error_r)
{
	char *w = NULL;
	int rc = -1, is_ldapi, is_ldaps, is_ldap;

	is_ldapi = has_scheme(cc->uri, "ldapi://");
	is_ldaps = has_scheme(cc->uri, "ldaps://");
	is_ldap = has_scheme(cc->uri, "ldap://");
	LDAPURLDesc *lud = NULL;
	if ((!is_ldapi && !is_ldaps && !is_ldap) || ldap_url_parse(cc->uri, &lud) != LDAP_URL_SUCCESS) {
		w = where("uri", line[CK_URI]);
		*error_r = lc_asprintf("%s: '%s' is not an ldapi://, ldap:// or ldaps:// URI", w, cc->uri);
		goto out;
	}
	ldap_free_urldesc(lud);

	const char *auth = cc->auth && *cc->auth ? cc->auth : is_ldapi ? "sasl_external" : "simple";
	if (strcmp(auth, "sasl_external") == 0)
		lc->auth = LC_AUTH_SASL_EXTERNAL;
	else if (strcmp(auth, "simple") == 0)
		lc->auth = LC_AUTH_SIMPLE;
	else {
		w = where("auth", line[CK_AUTH]);
		*error_r = lc_asprintf("%s: '%s' is not sasl_external or simple", w, auth);
		goto out;
	}

	lc->starttls = is_ldap;
	if (cc->starttls != NULL && *cc->starttls != '\0') {
		int yes;
		w = where("starttls", line[CK_STARTTLS]);
		if (parse_bool(cc->starttls, &yes) < 0) {
			*error_r = lc_asprintf("%s: '%s' is not yes or no", w, cc->starttls);
			goto out;
		}
		if (yes && !is_ldap) {
			*error_r = lc_asprintf("%s: StartTLS is for ldap:// URIs; %s is %s", w, cc->uri,
					       is_ldaps ? "TLS already" : "a local socket");
			goto out;
		}
		lc->starttls = yes;
		free(w);
		w = NULL;
	}

	if (lc->auth == LC_AUTH_SASL_EXTERNAL) {
		if (!is_ldapi) {
			w = where("auth", line[CK_AUTH]);
			*error_r = lc_asprintf("%s: sasl_external needs an ldapi:// uri (the identity is the "
					       "socket's peer), not %s; use auth = simple", w, cc->uri);
			goto out;
		}
		for (int k = CK_BIND_DN; k <= CK_BIND_PW; k++) {
			if (line[k] != 0) {
				w = where(conn_keys[k].name, line[k]);
				*error_r = lc_asprintf("%s is only used with auth = simple", w);
				goto out;
			}
		}
	} else {
		if (cc->bind_dn == NULL || *cc->bind_dn == '\0') {
			*error_r = lc_asprintf("plugin key 'bind_dn' is missing: auth = simple needs it");
			goto out;
		}
		if (cc->bind_password_file == NULL || *cc->bind_password_file == '\0') {
			*error_r = lc_asprintf("plugin key 'bind_password_file' is missing: auth = simple needs it");
			goto out;
		}
		if (is_ldap && !lc->starttls) {
			w = where("starttls", line[CK_STARTTLS]);
			*error_r = lc_asprintf("%s: auth = simple over %s without StartTLS would send the password "
					       "in clear; set starttls = yes, or use ldaps:// or ldapi://", w, cc->uri);
			goto out;
		}
		char *err = NULL;
		lc->bind_password = lc->host->read_secret_file(cc->bind_password_file, &err);
		if (lc->bind_password == NULL) {
			w = where("bind_password_file", line[CK_BIND_PW]);
			*error_r = lc_asprintf("%s: %s", w, err ? err : "cannot read it");
			free(err);
			goto out;
		}
		if (*lc->bind_password == '\0') {
			/* an empty password makes an unauthenticated bind, which "succeeds" */
			w = where("bind_password_file", line[CK_BIND_PW]);
			*error_r = lc_asprintf("%s: %s holds no password (its first line is empty)", w,
					       cc->bind_password_file);
			goto out;
		}
		lc->bind_dn = lc_strdup(cc->bind_dn);
	}

	if (cc->ca_file != NULL && *cc->ca_file != '\0') {
		if (access(cc->ca_file, R_OK) != 0) {
			w = where("ca_file", line[CK_CA_FILE]);
			*error_r = lc_asprintf("%s: cannot read %s: %s", w, cc->ca_file, strerror(errno));
			goto out;
		}
		lc->ca_file = lc_strdup(cc->ca_file);
	}
	lc->uri = lc_strdup(cc->uri);
	lc->timeout = cc->timeout;
	rc = 0;
out:
	free(w);
	return rc;
}

int lc_configure(struct ldapconn *lc, const struct pvd_kv *kv, int nkv, const struct lc_key *keys,
		 void *conf, lc_other_key_fn *other, char **error_r)
{
	struct conn_conf cc;
	int cline[CK_COUNT] = { 0 };
	int n = nkeys(keys), rc = -1;
	int *pline = calloc((size_t)n + 1, sizeof(int));

	memset(&cc, 0, sizeof(cc));
	if (pline == NULL)
		abort();
	for (int i = 0; i < nkv; i++) {
		int k;
		if ((k = find_key(conn_keys, kv[i].key)) >= 0) {
			if (set_value(&conn_keys[k], &cc, kv[i].value, kv[i].line, error_r) < 0)
				goto out;
			cline[k] = kv[i].line;
		} else if ((k = find_key(keys, kv[i].key)) >= 0) {
			if (set_value(&keys[k], conf, kv[i].value, kv[i].line, error_r) < 0)
				goto out;
			pline[k] = kv[i].line;
		} else {
			int t = other ? other(conf, &kv[i], error_r) : 0;
			if (t < 0)
				goto out;
			if (t == 0) {
				*error_r = lc_unknown_key(lc->plugin, &kv[i]);
				goto out;
			}
		}
	}
	if (cc.uri == NULL || *cc.uri == '\0') {
		*error_r = lc_asprintf("plugin key 'uri' is missing: %s needs it (ldapi://..., ldap://host:port "
				       "or ldaps://host:port)", lc->plugin);
		goto out;
	}
	if (finish_keys(lc->plugin, conn_keys, &cc, cline, error_r) < 0 ||
	    finish_keys(lc->plugin, keys, conf, pline, error_r) < 0)
		goto out;
	rc = check_conn(lc, &cc, cline, error_r);
out:
	lc_keys_free(conn_keys, &cc);
	free(pline);
	return rc;
}

/* ---- the connection ------------------------------------------------------- */

struct ldapconn *lc_new(const struct pvd_host *host, const char *instance, const char *plugin)
{
	struct ldapconn *lc = lc_xmalloc(sizeof(*lc));
	memset(lc, 0, sizeof(*lc));
	lc->host = host;
	lc->instance = lc_strdup(instance ? instance : "");
	lc->plugin = plugin;
	lc->timeout = 5;
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
	if (lc->bind_password != NULL) {
		explicit_bzero(lc->bind_password, strlen(lc->bind_password));
		free(lc->bind_password);
	}
	free(lc->instance);
	free(lc->uri);
	free(lc->bind_dn);
	free(lc->ca_file);
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
};

static int do_op(struct ldapconn *lc, const struct op *o, LDAPMessage **res_r)
{
	struct timeval tv = { lc->timeout, 0 };
	LDAP *ld = lc->ld;
	/* no stale diagnostic from an earlier operation in our messages */
	ldap_set_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, NULL);
	switch (o->kind) {
	case OP_SEARCH:
		return ldap_search_ext_s(ld, o->dn, o->scope, o->filter, o->attrs, 0, NULL, NULL, &tv,
					 o->sizelimit, res_r);
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
	struct op o = { OP_SEARCH, base, scope, filter, attrs, sizelimit, NULL };
	return run(lc, &o, res_r);
}

int lc_add(struct ldapconn *lc, const char *dn, LDAPMod **mods)
{
	struct op o = { OP_ADD, dn, 0, NULL, NULL, 0, mods };
	return run(lc, &o, NULL);
}

int lc_modify(struct ldapconn *lc, const char *dn, LDAPMod **mods)
{
	struct op o = { OP_MODIFY, dn, 0, NULL, NULL, 0, mods };
	return run(lc, &o, NULL);
}

int lc_delete(struct ldapconn *lc, const char *dn)
{
	struct op o = { OP_DELETE, dn, 0, NULL, NULL, 0, NULL };
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

int lc_host_ok(const struct pvd_host *host, const char *plugin, char **error_r)
{
	if (host == NULL || host->size < offsetof(struct pvd_host, read_secret_file) + sizeof(host->read_secret_file)) {
		*error_r = lc_asprintf("%s: the host's helper table is too old (no read_secret_file)", plugin);
		return -1;
	}
	return 0;
}

/* ---- DNs ------------------------------------------------------------------------ */

static char *normalize(const char *dn)
{
	char *out = NULL;
	if (ldap_dn_normalize(dn, LDAP_DN_FORMAT_LDAPV3, &out, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS)
		return NULL;
	char *s = lc_strdup(out ? out : "");
	ldap_memfree(out);
	return s;
}

int lc_has_class(const struct ldapconn *lc, LDAPMessage *e, const char *cls)
{
	struct berval **v = ldap_get_values_len(lc->ld, e, "objectClass");
	int found = 0;
	for (int i = 0; v != NULL && v[i] != NULL && !found; i++)
		found = v[i]->bv_len == strlen(cls) && strncasecmp(v[i]->bv_val, cls, v[i]->bv_len) == 0;
	ldap_value_free_len(v);
	return found;
}

int lc_is_true(const struct ldapconn *lc, LDAPMessage *e, const char *attr)
{
	struct berval **v = ldap_get_values_len(lc->ld, e, attr);
	int t = ldap_count_values_len(v) == 1 && v[0]->bv_len == 4 && strncasecmp(v[0]->bv_val, "TRUE", 4) == 0;
	ldap_value_free_len(v);
	return t;
}

int lc_dn_equal(const char *a, const char *b)
{
	char *na = normalize(a), *nb = normalize(b);
	int eq = na != NULL && nb != NULL && strcasecmp(na, nb) == 0;
	free(na);
	free(nb);
	return eq;
}

char *lc_rdn_value(const char *dn, const char *parent, int *is_child_r)
{
	LDAPDN ldn = NULL;
	char *value = NULL;
	if (is_child_r != NULL)
		*is_child_r = 0;
	if (ldap_str2dn(dn, &ldn, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS || ldn == NULL || ldn[0] == NULL)
		goto out;
	LDAPAVA *ava = ldn[0][0];
	value = lc_xmalloc(ava->la_value.bv_len + 1);
	memcpy(value, ava->la_value.bv_val, ava->la_value.bv_len);
	value[ava->la_value.bv_len] = '\0';
	if (is_child_r != NULL && parent != NULL) {
		char *rest = NULL;
		if (ldap_dn2str(&ldn[1], &rest, LDAP_DN_FORMAT_LDAPV3) == LDAP_SUCCESS && rest != NULL)
			*is_child_r = lc_dn_equal(rest, parent);
		ldap_memfree(rest);
	}
out:
	if (ldn != NULL)
		ldap_dnfree(ldn);
	return value;
}

/* ---- string lists ------------------------------------------------------------------ */

void lc_strs_add(struct lc_strs *s, const char *value)
{
	s->v = xrealloc(s->v, sizeof(char *) * (size_t)(s->n + 1));
	s->v[s->n++] = lc_strdup(value);
}

int lc_strs_has(const struct lc_strs *s, const char *value)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->v[i], value) == 0)
			return 1;
	return 0;
}

void lc_strs_add_list(struct lc_strs *s, const char *list)
{
	const char *p = list;
	while (*p != '\0') {
		const char *comma = strchr(p, ',');
		const char *end = comma ? comma : p + strlen(p);
		const char *b = p, *e = end;
		while (b < e && isspace((unsigned char)*b))
			b++;
		while (e > b && isspace((unsigned char)e[-1]))
			e--;
		if (e > b) {
			char *w = lc_xmalloc((size_t)(e - b) + 1);
			memcpy(w, b, (size_t)(e - b));
			w[e - b] = '\0';
			if (!lc_strs_has(s, w))
				lc_strs_add(s, w);
			free(w);
		}
		p = comma ? comma + 1 : end;
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void lc_strs_sort(struct lc_strs *s)
{
	if (s->n > 1)
		qsort(s->v, (size_t)s->n, sizeof(char *), cmp_str);
}

json_t *lc_strs_json(const struct lc_strs *s)
{
	json_t *a = json_array();
	for (int i = 0; i < s->n; i++)
		json_array_append_new(a, json_string(s->v[i]));
	return a;
}

void lc_strs_free(struct lc_strs *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* ---- modifications ------------------------------------------------------------------ */

void lc_mods_add(struct lc_mods *m, int op, const char *attr, const char *value)
{
	LDAPMod *mod = NULL;
	for (int i = 0; i < m->n; i++) {
		if ((m->v[i]->mod_op & ~LDAP_MOD_BVALUES) == op && strcasecmp(m->v[i]->mod_type, attr) == 0) {
			mod = m->v[i];
			break;
		}
	}
	if (mod == NULL) {
		mod = lc_xmalloc(sizeof(*mod));
		memset(mod, 0, sizeof(*mod));
		mod->mod_op = op | LDAP_MOD_BVALUES;
		mod->mod_type = lc_strdup(attr);
		m->v = xrealloc(m->v, sizeof(LDAPMod *) * (size_t)(m->n + 2));
		m->v[m->n++] = mod;
		m->v[m->n] = NULL;
	}
	if (value == NULL)
		return;
	int nv = 0;
	while (mod->mod_bvalues != NULL && mod->mod_bvalues[nv] != NULL)
		nv++;
	mod->mod_bvalues = xrealloc(mod->mod_bvalues, sizeof(struct berval *) * (size_t)(nv + 2));
	struct berval *bv = lc_xmalloc(sizeof(*bv));
	bv->bv_len = strlen(value);
	bv->bv_val = lc_strdup(value);
	mod->mod_bvalues[nv] = bv;
	mod->mod_bvalues[nv + 1] = NULL;
}

void lc_mods_free(struct lc_mods *m)
{
	for (int i = 0; i < m->n; i++) {
		LDAPMod *mod = m->v[i];
		for (int k = 0; mod->mod_bvalues != NULL && mod->mod_bvalues[k] != NULL; k++) {
			free(mod->mod_bvalues[k]->bv_val);
			free(mod->mod_bvalues[k]);
		}
		free(mod->mod_bvalues);
		free(mod->mod_type);
		free(mod);
	}
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

/* ---- entries as JSON ----------------------------------------------------------------- */

json_t *lc_entry_json(const struct ldapconn *lc, LDAPMessage *e, const char *const *attrs)
{
	json_t *o = json_object();
	for (int i = 0; attrs[i] != NULL; i++) {
		struct berval **vals = ldap_get_values_len(lc->ld, e, attrs[i]);
		int n = ldap_count_values_len(vals);
		if (n == 1) {
			json_object_set_new(o, attrs[i], json_stringn(vals[0]->bv_val, vals[0]->bv_len));
		} else if (n > 1) {
			json_t *a = json_array();
			for (int k = 0; k < n; k++)
				json_array_append_new(a, json_stringn(vals[k]->bv_val, vals[k]->bv_len));
			json_object_set_new(o, attrs[i], a);
		}
		ldap_value_free_len(vals);
	}
	return o;
}
