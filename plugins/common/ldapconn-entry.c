/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	ldapconn-entry - DNs, entries, modifications and entries as JSON
 * DESCRIPTION
 *	What the LDAP plugins read from and write to entries, always through
 *	libldap's own DN parser and normaliser. See ldapconn.h.
 */
#include "config.h"
#include "ldapconn.h"

#include <lber.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
		m->v = lc_xrealloc(m->v, sizeof(LDAPMod *) * (size_t)(m->n + 2));
		m->v[m->n++] = mod;
		m->v[m->n] = NULL;
	}
	if (value == NULL)
		return;
	int nv = 0;
	while (mod->mod_bvalues != NULL && mod->mod_bvalues[nv] != NULL)
		nv++;
	mod->mod_bvalues = lc_xrealloc(mod->mod_bvalues, sizeof(struct berval *) * (size_t)(nv + 2));
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
