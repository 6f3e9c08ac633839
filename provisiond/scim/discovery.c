/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	scim/discovery - /ServiceProviderConfig, /ResourceTypes, /Schemas
 *	(RFC 7644 section 4) and the read-only Groups
 * DESCRIPTION
 *	What they say is what users.c, filter.c, patch.c and bulk.c do: the
 *	attribute rows below are the mapped attributes only (an attribute
 *	not listed is accepted and ignored), with the mutability provisiond
 *	gives them. Groups: birthright groups come from unit and position
 *	by the group plugins' rules, which the daemon does not hold, so
 *	/Groups lists none and writes are 501.
 */
#include "config.h"
#include "scim/scim.h"
#include "http.h"
#include "tpool.h"

#include <string.h>
#include <strings.h>

struct sattr {
	const char *name, *type, *mutability, *description;
	int required, case_exact, multi;
	const char *uniqueness;			/* NULL: none */
	const struct sattr *sub;		/* NULL-named end */
};

#define RO "readOnly"
#define RW "readWrite"
#define IM "immutable"

static const struct sattr name_sub[] = {
	{ "givenName", "string", IM, "given names (HR's given_names)", 1, 0, 0, NULL, NULL },
	{ "familyName", "string", IM, "family names (HR's family_names)", 1, 0, 0, NULL, NULL },
	{ "formatted", "string", RO, "given and family names", 0, 0, 0, NULL, NULL },
	{ NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL }
};
static const struct sattr email_sub[] = {
	{ "value", "string", RW, "the address", 0, 0, 0, NULL, NULL },
	{ "type", "string", RW, "work: the institutional address provisiond gives (read-only, a client's is "
	  "ignored); home or other: the private address of the hire data", 0, 0, 0, NULL, NULL },
	{ "primary", "boolean", RO, "the work address", 0, 0, 0, NULL, NULL },
	{ NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL }
};
static const struct sattr user_attrs[] = {
	{ "userName", "string", RW, "the client's name for the User, unique without regard to case (kept apart "
	  "from the directory login, which provisiond's naming rules make: see uid)", 1, 0, 0, "server", NULL },
	{ "externalId", "string", RW, "the client's identifier", 0, 1, 0, NULL, NULL },
	{ "name", "complex", RW, "the person's names", 1, 0, 0, NULL, name_sub },
	{ "displayName", "string", RO, "given and family names", 0, 0, 0, NULL, NULL },
	{ "title", "string", RW, "the position (the provisiond extension's position wins when both are sent); "
	  "a change files a transfer", 0, 0, 0, NULL, NULL },
	{ "active", "boolean", RW, "false until the hire is provisioned; false files an exit, true for a "
	  "departed person a rehire", 0, 0, 0, NULL, NULL },
	{ "emails", "complex", RW, "work (read-only) and home addresses", 0, 0, 1, NULL, email_sub },
	{ NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL }
};
static const struct sattr enterprise_attrs[] = {
	{ "employeeNumber", "string", IM, "the HR number: required to create a User, never changed", 1, 1, 0,
	  "server", NULL },
	{ "department", "string", RW, "the unit (an ou of ldap_units_dn); a change files a transfer", 1, 0, 0,
	  NULL, NULL },
	{ NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL }
};
static const struct sattr pvd_attrs[] = {
	{ "position", "string", RW, "the position (a cn of ldap_positions_dn); a change files a transfer", 1, 0,
	  0, NULL, NULL },
	{ "nationalId", "string", IM, "the national id", 1, 1, 0, NULL, NULL },
	{ "startDate", "string", IM, "YYYY-MM-DD; default: today", 0, 1, 0, NULL, NULL },
	{ "contractType", "string", IM, "staff (default) or consultant", 0, 1, 0, NULL, NULL },
	{ "contractEndDate", "string", IM, "YYYY-MM-DD, required for a consultant", 0, 1, 0, NULL, NULL },
	{ "exitAt", "dateTime", RW, "when the exit takes effect: setting it files (or moves) a scheduled exit",
	  0, 0, 0, NULL, NULL },
	{ "uid", "string", RO, "the directory login provisiond gave", 0, 0, 0, NULL, NULL },
	{ "status", "string", RO, "pending, active or disabled", 0, 1, 0, NULL, NULL },
	{ "openRequest", "integer", RO, "the open request about the person (GET /v1/requests/{id})", 0, 0, 0,
	  NULL, NULL },
	{ "openRequestType", "string", RO, "hire, exit, transfer, ...", 0, 1, 0, NULL, NULL },
	{ NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL }
};
static const struct sattr group_attrs[] = {
	{ "displayName", "string", RO, "the group's name", 1, 0, 0, NULL, NULL },
	{ NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL }
};

static json_t *attrs_json(const struct sattr *rows)
{
	json_t *list = json_array();
	for (const struct sattr *s = rows; s->name; s++) {
		json_t *a = json_pack("{s:s, s:s, s:b, s:s, s:b, s:b, s:s, s:s, s:s}", "name", s->name, "type", s->type,
				      "multiValued", s->multi, "description", s->description, "required", s->required,
				      "caseExact", s->case_exact, "mutability", s->mutability, "returned", "default",
				      "uniqueness", s->uniqueness ? s->uniqueness : "none");
		if (s->sub != NULL)
			json_object_set_new(a, "subAttributes", attrs_json(s->sub));
		json_array_append_new(list, a);
	}
	return list;
}

static const struct schema_doc {
	const char *id, *name, *description;
	const struct sattr *attrs;
} schemas[] = {
	{ SCIM_SCHEMA_USER, "User", "the core User, as far as provisiond maps it", user_attrs },
	{ SCIM_SCHEMA_ENTERPRISE, "EnterpriseUser", "the enterprise extension: organization, costCenter, division "
	  "and manager are accepted and ignored", enterprise_attrs },
	{ SCIM_SCHEMA_PVD, "ProvisiondUser", "what a hire needs and SCIM lacks (docs/scim.md)", pvd_attrs },
	{ SCIM_SCHEMA_GROUP, "Group", "read-only: birthright groups come from unit and position", group_attrs },
};

static json_t *schema_json(struct http_ctx *ctx, const struct schema_doc *d)
{
	return json_pack("{s:[s], s:s, s:s, s:s, s:o, s:{s:s, s:s}}", "schemas",
			 "urn:ietf:params:scim:schemas:core:2.0:Schema", "id", d->id, "name", d->name, "description",
			 d->description, "attributes", attrs_json(d->attrs), "meta", "resourceType", "Schema",
			 "location", t_printf("%s/Schemas/%s", scim_base_url(ctx), d->id));
}

static void reply(struct http_ctx *ctx, int status, json_t *body)
{
	struct scim_answer a = { status, body, "", "" };
	scim_reply(ctx, &a);
}

static void reply_error(struct http_ctx *ctx, int status, const char *detail)
{
	struct scim_answer a;
	memset(&a, 0, sizeof(a));
	scim_fail(&a, status, NULL, "%s", detail);
	scim_reply(ctx, &a);
}

static json_t *list(json_t *items)
{
	return json_pack("{s:[s], s:I, s:I, s:i, s:o}", "schemas", SCIM_MSG_LIST, "totalResults",
			 (json_int_t)json_array_size(items), "itemsPerPage", (json_int_t)json_array_size(items),
			 "startIndex", 1, "Resources", items);
}

void api_scim_service_provider_config(struct http_ctx *ctx)
{
	reply(ctx, 200, json_pack("{s:[s], s:s, s:{s:b}, s:{s:b, s:i, s:i}, s:{s:b, s:i}, s:{s:b}, s:{s:b}, "
				  "s:{s:b}, s:[{s:s, s:s, s:s, s:b}], s:{s:s, s:s}}",
		"schemas", "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig",
		"documentationUri", "https://github.com/provisiond/provisiond/blob/main/docs/scim.md",
		"patch", "supported", 1,
		"bulk", "supported", 1, "maxOperations", SCIM_BULK_MAX_OPERATIONS, "maxPayloadSize", ctx->conf->http_max_body,
		"filter", "supported", 1, "maxResults", SCIM_MAX_COUNT,
		"changePassword", "supported", 0,
		"sort", "supported", 0,
		"etag", "supported", 1,
		"authenticationSchemes", "type", "oauthbearertoken", "name", "Bearer token",
		"description", "a provisiond API token of role hr (provisiond token create --role hr); auditors, "
		"TIM and admins may read. Groups are read-only and /Groups lists none: birthright groups come "
		"from unit and position by the group plugins' rules", "primary", 1,
		"meta", "resourceType", "ServiceProviderConfig", "location",
		t_printf("%s/ServiceProviderConfig", scim_base_url(ctx))));
}

static json_t *resource_type(struct http_ctx *ctx, const char *name)
{
	int user = strcmp(name, "User") == 0;
	json_t *rt = json_pack("{s:[s], s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s}}", "schemas",
			       "urn:ietf:params:scim:schemas:core:2.0:ResourceType", "id", name, "name", name,
			       "endpoint", user ? "/Users" : "/Groups", "description",
			       user ? "a person: created by a hire" : "read-only", "schema",
			       user ? SCIM_SCHEMA_USER : SCIM_SCHEMA_GROUP, "meta", "resourceType", "ResourceType",
			       "location", t_printf("%s/ResourceTypes/%s", scim_base_url(ctx), name));
	if (user)
		json_object_set_new(rt, "schemaExtensions", json_pack("[{s:s, s:b}, {s:s, s:b}]", "schema",
			SCIM_SCHEMA_ENTERPRISE, "required", 1, "schema", SCIM_SCHEMA_PVD, "required", 0));
	return rt;
}

void api_scim_resource_types(struct http_ctx *ctx)
{
	reply(ctx, 200, list(json_pack("[o, o]", resource_type(ctx, "User"), resource_type(ctx, "Group"))));
}

void api_scim_resource_type(struct http_ctx *ctx)
{
	const char *name = http_param(ctx, 0);
	if (strcmp(name, "User") == 0 || strcmp(name, "Group") == 0)
		reply(ctx, 200, resource_type(ctx, name));
	else
		reply_error(ctx, 404, t_printf("no resource type '%.60s': User and Group", name));
}

void api_scim_schemas(struct http_ctx *ctx)
{
	json_t *items = json_array();
	for (size_t i = 0; i < sizeof(schemas) / sizeof(schemas[0]); i++)
		json_array_append_new(items, schema_json(ctx, &schemas[i]));
	reply(ctx, 200, list(items));
}

void api_scim_schema(struct http_ctx *ctx)
{
	const char *id = http_param(ctx, 0);
	for (size_t i = 0; i < sizeof(schemas) / sizeof(schemas[0]); i++)
		if (strcasecmp(id, schemas[i].id) == 0) {
			reply(ctx, 200, schema_json(ctx, &schemas[i]));
			return;
		}
	reply_error(ctx, 404, t_printf("no schema '%.120s' (see /Schemas)", id));
}

void api_scim_groups_list(struct http_ctx *ctx)
{
	reply(ctx, 200, list(json_array()));
}

void api_scim_group_get(struct http_ctx *ctx)
{
	reply_error(ctx, 404, t_printf("no Group '%.60s': /Groups lists none (birthright groups come from unit "
				       "and position)", http_param(ctx, 0)));
}

void api_scim_groups_write(struct http_ctx *ctx)
{
	reply_error(ctx, 501, "Groups are read-only here: birthright groups come from unit and position; change "
		    "the User's department or position instead");
}
