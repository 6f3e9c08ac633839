/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	scim/patch - PATCH operations (RFC 7644 3.5.2) on a User resource
 * DESCRIPTION
 *	The operations are applied, in order, to the resource as provisiond
 *	shows it; users.c then reads the result as a PUT and files what
 *	changed. Paths: attr, attr.sub, attr[sub eq "v"], attr[sub eq "v"].sub,
 *	each optionally after its schema's URN ("urn:...:enterprise:2.0:User:department").
 *	op is case-insensitive (Entra sends "Replace"); an operation without
 *	a path takes an object of attributes (Okta's {"active": false}).
 */
#include "config.h"
#include "scim/users.h"
#include "tpool.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum pop { OP_ADD, OP_REPLACE, OP_REMOVE };

struct ppath {
	const char *container;		/* an extension's URN, or NULL: the core */
	char attr[64];			/* "" with a container: the extension's object itself */
	char filter_attr[64];
	char filter_value[256];
	int has_filter;
	char sub[64];
};

static const char *const core_attrs[] = { "userName", "name", "displayName", "nickName", "profileUrl", "title",
	"userType", "preferredLanguage", "locale", "timezone", "active", "emails", "phoneNumbers", "ims",
	"photos", "addresses", "entitlements", "roles", "x509Certificates", "externalId", NULL };
static const char *const enterprise_attrs[] = { "employeeNumber", "costCenter", "organization", "division",
	"department", "manager", NULL };
static const char *const pvd_attrs[] = { "position", "nationalId", "startDate", "contractType",
	"contractEndDate", "exitAt", NULL };
/* what the service sets: a client may not (RFC 7644 3.5.2: mutability) */
static const char *const read_only[] = { "id", "meta", "groups", "schemas", "password", "uid", "status",
	"openRequest", "openRequestType", NULL };

static int listed(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (strcasecmp(*list, name) == 0)
			return 1;
	return 0;
}

static int ident_len(const char *s)
{
	int n = 0;
	while (isalnum((unsigned char)s[n]) || s[n] == '_' || s[n] == '$' || s[n] == '-')
		n++;
	return n;
}

static int invalid_path(struct scim_answer *a, const char *path, const char *why)
{
	return scim_fail(a, 400, "invalidPath", "path '%.200s': %s", path, why);
}

static int parse_path(const char *path, struct ppath *pp, struct scim_answer *a)
{
	static const char *const exts[] = { SCIM_SCHEMA_ENTERPRISE, SCIM_SCHEMA_PVD, NULL };
	const char *s = path;
	memset(pp, 0, sizeof(*pp));
	for (const char *const *e = exts; *e; e++) {
		size_t u = strlen(*e);
		if (strncasecmp(s, *e, u) == 0 && (s[u] == ':' || s[u] == '\0')) {
			pp->container = *e;
			s += u + (s[u] == ':');
			if (*s == '\0')
				return 0;
			break;
		}
	}
	size_t cu = strlen(SCIM_SCHEMA_USER);
	if (pp->container == NULL && strncasecmp(s, SCIM_SCHEMA_USER, cu) == 0 && s[cu] == ':')
		s += cu + 1;
	int n = ident_len(s);
	if (n == 0 || n >= (int)sizeof(pp->attr))
		return invalid_path(a, path, "expected an attribute name");
	snprintf(pp->attr, sizeof(pp->attr), "%.*s", n, s);
	s += n;
	if (listed(read_only, pp->attr))
		return scim_fail(a, 400, "mutability", "%s is set by provisiond, not by a client", pp->attr);
	const char *const *known = pp->container == NULL ? core_attrs
				   : strcmp(pp->container, SCIM_SCHEMA_ENTERPRISE) == 0 ? enterprise_attrs : pvd_attrs;
	if (!listed(known, pp->attr))
		return invalid_path(a, path, t_printf("no attribute '%s' in %s (see /Schemas)", pp->attr,
						       pp->container ? pp->container : SCIM_SCHEMA_USER));
	if (*s == '[') {
		s++;
		while (*s == ' ')
			s++;
		n = ident_len(s);
		if (n == 0 || n >= (int)sizeof(pp->filter_attr))
			return invalid_path(a, path, "a value filter needs an attribute");
		snprintf(pp->filter_attr, sizeof(pp->filter_attr), "%.*s", n, s);
		s += n;
		while (*s == ' ')
			s++;
		if (strncasecmp(s, "eq", 2) != 0 || s[2] != ' ')
			return invalid_path(a, path, "a value filter here is only 'sub eq \"value\"'");
		s += 3;
		while (*s == ' ')
			s++;
		if (*s != '"')
			return invalid_path(a, path, "the filter's value must be a string in double quotes");
		const char *end = strchr(s + 1, '"');
		if (end == NULL || end - s - 1 >= (long)sizeof(pp->filter_value))
			return invalid_path(a, path, "the filter's value is not closed");
		snprintf(pp->filter_value, sizeof(pp->filter_value), "%.*s", (int)(end - s - 1), s + 1);
		s = end + 1;
		while (*s == ' ')
			s++;
		if (*s != ']')
			return invalid_path(a, path, "expected ']'");
		s++;
		pp->has_filter = 1;
	}
	if (*s == '.') {
		s++;
		n = ident_len(s);
		if (n == 0 || n >= (int)sizeof(pp->sub))
			return invalid_path(a, path, "expected a sub-attribute after '.'");
		snprintf(pp->sub, sizeof(pp->sub), "%.*s", n, s);
		s += n;
	}
	if (*s != '\0')
		return invalid_path(a, path, t_printf("unexpected '%.20s'", s));
	return 0;
}

/* Sets key in obj to v, keeping the spelling of an existing key; objects
 * merge (sub-attributes not given are left), as replace and add do. */
static void put(json_t *obj, const char *key, json_t *v, enum pop op)
{
	const char *k = scim_key(obj, key);
	json_t *old = k ? json_object_get(obj, k) : NULL;
	if (old != NULL && json_is_object(old) && json_is_object(v)) {
		json_object_update(old, v);
		return;
	}
	if (op == OP_ADD && old != NULL && json_is_array(old)) {
		if (json_is_array(v))
			json_array_extend(old, v);
		else
			json_array_append(old, v);
		return;
	}
	json_object_set(obj, k ? k : key, v);
}

static int matches(json_t *elem, const struct ppath *pp)
{
	const char *v = json_string_value(scim_get(elem, pp->filter_attr));
	return v != NULL && strcasecmp(v, pp->filter_value) == 0;
}

static int apply_one(json_t *res, enum pop op, const char *path, json_t *value, struct scim_answer *a)
{
	struct ppath pp;
	if (parse_path(path, &pp, a) < 0)
		return -1;
	if (op != OP_REMOVE && value == NULL)
		return scim_fail(a, 400, "invalidSyntax", "operation on '%.200s' has no value", path);
	json_t *t = res;
	if (pp.container != NULL) {
		const char *k = scim_key(res, pp.container);
		t = k ? json_object_get(res, k) : NULL;
		if (!json_is_object(t)) {
			if (op == OP_REMOVE)
				return 0;
			t = json_object();
			json_object_set_new(res, pp.container, t);
		}
		if (pp.attr[0] == '\0') {	/* the extension's whole object */
			if (op == OP_REMOVE)
				json_object_clear(t);
			else if (!json_is_object(value))
				return scim_fail(a, 400, "invalidValue", "%s takes an object", pp.container);
			else
				json_object_update(t, value);
			return 0;
		}
	}
	const char *key = scim_key(t, pp.attr);
	json_t *cur = key ? json_object_get(t, key) : NULL;
	if (!pp.has_filter && pp.sub[0] == '\0') {
		if (op == OP_REMOVE) {
			if (key)
				json_object_del(t, key);
		} else
			put(t, pp.attr, value, op);
		return 0;
	}
	if (!pp.has_filter) {	/* attr.sub */
		if (cur == NULL || !json_is_object(cur)) {
			if (op == OP_REMOVE)
				return 0;
			cur = json_object();
			json_object_set_new(t, key ? key : pp.attr, cur);
		}
		if (op == OP_REMOVE) {
			const char *sk = scim_key(cur, pp.sub);
			if (sk)
				json_object_del(cur, sk);
		} else
			put(cur, pp.sub, value, op);
		return 0;
	}
	/* attr[sub eq "v"] and attr[sub eq "v"].sub: a multi-valued attribute */
	if (cur != NULL && !json_is_array(cur))
		return invalid_path(a, path, "a value filter needs a multi-valued attribute");
	if (cur == NULL) {
		if (op == OP_REMOVE)
			return 0;
		cur = json_array();
		json_object_set_new(t, pp.attr, cur);
	}
	int found = 0;
	for (size_t i = 0; i < json_array_size(cur);) {
		json_t *e = json_array_get(cur, i);
		if (!json_is_object(e) || !matches(e, &pp)) {
			i++;
			continue;
		}
		found = 1;
		if (pp.sub[0] != '\0') {
			if (op == OP_REMOVE) {
				const char *sk = scim_key(e, pp.sub);
				if (sk)
					json_object_del(e, sk);
			} else
				put(e, pp.sub, value, op);
			i++;
		} else if (op == OP_REMOVE) {
			json_array_remove(cur, i);
		} else {
			if (!json_is_object(value))
				return scim_fail(a, 400, "invalidValue", "'%.200s' takes an object", path);
			json_object_update(e, value);
			i++;
		}
	}
	if (!found && op != OP_REMOVE) {	/* a value that was not there yet: added */
		json_t *e = pp.sub[0] != '\0' ? json_object() : json_deep_copy(value);
		if (!json_is_object(e)) {
			json_decref(e);
			return scim_fail(a, 400, "invalidValue", "'%.200s' takes an object", path);
		}
		json_object_set_new(e, pp.filter_attr, json_string(pp.filter_value));
		if (pp.sub[0] != '\0')
			json_object_set(e, pp.sub, value);
		json_array_append_new(cur, e);
	}
	return 0;
}

int scim_patch_apply(json_t *res, json_t *patch, struct scim_answer *a)
{
	json_t *schemas = scim_get(patch, "schemas"), *s, *ops, *op;
	size_t i;
	int is_patch = 0;
	json_array_foreach(schemas, i, s)
		is_patch |= json_is_string(s) && strcasecmp(json_string_value(s), SCIM_MSG_PATCH) == 0;
	if (!is_patch)
		return scim_fail(a, 400, "invalidSyntax", "a PATCH body's schemas must be [\"%s\"]", SCIM_MSG_PATCH);
	ops = scim_get(patch, "Operations");
	if (!json_is_array(ops) || json_array_size(ops) == 0 || json_array_size(ops) > SCIM_PATCH_MAX_OPERATIONS)
		return scim_fail(a, 400, "invalidSyntax", "Operations must be an array of 1 to %d operations",
				 SCIM_PATCH_MAX_OPERATIONS);
	json_array_foreach(ops, i, op) {
		const char *name = json_string_value(scim_get(op, "op"));
		json_t *path = scim_get(op, "path"), *value = scim_get(op, "value");
		enum pop o;
		if (!json_is_object(op))
			return scim_fail(a, 400, "invalidSyntax", "operation %zu is not an object", i);
		if (name != NULL && strcasecmp(name, "add") == 0)
			o = OP_ADD;
		else if (name != NULL && strcasecmp(name, "replace") == 0)
			o = OP_REPLACE;
		else if (name != NULL && strcasecmp(name, "remove") == 0)
			o = OP_REMOVE;
		else
			return scim_fail(a, 400, "invalidSyntax", "operation %zu: op must be add, replace or remove, "
					 "not '%.40s'", i, name ? name : "(none)");
		if (path != NULL && !json_is_null(path)) {
			if (!json_is_string(path) || json_string_length(path) == 0 || json_string_length(path) > 512)
				return invalid_path(a, "", "path must be a non-empty string");
			if (apply_one(res, o, json_string_value(path), value, a) < 0)
				return -1;
			continue;
		}
		if (o == OP_REMOVE)
			return scim_fail(a, 400, "noTarget", "operation %zu: remove needs a path", i);
		if (!json_is_object(value))
			return scim_fail(a, 400, "invalidSyntax", "operation %zu: without a path, value must be an "
					 "object of attributes", i);
		const char *k;
		json_t *v;
		json_object_foreach(value, k, v) {
			/* what a client read back and sends again is not a change */
			if (strcasecmp(k, "id") == 0 || strcasecmp(k, "meta") == 0 || strcasecmp(k, "schemas") == 0)
				continue;
			if (apply_one(res, o, k, v, a) < 0)
				return -1;
		}
	}
	return 0;
}
