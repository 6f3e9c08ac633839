/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	api_system - health, metrics, whoami and token management
 */
#include "config.h"
#include "api.h"
#include "buf.h"
#include "db.h"
#include "directory.h"
#include "auth.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "outbox.h"
#include "metrics_scrape.h"
#include "queue.h"
#include "sealer.h"
#include "outcome.h"
#include "plugin_host.h"
#include "tokens.h"

#include <stdlib.h>
#include <string.h>

#define R(r) ROLE_BIT(ROLE_##r)
/* how long a plugin check() result is reused by /v1/health */
#define HEALTH_PLUGIN_CHECK_MS 5000

void api_db_failure(struct http_ctx *ctx, int st, const char *error)
{
	if (st == DB_UNAVAILABLE)
		http_reply_error(ctx, 503, "unavailable", NULL, "the database is unavailable: %s",
				 error ? error : "no connection");
	else
		http_reply_error(ctx, 500, "internal", NULL, "%s", error ? error : "database error");
}

/* Who may read why something is down: the error texts name hosts, ports
 * and socket paths, which are nobody else's business. */
static int health_details_allowed(struct http_ctx *ctx)
{
	const char *authz = http_header(ctx, "Authorization");
	struct principal p;
	struct auth_failure f;
	if (authz == NULL || auth_check(ctx->conf, authz, ctx->client_addr, &p, &f) < 0)
		return 0;	/* anonymous, or credentials that do not hold: the public view */
	role_mask ops = R(TIM_HEAD) | R(TIM_LEAD) | R(TIM_TECH) | R(ADMIN) | R(MONITOR);
	return (p.roles & ops) != 0;
}

static json_t *health_part(int up, const char *error, int details)
{
	if (up)
		return json_pack("{s:s}", "status", "up");
	if (!details)
		return json_pack("{s:s}", "status", "down");
	return json_pack("{s:s, s:s}", "status", "down", "error", error ? error : "unreachable");
}

/* Public: up or down for the database, the directory and each plugin
 * instance. Signed-in operators (TIM, admin, monitor) also get why. Plugin
 * checks are a round trip to each target, so they are reused for a few
 * seconds; the database and the directory are asked every time. */
void api_health(struct http_ctx *ctx)
{
	const char *dberr = NULL, *direrr = NULL;
	int details = health_details_allowed(ctx);
	int db_ok = db_ping(&dberr) == 0;
	int dir_ok = dir_ping(ctx->conf, &direrr) == 0;
	if (!db_ok)
		log_warn("health: database down: %s", dberr ? dberr : "?");
	if (!dir_ok)
		log_warn("health: directory down: %s", direrr ? direrr : "?");
	json_t *db = health_part(db_ok, dberr, details), *dir = health_part(dir_ok, direrr, details);
	/* plugins: loaded or broken, and whether their target answers */
	json_t *plugins = json_object();
	int plugins_ok = 1;
	for (int i = 0; i < plugins_count(); i++) {
		const struct plugin_instance *pi = plugins_get(i);
		const char *msg = NULL;
		if (pi->plugin == NULL) {
			plugins_ok = 0;
			json_t *b = health_part(0, pi->error, details);
			json_object_set_new(b, "status", json_string("broken"));
			json_object_set_new(plugins, pi->name, b);
			continue;
		}
		enum pvd_status st = plugins_check_cached(i, HEALTH_PLUGIN_CHECK_MS, &msg);
		if (st != PVD_OK)
			plugins_ok = 0;
		json_object_set_new(plugins, pi->name, health_part(st == PVD_OK, msg, details));
	}
	int all = db_ok && dir_ok && plugins_ok;
	/* mail that waits is delayed, not lost: shown, but not "unavailable" */
	json_t *outbox = db_ok ? outbox_backlog() : NULL;
	if (outbox != NULL)
		json_object_set_new(outbox, "relay", json_string(ctx->conf->smtp_url[0] ? "configured" : "none"));
	http_reply_json(ctx, all ? 200 : 503,
			json_pack("{s:s, s:o, s:o, s:o, s:o}", "status", all ? "ok" : "unavailable",
				  "database", db, "directory", dir, "plugins", plugins,
				  "outbox", outbox ? outbox : json_null()));
}

void api_metrics(struct http_ctx *ctx)
{
	struct buf b = BUF_INIT;
	metrics_scrape(ctx->conf, &b);
	size_t len = b.len;
	http_reply_text(ctx, 200, "text/plain; version=0.0.4; charset=utf-8", buf_steal(&b), len);
}

static json_t *roles_json(role_mask m)
{
	json_t *a = json_array();
	for (int r = 0; r < ROLE_COUNT; r++)
		if (m & ROLE_BIT(r))
			json_array_append_new(a, json_string(role_name((enum role)r)));
	return a;
}

void api_whoami(struct http_ctx *ctx)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:o}", "subject", ctx->who.subject,
			      "kind", ctx->who.kind == PRINCIPAL_TOKEN ? "token" : "user",
			      "display_name", ctx->who.display_name, "roles", roles_json(ctx->who.roles));
	if (ctx->who.kind == PRINCIPAL_USER)
		json_object_set_new(j, "dn", json_string(ctx->who.dn));
	http_reply_json(ctx, 200, j);
}

void api_tokens_list(struct http_ctx *ctx)
{
	json_t *items = NULL;
	const char *err = NULL;
	enum db_status st = tokens_list(&items, &err);
	if (st != DB_OK) {
		api_db_failure(ctx, st, err);
		return;
	}
	http_reply_json(ctx, 200, json_pack("{s:o}", "items", items));
}

void api_tokens_create(struct http_ctx *ctx)
{
	static const char *const allowed[] = { "name", "role", NULL };
	struct outcome o;
	const char *name, *role_s;
	enum role role;

	memset(&o, 0, sizeof(o));
	if (json_check_keys(ctx->body, allowed, &o) < 0 ||
	    (name = json_get_string(ctx->body, "name", 1, 63, &o)) == NULL ||
	    (role_s = json_get_string(ctx->body, "role", 1, 32, &o)) == NULL) {
		http_reply_outcome(ctx, &o);
		return;
	}
	if (!tokens_name_valid(name)) {
		http_reply_error(ctx, 400, "invalid_field", "name",
				 "name must be 1-63 characters of a-z, 0-9, '.', '_', '-', starting with a letter or digit");
		return;
	}
	if (role_parse(role_s, &role) < 0) {
		char all[256];
		role_mask_format(ROLES_ANY, all, sizeof(all));
		http_reply_error(ctx, 400, "invalid_field", "role", "unknown role '%s'; roles are: %s", role_s, all);
		return;
	}
	const char *err = NULL;
	char *token = NULL, me[160];
	json_t *info = NULL;
	actor_id(&ctx->who, me);
	/* the new token's owner is whoever stands behind its creator */
	enum db_status st = tokens_create(name, role, me, "admin", ctx->who.owner, &token, &info, &err);
	if (st == DB_CONFLICT) {
		http_reply_error(ctx, 409, "conflict", "name",
				 "a token named '%s' exists (revoked tokens keep their names)", name);
		return;
	}
	if (st != DB_OK) {
		api_db_failure(ctx, st, err);
		return;
	}
	http_set_location(ctx, "/v1/tokens/", name, NULL);	/* DELETE revokes it */
	log_info("token %s created for role %s by %s (owner %s)", name, role_name(role), me, ctx->who.owner);
	json_object_set_new(info, "token", json_string(token));
	explicit_bzero(token, strlen(token));
	free(token);
	ctx->no_compress = 1;		/* the token, shown once (compress.h) */
	http_reply_json(ctx, 201, info);
}

void api_tokens_revoke(struct http_ctx *ctx)
{
	const char *name = http_param(ctx, 0);
	int found = 0;
	json_t *info = NULL;
	const char *err = NULL;
	char me[160];
	actor_id(&ctx->who, me);
	enum db_status st = tokens_revoke(name, me, "admin", &found, &info, &err);
	if (st != DB_OK) {
		api_db_failure(ctx, st, err);
		return;
	}
	if (!found) {
		http_reply_error(ctx, 404, "not_found", "name", "no active token named '%s'", name);
		return;
	}
	log_info("token %s revoked by %s", name, me);
	http_reply_json(ctx, 200, info);
}
