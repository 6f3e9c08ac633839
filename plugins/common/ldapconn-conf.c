/*
 * NAME
 *	ldapconn-conf - the LDAP plugins' configuration keys and their checks
 * DESCRIPTION
 *	The connection keys (uri, auth, bind_dn, bind_password_file,
 *	starttls, ca_file, timeout), the plugin's own table of keys, and
 *	whether the connection settings make sense together: no SIMPLE bind
 *	in clear, SASL EXTERNAL only over ldapi://. See ldapconn.h.
 */
#include "config.h"
#include "ldapconn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

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

int lc_host_ok(const struct pvd_host *host, const char *plugin, char **error_r)
{
	if (host == NULL || host->size < offsetof(struct pvd_host, read_secret_file) + sizeof(host->read_secret_file)) {
		*error_r = lc_asprintf("%s: the host's helper table is too old (no read_secret_file)", plugin);
		return -1;
	}
	return 0;
}
