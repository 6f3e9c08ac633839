/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	engine/txn - one transaction per write (see engine.h)
 * DESCRIPTION
 *	Every write of the daemon that answers a person runs its body
 *	through txn_run(): BEGIN, the body, COMMIT; on any failure ROLLBACK
 *	and one answer (the refusal the body gave, 409 for a serialization
 *	conflict, 503 when the database is away, else 500).
 */
#include "config.h"
#include "buf.h"
#include "engine/engine.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>

static void txn_fail(struct outcome *o, enum db_status st, const char *err)
{
	db_rollback();
	if (o->code == NULL && o->body == NULL) {
		if (st == DB_CONFLICT)
			fail(o, 409, "conflict", NULL, "a concurrent request changed the same record; retry: %s",
			     err ? err : "");
		else
			fail_db(o, st, err);
	}
	if (o->body != NULL) {
		json_decref(o->body);
		o->body = NULL;
	}
}

void txn_run(struct outcome *o, txn_body *body, void *arg)
{
	enum db_status st;
	const char *err = NULL;
	if ((st = db_begin(&err)) != DB_OK) {
		fail_db(o, st, err);
		return;
	}
	st = DB_ERROR;
	int rc = body(arg, o, &st, &err);
	if (rc == 1) {
		db_rollback();	/* a replay: the stored answer is in o */
		return;
	}
	if (rc == 0 && (st = db_commit(&err)) == DB_OK)
		return;
	if (rc == 0) {
		/* the commit failed: that, not the answer built, is the answer */
		json_decref(o->body);
		o->body = NULL;
		o->code = NULL;
	}
	txn_fail(o, st, err);
}
