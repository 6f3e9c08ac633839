/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	scim - a SCIM 2.0 service provider at /scim/v2 (RFC 7643, 7644)
 * SYNOPSIS
 *	#include "scim/scim.h"
 * DESCRIPTION
 *	HR systems and identity platforms (Entra ID, Okta) push Users here.
 *	Nothing is written around the procedures: a created User is a hire,
 *	active false or DELETE an exit, a changed department or position a
 *	transfer, active true for a departed person a rehire, each filed
 *	through requests_create() as the REST API files it. docs/scim.md has
 *	the mapping.
 *
 *	The operations (users.c) answer into a struct scim_answer, so that
 *	the HTTP handlers and /Bulk (bulk.c) share them; the handlers turn
 *	it into an application/scim+json answer with scim_reply().
 *	http.c asks scim_path() whether a path is SCIM's, and then shapes
 *	every error it makes itself (401, 403, 404, 405, 413, 415, a bad
 *	JSON body) with scim_error_body().
 */
#ifndef PVD_SCIM_H
#define PVD_SCIM_H

#include <jansson.h>
#include "auth.h"
#include "conf.h"
#include "outcome.h"

struct http_ctx;

#define SCIM_PREFIX "/scim/v2"
#define SCIM_CONTENT_TYPE "application/scim+json"

#define SCIM_SCHEMA_USER "urn:ietf:params:scim:schemas:core:2.0:User"
#define SCIM_SCHEMA_GROUP "urn:ietf:params:scim:schemas:core:2.0:Group"
#define SCIM_SCHEMA_ENTERPRISE "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
#define SCIM_SCHEMA_PVD "urn:provisiond:params:scim:schemas:extension:provisiond:2.0:User"
#define SCIM_MSG_ERROR "urn:ietf:params:scim:api:messages:2.0:Error"
#define SCIM_MSG_LIST "urn:ietf:params:scim:api:messages:2.0:ListResponse"
#define SCIM_MSG_PATCH "urn:ietf:params:scim:api:messages:2.0:PatchOp"
#define SCIM_MSG_SEARCH "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
#define SCIM_MSG_BULK_REQUEST "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
#define SCIM_MSG_BULK_RESPONSE "urn:ietf:params:scim:api:messages:2.0:BulkResponse"

/* userName: the client's, else the directory login, else the HR number
 * (a person filed through the REST API still has one) */
#define SCIM_USERNAME_SQL "coalesce(p.scim_user_name, p.uid, p.employee_number)"

#define SCIM_MAX_COUNT 200		/* a page of GET /Users */
#define SCIM_DEFAULT_COUNT 100
#define SCIM_BULK_MAX_OPERATIONS 100
#define SCIM_PATCH_MAX_OPERATIONS 100

/* What one operation answers: a resource, a ListResponse or an Error. */
struct scim_answer {
	int status;
	json_t *body;		/* owned; NULL for 204 */
	char version[48];	/* W/"..." (ETag) or "" */
	char location[256];	/* the resource's URL or "" */
};

/* Who calls, and the URL the resources are named under. */
struct scim_call {
	const struct conf *conf;
	const struct principal *who;
	const char *base;		/* "http://host:port/scim/v2" */
	const char *request_id;
};

/* ---- errors (error.c) ---- */
int scim_path(const char *path);
/* Content types a SCIM body may come as: application/scim+json, application/json. */
int scim_json_type(const char *content_type);
/* The Error message body for http.c's own errors (code: its error code). malloc'd. */
char *scim_error_body(int status, const char *code, const char *detail);
/* Answers an Error; scim_type may be NULL. Returns -1 for "return scim_fail(...)". */
int scim_fail(struct scim_answer *a, int status, const char *scim_type, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* An engine refusal (outcome.h) as a SCIM Error: the field named as the
 * SCIM attribute it came from; a 500 without its detail. conflict_type:
 * the scimType of a 409 (uniqueness when filing a User) or NULL. */
int scim_fail_outcome(struct scim_answer *a, const struct scim_call *call, struct outcome *o,
		      const char *conflict_type);
/* Sends a (takes its body). */
void scim_reply(struct http_ctx *ctx, struct scim_answer *a);
/* The base URL of this request's resources, from Host (t_ memory). */
const char *scim_base_url(struct http_ctx *ctx);
void scim_call_init(struct scim_call *call, struct http_ctx *ctx);

/* ---- Users (users.c, user_view.c, user_input.c, patch.c) ---- */
void scim_user_create(const struct scim_call *call, json_t *body, struct scim_answer *a);
void scim_user_get(const struct scim_call *call, const char *id, const char *attributes,
		   const char *excluded, struct scim_answer *a);
/* mode: 'P' PUT (body a User), 'A' PATCH (body a PatchOp) */
void scim_user_change(const struct scim_call *call, const char *id, int mode, json_t *body,
		      const char *if_match, struct scim_answer *a);
void scim_user_delete(const struct scim_call *call, const char *id, const char *if_match,
		      struct scim_answer *a);
void scim_user_list(const struct scim_call *call, const char *filter, const char *start_index,
		    const char *count, const char *attributes, const char *excluded, struct scim_answer *a);

/* ---- the routes' handlers ---- */
void api_scim_service_provider_config(struct http_ctx *ctx);
void api_scim_resource_types(struct http_ctx *ctx);
void api_scim_resource_type(struct http_ctx *ctx);
void api_scim_schemas(struct http_ctx *ctx);
void api_scim_schema(struct http_ctx *ctx);
void api_scim_users_list(struct http_ctx *ctx);
void api_scim_users_search(struct http_ctx *ctx);
void api_scim_users_create(struct http_ctx *ctx);
void api_scim_user_get(struct http_ctx *ctx);
void api_scim_user_put(struct http_ctx *ctx);
void api_scim_user_patch(struct http_ctx *ctx);
void api_scim_user_delete(struct http_ctx *ctx);
void api_scim_groups_list(struct http_ctx *ctx);
void api_scim_group_get(struct http_ctx *ctx);
void api_scim_groups_write(struct http_ctx *ctx);
void api_scim_bulk(struct http_ctx *ctx);

#endif
