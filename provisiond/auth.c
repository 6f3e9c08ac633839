/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	auth - bearer tokens and directory sign-in (see auth.h)
 */
#include "config.h"
#include "auth.h"
#include "buf.h"
#include "crypto.h"
#include "directory.h"
#include "log.h"
#include "metrics.h"
#include "sessions.h"
#include "text.h"
#include "throttle.h"
#include "tokens.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <pthread.h>
#include <time.h>

static int fail(struct auth_failure *f, int status, const char *code, const char *msg)
{
	f->status = status;
	f->code = code;
	f->retry_after = 0;
	snprintf(f->message, sizeof(f->message), "%s", msg);
	return -1;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* An unknown login is found out with one search; a wrong password costs a
 * bind (and the directory's own failure bookkeeping). Answering the first
 * faster would tell who exists, so every refused sign-in takes at least as
 * long as refused binds have lately taken (a moving average, capped). */
static pthread_mutex_t timing_lock = PTHREAD_MUTEX_INITIALIZER;
static double bind_fail_avg = 0.02;

static void refused_bind_took(double secs)
{
	pthread_mutex_lock(&timing_lock);
	bind_fail_avg = bind_fail_avg * 0.8 + secs * 0.2;
	pthread_mutex_unlock(&timing_lock);
}

static void answer_no_sooner_than_a_bind(double started)
{
	pthread_mutex_lock(&timing_lock);
	double want = bind_fail_avg;
	pthread_mutex_unlock(&timing_lock);
	if (want > 1.0)
		want = 1.0;
	double left = started + want - now_s();
	if (left > 0) {
		struct timespec ts = { (time_t)left, (long)((left - (double)(time_t)left) * 1e9) };
		nanosleep(&ts, NULL);
	}
}

int auth_parse_basic(const char *value, char **login_r, char **password_r)
{
	size_t n = strlen(value);
	if (n > 4096)
		return -1;
	unsigned char *dec = xmalloc(n + 4);
	long len = crypto_base64_decode(value, dec);
	if (len <= 0 || (size_t)len != strlen((char *)dec)) {	/* invalid or holds NUL */
		free(dec);
		return -1;
	}
	char *colon = strchr((char *)dec, ':');
	if (colon == NULL) {
		explicit_bzero(dec, (size_t)len);
		free(dec);
		return -1;
	}
	*colon = '\0';
	*login_r = xstrdup((char *)dec);
	*password_r = xstrdup(colon + 1);
	explicit_bzero(dec, (size_t)len);
	free(dec);
	return 0;
}

/* 1 and f filled (429) while addr waits out its failed guesses of a
 * token or session id. */
static int address_throttled(const char *addr, struct auth_failure *f)
{
	int wait = throttle_check(addr, NULL);
	if (wait <= 0)
		return 0;
	metrics_event(ME_AUTH_THROTTLED);
	fail(f, 429, "too_many_attempts", "too many failed attempts from this address; try again later");
	f->retry_after = wait;
	return 1;
}

static int check_token(const char *token, const char *addr, struct principal *p, struct auth_failure *f)
{
	int found = 0;
	char name[64], owner[160];
	enum role role;
	const char *err = NULL;
	if (address_throttled(addr, f))
		return -1;
	enum db_status st = tokens_lookup(token, &found, name, owner, &role, &err);

	if (st != DB_OK) {
		log_error("token check failed: %s", err ? err : "database error");
		return fail(f, 503, "unavailable", "the database is unavailable: cannot check the token");
	}
	if (!found) {
		log_warn("authentication failed from %s: unknown or revoked bearer token", addr);
		metrics_event(ME_AUTH_BAD_TOKEN);
		throttle_failed(addr, NULL);
		return fail(f, 401, "unauthorized", "invalid or revoked token");
	}
	p->kind = PRINCIPAL_TOKEN;
	snprintf(p->subject, sizeof(p->subject), "%s", name);
	snprintf(p->owner, sizeof(p->owner), "%s", owner);
	snprintf(p->display_name, sizeof(p->display_name), "token %s", name);
	p->roles = ROLE_BIT(role);
	log_debug("bearer token %s accepted (role %s)", name, role_name(role));
	return 0;
}

/* The person as the directory holds them: every comparison of people
 * (separation of duties, "is this the person", idempotency keys, the
 * change log) uses these values, never what was typed. -1 when they do not
 * fit the principal. */
static int principal_from_user(struct principal *p, const struct dir_user *u)
{
	if (strlen(u->login) >= sizeof(p->subject) || strlen(u->dn) >= sizeof(p->dn)) {
		log_warn("sign-in refused for %s: the entry's login or DN is too long", u->dn);
		return -1;
	}
	p->kind = PRINCIPAL_USER;
	snprintf(p->subject, sizeof(p->subject), "%s", u->login);
	snprintf(p->owner, sizeof(p->owner), "%s", u->login);
	snprintf(p->dn, sizeof(p->dn), "%s", u->dn);
	text_copy(p->display_name, sizeof(p->display_name), u->display_name);
	text_copy(p->unit, sizeof(p->unit), u->unit);
	text_copy(p->mail, sizeof(p->mail), u->mail);
	p->roles = u->roles;
	return 0;
}

int auth_password(const struct conf *c, const char *login, const char *password, const char *client_addr,
		  struct principal *p, struct auth_failure *f)
{
	const char *addr = client_addr && *client_addr ? client_addr : "unknown";
	const char *err = NULL;
	struct dir_user u;
	int ret;

	memset(p, 0, sizeof(*p));
	int wait = throttle_check(addr, login);
	if (wait > 0) {
		log_warn("sign-in for %s from %s refused for %d s: too many failed attempts", login, addr, wait);
		metrics_event(ME_AUTH_THROTTLED);
		ret = fail(f, 429, "too_many_attempts", "too many failed sign-ins; try again later");
		f->retry_after = wait;
		return ret;
	}
	double started = now_s();
	if (strlen(login) >= sizeof(p->subject)) {
		metrics_event(ME_AUTH_BAD_CREDENTIALS);
		throttle_failed(addr, login);
		answer_no_sooner_than_a_bind(started);
		return fail(f, 401, "unauthorized", "invalid login or password");
	}
	int bound = 0;
	enum dir_auth_result ar = dir_authenticate(c, login, password, &u, &bound, &err);
	switch (ar) {
	case DIR_AUTH_OK:
		ret = principal_from_user(p, &u);
		dir_user_free(&u);
		if (ret < 0) {
			ret = fail(f, 401, "unauthorized", "invalid login or password");
			break;
		}
		throttle_succeeded(addr, login);
		{
			char roles[256];
			log_debug("signed in %s (%s) with roles: %s", p->subject, p->dn,
				  role_mask_format(p->roles, roles, sizeof(roles)));
		}
		break;
	case DIR_AUTH_LOCKED:
		log_warn("sign-in refused for %s from %s: %s", login, addr, err ? err : "locked");
		metrics_event(ME_AUTH_LOCKED);
		throttle_failed(addr, login);
		ret = fail(f, 401, "account_locked", "the account is locked");
		break;
	case DIR_AUTH_UNAVAILABLE:
		log_error("sign-in for %s impossible: %s", login, err ? err : "directory unavailable");
		ret = fail(f, 503, "unavailable", "the directory is unavailable: cannot check the password");
		break;
	default:
		log_warn("sign-in refused for %s from %s: %s", login, addr, err ? err : "bad credentials");
		metrics_event(ME_AUTH_BAD_CREDENTIALS);
		throttle_failed(addr, login);
		if (bound)
			refused_bind_took(now_s() - started);
		else
			answer_no_sooner_than_a_bind(started);
		ret = fail(f, 401, "unauthorized", "invalid login or password");
		break;
	}
	return ret;
}

static int check_basic(const struct conf *c, const char *cred, const char *addr, struct principal *p,
		       struct auth_failure *f)
{
	char *login = NULL, *password = NULL;

	if (auth_parse_basic(cred, &login, &password) < 0) {
		metrics_event(ME_AUTH_MALFORMED);
		throttle_failed(addr, NULL);
		return fail(f, 401, "unauthorized", "malformed Basic credentials");
	}
	int ret = auth_password(c, login, password, addr, p, f);
	explicit_bzero(password, strlen(password));
	free(password);
	free(login);
	return ret;
}

int auth_session(const struct conf *c, const char *session_id, const char *client_addr, struct principal *p,
		 struct auth_failure *f)
{
	const char *addr = client_addr && *client_addr ? client_addr : "unknown";
	const char *err = NULL;
	struct session s;
	struct dir_user u;
	int found = 0;

	memset(p, 0, sizeof(*p));
	/* a guessed cookie is a failed sign-in like a guessed token */
	if (address_throttled(addr, f))
		return -1;
	if (session_touch(session_id, c->session_idle_timeout, &found, &s, &err) != DB_OK) {
		log_error("session check failed: %s", err ? err : "database error");
		return fail(f, 503, "unavailable", "the database is unavailable: cannot check the session");
	}
	if (!found) {
		log_info("console session refused from %s: unknown, expired or signed out", addr);
		metrics_event(ME_AUTH_BAD_TOKEN);
		throttle_failed(addr, NULL);
		return fail(f, 401, "session_expired", "the session has expired or was signed out: sign in again");
	}
	/* roles, unit and name as the directory says now, like Basic */
	enum dir_auth_result ar = dir_lookup_user(c, s.login, &u, &err);
	if (ar == DIR_AUTH_UNAVAILABLE) {
		log_error("session of %s: %s", s.login, err ? err : "directory unavailable");
		return fail(f, 503, "unavailable", "the directory is unavailable: cannot check the session");
	}
	if (ar != DIR_AUTH_OK || !dir_dn_equal(u.dn, s.dn) || principal_from_user(p, &u) < 0) {
		log_warn("console session of %s ended: %s", s.login,
			 ar == DIR_AUTH_OK ? "the entry changed" : err ? err : "the account is gone");
		if (ar == DIR_AUTH_OK)
			dir_user_free(&u);
		session_revoke(session_id, &found, &err);
		memset(p, 0, sizeof(*p));
		return fail(f, 401, ar == DIR_AUTH_LOCKED ? "account_locked" : "session_expired",
			    ar == DIR_AUTH_LOCKED ? "the account is locked" : "the session has ended: sign in again");
	}
	dir_user_free(&u);
	p->session = 1;
	session_csrf(session_id, p->csrf);
	snprintf(p->expires_at, sizeof(p->expires_at), "%s", s.expires_at);
	snprintf(p->idle_expires_at, sizeof(p->idle_expires_at), "%s", s.idle_expires_at);
	return 0;
}

int auth_check(const struct conf *c, const char *authorization, const char *client_addr,
	       struct principal *p, struct auth_failure *f)
{
	const char *addr = client_addr && *client_addr ? client_addr : "unknown";
	memset(p, 0, sizeof(*p));
	if (authorization == NULL || *authorization == '\0')
		return fail(f, 401, "unauthorized",
			    "authentication required: send 'Authorization: Bearer <token>' or Basic credentials");
	if (strncasecmp(authorization, "Bearer ", 7) == 0) {
		const char *t = authorization + 7;
		while (*t == ' ')
			t++;
		return check_token(t, addr, p, f);
	}
	if (strncasecmp(authorization, "Basic ", 6) == 0) {
		const char *t = authorization + 6;
		while (*t == ' ')
			t++;
		return check_basic(c, t, addr, p, f);
	}
	metrics_event(ME_AUTH_MALFORMED);
	return fail(f, 401, "unauthorized", "unsupported authorization scheme: use Bearer or Basic");
}

void actor_id(const struct principal *who, char out[160])
{
	if (who->kind == PRINCIPAL_TOKEN)
		snprintf(out, 160, "token:%s", who->subject);
	else
		snprintf(out, 160, "%s", who->subject);
}
