/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	scim/user_view - a person as a SCIM User resource (see users.h)
 * DESCRIPTION
 *	The core User with the enterprise extension and provisiond's own
 *	(docs/scim.md). active is the person's status: a hire's User is
 *	active false until its provisioning is confirmed. meta.version is
 *	a hash of the resource without meta: any change a client could see
 *	changes it, nothing else does.
 */
#include "config.h"
#include "scim/users.h"
#include "buf.h"
#include "crypto.h"
#include "db.h"
#include "tpool.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define OPEN_STATES "('closed', 'cancelled', 'rejected')"

const char SCIM_PERSON_SQL[] =
	"SELECT p.id::text, p.employee_number, p.national_id, p.given_names, p.family_names, p.unit, p.position, "
	"p.contract_type, to_char(p.start_date, 'YYYY-MM-DD'), to_char(p.end_date, 'YYYY-MM-DD'), p.status, p.uid, "
	"p.mail, p.private_mail, " SCIM_USERNAME_SQL ", p.scim_external_id, "
	DB_UTC("p.created_at") ", " DB_UTC("p.updated_at") ", o.id::text, o.type, x.id::text, "
	DB_UTC("x.effective_at") ", x.state, tr.payload->>'unit', tr.payload->>'position' "
	"FROM people p "
	"LEFT JOIN LATERAL (SELECT id, type FROM requests WHERE person_id = p.id AND state NOT IN " OPEN_STATES
	" ORDER BY id DESC LIMIT 1) o ON true "
	"LEFT JOIN LATERAL (SELECT id, effective_at, state FROM requests WHERE person_id = p.id AND type = 'exit' "
	"AND state NOT IN " OPEN_STATES " ORDER BY id DESC LIMIT 1) x ON true "
	"LEFT JOIN LATERAL (SELECT payload FROM requests WHERE person_id = p.id AND type = 'transfer' "
	"AND state NOT IN " OPEN_STATES " ORDER BY id DESC LIMIT 1) tr ON true ";

const char *scim_col(PGresult *r, int i, enum scim_col c) { return PQgetvalue(r, i, (int)c); }
int scim_null(PGresult *r, int i, enum scim_col c) { return PQgetisnull(r, i, (int)c); }

static void set_str(json_t *o, const char *key, PGresult *r, int i, enum scim_col c)
{
	if (!scim_null(r, i, c))
		json_object_set_new(o, key, json_string(scim_col(r, i, c)));
}

json_t *scim_user_json(PGresult *r, int i, const char *base, char version[48], char location[256])
{
	const char *id = scim_col(r, i, SC_ID);
	json_t *u = json_pack("{s:[s,s,s], s:s, s:s}", "schemas", SCIM_SCHEMA_USER, SCIM_SCHEMA_ENTERPRISE,
			      SCIM_SCHEMA_PVD, "id", id, "userName", scim_col(r, i, SC_USER_NAME));
	set_str(u, "externalId", r, i, SC_EXTERNAL_ID);
	const char *given = scim_col(r, i, SC_GIVEN), *family = scim_col(r, i, SC_FAMILY);
	const char *formatted = t_printf("%s %s", given, family);
	json_object_set_new(u, "name", json_pack("{s:s, s:s, s:s}", "givenName", given, "familyName", family,
						 "formatted", formatted));
	json_object_set_new(u, "displayName", json_string(formatted));
	set_str(u, "title", r, i, SC_POSITION);
	json_object_set_new(u, "active", json_boolean(strcmp(scim_col(r, i, SC_STATUS), "active") == 0));
	json_t *emails = json_array();
	if (!scim_null(r, i, SC_MAIL))
		json_array_append_new(emails, json_pack("{s:s, s:s, s:b}", "value", scim_col(r, i, SC_MAIL),
							"type", "work", "primary", 1));
	if (!scim_null(r, i, SC_PRIVATE_MAIL))
		json_array_append_new(emails, json_pack("{s:s, s:s, s:b}", "value", scim_col(r, i, SC_PRIVATE_MAIL),
							"type", "home", "primary", 0));
	if (json_array_size(emails) > 0)
		json_object_set_new(u, "emails", emails);
	else
		json_decref(emails);
	json_t *ent = json_pack("{s:s, s:s}", "employeeNumber", scim_col(r, i, SC_EMPLOYEE),
				"department", scim_col(r, i, SC_UNIT));
	json_object_set_new(u, SCIM_SCHEMA_ENTERPRISE, ent);
	json_t *ext = json_pack("{s:s, s:s, s:s, s:s, s:s}", "position", scim_col(r, i, SC_POSITION),
				"nationalId", scim_col(r, i, SC_NATIONAL_ID), "startDate", scim_col(r, i, SC_START),
				"contractType", scim_col(r, i, SC_CONTRACT), "status", scim_col(r, i, SC_STATUS));
	set_str(ext, "contractEndDate", r, i, SC_END);
	set_str(ext, "uid", r, i, SC_UID);
	set_str(ext, "exitAt", r, i, SC_EXIT_AT);
	if (!scim_null(r, i, SC_OPEN_ID)) {
		json_object_set_new(ext, "openRequest", json_integer(atoll(scim_col(r, i, SC_OPEN_ID))));
		json_object_set_new(ext, "openRequestType", json_string(scim_col(r, i, SC_OPEN_TYPE)));
	}
	json_object_set_new(u, SCIM_SCHEMA_PVD, ext);

	char *text = json_dumps(u, JSON_COMPACT | JSON_SORT_KEYS);
	char hash[65];
	crypto_sha256_hex(text, strlen(text), hash);
	free(text);
	snprintf(version, 48, "W/\"%.20s\"", hash);
	snprintf(location, 256, "%s/Users/%s", base, id);
	json_object_set_new(u, "meta", json_pack("{s:s, s:s, s:s, s:s, s:s}", "resourceType", "User",
		"created", scim_col(r, i, SC_CREATED), "lastModified", scim_col(r, i, SC_UPDATED),
		"location", location, "version", version));
	return u;
}

json_t *scim_get(json_t *obj, const char *name)
{
	const char *k = scim_key(obj, name);
	return k ? json_object_get(obj, k) : NULL;
}

const char *scim_key(json_t *obj, const char *name)
{
	const char *k;
	json_t *v;
	if (!json_is_object(obj))
		return NULL;
	json_object_foreach(obj, k, v)
		if (strcasecmp(k, name) == 0)
			return k;
	return NULL;
}

/* One name of an attributes list as a path in the resource: an
 * extension's attribute under its URN's object, the core's at the top,
 * a sub-attribute after a dot. n parts (1-3) into part[]. */
static int split_attr(const char *name, char part[3][128])
{
	static const char *const exts[] = { SCIM_SCHEMA_ENTERPRISE, SCIM_SCHEMA_PVD, NULL };
	int n = 0;
	for (const char *const *e = exts; *e; e++) {
		size_t u = strlen(*e);
		if (strncasecmp(name, *e, u) == 0 && (name[u] == ':' || name[u] == '\0')) {
			snprintf(part[n++], 128, "%s", *e);
			name += u + (name[u] == ':');
			break;
		}
	}
	size_t cu = strlen(SCIM_SCHEMA_USER);
	if (n == 0 && strncasecmp(name, SCIM_SCHEMA_USER, cu) == 0 && name[cu] == ':')
		name += cu + 1;
	while (*name && n < 3) {
		size_t w = strcspn(name, ".");
		snprintf(part[n++], 128, "%.*s", (int)(w < 127 ? w : 127), name);
		name += w + (name[w] == '.');
	}
	return n;
}

/* Copies the path part[0..n-1] of from into to. */
static void copy_path(json_t *to, json_t *from, char (*part)[128], int n)
{
	const char *k = scim_key(from, part[0]);
	if (k == NULL)
		return;
	json_t *v = json_object_get(from, k);
	if (n == 1 || !json_is_object(v)) {
		json_object_set(to, k, v);
		return;
	}
	json_t *sub = json_object_get(to, k);
	if (!json_is_object(sub)) {
		sub = json_object();
		json_object_set_new(to, k, sub);
	}
	copy_path(sub, v, part + 1, n - 1);
}

static void drop_path(json_t *obj, char (*part)[128], int n)
{
	const char *k = scim_key(obj, part[0]);
	if (k == NULL)
		return;
	if (n == 1)
		json_object_del(obj, k);
	else
		drop_path(json_object_get(obj, k), part + 1, n - 1);
}

/* id and schemas are "returned: always" (RFC 7643 7): never left out. */
json_t *scim_project(json_t *res, const char *attributes, const char *excluded)
{
	const char *list = attributes != NULL && *attributes ? attributes : excluded;
	if (list == NULL || *list == '\0')
		return json_incref(res);
	int keep = attributes != NULL && *attributes;
	json_t *out = keep ? json_pack("{s:O, s:O}", "schemas", json_object_get(res, "schemas"),
				       "id", json_object_get(res, "id")) : json_deep_copy(res);
	char *copy = xstrdup(list), *save = NULL;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		size_t len = strlen(tok);
		while (len > 0 && tok[len - 1] == ' ')
			tok[--len] = '\0';
		char part[3][128];
		int n = split_attr(tok, part);
		if (n == 0 || (n == 1 && (strcasecmp(part[0], "id") == 0 || strcasecmp(part[0], "schemas") == 0)))
			continue;
		if (keep)
			copy_path(out, res, part, n);
		else
			drop_path(out, part, n);
	}
	free(copy);
	return out;
}

int scim_person_load(const struct scim_call *call, const char *id, PGresult **r, struct scim_answer *a)
{
	size_t n = strlen(id);
	(void)call;
	*r = NULL;
	if (n == 0 || n > 18 || strspn(id, "0123456789") != n)
		return scim_fail(a, 404, NULL, "no User with id '%.40s'", id), 0;
	const char *params[1] = { id };
	enum db_status st;
	const char *err = NULL;
	char *sql = xasprintf("%s WHERE p.id = $1::bigint", SCIM_PERSON_SQL);
	PGresult *res = db_query("scim.user", sql, 1, params, &st, &err);
	free(sql);
	if (res == NULL) {
		struct outcome o;
		memset(&o, 0, sizeof(o));
		fail_db(&o, st, err);
		return scim_fail_outcome(a, call, &o, NULL);
	}
	if (PQntuples(res) != 1) {
		PQclear(res);
		return scim_fail(a, 404, NULL, "no User with id '%s'", id), 0;
	}
	*r = res;
	return 1;
}

/* Weak comparison (RFC 7232 2.3.2): W/ is ignored on both sides. */
int scim_if_match(const char *if_match, const char *version)
{
	const char *v = strncmp(version, "W/", 2) == 0 ? version + 2 : version;
	for (const char *p = if_match; *p;) {
		p += strspn(p, ", ");
		size_t w = strcspn(p, ",");
		while (w > 0 && p[w - 1] == ' ')
			w--;
		const char *t = p;
		size_t tw = w;
		if (tw == 1 && *t == '*')
			return 1;
		if (tw > 2 && strncmp(t, "W/", 2) == 0)
			t += 2, tw -= 2;
		if (tw == strlen(v) && strncmp(t, v, tw) == 0)
			return 1;
		p += strcspn(p, ",");
	}
	return 0;
}
