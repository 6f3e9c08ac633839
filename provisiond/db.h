/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	db - PostgreSQL access: one connection per thread, parameterised only
 * SYNOPSIS
 *	db_setup(conninfo);
 *	PGresult *r = db_query("token.lookup", "SELECT ... WHERE h = $1", 1, params, &err);
 *	...PQclear(r);
 * DESCRIPTION
 *	There is no function that runs a string-built statement: every value
 *	goes through $n parameters. A thread's connection is made on first use
 *	and made again on the next use after PostgreSQL went away, so the
 *	daemon recovers from a database restart without help. A statement that
 *	fails because the connection broke is not resent (it may have run): the
 *	caller gets DB_UNAVAILABLE and answers 503.
 *
 *	Error messages look like
 *	"query token.lookup failed: ERROR: relation ... does not exist".
 */
#ifndef PVD_DB_H
#define PVD_DB_H

#include <libpq-fe.h>

enum db_status { DB_OK = 0, DB_UNAVAILABLE = -1, DB_ERROR = -2, DB_CONFLICT = -3 };

/* A timestamptz column in SQL as the API writes times: RFC 3339, UTC. */
#define DB_UTC(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

void db_setup(const char *conninfo);	/* copies; call before threads start */
void db_shutdown(void);			/* frees the copy */

/* Runs one statement. Returns the result (TUPLES_OK or COMMAND_OK), or NULL
 * with *status_r (DB_UNAVAILABLE, DB_CONFLICT on unique violation,
 * DB_ERROR otherwise) and *error_r set (tpool.h: nothing to free). error_r
 * may be NULL when the reason is not wanted. */
PGresult *db_query(const char *name, const char *sql, int nparams,
		   const char *const *params, enum db_status *status_r, const char **error_r);
/* Like db_query for statements whose rows are not needed. */
/* m queries sharing params, sent together in one round trip (with the
 * deferred statements first): 0 with res[0..m-1] to PQclear, or -1 with
 * the status and the error naming the statement that failed. */
int db_query_all(int m, const char *const *names, const char *const *sqls, int nparams,
		 const char *const *params, PGresult **res, enum db_status *status_r, const char **error_r);
enum db_status db_exec(const char *name, const char *sql, int nparams,
		       const char *const *params, const char **error_r);

/* For a statement inside a transaction whose rows and outcome nobody
 * waits for (a change-log append): it is sent with the transaction's next
 * statement, or with its COMMIT, in one pipeline. A failure then fails
 * that statement (named after the deferred one) or the COMMIT, and the
 * transaction with it. Outside a transaction it runs at once. */
enum db_status db_defer(const char *name, const char *sql, int nparams, const char *const *params,
			const char **error_r);

/* Statements sent to PostgreSQL by this process so far, a pipeline
 * counting once: what the benches divide by the work done. */
unsigned long long db_round_trips(void);

/* Transactions on this thread's connection. BEGIN goes out with the first
 * statement after it. While one is open no
 * statement is retried on a new connection (it would run outside the
 * transaction), and db_commit refuses when the transaction was lost. */
enum db_status db_begin(const char **error_r);
enum db_status db_commit(const char **error_r);
void db_rollback(void);			/* safe to call when none is open */

/* A safety net run after every request and job: a transaction left open
 * by a code path that forgot to end it is rolled back (and logged) so it
 * cannot swallow the next request's writes. 1 when one was found. */
int db_end_of_unit(const char *what);

int db_ping(const char **error_r);	/* SELECT 1 on this thread's connection */
void db_thread_close(void);		/* close this thread's connection */

/* A fresh connection not tied to a thread (migrations, tools). */
PGconn *db_connect_new(const char **error_r);

#endif
