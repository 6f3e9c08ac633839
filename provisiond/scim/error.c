/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	scim/error - SCIM's Error messages (RFC 7644 section 3.12) and the
 *	answer of every SCIM route (see scim.h)
 */
#include "config.h"
#include "scim/scim.h"
#include "buf.h"
#include "http.h"
#include "log.h"
#include "text.h"
#include "tpool.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int scim_path(const char *path)
{
	size_t n = strlen(SCIM_PREFIX);
	return strncmp(path, SCIM_PREFIX, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

int scim_json_type(const char *ct)
{
	if (ct == NULL)
		return 0;
	size_t n = strcspn(ct, ";");
	while (n > 0 && ct[n - 1] == ' ')
		n--;
	return (n == strlen(SCIM_CONTENT_TYPE) && strncasecmp(ct, SCIM_CONTENT_TYPE, n) == 0) ||
	       (n == strlen("application/json") && strncasecmp(ct, "application/json", n) == 0);
}

static json_t *error_json(int status, const char *scim_type, const char *detail)
{
	json_t *e = json_pack("{s:[s], s:s, s:s}", "schemas", SCIM_MSG_ERROR, "status", t_printf("%d", status),
			      "detail", detail);
	if (scim_type != NULL)
		json_object_set_new(e, "scimType", json_string(scim_type));
	return e;
}

/* http.c's own error codes as scimTypes: a body that is not JSON is
 * invalidSyntax, a bad field invalidValue; the rest have none. */
char *scim_error_body(int status, const char *code, const char *detail)
{
	const char *type = NULL;
	if (status == 400)
		type = code != NULL && strcmp(code, "bad_json") == 0 ? "invalidSyntax" : "invalidValue";
	json_t *e = error_json(status, type, detail);
	char *s = json_dumps(e, JSON_COMPACT);
	json_decref(e);
	return s;
}

int scim_fail(struct scim_answer *a, int status, const char *scim_type, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	text_vformat(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_decref(a->body);
	a->status = status;
	a->version[0] = a->location[0] = '\0';
	a->body = error_json(status, scim_type, msg);
	return -1;
}

/* The engine's field names, as the client sent them. */
static const struct { const char *field, *attr; } field_attrs[] = {
	{ "employee_number", SCIM_SCHEMA_ENTERPRISE ":employeeNumber" },
	{ "unit", SCIM_SCHEMA_ENTERPRISE ":department" },
	{ "national_id", SCIM_SCHEMA_PVD ":nationalId" },
	{ "position", SCIM_SCHEMA_PVD ":position (or title)" },
	{ "contract_type", SCIM_SCHEMA_PVD ":contractType" },
	{ "start_date", SCIM_SCHEMA_PVD ":startDate" },
	{ "end_date", SCIM_SCHEMA_PVD ":contractEndDate" },
	{ "effective_at", SCIM_SCHEMA_PVD ":exitAt" },
	{ "given_names", "name.givenName" },
	{ "family_names", "name.familyName" },
	{ "private_email", "emails[type eq \"home\"].value" },
};

int scim_fail_outcome(struct scim_answer *a, const struct scim_call *call, struct outcome *o,
		      const char *conflict_type)
{
	const char *attr = NULL;
	for (size_t i = 0; i < sizeof(field_attrs) / sizeof(field_attrs[0]); i++)
		if (strcmp(o->field, field_attrs[i].field) == 0)
			attr = field_attrs[i].attr;
	json_decref(o->body);
	o->body = NULL;
	if (o->status >= 500) {
		log_error("scim: %d %s: %s", o->status, o->code ? o->code : "internal", o->message);
		if (o->status == 500)	/* no SQL or library words in an answer */
			return scim_fail(a, 500, NULL, "internal error: the service's log has the details under "
					 "request id %s", call->request_id ? call->request_id : "-");
	}
	const char *type = o->status == 400 ? "invalidValue" : o->status == 409 ? conflict_type : NULL;
	if (attr != NULL)
		return scim_fail(a, o->status, type, "%s: %s", attr, o->message);
	return scim_fail(a, o->status, type, "%s", o->message);
}

void scim_reply(struct http_ctx *ctx, struct scim_answer *a)
{
	if (a->version[0] != '\0' && a->status < 300)
		snprintf(ctx->etag, sizeof(ctx->etag), "%s", a->version);
	if (a->location[0] != '\0' && a->status == 201)
		snprintf(ctx->location, sizeof(ctx->location), "%s", a->location);
	if (a->body == NULL) {	/* 204 */
		http_reply_text(ctx, a->status, SCIM_CONTENT_TYPE, xstrdup(""), 0);
		return;
	}
	if (a->status >= 500)
		log_error("%s %s: %d", ctx->method, ctx->path, a->status);
	char *s = json_dumps(a->body, JSON_COMPACT);
	json_decref(a->body);
	a->body = NULL;
	if (s == NULL) {
		http_reply_error(ctx, 500, "internal", NULL, "could not serialise the answer");
		return;
	}
	http_reply_text(ctx, a->status, SCIM_CONTENT_TYPE, s, strlen(s));
}

/* A Host header is the client's to write: only a plain host[:port] (or
 * [v6]:port) names the resources; anything else falls back to the
 * listen address. */
const char *scim_base_url(struct http_ctx *ctx)
{
	const char *host = http_header(ctx, "Host");
	int ok = host != NULL && *host != '\0' && strlen(host) < 200;
	for (const char *p = host; ok && *p; p++)
		ok = isalnum((unsigned char)*p) || strchr(".-:[]", *p) != NULL;
	if (!ok)
		host = t_printf("%s:%d", ctx->conf->listen_address, ctx->conf->listen_port);
	return t_printf("%s://%s%s", ctx->via_tls ? "https" : "http", host, SCIM_PREFIX);
}

void scim_call_init(struct scim_call *call, struct http_ctx *ctx)
{
	call->conf = ctx->conf;
	call->who = &ctx->who;
	call->base = scim_base_url(ctx);
	call->request_id = ctx->request_id;
}
