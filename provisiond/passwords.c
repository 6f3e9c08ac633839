/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	passwords - the set-password flow
 */
#include "config.h"
#include "passwords.h"
#include "engine/engine.h"
#include "buf.h"
#include "changelog.h"
#include "crypto.h"
#include "directory.h"
#include "json.h"
#include "log.h"
#include "outbox.h"
#include "text.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* A one-time token lets the person set their own password; nobody else
 * ever chooses or sees a password. Whoever issues a token must not be able
 * to use it unseen (password_token_delivery):
 *   letter  the token is answered once, to be printed and handed over in
 *           a sealed letter; the issue and the use are mailed to the
 *           person's institutional address and to the head of TIM
 *   mail    the token goes to the private address HR gave at the hire,
 *           which TIM does not read; the answer never holds it
 * One token per person is outstanding at a time (revoke it to issue
 * another); issue, revocation and use are in the change log, never the
 * token itself. */

/* The security notice: to the person (institutional mail, when the account
 * has one) and to the head of TIM (notify_tim_head, or the members of the
 * tim_head role group). In the caller's transaction. */
static enum db_status notify_security(const struct conf *c, const char *person_mail, const char *subject,
				      const char **err, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static enum db_status notify_security(const struct conf *c, const char *person_mail, const char *subject,
				      const char **err, const char *fmt, ...)
{
	json_t *rcpts = NULL;
	struct buf body = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&body, fmt, ap);
	va_end(ap);
	if (c->notify_tim_head[0] != '\0') {
		rcpts = json_pack("[s]", c->notify_tim_head);
	} else {
		const char *derr = NULL;
		if (dir_group_mails(c, c->role_group[ROLE_TIM_HEAD], &rcpts, &derr) < 0)
			log_warn("security notice '%s': the head of TIM's address could not be read: %s", subject,
				 derr ? derr : "?");
	}
	if (person_mail != NULL && outbox_address_ok(person_mail))
		json_array_insert_new(rcpts, 0, json_string(person_mail));
	size_t i;
	json_t *v;
	enum db_status st = DB_OK;
	json_array_foreach(rcpts, i, v) {
		const char *to = json_string_value(v);
		if (to == NULL || !outbox_address_ok(to))
			continue;
		if ((st = outbox_add("security", to, subject, buf_str(&body), 0, 0, err)) != DB_OK)
			break;
	}
	json_decref(rcpts);
	buf_free(&body);
	return st;
}

/* "ana.perez@gmail.com" -> "a***@gmail.com": enough to know where it went. */
static void mask_address(const char *addr, char out[128])
{
	const char *at = strchr(addr, '@');
	if (at == NULL || at == addr)
		snprintf(out, 128, "***");
	else
		snprintf(out, 128, "%c***%.100s", addr[0], at);
}

struct token_call {
	const struct conf *c;
	const struct principal *who;
	const char *employee_number;
	char token[64];
};

static int token_body(void *arg, struct outcome *o, enum db_status *st, const char **err)
{
	struct token_call *tc = arg;
	const struct conf *c = tc->c;
	const char *employee_number = tc->employee_number;
	char me[160], hours[16], hash[65], *token = tc->token;
	unsigned char raw[32];
	PGresult *r;
	int by_mail = strcmp(c->password_token_delivery, "mail") == 0;
	actor_id(tc->who, me);
	const char *role = acting_role(tc->who, ROLE_BIT(ROLE_TIM_TECH) | ROLE_BIT(ROLE_TIM_HEAD));
	const char *p1[1] = { employee_number };
	r = db_query("person.for_token", "SELECT id::text, uid, status, mail, private_mail FROM people "
		     "WHERE employee_number = $1 FOR UPDATE", 1, p1, st, err);
	if (r == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		fail(o, 404, "not_found", "employee_number", "no person with employee_number %s", employee_number);
		return -1;
	}
	char pid[32], uid[80], mail[256], priv[256];
	snprintf(pid, sizeof(pid), "%s", PQgetvalue(r, 0, 0));
	snprintf(uid, sizeof(uid), "%s", PQgetvalue(r, 0, 1));
	snprintf(mail, sizeof(mail), "%s", PQgetvalue(r, 0, 3));
	snprintf(priv, sizeof(priv), "%s", PQgetvalue(r, 0, 4));
	int active = strcmp(PQgetvalue(r, 0, 2), "active") == 0;
	PQclear(r);
	if (!active) {
		fail(o, 409, "conflict", "employee_number", "%s is not active: no password can be set", employee_number);
		return -1;
	}
	if (by_mail && !outbox_address_ok(priv)) {
		fail(o, 409, "conflict", "employee_number", "%s has no private mail address (private_email in the hire "
		     "data) to send the token to; HR corrects the hire data, or the institution uses "
		     "password_token_delivery = letter", employee_number);
		return -1;
	}
	/* an expired token no longer counts as outstanding */
	const char *pp[1] = { pid };
	if ((*st = db_exec("password.token_expire", "UPDATE password_tokens SET revoked_at = now(), "
			  "revoked_by = 'system (expired)' WHERE person_id = $1::bigint AND used_at IS NULL "
			  "AND revoked_at IS NULL AND expires_at <= now()", 1, pp, err)) != DB_OK)
		return -1;
	r = db_query("password.token_outstanding", "SELECT created_by, " TS("created_at") ", " TS("expires_at")
		     " FROM password_tokens WHERE person_id = $1::bigint AND used_at IS NULL AND revoked_at IS NULL",
		     1, pp, st, err);
	if (r == NULL)
		return -1;
	if (PQntuples(r) > 0) {
		fail(o, 409, "conflict", "employee_number", "a set-password token for %s issued by %s at %s is "
		     "outstanding until %s: revoke it first (DELETE /v1/people/%s/password-token)", uid,
		     PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2), employee_number);
		PQclear(r);
		return -1;
	}
	PQclear(r);
	if (crypto_random(raw, sizeof(raw)) < 0) {
		fail(o, 500, "internal", NULL, "getrandom() failed");
		return -1;
	}
	memcpy(token, "pwt_", 4);
	crypto_base64url(raw, sizeof(raw), token + 4);
	explicit_bzero(raw, sizeof(raw));
	crypto_sha256_hex(token, strlen(token), hash);
	snprintf(hours, sizeof(hours), "%d", c->password_token_hours);
	const char *p2[5] = { pid, hash, me, hours, c->password_token_delivery };
	r = db_query("password.token",
		     "INSERT INTO password_tokens (person_id, token_hash, created_by, expires_at, delivery) "
		     "VALUES ($1::bigint, $2, $3, now() + make_interval(hours => $4::int), $5) RETURNING " TS("expires_at"),
		     5, p2, st, err);
	if (r == NULL)
		return -1;
	char expires[32], masked[128] = "";
	snprintf(expires, sizeof(expires), "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	json_t *after = json_pack("{s:s, s:s}", "expires_at", expires, "delivery", c->password_token_delivery);
	if (by_mail) {
		mask_address(priv, masked);
		json_object_set_new(after, "sent_to", json_string(masked));
	}
	struct cl_entry e = { me, role ? role : "tim_tech", 0,
			      employee_number, "workflow", "password.token", uid, NULL, after, "ok", NULL };
	*st = changelog_append(&e, err);
	json_decref(after);
	if (*st != DB_OK)
		return -1;
	if (by_mail) {
		char *body = xasprintf("A set-password token for your account %s was issued by %s.\n\n"
				       "Token: %s\n\nSet your password with it (POST /v1/password) before %s.\n"
				       "If you did not expect it, tell the head of TIM.\n", uid, me, token, expires);
		*st = outbox_add("password_token", priv, "Your set-password token", body, 1, 0, err);
		explicit_bzero(body, strlen(body));
		free(body);
		if (*st != DB_OK)
			return -1;
	}
	char subject[160];
	text_format(subject, sizeof(subject), "Set-password token issued for %s", uid);
	if ((*st = notify_security(c, mail, subject, err, "A one-time set-password token for %s (%s) was issued by "
				  "%s; it is valid until %s (delivery: %s%s%s).\nIf this was not expected, revoke it: "
				  "DELETE /v1/people/%s/password-token\n", uid, employee_number, me, expires,
				  c->password_token_delivery, by_mail ? " to " : "", masked, employee_number)) != DB_OK)
		return -1;
	o->status = 201;
	if (by_mail)
		o->body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "employee_number", employee_number, "uid", uid,
				    "delivery", "mail", "sent_to", masked, "expires_at", expires);
	else
		o->body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "employee_number", employee_number, "uid", uid,
				    "delivery", "letter", "token", token, "expires_at", expires);
	log_info("set-password token for %s issued by %s (%s)", uid, me, c->password_token_delivery);
	return 0;
}

void people_password_token(const struct conf *c, const struct principal *who, const char *employee_number,
			   struct outcome *o)
{
	struct token_call tc = { c, who, employee_number, "" };
	memset(o, 0, sizeof(*o));
	txn_run(o, token_body, &tc);
	explicit_bzero(tc.token, sizeof(tc.token));
}

struct revoke_call {
	const struct principal *who;
	const char *employee_number;
};

static int revoke_body(void *arg, struct outcome *o, enum db_status *st, const char **err)
{
	struct revoke_call *rc = arg;
	const char *employee_number = rc->employee_number;
	char me[160];
	actor_id(rc->who, me);
	const char *role = acting_role(rc->who, ROLE_BIT(ROLE_TIM_TECH) | ROLE_BIT(ROLE_TIM_HEAD));
	const char *p[2] = { employee_number, me };
	PGresult *r = db_query("password.token_revoke",
		"UPDATE password_tokens t SET revoked_at = now(), revoked_by = $2 FROM people p "
		"WHERE p.id = t.person_id AND p.employee_number = $1 AND t.used_at IS NULL AND t.revoked_at IS NULL "
		"RETURNING p.uid, t.created_by", 2, p, st, err);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		PQclear(r);
		fail(o, 404, "not_found", "employee_number", "%s has no outstanding set-password token", employee_number);
		return -1;
	}
	char uid[80];
	snprintf(uid, sizeof(uid), "%s", PQgetvalue(r, 0, 0));
	json_t *after = json_pack("{s:s, s:b}", "issued_by", PQgetvalue(r, 0, 1), "revoked", 1);
	PQclear(r);
	struct cl_entry e = { me, role ? role : "tim_tech", 0, employee_number, "workflow", "password.token_revoke",
			      uid, NULL, after, "ok", NULL };
	*st = changelog_append(&e, err);
	json_decref(after);
	if (*st != DB_OK)
		return -1;
	log_info("set-password token for %s revoked by %s", uid, me);
	o->status = 200;
	o->body = json_pack("{s:s, s:s, s:s}", "employee_number", employee_number, "uid", uid, "state", "revoked");
	return 0;
}

void people_password_token_revoke(const struct principal *who, const char *employee_number, struct outcome *o)
{
	struct revoke_call rc = { who, employee_number };
	memset(o, 0, sizeof(*o));
	txn_run(o, revoke_body, &rc);
}

struct set_password_call {
	const struct conf *c;
	const char *hash, *pw;
};

static int set_password_body(void *arg, struct outcome *o, enum db_status *st, const char **err)
{
	struct set_password_call *sp = arg;
	const struct conf *c = sp->c;
	const char *hash = sp->hash;
	const char *p1[1] = { hash };
	PGresult *r = db_query("password.token_use",
			       "SELECT t.id::text, p.uid, p.employee_number, t.created_by, t.delivery, p.mail "
			       "FROM password_tokens t JOIN people p ON p.id = t.person_id "
			       "WHERE t.token_hash = $1 AND t.used_at IS NULL AND t.revoked_at IS NULL AND t.expires_at > now() "
			       "AND p.status = 'active' FOR UPDATE OF t", 1, p1, st, err);
	if (r == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		fail(o, 403, "forbidden", "token", "the token is unknown, used, revoked or expired");
		return -1;
	}
	char tid[32], uid[80], emp[64], issuer[160], delivery[16], mail[256];
	snprintf(tid, sizeof(tid), "%s", PQgetvalue(r, 0, 0));
	snprintf(uid, sizeof(uid), "%s", PQgetvalue(r, 0, 1));
	snprintf(emp, sizeof(emp), "%s", PQgetvalue(r, 0, 2));
	snprintf(issuer, sizeof(issuer), "%s", PQgetvalue(r, 0, 3));
	snprintf(delivery, sizeof(delivery), "%s", PQgetvalue(r, 0, 4));
	snprintf(mail, sizeof(mail), "%s", PQgetvalue(r, 0, 5));
	PQclear(r);
	char *dn = dir_child_dn(c->ldap_login_attr, uid, c->ldap_people_dn);
	const char *derr = NULL;
	int rc = dn ? dir_set_password(c, dn, sp->pw, &derr) : -1;
	if (rc < 0) {
		if (rc == -2)
			fail(o, 503, "unavailable", NULL, "the directory is unavailable: %s", derr ? derr : "");
		else
			fail(o, 409, "conflict", NULL, "cannot set the password of %s: %s (has provisioning created the "
			     "account?)", uid, derr ? derr : "bad DN");
		free(dn);
		return -1;
	}
	const char *p2[1] = { tid };
	if ((*st = db_exec("password.token_used", "UPDATE password_tokens SET used_at = now() WHERE id = $1::bigint",
			  1, p2, err)) != DB_OK) {
		free(dn);
		return -1;
	}
	json_t *after = json_pack("{s:s, s:s}", "token_issued_by", issuer, "delivery", delivery);
	struct cl_entry e = { uid, "employee", 0, emp, "directory", "password.set", dn, NULL, after, "ok", NULL };
	*st = changelog_append(&e, err);
	json_decref(after);
	if (*st != DB_OK) {
		free(dn);
		return -1;
	}
	char subject[160];
	text_format(subject, sizeof(subject), "Password set for %s", uid);
	*st = notify_security(c, mail, subject, err, "The password of %s (%s) was set with the one-time token "
			     "issued by %s (delivery: %s).\nIf it was not the owner of the account, tell the head of "
			     "TIM at once.\n", uid, emp, issuer, delivery);
	free(dn);
	if (*st != DB_OK)
		return -1;
	log_info("password set for %s with a one-time token issued by %s", uid, issuer);
	o->status = 200;
	o->body = json_pack("{s:s, s:s}", "uid", uid, "status", "password set");
	return 0;
}

void people_set_password(const struct conf *c, json_t *body, struct outcome *o)
{
	static const char *const keys[] = { "token", "new_password", NULL };
	const char *token, *pw;
	char hash[65];
	memset(o, 0, sizeof(*o));
	if (json_check_keys(body, keys, o) < 0 || !(token = json_get_string(body, "token", 1, 100, o)) ||
	    !(pw = json_get_string(body, "new_password", 1, 256, o)))
		return;
	if (utf8_length(pw) < c->password_min_length) {
		fail(o, 400, "invalid_field", "new_password", "the password must have at least %d characters",
		     c->password_min_length);
		return;
	}
	crypto_sha256_hex(token, strlen(token), hash);
	struct set_password_call sp = { c, hash, pw };
	txn_run(o, set_password_body, &sp);
}
