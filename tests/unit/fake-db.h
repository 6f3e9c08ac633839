/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	fake-db - provisiond/db.h without PostgreSQL, for unit tests
 * SYNOPSIS
 *	#include "fake-db.h"
 *
 *	static const struct fake_answer hire[] = {
 *		FAKE_NONE("person.lock", "id,status,uid"),	// no rows
 *		FAKE_ROWS("person.create", "id", "7"),
 *		FAKE_FAIL("login", DB_CONFLICT),		// the first candidate is taken
 *		FAKE_ALWAYS("person.get", PERSON_COLS, ANA_ROW),
 *	};
 *	fake_db_script(hire, sizeof(hire) / sizeof(hire[0]));
 *	requests_create(...);
 *	int i = fake_db_find("request.create", 0);
 *	CHECK_STR(fake_db_param(i, 0), "hire");
 * DESCRIPTION
 *	Every statement of provisiond has a name (the first argument of
 *	db_query and db_exec); a script answers statements by that name.
 *	Answers are taken in script order: the first unused answer with the
 *	statement's name is used up (one marked always is used for every
 *	call). An answer is rows of text under named columns, "a|b|c" one
 *	row (\N is SQL NULL, as in COPY), returned as a real libpq PGresult
 *	that the code reads with PQgetvalue and frees with PQclear; or a
 *	status (DB_CONFLICT, DB_ERROR, DB_UNAVAILABLE) for the statement to
 *	fail with.
 *
 *	A statement with no answer succeeds: db_exec answers DB_OK and
 *	db_query an empty result (no rows). Such calls are marked unscripted
 *	in the record, so a test can tell a statement it planned for from one
 *	it did not.
 *
 *	Everything is recorded in order: each statement with its name, SQL
 *	and parameters, and BEGIN, COMMIT and ROLLBACK (a rollback only when
 *	a transaction is open, as db_rollback only acts then). db_connect_new
 *	answers NULL: nothing can LISTEN.
 *
 *	Link fake-db.o before libprovisiond.la: it defines every function of
 *	db.h, so the linker never takes db.o from the archive (a duplicate
 *	symbol error says db.h grew and this file must follow).
 *	Thread-safe: the queue's workers may run statements too.
 */
#ifndef PVD_FAKE_DB_H
#define PVD_FAKE_DB_H

#include <stddef.h>
#include "db.h"

#define FAKE_MAX_ROWS 8

struct fake_answer {
	const char *name;		/* the statement's name */
	const char *cols;		/* "id,status,uid" */
	const char *rows[FAKE_MAX_ROWS];	/* "7|active|\\N" each */
	enum db_status status;		/* DB_OK, or the failure to answer */
	int always;			/* not used up: answers every call */
};

/* Answers by name: rows (one string each), no rows, a failure, rows for
 * every call. */
#define FAKE_ROWS(stmt, columns, ...) { .name = (stmt), .cols = (columns), .rows = { __VA_ARGS__ } }
#define FAKE_NONE(stmt, columns) { .name = (stmt), .cols = (columns) }
#define FAKE_FAIL(stmt, st) { .name = (stmt), .status = (st) }
#define FAKE_ALWAYS(stmt, columns, ...) { .name = (stmt), .cols = (columns), .rows = { __VA_ARGS__ }, .always = 1 }

struct fake_call {
	char *name;			/* the statement's name, or BEGIN, COMMIT, ROLLBACK */
	char *sql;
	int nparams;
	char **params;			/* NULL members are SQL NULL */
	int unscripted;			/* no answer was scripted for it */
	int failed;			/* it was answered a failure status */
};

/* Replaces the script (the answers are used in place: keep them alive)
 * and forgets what was recorded. */
void fake_db_script(const struct fake_answer *answers, size_t n);
/* Adds answers after the current script's (for the next part of a
 * scenario), keeping the record. */
void fake_db_append(const struct fake_answer *answers, size_t n);

int fake_db_ncalls(void);
/* A copy of call i that stays valid until the next fake_db_script(). */
const struct fake_call *fake_db_call(int i);
/* The index of the first call named name at or after index from, or -1. */
int fake_db_find(const char *name, int from);
int fake_db_count(const char *name);
/* Parameter i of call index call; NULL when it is SQL NULL, out of range,
 * or call is -1 (so fake_db_param(fake_db_find(...), 0) is safe). */
const char *fake_db_param(int call, int i);
/* Do the names appear in this order (other calls may come between)?
 * NULL-terminated; on failure *missing_r is the first not found. */
int fake_db_in_order(const char *const *names, const char **missing_r);
/* Answers of the script never used (with always, never used once). */
int fake_db_unused(void);
/* Prints the record to stderr, for a failing test. */
void fake_db_dump(void);
/* Waits until count calls named name were made (another thread makes
 * them); 0, or -1 after timeout_ms. */
int fake_db_wait(const char *name, int count, int timeout_ms);

#endif
