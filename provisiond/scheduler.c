/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	scheduler - scheduled exits at their time (see scheduler.h)
 */
#include "config.h"
#include "scheduler.h"
#include "bgthread.h"
#include "buf.h"
#include "db.h"
#include "directory.h"
#include "log.h"
#include "metrics.h"
#include "plugin_host.h"
#include "contracts.h"
#include "procedures/exit.h"
#include "sessions.h"
#include "tpool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct bg_thread bg = BG_THREAD_INIT("scheduler");

/* /metrics: when the scheduler last had started every due exit (CLOCK_REALTIME
 * microseconds; 0 while it does not run), and how many it started */
static atomic_llong caught_up_us;
static atomic_ullong exits_started;

static long long now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return (long long)t.tv_sec * 1000000LL + t.tv_nsec / 1000;
}

/* The due exits a tick reads at a time, oldest first. */
#define DUE_BATCH 1000

/* Starts scheduled exit id in a transaction of its own; a reschedule,
 * cancel or another daemon's start that committed first wins (the row lock
 * and the state check in exit_start_scheduled). */
static void start_one(const struct conf *c, long long id)
{
	unsigned frame = t_push();
	const char *err = NULL;
	int started = 0;
	enum db_status st = db_begin(&err);
	if (st == DB_OK) {
		st = exit_start_scheduled(c, id, &started, &err);
		if (st == DB_OK)
			st = db_commit(&err);
		else
			db_rollback();
	}
	if (st != DB_OK)
		log_error("scheduler: starting exit request %lld failed: %s", id, err ? err : "?");
	else if (started) {
		atomic_fetch_add(&exits_started, 1);
		log_info("scheduler: exit request %lld started", id);
	}
	t_pop(frame);
}

struct batch {
	const struct conf *c;
	const long long *ids;
	int n;
	atomic_int next;
};

static void run_batch(struct batch *b)
{
	int i;
	while (!bg_stopping(&bg) && (i = atomic_fetch_add(&b->next, 1)) < b->n)
		start_one(b->c, b->ids[i]);
}

static void *batch_thread(void *arg)
{
	run_batch(arg);
	db_thread_close();
	dir_thread_close();
	plugins_thread_close();
	return NULL;
}

/* The ids of up to DUE_BATCH due exits (no lock: each start takes its own). */
static int due_batch(long long **ids_r)
{
	const char *err = NULL;
	enum db_status st;
	char lim[16];
	snprintf(lim, sizeof(lim), "%d", DUE_BATCH);
	const char *params[1] = { lim };
	PGresult *r = db_query("scheduler.due",
			       "SELECT id FROM requests WHERE type = 'exit' AND state = 'scheduled' "
			       "AND effective_at <= now() ORDER BY effective_at, id LIMIT $1::int",
			       1, params, &st, &err);
	if (r == NULL) {
		log_warn("scheduler: %s", err ? err : "query failed");
		return -1;
	}
	int n = PQntuples(r);
	*ids_r = n ? xcalloc((size_t)n, sizeof(**ids_r)) : NULL;
	for (int i = 0; i < n; i++)
		(*ids_r)[i] = atoll(PQgetvalue(r, i, 0));
	PQclear(r);
	return n;
}

/* Starts every due exit: read a batch at a time, started by up to
 * scheduler_threads threads at once (this one and helpers made for a batch
 * that is worth it), one transaction each. */
static void tick(const struct conf *c)
{
	long long began = now_us();
	for (int rounds = 0; rounds < 100 && !bg_stopping(&bg); rounds++) {
		long long *ids = NULL;
		int n = due_batch(&ids);
		if (n < 0)
			return;		/* the database did not answer: the lag grows */
		if (n == 0) {
			atomic_store(&caught_up_us, began);
			return;
		}
		struct batch b = { c, ids, n, 0 };
		int helpers = n >= 8 ? c->scheduler_threads - 1 : 0;
		pthread_t *tids = helpers > 0 ? xcalloc((size_t)helpers, sizeof(*tids)) : NULL;
		int made = 0;
		while (made < helpers && pthread_create(&tids[made], NULL, batch_thread, &b) == 0)
			made++;
		run_batch(&b);
		for (int i = 0; i < made; i++)
			pthread_join(tids[i], NULL);
		free(tids);
		free(ids);
		if (n < DUE_BATCH) {
			/* what was due when the tick began is started (or failed, and logged) */
			atomic_store(&caught_up_us, began);
			return;
		}
	}
}

/* Opens the automatic exits of consultants whose contracts ended. */
static void contract_tick(const struct conf *c)
{
	for (int n = 0; n < 1000 && !bg_stopping(&bg); n++) {
		const char *err = NULL;
		int created = 0;
		enum db_status st = db_begin(&err);
		if (st == DB_OK)
			st = contracts_end_exit(c, &created, &err);
		if (st == DB_OK && created)
			st = db_commit(&err);
		else
			db_rollback();
		if (st != DB_OK) {
			log_error("scheduler: contract end: %s", err ? err : "?");
			return;
		}
		if (!created)
			return;
	}
}

/* Ended console sessions are kept a day (who signed in from where, for an
 * incident), then removed; at most once a minute. */
static void session_tick(void)
{
	static struct timespec last;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (last.tv_sec != 0 && now.tv_sec - last.tv_sec < 60)
		return;
	last = now;
	const char *err = NULL;
	if (session_purge(&err) != DB_OK)
		log_warn("scheduler: removing ended console sessions: %s", err ? err : "?");
}

static void *scheduler_main(void *arg)
{
	(void)arg;
	while (!bg_stopping(&bg)) {
		unsigned frame = t_push();	/* one tick's messages */
		struct conf *c = conf_get();
		int interval = c->scheduler_interval_ms;
		tick(c);
		contract_tick(c);
		session_tick();
		db_end_of_unit("scheduler");
		conf_put(&c);
		t_pop(frame);
		bg_sleep(&bg, interval);
	}
	plugins_thread_close();
	db_thread_close();
	dir_thread_close();
	return NULL;
}

int scheduler_start(const struct conf *c, const char **error_r)
{
	if (c->scheduler_interval_ms == 0)
		return 0;	/* this daemon does not schedule (another one does) */
	atomic_store(&caught_up_us, now_us());
	if (bg_start(&bg, scheduler_main, error_r) < 0)
		return -1;
	log_info("scheduler: started (every %d ms)", c->scheduler_interval_ms);
	return 0;
}

void scheduler_stop(void)
{
	bg_stop(&bg);
	atomic_store(&caught_up_us, 0);
}

const char SCHEDULER_METRICS_SQL[] =
	"SELECT count(*), COALESCE(extract(epoch FROM now() - min(effective_at)), 0) FROM requests "
	"WHERE type = 'exit' AND state = 'scheduled' AND effective_at <= now()";

void scheduler_render_metrics(struct buf *b, PGresult *r)
{
	metrics_gauge(b, "provisiond_scheduler_overdue_exits",
		      "Scheduled exits whose time has passed and that no scheduler has started yet.",
		      r != NULL ? PQgetvalue(r, 0, 0) : NULL);
	metrics_gauge(b, "provisiond_scheduler_overdue_exit_max_seconds",
		      "How long past its time the most overdue scheduled exit is (0: none).",
		      r != NULL ? t_printf("%.3f", atof(PQgetvalue(r, 0, 1))) : NULL);
	long long caught_up = atomic_load(&caught_up_us);
	metrics_gauge(b, "provisiond_scheduler_lag_seconds",
		      "How long ago this daemon's scheduler last had started every exit then due "
		      "(no sample: this daemon does not schedule).",
		      caught_up > 0 ? t_printf("%.3f", (double)(now_us() - caught_up) / 1e6) : NULL);
	buf_printf(b, "# HELP provisiond_scheduler_exits_started_total Scheduled exits this daemon started.\n"
		      "# TYPE provisiond_scheduler_exits_started_total counter\n"
		      "provisiond_scheduler_exits_started_total %llu\n", atomic_load(&exits_started));
}
