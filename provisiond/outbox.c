/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	outbox - durable institutional e-mail (see outbox.h)
 */
#include "config.h"
#include "outbox.h"
#include "bgthread.h"
#include "buf.h"
#include "changelog.h"
#include "crypto.h"
#include "json.h"
#include "log.h"
#include "metrics.h"
#include "text.h"
#include "tpool.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TS(col) DB_UTC(col)

static struct bg_thread bg = BG_THREAD_INIT("outbox sender");

/* Header values come from data (names, addresses): no line breaks. */
static int header_safe(const char *s)
{
	return s != NULL && strpbrk(s, "\r\n") == NULL;
}

int outbox_address_ok(const char *rcpt)
{
	return header_safe(rcpt) && strchr(rcpt, '@') != NULL;
}

enum db_status outbox_add(const char *kind, const char *rcpt, const char *subject, const char *body,
			  int secret, long long request_id, const char **error_r)
{
	char *why = NULL;
	if (!outbox_address_ok(rcpt) || !header_safe(subject))
		why = xasprintf("outbox: refusing a %s message: the recipient '%.80s' or the subject is not "
				"a single line address", kind, rcpt ? rcpt : "");
	else if (utf8_length(subject) < 0 || utf8_length(body ? body : "") < 0)
		why = xasprintf("outbox: refusing a %s message to %.80s: its %s is not valid UTF-8", kind, rcpt,
				utf8_length(subject) < 0 ? "subject" : "body");
	if (why != NULL) {
		utf8_repair(why);	/* "%.80s" may have cut a character */
		*error_r = t_strdup(why);
		free(why);
		return DB_ERROR;
	}
	char rid[32];
	snprintf(rid, sizeof(rid), "%lld", request_id);
	const char *params[6] = { kind, rcpt, subject, body, secret ? "t" : "f", request_id ? rid : NULL };
	return db_exec("outbox.add",
		       "INSERT INTO outbox (kind, rcpt, subject, body, secret, request_id) "
		       "VALUES ($1, $2, $3, $4, $5::boolean, $6::bigint)", 6, params, error_r);
}

/* ---- the message ----------------------------------------------------------- */

static void base64(struct buf *b, const unsigned char *s, size_t n)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) |
			     (i + 2 < n ? s[i + 2] : 0);
		buf_putc(b, t[v >> 18 & 63]);
		buf_putc(b, t[v >> 12 & 63]);
		buf_putc(b, i + 1 < n ? t[v >> 6 & 63] : '=');
		buf_putc(b, i + 2 < n ? t[v & 63] : '=');
	}
}

/* RFC 2047: a subject with non-ASCII letters (names: "Peña") as UTF-8 B-words */
static void put_subject(struct buf *b, const char *s)
{
	int ascii = 1;
	for (const char *p = s; *p; p++)
		ascii &= (unsigned char)*p < 0x80;
	if (ascii) {
		buf_printf(b, "Subject: %s\r\n", s);
		return;
	}
	buf_puts(b, "Subject:");
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		size_t room = n - i < 39 ? n - i : 39;	/* 52 base64 characters: lines stay under 78 */
		size_t take = room;
		while (take > 0 && i + take < n && ((unsigned char)s[i + take] & 0xC0) == 0x80)
			take--;		/* never split a UTF-8 sequence */
		if (take == 0)
			take = room;	/* not UTF-8 at all (39 continuation bytes): split anyway, never loop */
		buf_puts(b, " =?UTF-8?B?");
		base64(b, (const unsigned char *)s + i, take);
		buf_puts(b, "?=\r\n");
		i += take;
	}
}

char *outbox_format(const char *from, const char *rcpt, const char *subject, const char *body,
		    long long id, const char *domain)
{
	struct buf b = BUF_INIT;
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	unsigned char rnd[8];
	char hex[17];
	crypto_random(rnd, sizeof(rnd));
	crypto_hex(rnd, sizeof(rnd), hex);
	buf_printf(&b, "Date: %s\r\nFrom: %s\r\nTo: %s\r\n", date, from, rcpt);
	put_subject(&b, subject);
	buf_printf(&b, "Message-ID: <outbox-%lld.%s@%s>\r\n", id, hex, domain);
	buf_puts(&b, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
		     "Content-Transfer-Encoding: 8bit\r\nAuto-Submitted: auto-generated\r\n\r\n");
	for (const char *p = body ? body : ""; *p; p++) {
		if (*p == '\n' && (p == body || p[-1] != '\r'))
			buf_putc(&b, '\r');
		buf_putc(&b, *p);
	}
	if (b.len < 2 || buf_str(&b)[b.len - 1] != '\n')
		buf_puts(&b, "\r\n");
	return buf_steal(&b);
}

/* ---- sending --------------------------------------------------------------- */

struct upload {
	const char *data;
	size_t len, off;
};

static size_t read_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t room = size * nmemb, left = u->len - u->off;
	size_t n = left < room ? left : room;
	memcpy(ptr, u->data + u->off, n);
	u->off += n;
	return n;
}

/* 0 sent, -1 not (*error_r: the relay's words, never the body) */
static int smtp_send(const struct conf *c, const char *rcpt, const char *text, const char **error_r)
{
	CURL *h = curl_easy_init();
	if (h == NULL) {
		*error_r = t_strdup("curl_easy_init failed");
		return -1;
	}
	char ebuf[CURL_ERROR_SIZE] = "", from[300];
	snprintf(from, sizeof(from), "<%.280s>", c->smtp_from);
	struct curl_slist *to = curl_slist_append(NULL, rcpt);
	struct upload u = { text, strlen(text), 0 };
	char *password = NULL;
	curl_easy_setopt(h, CURLOPT_URL, c->smtp_url);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, to);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(h, CURLOPT_READDATA, &u);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)c->smtp_timeout);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)c->smtp_timeout);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
	if (c->smtp_starttls)
		curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (c->smtp_username[0] != '\0') {
		char *perr = NULL;	/* read_secret_file is the plugins' too: its reason is malloc'd */
		password = read_secret_file(c->smtp_password_file, &perr);
		if (password == NULL) {
			*error_r = t_printf("smtp_password_file: %s", perr ? perr : "unreadable");
			free(perr);
			curl_slist_free_all(to);
			curl_easy_cleanup(h);
			return -1;
		}
		curl_easy_setopt(h, CURLOPT_USERNAME, c->smtp_username);
		curl_easy_setopt(h, CURLOPT_PASSWORD, password);
	}
	CURLcode rc = curl_easy_perform(h);
	long reply = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply);
	if (rc != CURLE_OK)
		*error_r = t_printf("SMTP to %s for <%s> failed: %s%s%s (last reply %ld)", c->smtp_url, rcpt,
				    curl_easy_strerror(rc), ebuf[0] ? ": " : "", ebuf, reply);
	if (password != NULL) {
		explicit_bzero(password, strlen(password));
		free(password);
	}
	curl_slist_free_all(to);
	curl_easy_cleanup(h);
	return rc == CURLE_OK ? 0 : -1;
}

static int retry_seconds(const struct conf *c, int attempts)
{
	long d = c->outbox_retry_base;
	for (int i = 1; i < attempts && d < c->outbox_retry_max; i++)
		d *= 2;
	return (int)(d > c->outbox_retry_max ? c->outbox_retry_max : d);
}

/* Sends one due message. 1 one was handled, 0 none due, -1 database trouble. */
static int send_one(const struct conf *c)
{
	const char *err = NULL;
	enum db_status st;
	char lease[16];
	/* claiming pushes next_at past the send's timeout: a sender that dies
	 * mid-send leaves the message to be tried again, not lost */
	snprintf(lease, sizeof(lease), "%d", c->smtp_timeout * 2 + 30);
	const char *p1[1] = { lease };
	PGresult *r = db_query("outbox.claim",
		"UPDATE outbox SET attempts = attempts + 1, next_at = now() + make_interval(secs => $1::int) "
		"WHERE id = (SELECT id FROM outbox WHERE state = 'pending' AND next_at <= now() "
		"ORDER BY next_at, id FOR UPDATE SKIP LOCKED LIMIT 1) "
		"RETURNING id::text, kind, rcpt, subject, body, attempts::text, request_id::text, secret::text",
		1, p1, &st, &err);
	if (r == NULL) {
		log_warn("outbox: cannot claim a message: %s", err ? err : "?");
		return -1;
	}
	if (PQntuples(r) == 0) {
		PQclear(r);
		return 0;
	}
	long long id = atoll(PQgetvalue(r, 0, 0));
	char kind[32], rcpt[320], attempts_s[16], rid[32];
	snprintf(kind, sizeof(kind), "%s", PQgetvalue(r, 0, 1));
	snprintf(rcpt, sizeof(rcpt), "%s", PQgetvalue(r, 0, 2));
	snprintf(attempts_s, sizeof(attempts_s), "%s", PQgetvalue(r, 0, 5));
	snprintf(rid, sizeof(rid), "%s", PQgetvalue(r, 0, 6));
	int attempts = atoi(attempts_s);
	char *text = outbox_format(c->smtp_from, rcpt, PQgetvalue(r, 0, 3), PQgetvalue(r, 0, 4), id, c->mail_domain);
	json_t *after = json_pack("{s:s, s:s, s:s, s:i}", "kind", kind, "rcpt", rcpt, "subject",
				  PQgetvalue(r, 0, 3), "attempts", attempts);
	explicit_bzero(PQgetvalue(r, 0, 4), strlen(PQgetvalue(r, 0, 4)));
	PQclear(r);

	const char *why = "";
	int ok = smtp_send(c, rcpt, text, &why);
	explicit_bzero(text, strlen(text));
	free(text);

	char ids[32], delay[16];
	snprintf(ids, sizeof(ids), "%lld", id);
	if (ok == 0) {	/* the relay has it */
		if ((st = db_begin(&err)) != DB_OK)
			goto fail;
		const char *p2[1] = { ids };
		if ((st = db_exec("outbox.sent", "UPDATE outbox SET state = 'sent', sent_at = now(), body = NULL, "
				  "last_error = NULL WHERE id = $1::bigint", 1, p2, &err)) != DB_OK)
			goto fail;
		char obj[360];
		snprintf(obj, sizeof(obj), "mail/%s", rcpt);
		struct cl_entry e = { "system", "system", atoll(rid), NULL, "outbox", "mail.sent", obj, NULL, after,
				      "ok", NULL };
		if ((st = changelog_append(&e, &err)) != DB_OK)
			goto fail;
		if ((st = db_commit(&err)) != DB_OK)
			goto fail;
		log_info("outbox: message %lld (%s) to %s sent", id, kind, rcpt);
	} else {
		snprintf(delay, sizeof(delay), "%d", retry_seconds(c, attempts));
		const char *p3[3] = { ids, delay, why };
		if ((st = db_exec("outbox.retry", "UPDATE outbox SET next_at = now() + make_interval(secs => $2::int), "
				  "last_error = $3 WHERE id = $1::bigint", 3, p3, &err)) != DB_OK)
			goto fail;
		log_warn("outbox: message %lld (%s) to %s: %s; attempt %d, next in %s s", id, kind, rcpt, why,
			 attempts + 1, delay);
	}
	json_decref(after);
	return 1;
fail:
	db_rollback();
	json_decref(after);
	/* the claim's lease brings the message back: nothing is lost */
	log_error("outbox: recording message %lld failed: %s", id, err ? err : "database error");
	return -1;
}

static void *sender_main(void *arg)
{
	(void)arg;
	while (!bg_stopping(&bg)) {
		unsigned frame = t_push();	/* one pass: a mail, and why it was not sent */
		struct conf *c = conf_get();
		int n = send_one(c);
		db_end_of_unit("outbox sender");
		conf_put(&c);
		t_pop(frame);
		if (n == 1)
			continue;	/* more may be due */
		bg_sleep(&bg, 1000);
	}
	db_thread_close();
	return NULL;
}

int outbox_start(const struct conf *c, const char **error_r)
{
	if (!c->outbox_sender)
		return 0;
	if (c->smtp_url[0] == '\0') {
		/* another instance with a relay sends them, or this one once configured */
		log_warn("outbox: no smtp_url: this daemon sends no mail; messages wait for a relay");
		return 0;
	}
	if (bg_start(&bg, sender_main, error_r) < 0)
		return -1;
	log_info("outbox: sending through %s as %s", c->smtp_url, c->smtp_from);
	return 0;
}

void outbox_stop(void)
{
	bg_stop(&bg);
}

/* ---- reading ----------------------------------------------------------------- */

json_t *outbox_backlog(void)
{
	const char *err = NULL;
	enum db_status st;
	PGresult *r = db_query("outbox.backlog", "SELECT count(*), extract(epoch FROM now() - min(created_at))::bigint "
			       "FROM outbox WHERE state = 'pending'", 0, NULL, &st, &err);
	if (r == NULL)
		return NULL;
	json_t *j = json_pack("{s:I}", "pending", (json_int_t)atoll(PQgetvalue(r, 0, 0)));
	json_object_set_new(j, "oldest_pending_seconds", PQgetisnull(r, 0, 1) ? json_null()
			    : json_integer(atoll(PQgetvalue(r, 0, 1))));
	PQclear(r);
	return j;
}

const char OUTBOX_METRICS_SQL[] =
	"SELECT count(*), count(*) FILTER (WHERE attempts > 0), "
	"COALESCE(extract(epoch FROM now() - min(created_at)), 0) FROM outbox WHERE state = 'pending'";

void outbox_render_metrics(struct buf *b, PGresult *r)
{
	metrics_gauge(b, "provisiond_outbox_pending_messages", "Mail written and not yet accepted by the relay.",
		      r != NULL ? PQgetvalue(r, 0, 0) : NULL);
	metrics_gauge(b, "provisiond_outbox_retrying_messages",
		      "Pending mail the relay refused or did not answer at least once.",
		      r != NULL ? PQgetvalue(r, 0, 1) : NULL);
	metrics_gauge(b, "provisiond_outbox_oldest_pending_age_seconds",
		      "How long the oldest pending message has waited (0: none waits).",
		      r != NULL ? t_printf("%.3f", atof(PQgetvalue(r, 0, 2))) : NULL);
}

json_t *outbox_list(const char *state, int limit, const char **error_r, enum db_status *st_r)
{
	char lim[16];
	snprintf(lim, sizeof(lim), "%d", limit);
	const char *params[2] = { state, lim };
	PGresult *r = db_query("outbox.list",
		"SELECT id, kind, rcpt, subject, state, attempts, request_id, last_error, "
		TS("created_at") ", " TS("next_at") ", " TS("sent_at") " FROM outbox "
		"WHERE ($1::text IS NULL OR state = $1) ORDER BY outbox.id DESC LIMIT $2::int",
		2, params, st_r, error_r);
	if (r == NULL)
		return NULL;
	json_t *arr = json_array();
	for (int i = 0; i < PQntuples(r); i++) {
		json_t *m = json_pack("{s:I, s:s, s:s, s:s, s:s, s:i}", "id", (json_int_t)atoll(PQgetvalue(r, i, 0)),
				      "kind", PQgetvalue(r, i, 1), "rcpt", PQgetvalue(r, i, 2), "subject",
				      PQgetvalue(r, i, 3), "state", PQgetvalue(r, i, 4), "attempts",
				      atoi(PQgetvalue(r, i, 5)));
		json_object_set_new(m, "request_id", PQgetisnull(r, i, 6) ? json_null()
				    : json_integer(atoll(PQgetvalue(r, i, 6))));
		json_object_set_new(m, "last_error", PQgetisnull(r, i, 7) ? json_null() : json_string(PQgetvalue(r, i, 7)));
		json_object_set_new(m, "created_at", json_string(PQgetvalue(r, i, 8)));
		json_object_set_new(m, "next_at", PQgetvalue(r, i, 4)[0] == 'p' ? json_string(PQgetvalue(r, i, 9)) : json_null());
		json_object_set_new(m, "sent_at", PQgetisnull(r, i, 10) ? json_null() : json_string(PQgetvalue(r, i, 10)));
		json_array_append_new(arr, m);
	}
	PQclear(r);
	return arr;
}
