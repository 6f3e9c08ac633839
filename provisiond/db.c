/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	db - per-thread PostgreSQL connections (see db.h)
 */
#include "config.h"
#include "db.h"
#include "buf.h"
#include "log.h"
#include "tpool.h"

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static char *db_conninfo;
static pthread_key_t conn_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static _Thread_local int in_txn;
static atomic_ullong round_trips;

/* Statements of the open transaction whose answers nobody waits for
 * (BEGIN, change-log appends): sent with the next statement that is
 * waited for, or with COMMIT, in one pipeline — one round trip. */
struct deferred {
	const char *name, *sql;		/* static strings */
	int nparams;
	char **params;
};
static _Thread_local struct deferred *dq;
static _Thread_local int ndq, capdq;

static void dq_clear(void)
{
	for (int i = 0; i < ndq; i++) {
		for (int k = 0; k < dq[i].nparams; k++)
			free(dq[i].params[k]);
		free(dq[i].params);
	}
	ndq = 0;
	if (!in_txn) {
		free(dq);
		dq = NULL;
		capdq = 0;
	}
}

static void dq_push(const char *name, const char *sql, int nparams, const char *const *params)
{
	if (ndq == capdq) {
		capdq = capdq ? capdq * 2 : 16;
		dq = realloc(dq, (size_t)capdq * sizeof(*dq));
		if (dq == NULL)
			abort();
	}
	struct deferred *d = &dq[ndq++];
	d->name = name;
	d->sql = sql;
	d->nparams = nparams;
	d->params = nparams ? xcalloc((size_t)nparams, sizeof(char *)) : NULL;
	for (int k = 0; k < nparams; k++)
		d->params[k] = params[k] ? xstrdup(params[k]) : NULL;
}

unsigned long long db_round_trips(void)
{
	return atomic_load(&round_trips);
}

/* Sends the deferred statements, then the m statements sqls (each with
 * the same params), in one pipeline. Fills res[0..m-1] with their results
 * (NULL for one not sent); when a deferred statement failed, its result
 * goes to res[0] instead (the others cleared), with *name_r set to its name.
 * Returns 0, or -1 when the pipeline could not be used at all. */
static int exec_pipelined(PGconn *c, int m, const char *const *sqls, int nparams, const char *const *params,
			  PGresult **res, const char **name_r)
{
	PGresult *failed = NULL;
	int sent = 0, n = ndq + m;
	for (int k = 0; k < m; k++)
		res[k] = NULL;
	if (PQenterPipelineMode(c) != 1)
		return -1;
	for (int i = 0; i < n; i++) {
		const char *q = i < ndq ? dq[i].sql : sqls[i - ndq];
		int np = i < ndq ? dq[i].nparams : nparams;
		const char *const *pp = i < ndq ? (const char *const *)dq[i].params : params;
		if (PQsendQueryParams(c, q, np, NULL, pp, NULL, NULL, 0) != 1)
			break;
		sent++;
	}
	if (PQpipelineSync(c) != 1)
		sent = -1;
	for (int i = 0; i < sent; i++) {
		PGresult *r, *mine = NULL;
		while ((r = PQgetResult(c)) != NULL) {
			PQclear(mine);
			mine = r;
		}
		ExecStatusType st = PQresultStatus(mine);
		int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
		if (i < ndq) {
			if (!ok && failed == NULL && st != PGRES_PIPELINE_ABORTED) {
				failed = mine;
				*name_r = dq[i].name;
				mine = NULL;
			}
			PQclear(mine);
		} else
			res[i - ndq] = mine;
	}
	if (sent >= 0) {
		PGresult *r;
		while ((r = PQgetResult(c)) != NULL) {	/* the sync */
			int sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
			PQclear(r);
			if (sync)
				break;
		}
	}
	PQexitPipelineMode(c);
	dq_clear();
	if (failed != NULL) {
		for (int k = 0; k < m; k++) {
			PQclear(res[k]);
			res[k] = NULL;
		}
		res[0] = failed;
	}
	return 0;
}

static void conn_destroy(void *p)
{
	if (p != NULL)
		PQfinish(p);
}

static void make_key(void)
{
	pthread_key_create(&conn_key, conn_destroy);
}

void db_setup(const char *conninfo)
{
	pthread_once(&key_once, make_key);
	free(db_conninfo);
	db_conninfo = xstrdup(conninfo);
}

void db_shutdown(void)
{
	db_thread_close();
	free(db_conninfo);
	db_conninfo = NULL;
}

static char *trimmed(const char *msg)
{
	char *s = xstrdup(msg ? msg : "unknown error");
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	for (char *p = s; *p; p++)
		if (*p == '\n')
			*p = ' ';
	return s;
}

/* Server notices ("relation ... already exists, skipping") are chatter,
 * not problems: keep them out of stderr unless debugging. */
static void notice_to_log(void *arg, const char *msg)
{
	(void)arg;
	char *m = trimmed(msg);
	log_debug("PostgreSQL: %s", m);
	free(m);
}

PGconn *db_connect_new(const char **error_r)
{
	PGconn *c = PQconnectdb(db_conninfo ? db_conninfo : "");
	if (PQstatus(c) != CONNECTION_OK) {
		char *m = trimmed(PQerrorMessage(c));
		/* the message names host and port, never the password */
		*error_r = t_printf("connect to PostgreSQL failed: %s", m);
		free(m);
		PQfinish(c);
		return NULL;
	}
	PQsetNoticeProcessor(c, notice_to_log, NULL);
	return c;
}

static PGconn *thread_conn(const char **error_r)
{
	PGconn *c;
	pthread_once(&key_once, make_key);
	c = pthread_getspecific(conn_key);
	if (c != NULL && PQstatus(c) == CONNECTION_OK && !in_txn) {
		/* An idle connection has nothing to read unless the server said
		 * goodbye (restart, admin shutdown). Notice that now, before a
		 * statement is sent, so the statement can go to a new connection
		 * instead of failing. */
		struct pollfd pfd = { PQsocket(c), POLLIN, 0 };
		int dead = 0;
		if (poll(&pfd, 1, 0) > 0) {
			/* Something arrived on an idle connection: usually the
			 * server's "terminating connection". An empty query is a
			 * harmless probe that reads it and tells. */
			PGresult *probe = PQexec(c, "");
			dead = PQresultStatus(probe) != PGRES_EMPTY_QUERY || PQstatus(c) != CONNECTION_OK;
			PQclear(probe);
		}
		if (dead) {
			PQfinish(c);
			c = NULL;
			pthread_setspecific(conn_key, NULL);
			log_info("PostgreSQL closed an idle connection; reconnecting");
		}
	}
	if (c != NULL && PQstatus(c) == CONNECTION_OK)
		return c;
	if (in_txn) {
		/* never open a new connection in the middle of a transaction */
		*error_r = t_strdup("the PostgreSQL connection was lost during a transaction");
		return NULL;
	}
	if (c != NULL) {
		PQfinish(c);
		pthread_setspecific(conn_key, NULL);
		log_info("PostgreSQL connection was lost; reconnecting");
	}
	c = db_connect_new(error_r);
	if (c != NULL) {
		pthread_setspecific(conn_key, c);
		log_debug("PostgreSQL connection made");
	}
	return c;
}

void db_thread_close(void)
{
	PGconn *c;
	pthread_once(&key_once, make_key);
	c = pthread_getspecific(conn_key);
	if (c != NULL) {
		PQfinish(c);
		pthread_setspecific(conn_key, NULL);
	}
}

static PGresult *checked(PGconn *c, PGresult *r, const char *name, enum db_status *status_r,
			 const char **error_r);

PGresult *db_query(const char *name, const char *sql, int nparams,
		   const char *const *params, enum db_status *status_r, const char **error_r)
{
	const char *err = NULL;
	PGconn *c = thread_conn(&err);
	PGresult *r;

	if (c == NULL) {
		*status_r = DB_UNAVAILABLE;
		if (error_r)
			*error_r = err;
		return NULL;
	}
	atomic_fetch_add(&round_trips, 1);
	if (in_txn && ndq > 0) {
		const char *one[1] = { sql };
		if (exec_pipelined(c, 1, one, nparams, params, &r, &name) < 0)
			r = NULL;
	} else
		r = PQexecParams(c, sql, nparams, NULL, params, NULL, NULL, 0);
	if (PQstatus(c) != CONNECTION_OK && !in_txn && strncmp(sql, "SELECT", 6) == 0) {
		/* The connection died (PostgreSQL restarted while we were idle).
		 * A read is safe to send again on a new connection; a write is
		 * not (it may have committed), so only reads are retried. */
		PQclear(r);
		c = thread_conn(&err);
		if (c == NULL) {
			*status_r = DB_UNAVAILABLE;
			if (error_r)
				*error_r = err;
			return NULL;
		}
		atomic_fetch_add(&round_trips, 1);
		r = PQexecParams(c, sql, nparams, NULL, params, NULL, NULL, 0);
	}
	return checked(c, r, name, status_r, error_r);
}

/* r when it succeeded; else NULL with the status and the error named. */
static PGresult *checked(PGconn *c, PGresult *r, const char *name, enum db_status *status_r, const char **error_r)
{
	ExecStatusType st = PQresultStatus(r);
	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
		*status_r = DB_OK;
		return r;
	}
	const char *sqlstate = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	char *m = trimmed(r ? PQresultErrorMessage(r) : PQerrorMessage(c));
	if (PQstatus(c) != CONNECTION_OK)
		*status_r = DB_UNAVAILABLE;
	else if (sqlstate != NULL && strcmp(sqlstate, "23505") == 0)
		*status_r = DB_CONFLICT;
	else if (sqlstate != NULL && (strncmp(sqlstate, "08", 2) == 0 ||
				      strcmp(sqlstate, "57P01") == 0))
		*status_r = DB_UNAVAILABLE;	/* connection exception, admin shutdown */
	else
		*status_r = DB_ERROR;
	if (error_r)
		*error_r = t_printf("query %s failed: %s", name, m);
	free(m);
	PQclear(r);
	return NULL;
}

int db_query_all(int m, const char *const *names, const char *const *sqls, int nparams,
		 const char *const *params, PGresult **res, enum db_status *status_r, const char **error_r)
{
	const char *err = NULL;
	for (int attempt = 0; attempt < 2; attempt++) {
		PGconn *c = thread_conn(&err);
		if (c == NULL) {
			*status_r = DB_UNAVAILABLE;
			if (error_r)
				*error_r = err;
			return -1;
		}
		atomic_fetch_add(&round_trips, 1);
		const char *failed = NULL;
		if (exec_pipelined(c, m, sqls, nparams, params, res, &failed) < 0) {
			*status_r = DB_ERROR;
			if (error_r)
				*error_r = t_printf("query %s failed: %s", names[0], "the connection cannot pipeline");
			return -1;
		}
		if (PQstatus(c) != CONNECTION_OK && !in_txn && attempt == 0) {
			/* the connection died while idle: reads are safe to send again */
			for (int k = 0; k < m; k++)
				PQclear(res[k]);
			continue;
		}
		for (int k = 0; k < m; k++) {
			if (checked(c, res[k], failed != NULL ? failed : names[k], status_r, error_r) != NULL)
				continue;
			res[k] = NULL;	/* checked() cleared it */
			for (int o = 0; o < m; o++) {
				PQclear(res[o]);
				res[o] = NULL;
			}
			return -1;
		}
		*status_r = DB_OK;
		return 0;
	}
	return -1;
}

enum db_status db_exec(const char *name, const char *sql, int nparams,
		       const char *const *params, const char **error_r)
{
	enum db_status st;
	PGresult *r = db_query(name, sql, nparams, params, &st, error_r);
	PQclear(r);
	return st;
}

enum db_status db_defer(const char *name, const char *sql, int nparams, const char *const *params,
			const char **error_r)
{
	if (!in_txn)
		return db_exec(name, sql, nparams, params, error_r);
	dq_push(name, sql, nparams, params);
	return DB_OK;
}

enum db_status db_begin(const char **error_r)
{
	const char *err = NULL;
	if (in_txn) {
		*error_r = t_strdup("BEGIN inside a transaction");
		return DB_ERROR;
	}
	if (thread_conn(&err) == NULL) {	/* an outage shows here, as before */
		*error_r = err;
		return DB_UNAVAILABLE;
	}
	in_txn = 1;
	dq_push("BEGIN", "BEGIN", 0, NULL);	/* goes out with the first statement */
	return DB_OK;
}

enum db_status db_commit(const char **error_r)
{
	const char *err = NULL;
	PGconn *c;
	if (!in_txn) {
		*error_r = t_strdup("COMMIT without BEGIN");
		return DB_ERROR;
	}
	c = thread_conn(&err);
	if (c != NULL && ndq == 1 && PQtransactionStatus(c) == PQTRANS_IDLE) {
		/* nothing but the BEGIN: nothing to commit */
		in_txn = 0;
		dq_clear();
		return DB_OK;
	}
	if (c != NULL && ndq > 0 && PQtransactionStatus(c) != PQTRANS_INERROR) {
		/* the deferred statements and COMMIT in one round trip */
		enum db_status st = db_exec("COMMIT", "COMMIT", 0, NULL, error_r);
		in_txn = 0;
		dq_clear();
		if (PQstatus(c) == CONNECTION_OK && PQtransactionStatus(c) != PQTRANS_IDLE) {
			/* a deferred statement failed: COMMIT was skipped */
			PQclear(PQexec(c, "ROLLBACK"));
			if (st == DB_OK) {
				*error_r = t_strdup("the transaction was aborted before COMMIT");
				st = DB_ERROR;
			}
		}
		return st;
	}
	if (c == NULL || PQtransactionStatus(c) != PQTRANS_INTRANS) {
		in_txn = 0;
		dq_clear();
		*error_r = t_strdup("the transaction was lost or aborted before COMMIT");
		if (c != NULL)
			PQclear(PQexec(c, "ROLLBACK"));
		return c == NULL ? DB_UNAVAILABLE : DB_ERROR;
	}
	enum db_status st = db_exec("COMMIT", "COMMIT", 0, NULL, error_r);
	in_txn = 0;
	dq_clear();	/* frees the queue kept for the transaction */
	return st;
}

void db_rollback(void)
{
	PGconn *c;
	pthread_once(&key_once, make_key);
	c = pthread_getspecific(conn_key);
	in_txn = 0;
	dq_clear();
	if (c != NULL && PQstatus(c) == CONNECTION_OK && PQtransactionStatus(c) != PQTRANS_IDLE) {
		atomic_fetch_add(&round_trips, 1);
		PQclear(PQexec(c, "ROLLBACK"));
	}
}

int db_end_of_unit(const char *what)
{
	PGconn *c;
	pthread_once(&key_once, make_key);
	c = pthread_getspecific(conn_key);
	int open = in_txn || (c != NULL && PQstatus(c) == CONNECTION_OK && PQtransactionStatus(c) != PQTRANS_IDLE);
	if (!open)
		return 0;
	log_error("%s left a database transaction open; rolled back (a bug: please report it)", what);
	db_rollback();
	return 1;
}

int db_ping(const char **error_r)
{
	return db_exec("ping", "SELECT 1", 0, NULL, error_r) == DB_OK ? 0 : -1;
}
