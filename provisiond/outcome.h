/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	outcome - what a call answers: an HTTP status and a body or an error
 * DESCRIPTION
 *	Every handler of the daemon answers through a struct outcome: a
 *	success body, or an error code, the field it is about and a message
 *	for people; the body checks of json.h answer into it too.
 *	http_reply_outcome() turns it into the JSON envelope.
 *	fail_db() is the one place a database failure becomes an answer:
 *	503 when the database is away, otherwise 500 with the detail only in
 *	the log (a 500 never carries SQL text).
 */
#ifndef PVD_OUTCOME_H
#define PVD_OUTCOME_H

#include <jansson.h>
#include "db.h"

struct outcome {
	int status;
	json_t *body;		/* success body (owned) */
	const char *code;	/* error code when body is NULL */
	char field[64];
	char message[768];
	int replayed;		/* the answer an Idempotency-Key stored, given again */
};

/* Answers an error: drops any body, sets status, code, field (may be NULL). */
void fail(struct outcome *o, int status, const char *code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Answers a database failure st (err: the detail, may be NULL). */
void fail_db(struct outcome *o, enum db_status st, const char *err);

/* db_query() answering its failure into o (fail_db): NULL then. */
PGresult *db_query_or_fail(struct outcome *o, const char *name, const char *sql, int nparams,
			   const char *const *params);

#endif
