/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	directory - LDAP service connection and sign-in (see directory.h)
 */
#include "config.h"
#include "directory.h"
#include "buf.h"
#include "log.h"
#include "tpool.h"
#include "pvd-ldap.h"

#include <lber.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct dir_conn {
	LDAP *ld;
	const struct conf *conf_seen;	/* identity of the conf it was made for */
	unsigned long conf_gen;
};

/* Per-thread connections live in a pthread key so that they are closed
 * when a pool thread ends. */
struct dir_thread {
	struct dir_conn svc, user;
};
static pthread_key_t thread_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void thread_destroy(void *p);
static void make_key(void) { pthread_key_create(&thread_key, thread_destroy); }

static struct dir_thread *thread_state(void)
{
	struct dir_thread *t;
	pthread_once(&key_once, make_key);
	t = pthread_getspecific(thread_key);
	if (t == NULL) {
		t = xcalloc(1, sizeof(*t));
		pthread_setspecific(thread_key, t);
	}
	return t;
}
#define svc_conn (thread_state()->svc)
#define user_conn (thread_state()->user)

static atomic_ulong conf_generation = 1;

/* A connection remembers the configuration (and generation) it was made
 * for; dir_conf_changed() after a reload makes every thread reconnect. */
void dir_conf_changed(void) { atomic_fetch_add(&conf_generation, 1); }

static void conn_close(struct dir_conn *dc)
{
	if (dc->ld != NULL) {
		ldap_unbind_ext_s(dc->ld, NULL, NULL);
		dc->ld = NULL;
	}
}

static void thread_destroy(void *p)
{
	struct dir_thread *t = p;
	conn_close(&t->svc);
	conn_close(&t->user);
	free(t);
}

void dir_thread_close(void)
{
	struct dir_thread *t;
	pthread_once(&key_once, make_key);
	t = pthread_getspecific(thread_key);
	if (t != NULL) {
		pthread_setspecific(thread_key, NULL);
		thread_destroy(t);
	}
}

static int is_down(int rc)
{
	return rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR || rc == LDAP_TIMEOUT ||
	       rc == LDAP_UNAVAILABLE || rc == LDAP_BUSY;
}

/* Opens a connection to c->ldap_uri (pvd-ldap.c: v3, no referrals,
 * timeouts, TLS on ldaps:// and StartTLS on ldap:// when configured),
 * bound as the service when bind_service. The messages are the daemon's
 * own: the server's diagnostic message is told for StartTLS only. */
static LDAP *conn_open(const struct conf *c, int bind_service, const char **error_r)
{
	struct pvd_ldap_params p = {
		.uri = c->ldap_uri,
		.bind = !bind_service ? PVD_LDAP_BIND_NONE
			: c->ldap_auth == LDAP_AUTH_SASL_EXTERNAL ? PVD_LDAP_BIND_SASL_EXTERNAL : PVD_LDAP_BIND_SIMPLE,
		.bind_dn = c->ldap_bind_dn,
		.bind_password = c->ldap_bind_password,
		.starttls = c->ldap_starttls,
		.ca_file = c->ldap_ca_file,
		.timeout = c->ldap_timeout,
	};
	struct pvd_ldap_failure f;
	LDAP *ld = NULL;
	int rc = pvd_ldap_open(&p, &ld, &f);
	if (rc == LDAP_SUCCESS)
		return ld;
	switch (f.step) {
	case PVD_LDAP_STEP_INITIALIZE:
		*error_r = t_printf("ldap_initialize(%s) failed: %s", c->ldap_uri, ldap_err2string(rc));
		break;
	case PVD_LDAP_STEP_TLS_SETUP:
		*error_r = t_printf("TLS setup for %s failed: %s (ldap_ca_file=%s)", c->ldap_uri, ldap_err2string(rc),
				    c->ldap_ca_file);
		break;
	case PVD_LDAP_STEP_STARTTLS:
		*error_r = t_printf("ldap_start_tls(%s) failed: %s%s%s", c->ldap_uri, ldap_err2string(rc),
				    f.diag ? ": " : "", f.diag ? f.diag : "");
		break;
	case PVD_LDAP_STEP_BIND:
		if (c->ldap_auth == LDAP_AUTH_SASL_EXTERNAL)
			*error_r = t_printf("ldap_sasl_bind(EXTERNAL, %s) failed: %s", c->ldap_uri, ldap_err2string(rc));
		else
			*error_r = t_printf("ldap_bind(dn=%s, %s) failed: %s", c->ldap_bind_dn, c->ldap_uri,
					    ldap_err2string(rc));
		break;
	}
	pvd_ldap_failure_clear(&f);
	return NULL;
}

static LDAP *conn_get(struct dir_conn *dc, const struct conf *c, int bind_service, const char **error_r)
{
	unsigned long gen = atomic_load(&conf_generation);
	if (dc->ld != NULL && dc->conf_seen == c && dc->conf_gen == gen)
		return dc->ld;
	conn_close(dc);
	dc->ld = conn_open(c, bind_service, error_r);
	if (dc->ld != NULL)
		log_debug("LDAP %s connection to %s made", bind_service ? "service" : "sign-in", c->ldap_uri);
	dc->conf_seen = c;
	dc->conf_gen = gen;
	return dc->ld;
}

/* Runs a search on the service connection, reconnecting once when slapd
 * went away since the last use. */
static int svc_search(const struct conf *c, const char *base, int scope, const char *filter,
		      char **attrs, int sizelimit, LDAPMessage **res_r, const char **error_r)
{
	struct timeval tv = { c->ldap_timeout, 0 };
	int rc = LDAP_SERVER_DOWN;

	*res_r = NULL;
	for (int attempt = 0; attempt < 2; attempt++) {
		LDAP *ld = conn_get(&svc_conn, c, 1, error_r);
		if (ld == NULL)
			return -1;
		rc = ldap_search_ext_s(ld, base, scope, filter, attrs, 0, NULL, NULL, &tv,
				       sizelimit, res_r);
		if (!is_down(rc))
			break;
		ldap_msgfree(*res_r);
		*res_r = NULL;
		conn_close(&svc_conn);
	}
	if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) {
		*error_r = t_printf("ldap_search(base=%s, filter=%s) failed: %s", base, filter,
				    ldap_err2string(rc));
		if (is_down(rc))
			conn_close(&svc_conn);
		ldap_msgfree(*res_r);
		*res_r = NULL;
		return is_down(rc) ? -2 : -1;
	}
	return 0;
}

int dir_ping(const struct conf *c, const char **error_r)
{
	LDAPMessage *res = NULL;
	char *attrs[] = { "1.1", NULL };
	int rc = svc_search(c, "", LDAP_SCOPE_BASE, "(objectClass=*)", attrs, 1, &res, error_r);
	ldap_msgfree(res);
	return rc == 0 ? 0 : -1;
}

/* What an entry is called, whatever was typed to find it: the directory
 * matches names case-insensitively and ignores surrounding spaces, so
 * "TIM.MENDOZA " finds tim.mendoza and " Tributaria" finds tributaria. The
 * canonical value is the one in the entry's RDN when the RDN is that
 * attribute, else the attribute's first value, byte for byte as the
 * directory holds it. NULL when the entry has none. */
static char *canonical_value(LDAP *ld, LDAPMessage *e, const char *dn, const char *attr)
{
	LDAPDN parsed = NULL;
	char *out = NULL;
	if (dn != NULL && ldap_str2dn(dn, &parsed, LDAP_DN_FORMAT_LDAPV3) == LDAP_SUCCESS && parsed != NULL &&
	    parsed[0] != NULL && parsed[0][0] != NULL && parsed[0][1] == NULL) {
		LDAPAVA *ava = parsed[0][0];
		if (ava->la_attr.bv_len == strlen(attr) && strncasecmp(ava->la_attr.bv_val, attr, ava->la_attr.bv_len) == 0 &&
		    !(ava->la_flags & LDAP_AVA_BINARY) && ava->la_value.bv_len > 0)
			out = xstrndup(ava->la_value.bv_val, ava->la_value.bv_len);
	}
	ldap_dnfree(parsed);
	if (out != NULL)
		return out;
	struct berval **vals = ldap_get_values_len(ld, e, attr);
	if (vals != NULL && vals[0] != NULL && vals[0]->bv_len > 0)
		out = xstrndup(vals[0]->bv_val, vals[0]->bv_len);
	ldap_value_free_len(vals);
	return out;
}

/* Catalogue answers found in the directory, kept ldap_catalogue_cache_seconds
 * so that filing does not search slapd for the same unit and position each
 * time. Only entries found are kept: a unit added by hand counts at once;
 * one removed is still accepted for at most that long. Direct-mapped by
 * the typed value (the canonical spelling is the directory's). */
#define CATALOGUE_SLOTS 256

struct catalogue_slot {
	char *key;		/* base \x1f attr \x1f value as typed */
	char *canonical;
	int single_holder;
	time_t until;		/* CLOCK_MONOTONIC seconds */
};
static struct catalogue_slot catalogue[CATALOGUE_SLOTS];
static pthread_mutex_t catalogue_lock = PTHREAD_MUTEX_INITIALIZER;

static time_t mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static unsigned slot_of(const char *key)
{
	unsigned h = 2166136261u;	/* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h % CATALOGUE_SLOTS;
}

static int catalogue_get(const char *key, char **canonical_r, int *single_r)
{
	struct catalogue_slot *s = &catalogue[slot_of(key)];
	int hit = 0;
	pthread_mutex_lock(&catalogue_lock);
	if (s->key != NULL && strcmp(s->key, key) == 0 && mono_now() < s->until) {
		*canonical_r = xstrdup(s->canonical);
		*single_r = s->single_holder;
		hit = 1;
	}
	pthread_mutex_unlock(&catalogue_lock);
	return hit;
}

static void catalogue_put(const char *key, const char *canonical, int single, int seconds)
{
	struct catalogue_slot *s = &catalogue[slot_of(key)];
	pthread_mutex_lock(&catalogue_lock);
	free(s->key);
	free(s->canonical);
	s->key = xstrdup(key);
	s->canonical = xstrdup(canonical);
	s->single_holder = single;
	s->until = mono_now() + seconds;
	pthread_mutex_unlock(&catalogue_lock);
}

void dir_catalogue_flush(void)
{
	pthread_mutex_lock(&catalogue_lock);
	for (int i = 0; i < CATALOGUE_SLOTS; i++) {
		free(catalogue[i].key);
		free(catalogue[i].canonical);
	}
	memset(catalogue, 0, sizeof(catalogue));
	pthread_mutex_unlock(&catalogue_lock);
}

int dir_catalogue_entry(const struct conf *c, const char *base, const char *attr, const char *value,
			char **canonical_r, int *single_holder_r, const char **error_r)
{
	char *key = xasprintf("%s\x1f%s\x1f%s", base, attr, value);
	int single = 0;
	*canonical_r = NULL;
	if (single_holder_r)
		*single_holder_r = 0;
	if (c->ldap_catalogue_cache_seconds > 0 && catalogue_get(key, canonical_r, &single)) {
		free(key);
		if (single_holder_r)
			*single_holder_r = single;
		return 1;
	}
	char *esc = dir_filter_value(value);
	char *filter = xasprintf("(%s=%s)", attr, esc ? esc : "");
	char *attrs[] = { (char *)attr, "pvdSingleHolder", NULL };
	LDAPMessage *res = NULL;
	int rc = svc_search(c, base, LDAP_SCOPE_ONELEVEL, filter, attrs, 2, &res, error_r);
	free(esc);
	free(filter);
	if (rc < 0) {
		free(key);
		return -1;
	}
	LDAPMessage *e = ldap_first_entry(svc_conn.ld, res);
	if (e == NULL) {
		ldap_msgfree(res);
		free(key);
		return 0;
	}
	char *dn = ldap_get_dn(svc_conn.ld, e);
	*canonical_r = canonical_value(svc_conn.ld, e, dn, attr);
	ldap_memfree(dn);
	if (*canonical_r == NULL)
		*canonical_r = xstrdup(value);
	struct berval **v = ldap_get_values_len(svc_conn.ld, e, "pvdSingleHolder");
	single = v != NULL && v[0] != NULL && v[0]->bv_len == 4 && strncasecmp(v[0]->bv_val, "TRUE", 4) == 0;
	ldap_value_free_len(v);
	if (single_holder_r)
		*single_holder_r = single;
	if (c->ldap_catalogue_cache_seconds > 0)
		catalogue_put(key, *canonical_r, single, c->ldap_catalogue_cache_seconds);
	free(key);
	ldap_msgfree(res);
	return 1;
}

int dir_child_exists(const struct conf *c, const char *base, const char *attr,
		     const char *value, const char **error_r)
{
	char *esc = dir_filter_value(value);
	char *filter = xasprintf("(%s=%s)", attr, esc ? esc : "");
	char *attrs[] = { "1.1", NULL };
	LDAPMessage *res = NULL;
	int rc = svc_search(c, base, LDAP_SCOPE_ONELEVEL, filter, attrs, 2, &res, error_r);
	free(esc);
	free(filter);
	if (rc < 0)
		return -1;
	int n = ldap_count_entries(svc_conn.ld, res);
	ldap_msgfree(res);
	return n > 0;
}

int dir_set_password(const struct conf *c, const char *dn, const char *password, const char **error_r)
{
	struct berval user, pw;
	int rc = LDAP_SERVER_DOWN;
	user.bv_val = (char *)dn;
	user.bv_len = strlen(dn);
	pw.bv_val = (char *)password;
	pw.bv_len = strlen(password);
	for (int attempt = 0; attempt < 2; attempt++) {
		LDAP *ld = conn_get(&svc_conn, c, 1, error_r);
		if (ld == NULL)
			return -2;
		/* libldap wants somewhere to put a server-generated password,
		 * even though we send one and none comes back */
		struct berval gen = { 0, NULL };
		rc = ldap_passwd_s(ld, &user, NULL, &pw, &gen, NULL, NULL);
		if (gen.bv_val != NULL) {
			explicit_bzero(gen.bv_val, gen.bv_len);
			ber_memfree(gen.bv_val);
		}
		if (!is_down(rc))
			break;
		conn_close(&svc_conn);
	}
	if (rc == LDAP_SUCCESS)
		return 0;
	*error_r = t_printf("ldap_passwd(dn=%s) failed: %s", dn, ldap_err2string(rc));
	return is_down(rc) ? -2 : -1;
}

int dir_group_mails(const struct conf *c, const char *group_dn, json_t **mails_r, const char **error_r)
{
	char *member_attrs[] = { "member", NULL }, *mail_attrs[] = { "mail", NULL };
	LDAPMessage *res = NULL;
	*mails_r = json_array();
	if (group_dn == NULL || *group_dn == '\0')
		return 0;
	int rc = svc_search(c, group_dn, LDAP_SCOPE_BASE, "(objectClass=*)", member_attrs, 1, &res, error_r);
	if (rc < 0)
		return -1;
	LDAPMessage *e = ldap_first_entry(svc_conn.ld, res);
	struct berval **members = e ? ldap_get_values_len(svc_conn.ld, e, "member") : NULL;
	ldap_msgfree(res);
	for (int i = 0; members && members[i] && i < 50; i++) {
		char *dn = xstrndup(members[i]->bv_val, members[i]->bv_len);
		LDAPMessage *mr = NULL;
		const char *err = NULL;
		if (svc_search(c, dn, LDAP_SCOPE_BASE, "(objectClass=*)", mail_attrs, 1, &mr, &err) == 0) {
			LDAPMessage *me = ldap_first_entry(svc_conn.ld, mr);
			struct berval **mail = me ? ldap_get_values_len(svc_conn.ld, me, "mail") : NULL;
			if (mail != NULL && mail[0] != NULL)
				json_array_append_new(*mails_r, json_stringn(mail[0]->bv_val, mail[0]->bv_len));
			ldap_value_free_len(mail);
		}
		(void)err;	/* a member that is gone is simply not told */
		ldap_msgfree(mr);
		free(dn);
	}
	ldap_value_free_len(members);
	return 0;
}

char *dir_filter_value(const char *value)
{
	struct berval in, out;
	if (value == NULL)
		return NULL;
	if (*value == '\0')
		return xstrdup("");	/* libldap would memcpy from a NULL output */
	in.bv_val = (char *)value;
	in.bv_len = strlen(value);
	out.bv_val = NULL;
	if (ldap_bv2escaped_filter_value(&in, &out) != 0 || out.bv_val == NULL)
		return NULL;
	char *s = xstrndup(out.bv_val, out.bv_len);
	ber_memfree(out.bv_val);
	return s;
}

char *dir_child_dn(const char *attr, const char *value, const char *parent)
{
	LDAPAVA ava;
	LDAPAVA *rdn[2] = { &ava, NULL };
	LDAPRDN rdns[2] = { rdn, NULL };
	char *str = NULL;

	if (*attr == '\0' || *value == '\0')
		return NULL;
	memset(&ava, 0, sizeof(ava));
	ava.la_attr.bv_val = (char *)attr;
	ava.la_attr.bv_len = strlen(attr);
	ava.la_value.bv_val = (char *)value;
	ava.la_value.bv_len = strlen(value);
	ava.la_flags = LDAP_AVA_STRING;
	if (ldap_dn2str((LDAPDN)rdns, &str, LDAP_DN_FORMAT_LDAPV3 | LDAP_DN_PRETTY) != LDAP_SUCCESS || str == NULL)
		return NULL;
	char *dn = parent && *parent ? xasprintf("%s,%s", str, parent) : xstrdup(str);
	ldap_memfree(str);
	return dn;
}

char *dir_dn_normalize(const char *dn)
{
	char *out = NULL, *again = NULL;
	if (ldap_dn_normalize(dn, LDAP_DN_FORMAT_LDAPV3, &out, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS)
		return NULL;
	/* libldap takes some malformed values and writes forms it refuses to
	 * read back ("sn=# u=x" becomes "sn=#"): a DN whose normal form is not
	 * its own normal form is not a DN we compare */
	int same = out != NULL &&
		   ldap_dn_normalize(out, LDAP_DN_FORMAT_LDAPV3, &again, LDAP_DN_FORMAT_LDAPV3) == LDAP_SUCCESS &&
		   again != NULL && strcmp(out, again) == 0;
	char *s = same ? xstrdup(out) : NULL;
	ldap_memfree(out);
	ldap_memfree(again);
	return s;
}

int dir_dn_equal(const char *a, const char *b)
{
	char *na = dir_dn_normalize(a), *nb = dir_dn_normalize(b);
	int eq = na && nb && strcasecmp(na, nb) == 0;
	free(na);
	free(nb);
	return eq;
}

/* Roles: membership (member=<user dn>) in the configured role groups,
 * read with the service identity. */
static int read_roles(const struct conf *c, const char *user_dn, role_mask *roles_r, const char **error_r)
{
	char *esc = dir_filter_value(user_dn);
	char *filter = xasprintf("(&(objectClass=groupOfNames)(member=%s))", esc ? esc : "");
	char *attrs[] = { "1.1", NULL };
	LDAPMessage *res = NULL, *e;
	role_mask roles = 0;
	int rc;

	free(esc);
	rc = svc_search(c, c->ldap_base_dn, LDAP_SCOPE_SUBTREE, filter, attrs, 0, &res, error_r);
	free(filter);
	if (rc < 0)
		return rc;
	for (e = ldap_first_entry(svc_conn.ld, res); e; e = ldap_next_entry(svc_conn.ld, e)) {
		char *dn = ldap_get_dn(svc_conn.ld, e);
		for (int r = 0; r < ROLE_COUNT && dn; r++)
			if (c->role_group[r][0] != '\0' && dir_dn_equal(dn, c->role_group[r]))
				roles |= ROLE_BIT(r);
		ldap_memfree(dn);
	}
	ldap_msgfree(res);
	if (c->role_group[ROLE_EMPLOYEE][0] == '\0')
		roles |= ROLE_BIT(ROLE_EMPLOYEE);
	*roles_r = roles;
	return 0;
}

/* Binds as dn with the ppolicy request control and reads the response
 * control, so a locked account is told apart from a wrong password. */
static enum dir_auth_result user_bind(const struct conf *c, const char *dn, const char *password,
				      const char **error_r)
{
	struct berval cred;
	LDAPControl *req = NULL, *reqs[2] = { NULL, NULL }, **ctrls = NULL;
	LDAPMessage *res = NULL;
	struct timeval tv = { c->ldap_timeout, 0 };
	int rc = LDAP_SERVER_DOWN, err = 0, msgid;
	char *diag = NULL;

	cred.bv_val = (char *)password;
	cred.bv_len = strlen(password);
	for (int attempt = 0; attempt < 2; attempt++) {
		LDAP *ld = conn_get(&user_conn, c, 0, error_r);
		if (ld == NULL)
			return DIR_AUTH_UNAVAILABLE;
		if (req == NULL && ldap_create_passwordpolicy_control(ld, &req) == LDAP_SUCCESS)
			reqs[0] = req;
		rc = ldap_sasl_bind(ld, dn, LDAP_SASL_SIMPLE, &cred, reqs, NULL, &msgid);
		if (rc == LDAP_SUCCESS) {
			rc = ldap_result(ld, msgid, LDAP_MSG_ALL, &tv, &res);
			if (rc <= 0) {
				rc = rc == 0 ? LDAP_TIMEOUT : LDAP_SERVER_DOWN;
				if (rc == LDAP_TIMEOUT)
					ldap_abandon_ext(ld, msgid, NULL, NULL);
			} else {
				rc = ldap_parse_result(ld, res, &err, NULL, &diag, NULL, &ctrls, 1);
				res = NULL;
				if (rc == LDAP_SUCCESS)
					rc = err;
			}
		}
		if (!is_down(rc))
			break;
		ldap_controls_free(ctrls);
		ctrls = NULL;
		ldap_memfree(diag);
		diag = NULL;
		conn_close(&user_conn);
	}
	if (req != NULL)
		ldap_control_free(req);

	enum dir_auth_result result;
	LDAPPasswordPolicyError pperr = PP_noError;
	LDAPControl *pp = ctrls ? ldap_control_find(LDAP_CONTROL_PASSWORDPOLICYRESPONSE, ctrls, NULL) : NULL;
	if (pp != NULL && user_conn.ld != NULL)
		ldap_parse_passwordpolicy_control(user_conn.ld, pp, NULL, NULL, &pperr);
	if (rc == LDAP_SUCCESS)
		result = DIR_AUTH_OK;
	else if (pperr == PP_accountLocked) {
		result = DIR_AUTH_LOCKED;
		*error_r = t_printf("ldap_bind(dn=%s) refused: account locked (ppolicy)", dn);
	} else if (rc == LDAP_INVALID_CREDENTIALS) {
		result = DIR_AUTH_BAD_CREDENTIALS;
		*error_r = t_printf("ldap_bind(dn=%s) failed: %s", dn, ldap_err2string(rc));
	} else if (is_down(rc)) {
		result = DIR_AUTH_UNAVAILABLE;
		*error_r = t_printf("ldap_bind(dn=%s, %s) failed: %s", dn, c->ldap_uri, ldap_err2string(rc));
		conn_close(&user_conn);
	} else {
		/* e.g. unwillingToPerform, inappropriateAuthentication */
		result = DIR_AUTH_BAD_CREDENTIALS;
		*error_r = t_printf("ldap_bind(dn=%s) failed: %s%s%s", dn, ldap_err2string(rc),
				    diag && *diag ? ": " : "", diag ? diag : "");
	}
	ldap_controls_free(ctrls);
	ldap_memfree(diag);
	/* Drop the user's identity from the connection: rebind anonymously next
	 * time by simply binding again; nothing else uses this connection. */
	return result;
}

/* The person's entry found by login: dn, canonical login, name, unit and
 * mail in user_r; *locked_r when ppolicy has locked the account (which is
 * how the account plugin disables one). */
static enum dir_auth_result find_user(const struct conf *c, const char *login, struct dir_user *user_r,
				      int *locked_r, const char **error_r)
{
	char *esc, *filter;
	char *attrs[] = { "cn", "displayName", "mail", c->ldap_unit_attr, c->ldap_login_attr,
			  "pwdAccountLockedTime", NULL };
	LDAPMessage *res = NULL, *e;
	int rc, n;

	*locked_r = 0;
	esc = dir_filter_value(login);
	if (esc == NULL) {
		*error_r = t_strdup("login cannot be escaped");
		return DIR_AUTH_BAD_CREDENTIALS;
	}
	filter = xasprintf("(&(objectClass=inetOrgPerson)(%s=%s))", c->ldap_login_attr, esc);
	free(esc);
	rc = svc_search(c, c->ldap_people_dn, LDAP_SCOPE_SUBTREE, filter, attrs, 2, &res, error_r);
	free(filter);
	if (rc < 0)
		return DIR_AUTH_UNAVAILABLE;
	n = ldap_count_entries(svc_conn.ld, res);
	if (n != 1) {
		*error_r = n == 0 ? t_printf("no directory entry with %s=%s under %s", c->ldap_login_attr,
					     login, c->ldap_people_dn)
				  : t_printf("%s=%s matches more than one entry under %s",
					     c->ldap_login_attr, login, c->ldap_people_dn);
		ldap_msgfree(res);
		return DIR_AUTH_BAD_CREDENTIALS;
	}
	e = ldap_first_entry(svc_conn.ld, res);
	char *dn = ldap_get_dn(svc_conn.ld, e);
	struct berval **vals = ldap_get_values_len(svc_conn.ld, e, "displayName");
	if (vals == NULL)
		vals = ldap_get_values_len(svc_conn.ld, e, "cn");
	user_r->dn = xstrdup(dn ? dn : "");
	user_r->login = canonical_value(svc_conn.ld, e, dn, c->ldap_login_attr);
	if (user_r->login == NULL) {
		*error_r = t_printf("the entry %s found for %s=%s has no %s value", dn ? dn : "?",
				    c->ldap_login_attr, login, c->ldap_login_attr);
		ldap_value_free_len(vals);
		ldap_memfree(dn);
		ldap_msgfree(res);
		dir_user_free(user_r);
		return DIR_AUTH_BAD_CREDENTIALS;
	}
	user_r->display_name = vals && vals[0] ? xstrndup(vals[0]->bv_val, vals[0]->bv_len) : xstrdup(login);
	ldap_value_free_len(vals);
	vals = ldap_get_values_len(svc_conn.ld, e, c->ldap_unit_attr);
	if (vals != NULL && vals[0] != NULL)
		user_r->unit = xstrndup(vals[0]->bv_val, vals[0]->bv_len);
	ldap_value_free_len(vals);
	vals = ldap_get_values_len(svc_conn.ld, e, "mail");
	if (vals != NULL && vals[0] != NULL)
		user_r->mail = xstrndup(vals[0]->bv_val, vals[0]->bv_len);
	ldap_value_free_len(vals);
	vals = ldap_get_values_len(svc_conn.ld, e, "pwdAccountLockedTime");
	*locked_r = vals != NULL && vals[0] != NULL;
	ldap_value_free_len(vals);
	ldap_memfree(dn);
	ldap_msgfree(res);
	return DIR_AUTH_OK;
}

enum dir_auth_result dir_authenticate(const struct conf *c, const char *login,
				      const char *password, struct dir_user *user_r,
				      int *bound_r, const char **error_r)
{
	int locked;

	memset(user_r, 0, sizeof(*user_r));
	*bound_r = 0;
	/* An empty password would be an unauthenticated bind (RFC 4513 5.1.2),
	 * which succeeds: refuse it before it reaches the directory. */
	if (*login == '\0' || *password == '\0') {
		*error_r = t_strdup("empty login or password");
		return DIR_AUTH_BAD_CREDENTIALS;
	}
	enum dir_auth_result ar = find_user(c, login, user_r, &locked, error_r);
	if (ar != DIR_AUTH_OK)
		return ar;
	/* the bind decides (ppolicy says locked only to the right password) */
	*bound_r = 1;
	ar = user_bind(c, user_r->dn, password, error_r);
	if (ar != DIR_AUTH_OK) {
		dir_user_free(user_r);
		return ar;
	}
	if (read_roles(c, user_r->dn, &user_r->roles, error_r) < 0) {
		dir_user_free(user_r);
		return DIR_AUTH_UNAVAILABLE;
	}
	return DIR_AUTH_OK;
}

enum dir_auth_result dir_lookup_user(const struct conf *c, const char *login, struct dir_user *user_r,
				     const char **error_r)
{
	int locked;

	memset(user_r, 0, sizeof(*user_r));
	enum dir_auth_result ar = find_user(c, login, user_r, &locked, error_r);
	if (ar != DIR_AUTH_OK)
		return ar;
	if (locked) {
		*error_r = t_printf("the account %s is locked (pwdAccountLockedTime)", user_r->dn);
		dir_user_free(user_r);
		return DIR_AUTH_LOCKED;
	}
	if (read_roles(c, user_r->dn, &user_r->roles, error_r) < 0) {
		dir_user_free(user_r);
		return DIR_AUTH_UNAVAILABLE;
	}
	return DIR_AUTH_OK;
}

void dir_user_free(struct dir_user *u)
{
	free(u->dn);
	free(u->login);
	free(u->display_name);
	free(u->unit);
	free(u->mail);
	memset(u, 0, sizeof(*u));
}
