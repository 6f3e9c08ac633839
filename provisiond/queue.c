/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	queue - durable operations and their workers (see queue.h)
 */
#include "config.h"
#include "queue.h"
#include "buf.h"
#include "changelog.h"
#include "crypto.h"
#include "directory.h"
#include "log.h"
#include "metrics.h"
#include "outbox.h"
#include "plugin_host.h"
#include "tpool.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TS(col) DB_UTC(col)

static atomic_ullong claims_found, claims_empty;	/* /metrics */

/* Outcomes and plugin latency of the operations this daemon finished, per
 * configured instance (an index of plugin_host.h; instances are fixed at
 * start, so the series are too). An instance past OP_STATS_MAX is not
 * counted: the configuration would have to name that many first. The
 * label is "plugin": "instance" is the one Prometheus gives each target. */
#define OP_STATS_MAX 64
#define OP_OUTCOMES (PVD_CONFIG + 1)
static const double op_bounds[] = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60 };
static pthread_mutex_t op_stats_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long long op_outcomes[OP_STATS_MAX][OP_OUTCOMES];
static struct metrics_hist op_latency[OP_STATS_MAX];

static void count_finished(int instance, enum pvd_status outcome, double seconds)
{
	if (instance < 0 || instance >= OP_STATS_MAX || (unsigned)outcome >= OP_OUTCOMES)
		return;
	pthread_mutex_lock(&op_stats_lock);
	op_outcomes[instance][outcome]++;
	metrics_hist_observe(&op_latency[instance], op_bounds, METRICS_NBOUNDS(op_bounds), seconds);
	pthread_mutex_unlock(&op_stats_lock);
}
static pthread_t *threads;
static int nthreads;
static atomic_int stopping;
static int wake_pipe[2] = { -1, -1 };

/* ---- enqueue ------------------------------------------------------------ */

enum db_status queue_enqueue(long long request_id, const char *intent, json_t *person,
			     json_t *params, int *round_r, const char **error_r)
{
	char rid[32], round[16];
	enum db_status st;
	snprintf(rid, sizeof(rid), "%lld", request_id);
	const char *p1[1] = { rid };
	PGresult *r = db_query("queue.round",
			       "UPDATE requests SET provisioning_round = provisioning_round + 1 "
			       "WHERE id = $1::bigint RETURNING provisioning_round", 1, p1, &st, error_r);
	if (r == NULL)
		return st;
	*round_r = atoi(PQgetvalue(r, 0, 0));
	snprintf(round, sizeof(round), "%d", *round_r);
	PQclear(r);

	char *person_s = json_dumps(person, JSON_COMPACT | JSON_SORT_KEYS);
	char *params_s = params ? json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	st = DB_OK;
	for (int i = 0; i < plugins_count() && st == DB_OK; i++) {
		const struct plugin_instance *pi = plugins_get(i);
		if (!plugins_takes(i, intent))
			continue;
		struct buf deps = BUF_INIT;
		buf_putc(&deps, '{');
		for (int a = 0; a < pi->nafter; a++) {
			/* instance names are [A-Za-z0-9_-]: no quoting needed in the array literal;
			 * a dependency that gets no operation of this intent is not waited for */
			int k = plugins_find(pi->after[a]);
			if (k >= 0 && !plugins_takes(k, intent))
				continue;
			buf_printf(&deps, "%s%s", deps.len > 1 ? "," : "", pi->after[a]);
		}
		buf_putc(&deps, '}');
		const char *params_v[7] = { rid, round, pi->name, intent, person_s, params_s, buf_str(&deps) };
		st = db_defer("queue.insert",
			     "INSERT INTO operations (request_id, round, instance, intent, person, params, depends_on) "
			     "VALUES ($1::bigint, $2::int, $3, $4, $5::jsonb, $6::jsonb, $7::text[])",
			     7, params_v, error_r);
		buf_free(&deps);
	}
	free(person_s);
	free(params_s);
	if (st == DB_OK)
		st = db_defer("queue.notify", "SELECT pg_notify('pvd_queue', '')", 0, NULL, error_r);
	return st;
}

/* ---- workers -------------------------------------------------------------- */

struct claimed {
	long long id, request_id;
	int round, attempts, instance;
	char intent[16];
	char instance_name[64];
	json_t *person, *params;
};

/* Claims the operation due first: 1, or 2 when another is ready too; 0
 * when none is, -1 on a failure. */
static int claim(const struct conf *c, const char *me, struct claimed *op, const char **error_r)
{
	char lease[16];
	enum db_status st;
	snprintf(lease, sizeof(lease), "%d", c->queue_lease_seconds);
	const char *params[2] = { me, lease };
	PGresult *r = db_query("queue.claim",
		"WITH c AS ("
		" SELECT o.id, o.next_at FROM operations o"
		" WHERE o.state = 'pending' AND o.next_at <= now()"
		"  AND NOT EXISTS (SELECT 1 FROM operations d WHERE d.request_id = o.request_id"
		"   AND d.round = o.round AND d.instance = ANY (o.depends_on) AND d.state <> 'done')"
		" ORDER BY o.next_at, o.id FOR UPDATE SKIP LOCKED LIMIT 2) "
		"UPDATE operations o SET state = 'running', attempts = o.attempts + 1, leased_by = $1,"
		" lease_until = now() + make_interval(secs => $2::int), updated_at = now() "
		"FROM (SELECT id FROM c ORDER BY next_at, id LIMIT 1) f WHERE o.id = f.id "
		"RETURNING o.id, o.request_id, o.round, o.instance, o.intent, o.person::text, o.params::text, o.attempts,"
		" (SELECT count(*) FROM c) > 1",
		2, params, &st, error_r);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		PQclear(r);
		atomic_fetch_add(&claims_empty, 1);
		return 0;
	}
	atomic_fetch_add(&claims_found, 1);
	memset(op, 0, sizeof(*op));
	op->id = atoll(PQgetvalue(r, 0, 0));
	op->request_id = atoll(PQgetvalue(r, 0, 1));
	op->round = atoi(PQgetvalue(r, 0, 2));
	snprintf(op->instance_name, sizeof(op->instance_name), "%s", PQgetvalue(r, 0, 3));
	op->instance = plugins_find(op->instance_name);
	snprintf(op->intent, sizeof(op->intent), "%s", PQgetvalue(r, 0, 4));
	op->person = json_loads(PQgetvalue(r, 0, 5), 0, NULL);
	op->params = PQgetisnull(r, 0, 6) ? NULL : json_loads(PQgetvalue(r, 0, 6), 0, NULL);
	op->attempts = atoi(PQgetvalue(r, 0, 7));
	int more = PQgetvalue(r, 0, 8)[0] == 't';
	PQclear(r);
	return more ? 2 : 1;
}

/* Operations whose worker died (lease expired) go back to pending. */
static void reap(void)
{
	const char *err = NULL;
	PGresult *r;
	enum db_status st;
	r = db_query("queue.reap",
		     "UPDATE operations SET state = 'pending', leased_by = NULL, lease_until = NULL, "
		     "next_at = now(), updated_at = now() WHERE state = 'running' AND lease_until < now() "
		     "RETURNING id, instance, leased_by", 0, NULL, &st, &err);
	if (r == NULL) {
		log_debug("%s", err ? err : "reap failed");
		return;
	}
	for (int i = 0; i < PQntuples(r); i++)
		log_warn("operation %s (%s): its worker's lease expired; queued again", PQgetvalue(r, i, 0),
			 PQgetvalue(r, i, 1));
	PQclear(r);
}

static int backoff_seconds(const struct conf *c, int attempts)
{
	long d = c->queue_backoff_base;
	for (int i = 1; i < attempts && d < c->queue_backoff_max; i++)
		d *= 2;
	if (d > c->queue_backoff_max)
		d = c->queue_backoff_max;
	unsigned char r = 0;
	crypto_random(&r, 1);
	return (int)(d + d * (r % 26) / 100);	/* up to 25% jitter so retries spread out */
}

static queue_done_fn *on_done;

void queue_on_done(queue_done_fn *fn)
{
	on_done = fn;
}

/* An operation is done: whoever main.c wired takes it from here. */
static enum db_status tell_done(const struct conf *c, const struct queue_done *d, const char **err)
{
	return on_done != NULL ? on_done(c, d, err) : DB_OK;
}

/* Records the outcome; advances the request when it was the last one. */
static void finish(const struct conf *c, const char *me, struct claimed *op, struct pvd_result *res,
		   double seconds)
{
	const char *err = NULL;
	char id[32], rid[32], delay[16];
	enum db_status st;
	const char *state, *outcome = pvd_status_name(res->status);
	int terminal = 1;

	snprintf(id, sizeof(id), "%lld", op->id);
	snprintf(rid, sizeof(rid), "%lld", op->request_id);
	switch (res->status) {
	case PVD_OK:
	case PVD_NOOP:
		state = "done";
		break;
	case PVD_NOTFOUND:
		/* nothing to disable is not a failure; anything else is */
		state = strcmp(op->intent, "disable") == 0 ? "done" : "dead";
		break;
	case PVD_RETRY:
		if (op->attempts >= c->queue_max_attempts) {
			state = "dead";
			char m[1024];
			snprintf(m, sizeof(m), "gave up after %d attempts: %.990s", op->attempts, res->message);
			memcpy(res->message, m, sizeof(res->message));
		} else {
			state = "pending";
			terminal = 0;
		}
		break;
	default:
		state = "dead";
		break;
	}
	snprintf(delay, sizeof(delay), "%d", terminal ? 0 : backoff_seconds(c, op->attempts));

	if ((st = db_begin(&err)) != DB_OK)
		goto fail;
	/* the request first (as every step that acts on it does), then the
	 * operation, in one statement: FOR UPDATE locks the rows of both */
	const char *p2[3] = { id, me, rid };
	PGresult *r = db_query("queue.lock_op",
			       "SELECT 1 FROM requests r JOIN operations o ON o.request_id = r.id "
			       "WHERE r.id = $3::bigint AND o.id = $1::bigint AND o.state = 'running' "
			       "AND o.leased_by = $2 FOR UPDATE", 3, p2, &st, &err);
	if (r == NULL)
		goto fail;
	int still_ours = PQntuples(r) == 1;
	PQclear(r);
	if (!still_ours) {
		/* our lease expired and the operation went to another worker;
		 * it will find the work done (NOOP) and record it */
		db_rollback();
		log_warn("operation %lld (%s): finished after its lease expired; leaving it to the next worker",
			 op->id, op->instance_name);
		return;
	}
	const char *p3[6] = { id, state, outcome, res->message[0] ? res->message : NULL,
			      res->object[0] ? res->object : NULL, delay };
	if ((st = db_defer("queue.finish",
			  "UPDATE operations SET state = $2, outcome = $3, message = $4, object = COALESCE($5, object), "
			  "leased_by = NULL, lease_until = NULL, next_at = now() + make_interval(secs => $6::int), "
			  "updated_at = now() WHERE id = $1::bigint", 6, p3, &err)) != DB_OK)
		goto fail;
	if (terminal) {
		const char *emp = json_string_value(json_object_get(op->person, "employee_number"));
		struct cl_entry e = { "system", "system", op->request_id, emp, op->instance_name, op->intent,
				      res->object[0] ? res->object : NULL, res->before, res->after,
				      strcmp(state, "done") == 0 ? outcome : "failed",
				      strcmp(state, "done") == 0 ? NULL : res->message };
		if ((st = changelog_append(&e, &err)) != DB_OK)
			goto fail;
	}
	if (strcmp(state, "done") == 0) {
		struct queue_done d = { op->request_id, op->round, op->instance, op->person, res };
		if ((st = tell_done(c, &d, &err)) != DB_OK)
			goto fail;
	}
	if ((st = db_defer("queue.notify", "SELECT pg_notify('pvd_queue', '')", 0, NULL, &err)) != DB_OK)
		goto fail;
	if ((st = db_commit(&err)) != DB_OK)
		goto fail;
	/* counted once recorded: an outcome lost with its commit runs again */
	count_finished(op->instance, res->status, seconds);
	if (strcmp(state, "pending") == 0)
		log_warn("operation %lld (%s %s of request %lld): %s; retry %d in %s s", op->id, op->instance_name,
			 op->intent, op->request_id, res->message, op->attempts + 1, delay);
	else if (strcmp(state, "dead") == 0)
		log_error("operation %lld (%s %s of request %lld) failed: %s: %s", op->id, op->instance_name,
			  op->intent, op->request_id, outcome, res->message);
	else
		log_info("operation %lld (%s %s of request %lld): %s %s", op->id, op->instance_name, op->intent,
			 op->request_id, outcome, res->object);
	return;
fail:
	db_rollback();
	/* the lease will expire and the operation run again: nothing is lost */
	log_error("recording operation %lld failed: %s", op->id, err ? err : "database error");
}

/* For the crash-recovery test only: PROVISIOND_TEST_CRASH_AFTER_APPLY=<instance>
 * kills the process after that instance's target was written and before
 * the outcome is committed -- the window the lease and NOOP exist for. */
static void crash_point(const char *instance)
{
	const char *want = getenv("PROVISIOND_TEST_CRASH_AFTER_APPLY");
	if (want != NULL && strcmp(want, instance) == 0) {
		log_warn("PROVISIOND_TEST_CRASH_AFTER_APPLY: dying after %s's write, before the commit", instance);
		raise(SIGKILL);
	}
}

struct worker_arg {
	int index;
};

static PGconn *listen_conn(void)
{
	const char *err = NULL;
	PGconn *lc = db_connect_new(&err);
	if (lc == NULL)
		return NULL;
	PGresult *r = PQexec(lc, "LISTEN pvd_queue");
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	if (!ok) {
		PQfinish(lc);
		return NULL;
	}
	return lc;
}

/* One connection LISTENs for the whole daemon, and each notification wakes
 * one idle worker, not all of them; a worker that found work wakes the next,
 * so a burst spreads over the workers while a lone operation costs at most
 * one empty claim. Workers look again each second anyway (a notification
 * lost while the listener reconnects, a retry coming due). */
static pthread_mutex_t wake_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake_cond;
static int wakeups;		/* owed to idle workers, at most nthreads */
static pthread_t listener;
static int listener_running;

static void wake_one(void)
{
	pthread_mutex_lock(&wake_lock);
	if (wakeups < nthreads) {
		wakeups++;
		pthread_cond_signal(&wake_cond);
	}
	pthread_mutex_unlock(&wake_lock);
}

/* Sleeps until woken, stopped, or timeout_ms. */
static void wait_for_work(int timeout_ms)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&wake_lock);
	while (wakeups == 0 && !atomic_load(&stopping))
		if (pthread_cond_timedwait(&wake_cond, &wake_lock, &until) == ETIMEDOUT)
			break;
	if (wakeups > 0)
		wakeups--;
	pthread_mutex_unlock(&wake_lock);
}

static void *listener_main(void *arg)
{
	PGconn *lc = NULL;
	(void)arg;
	while (!atomic_load(&stopping)) {
		struct pollfd pfd[2] = { { wake_pipe[0], POLLIN, 0 }, { -1, POLLIN, 0 } };
		if (lc == NULL)
			lc = listen_conn();	/* NULL: tried again after a second */
		if (lc != NULL)
			pfd[1].fd = PQsocket(lc);
		if (poll(pfd, 2, 1000) <= 0 || lc == NULL || !(pfd[1].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		if (PQconsumeInput(lc) == 0 || PQstatus(lc) != CONNECTION_OK) {
			PQfinish(lc);
			lc = NULL;
			continue;
		}
		PGnotify *nt;
		while ((nt = PQnotifies(lc)) != NULL) {
			PQfreemem(nt);
			wake_one();
		}
	}
	if (lc != NULL)
		PQfinish(lc);
	return NULL;
}

static void *worker_main(void *arg)
{
	struct worker_arg *wa = arg;
	char me[160], host[64] = "";
	gethostname(host, sizeof(host) - 1);
	snprintf(me, sizeof(me), "%s:%ld:w%d", host, (long)getpid(), wa->index);
	free(wa);
	time_t last_reap = 0;

	while (!atomic_load(&stopping)) {
		unsigned frame = t_push();	/* one turn: a claim, an operation, its messages */
		struct conf *c = conf_get();
		const char *err = NULL;
		struct claimed op;
		if (time(NULL) != last_reap) {
			reap();
			last_reap = time(NULL);
		}
		int got = claim(c, me, &op, &err);
		if (got < 0) {
			log_warn("queue: cannot claim work: %s", err ? err : "?");
			conf_put(&c);
			t_pop(frame);
			wait_for_work(1000);
			continue;
		}
		if (got == 0) {
			conf_put(&c);
			t_pop(frame);
			wait_for_work(1000);
			continue;
		}
		if (got == 2)
			wake_one();	/* another is ready: the next idle worker takes it */
		struct pvd_op pop = { op.id, op.request_id, op.intent, op.person, op.params, op.attempts, 0 };
		struct pvd_result res;
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (op.instance < 0) {
			memset(&res, 0, sizeof(res));
			res.status = PVD_RETRY;
			snprintf(res.message, sizeof(res.message), "plugin instance %s is not configured in this daemon",
				 op.instance_name);
		} else
			plugins_run(op.instance, &pop, &res);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		crash_point(op.instance_name);
		finish(c, me, &op, &res, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		plugins_secrets_clear();
		db_end_of_unit("queue worker");
		json_decref(res.before);
		json_decref(res.after);
		json_decref(op.person);
		json_decref(op.params);
		conf_put(&c);
		t_pop(frame);
	}
	plugins_thread_close();
	db_thread_close();
	dir_thread_close();
	return NULL;
}

int queue_start(const struct conf *c, const char **error_r)
{
	if (c->queue_workers == 0 || plugins_count() == 0)
		return 0;
	if (pipe(wake_pipe) < 0) {
		*error_r = t_printf("pipe() failed: %s", strerror(errno));
		return -1;
	}
	atomic_store(&stopping, 0);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&wake_cond, &ca);
	pthread_condattr_destroy(&ca);
	wakeups = 0;
	threads = xcalloc((size_t)c->queue_workers, sizeof(*threads));
	for (int i = 0; i < c->queue_workers; i++) {
		struct worker_arg *wa = xmalloc(sizeof(*wa));
		wa->index = i;
		if (pthread_create(&threads[i], NULL, worker_main, wa) != 0) {
			free(wa);
			*error_r = t_printf("pthread_create failed for queue worker %d", i);
			return -1;
		}
		nthreads++;
	}
	if (pthread_create(&listener, NULL, listener_main, NULL) != 0) {
		*error_r = t_printf("pthread_create failed for the queue's listener");
		return -1;
	}
	listener_running = 1;
	log_info("queue: %d worker(s) started", nthreads);
	return 0;
}

void queue_stop(void)
{
	if (nthreads == 0)
		return;
	pthread_mutex_lock(&wake_lock);	/* no worker between its check and its wait */
	atomic_store(&stopping, 1);
	pthread_cond_broadcast(&wake_cond);
	pthread_mutex_unlock(&wake_lock);
	if (write(wake_pipe[1], "x", 1) < 0)
		log_warn("queue: waking the listener failed: %s", strerror(errno));
	/* workers finish the operation in hand (it is recorded) and stop */
	for (int i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	if (listener_running)
		pthread_join(listener, NULL);
	listener_running = 0;
	pthread_cond_destroy(&wake_cond);
	free(threads);
	threads = NULL;
	nthreads = 0;
	close(wake_pipe[0]);
	close(wake_pipe[1]);
	wake_pipe[0] = wake_pipe[1] = -1;
	log_info("queue: workers stopped");
}

void queue_render_metrics(struct buf *b)
{
	buf_printf(b, "# HELP provisiond_queue_claims_total The workers' claims, by whether they found an operation.\n"
		      "# TYPE provisiond_queue_claims_total counter\n"
		      "provisiond_queue_claims_total{found=\"yes\"} %llu\nprovisiond_queue_claims_total{found=\"no\"} %llu\n",
		   atomic_load(&claims_found), atomic_load(&claims_empty));
	int n = plugins_count() < OP_STATS_MAX ? plugins_count() : OP_STATS_MAX;
	pthread_mutex_lock(&op_stats_lock);
	buf_puts(b, "# HELP provisiond_operations_total Operations this daemon's workers finished and recorded, "
		    "by plugin instance and outcome (retry: to be tried again, or given up after queue_max_attempts).\n"
		    "# TYPE provisiond_operations_total counter\n");
	for (int i = 0; i < n; i++)
		for (int o = 0; o < OP_OUTCOMES; o++)
			buf_printf(b, "provisiond_operations_total{plugin=\"%s\",outcome=\"%s\"} %llu\n",
				   plugins_get(i)->name, pvd_status_name((enum pvd_status)o), op_outcomes[i][o]);
	buf_puts(b, "# HELP provisiond_operation_duration_seconds Time a plugin took to run an operation, "
		    "by plugin instance.\n# TYPE provisiond_operation_duration_seconds histogram\n");
	for (int i = 0; i < n; i++) {
		char labels[96];
		snprintf(labels, sizeof(labels), "plugin=\"%s\"", plugins_get(i)->name);
		metrics_hist_render(b, "provisiond_operation_duration_seconds", labels, &op_latency[i], op_bounds,
				    METRICS_NBOUNDS(op_bounds));
	}
	pthread_mutex_unlock(&op_stats_lock);
}

/* The queue's depth for /metrics, read with the scrape's other statements:
 * pending, running and dead (not the abandoned ones a rollback cancelled)
 * operations per instance. */
const char QUEUE_DEPTH_SQL[] =
	"SELECT instance, state, count(*) FROM operations WHERE state IN ('pending', 'running') "
	"OR (state = 'dead' AND outcome IS DISTINCT FROM 'cancelled') GROUP BY instance, state";

void queue_render_depth(struct buf *b, PGresult *r)
{
	static const char *const states[] = { "pending", "running", "dead" };
	enum { NSTATES = 3 };
	buf_puts(b, "# HELP provisiond_queue_operations Operations in the queue by plugin instance and state "
		    "(dead: failed for good, waiting for TIM to retry or resolve them).\n"
		    "# TYPE provisiond_queue_operations gauge\n");
	if (r == NULL)
		return;		/* the database did not answer: no figures rather than false zeros */
	int n = plugins_count();
	long long other[NSTATES] = { 0 };
	long long *counts = xcalloc((size_t)n * NSTATES + 1, sizeof(*counts));
	for (int row = 0; row < PQntuples(r); row++) {
		int s, i = plugins_find(PQgetvalue(r, row, 0));
		for (s = 0; s < NSTATES && strcmp(states[s], PQgetvalue(r, row, 1)) != 0; s++)
			;
		if (s == NSTATES)
			continue;
		/* an instance no longer configured: summed under one label, never its own */
		long long *slot = i >= 0 ? &counts[i * NSTATES + s] : &other[s];
		*slot += atoll(PQgetvalue(r, row, 2));
	}
	for (int i = 0; i < n; i++)
		for (int s = 0; s < NSTATES; s++)
			buf_printf(b, "provisiond_queue_operations{plugin=\"%s\",state=\"%s\"} %lld\n",
				   plugins_get(i)->name, states[s], counts[i * NSTATES + s]);
	for (int s = 0; s < NSTATES; s++)
		if (other[s] > 0)
			buf_printf(b, "provisiond_queue_operations{plugin=\"(unconfigured)\",state=\"%s\"} %lld\n",
				   states[s], other[s]);
	free(counts);
}

/* ---- TIM's view and actions ------------------------------------------------ */

static json_t *ops_json(PGresult *r)
{
	json_t *a = json_array();
	for (int i = 0; i < PQntuples(r); i++) {
		json_t *o = json_object();
		for (int f = 0; f < PQnfields(r); f++) {
			const char *n = PQfname(r, f);
			if (PQgetisnull(r, i, f))
				json_object_set_new(o, n, json_null());
			else if (!strcmp(n, "id") || !strcmp(n, "request_id") || !strcmp(n, "round") || !strcmp(n, "attempts"))
				json_object_set_new(o, n, json_integer(atoll(PQgetvalue(r, i, f))));
			else
				json_object_set_new(o, n, json_string(PQgetvalue(r, i, f)));
		}
		json_array_append_new(a, o);
	}
	return a;
}

#define OP_COLS "id, request_id, round, instance, intent, state, attempts, outcome, message, object, " \
	TS("next_at") " AS next_at, " TS("updated_at") " AS updated_at"

const char QUEUE_OF_REQUEST_SQL[] = "SELECT " OP_COLS " FROM operations WHERE request_id = $1::bigint "
				   "ORDER BY round, id";

json_t *queue_operations_json(PGresult *r)
{
	return ops_json(r);
}

enum db_status queue_operations_of(long long request_id, json_t **out_r, const char **error_r)
{
	char rid[32];
	enum db_status st;
	snprintf(rid, sizeof(rid), "%lld", request_id);
	const char *p[1] = { rid };
	PGresult *r = db_query("queue.of_request", QUEUE_OF_REQUEST_SQL, 1, p, &st, error_r);
	if (r == NULL)
		return st;
	*out_r = ops_json(r);
	PQclear(r);
	return DB_OK;
}

enum db_status queue_status(json_t **out_r, const char **error_r)
{
	enum db_status st;
	PGresult *r = db_query("queue.depth",
		"SELECT count(*) FILTER (WHERE state = 'pending'), count(*) FILTER (WHERE state = 'running'), "
		"count(*) FILTER (WHERE state = 'dead' AND outcome IS DISTINCT FROM 'cancelled'), "
		TS("min(next_at) FILTER (WHERE state = 'pending' AND attempts > 0)") " FROM operations",
		0, NULL, &st, error_r);
	if (r == NULL)
		return st;
	json_t *out = json_pack("{s:I, s:I, s:I, s:o}", "pending", (json_int_t)atoll(PQgetvalue(r, 0, 0)),
				"running", (json_int_t)atoll(PQgetvalue(r, 0, 1)),
				"dead", (json_int_t)atoll(PQgetvalue(r, 0, 2)),
				"next_retry_at", PQgetisnull(r, 0, 3) ? json_null() : json_string(PQgetvalue(r, 0, 3)));
	PQclear(r);
	r = db_query("queue.failed", "SELECT " OP_COLS " FROM operations WHERE state = 'dead' "
		     "AND outcome IS DISTINCT FROM 'cancelled' ORDER BY id LIMIT 200",
		     0, NULL, &st, error_r);
	if (r == NULL) {
		json_decref(out);
		return st;
	}
	json_object_set_new(out, "failed", ops_json(r));
	PQclear(r);
	r = db_query("queue.retrying", "SELECT " OP_COLS " FROM operations WHERE state = 'pending' AND attempts > 0 "
		     "ORDER BY next_at LIMIT 200", 0, NULL, &st, error_r);
	if (r == NULL) {
		json_decref(out);
		return st;
	}
	json_object_set_new(out, "retrying", ops_json(r));
	PQclear(r);
	*out_r = out;
	return DB_OK;
}

enum db_status queue_retry(long long op_id, const char *actor, const char *role, int *found_r, const char **error_r)
{
	char id[32];
	enum db_status st;
	snprintf(id, sizeof(id), "%lld", op_id);
	*found_r = 0;
	if ((st = db_begin(error_r)) != DB_OK)
		return st;
	const char *p[1] = { id };
	PGresult *r = db_query("queue.retry",
			       "UPDATE operations SET state = 'pending', attempts = 0, next_at = now(), updated_at = now() "
			       "WHERE id = $1::bigint AND state = 'dead' AND outcome IS DISTINCT FROM 'cancelled' "
			       "RETURNING request_id, instance, intent, object, person->>'employee_number'",
			       1, p, &st, error_r);
	if (r == NULL)
		goto fail;
	if (PQntuples(r) == 1) {
		*found_r = 1;
		json_t *after = json_pack("{s:s}", "state", "pending");
		struct cl_entry e = { actor, role, atoll(PQgetvalue(r, 0, 0)), PQgetvalue(r, 0, 4),
				      PQgetvalue(r, 0, 1), "operation.retry",
				      PQgetisnull(r, 0, 3) ? NULL : PQgetvalue(r, 0, 3), NULL, after, "ok", NULL };
		st = changelog_append(&e, error_r);
		json_decref(after);
		log_info("operation %lld (%s %s of request %s) queued again by %s (%s)", op_id,
			 PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2), PQgetvalue(r, 0, 0), actor, role);
	}
	PQclear(r);
	if (st != DB_OK)
		goto fail;
	if ((st = db_defer("queue.notify", "SELECT pg_notify('pvd_queue', '')", 0, NULL, error_r)) != DB_OK)
		goto fail;
	return db_commit(error_r);
fail:
	db_rollback();
	return st;
}

enum db_status queue_resolve(const struct conf *c, long long op_id, const char *actor, const char *role,
			     const char *note, int *found_r, const char **error_r)
{
	char id[32];
	enum db_status st;
	snprintf(id, sizeof(id), "%lld", op_id);
	*found_r = 0;
	if ((st = db_begin(error_r)) != DB_OK)
		return st;
	const char *p[2] = { id, note };
	PGresult *r = db_query("queue.resolve_lock",
			       "SELECT o.request_id, o.round, o.instance, o.intent, o.object, o.person->>'employee_number' "
			       "FROM operations o JOIN requests q ON q.id = o.request_id "
			       "WHERE o.id = $1::bigint AND o.state = 'dead' AND o.outcome IS DISTINCT FROM 'cancelled' "
			       "FOR UPDATE OF q, o", 1, p, &st, error_r);
	if (r == NULL)
		goto fail;
	if (PQntuples(r) != 1) {
		PQclear(r);
		db_rollback();
		return DB_OK;
	}
	*found_r = 1;
	long long request_id = atoll(PQgetvalue(r, 0, 0));
	int round = atoi(PQgetvalue(r, 0, 1));
	char instance[64], intent[16], object[512], emp[64];
	snprintf(instance, sizeof(instance), "%s", PQgetvalue(r, 0, 2));
	snprintf(intent, sizeof(intent), "%s", PQgetvalue(r, 0, 3));
	snprintf(object, sizeof(object), "%s", PQgetvalue(r, 0, 4));
	snprintf(emp, sizeof(emp), "%s", PQgetvalue(r, 0, 5));
	PQclear(r);
	if ((st = db_exec("queue.resolve", "UPDATE operations SET state = 'done', outcome = 'resolved', message = $2, "
			  "updated_at = now() WHERE id = $1::bigint", 2, p, error_r)) != DB_OK)
		goto fail;
	json_t *after = json_pack("{s:s}", "resolved_by_hand", note);
	struct cl_entry e = { actor, role, request_id, emp, instance, intent, object[0] ? object : NULL, NULL, after,
			      "resolved", NULL };
	st = changelog_append(&e, error_r);
	json_decref(after);
	if (st != DB_OK)
		goto fail;
	struct queue_done d = { request_id, round, -1, NULL, NULL };
	if ((st = tell_done(c, &d, error_r)) != DB_OK)
		goto fail;
	return db_commit(error_r);
fail:
	db_rollback();
	return st;
}
