/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	scim/user_input - a User as a client sends it (see users.h)
 * DESCRIPTION
 *	Attribute names are matched without regard to case (RFC 7643 2.1).
 *	Core and enterprise attributes provisiond does not map (addresses,
 *	phoneNumbers, costCenter, manager, ...) are accepted and ignored, as
 *	are the read-only ones (id, meta, displayName, the work address):
 *	identity platforms send them on every change. provisiond's own
 *	extension is ours, so an unknown attribute there is a mistake: 400.
 */
#include "config.h"
#include "scim/users.h"
#include "json.h"
#include "tpool.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static int bad(struct scim_answer *a, const char *attr, const char *why)
{
	return scim_fail(a, 400, "invalidValue", "%s %s", attr, why);
}

/* A string attribute of at most max characters (NULL when absent or null). */
static int str_attr(json_t *obj, const char *name, const char *shown, size_t max, const char **out,
		    struct scim_answer *a)
{
	json_t *v = scim_get(obj, name);
	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return bad(a, shown, "must be a string");
	const char *s = json_string_value(v);
	long n = utf8_length(s);
	if (n < 0 || has_control_chars(s) || strlen(s) != json_string_length(v))
		return bad(a, shown, "holds a NUL, a control character or bytes that are not UTF-8");
	if ((size_t)n > max)
		return scim_fail(a, 400, "invalidValue", "%s is longer than %zu characters", shown, max);
	*out = s;
	return 0;
}

static int check_schemas(json_t *res, struct scim_answer *a)
{
	json_t *schemas = scim_get(res, "schemas"), *s;
	size_t i;
	int user = 0;
	if (!json_is_array(schemas))
		return scim_fail(a, 400, "invalidSyntax", "schemas must be an array naming %s", SCIM_SCHEMA_USER);
	json_array_foreach(schemas, i, s) {
		const char *v = json_string_value(s);
		if (v == NULL)
			return scim_fail(a, 400, "invalidSyntax", "schemas must hold strings");
		if (strcasecmp(v, SCIM_SCHEMA_USER) == 0)
			user = 1;
		else if (strcasecmp(v, SCIM_SCHEMA_ENTERPRISE) != 0 && strcasecmp(v, SCIM_SCHEMA_PVD) != 0)
			return scim_fail(a, 400, "invalidSyntax", "schema '%.100s' is not one a User has here "
					 "(see /Schemas)", v);
	}
	if (!user)
		return scim_fail(a, 400, "invalidSyntax", "schemas must include %s", SCIM_SCHEMA_USER);
	return 0;
}

/* Entra sends active as "True"/"False" as well as a boolean. */
static int active_attr(json_t *res, int *active, struct scim_answer *a)
{
	json_t *v = scim_get(res, "active");
	*active = -1;
	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_boolean(v))
		*active = json_is_true(v);
	else if (json_is_string(v) && strcasecmp(json_string_value(v), "true") == 0)
		*active = 1;
	else if (json_is_string(v) && strcasecmp(json_string_value(v), "false") == 0)
		*active = 0;
	else
		return bad(a, "active", "must be true or false");
	return 0;
}

/* The private address: an email of type home or other (the work one is
 * the address provisiond gives, not the client's to set). */
static int emails_attr(json_t *res, const char **home, struct scim_answer *a)
{
	json_t *emails = scim_get(res, "emails"), *e;
	size_t i;
	*home = NULL;
	if (emails == NULL || json_is_null(emails))
		return 0;
	if (!json_is_array(emails))
		return bad(a, "emails", "must be an array of {value, type}");
	json_array_foreach(emails, i, e) {
		const char *type, *value;
		if (!json_is_object(e))
			return bad(a, "emails", "must be an array of {value, type}");
		if (str_attr(e, "type", "emails.type", 32, &type, a) < 0 ||
		    str_attr(e, "value", "emails.value", 254, &value, a) < 0)
			return -1;
		if (type != NULL && value != NULL && (strcasecmp(type, "home") == 0 || strcasecmp(type, "other") == 0))
			*home = value;
	}
	return 0;
}

static const char *const pvd_keys[] = { "position", "nationalId", "startDate", "contractType", "contractEndDate",
	"exitAt", "uid", "status", "openRequest", "openRequestType", NULL };

int scim_user_parse(json_t *res, struct scim_user_in *in, struct scim_answer *a)
{
	memset(in, 0, sizeof(*in));
	in->active = -1;
	if (!json_is_object(res))
		return scim_fail(a, 400, "invalidSyntax", "a User must be a JSON object");
	if (check_schemas(res, a) < 0)
		return -1;
	json_t *name = scim_get(res, "name");
	if (name != NULL && !json_is_null(name) && !json_is_object(name))
		return bad(a, "name", "must be an object with givenName and familyName");
	if (str_attr(res, "userName", "userName", 256, &in->user_name, a) < 0 ||
	    str_attr(res, "externalId", "externalId", 256, &in->external_id, a) < 0 ||
	    str_attr(res, "title", "title", 64, &in->title, a) < 0 ||
	    str_attr(name, "givenName", "name.givenName", 100, &in->given, a) < 0 ||
	    str_attr(name, "familyName", "name.familyName", 100, &in->family, a) < 0 ||
	    active_attr(res, &in->active, a) < 0 || emails_attr(res, &in->home_email, a) < 0)
		return -1;
	json_t *ent = scim_get(res, SCIM_SCHEMA_ENTERPRISE);
	if (ent != NULL && !json_is_null(ent) && !json_is_object(ent))
		return bad(a, SCIM_SCHEMA_ENTERPRISE, "must be an object");
	if (str_attr(ent, "employeeNumber", SCIM_SCHEMA_ENTERPRISE ":employeeNumber", 32, &in->employee_number, a) < 0 ||
	    str_attr(ent, "department", SCIM_SCHEMA_ENTERPRISE ":department", 64, &in->department, a) < 0)
		return -1;
	json_t *ext = scim_get(res, SCIM_SCHEMA_PVD);
	if (ext != NULL && !json_is_null(ext)) {
		const char *k;
		json_t *v;
		if (!json_is_object(ext))
			return bad(a, SCIM_SCHEMA_PVD, "must be an object");
		json_object_foreach(ext, k, v) {
			int known = 0;
			for (const char *const *p = pvd_keys; *p && !known; p++)
				known = strcasecmp(k, *p) == 0;
			if (!known)
				return scim_fail(a, 400, "invalidValue", "%s has no attribute '%.60s' (see /Schemas)",
						 SCIM_SCHEMA_PVD, k);
		}
		if (str_attr(ext, "position", SCIM_SCHEMA_PVD ":position", 64, &in->position, a) < 0 ||
		    str_attr(ext, "nationalId", SCIM_SCHEMA_PVD ":nationalId", 32, &in->national_id, a) < 0 ||
		    str_attr(ext, "startDate", SCIM_SCHEMA_PVD ":startDate", 10, &in->start_date, a) < 0 ||
		    str_attr(ext, "contractType", SCIM_SCHEMA_PVD ":contractType", 16, &in->contract_type, a) < 0 ||
		    str_attr(ext, "contractEndDate", SCIM_SCHEMA_PVD ":contractEndDate", 10, &in->contract_end_date,
			     a) < 0 ||
		    str_attr(ext, "exitAt", SCIM_SCHEMA_PVD ":exitAt", 40, &in->exit_at, a) < 0)
			return -1;
	}
	return 0;
}
