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
#include "plugin_host.h"
#include "contracts.h"
#include "procedures/exit.h"
#include "sessions.h"
#include "tpool.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct bg_thread bg = BG_THREAD_INIT("scheduler");

/* Starts every due exit, one transaction each. */
static void tick(const struct conf *c)
{
	for (int n = 0; n < 1000 && !bg_stopping(&bg); n++) {
		const char *err = NULL;
		enum db_status st;
		if ((st = db_begin(&err)) != DB_OK) {
			log_warn("scheduler: %s", err ? err : "cannot begin");
			return;
		}
		PGresult *r = db_query("scheduler.due",
				       "SELECT id FROM requests WHERE type = 'exit' AND state = 'scheduled' "
				       "AND effective_at <= now() ORDER BY effective_at, id LIMIT 1 FOR UPDATE SKIP LOCKED",
				       0, NULL, &st, &err);
		if (r == NULL || PQntuples(r) == 0) {
			if (r == NULL)
				log_warn("scheduler: %s", err ? err : "query failed");
			PQclear(r);
			db_rollback();
			return;
		}
		long long id = atoll(PQgetvalue(r, 0, 0));
		PQclear(r);
		int started = 0;
		st = exit_start_scheduled(c, id, &started, &err);
		if (st == DB_OK)
			st = db_commit(&err);
		else
			db_rollback();
		if (st != DB_OK) {
			log_error("scheduler: starting exit request %lld failed: %s", id, err ? err : "?");
			return;
		}
		if (started)
			log_info("scheduler: exit request %lld started", id);
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
	if (bg_start(&bg, scheduler_main, error_r) < 0)
		return -1;
	log_info("scheduler: started (every %d ms)", c->scheduler_interval_ms);
	return 0;
}

void scheduler_stop(void)
{
	bg_stop(&bg);
}
