/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	procedures/access - access requests (La seguridad de acceso a la información)
 * DESCRIPTION
 *	A unit head asks for network, application and database access for the
 *	people of their unit (TIM for anyone): levels from the catalogue
 *	(access.<system>.levels) and directory groups, granted or revoked; TIM
 *	grants it, the users verify it works (or it goes back), TIM informs the
 *	unit head, and the change log records every grant.
 */
#include "config.h"
#include "engine/procedure.h"
#include "buf.h"
#include "directory.h"
#include "grants.h"
#include "json.h"
#include "buf.h"
#include "tpool.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The catalogue's names, "read, write, admin", for messages. */
static void catalogue_names(const struct conf *c, const struct access_system *as, char *out, size_t size)
{
	struct buf b = BUF_INIT;
	if (as != NULL)
		for (int i = 0; i < as->nlevels; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", as->levels[i]);
	else
		for (int i = 0; i < c->nsystems; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", c->systems[i].name);
	snprintf(out, size, "%s", b.len ? buf_str(&b) : "nothing (no access.<system>.levels configured)");
	buf_free(&b);
}

static void add_item(json_t *items, const char *kind, const char *name)
{
	size_t i;
	json_t *v;
	json_array_foreach(items, i, v)
		if (strcmp(json_string_value(json_object_get(v, "kind")), kind) == 0 &&
		    strcmp(json_string_value(json_object_get(v, "name")), name) == 0)
			return;
	json_array_append_new(items, json_pack("{s:s, s:s}", "kind", kind, "name", name));
}

/* An access request's "grant" or "revoke": {"levels": [{"system", "level"}],
 * "groups": ["name"]} into items [{"kind", "name"}]. Levels must be in the
 * catalogue; with check_dir, groups must exist under ldap_groups_dn. */
static int access_part(const struct conf *c, json_t *part, const char *field, json_t *items, int check_dir,
		       struct outcome *o)
{
	const char *k;
	json_t *v;
	size_t i;
	char f[96];
	if (part == NULL || json_is_null(part))
		return 0;
	if (!json_is_object(part)) {
		fail(o, 400, "invalid_field", field, "'%s' must be an object with 'levels' and/or 'groups'", field);
		return -1;
	}
	json_object_foreach(part, k, v) {
		if (strcmp(k, "levels") != 0 && strcmp(k, "groups") != 0) {
			snprintf(f, sizeof(f), "%s.%.40s", field, k);
			fail(o, 400, "invalid_field", f, "unknown field '%s' in '%s' (levels, groups)", k, field);
			return -1;
		}
		if (!json_is_array(v) && !json_is_null(v)) {
			snprintf(f, sizeof(f), "%s.%s", field, k);
			fail(o, 400, "invalid_field", f, "'%s' must be an array", f);
			return -1;
		}
	}
	json_array_foreach(json_object_get(part, "levels"), i, v) {
		snprintf(f, sizeof(f), "%s.levels[%zu]", field, i);
		const char *sys = json_string_value(json_object_get(v, "system"));
		const char *lev = json_string_value(json_object_get(v, "level"));
		if (!json_is_object(v) || json_object_size(v) != 2 || sys == NULL || lev == NULL) {
			fail(o, 400, "invalid_field", f, "each level is {\"system\": ..., \"level\": ...}");
			return -1;
		}
		const struct access_system *as = conf_access_system(c, sys);
		char names[512];
		if (as == NULL) {
			catalogue_names(c, NULL, names, sizeof(names));
			fail(o, 400, "invalid_field", f, "unknown system '%.64s': the catalogue has %s", sys, names);
			return -1;
		}
		if (!conf_access_level_known(as, lev)) {
			catalogue_names(c, as, names, sizeof(names));
			fail(o, 400, "invalid_field", f, "system %s has no level '%.64s'; its levels: %s", sys, lev, names);
			return -1;
		}
		char *name = xasprintf("%s:%s", sys, lev);
		add_item(items, "level", name);
		free(name);
	}
	json_array_foreach(json_object_get(part, "groups"), i, v) {
		snprintf(f, sizeof(f), "%s.groups[%zu]", field, i);
		const char *g = json_string_value(v);
		if (g == NULL || *g == '\0' || strlen(g) > 64) {
			fail(o, 400, "invalid_field", f, "a group is its name (cn), 1 to 64 characters");
			return -1;
		}
		for (const char *q = g; *q; q++)
			if ((unsigned char)*q < 0x20) {
				fail(o, 400, "invalid_field", f, "a group name has no control characters");
				return -1;
			}
		if (check_dir) {
			const char *err = NULL;
			int rc = dir_child_exists(c, c->ldap_groups_dn, "cn", g, &err);
			if (rc <= 0) {
				if (rc < 0)
					fail(o, 503, "unavailable", f, "cannot check group '%s' against the directory: %s",
					     g, err ? err : "?");
				else
					fail(o, 400, "invalid_field", f, "unknown group '%s': there is no cn=%s under %s",
					     g, g, c->ldap_groups_dn);
				return -1;
			}
		}
		add_item(items, "group", g);
	}
	return 0;
}

static int parse_access(const struct conf *c, json_t *p, struct person_in *in, struct outcome *o)
{
	static const char *const keys[] = { "employee_number", "grant", "revoke", "justification", NULL };
	if (parse_person_and_why(p, keys, in, o) < 0)
		return -1;
	json_t *grant = json_array(), *revoke = json_array();
	int rc = -1;
	if (access_part(c, json_object_get(p, "grant"), "grant", grant, 0, o) < 0 ||
	    access_part(c, json_object_get(p, "revoke"), "revoke", revoke, 0, o) < 0)
		goto out;
	if (json_array_size(grant) + json_array_size(revoke) == 0) {
		fail(o, 400, "missing_field", "grant", "an access request grants or revokes at least one level or group");
		goto out;
	}
	size_t i, j;
	json_t *a, *b;
	json_array_foreach(grant, i, a)
		json_array_foreach(revoke, j, b)
			if (json_equal(a, b)) {
				fail(o, 400, "invalid_field", "revoke", "%s %s is both granted and revoked",
				     json_string_value(json_object_get(a, "kind")),
				     json_string_value(json_object_get(a, "name")));
				goto out;
			}
	rc = 0;
out:
	json_decref(grant);
	json_decref(revoke);
	return rc;
}

/* The items of a stored (validated) access request; NULL when the
 * catalogue no longer has one of them (*err says which). */
static json_t *access_items(const struct conf *c, json_t *payload, const char *which, const char **err)
{
	struct outcome o;
	memset(&o, 0, sizeof(o));
	json_t *items = json_array();
	if (access_part(c, json_object_get(payload, which), which, items, 0, &o) < 0) {
		*err = t_printf("the request cannot be provisioned as filed: %s", o.message);
		json_decref(items);
		return NULL;
	}
	return items;
}

/* Who may file an access request for this person: TIM for anyone, a unit
 * head for the people of their own unit. Asked before anything else about
 * the person is told (person_id 0: there is no such person). */
static int check_access_filer(const struct conf *c, const struct principal *who, long long person_id,
			      const char *employee_number, struct outcome *o)
{
	role_mask tim = ROLE_BIT(ROLE_TIM_HEAD) | ROLE_BIT(ROLE_TIM_LEAD) | ROLE_BIT(ROLE_TIM_TECH) |
			ROLE_BIT(ROLE_ADMIN);
	if (who->roles & tim)
		return 0;
	return check_unit_head_of(c, who, person_id, employee_number, "may ask access", o);
}

/* What an access request revokes must be held through a request. */
static int check_access_rules(const struct conf *c, long long person_id, const char *employee_number,
			      json_t *payload, struct outcome *o)
{
	const char *err = NULL;
	enum db_status st;
	json_t *revoke = access_items(c, payload, "revoke", &err);
	if (revoke == NULL) {
		fail(o, 400, "invalid_field", "revoke", "%s", err);
		return -1;
	}
	size_t i;
	json_t *v;
	json_array_foreach(revoke, i, v) {
		const char *kind = json_string_value(json_object_get(v, "kind"));
		const char *name = json_string_value(json_object_get(v, "name"));
		int held = grants_held(person_id, kind, name, &st, &err);
		if (held <= 0) {
			if (held < 0)
				fail_db(o, st, err);
			else
				fail(o, 409, "conflict", "revoke", "%s holds no %s '%s' granted by a request: nothing to "
				     "revoke (what rules give a unit or position changes with a transfer)",
				     employee_number, kind, name);
			json_decref(revoke);
			return -1;
		}
	}
	json_decref(revoke);
	return 0;
}

/* Groups must exist in the directory (levels were checked by parse). */
static int access_check_catalogue(const struct conf *c, json_t *p, struct person_in *in, int *single_r,
				  struct outcome *o)
{
	(void)in;
	*single_r = 0;
	json_t *items = json_array();
	int rc = access_part(c, json_object_get(p, "grant"), "grant", items, 1, o) < 0 ||
		 access_part(c, json_object_get(p, "revoke"), "revoke", items, 1, o) < 0 ? -1 : 0;
	json_decref(items);
	return rc;
}

static int access_may_file(struct txn *t, const struct person_in *in, struct outcome *o)
{
	return check_access_filer(t->conf, t->who, t->person_id, in->employee_number, o);
}

static int access_check_rules(struct txn *t, json_t *payload, const struct person_in *in, struct outcome *o)
{
	return check_access_rules(t->conf, t->person_id, in->employee_number, payload, o);
}

/* A corrected request is filed again by whoever may file it. */
static int access_check_resubmit(struct txn *t, json_t *data, const struct person_in *in, struct outcome *o)
{
	(void)in;
	return check_access_filer(t->conf, t->who, t->person_id, t->employee_number, o) < 0 ||
	       check_access_rules(t->conf, t->person_id, t->employee_number, data, o) < 0 ? -1 : 0;
}

/* What the stored request grants and revokes, when provisioning begins. */
static enum db_status access_grant_items(struct txn *t, json_t **grant_r, json_t **revoke_r, const char **err)
{
	char rid[32];
	enum db_status st;
	snprintf(rid, sizeof(rid), "%lld", t->request_id);
	const char *params[1] = { rid };
	PGresult *r = db_query("request.payload", "SELECT payload::text FROM requests WHERE id = $1::bigint",
			       1, params, &st, err);
	if (r == NULL)
		return st;
	json_t *payload = json_loads(PQntuples(r) ? PQgetvalue(r, 0, 0) : "{}", 0, NULL);
	PQclear(r);
	*grant_r = access_items(t->conf, payload, "grant", err);
	*revoke_r = *grant_r ? access_items(t->conf, payload, "revoke", err) : NULL;
	json_decref(payload);
	if (*revoke_r != NULL)
		return DB_OK;
	/* the catalogue changed since the request was filed: the caller's
	 * request, not the service, is what is wrong */
	if (t->o != NULL) {
		fail(t->o, 409, "conflict", "grant", "%s", *err);
		*err = NULL;
	}
	return DB_ERROR;
}

static const struct effect access_effects[] = {
	/* provisioning: steps 4-5: the grants, then the plugins; its undo: grants taken away, revocations given back */
	EFFECTS_PROVISION(WS_PROVISIONING),
	{ WS_CONCLUDING, WA_ANY, WS_CLOSED, effect_conclude },	/* step 7: the unit head is told */
	EFFECTS_END
};

const struct procedure access_procedure = {
	.type = WF_ACCESS,
	.code = "access",
	.parse = parse_access,
	.check_catalogue = access_check_catalogue,
	.filer_roles = { ROLE_BIT(ROLE_TIM_HEAD) | ROLE_BIT(ROLE_TIM_LEAD) | ROLE_BIT(ROLE_TIM_TECH) | ROLE_BIT(ROLE_ADMIN),
			 ROLE_BIT(ROLE_UNIT_HEAD) },
	.filer_default = "unit_head",
	.may_file = access_may_file,
	.not_active = "access is given only to active people (a rehire comes first)",
	.blocked_by = 1u << WF_HIRE | 1u << WF_EXIT,
	.check_rules = access_check_rules,
	.check_resubmit = access_check_resubmit,
	.effects = access_effects,
	.intent = PLUGIN_INTENT_UPDATE,
	.undo_intent = PLUGIN_INTENT_UPDATE,
	.grant_items = access_grant_items,
};
