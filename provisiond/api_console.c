/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	api_console - the routes the web console adds: sign-in sessions,
 *	the inbox, the dashboard, a unit's people
 */
#include "config.h"
#include "api.h"
#include "buf.h"
#include "console.h"
#include "http.h"
#include "inbox.h"
#include "json.h"
#include "log.h"
#include "outcome.h"
#include "people.h"
#include "roles.h"
#include "sessions.h"

#include <stdio.h>
#include <string.h>

static json_t *session_json(const struct principal *who, const char *csrf, const char *expires_at,
			    const char *idle_expires_at)
{
	char number[64];
	const char *err = NULL;
	json_t *roles = json_array();
	for (int r = 0; r < ROLE_COUNT; r++)
		if (who->roles & ROLE_BIT(r))
			json_array_append_new(roles, json_string(role_name((enum role)r)));
	if (people_number_of(who->subject, number, &err) != DB_OK) {
		log_warn("session of %s: the employee number could not be read: %s", who->subject, err);
		number[0] = '\0';
	}
	return json_pack("{s:s, s:s, s:o, s:s?, s:s?, s:o, s:s, s:s, s:s}", "login", who->subject,
			 "display_name", who->display_name, "roles", roles,
			 "unit", who->unit[0] ? who->unit : NULL, "mail", who->mail[0] ? who->mail : NULL,
			 "employee_number", number[0] ? json_string(number) : json_null(),
			 "csrf_token", csrf, "expires_at", expires_at, "idle_expires_at", idle_expires_at);
}

/* POST /v1/session {login, password}: the sign-in form */
void api_session_create(struct http_ctx *ctx)
{
	static const char *const keys[] = { "login", "password", NULL };
	struct outcome o;
	struct principal who;
	struct auth_failure f;

	if (console_same_origin(ctx) < 0)	/* no signing a browser in from elsewhere */
		return;
	memset(&o, 0, sizeof(o));
	if (json_check_keys(ctx->body, keys, &o) < 0) {
		http_reply_outcome(ctx, &o);
		return;
	}
	const char *login = json_get_string(ctx->body, "login", 1, 256, &o);
	const char *password = o.code ? NULL : json_get_string(ctx->body, "password", 1, 1024, &o);
	if (o.code != NULL) {
		http_reply_outcome(ctx, &o);
		return;
	}
	if (auth_password(ctx->conf, login, password, ctx->client_addr, &who, &f) < 0) {
		http_reply_error(ctx, f.status, f.code, NULL, "%s", f.message);
		ctx->retry_after = f.retry_after;
		return;
	}
	char id[SESSION_ID_LEN + 1], csrf[SESSION_CSRF_LEN + 1];
	struct session s;
	const char *err = NULL;
	enum db_status st = session_create(who.subject, who.dn, ctx->client_addr, ctx->conf->session_idle_timeout,
					   ctx->conf->session_max_age, id, &s, &err);
	if (st != DB_OK) {
		api_db_failure(ctx, st, err);
		return;
	}
	session_csrf(id, csrf);
	console_set_cookie(ctx, id, ctx->conf->session_max_age);
	explicit_bzero(id, sizeof(id));
	snprintf(ctx->who.subject, sizeof(ctx->who.subject), "%s", who.subject);
	log_info("console session started for %s from %s (until %s)", who.subject, ctx->client_addr, s.expires_at);
	ctx->no_compress = 1;		/* the CSRF token (compress.h) */
	http_set_location(ctx, "/v1/session", NULL, NULL);
	http_reply_json(ctx, 201, session_json(&who, csrf, s.expires_at, s.idle_expires_at));
	explicit_bzero(csrf, sizeof(csrf));
}

/* GET /v1/session: who the browser is signed in as */
void api_session_get(struct http_ctx *ctx)
{
	if (!ctx->who.session) {
		http_reply_error(ctx, 401, "unauthorized", NULL,
				 "no console session: sign in with POST /v1/session (tokens and Basic have none)");
		return;
	}
	ctx->no_compress = 1;
	http_reply_json(ctx, 200, session_json(&ctx->who, ctx->who.csrf, ctx->who.expires_at,
					       ctx->who.idle_expires_at));
}

/* DELETE /v1/session: sign out (the session cannot be used again) */
void api_session_delete(struct http_ctx *ctx)
{
	const char *id = console_session_cookie(ctx), *err = NULL;
	int found = 0;
	if (!ctx->who.session || id == NULL) {
		http_reply_error(ctx, 401, "unauthorized", NULL, "no console session to sign out of");
		return;
	}
	enum db_status st = session_revoke(id, &found, &err);
	if (st != DB_OK) {
		api_db_failure(ctx, st, err);
		return;
	}
	log_info("console session of %s ended: signed out", ctx->who.subject);
	console_clear_cookie(ctx);
	http_reply_text(ctx, 204, "application/json", xstrdup(""), 0);
}

void api_inbox(struct http_ctx *ctx)
{
	struct outcome o;
	inbox_list(&ctx->who, &o);
	http_reply_outcome(ctx, &o);
}

void api_dashboard(struct http_ctx *ctx)
{
	struct outcome o;
	dashboard_get(&o);
	http_reply_outcome(ctx, &o);
}

/* GET /v1/people[?unit=][&limit=][&cursor=] */
void api_people_list(struct http_ctx *ctx)
{
	static const char *const allowed[] = { "unit", "limit", "cursor", NULL };
	struct outcome o;
	const char *bad = http_query_unknown(ctx, allowed);
	if (bad != NULL) {
		http_reply_error(ctx, 400, "invalid_field", bad, "unknown query parameter '%s'; known: unit, limit, cursor",
				 bad);
		return;
	}
	people_list(&ctx->who, http_query(ctx, "unit"), http_query(ctx, "limit"), http_query(ctx, "cursor"), &o);
	http_reply_outcome(ctx, &o);
}
