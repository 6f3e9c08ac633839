/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	http - libmicrohttpd server and request pipeline (see http.h)
 * DESCRIPTION
 *	libmicrohttpd calls the access handler once for the headers, once per
 *	body chunk and once at the end. The request's state lives in *req_cls
 *	from the first call to the completed callback, which records metrics,
 *	writes the access log line and frees everything.
 */
#include "config.h"
#include "http.h"
#include "buf.h"
#include "compress.h"
#include "http_slow.h"
#include "console.h"
#include "crypto.h"
#include "db.h"
#include "directory.h"
#include "json.h"
#include "log.h"
#include "metrics.h"
#include "outcome.h"
#include "scim/scim.h"
#include "text.h"
#include "tpool.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

struct request {
	char id[72];
	char addr[64];			/* the client's address, for throttling and logs */
	int via_tls;
	struct timespec start;
	struct buf body;
	int too_large;
	int route_index;
	int status;
	char subject[128];
	char method[16];
	char path[256];
};

static struct MHD_Daemon *daemon_handle;
static const struct route *routes;
static size_t nroutes;
static atomic_int in_flight;

/* libmicrohttpd hands every path and query parameter here to be decoded
 * (%XX). A %00 would end the C string early (/v1/people/X%00junk would read
 * X): it becomes 0xFF instead, a byte no UTF-8 text holds, so the one check
 * of every parameter (check_parameters) refuses it. */
static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

size_t http_unescape(char *s)
{
	char *r = s, *w = s;
	while (*r) {
		int hi, lo;
		if (r[0] == '%' && (hi = hexval(r[1])) >= 0 && (lo = hexval(r[2])) >= 0) {
			int v = hi << 4 | lo;
			*w++ = v == 0 ? (char)0xff : (char)v;
			r += 3;
		} else
			*w++ = *r++;
	}
	*w = '\0';
	return (size_t)(w - s);
}

static size_t unescape_cb(void *cls, struct MHD_Connection *conn, char *s)
{
	(void)cls;
	(void)conn;
	return http_unescape(s);
}

/* Is addr one of the comma- or space-separated addresses in list? */
static int listed(const char *list, const char *addr)
{
	size_t n = strlen(addr);
	for (const char *p = list; *p;) {
		p += strspn(p, ", ");
		size_t w = strcspn(p, ", ");
		if (w == n && strncmp(p, addr, n) == 0)
			return 1;
		p += w;
	}
	return 0;
}

/* The client's address: the peer's, or, when the peer is a reverse proxy
 * named in http_trusted_proxies, the address that proxy saw (the last
 * entry of X-Forwarded-For, which the proxy appended; entries before it
 * are the client's to invent). Throttling counts by this address. */
static void client_address(struct MHD_Connection *conn, const struct conf *c, char out[64], int *via_tls)
{
	*via_tls = 0;
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, 64, "unknown");
	if (ci == NULL || ci->client_addr == NULL)
		return;
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, out, 64);
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, out, 64);
	const char *xff = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-For");
	if (c->http_trusted_proxies[0] == '\0' || !listed(c->http_trusted_proxies, out))
		return;
	const char *proto = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-Proto");
	*via_tls = proto != NULL && strcasecmp(proto, "https") == 0;
	if (xff == NULL)
		return;
	const char *last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	last += strspn(last, " ");
	char cand[64];
	snprintf(cand, sizeof(cand), "%.*s", (int)strcspn(last, " "), last);
	unsigned char bin[sizeof(struct in6_addr)];
	if (inet_pton(AF_INET, cand, bin) == 1 || inet_pton(AF_INET6, cand, bin) == 1)
		snprintf(out, 64, "%s", cand);
}

int http_in_flight(void) { return atomic_load(&in_flight); }

static double elapsed(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* An incoming X-Request-Id is kept when it is short and plain, so a caller
 * can follow its own id through our logs; anything else is replaced. */
static void assign_request_id(struct MHD_Connection *conn, char id[72])
{
	const char *in = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Request-Id");
	if (in != NULL) {
		size_t n = strlen(in);
		int ok = n > 0 && n <= 64;
		for (size_t i = 0; ok && i < n; i++)
			ok = isalnum((unsigned char)in[i]) || in[i] == '-' || in[i] == '_' || in[i] == '.';
		if (ok) {
			memcpy(id, in, n + 1);
			return;
		}
	}
	unsigned char raw[12];
	if (crypto_random(raw, sizeof(raw)) < 0)
		memset(raw, 0, sizeof(raw));
	crypto_hex(raw, sizeof(raw), id);
}

char *http_error_body(const char *code, const char *field, const char *message)
{
	json_t *e = json_pack("{s:{s:s, s:s, s:o}}", "error", "code", code, "message", message,
			      "field", field && *field ? json_string(field) : json_null());
	char *s = json_to_string(e);
	json_decref(e);
	return s;
}

void http_reply_text(struct http_ctx *ctx, int status, const char *content_type, char *body, size_t len)
{
	free(ctx->resp);
	ctx->status = status;
	ctx->resp = body;
	ctx->resp_len = len;
	ctx->content_type = content_type;
}

void http_set_location(struct http_ctx *ctx, const char *prefix, const char *segment, const char *suffix)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf b = BUF_INIT;
	buf_append(&b, prefix, strlen(prefix));
	for (const unsigned char *p = (const unsigned char *)(segment ? segment : ""); *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p) != NULL) {
			char c = (char)*p;
			buf_append(&b, &c, 1);
		} else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			buf_append(&b, e, 3);
		}
	}
	if (suffix != NULL)
		buf_append(&b, suffix, strlen(suffix));
	/* longer than any path this daemon has: better none than a cut one */
	if (b.len < sizeof(ctx->location))
		memcpy(ctx->location, buf_str(&b), b.len + 1);
	else
		ctx->location[0] = '\0';
	buf_free(&b);
}

void http_reply_json(struct http_ctx *ctx, int status, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (s == NULL) {
		http_reply_error(ctx, 500, "internal", NULL, "could not serialise the answer");
		return;
	}
	http_reply_text(ctx, status, "application/json", s, strlen(s));
}

void http_reply_error(struct http_ctx *ctx, int status, const char *code, const char *field,
		      const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	text_vformat(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (status >= 500)
		log_error("%s %s: %d %s: %s", ctx->method, ctx->path, status, code, msg);
	/* what went wrong inside (SQL, a library's words) is for the log; the
	 * caller gets the request id to quote */
	if (status == 500)
		text_format(msg, sizeof(msg), "internal error: the service's log has the details under request id %s",
			    ctx->request_id ? ctx->request_id : "-");
	if (ctx->scim) {	/* RFC 7644 3.12, whoever answers */
		char *e = scim_error_body(status, code, msg);
		http_reply_text(ctx, status, SCIM_CONTENT_TYPE, e, strlen(e));
		return;
	}
	char *s = http_error_body(code, field, msg);
	http_reply_text(ctx, status, "application/json", s, strlen(s));
}

void http_reply_outcome(struct http_ctx *ctx, struct outcome *o)
{
	if (o->body != NULL)
		http_reply_json(ctx, o->status, o->body);
	else
		http_reply_error(ctx, o->status, o->code ? o->code : "internal", o->field[0] ? o->field : NULL,
				 "%s", o->message);
	o->body = NULL;
}

void http_reply_stream(struct http_ctx *ctx, const char *content_type,
		       int (*fill)(void *state, struct buf *out), void (*free_state)(void *state),
		       void *state)
{
	free(ctx->resp);
	ctx->resp = NULL;
	ctx->resp_len = 0;
	ctx->status = 200;
	ctx->content_type = content_type;
	ctx->stream_fill = fill;
	ctx->stream_free = free_state;
	ctx->stream_state = state;
}

struct stream {
	int (*fill)(void *state, struct buf *out);
	void (*free_state)(void *state);
	void *state;
	struct buf pending;
	size_t off;
	char request_id[72];
};

static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct stream *s = cls;
	(void)pos;
	if (s->off == s->pending.len) {
		buf_reset(&s->pending);
		s->off = 0;
		log_set_request_id(s->request_id);
		unsigned frame = t_push();	/* each piece is a unit of work of its own */
		int rc = s->fill(s->state, &s->pending);
		t_pop(frame);
		log_set_request_id(NULL);
		if (rc < 0)
			return MHD_CONTENT_READER_END_WITH_ERROR;
		if (rc == 0 && s->pending.len == 0)
			return MHD_CONTENT_READER_END_OF_STREAM;
	}
	size_t n = s->pending.len - s->off;
	if (n > max)
		n = max;
	memcpy(out, s->pending.data + s->off, n);
	s->off += n;
	return (ssize_t)n;
}

static void stream_free(void *cls)
{
	struct stream *s = cls;
	if (s->free_state)
		s->free_state(s->state);
	buf_free(&s->pending);
	free(s);
}

const char *http_param(const struct http_ctx *ctx, int i)
{
	return i < ctx->match->nparams ? ctx->match->params[i] : NULL;
}

const char *http_query(const struct http_ctx *ctx, const char *name)
{
	return MHD_lookup_connection_value(ctx->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_header(const struct http_ctx *ctx, const char *name)
{
	return MHD_lookup_connection_value(ctx->conn, MHD_HEADER_KIND, name);
}

struct unknown_scan {
	const char *const *allowed;
	const char *bad;
};

static enum MHD_Result scan_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct unknown_scan *u = cls;
	(void)kind;
	(void)value;
	for (const char *const *a = u->allowed; *a; a++)
		if (strcmp(*a, key) == 0)
			return MHD_YES;
	u->bad = key;
	return MHD_NO;
}

const char *http_query_unknown(const struct http_ctx *ctx, const char *const *allowed)
{
	struct unknown_scan u = { allowed, NULL };
	MHD_get_connection_values(ctx->conn, MHD_GET_ARGUMENT_KIND, scan_arg, &u);
	return u.bad;
}

static int is_json_type(const char *ct)
{
	if (ct == NULL)
		return 0;
	size_t n = strcspn(ct, ";");
	while (n > 0 && ct[n - 1] == ' ')
		n--;
	return n == strlen("application/json") && strncasecmp(ct, "application/json", n) == 0;
}

/* Text a parameter may hold: UTF-8 without control characters (the
 * unescape callback turns %00 into a byte no UTF-8 has, so it fails here). */
static int text_ok(const char *s)
{
	return s != NULL && utf8_length(s) >= 0 && !has_control_chars(s);
}

struct arg_scan {
	const char *bad_key;	/* the parameter whose name or value is not text */
	int bad_name;
};

static enum MHD_Result scan_text(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct arg_scan *a = cls;
	(void)kind;
	if (!text_ok(key) || (value != NULL && !text_ok(value))) {
		a->bad_key = key;
		a->bad_name = !text_ok(key);
		return MHD_NO;
	}
	return MHD_YES;
}

/* Every path segment and query parameter is checked here, once, where it
 * was decoded: handlers only ever see text. 0, or -1 with 400 answered. */
static int check_parameters(struct http_ctx *ctx, const struct route_match *m)
{
	for (int i = 0; i < m->nparams; i++) {
		if (text_ok(m->params[i]))
			continue;
		char name[64];
		router_param_name(m->route, i, name, sizeof(name));
		http_reply_error(ctx, 400, "invalid_field", name, "path parameter '%s' holds a NUL, a control "
				 "character or bytes that are not UTF-8", name);
		return -1;
	}
	struct arg_scan a = { NULL, 0 };
	MHD_get_connection_values(ctx->conn, MHD_GET_ARGUMENT_KIND, scan_text, &a);
	if (a.bad_key != NULL) {
		char name[64];
		text_copy(name, sizeof(name), a.bad_key);
		utf8_repair(name);
		if (a.bad_name || has_control_chars(name))
			http_reply_error(ctx, 400, "invalid_field", NULL, "a query parameter's name holds a NUL, a "
					 "control character or bytes that are not UTF-8");
		else
			http_reply_error(ctx, 400, "invalid_field", name, "query parameter '%s' holds a NUL, a control "
					 "character or bytes that are not UTF-8", name);
		return -1;
	}
	return 0;
}

/* Runs the pipeline once the whole body is in; fills ctx's answer. Who is
 * asking comes first: an unauthenticated caller learns nothing about the
 * route's body rules (413, 415) or its parameters. */
static void dispatch(struct http_ctx *ctx, struct request *rq)
{
	struct route_match m;
	enum route_result rr = router_match(routes, nroutes, ctx->method, ctx->path, &m);

	ctx->match = &m;
	ctx->scim = scim_path(ctx->path);
	if (rr == ROUTE_NOT_FOUND && !ctx->scim && console_path(ctx->method, ctx->path)) {
		console_serve(ctx);
		return;
	}
	if (rr == ROUTE_NOT_FOUND) {
		http_reply_error(ctx, 404, "not_found", NULL, "no resource at %s", ctx->path);
		return;
	}
	if (rr == ROUTE_BAD_METHOD) {
		ctx->allow = NULL;
		http_reply_error(ctx, 405, "method_not_allowed", NULL, "%s is not allowed on %s; allowed: %s",
				 ctx->method, ctx->path, m.allow);
		ctx->allow = xstrdup(m.allow);
		return;
	}
	rq->route_index = m.index;
	log_debug("%s %s: route %s %s", ctx->method, ctx->path, m.route->method, m.route->pattern);
	if (m.route->roles != ROUTE_PUBLIC) {
		struct auth_failure f;
		const char *authz = http_header(ctx, "Authorization"), *sid = NULL;
		/* a console session only when no credential is sent: a script
		 * with a token is never mistaken for a browser */
		int r = authz == NULL && (sid = console_session_cookie(ctx)) != NULL
				? auth_session(ctx->conf, sid, rq->addr, &ctx->who, &f)
				: auth_check(ctx->conf, authz, rq->addr, &ctx->who, &f);
		if (r < 0) {
			http_reply_error(ctx, f.status, f.code, NULL, "%s", f.message);
			/* no challenge for a browser: it would pop up its own dialog */
			ctx->www_authenticate = f.status == 401 && sid == NULL;
			ctx->retry_after = f.retry_after;
			if (sid != NULL && f.status == 401)
				console_clear_cookie(ctx);
			return;
		}
		if (ctx->who.session && console_csrf_check(ctx) < 0)
			return;
		snprintf(rq->subject, sizeof(rq->subject), "%s", ctx->who.subject);
		if ((ctx->who.roles & m.route->roles) == 0) {
			char need[256], have[256];
			role_mask_format(m.route->roles, need, sizeof(need));
			role_mask_format(ctx->who.roles, have, sizeof(have));
			http_reply_error(ctx, 403, "forbidden", NULL,
					 "%s %s needs one of the roles: %s; %s has: %s", ctx->method,
					 m.route->pattern, need, ctx->who.subject, have[0] ? have : "none");
			return;
		}
	}
	if (rq->too_large) {
		http_reply_error(ctx, 413, "payload_too_large", NULL,
				 "request body is larger than the limit of %d bytes", ctx->conf->http_max_body);
		return;
	}
	int wants_json = (m.route->flags & ROUTE_JSON_BODY) ||
			 ((m.route->flags & ROUTE_JSON_OPTIONAL) && rq->body.len > 0);
	if (wants_json && !(ctx->scim ? scim_json_type : is_json_type)(http_header(ctx, "Content-Type"))) {
		const char *ct = http_header(ctx, "Content-Type");
		http_reply_error(ctx, 415, "unsupported_media_type", NULL, "Content-Type must be application/%sjson, got %s",
				 ctx->scim ? "scim+json or application/" : "", ct ? ct : "none");
		return;
	}
	if (check_parameters(ctx, &m) < 0)
		return;
	ctx->raw_body = buf_str(&rq->body);
	ctx->raw_len = rq->body.len;
	if ((m.route->flags & ROUTE_JSON_OPTIONAL) && !wants_json)
		ctx->body = json_object();
	if (wants_json) {
		struct outcome o;
		memset(&o, 0, sizeof(o));
		ctx->body = json_parse_body(buf_str(&rq->body), rq->body.len, &o);
		if (ctx->body == NULL) {
			http_reply_outcome(ctx, &o);
			return;
		}
	}
	m.route->handler(ctx);
	if (ctx->resp == NULL && ctx->stream_fill == NULL)
		http_reply_error(ctx, 500, "internal", NULL, "the handler gave no answer");
}

static enum MHD_Result queue(struct MHD_Connection *conn, struct http_ctx *ctx, struct request *rq)
{
	struct MHD_Response *resp;
	if (ctx->stream_fill != NULL) {
		struct stream *s = xcalloc(1, sizeof(*s));
		s->fill = ctx->stream_fill;
		s->free_state = ctx->stream_free;
		s->state = ctx->stream_state;
		snprintf(s->request_id, sizeof(s->request_id), "%s", rq->id);
		ctx->stream_fill = NULL;
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, stream_read, s, stream_free);
	} else {
		const char *type = ctx->content_type ? ctx->content_type : "application/json";
		int gz = compressible_type(type);
		char *z;
		size_t zlen;
		if (gz && !ctx->no_compress && ctx->resp_len >= 1024 &&
		    accepts_gzip(http_header(ctx, "Accept-Encoding")) &&
		    gzip_compress(ctx->resp, ctx->resp_len, &z, &zlen) == 0) {
			free(ctx->resp);
			ctx->resp = z;
			ctx->resp_len = zlen;
		} else
			gz = -gz;	/* compressible, sent as it is */
		resp = MHD_create_response_from_buffer(ctx->resp_len, ctx->resp, MHD_RESPMEM_MUST_FREE);
		ctx->resp = NULL;
		if (gz > 0)
			MHD_add_response_header(resp, "Content-Encoding", "gzip");
		if (gz != 0)
			MHD_add_response_header(resp, "Vary", "Accept-Encoding");
	}
	MHD_add_response_header(resp, "Content-Type", ctx->content_type ? ctx->content_type : "application/json");
	MHD_add_response_header(resp, "X-Request-Id", rq->id);
	MHD_add_response_header(resp, "Cache-Control", ctx->cache_control ? ctx->cache_control : "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	/* nothing this server answers may be framed or run another's script */
	MHD_add_response_header(resp, "Content-Security-Policy", ctx->csp ? ctx->csp : CONSOLE_CSP_API);
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	if (ctx->etag[0] != '\0')
		MHD_add_response_header(resp, "ETag", ctx->etag);
	if (ctx->location[0] != '\0')
		MHD_add_response_header(resp, "Location", ctx->location);
	if (ctx->set_cookie != NULL)
		MHD_add_response_header(resp, "Set-Cookie", ctx->set_cookie);
	if (ctx->allow != NULL)
		MHD_add_response_header(resp, "Allow", ctx->allow);
	if (ctx->www_authenticate)
		MHD_add_response_header(resp, "WWW-Authenticate", "Bearer realm=\"provisiond\", Basic realm=\"provisiond\"");
	if (ctx->retry_after > 0) {
		char ra[16];
		snprintf(ra, sizeof(ra), "%d", ctx->retry_after);
		MHD_add_response_header(resp, "Retry-After", ra);
	}
	rq->status = ctx->status;
	enum MHD_Result r = MHD_queue_response(conn, (unsigned)ctx->status, resp);
	MHD_destroy_response(resp);
	return r;
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *conn, const char *url,
				      const char *method, const char *version, const char *upload_data,
				      size_t *upload_data_size, void **req_cls)
{
	struct request *rq = *req_cls;
	(void)cls;
	(void)version;

	if (rq == NULL) {
		struct conf *c = conf_get();
		rq = xcalloc(1, sizeof(*rq));
		clock_gettime(CLOCK_MONOTONIC, &rq->start);
		assign_request_id(conn, rq->id);
		client_address(conn, c, rq->addr, &rq->via_tls);
		slow_track(conn, 0);	/* the whole header is in */
		rq->route_index = -1;
		snprintf(rq->method, sizeof(rq->method), "%s", method);
		snprintf(rq->path, sizeof(rq->path), "%s", url);
		*req_cls = rq;
		atomic_fetch_add(&in_flight, 1);
		/* Refuse early when the announced size is already too big. */
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
		if (cl != NULL && strtoull(cl, NULL, 10) > (unsigned long long)c->http_max_body)
			rq->too_large = 1;
		conf_put(&c);
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		struct conf *c = conf_get();
		if (!rq->too_large && rq->body.len + *upload_data_size <= (size_t)c->http_max_body)
			buf_append(&rq->body, upload_data, *upload_data_size);
		else {
			rq->too_large = 1;	/* keep reading, keep nothing */
			buf_free(&rq->body);
		}
		conf_put(&c);
		*upload_data_size = 0;
		return MHD_YES;
	}

	struct http_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	struct conf *c = conf_get();
	ctx.conn = conn;
	ctx.conf = c;
	ctx.method = method;
	ctx.path = url;
	ctx.request_id = rq->id;
	ctx.client_addr = rq->addr;
	ctx.via_tls = rq->via_tls;
	log_set_request_id(rq->id);
	/* the request's frame (tpool.h): every error made while answering it
	 * is freed once the answer is queued (MHD copies what it keeps) */
	unsigned frame = t_push();
	dispatch(&ctx, rq);
	db_end_of_unit(rq->path);
	enum MHD_Result r = queue(conn, &ctx, rq);
	t_pop(frame);
	json_decref(ctx.body);
	free((char *)ctx.allow);
	free(ctx.resp);
	free(ctx.set_cookie);
	conf_put(&c);
	return r;
}

static void completed(void *cls, struct MHD_Connection *conn, void **req_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct request *rq = *req_cls;
	(void)cls;
	if (rq == NULL)
		return;
	double secs = elapsed(&rq->start);
	if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && rq->status == 0)
		rq->status = 499;	/* client went away */
	log_set_request_id(rq->id);
	metrics_record(rq->route_index, rq->method, rq->status, secs);
	log_info("%s %s %d %.1fms %s", rq->method, rq->path, rq->status, secs * 1000.0,
		 rq->subject[0] ? rq->subject : "-");
	log_set_request_id(NULL);
	buf_free(&rq->body);
	free(rq);
	*req_cls = NULL;
	atomic_fetch_sub(&in_flight, 1);
	slow_track(conn, 1);	/* a kept-alive connection waits for its next header */
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[1024];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		msg[--n] = '\0';
	log_warn("libmicrohttpd: %s", msg);
}

int http_start(const struct conf *c, const struct route *table, size_t n, const char **error_r)
{
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC;

	routes = table;
	nroutes = n;
	memset(&ss, 0, sizeof(ss));
	if (strchr(c->listen_address, ':') != NULL) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)c->listen_port);
		if (inet_pton(AF_INET6, c->listen_address, &s6->sin6_addr) != 1)
			goto bad_addr;
		flags |= MHD_USE_IPv6;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)c->listen_port);
		if (inet_pton(AF_INET, c->listen_address, &s4->sin_addr) != 1)
			goto bad_addr;
	}
	daemon_handle = MHD_start_daemon(flags, (uint16_t)c->listen_port, NULL, NULL,
					 access_handler, NULL,
					 MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
					 MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
					 MHD_OPTION_THREAD_POOL_SIZE, (unsigned)c->http_threads,
					 MHD_OPTION_CONNECTION_LIMIT, (unsigned)c->http_max_connections,
					 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)c->http_timeout,
					 MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)c->http_max_connections_per_client,
					 MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
					 MHD_OPTION_NOTIFY_CONNECTION, slow_notify_connection, NULL,
					 MHD_OPTION_UNESCAPE_CALLBACK, unescape_cb, NULL,
					 MHD_OPTION_END);
	if (daemon_handle == NULL) {
		*error_r = t_printf("cannot listen on %s port %d (listen_address, listen_port): "
				    "address in use or not available", c->listen_address, c->listen_port);
		return -1;
	}
	http_conf_changed(c);
	if (slow_watchdog_start() < 0)
		log_warn("the slow-client watchdog did not start: http_header_timeout is not enforced");
	return 0;
bad_addr:
	*error_r = t_printf("listen_address '%s' is not an IPv4 or IPv6 address", c->listen_address);
	return -1;
}

void http_stop(int timeout_s)
{
	if (daemon_handle == NULL)
		return;
	/* Stop accepting; requests already read are answered. */
	MHD_socket fd = MHD_quiesce_daemon(daemon_handle);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int waited_for = atomic_load(&in_flight);
	while (atomic_load(&in_flight) > 0 && elapsed(&t0) < timeout_s) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	int left = atomic_load(&in_flight);
	if (left > 0)
		log_warn("shutdown: %d request(s) still running after %d s; stopping anyway", left, timeout_s);
	else
		log_info("shutdown: drained %d request(s) in flight in %.3f s", waited_for, elapsed(&t0));
	slow_watchdog_stop();
	MHD_stop_daemon(daemon_handle);
	daemon_handle = NULL;
}

void http_conf_changed(const struct conf *c)
{
	slow_set_header_timeout(c->http_header_timeout);
}
