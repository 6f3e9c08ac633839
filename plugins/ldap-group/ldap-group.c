/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	ldap-group - birthright and requested group memberships in OpenLDAP
 * SYNOPSIS
 *	plugin.grp.library = ldap-group
 *	plugin.grp.after = acct
 *	plugin.grp.uri = ldapi://%2Fvar%2Frun%2Fslapd%2Fldapi
 *	plugin.grp.groups_dn = ou=groups,dc=example,dc=org
 *	plugin.grp.people_dn = ou=people,dc=example,dc=org
 *	plugin.grp.unit.tributaria = tributaria, tributario-users
 *	plugin.grp.position.jefe-tributaria = jefes
 *	plugin.grp.all = staff
 * DESCRIPTION
 *	Groups are groupOfNames entries cn=<name>,<groups_dn>; a person is a
 *	member by the DN uid=<uid>,<people_dn>, and slapd's memberof overlay
 *	keeps memberOf on the person. README.md in this folder has the keys
 *	and what each intent does. This file is the operations;
 *	ldap-group-conf.c the configuration (the keys, the rules).
 *
 *	Rules. "unit.<unit>" and "position.<position>" name the groups of
 *	everyone in that unit or position (a comma-separated list of cn
 *	values), "all" the groups of everyone. "unit_<unit>" and
 *	"position_<position>" mean the same (for configuration tools that
 *	dislike dots in keys). Groups asked for in op->params
 *	{"groups": [...]} are added too.
 *
 *	Ownership. A missing group is created, marked pvdManaged: TRUE. An
 *	existing group that provisiond did not create is changed only when a
 *	rule names it (the configuration says so); the result message says
 *	so. Any other existing foreign group is CONFLICT, and nothing is
 *	changed at all.
 *
 *	The last member. groupOfNames must have a member, so removing the
 *	last one is refused by slapd (objectClassViolation). The group is then
 *	kept with the empty DN as its only member -- a DN that names no entry,
 *	so memberof adds nothing anywhere -- in the same modify that removes
 *	the person (atomic: nobody added meanwhile is lost). The group keeps
 *	its other attributes (an access level's pvdSystem/pvdLevel, ACLs that
 *	name it); deleting it would lose them. Adding a member to a group that
 *	holds the placeholder removes the placeholder in the same modify.
 */
#include "config.h"
#include "ldap-group.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- memberships ------------------------------------------------------------------ */

/* One group the person is (or will be) in. */
struct membership {
	char *dn;
	char *name;		/* cn for a group right under groups_dn, else the DN;
				   an access level's "system:level" */
	int child;		/* right under groups_dn */
};

struct memberships {
	struct membership *v;
	int n;
};

/* name: how rules and params call it, or NULL to take the cn (the DN when
 * it is not right under groups_dn). */
static void ms_add(struct grp *g, struct memberships *m, const char *dn, const char *name)
{
	int child = 0;
	char *value = lc_rdn_value(dn, g->c->groups_dn, &child);
	m->v = lc_xrealloc(m->v, sizeof(*m->v) * (size_t)(m->n + 1));
	m->v[m->n].dn = lc_strdup(dn);
	m->v[m->n].name = name ? lc_strdup(name) : child && value ? lc_strdup(value) : lc_strdup(dn);
	m->v[m->n].child = child;
	m->n++;
	free(value);
}

/* A name as rules and params give it -> the entry's cn. */
static char *entry_cn(const char *name)
{
	char *cn = lc_strdup(name);
#ifdef PVD_ACCESS_LEVEL
	char *colon = strchr(cn, ':');
	if (colon != NULL)
		*colon = '-';
#endif
	return cn;
}

static int ms_find(const struct memberships *m, const char *dn)
{
	for (int i = 0; i < m->n; i++)
		if (lc_dn_equal(m->v[i].dn, dn))
			return i;
	return -1;
}

static void ms_free(struct memberships *m)
{
	for (int i = 0; i < m->n; i++) {
		free(m->v[i].dn);
		free(m->v[i].name);
	}
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

/* {"groups": [names, sorted]} */
static json_t *ms_json(const struct memberships *m)
{
	struct lc_strs names = { NULL, 0 };
	for (int i = 0; i < m->n; i++)
		lc_strs_add(&names, m->v[i].name);
	lc_strs_sort(&names);
	json_t *j = json_pack("{s:o}", THINGS, lc_strs_json(&names));
	lc_strs_free(&names);
	return j;
}

/* Records group entry e (DN dn) as a membership; an access level is
 * named "system:level". */
static void ms_add_entry(struct grp *g, struct memberships *m, LDAPMessage *e, const char *dn)
{
	char *name = NULL;
#ifdef PVD_ACCESS_LEVEL
	struct berval **sys = ldap_get_values_len(g->lc->ld, e, "pvdSystem");
	struct berval **lev = ldap_get_values_len(g->lc->ld, e, "pvdLevel");
	if (sys && sys[0] && lev && lev[0])
		name = lc_asprintf("%.*s:%.*s", (int)sys[0]->bv_len, sys[0]->bv_val, (int)lev[0]->bv_len,
				   lev[0]->bv_val);
	ldap_value_free_len(sys);
	ldap_value_free_len(lev);
#else
	(void)e;
#endif
	ms_add(g, m, dn, name);
	free(name);
}

/* The groups under groups_dn whose member is member_dn. */
static int current_groups(struct grp *g, const char *member_dn, struct memberships *m)
{
	char *esc = g->lc->host->ldap_filter_value(member_dn);
	char *filter = lc_asprintf("(&(objectClass=groupOfNames)(member=%s))", esc ? esc : "");
	char *attrs[] = { "pvdSystem", "pvdLevel", NULL };
	LDAPMessage *res = NULL;
	free(esc);
	int rc = lc_search(g->lc, g->c->groups_dn, LDAP_SCOPE_SUBTREE, filter, attrs, 0, &res);
	free(filter);
	if (rc != LDAP_SUCCESS)
		return rc;
	for (LDAPMessage *e = ldap_first_entry(g->lc->ld, res); e; e = ldap_next_entry(g->lc->ld, e)) {
		char *dn = ldap_get_dn(g->lc->ld, e);
		if (dn != NULL)
			ms_add_entry(g, m, e, dn);
		ldap_memfree(dn);
	}
	ldap_msgfree(res);
	return LDAP_SUCCESS;
}

/* Does e hold member value dn (or, with dn NULL, the empty placeholder)? */
static int has_member(struct grp *g, LDAPMessage *e, const char *dn)
{
	struct berval **v = ldap_get_values_len(g->lc->ld, e, "member");
	int found = 0;
	for (int i = 0; v != NULL && v[i] != NULL && !found; i++) {
		if (dn == NULL)
			found = v[i]->bv_len == 0;
		else if (v[i]->bv_len > 0) {
			char *s = lc_asprintf("%.*s", (int)v[i]->bv_len, v[i]->bv_val);
			found = lc_dn_equal(s, dn);
			free(s);
		}
	}
	ldap_value_free_len(v);
	return found;
}

/* One subtree search for what joining needs (write first, read once): the
 * groups whose member is member_dn (into m), and the wanted groups gdns[i]
 * as they are (wanted_r[i], NULL when missing: ownership and the
 * placeholder). The values return filter (RFC 3876) brings of each member
 * list only member_dn and the placeholder, so the answer does not grow
 * with the groups; of the other attributes, the values tested here. The
 * entries live in *res_r. */
static int look_up(struct grp *g, const char *member_dn, const struct lc_strs *want, char *const *gdns,
		   struct memberships *m, LDAPMessage **res_r, LDAPMessage **wanted_r)
{
	char *esc = g->lc->host->ldap_filter_value(member_dn);
	char *filter = lc_asprintf("(|(&(objectClass=groupOfNames)(member=%s))", esc ? esc : "");
	for (int i = 0; i < want->n; i++) {
		char *cn = entry_cn(want->v[i]);
		char *ecn = g->lc->host->ldap_filter_value(cn);
		char *f = lc_asprintf("%s(cn=%s)", filter, ecn ? ecn : "");
		free(filter);
		free(ecn);
		free(cn);
		filter = f;
	}
	char *f = lc_asprintf("%s)", filter);
	free(filter);
	filter = f;
	/* the filter applies to every attribute: what is read of the others
	 * is asked for too */
	char *values = lc_asprintf("((member=%s)(member=)(objectClass=groupOfNames)(objectClass=pvdAccessLevel)"
				   "(pvdManaged=TRUE)(pvdSystem=*)(pvdLevel=*))", esc ? esc : "");
	char *attrs[] = { "objectClass", "pvdManaged", "pvdSystem", "pvdLevel", "member", NULL };
	free(esc);
	int rc = lc_search_values(g->lc, g->c->groups_dn, LDAP_SCOPE_SUBTREE, filter, attrs, values, 0, res_r);
	free(filter);
	free(values);
	if (rc != LDAP_SUCCESS)
		return rc;
	for (LDAPMessage *e = ldap_first_entry(g->lc->ld, *res_r); e; e = ldap_next_entry(g->lc->ld, e)) {
		char *dn = ldap_get_dn(g->lc->ld, e);
		if (dn == NULL)
			continue;
		for (int i = 0; i < want->n; i++)
			if (wanted_r[i] == NULL && lc_dn_equal(dn, gdns[i]))
				wanted_r[i] = e;
		if (lc_has_class(g->lc, e, "groupOfNames") && has_member(g, e, member_dn))
			ms_add_entry(g, m, e, dn);
		ldap_memfree(dn);
	}
	return LDAP_SUCCESS;
}

/* uid -> the member DN; sets res->object. */
static char *member_dn(struct grp *g, const struct pvd_op *op, struct pvd_result *res)
{
	const char *uid = json_string_value(json_object_get(op->person, "uid"));
	if (uid == NULL || *uid == '\0') {
		lc_set(res, PVD_FAIL, "the person has no uid");
		return NULL;
	}
	char *dn = g->lc->host->ldap_child_dn("uid", uid, g->c->people_dn);
	if (dn == NULL) {
		lc_set(res, PVD_FAIL, "no DN can be made of uid '%s' under %s", uid, g->c->people_dn);
		return NULL;
	}
	snprintf(res->object, sizeof(res->object), "%s", dn);
	return dn;
}

/* The person's entry must exist before it can be a member. */
static enum pvd_status person_exists(struct grp *g, const char *dn, struct pvd_result *res)
{
	char *attrs[] = { "1.1", NULL };
	LDAPMessage *r = NULL;
	if (lc_read(g->lc, dn, NULL, attrs, &r) != LDAP_SUCCESS)
		return lc_result(g->lc, res);
	int there = r != NULL && ldap_first_entry(g->lc->ld, r) != NULL;
	ldap_msgfree(r);
	return there ? PVD_OK : lc_set(res, PVD_NOTFOUND, "%s does not exist (the account comes first)", dn);
}

/* params.<key>: an array of names into list; PVD_OK or FAIL. */
static enum pvd_status param_names(const struct pvd_op *op, const char *key, struct lc_strs *list,
				   struct pvd_result *res)
{
	json_t *pg = op->params ? json_object_get(op->params, key) : NULL;
	size_t i;
	json_t *v;
	if (pg == NULL || json_is_null(pg))
		return PVD_OK;
	if (!json_is_array(pg))
		return lc_set(res, PVD_FAIL, "params.%s must be an array of " THING " names", key);
	json_array_foreach(pg, i, v) {
		const char *s = json_string_value(v);
		if (s == NULL || *s == '\0')
			return lc_set(res, PVD_FAIL, "params.%s[%zu] is not " THING " name", key, i);
#ifdef PVD_ACCESS_LEVEL
		const char *colon = strchr(s, ':');
		if (colon == NULL || colon == s || colon[1] == '\0')
			return lc_set(res, PVD_FAIL, "params.%s[%zu] '%s' is not system:level", key, i, s);
#endif
		if (!lc_strs_has(list, s))
			lc_strs_add(list, s);
	}
	return PVD_OK;
}

/* The groups the person should be in: rules for unit and position, all,
 * and params.groups (what requests granted). */
static enum pvd_status desired_groups(struct grp *g, const struct pvd_op *op, struct lc_strs *want,
				      struct pvd_result *res)
{
	const char *unit = json_string_value(json_object_get(op->person, "unit"));
	const char *pos = json_string_value(json_object_get(op->person, "position"));
	for (int r = 0; r < g->c->nrules; r++) {
		const char *v = g->c->rules[r].kind == RULE_UNIT ? unit : pos;
		if (v != NULL && strcasecmp(v, g->c->rules[r].key) == 0)
			for (int i = 0; i < g->c->rules[r].groups.n; i++)
				if (!lc_strs_has(want, g->c->rules[r].groups.v[i]))
					lc_strs_add(want, g->c->rules[r].groups.v[i]);
	}
	for (int i = 0; i < g->c->all.n; i++)
		if (!lc_strs_has(want, g->c->all.v[i]))
			lc_strs_add(want, g->c->all.v[i]);
	return param_names(op, THINGS, want, res);
}

/* ---- changes ------------------------------------------------------------------------ */

enum change_kind { CH_ADD, CH_CREATE, CH_REMOVE };

struct change {
	enum change_kind kind;
	char *dn;
	char *name;
	int foreign;		/* CH_ADD to a group provisiond did not create */
	int placeholder;	/* CH_ADD: the group holds the empty-DN placeholder */
};

struct plan {
	struct change *v;
	int n;
};

static void plan_add(struct plan *p, enum change_kind kind, const char *dn, const char *name, int foreign,
		     int placeholder)
{
	p->v = lc_xrealloc(p->v, sizeof(*p->v) * (size_t)(p->n + 1));
	p->v[p->n].kind = kind;
	p->v[p->n].dn = lc_strdup(dn);
	p->v[p->n].name = lc_strdup(name);
	p->v[p->n].foreign = foreign;
	p->v[p->n].placeholder = placeholder;
	p->n++;
}

static void plan_free(struct plan *p)
{
	for (int i = 0; i < p->n; i++) {
		free(p->v[i].dn);
		free(p->v[i].name);
	}
	free(p->v);
	p->v = NULL;
	p->n = 0;
}


/* How name gets the person: create it, or add to it (checking ownership);
 * e is the group as look_up found it (NULL: missing). */
static enum pvd_status plan_join(struct grp *g, const char *name, const char *gdn, LDAPMessage *e, struct plan *p,
				 struct pvd_result *res)
{
	if (e == NULL) {
		plan_add(p, CH_CREATE, gdn, name, 0, 0);
		return PVD_OK;
	}
	if (!lc_has_class(g->lc, e, "groupOfNames"))
		return lc_set(res, PVD_CONFLICT, "%s exists and is not a groupOfNames; nothing changed", gdn);
	int ours = lc_is_true(g->lc, e, "pvdManaged");
#ifdef PVD_ACCESS_LEVEL
	/* an access level made by hand (pvdAccessLevel) is there to be granted */
	if (!ours && lc_has_class(g->lc, e, "pvdAccessLevel"))
		ours = 1;
#endif
	if (!ours && !lc_strs_has(&g->c->rule_groups, name))
		return lc_set(res, PVD_CONFLICT, "%s exists and was not created by provisiond, and no rule names it; "
			      "nothing changed", gdn);
	plan_add(p, CH_ADD, gdn, name, !ours, has_member(g, e, NULL));
	return PVD_OK;
}

static int do_create(struct grp *g, const struct pvd_op *op, const struct change *c, const char *mdn)
{
	struct lc_mods m = { NULL, 0 };
	char rid[32];
	char *cn = entry_cn(c->name);
	lc_mods_add(&m, LDAP_MOD_ADD, "objectClass", "groupOfNames");
	lc_mods_add(&m, LDAP_MOD_ADD, "objectClass", "pvdManagedObject");
	lc_mods_add(&m, LDAP_MOD_ADD, "cn", cn);
	free(cn);
#ifdef PVD_ACCESS_LEVEL
	char *sys = lc_strdup(c->name), *colon = strchr(sys, ':');
	*colon = '\0';
	lc_mods_add(&m, LDAP_MOD_ADD, "objectClass", "pvdAccessLevel");
	lc_mods_add(&m, LDAP_MOD_ADD, "pvdSystem", sys);
	lc_mods_add(&m, LDAP_MOD_ADD, "pvdLevel", colon + 1);
	free(sys);
#endif
	lc_mods_add(&m, LDAP_MOD_ADD, "member", mdn);
	lc_mods_add(&m, LDAP_MOD_ADD, "pvdManaged", "TRUE");
	if (op->request_id > 0) {
		snprintf(rid, sizeof(rid), "%lld", op->request_id);
		lc_mods_add(&m, LDAP_MOD_ADD, "pvdRequestId", rid);
	}
	int rc = lc_add(g->lc, c->dn, m.v);
	lc_mods_free(&m);
	return rc;
}

static int do_join(struct grp *g, const struct change *c, const char *mdn)
{
	struct lc_mods m = { NULL, 0 };
	lc_mods_add(&m, LDAP_MOD_ADD, "member", mdn);
	if (c->placeholder)
		lc_mods_add(&m, LDAP_MOD_DELETE, "member", "");
	int rc = lc_modify(g->lc, c->dn, m.v);
	lc_mods_free(&m);
	if (rc == LDAP_NO_SUCH_ATTRIBUTE && c->placeholder) {
		/* the placeholder went away since we looked */
		struct change c2 = *c;
		c2.placeholder = 0;
		return do_join(g, &c2, mdn);
	}
	return rc == LDAP_TYPE_OR_VALUE_EXISTS ? LDAP_SUCCESS : rc;
}

/* Removes mdn from the group; the last member is replaced by the empty DN. */
static int do_leave(struct grp *g, const char *gdn, const char *mdn, int *placeholder_r)
{
	struct lc_mods m = { NULL, 0 };
	lc_mods_add(&m, LDAP_MOD_DELETE, "member", mdn);
	int rc = lc_modify(g->lc, gdn, m.v);
	lc_mods_free(&m);
	if (rc == LDAP_OBJECT_CLASS_VIOLATION) {
		lc_mods_add(&m, LDAP_MOD_ADD, "member", "");
		lc_mods_add(&m, LDAP_MOD_DELETE, "member", mdn);
		rc = lc_modify(g->lc, gdn, m.v);
		lc_mods_free(&m);
		*placeholder_r = rc == LDAP_SUCCESS;
	}
	return rc == LDAP_NO_SUCH_ATTRIBUTE ? LDAP_SUCCESS : rc;
}

/* "added to a, b (new); removed from c" for the first upto changes */
static void describe(const struct plan *p, int upto, char *out, size_t size)
{
	size_t len = 0;
	out[0] = '\0';
	for (int removing = 0; removing < 2; removing++) {
		int first = 1;
		for (int i = 0; i < upto && len < size; i++) {
			const struct change *c = &p->v[i];
			if ((c->kind == CH_REMOVE) != removing)
				continue;
			int w = snprintf(out + len, size - len, "%s%s%s", first ? (len ? "; " : "") : ", ",
					 first ? (removing ? "removed from " : "added to ") : "", c->name);
			if (w >= 0 && (size_t)w < size - len && (c->kind == CH_CREATE || c->foreign))
				w += snprintf(out + len + (size_t)w, size - len - (size_t)w, "%s",
					      c->kind == CH_CREATE ? " (new group)"
								   : " (not created by provisiond; a rule names it)");
			if (w < 0)
				return;
			len += (size_t)w;
			first = 0;
		}
	}
}

/* Runs the plan; on a failure says what was done before it. */
static enum pvd_status execute(struct grp *g, const struct pvd_op *op, const struct plan *p, const char *mdn,
			       struct pvd_result *res)
{
	char done[600];
	for (int i = 0; i < p->n; i++) {
		const struct change *c = &p->v[i];
		int rc, placeholder = 0;
		if (c->kind == CH_CREATE) {
			rc = do_create(g, op, c, mdn);
			if (rc == LDAP_ALREADY_EXISTS) {
				describe(p, i, done, sizeof(done));
				return lc_set(res, PVD_RETRY, "%s was created by someone else meanwhile; will look "
					      "again%s%s", c->dn, done[0] ? "; done before: " : "", done);
			}
		} else if (c->kind == CH_ADD)
			rc = do_join(g, c, mdn);
		else
			rc = do_leave(g, c->dn, mdn, &placeholder);
		if (rc != LDAP_SUCCESS) {
			describe(p, i, done, sizeof(done));
			lc_result(g->lc, res);
			size_t len = strlen(res->message);
			if (done[0] != '\0' && len < sizeof(res->message))
				snprintf(res->message + len, sizeof(res->message) - len, "; done before: %s", done);
			return res->status;
		}
		if (c->foreign)
			g->lc->host->log(PVD_LOG_INFO, g->lc->instance, "%s: added %s to %s, a group provisiond did "
					 "not create (a rule names it)", PLUGIN_NAME, mdn, c->dn);
		if (placeholder)
			g->lc->host->log(PVD_LOG_INFO, g->lc->instance, "%s: %s had no member left; kept with the "
					 "empty DN as placeholder member", PLUGIN_NAME, c->dn);
	}
	return PVD_OK;
}

/* A dry run says what the plan would do; otherwise it is run, and on a
 * failure nothing is claimed in after. */
static enum pvd_status run_plan(struct grp *g, const struct pvd_op *op, const struct plan *p, const char *mdn,
				struct pvd_result *res)
{
	char what[700];
	describe(p, p->n, what, sizeof(what));
	if (op->dry_run)
		return lc_set(res, PVD_OK, "dry run: %s would be %s", mdn, what);
	enum pvd_status st = execute(g, op, p, mdn, res);
	if (st != PVD_OK) {
		json_decref(res->after);
		res->after = NULL;
		return st;
	}
	return lc_set(res, PVD_OK, "%s: %s", mdn, what);
}

/* Adds the desired groups; with remove_stale also takes the person out
 * of rule groups no longer desired (a transfer). */
static enum pvd_status reconcile(struct grp *g, const struct pvd_op *op, struct pvd_result *res, int remove_stale,
				 int add)
{
	struct lc_strs want = { NULL, 0 }, revoked = { NULL, 0 };
	struct memberships cur = { NULL, 0 };
	struct plan p = { NULL, 0 };
	enum pvd_status st;
	char *mdn = member_dn(g, op, res);
	int *leaving = NULL;
	char **gdns = NULL;
	LDAPMessage *found = NULL, **wanted = NULL;

	if (mdn == NULL)
		return res->status;
	if ((st = desired_groups(g, op, &want, res)) != PVD_OK ||
	    (st = param_names(op, REVOKED, &revoked, res)) != PVD_OK)
		goto out;
	gdns = calloc((size_t)want.n + 1, sizeof(*gdns));
	wanted = calloc((size_t)want.n + 1, sizeof(*wanted));
	if (gdns == NULL || wanted == NULL)
		abort();
	for (int i = 0; i < want.n; i++) {
		char *cn = entry_cn(want.v[i]);
		gdns[i] = g->lc->host->ldap_child_dn("cn", cn, g->c->groups_dn);
		free(cn);
		if (gdns[i] == NULL) {
			st = lc_set(res, PVD_FAIL, "no DN can be made of group '%s' under %s", want.v[i], g->c->groups_dn);
			goto out;
		}
	}
	if (look_up(g, mdn, &want, gdns, &cur, &found, wanted) != LDAP_SUCCESS) {
		st = lc_result(g->lc, res);
		goto out;
	}
	res->before = ms_json(&cur);
	if (!op->dry_run && (st = person_exists(g, mdn, res)) != PVD_OK)
		goto out;
	for (int i = 0; add && i < want.n; i++) {
		if (ms_find(&cur, gdns[i]) < 0)
			st = plan_join(g, want.v[i], gdns[i], wanted[i], &p, res);
		if (st != PVD_OK)
			goto out;
	}
	leaving = calloc((size_t)cur.n + 1, sizeof(int));
	if (leaving == NULL)
		abort();
	/* out of: rule groups no longer given (a transfer), and what the
	 * request revoked -- unless a rule or another grant still gives it */
	for (int i = 0; remove_stale && i < cur.n; i++) {
		const char *name = cur.v[i].name;
		if (cur.v[i].child && (lc_strs_has(&g->c->rule_groups, name) || lc_strs_has(&revoked, name)) &&
		    !lc_strs_has(&want, name)) {
			plan_add(&p, CH_REMOVE, cur.v[i].dn, name, 0, 0);
			leaving[i] = 1;
		}
	}
	if (p.n == 0) {
		res->after = json_incref(res->before);
		st = lc_set(res, PVD_NOOP, "%s has the groups it should", mdn);
		goto out;
	}
	/* after: what stays, plus what is joined */
	struct memberships next = { NULL, 0 };
	for (int i = 0; i < cur.n; i++)
		if (!leaving[i])
			ms_add(g, &next, cur.v[i].dn, cur.v[i].name);
	for (int i = 0; i < p.n; i++)
		if (p.v[i].kind != CH_REMOVE)
			ms_add(g, &next, p.v[i].dn, p.v[i].name);
	res->after = ms_json(&next);
	ms_free(&next);

	st = run_plan(g, op, &p, mdn, res);
out:
	free(leaving);
	for (int i = 0; gdns != NULL && i < want.n; i++)
		free(gdns[i]);
	free(gdns);
	free(wanted);
	ldap_msgfree(found);
	plan_free(&p);
	ms_free(&cur);
	lc_strs_free(&want);
	lc_strs_free(&revoked);
	free(mdn);
	return res->status = st;
}

static enum pvd_status grp_apply(void *inst, const struct pvd_op *op, struct pvd_result *res)
{
	const char *status = json_string_value(json_object_get(op->person, "status"));
	int update = strcmp(op->intent, "update") == 0;
	/* an update of a departed person gives no access back (a hire or an enable does) */
	int add = !(update && status != NULL && strcmp(status, "disabled") == 0);
	return reconcile(inst, op, res, update, add);
}

static enum pvd_status grp_enable(void *inst, const struct pvd_op *op, struct pvd_result *res)
{
	return reconcile(inst, op, res, 0, 1);
}

/* An exit: out of every group under groups_dn; before keeps the list. */
static enum pvd_status grp_disable(void *inst, const struct pvd_op *op, struct pvd_result *res)
{
	struct grp *g = inst;
	struct memberships cur = { NULL, 0 };
	struct plan p = { NULL, 0 };
	enum pvd_status st;
	char *mdn = member_dn(g, op, res);

	if (mdn == NULL)
		return res->status;
	if (current_groups(g, mdn, &cur) != LDAP_SUCCESS) {
		st = lc_result(g->lc, res);
		goto out;
	}
	res->before = ms_json(&cur);
	res->after = json_pack("{s:[]}", THINGS);
	if (cur.n == 0) {
		st = lc_set(res, PVD_NOOP, "%s is in no group under %s", mdn, g->c->groups_dn);
		goto out;
	}
	for (int i = 0; i < cur.n; i++)
		plan_add(&p, CH_REMOVE, cur.v[i].dn, cur.v[i].name, 0, 0);
	st = run_plan(g, op, &p, mdn, res);
out:
	plan_free(&p);
	ms_free(&cur);
	free(mdn);
	return res->status = st;
}

static enum pvd_status grp_read(void *inst, const struct pvd_op *op, struct pvd_result *res)
{
	struct grp *g = inst;
	struct memberships cur = { NULL, 0 };
	enum pvd_status st;
	char *mdn = member_dn(g, op, res);

	if (mdn == NULL)
		return res->status;
	if ((st = person_exists(g, mdn, res)) != PVD_OK)
		goto out;
	if (current_groups(g, mdn, &cur) != LDAP_SUCCESS) {
		st = lc_result(g->lc, res);
		goto out;
	}
	res->after = ms_json(&cur);
	st = lc_set(res, PVD_OK, "%s is in %d group%s under %s", mdn, cur.n, cur.n == 1 ? "" : "s", g->c->groups_dn);
out:
	ms_free(&cur);
	free(mdn);
	return res->status = st;
}

static const struct pvd_plugin plugin = {
	PVD_PLUGIN_1_2(PLUGIN_NAME, PACKAGE_VERSION),
	.flags = PVD_PLUGIN_DRY_RUN,
	.conf_rows = grp_rows,
	.conf_size = sizeof(struct grp_conf),
	.configure = grp_configure,
	.unconfigure = grp_unconfigure,
	.open = grp_open,
	.detach = lc_plugin_detach,
	.check = lc_plugin_check,
	.read = grp_read,
	.apply = grp_apply,
	.disable = grp_disable,
	.enable = grp_enable,
	.remove = NULL,
};

PVD_PLUGIN_EXPORT(plugin)
