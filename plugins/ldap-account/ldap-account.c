/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	ldap-account - a person's POSIX account in OpenLDAP
 * SYNOPSIS
 *	plugin.acct.library = ldap-account
 *	plugin.acct.uri = ldapi://%2Fvar%2Frun%2Fslapd%2Fldapi
 *	plugin.acct.auth = sasl_external
 *	plugin.acct.people_dn = ou=people,dc=example,dc=org
 * DESCRIPTION
 *	One entry per person, uid=<person.uid>,<people_dn>, of the classes
 *	inetOrgPerson, posixAccount, shadowAccount and pvdPerson, marked
 *	pvdManaged: TRUE. README.md in this folder lists the keys, the
 *	attributes and what each intent does.
 *
 *	apply (create, update): absent -> add; present and ours -> modify only
 *	the attributes that differ (NOOP when none do); present and not ours
 *	-> CONFLICT, untouched. A create (a hire, also a rehire) re-enables a
 *	disabled account; an update does too unless the person's status is
 *	"disabled".
 *	disable: pwdAccountLockedTime: 000001010000Z (ppolicy's permanent
 *	lock: binds fail with 49) and shadowExpire: 1 (expired for PAM/NSS).
 *	Nothing is deleted. enable removes both.
 *	read: the managed attributes.
 *
 *	Passwords: this plugin never writes userPassword; provisiond sets a
 *	password with its own set-password flow (an extended operation by
 *	the daemon, from the person's one-time token), so no secret passes
 *	through an operation, its before/after or the change log.
 * DIAGNOSTICS
 *	Messages as "ldap_add(dn=...) failed: Already exists" (ldapconn.h).
 */
#include "config.h"
#include "ldapconn.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PLUGIN_NAME "ldap-account"
#define LOCKED_TIME "000001010000Z"	/* ppolicy: locked until an administrator unlocks */
#define EXPIRED_DAY "1"			/* shadowExpire: days since 1970; 1 = long expired */

struct acct_conf {
	struct lc_conf conn;		/* first, for lc_plugin_* */
	char *people_dn;
	char *home_base;
	char *login_shell;
	int gid_number;
};

#define K(m) offsetof(struct acct_conf, m)
static const struct pvd_conf_row acct_rows[] = {
	LC_CONF_ROWS(struct acct_conf, conn),
	{ .name = "people_dn", .type = PVD_CONF_STRING, .offset = K(people_dn), .flags = PVD_CONF_REQUIRED },
	{ .name = "home_base", .type = PVD_CONF_STRING, .offset = K(home_base), .def = "/home", .flags = PVD_CONF_REQUIRED },
	{ .name = "login_shell", .type = PVD_CONF_STRING, .offset = K(login_shell), .def = "/bin/bash",
	  .flags = PVD_CONF_REQUIRED },
	{ .name = "gid_number", .type = PVD_CONF_INT, .offset = K(gid_number), .def = "10000", .min = 0,
	  .max = 2147483647 },
	{ .name = NULL },
};

/* One thread's handle: its connection (first, for lc_plugin_*) and the
 * instance's configuration. */
struct acct {
	struct ldapconn *lc;
	const struct acct_conf *conf;
};

/* The attributes this plugin owns, in the order they are written and
 * shown. uid is the RDN: written on add, never modified. */
enum {
	A_UID, A_CN, A_SN, A_GIVEN, A_DISPLAY, A_EMPNO, A_UIDNUM, A_GIDNUM, A_HOME, A_SHELL, A_MAIL,
	A_OU, A_TITLE, A_CTYPE, A_CSTART, A_CEND, A_UNIT, A_POSITION, A_MANAGED, A_NATTRS
};
static const char *const attr_names[A_NATTRS] = {
	"uid", "cn", "sn", "givenName", "displayName", "employeeNumber", "uidNumber", "gidNumber",
	"homeDirectory", "loginShell", "mail", "ou", "title", "pvdContractType", "pvdContractStart",
	"pvdContractEnd", "pvdUnit", "pvdPosition", "pvdManaged",
};

/* What before/after show: the managed attributes, the lock and the request id. */
static const char *const shown_attrs[] = {
	"uid", "cn", "sn", "givenName", "displayName", "employeeNumber", "uidNumber", "gidNumber",
	"homeDirectory", "loginShell", "mail", "ou", "title", "pvdContractType", "pvdContractStart",
	"pvdContractEnd", "pvdUnit", "pvdPosition", "pvdManaged", "pvdRequestId",
	"pwdAccountLockedTime", "shadowExpire", NULL,
};
static const char *const object_classes[] = { "inetOrgPerson", "posixAccount", "shadowAccount", "pvdPerson", NULL };

/* Read with the entry: what is shown, plus objectClass. pwdAccountLockedTime
 * is operational: it is returned only when asked for by name. */
static char *read_attrs[] = {
	"uid", "cn", "sn", "givenName", "displayName", "employeeNumber", "uidNumber", "gidNumber",
	"homeDirectory", "loginShell", "mail", "ou", "title", "pvdContractType", "pvdContractStart",
	"pvdContractEnd", "pvdUnit", "pvdPosition", "pvdManaged", "pvdRequestId",
	"pwdAccountLockedTime", "shadowExpire", "objectClass", NULL,
};

/* ---- instance ------------------------------------------------------------------- */

static int acct_configure(const struct pvd_host *host, const char *instance, void *conf, const int *lines,
			  char **error_r)
{
	struct acct_conf *c = conf;
	(void)instance;
	return lc_configure(host, &c->conn, lines, error_r) < 0 ? -1 : lc_check_dn("people_dn", c->people_dn, error_r);
}

static int acct_open(const struct pvd_host *host, const char *instance, const void *conf, void **inst_r,
		     char **error_r)
{
	struct acct *a = lc_plugin_open(host, instance, PLUGIN_NAME, conf, sizeof(*a), inst_r, error_r);
	a->conf = conf;
	return 0;
}

/* ---- the person ------------------------------------------------------------------ */

struct person {
	const char *uid;
	char *dn;
	char *want[A_NATTRS];	/* desired value, NULL: not set by provisiond */
	int status_disabled;
};

static void person_free(struct person *p)
{
	free(p->dn);
	for (int i = 0; i < A_NATTRS; i++)
		free(p->want[i]);
	memset(p, 0, sizeof(*p));
}

/* "2026-12-01" -> "20261201000000Z"; NULL if malformed. */
static char *generalized_date(const char *d)
{
	if (strlen(d) != 10 || d[4] != '-' || d[7] != '-')
		return NULL;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)d[i]))
			return NULL;
	return lc_asprintf("%.4s%.2s%.2s000000Z", d, d + 5, d + 8);
}

/* The uid and DN (every intent needs them). */
static enum pvd_status person_dn(struct acct *a, const struct pvd_op *op, struct person *p, struct pvd_result *res)
{
	memset(p, 0, sizeof(*p));
	p->uid = lc_jstr(op->person, "uid");
	if (p->uid == NULL)
		return lc_set(res, PVD_FAIL, "the person has no uid (employee_number %s)",
			      lc_jstr(op->person, "employee_number") ? lc_jstr(op->person, "employee_number") : "?");
	p->dn = a->lc->host->ldap_child_dn("uid", p->uid, a->conf->people_dn);
	if (p->dn == NULL)
		return lc_set(res, PVD_FAIL, "no DN can be made of uid '%s' under %s", p->uid, a->conf->people_dn);
	snprintf(res->object, sizeof(res->object), "%s", p->dn);
	const char *st = lc_jstr(op->person, "status");
	p->status_disabled = st != NULL && strcmp(st, "disabled") == 0;
	return PVD_OK;
}

/* The entry as provisiond wants it. */
static enum pvd_status person_want(struct acct *a, const struct pvd_op *op, struct person *p, struct pvd_result *res)
{
	json_t *pj = op->person;
	const char *given = lc_jstr(pj, "given_names"), *family = lc_jstr(pj, "family_names");
	const char *emp = lc_jstr(pj, "employee_number"), *mail = lc_jstr(pj, "mail");
	const char *unit = lc_jstr(pj, "unit"), *pos = lc_jstr(pj, "position"), *ctype = lc_jstr(pj, "contract_type");
	const char *start = lc_jstr(pj, "start_date"), *end = lc_jstr(pj, "end_date");
	json_t *un = json_object_get(pj, "uid_number");
	long long uidn = -1;

	if (json_is_integer(un))
		uidn = json_integer_value(un);
	else if (json_is_string(un) && *json_string_value(un) != '\0') {
		char *e = NULL;
		uidn = strtoll(json_string_value(un), &e, 10);
		if (*e != '\0')
			uidn = -1;
	}
	if (family == NULL)
		return lc_set(res, PVD_FAIL, "the person %s has no family_names (sn is required)", p->uid);
	if (uidn < 0)
		return lc_set(res, PVD_FAIL, "the person %s has no uid_number (posixAccount needs one)", p->uid);

	p->want[A_UID] = lc_strdup(p->uid);
	p->want[A_CN] = given ? lc_asprintf("%s %s", given, family) : lc_strdup(family);
	p->want[A_SN] = lc_strdup(family);
	p->want[A_GIVEN] = given ? lc_strdup(given) : NULL;
	p->want[A_DISPLAY] = lc_strdup(p->want[A_CN]);
	p->want[A_EMPNO] = emp ? lc_strdup(emp) : NULL;
	p->want[A_UIDNUM] = lc_asprintf("%lld", uidn);
	p->want[A_GIDNUM] = lc_asprintf("%d", a->conf->gid_number);
	const char *hb = a->conf->home_base;
	size_t hl = strlen(hb);
	p->want[A_HOME] = lc_asprintf("%s%s%s", hb, hl > 0 && hb[hl - 1] == '/' ? "" : "/", p->uid);
	p->want[A_SHELL] = lc_strdup(a->conf->login_shell);
	p->want[A_MAIL] = mail ? lc_strdup(mail) : NULL;
	p->want[A_OU] = unit ? lc_strdup(unit) : NULL;
	p->want[A_TITLE] = pos ? lc_strdup(pos) : NULL;
	p->want[A_CTYPE] = ctype ? lc_strdup(ctype) : NULL;
	if (start != NULL && (p->want[A_CSTART] = generalized_date(start)) == NULL)
		return lc_set(res, PVD_FAIL, "start_date '%s' of %s is not YYYY-MM-DD", start, p->uid);
	if (end != NULL && (p->want[A_CEND] = generalized_date(end)) == NULL)
		return lc_set(res, PVD_FAIL, "end_date '%s' of %s is not YYYY-MM-DD", end, p->uid);
	p->want[A_UNIT] = unit ? lc_strdup(unit) : NULL;
	p->want[A_POSITION] = pos ? lc_strdup(pos) : NULL;
	p->want[A_MANAGED] = lc_strdup("TRUE");
	return PVD_OK;
}

/* Attributes provisiond removes when the person has no value for them:
 * the contract end (a consultant who becomes staff). The others are left
 * alone when unset (mail, for one, may be another system's). */
static int cleared_when_unset(int i)
{
	return i == A_CEND;
}

/* ---- the entry -------------------------------------------------------------------- */

struct entry {
	LDAPMessage *res;
	LDAPMessage *e;		/* NULL: no entry */
};

static void entry_free(struct entry *en)
{
	ldap_msgfree(en->res);
	memset(en, 0, sizeof(*en));
}

static int read_entry(struct acct *a, const char *dn, struct entry *en)
{
	memset(en, 0, sizeof(*en));
	int rc = lc_read(a->lc, dn, NULL, read_attrs, &en->res);
	if (rc == LDAP_SUCCESS && en->res != NULL)
		en->e = ldap_first_entry(a->lc->ld, en->res);
	return rc;
}

static int has_value(struct acct *a, LDAPMessage *e, const char *attr, const char *value)
{
	struct berval **v = ldap_get_values_len(a->lc->ld, e, attr);
	int found = 0;
	for (int i = 0; v != NULL && v[i] != NULL && !found; i++)
		found = value == NULL ||
			(v[i]->bv_len == strlen(value) && memcmp(v[i]->bv_val, value, v[i]->bv_len) == 0);
	ldap_value_free_len(v);
	return found;
}

/* Exactly one value, equal to value. */
static int equals(struct acct *a, LDAPMessage *e, const char *attr, const char *value)
{
	struct berval **v = ldap_get_values_len(a->lc->ld, e, attr);
	int eq = ldap_count_values_len(v) == 1 && v[0]->bv_len == strlen(value) &&
		 memcmp(v[0]->bv_val, value, v[0]->bv_len) == 0;
	ldap_value_free_len(v);
	return eq;
}

/* Takes away what disabling put on the entry (the ppolicy lock, the
 * shadow expiry): the account works again. */
static void unlock_mods(struct acct *a, LDAPMessage *e, struct lc_mods *m)
{
	if (has_value(a, e, "pwdAccountLockedTime", NULL))
		lc_mods_add(m, LDAP_MOD_DELETE, "pwdAccountLockedTime", NULL);
	if (has_value(a, e, "shadowExpire", NULL))
		lc_mods_add(m, LDAP_MOD_DELETE, "shadowExpire", NULL);
}

static int is_ours(struct acct *a, LDAPMessage *e)
{
	return lc_is_true(a->lc, e, "pvdManaged");
}

static int is_locked(struct acct *a, LDAPMessage *e)
{
	return has_value(a, e, "pwdAccountLockedTime", NULL) || has_value(a, e, "shadowExpire", NULL);
}

static enum pvd_status not_ours(struct pvd_result *res, const char *dn)
{
	return lc_set(res, PVD_CONFLICT, "%s exists and was not created by provisiond; not overwritten", dn);
}

/* Applies mods (as made by the plugin) to a JSON copy of the entry. */
static json_t *simulate(const json_t *before, const struct lc_mods *m)
{
	json_t *o = json_deep_copy(before);
	for (int i = 0; i < m->n; i++) {
		LDAPMod *mod = m->v[i];
		int op = mod->mod_op & ~LDAP_MOD_BVALUES;
		const char *attr = mod->mod_type;
		int known = 0;
		for (int k = 0; shown_attrs[k] != NULL; k++)
			if (strcmp(shown_attrs[k], attr) == 0)
				known = 1;
		if (!known)
			continue;	/* objectClass */
		if (op == LDAP_MOD_DELETE) {
			json_object_del(o, attr);
			continue;
		}
		int n = 0;
		while (mod->mod_bvalues != NULL && mod->mod_bvalues[n] != NULL)
			n++;
		if (n == 1)
			json_object_set_new(o, attr, json_string(mod->mod_bvalues[0]->bv_val));
		else if (n > 1) {
			json_t *a = json_array();
			for (int k = 0; k < n; k++)
				json_array_append_new(a, json_string(mod->mod_bvalues[k]->bv_val));
			json_object_set_new(o, attr, a);
		}
	}
	return o;
}

static void names_of(const struct lc_mods *m, char *out, size_t size)
{
	size_t len = 0;
	out[0] = '\0';
	for (int i = 0; i < m->n && len < size; i++) {
		int w = snprintf(out + len, size - len, "%s%s", i ? ", " : "", m->v[i]->mod_type);
		if (w < 0)
			break;
		len += (size_t)w;
	}
}

/* ---- apply ---------------------------------------------------------------------------- */

/* One subtree search for the uid under people_dn: the person's own entry
 * (into *en, read_attrs), and another entry with this uid, if any (a
 * filter search: the value is escaped, so "*" or ")(" in a uid match
 * nothing else). It replaces a read of the DN and a uniqueness search. */
static int find_uid(struct acct *a, const struct person *p, struct entry *en, char **other_dn_r)
{
	char *esc = a->lc->host->ldap_filter_value(p->uid);
	char *filter = lc_asprintf("(uid=%s)", esc ? esc : "");
	memset(en, 0, sizeof(*en));
	*other_dn_r = NULL;
	free(esc);
	int rc = lc_search(a->lc, a->conf->people_dn, LDAP_SCOPE_SUBTREE, filter, read_attrs, 2, &en->res);
	free(filter);
	if (rc != LDAP_SUCCESS)
		return rc;
	for (LDAPMessage *e = ldap_first_entry(a->lc->ld, en->res); e; e = ldap_next_entry(a->lc->ld, e)) {
		char *dn = ldap_get_dn(a->lc->ld, e);
		if (dn != NULL && lc_dn_equal(dn, p->dn))
			en->e = e;
		else if (dn != NULL && *other_dn_r == NULL)
			*other_dn_r = lc_strdup(dn);
		ldap_memfree(dn);
	}
	return LDAP_SUCCESS;
}

/* Adds the entry (other_dn: another entry with the uid, found by find_uid). */
static enum pvd_status add_entry(struct acct *a, const struct pvd_op *op, struct person *p, const char *other_dn,
				 struct pvd_result *res, int *exists_r)
{
	struct lc_mods m = { NULL, 0 };
	enum pvd_status st;

	*exists_r = 0;
	if (other_dn != NULL)
		return lc_set(res, PVD_CONFLICT, "uid %s is already used by %s; %s not added", p->uid, other_dn, p->dn);
	for (int i = 0; object_classes[i] != NULL; i++)
		lc_mods_add(&m, LDAP_MOD_ADD, "objectClass", object_classes[i]);
	for (int i = 0; i < A_NATTRS; i++)
		if (p->want[i] != NULL)
			lc_mods_add(&m, LDAP_MOD_ADD, attr_names[i], p->want[i]);
	char rid[32];
	if (op->request_id > 0) {
		snprintf(rid, sizeof(rid), "%lld", op->request_id);
		lc_mods_add(&m, LDAP_MOD_ADD, "pvdRequestId", rid);
	}
	json_t *empty = json_object();
	res->after = simulate(empty, &m);
	json_decref(empty);
	res->before = NULL;
	if (op->dry_run) {
		st = lc_set(res, PVD_OK, "dry run: would add %s", p->dn);
	} else {
		int rc = lc_add(a->lc, p->dn, m.v);
		if (rc == LDAP_ALREADY_EXISTS) {
			/* made since we looked (or our own add, answered on a lost
			 * connection): the caller reads it again and compares */
			*exists_r = 1;
			json_decref(res->after);
			res->after = NULL;
			st = PVD_OK;
		} else if (rc != LDAP_SUCCESS)
			st = lc_undo(a->lc, res);
		else
			st = lc_set(res, PVD_OK, "added %s", p->dn);
	}
	lc_mods_free(&m);
	return st;
}

static enum pvd_status acct_apply(void *inst, const struct pvd_op *op, struct pvd_result *res)
{
	struct acct *a = inst;
	struct person p;
	struct entry en = { NULL, NULL };
	struct lc_mods m = { NULL, 0 };
	enum pvd_status st;

	if ((st = person_dn(a, op, &p, res)) != PVD_OK || (st = person_want(a, op, &p, res)) != PVD_OK)
		goto out;
	/* write first: one search, then the add; the entry is read again
	 * only when the add finds it made meanwhile */
	char *other = NULL;
	if (find_uid(a, &p, &en, &other) != LDAP_SUCCESS) {
		st = lc_result(a->lc, res);
		goto out;
	}
	if (en.e == NULL) {
		int exists = 0;
		st = add_entry(a, op, &p, other, res, &exists);
		free(other);
		if (!exists)
			goto out;
		entry_free(&en);
		if (read_entry(a, p.dn, &en) != LDAP_SUCCESS) {
			st = lc_result(a->lc, res);
			goto out;
		}
	} else
		free(other);
	if (en.e == NULL) {
		st = lc_set(res, PVD_RETRY, "%s was reported as existing but cannot be read", p.dn);
		goto out;
	}
	res->before = lc_entry_json(a->lc, en.e, shown_attrs);
	if (!is_ours(a, en.e)) {
		st = not_ours(res, p.dn);
		goto out;
	}

	/* what differs */
	for (int i = 0; object_classes[i] != NULL; i++)
		if (!lc_has_class(a->lc, en.e, object_classes[i]))
			lc_mods_add(&m, LDAP_MOD_ADD, "objectClass", object_classes[i]);
	for (int i = A_CN; i < A_NATTRS; i++) {
		if (p.want[i] != NULL) {
			if (!equals(a, en.e, attr_names[i], p.want[i]))
				lc_mods_add(&m, LDAP_MOD_REPLACE, attr_names[i], p.want[i]);
		} else if (cleared_when_unset(i) && has_value(a, en.e, attr_names[i], NULL))
			lc_mods_add(&m, LDAP_MOD_DELETE, attr_names[i], NULL);
	}
	char changed[600];
	names_of(&m, changed, sizeof(changed));
	/* a hire (also a rehire) gives access; an update of a departed person does not */
	int reenable = is_locked(a, en.e) && (strcmp(op->intent, "create") == 0 || !p.status_disabled);
	if (reenable)
		unlock_mods(a, en.e, &m);
	if (m.n == 0) {
		res->after = json_incref(res->before);
		st = lc_set(res, PVD_NOOP, "%s is up to date", p.dn);
		goto out;
	}
	if (op->request_id > 0) {
		char rid[32];
		snprintf(rid, sizeof(rid), "%lld", op->request_id);
		lc_mods_add(&m, LDAP_MOD_REPLACE, "pvdRequestId", rid);
	}
	res->after = simulate(res->before, &m);
	if (op->dry_run) {
		if (changed[0] != '\0')
			st = lc_set(res, PVD_OK, "dry run: would modify %s (%s)%s", p.dn, changed,
				    reenable ? " and enable it again" : "");
		else
			st = lc_set(res, PVD_OK, "dry run: would enable %s again", p.dn);
		goto out;
	}
	if (lc_modify(a->lc, p.dn, m.v) != LDAP_SUCCESS) {
		st = lc_undo(a->lc, res);
		goto out;
	}
	if (changed[0] != '\0')
		st = lc_set(res, PVD_OK, "modified %s (%s)%s", p.dn, changed, reenable ? "; enabled again" : "");
	else
		st = lc_set(res, PVD_OK, "enabled %s again", p.dn);
out:
	lc_mods_free(&m);
	entry_free(&en);
	person_free(&p);
	return res->status = st;
}

/* ---- disable, enable, read ---------------------------------------------------------------- */

/* Reads the entry for disable/enable/read: OK with en->e set, or the status. */
static enum pvd_status existing(struct acct *a, const struct pvd_op *op, struct person *p, struct entry *en,
				struct pvd_result *res, int must_be_ours)
{
	enum pvd_status st;
	if ((st = person_dn(a, op, p, res)) != PVD_OK)
		return st;
	if (read_entry(a, p->dn, en) != LDAP_SUCCESS)
		return lc_result(a->lc, res);
	if (en->e == NULL)
		return lc_set(res, PVD_NOTFOUND, "%s does not exist", p->dn);
	res->before = lc_entry_json(a->lc, en->e, shown_attrs);
	if (must_be_ours && !is_ours(a, en->e))
		return not_ours(res, p->dn);
	return PVD_OK;
}

static enum pvd_status set_lock(struct acct *a, const struct pvd_op *op, int lock, struct pvd_result *res)
{
	struct person p;
	struct entry en = { NULL, NULL };
	struct lc_mods m = { NULL, 0 };
	enum pvd_status st;

	memset(&p, 0, sizeof(p));
	if ((st = existing(a, op, &p, &en, res, 1)) != PVD_OK)
		goto out;
	if (lock) {
		if (!equals(a, en.e, "pwdAccountLockedTime", LOCKED_TIME))
			lc_mods_add(&m, LDAP_MOD_REPLACE, "pwdAccountLockedTime", LOCKED_TIME);
		if (!equals(a, en.e, "shadowExpire", EXPIRED_DAY))
			lc_mods_add(&m, LDAP_MOD_REPLACE, "shadowExpire", EXPIRED_DAY);
		if (!lc_has_class(a->lc, en.e, "shadowAccount"))
			lc_mods_add(&m, LDAP_MOD_ADD, "objectClass", "shadowAccount");
	} else {
		unlock_mods(a, en.e, &m);
	}
	if (m.n == 0) {
		res->after = json_incref(res->before);
		st = lc_set(res, PVD_NOOP, "%s is already %s", p.dn, lock ? "disabled" : "enabled");
		goto out;
	}
	res->after = simulate(res->before, &m);
	if (op->dry_run) {
		st = lc_set(res, PVD_OK, "dry run: would %s %s", lock ? "disable" : "enable", p.dn);
		goto out;
	}
	if (lc_modify(a->lc, p.dn, m.v) != LDAP_SUCCESS) {
		st = lc_undo(a->lc, res);
		goto out;
	}
	st = lc_set(res, PVD_OK, "%s %s", lock ? "disabled" : "enabled", p.dn);
out:
	lc_mods_free(&m);
	entry_free(&en);
	person_free(&p);
	return res->status = st;
}

static enum pvd_status acct_disable(void *inst, const struct pvd_op *op, struct pvd_result *res)
{
	return set_lock(inst, op, 1, res);
}

static enum pvd_status acct_enable(void *inst, const struct pvd_op *op, struct pvd_result *res)
{
	return set_lock(inst, op, 0, res);
}

static enum pvd_status acct_read(void *inst, const struct pvd_op *op, struct pvd_result *res)
{
	struct acct *a = inst;
	struct person p;
	struct entry en = { NULL, NULL };
	enum pvd_status st;

	memset(&p, 0, sizeof(p));
	if ((st = existing(a, op, &p, &en, res, 0)) == PVD_OK) {
		/* observed state goes in after; before stays empty */
		res->after = res->before;
		res->before = NULL;
		st = lc_set(res, PVD_OK, "%s%s", p.dn, is_ours(a, en.e) ? "" : " (not created by provisiond)");
	}
	entry_free(&en);
	person_free(&p);
	return res->status = st;
}

static const struct pvd_plugin plugin = {
	PVD_PLUGIN_1_2(PLUGIN_NAME, PACKAGE_VERSION),
	.flags = PVD_PLUGIN_DRY_RUN,
	.conf_rows = acct_rows,
	.conf_size = sizeof(struct acct_conf),
	.configure = acct_configure,
	.unconfigure = lc_plugin_unconfigure,
	.open = acct_open,
	.detach = lc_plugin_detach,
	.check = lc_plugin_check,
	.read = acct_read,
	.apply = acct_apply,
	.disable = acct_disable,
	.enable = acct_enable,
	.remove = NULL,		/* accounts are disabled, never deleted */
};

PVD_PLUGIN_EXPORT(plugin)
