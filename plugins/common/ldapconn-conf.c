/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	ldapconn-conf - the LDAP plugins' connection keys and their checks
 * DESCRIPTION
 *	The connection keys (uri, auth, bind_dn, bind_password_file,
 *	starttls, ca_file, timeout) are rows of each plugin's table
 *	(LC_CONF_ROWS), checked one by one by the host; lc_configure() then
 *	checks that they make sense together (no SIMPLE bind in clear, SASL
 *	EXTERNAL only over ldapi://) and reads the bind password, once per
 *	instance. See ldapconn.h.
 */
#include "config.h"
#include "ldapconn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char *const row_names[LC_NROWS] = {
	"uri", "auth", "bind_dn", "bind_password_file", "starttls", "ca_file", "timeout",
};

/* "plugin key 'timeout' (line 7)" or "plugin key 'timeout' (default)" */
static char *where(const char *name, int line)
{
	return line > 0 ? lc_asprintf("plugin key '%s' (line %d)", name, line)
			: lc_asprintf("plugin key '%s' (default)", name);
}

static int has_scheme(const char *uri, const char *scheme)
{
	return strncasecmp(uri, scheme, strlen(scheme)) == 0;
}

const char *lc_check_uri(const char *uri)
{
	LDAPURLDesc *lud = NULL;
	if (*uri == '\0')
		return NULL;	/* missing: the required row says so */
	if ((!has_scheme(uri, "ldapi://") && !has_scheme(uri, "ldaps://") && !has_scheme(uri, "ldap://")) ||
	    ldap_url_parse(uri, &lud) != LDAP_URL_SUCCESS)
		return "is not an ldapi://, ldap:// or ldaps:// URI";
	ldap_free_urldesc(lud);
	return NULL;
}

const char *lc_check_auth(const char *auth)
{
	if (*auth == '\0' || strcmp(auth, "sasl_external") == 0 || strcmp(auth, "simple") == 0)
		return NULL;	/* empty: the default for the URI */
	return "is not sasl_external or simple";
}

int lc_configure(const struct pvd_host *host, struct lc_conf *cc, const int *line, char **error_r)
{
	char *w = NULL;
	int rc = -1, is_ldapi, is_ldaps, is_ldap;

	/* the rows checked the URI and the auth word */
	is_ldapi = has_scheme(cc->uri, "ldapi://");
	is_ldaps = has_scheme(cc->uri, "ldaps://");
	is_ldap = has_scheme(cc->uri, "ldap://");
	const char *auth = cc->auth && *cc->auth ? cc->auth : is_ldapi ? "sasl_external" : "simple";
	cc->mode = strcmp(auth, "sasl_external") == 0 ? LC_AUTH_SASL_EXTERNAL : LC_AUTH_SIMPLE;

	cc->use_starttls = is_ldap;
	if (line[LC_ROW_STARTTLS] != 0) {
		int yes = cc->starttls;
		w = where("starttls", line[LC_ROW_STARTTLS]);
		if (yes && !is_ldap) {
			*error_r = lc_asprintf("%s: StartTLS is for ldap:// URIs; %s is %s", w, cc->uri,
					       is_ldaps ? "TLS already" : "a local socket");
			goto out;
		}
		cc->use_starttls = yes;
		free(w);
		w = NULL;
	}

	if (cc->mode == LC_AUTH_SASL_EXTERNAL) {
		if (!is_ldapi) {
			w = where("auth", line[LC_ROW_AUTH]);
			*error_r = lc_asprintf("%s: sasl_external needs an ldapi:// uri (the identity is the "
					       "socket's peer), not %s; use auth = simple", w, cc->uri);
			goto out;
		}
		for (int k = LC_ROW_BIND_DN; k <= LC_ROW_BIND_PW; k++) {
			if (line[k] != 0) {
				w = where(row_names[k], line[k]);
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
		if (is_ldap && !cc->use_starttls) {
			w = where("starttls", line[LC_ROW_STARTTLS]);
			*error_r = lc_asprintf("%s: auth = simple over %s without StartTLS would send the password "
					       "in clear; set starttls = yes, or use ldaps:// or ldapi://", w, cc->uri);
			goto out;
		}
		char *err = NULL;
		cc->bind_password = host->read_secret_file(cc->bind_password_file, &err);
		if (cc->bind_password == NULL) {
			w = where("bind_password_file", line[LC_ROW_BIND_PW]);
			*error_r = lc_asprintf("%s: %s", w, err ? err : "cannot read it");
			free(err);
			goto out;
		}
		if (*cc->bind_password == '\0') {
			/* an empty password makes an unauthenticated bind, which "succeeds" */
			w = where("bind_password_file", line[LC_ROW_BIND_PW]);
			*error_r = lc_asprintf("%s: %s holds no password (its first line is empty)", w,
					       cc->bind_password_file);
			goto out;
		}
	}

	if (cc->ca_file != NULL && *cc->ca_file != '\0') {
		if (access(cc->ca_file, R_OK) != 0) {
			w = where("ca_file", line[LC_ROW_CA_FILE]);
			*error_r = lc_asprintf("%s: cannot read %s: %s", w, cc->ca_file, strerror(errno));
			goto out;
		}
	}
	rc = 0;
out:
	free(w);
	return rc;
}

void lc_unconfigure(struct lc_conf *cc)
{
	if (cc->bind_password != NULL) {
		explicit_bzero(cc->bind_password, strlen(cc->bind_password));
		free(cc->bind_password);
		cc->bind_password = NULL;
	}
}
