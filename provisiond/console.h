/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	console - what the web console needs from the HTTP layer
 * DESCRIPTION
 *	The console is static files (console_dir) served at every path that
 *	is not the API's, with a Content-Security-Policy that allows only
 *	this origin's scripts and styles and no framing. A browser signs in
 *	with POST /v1/session and then holds a session cookie (HttpOnly,
 *	SameSite=Strict; Secure and the __Host- prefix over TLS). Requests a
 *	cookie authenticates that change anything must carry the session's
 *	CSRF token in X-CSRF-Token and must not come from another origin
 *	(Origin, Sec-Fetch-Site): a page elsewhere that makes the browser
 *	POST here gets 403 csrf, whatever cookies the browser sends.
 */
#ifndef PVD_CONSOLE_H
#define PVD_CONSOLE_H

#include "http.h"

#define CONSOLE_CSP \
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " \
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
/* API answers are data: nothing in them may run or be framed */
#define CONSOLE_CSP_API "default-src 'none'; frame-ancestors 'none'; sandbox"

#define SESSION_COOKIE "pvd_session"
#define SESSION_COOKIE_TLS "__Host-pvd_session"

/* 1 when a request that matched no API route is the console's to answer
 * (GET or HEAD outside /v1/ and /metrics). */
int console_path(const char *method, const char *path);

/* The Content-Type of a file below console_dir named rel (the path
 * without its leading '/'), or NULL when rel is not a name the console
 * has: segments of letters, digits, '-', '_' and '.', none empty or
 * starting with '.' (so no "..": nothing outside the folder can be
 * named), ending in a known extension. */
const char *console_file_type(const char *rel);

/* Answers a console file: 200 (or 304 when If-None-Match matches), 404. */
void console_serve(struct http_ctx *ctx);

/* The session id the request's cookie carries, or NULL. */
const char *console_session_cookie(const struct http_ctx *ctx);

/* For a session-authenticated request: 0 when it is a safe method or
 * carries the right X-CSRF-Token from this origin; -1 with 403 csrf
 * answered otherwise. */
int console_csrf_check(struct http_ctx *ctx);

/* -1 with 403 csrf answered when the request says it comes from another
 * site (Origin, Sec-Fetch-Site); for the sign-in form, which has no
 * session yet. */
int console_same_origin(struct http_ctx *ctx);

void console_set_cookie(struct http_ctx *ctx, const char *session_id, int max_age);
void console_clear_cookie(struct http_ctx *ctx);

#endif
