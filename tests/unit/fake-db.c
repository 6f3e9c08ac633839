/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	fake-db - scripted answers in place of PostgreSQL (see fake-db.h)
 */
#include "config.h"
#include "fake-db.h"
#include "tpool.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_CALLS 4096		/* fixed: pointers to calls stay valid */
#define MAX_ANSWERS 256
#define MAX_COLS 32

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static struct fake_call calls[MAX_CALLS];
static int ncalls;
static const struct fake_answer *answers[MAX_ANSWERS];
static int used[MAX_ANSWERS];
static int nanswers;
static int in_txn;

static char *dup_or_null(const char *s)
{
	char *d;
	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		abort();
	return d;
}

static void forget(void)
{
	for (int i = 0; i < ncalls; i++) {
		free(calls[i].name);
		free(calls[i].sql);
		for (int k = 0; k < calls[i].nparams; k++)
			free(calls[i].params[k]);
		free(calls[i].params);
	}
	memset(calls, 0, sizeof(calls));
	ncalls = 0;
}

static void add_answers(const struct fake_answer *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (nanswers == MAX_ANSWERS) {
			fprintf(stderr, "fake-db: more than %d answers in one script\n", MAX_ANSWERS);
			abort();
		}
		used[nanswers] = 0;
		answers[nanswers++] = &a[i];
	}
}

void fake_db_script(const struct fake_answer *a, size_t n)
{
	pthread_mutex_lock(&lock);
	forget();
	nanswers = 0;
	in_txn = 0;
	add_answers(a, n);
	pthread_mutex_unlock(&lock);
}

void fake_db_append(const struct fake_answer *a, size_t n)
{
	pthread_mutex_lock(&lock);
	add_answers(a, n);
	pthread_mutex_unlock(&lock);
}

/* Under the lock. */
static struct fake_call *record(const char *name, const char *sql, int nparams, const char *const *params)
{
	if (ncalls == MAX_CALLS) {
		fprintf(stderr, "fake-db: more than %d statements\n", MAX_CALLS);
		abort();
	}
	struct fake_call *c = &calls[ncalls];
	c->name = dup_or_null(name);
	c->sql = dup_or_null(sql);
	c->nparams = nparams;
	c->params = nparams > 0 ? calloc((size_t)nparams, sizeof(char *)) : NULL;
	if (nparams > 0 && c->params == NULL)
		abort();
	for (int i = 0; i < nparams; i++)
		c->params[i] = dup_or_null(params[i]);
	ncalls++;	/* counted when complete: readers look below ncalls */
	pthread_cond_broadcast(&changed);
	return c;
}

/* Under the lock: the answer for name, used up unless always. */
static const struct fake_answer *take(const char *name)
{
	for (int i = 0; i < nanswers; i++)
		if (strcmp(answers[i]->name, name) == 0 && (!used[i] || answers[i]->always)) {
			used[i]++;
			return answers[i];
		}
	return NULL;
}

/* "a,b,c" or "a|b|c" into at most max parts (copies, in *buf). */
static int split(const char *s, char sep, char **parts, int max, char **buf)
{
	int n = 0;
	*buf = dup_or_null(s);
	for (char *p = *buf; p != NULL && n < max;) {
		parts[n++] = p;
		p = strchr(p, sep);
		if (p != NULL)
			*p++ = '\0';
	}
	return n;
}

static PGresult *make_result(const struct fake_answer *a)
{
	PGresult *r = PQmakeEmptyPGresult(NULL, a && a->cols ? PGRES_TUPLES_OK : PGRES_COMMAND_OK);
	if (r == NULL)
		abort();
	if (a == NULL || a->cols == NULL)
		return r;
	char *cols[MAX_COLS], *cbuf;
	int ncols = split(a->cols, ',', cols, MAX_COLS, &cbuf);
	PGresAttDesc desc[MAX_COLS];
	memset(desc, 0, sizeof(desc));
	for (int i = 0; i < ncols; i++) {
		desc[i].name = cols[i];
		desc[i].typid = 25;	/* text */
		desc[i].typlen = -1;
		desc[i].atttypmod = -1;
	}
	if (!PQsetResultAttrs(r, ncols, desc))
		abort();
	for (int row = 0; row < FAKE_MAX_ROWS && a->rows[row] != NULL; row++) {
		char *vals[MAX_COLS], *vbuf;
		int nvals = split(a->rows[row], '|', vals, MAX_COLS, &vbuf);
		if (nvals != ncols) {
			fprintf(stderr, "fake-db: answer %s: row %d has %d values for %d columns (%s)\n", a->name, row,
				nvals, ncols, a->cols);
			abort();
		}
		for (int f = 0; f < ncols; f++) {
			int null = strcmp(vals[f], "\\N") == 0;
			if (!PQsetvalue(r, row, f, null ? NULL : vals[f], null ? -1 : (int)strlen(vals[f])))
				abort();
		}
		free(vbuf);
	}
	free(cbuf);
	return r;
}

static void set_error(const char **error_r, const char *name, enum db_status st)
{
	if (error_r == NULL)
		return;
	char msg[256];
	snprintf(msg, sizeof(msg), "query %s failed: fake-db: scripted %s", name,
		 st == DB_CONFLICT ? "unique violation" : st == DB_UNAVAILABLE ? "lost connection" : "error");
	*error_r = t_strdup(msg);
}

PGresult *db_query(const char *name, const char *sql, int nparams, const char *const *params,
		   enum db_status *status_r, const char **error_r)
{
	pthread_mutex_lock(&lock);
	struct fake_call *c = record(name, sql, nparams, params);
	const struct fake_answer *a = take(name);
	c->unscripted = a == NULL;
	c->failed = a != NULL && a->status != DB_OK;
	pthread_mutex_unlock(&lock);
	if (a != NULL && a->status != DB_OK) {
		*status_r = a->status;
		set_error(error_r, name, a->status);
		return NULL;
	}
	*status_r = DB_OK;
	if (a == NULL) {
		/* no rows, no columns: what most statements may answer */
		PGresult *r = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
		if (r == NULL)
			abort();
		return r;
	}
	return make_result(a);
}

enum db_status db_exec(const char *name, const char *sql, int nparams, const char *const *params,
		       const char **error_r)
{
	enum db_status st;
	PGresult *r = db_query(name, sql, nparams, params, &st, error_r);
	PQclear(r);
	return r != NULL ? DB_OK : st;
}

/* The fake answers a deferred statement at once: the order of calls the
 * tests assert is the order the code issued them. */
enum db_status db_defer(const char *name, const char *sql, int nparams, const char *const *params,
			const char **error_r)
{
	return db_exec(name, sql, nparams, params, error_r);
}

/* The fake asks its script for each query in turn. */
int db_query_all(int m, const char *const *names, const char *const *sqls, int nparams,
		 const char *const *params, PGresult **res, enum db_status *status_r, const char **error_r)
{
	for (int k = 0; k < m; k++)
		res[k] = NULL;
	for (int k = 0; k < m; k++)
		if ((res[k] = db_query(names[k], sqls[k], nparams, params, status_r, error_r)) == NULL) {
			for (int o = 0; o < k; o++)
				PQclear(res[o]);
			return -1;
		}
	return 0;
}

unsigned long long db_round_trips(void) { return 0; }

static enum db_status txn_mark(const char *what, int open, const char **error_r)
{
	pthread_mutex_lock(&lock);
	record(what, what, 0, NULL);
	const struct fake_answer *a = take(what);
	enum db_status st = a != NULL ? a->status : DB_OK;
	calls[ncalls - 1].unscripted = a == NULL;
	calls[ncalls - 1].failed = st != DB_OK;
	if (st == DB_OK || !open)
		in_txn = open;
	pthread_mutex_unlock(&lock);
	if (st != DB_OK)
		set_error(error_r, what, st);
	return st;
}

enum db_status db_begin(const char **error_r) { return txn_mark("BEGIN", 1, error_r); }
enum db_status db_commit(const char **error_r) { return txn_mark("COMMIT", 0, error_r); }

void db_rollback(void)
{
	pthread_mutex_lock(&lock);
	int open = in_txn;
	pthread_mutex_unlock(&lock);
	if (open)
		txn_mark("ROLLBACK", 0, NULL);
}

int db_end_of_unit(const char *what)
{
	(void)what;
	pthread_mutex_lock(&lock);
	int open = in_txn;
	pthread_mutex_unlock(&lock);
	if (open)
		db_rollback();
	return open;
}

void db_setup(const char *conninfo) { (void)conninfo; }
void db_shutdown(void) {}
void db_thread_close(void) {}

int db_ping(const char **error_r)
{
	(void)error_r;
	return 0;
}

PGconn *db_connect_new(const char **error_r)
{
	if (error_r != NULL)
		*error_r = "fake-db: no connections";
	return NULL;
}

/* ---- what the tests read ---------------------------------------------------- */

int fake_db_ncalls(void)
{
	pthread_mutex_lock(&lock);
	int n = ncalls;
	pthread_mutex_unlock(&lock);
	return n;
}

const struct fake_call *fake_db_call(int i)
{
	return i >= 0 && i < fake_db_ncalls() ? &calls[i] : NULL;
}

int fake_db_find(const char *name, int from)
{
	int n = fake_db_ncalls();
	for (int i = from < 0 ? 0 : from; i < n; i++)
		if (strcmp(calls[i].name, name) == 0)
			return i;
	return -1;
}

int fake_db_count(const char *name)
{
	int k = 0;
	for (int i = fake_db_find(name, 0); i >= 0; i = fake_db_find(name, i + 1))
		k++;
	return k;
}

const char *fake_db_param(int call, int i)
{
	const struct fake_call *c = fake_db_call(call);
	return c != NULL && i >= 0 && i < c->nparams ? c->params[i] : NULL;
}

int fake_db_in_order(const char *const *names, const char **missing_r)
{
	int at = 0;
	for (; *names; names++) {
		int i = fake_db_find(*names, at);
		if (i < 0) {
			*missing_r = *names;
			return 0;
		}
		at = i + 1;
	}
	return 1;
}

int fake_db_unused(void)
{
	int n = 0;
	pthread_mutex_lock(&lock);
	for (int i = 0; i < nanswers; i++)
		if (!used[i]) {
			fprintf(stderr, "fake-db: answer %d (%s) was never used\n", i, answers[i]->name);
			n++;
		}
	pthread_mutex_unlock(&lock);
	return n;
}

void fake_db_dump(void)
{
	int n = fake_db_ncalls();
	for (int i = 0; i < n; i++) {
		fprintf(stderr, "  %3d %s%s", i, calls[i].name, calls[i].unscripted ? " (unscripted)" : "");
		for (int k = 0; k < calls[i].nparams; k++)
			fprintf(stderr, "%s$%d=%.60s", k ? " " : "  ", k + 1,
				calls[i].params[k] ? calls[i].params[k] : "NULL");
		fputc('\n', stderr);
	}
}

int fake_db_wait(const char *name, int count, int timeout_ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&lock);
	for (;;) {
		int k = 0;
		for (int i = 0; i < ncalls; i++)
			k += strcmp(calls[i].name, name) == 0;
		if (k >= count)
			break;
		if (pthread_cond_timedwait(&changed, &lock, &until) != 0) {
			pthread_mutex_unlock(&lock);
			return -1;
		}
	}
	pthread_mutex_unlock(&lock);
	return 0;
}
