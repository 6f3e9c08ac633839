/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	api_contract - GET /openapi.yaml: the REST contract the daemon serves
 * SYNOPSIS
 *	void api_openapi(struct http_ctx *ctx);
 * DESCRIPTION
 *	Answers the file openapi_file names (api/openapi.yaml, installed as
 *	$(pkgdatadir)/openapi.yaml) as application/yaml. Public: the contract
 *	is no secret, and tools (code generators, API browsers) fetch it
 *	without credentials. The ETag is a hash of the file's bytes, so a
 *	client revalidates with If-None-Match (304) and sees a new contract
 *	at once after an upgrade.
 * DIAGNOSTICS
 *	404 not_found when openapi_file is empty, missing or not a file; 500
 *	internal (the path only in the log) when it cannot be read.
 */
#include "config.h"
#include "api.h"
#include "crypto.h"
#include "http.h"
#include "log.h"
#include "buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* far above the contract's size; a larger file is not the contract */
#define OPENAPI_MAX_FILE (8 * 1024 * 1024)

/* The whole file into a malloc'd buffer: 1, 0 when it is not there (or not
 * a regular file), -1 on a read error (logged). */
static int read_contract(const char *path, char **body_r, size_t *len_r)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > OPENAPI_MAX_FILE) {
		if (fd < 0 && errno != ENOENT && errno != ENOTDIR)
			log_warn("openapi_file: open(%s) failed: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 0;
	}
	size_t len = (size_t)st.st_size;
	const char *why = NULL;
	char *body = read_fd_whole(fd, len, &why);
	close(fd);
	if (body == NULL) {
		log_error("openapi_file: read(%s) failed: %s", path, why);
		return -1;
	}
	*body_r = body;
	*len_r = len;
	return 1;
}

void api_openapi(struct http_ctx *ctx)
{
	const char *path = ctx->conf->openapi_file;
	char *body = NULL;
	size_t len = 0;
	int r = path[0] != '\0' ? read_contract(path, &body, &len) : 0;
	if (r == 0) {
		http_reply_error(ctx, 404, "not_found", NULL, "this daemon serves no contract (openapi_file)");
		return;
	}
	if (r < 0) {
		http_reply_error(ctx, 500, "internal", NULL, "the contract could not be read");
		return;
	}
	/* weak: the same bytes with or without gzip; 128 bits of the hash
	 * fit ctx->etag and are as good as all 256 for telling versions */
	char hex[65];
	crypto_sha256_hex(body, len, hex);
	snprintf(ctx->etag, sizeof(ctx->etag), "W/\"%.32s\"", hex);
	ctx->cache_control = "no-cache";
	const char *inm = http_header(ctx, "If-None-Match");
	if (inm != NULL && (strcmp(inm, ctx->etag) == 0 || strcmp(inm, "*") == 0)) {
		free(body);
		http_reply_text(ctx, 304, "application/yaml", xstrdup(""), 0);
		return;
	}
	http_reply_text(ctx, 200, "application/yaml", body, len);
}
