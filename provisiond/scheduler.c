/*
 * NAME
 *	scheduler - scheduled exits at their time (see scheduler.h)
 */
#include "config.h"
#include "scheduler.h"
#include "buf.h"
#include "db.h"
#include "directory.h"
#include "log.h"
#include "plugin_host.h"
#include "requests.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_t thread;
static int running;
static atomic_int stopping;
static int wake[2] = { -1, -1 };

/* Starts every due exit, one transaction each. */
static void tick(const struct conf *c)
{
	for (int n = 0; n < 1000 && !atomic_load(&stopping); n++) {
		char *err = NULL;
		enum db_status st;
		if ((st = db_begin(&err)) != DB_OK) {
			log_warn("scheduler: %s", err ? err : "cannot begin");
			free(err);
			return;
		}
		PGresult *r = db_query("scheduler.due",
				       "SELECT id FROM requests WHERE type = 'exit' AND state = 'scheduled' "
				       "AND effective_at <= now() ORDER BY effective_at, id LIMIT 1 FOR UPDATE SKIP LOCKED",
				       0, NULL, &st, &err);
		if (r == NULL || PQntuples(r) == 0) {
			if (r == NULL) {
				log_warn("scheduler: %s", err ? err : "query failed");
				free(err);
			}
			PQclear(r);
			db_rollback();
			return;
		}
		long long id = atoll(PQgetvalue(r, 0, 0));
		PQclear(r);
		int started = 0;
		st = requests_start_scheduled(c, id, &started, &err);
		if (st == DB_OK)
			st = db_commit(&err);
		else
			db_rollback();
		if (st != DB_OK) {
			log_error("scheduler: starting exit request %lld failed: %s", id, err ? err : "?");
			free(err);
			return;
		}
		if (started)
			log_info("scheduler: exit request %lld started", id);
	}
}

/* Opens the automatic exits of consultants whose contracts ended. */
static void contract_tick(const struct conf *c)
{
	for (int n = 0; n < 1000 && !atomic_load(&stopping); n++) {
		char *err = NULL;
		int created = 0;
		enum db_status st = db_begin(&err);
		if (st == DB_OK)
			st = requests_contract_end_exit(c, &created, &err);
		if (st == DB_OK && created)
			st = db_commit(&err);
		else
			db_rollback();
		if (st != DB_OK) {
			log_error("scheduler: contract end: %s", err ? err : "?");
			free(err);
			return;
		}
		if (!created)
			return;
	}
}

static void *scheduler_main(void *arg)
{
	(void)arg;
	while (!atomic_load(&stopping)) {
		struct conf *c = conf_get();
		int interval = c->scheduler_interval_ms;
		tick(c);
		contract_tick(c);
		db_end_of_unit("scheduler");
		conf_put(&c);
		struct pollfd pfd = { wake[0], POLLIN, 0 };
		poll(&pfd, 1, interval);
	}
	plugins_thread_close();
	db_thread_close();
	dir_thread_close();
	return NULL;
}

int scheduler_start(const struct conf *c, char **error_r)
{
	if (c->scheduler_interval_ms == 0)
		return 0;	/* this daemon does not schedule (another one does) */
	if (pipe(wake) < 0) {
		*error_r = xasprintf("pipe() failed: %s", strerror(errno));
		return -1;
	}
	atomic_store(&stopping, 0);
	if (pthread_create(&thread, NULL, scheduler_main, NULL) != 0) {
		*error_r = xstrdup("pthread_create failed for the scheduler");
		return -1;
	}
	running = 1;
	log_info("scheduler: started (every %d ms)", c->scheduler_interval_ms);
	return 0;
}

void scheduler_stop(void)
{
	if (!running)
		return;
	atomic_store(&stopping, 1);
	if (write(wake[1], "x", 1) < 0)
		log_warn("scheduler: waking failed: %s", strerror(errno));
	pthread_join(thread, NULL);
	close(wake[0]);
	close(wake[1]);
	wake[0] = wake[1] = -1;
	running = 0;
}
