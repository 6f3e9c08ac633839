/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	console - static files, session cookie and CSRF checks (see console.h)
 */
#include "config.h"
#include "console.h"
#include "buf.h"
#include "crypto.h"
#include "log.h"
#include "sessions.h"
#include "tpool.h"

#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONSOLE_MAX_FILE (4 * 1024 * 1024)

static const struct {
	const char *ext;
	const char *type;
} types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".json", "application/json" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
	{ ".woff2", "font/woff2" },
	{ ".txt", "text/plain; charset=utf-8" },
};

int console_path(const char *method, const char *path)
{
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return 0;
	return strncmp(path, "/v1/", 4) != 0 && strcmp(path, "/v1") != 0 && strcmp(path, "/metrics") != 0;
}

const char *console_file_type(const char *rel)
{
	size_t n = strlen(rel);
	if (n == 0 || n > 200)
		return NULL;
	for (const char *p = rel; *p; p++) {
		int seg_start = p == rel || p[-1] == '/';
		if (seg_start && (*p == '.' || *p == '/'))
			return NULL;
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_' || *p == '.' || *p == '/'))
			return NULL;
	}
	if (rel[n - 1] == '/')
		return NULL;
	const char *dot = strrchr(rel, '.');
	if (dot == NULL || strchr(dot, '/') != NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return NULL;
}

void console_serve(struct http_ctx *ctx)
{
	const char *dir = ctx->conf->console_dir;
	const char *rel = strcmp(ctx->path, "/") == 0 ? "index.html" : ctx->path + 1;
	const char *type = console_file_type(rel);

	if (dir[0] == '\0' || type == NULL) {
		http_reply_error(ctx, 404, "not_found", NULL, "no resource at %s", ctx->path);
		return;
	}
	ctx->csp = CONSOLE_CSP;
	char *path = xasprintf("%s/%s", dir, rel);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > CONSOLE_MAX_FILE) {
		if (fd < 0 && errno != ENOENT && errno != ENOTDIR)
			log_warn("console: open(%s) failed: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(path);
		http_reply_error(ctx, 404, "not_found", NULL, "no resource at %s", ctx->path);
		return;
	}
	/* revalidated on every load (a new version shows at once), and cheap
	 * when nothing changed; weak: the same with or without gzip */
	snprintf(ctx->etag, sizeof(ctx->etag), "W/\"%llx-%llx\"", (unsigned long long)st.st_size,
		 (unsigned long long)st.st_mtim.tv_sec * 1000000000ULL + (unsigned long long)st.st_mtim.tv_nsec);
	ctx->cache_control = "no-cache";
	const char *inm = http_header(ctx, "If-None-Match");
	if (inm != NULL && strcmp(inm, ctx->etag) == 0) {
		close(fd);
		free(path);
		http_reply_text(ctx, 304, type, xstrdup(""), 0);
		return;
	}
	size_t len = (size_t)st.st_size;
	const char *why = NULL;
	char *body = read_fd_whole(fd, len, &why);
	close(fd);
	if (body == NULL) {
		log_error("console: read(%s) failed: %s", path, why);
		free(path);
		http_reply_error(ctx, 500, "internal", NULL, "the console file %s could not be read", rel);
		return;
	}
	free(path);
	http_reply_text(ctx, 200, type, body, len);
}

const char *console_session_cookie(const struct http_ctx *ctx)
{
	const char *v = MHD_lookup_connection_value(ctx->conn, MHD_COOKIE_KIND, SESSION_COOKIE_TLS);
	if (v == NULL)
		v = MHD_lookup_connection_value(ctx->conn, MHD_COOKIE_KIND, SESSION_COOKIE);
	return v;
}

int console_same_origin(struct http_ctx *ctx)
{
	/* Browsers say where a request comes from; a script elsewhere
	 * cannot change these (forbidden header names). */
	const char *site = http_header(ctx, "Sec-Fetch-Site");
	if (site != NULL && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0) {
		log_warn("%s %s refused: Sec-Fetch-Site is %s", ctx->method, ctx->path, site);
		http_reply_error(ctx, 403, "csrf", NULL, "the request comes from another site (%s): refused", site);
		return -1;
	}
	const char *origin = http_header(ctx, "Origin"), *host = http_header(ctx, "Host");
	if (origin != NULL) {
		const char *auth = strstr(origin, "://");
		if (auth == NULL || host == NULL || strcasecmp(auth + 3, host) != 0) {
			log_warn("%s %s refused: Origin %s is not this server (%s)", ctx->method, ctx->path, origin,
				 host ? host : "no Host");
			http_reply_error(ctx, 403, "csrf", NULL, "the request comes from another origin: refused");
			return -1;
		}
	}
	return 0;
}

int console_csrf_check(struct http_ctx *ctx)
{
	if (strcmp(ctx->method, "GET") == 0 || strcmp(ctx->method, "HEAD") == 0)
		return 0;
	if (console_same_origin(ctx) < 0)
		return -1;
	const char *tok = http_header(ctx, "X-CSRF-Token");
	if (tok == NULL || strlen(tok) != SESSION_CSRF_LEN || !crypto_equal(tok, ctx->who.csrf, SESSION_CSRF_LEN)) {
		log_warn("%s %s refused for %s: %s X-CSRF-Token", ctx->method, ctx->path, ctx->who.subject,
			 tok ? "a wrong" : "no");
		http_reply_error(ctx, 403, "csrf", NULL, "%s %s from the console needs the session's X-CSRF-Token",
				 ctx->method, ctx->path);
		return -1;
	}
	return 0;
}

static void set_cookie(struct http_ctx *ctx, const char *value, int max_age)
{
	int tls = ctx->conf->session_cookie_secure || ctx->via_tls;
	free(ctx->set_cookie);
	ctx->set_cookie = xasprintf("%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s",
				    tls ? SESSION_COOKIE_TLS : SESSION_COOKIE, value, max_age, tls ? "; Secure" : "");
}

void console_set_cookie(struct http_ctx *ctx, const char *session_id, int max_age)
{
	set_cookie(ctx, session_id, max_age);
}

void console_clear_cookie(struct http_ctx *ctx)
{
	set_cookie(ctx, "", 0);
}
