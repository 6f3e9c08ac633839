/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mail-ldap - a person's institutional mailbox, in the directory that
 *	Dovecot and Postfix read
 * SYNOPSIS
 *	plugin.mail.library = mail-ldap
 *	plugin.mail.after = acct
 *	plugin.mail.uri = ldapi://%2Fvar%2Frun%2Fslapd%2Fldapi
 *	plugin.mail.people_dn = ou=people,dc=example,dc=org
 *	plugin.mail.mail_root = /var/vmail
 *	plugin.mail.quota = 2G
 *	plugin.mail.position_alias = yes
 * DESCRIPTION
 *	The mailbox lives on the person's own entry (made by ldap-account,
 *	which also sets mail): the auxiliary class pvdMailAccount with
 *	pvdMailEnabled, pvdMailHome (<mail_root>/<domain>/<local part>),
 *	pvdMailQuota and pvdMailAlias (schema/ldap/README.md). Dovecot logs
 *	people in and delivers (LMTP) only where pvdMailEnabled is TRUE;
 *	contrib/mail/ has the configuration.
 *
 *	apply    add the class and make the attributes so (NOOP when they are);
 *	         an update of a departed person keeps the mailbox off
 *	disable  pvdMailEnabled: FALSE (the address, home and mail stay: a
 *	         rehire gets the same mailbox back)
 *	enable   pvdMailEnabled: TRUE
 *	read     the mailbox
 *	The person's entry must exist (NOTFOUND: the account comes first). An
 *	address that another entry already has is CONFLICT: two mailboxes
 *	never share an address.
 *
 *	The position alias (<position>@<domain>) belongs to the position's one
 *	holder with a working mailbox. A departed holder's alias (their
 *	mailbox disabled) passes to the next one: taken off the old entry and
 *	put on the new, both in the operation's before and after, so the
 *	change log shows the move. While another holder's mailbox is enabled
 *	(positions held by several people) the newcomer gets no alias: the
 *	operation says so and succeeds. Whether a position has one holder at
 *	a time is the catalogue's rule (pvdSingleHolder on the position),
 *	checked when a hire or transfer is filed.
 */
#include "config.h"
#include "ldapconn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PLUGIN_NAME "mail-ldap"

struct mail_conf {
	struct lc_conf conn;		/* first, for lc_plugin_* */
	char *people_dn;
	char *mail_root;
	char *quota;
	int position_alias;
};

#define K(m) offsetof(struct mail_conf, m)
static const struct pvd_conf_row mail_rows[] = {
	LC_CONF_ROWS(struct mail_conf, conn),
	{ .name = "people_dn", .type = PVD_CONF_STRING, .offset = K(people_dn), .flags = PVD_CONF_REQUIRED },
	{ .name = "mail_root", .type = PVD_CONF_STRING, .offset = K(mail_root), .flags = PVD_CONF_REQUIRED },
	{ .name = "quota", .type = PVD_CONF_STRING, .offset = K(quota), .def = "" },
	{ .name = "position_alias", .type = PVD_CONF_BOOL, .offset = K(position_alias), .def = "no" },
	{ .name = NULL },
};

/* One thread's handle: its connection (first, for lc_plugin_*) and the
 * instance's configuration. */
struct mail {
	struct ldapconn *lc;
	const struct mail_conf *c;
};

static const char *const shown_attrs[] = { "mail", "pvdMailEnabled", "pvdMailHome", "pvdMailQuota",
					   "pvdMailAlias", NULL };

static int mail_configure(const struct pvd_host *host, const char *instance, void *conf, const int *lines,
			  char **error_r)
{
	struct mail_conf *c = conf;
	(void)instance;
	if (lc_configure(host, &c->conn, lines, error_r) < 0 || lc_check_dn("people_dn", c->people_dn, error_r) < 0)
		return -1;
	if (c->mail_root[0] != '/' || strstr(c->mail_root, "..") != NULL) {
		*error_r = lc_asprintf("plugin key 'mail_root': '%s' is not an absolute path", c->mail_root);
		return -1;
	}
	for (const char *q = c->quota; *q; q++)
		if (!((*q >= '0' && *q <= '9') || strchr("kKmMgGtT", *q))) {
			*error_r = lc_asprintf("plugin key 'quota': '%s' is not a size like 2G or 500M", c->quota);
			return -1;
		}
	return 0;
}

static int mail_open(const struct pvd_host *host, const char *instance, const void *conf, void **inst_r,
		     char **error_r)
{
	struct mail *m = lc_plugin_open(host, instance, PLUGIN_NAME, conf, sizeof(*m), inst_r, error_r);
	m->c = conf;
	return 0;
}

/* ---- the mailbox ---------------------------------------------------------------- */

struct box {
	char *dn;
	const char *mail;
	char *home;
	char *alias;		/* NULL: none */
	char *alias_from;	/* a departed holder's entry the alias is taken from */
	char *alias_kept_by;	/* why there is no alias: an active holder has it */
};

static void box_free(struct box *b)
{
	free(b->dn);
	free(b->home);
	free(b->alias);
	free(b->alias_from);
	free(b->alias_kept_by);
	memset(b, 0, sizeof(*b));
}

/* An address part that can be a directory name: no '/', not "." or "..". */
static int path_safe(const char *s, size_t n)
{
	if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '/' || (unsigned char)s[i] < 0x21)
			return 0;
	return 1;
}

/* The DN, address, home and alias the person's mailbox should have. */
static enum pvd_status box_want(struct mail *m, const struct pvd_op *op, struct box *b, struct pvd_result *res)
{
	memset(b, 0, sizeof(*b));
	const char *uid = lc_jstr(op->person, "uid");
	b->mail = lc_jstr(op->person, "mail");
	if (uid == NULL)
		return lc_set(res, PVD_FAIL, "the person has no uid");
	b->dn = m->lc->host->ldap_child_dn("uid", uid, m->c->people_dn);
	if (b->dn == NULL)
		return lc_set(res, PVD_FAIL, "no DN can be made of uid '%s' under %s", uid, m->c->people_dn);
	snprintf(res->object, sizeof(res->object), "%s", b->mail ? b->mail : b->dn);
	const char *at = b->mail ? strrchr(b->mail, '@') : NULL;
	if (at == NULL || !path_safe(b->mail, (size_t)(at - b->mail)) || !path_safe(at + 1, strlen(at + 1)))
		return lc_set(res, PVD_FAIL, "the person's address '%s' is not local@domain", b->mail ? b->mail : "");
	b->home = lc_asprintf("%s/%s/%.*s", m->c->mail_root, at + 1, (int)(at - b->mail), b->mail);
	const char *pos = lc_jstr(op->person, "position");
	if (m->c->position_alias && pos != NULL)
		b->alias = lc_asprintf("%s@%s", pos, at + 1);
	return PVD_OK;
}

static int has_value(struct mail *m, LDAPMessage *e, const char *attr, const char *value, int *present_r);

/* The entries that have address as their mail or an alias: LDAP result code. */
static int search_address(struct mail *m, const char *address, char **attrs, LDAPMessage **r)
{
	char *esc = m->lc->host->ldap_filter_value(address);
	char *filter = lc_asprintf("(|(mail=%s)(pvdMailAlias=%s))", esc ? esc : "", esc ? esc : "");
	free(esc);
	int rc = lc_search(m->lc, m->c->people_dn, LDAP_SCOPE_SUBTREE, filter, attrs, 0, r);
	free(filter);
	return rc;
}

/* Another entry that already has the address: CONFLICT. */
static enum pvd_status box_collision(struct mail *m, const struct box *b, struct pvd_result *res)
{
	char *attrs[] = { "1.1", NULL };
	LDAPMessage *r = NULL;
	if (search_address(m, b->mail, attrs, &r) != LDAP_SUCCESS)
		return lc_result(m->lc, res);
	for (LDAPMessage *e = ldap_first_entry(m->lc->ld, r); e; e = ldap_next_entry(m->lc->ld, e)) {
		char *dn = ldap_get_dn(m->lc->ld, e);
		int other = dn != NULL && !lc_dn_equal(dn, b->dn);
		if (other) {
			lc_set(res, PVD_CONFLICT, "address %s already belongs to %s; nothing changed", b->mail, dn);
			ldap_memfree(dn);
			ldap_msgfree(r);
			return PVD_CONFLICT;
		}
		ldap_memfree(dn);
	}
	ldap_msgfree(r);
	return PVD_OK;
}

/* Who else has the position alias: nobody (it is the person's), a departed
 * holder (it moves: b->alias_from), or a holder whose mailbox works, or
 * whose own address it is (the person gets none: b->alias_kept_by). */
static enum pvd_status alias_owner(struct mail *m, struct box *b, struct pvd_result *res)
{
	if (b->alias == NULL)
		return PVD_OK;
	char *attrs[] = { "mail", "pvdMailEnabled", NULL };
	LDAPMessage *r = NULL;
	if (search_address(m, b->alias, attrs, &r) != LDAP_SUCCESS)
		return lc_result(m->lc, res);
	for (LDAPMessage *e = ldap_first_entry(m->lc->ld, r); e && b->alias_kept_by == NULL; e = ldap_next_entry(m->lc->ld, e)) {
		char *dn = ldap_get_dn(m->lc->ld, e);
		if (dn != NULL && !lc_dn_equal(dn, b->dn)) {
			int departed = has_value(m, e, "pvdMailEnabled", "FALSE", NULL) &&
				       !has_value(m, e, "mail", b->alias, NULL);
			if (departed && b->alias_from == NULL)
				b->alias_from = lc_strdup(dn);
			else
				b->alias_kept_by = lc_strdup(dn);
		}
		ldap_memfree(dn);
	}
	ldap_msgfree(r);
	if (b->alias_kept_by != NULL) {
		free(b->alias_from);
		b->alias_from = NULL;
		free(b->alias);
		b->alias = NULL;
	}
	return PVD_OK;
}

static int has_value(struct mail *m, LDAPMessage *e, const char *attr, const char *value, int *present_r)
{
	struct berval **v = ldap_get_values_len(m->lc->ld, e, attr);
	int n = ldap_count_values_len(v), same = 0;
	for (int i = 0; i < n && !same; i++)
		same = v[i]->bv_len == strlen(value) && strncasecmp(v[i]->bv_val, value, v[i]->bv_len) == 0;
	if (present_r)
		*present_r = n;
	ldap_value_free_len(v);
	return same;
}

/* Reads the entry; NOTFOUND when it is not there. */
static enum pvd_status read_entry(struct mail *m, const char *dn, LDAPMessage **r, LDAPMessage **e,
				  struct pvd_result *res)
{
	char *attrs[] = { "objectClass", "mail", "pvdMailEnabled", "pvdMailHome", "pvdMailQuota", "pvdMailAlias", NULL };
	*r = NULL;
	if (lc_read(m->lc, dn, NULL, attrs, r) != LDAP_SUCCESS)
		return lc_result(m->lc, res);
	*e = *r ? ldap_first_entry(m->lc->ld, *r) : NULL;
	if (*e == NULL)
		return lc_set(res, PVD_NOTFOUND, "%s does not exist (the account comes first)", dn);
	return PVD_OK;
}

/* Makes the mailbox so; enabled: the wanted pvdMailEnabled. */
static enum pvd_status converge(struct mail *m, const struct pvd_op *op, struct pvd_result *res, int enabled,
				int create)
{
	struct box b;
	LDAPMessage *r = NULL, *e = NULL;
	struct lc_mods mods = { NULL, 0 };
	enum pvd_status st;
	if ((st = box_want(m, op, &b, res)) != PVD_OK || (st = read_entry(m, b.dn, &r, &e, res)) != PVD_OK)
		goto out;
	res->before = lc_entry_json(m->lc, e, shown_attrs);
	int is_box = lc_has_class(m->lc, e, "pvdMailAccount");
	if (!is_box && !create) {
		st = lc_set(res, PVD_NOTFOUND, "%s has no mailbox", b.dn);
		goto out;
	}
	if (create && ((st = box_collision(m, &b, res)) != PVD_OK || (st = alias_owner(m, &b, res)) != PVD_OK))
		goto out;
	const char *flag = enabled ? "TRUE" : "FALSE";
	int n;
	if (!is_box)
		lc_mods_add(&mods, LDAP_MOD_ADD, "objectClass", "pvdMailAccount");
	if (!has_value(m, e, "pvdMailEnabled", flag, NULL))
		lc_mods_add(&mods, LDAP_MOD_REPLACE, "pvdMailEnabled", flag);
	if (create) {
		if (!has_value(m, e, "mail", b.mail, NULL))
			lc_mods_add(&mods, LDAP_MOD_REPLACE, "mail", b.mail);
		if (!has_value(m, e, "pvdMailHome", b.home, NULL))
			lc_mods_add(&mods, LDAP_MOD_REPLACE, "pvdMailHome", b.home);
		has_value(m, e, "pvdMailQuota", "", &n);
		if (m->c->quota[0] ? !has_value(m, e, "pvdMailQuota", m->c->quota, NULL) : n > 0)
			lc_mods_add(&mods, LDAP_MOD_REPLACE, "pvdMailQuota", m->c->quota[0] ? m->c->quota : NULL);
		int same_alias = b.alias ? has_value(m, e, "pvdMailAlias", b.alias, &n) : 0;
		if (b.alias ? !(same_alias && n == 1) : n > 0)
			lc_mods_add(&mods, LDAP_MOD_REPLACE, "pvdMailAlias", b.alias);
	}
	if (mods.n == 0 && b.alias_from == NULL) {
		res->after = json_incref(res->before);
		st = lc_set(res, PVD_NOOP, "mailbox %s already %s", b.mail, enabled ? "enabled" : "disabled");
		goto out;
	}
	if (create) {
		res->after = json_pack("{s:s, s:s, s:s}", "mail", b.mail, "pvdMailEnabled", flag, "pvdMailHome", b.home);
		if (m->c->quota[0])
			json_object_set_new(res->after, "pvdMailQuota", json_string(m->c->quota));
		if (b.alias)
			json_object_set_new(res->after, "pvdMailAlias", json_string(b.alias));
		if (b.alias_from) {
			json_object_set_new(res->before, "pvdMailAliasHolder", json_string(b.alias_from));
			json_object_set_new(res->after, "pvdMailAliasTakenFrom", json_string(b.alias_from));
		}
	} else {	/* only the flag changes */
		res->after = json_deep_copy(res->before);
		json_object_set_new(res->after, "pvdMailEnabled", json_string(flag));
	}
	char note[700] = "";
	if (b.alias_from)
		snprintf(note, sizeof(note), "; alias %s taken from %s, who left", b.alias ? b.alias : "", b.alias_from);
	else if (b.alias_kept_by)
		snprintf(note, sizeof(note), "; no position alias: %s still holds it with a working mailbox",
			 b.alias_kept_by);
	if (op->dry_run) {
		st = lc_set(res, PVD_OK, "dry run: mailbox %s would be %s%s", b.mail,
			    !is_box ? "created" : mods.n == 0 ? "kept" : enabled ? "enabled" : "disabled", note);
		goto out;
	}
	/* the alias leaves its departed holder first: an address is never on
	 * two entries, and a retry after a failure in between puts it on
	 * the new holder (nobody has it then) */
	if (b.alias_from) {
		struct lc_mods del = { NULL, 0 };
		lc_mods_add(&del, LDAP_MOD_DELETE, "pvdMailAlias", b.alias);
		int mrc = lc_modify(m->lc, b.alias_from, del.v);
		lc_mods_free(&del);
		if (mrc != LDAP_SUCCESS && mrc != LDAP_NO_SUCH_ATTRIBUTE) {
			st = lc_undo(m->lc, res);
			goto out;
		}
	}
	if (mods.n > 0 && lc_modify(m->lc, b.dn, mods.v) != LDAP_SUCCESS) {
		st = lc_undo(m->lc, res);
		goto out;
	}
	st = lc_set(res, PVD_OK, "mailbox %s %s (%s)%s", b.mail,
		    !is_box ? "created" : mods.n == 0 ? "kept" : enabled ? "enabled" : "disabled", b.home, note);
out:
	lc_mods_free(&mods);
	ldap_msgfree(r);
	box_free(&b);
	return res->status = st;
}

static enum pvd_status mail_apply(void *inst, const struct pvd_op *op, struct pvd_result *res)
{
	const char *status = lc_jstr(op->person, "status");
	/* an update of a departed person keeps the mailbox off */
	int off = strcmp(op->intent, "update") == 0 && status != NULL && strcmp(status, "disabled") == 0;
	return converge(inst, op, res, !off, 1);
}

static enum pvd_status mail_disable(void *inst, const struct pvd_op *op, struct pvd_result *res)
{
	return converge(inst, op, res, 0, 0);
}

static enum pvd_status mail_enable(void *inst, const struct pvd_op *op, struct pvd_result *res)
{
	return converge(inst, op, res, 1, 0);
}

static enum pvd_status mail_read(void *inst, const struct pvd_op *op, struct pvd_result *res)
{
	struct mail *m = inst;
	struct box b;
	LDAPMessage *r = NULL, *e = NULL;
	enum pvd_status st;
	if ((st = box_want(m, op, &b, res)) == PVD_OK && (st = read_entry(m, b.dn, &r, &e, res)) == PVD_OK) {
		if (!has_value(m, e, "objectClass", "pvdMailAccount", NULL))
			st = lc_set(res, PVD_NOTFOUND, "%s has no mailbox", b.dn);
		else {
			res->after = lc_entry_json(m->lc, e, shown_attrs);
			st = lc_set(res, PVD_OK, "mailbox %s", b.mail);
		}
	}
	ldap_msgfree(r);
	box_free(&b);
	return res->status = st;
}

static const struct pvd_plugin plugin = {
	PVD_PLUGIN_1_2(PLUGIN_NAME, PACKAGE_VERSION),
	.flags = PVD_PLUGIN_DRY_RUN,
	.conf_rows = mail_rows,
	.conf_size = sizeof(struct mail_conf),
	.configure = mail_configure,
	.unconfigure = lc_plugin_unconfigure,
	.open = mail_open,
	.detach = lc_plugin_detach,
	.check = lc_plugin_check,
	.read = mail_read,
	.apply = mail_apply,
	.disable = mail_disable,
	.enable = mail_enable,
	.remove = NULL,
};

PVD_PLUGIN_EXPORT(plugin)
