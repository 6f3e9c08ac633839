/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	outcome - answering errors (see outcome.h)
 */
#include "config.h"
#include "outcome.h"
#include "log.h"
#include "text.h"

#include <stdarg.h>
#include <stdio.h>

void fail(struct outcome *o, int status, const char *code, const char *field, const char *fmt, ...)
{
	va_list ap;
	json_decref(o->body);
	o->body = NULL;
	o->status = status;
	o->code = code;
	/* a field named from the input may be long or cut mid-character */
	text_copy(o->field, sizeof(o->field), field ? field : "");
	va_start(ap, fmt);
	text_vformat(o->message, sizeof(o->message), fmt, ap);
	va_end(ap);
}

void fail_db(struct outcome *o, enum db_status st, const char *err)
{
	if (st == DB_UNAVAILABLE)
		fail(o, 503, "unavailable", NULL, "the database is unavailable: %s", err ? err : "no connection");
	else {
		log_error("%s", err ? err : "database error");
		fail(o, 500, "internal", NULL, "%s", err ? err : "database error");
	}
}

PGresult *db_query_or_fail(struct outcome *o, const char *name, const char *sql, int nparams,
			   const char *const *params)
{
	enum db_status st;
	const char *err = NULL;
	PGresult *r = db_query(name, sql, nparams, params, &st, &err);
	if (r == NULL)
		fail_db(o, st, err);
	return r;
}
