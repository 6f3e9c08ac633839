/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	outbox - institutional e-mail, durable, sent through an SMTP relay
 * DESCRIPTION
 *	outbox_add() writes a message in the caller's transaction, so the mail
 *	exists exactly when the step that causes it commits (a call code is
 *	mailed only if its operation was recorded as done). One sender thread
 *	hands due messages to the relay (smtp_url) with libcurl and marks them
 *	sent; a relay that is down or refuses gets the message back with a
 *	growing delay (outbox_retry_base doubling up to outbox_retry_max),
 *	for as long as it takes: mail is delayed, never lost. Delivery is at
 *	least once: a crash between the relay's acceptance and the commit
 *	sends the message again.
 *
 *	A message marked secret (a call code, a SIP password) keeps its body
 *	only until the relay accepts it: then the body is erased, and what
 *	remains (kind, recipient, subject, time) is the record that it was
 *	sent. Bodies are never logged and never returned by the API.
 */
#ifndef PVD_OUTBOX_H
#define PVD_OUTBOX_H

#include <jansson.h>
#include "conf.h"
#include "db.h"

/* A single-line address with an @: what outbox_add accepts as rcpt. */
int outbox_address_ok(const char *rcpt);

/* In the caller's transaction. request_id 0: none. */
enum db_status outbox_add(const char *kind, const char *rcpt, const char *subject, const char *body,
			  int secret, long long request_id, const char **error_r);

int outbox_start(const struct conf *c, const char **error_r);
void outbox_stop(void);

/* How much waits: {"pending": n, "oldest_pending_seconds": s | null}, or
 * NULL when the database cannot say. For /v1/health. */
json_t *outbox_backlog(void);

/* For /metrics: OUTBOX_METRICS_SQL goes with the scrape's other reads;
 * outbox_render_metrics writes the backlog from its result (NULL when the
 * database did not answer: HELP and TYPE only). */
struct buf;
extern const char OUTBOX_METRICS_SQL[];
void outbox_render_metrics(struct buf *b, PGresult *r);

/* GET /v1/outbox: messages without their bodies, newest first. */
json_t *outbox_list(const char *state, int limit, const char **error_r, enum db_status *st_r);

/* RFC 5322 text of a message (headers + CRLF body); exposed for tests. */
char *outbox_format(const char *from, const char *rcpt, const char *subject, const char *body,
		    long long id, const char *domain);

#endif
