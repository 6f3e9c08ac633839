/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	http - the REST server: libmicrohttpd thread pool, one request life
 * DESCRIPTION
 *	For each request: give it an id, read the body into a bounded buffer
 *	(413 past http_max_body), find the route (404, 405 + Allow), check
 *	the content type (415), authenticate and check the role (401, 403),
 *	parse the JSON body (400 saying where), call the handler, and answer
 *	with the id in X-Request-Id. Handlers only build answers with
 *	http_reply_*; they never touch libmicrohttpd.
 */
#ifndef PVD_HTTP_H
#define PVD_HTTP_H

#include <stddef.h>
#include <jansson.h>
#include "auth.h"
#include "conf.h"
#include "router.h"

struct MHD_Connection;
struct buf;
struct outcome;

struct http_ctx {
	struct MHD_Connection *conn;
	const struct conf *conf;
	const char *method;
	const char *path;
	const char *request_id;
	const struct route_match *match;
	struct principal who;
	json_t *body;			/* parsed body for ROUTE_JSON_BODY routes */
	const char *raw_body;		/* as received (for idempotency fingerprints) */
	size_t raw_len;

	/* the answer, set by http_reply_* */
	int status;
	char *resp;
	size_t resp_len;
	const char *content_type;
	const char *allow;		/* for 405 */
	int www_authenticate;		/* add a challenge (401) */
	int retry_after;		/* seconds, for a 429 */
	const char *client_addr;	/* the peer's address */
	int via_tls;			/* a trusted proxy said X-Forwarded-Proto: https */
	char *set_cookie;		/* a Set-Cookie value (malloc'd), or NULL */
	const char *csp;		/* Content-Security-Policy; NULL: the API's */
	const char *cache_control;	/* NULL: no-store */
	char etag[48];			/* an ETag to send, or "" */
	char location[256];		/* a Location to send (a 201's new resource), or "" */
	int no_compress;		/* the answer holds a secret (compress.h) */
	int scim;			/* a /scim/v2 path: errors as SCIM's (scim/scim.h) */

	/* a streamed answer (exports): fill() appends at least one byte to
	 * out, or returns 0 at the end, -1 on error (the stream is cut). */
	int (*stream_fill)(void *state, struct buf *out);
	void (*stream_free)(void *state);
	void *stream_state;
};

void http_reply_json(struct http_ctx *ctx, int status, json_t *j);	/* steals j */
void http_reply_error(struct http_ctx *ctx, int status, const char *code, const char *field,
		      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void http_reply_text(struct http_ctx *ctx, int status, const char *content_type,
		     char *body, size_t len);				/* steals body */
/* Answers what a call decided (outcome.h): its body, or its error (code
 * "internal" when it named none). Takes the body. */
void http_reply_outcome(struct http_ctx *ctx, struct outcome *o);

/* Answers 200 with a body produced piece by piece (flat memory). */
void http_reply_stream(struct http_ctx *ctx, const char *content_type,
		       int (*fill)(void *state, struct buf *out), void (*free_state)(void *state),
		       void *state);

/* Location: prefix, then segment percent-encoded (all but A-Z a-z 0-9
 * - . _ ~), then suffix; segment may be NULL. For a 201's new resource. */
void http_set_location(struct http_ctx *ctx, const char *prefix, const char *segment, const char *suffix);

const char *http_param(const struct http_ctx *ctx, int i);	/* {name} captures */
const char *http_query(const struct http_ctx *ctx, const char *name);
const char *http_header(const struct http_ctx *ctx, const char *name);
/* Finds a query parameter not in the NULL-terminated allowed list; returns
 * its name (valid during the request) or NULL when all are known. */
const char *http_query_unknown(const struct http_ctx *ctx, const char *const *allowed);

/* The error envelope as a JSON string (exposed for unit tests). */
char *http_error_body(const char *code, const char *field, const char *message);

/* Decodes %XX in place, the way every path and query parameter is
 * decoded (a %00 becomes 0xFF, which the parameter check refuses);
 * returns the new length. Exposed for the fuzz targets. */
size_t http_unescape(char *s);

int http_start(const struct conf *c, const struct route *routes, size_t nroutes, const char **error_r);
/* After a reload: the settings that apply while running (header timeout). */
void http_conf_changed(const struct conf *c);
/* Stops accepting, waits up to timeout_s for requests in flight, stops. */
void http_stop(int timeout_s);
int http_in_flight(void);

#endif
