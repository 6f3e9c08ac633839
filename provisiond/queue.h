/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	queue - the durable job queue of plugin operations, and its workers
 * DESCRIPTION
 *	Operations live in PostgreSQL (schema/sql/0003_queue.sql). A worker
 *	claims the oldest ready operation whose dependencies (plugin.X.after)
 *	are done, with FOR UPDATE SKIP LOCKED and a lease, runs it on its own
 *	plugin instance, and records the outcome, the change-log entry and,
 *	when it was the request's last operation, the workflow's next step, in
 *	one transaction. RETRY backs off exponentially (with jitter) up to
 *	queue_max_attempts, then the operation is dead and shown to TIM; a
 *	worker that dies leaves its lease to expire and the operation runs
 *	again, where the plugin answers NOOP. Several daemons can share one
 *	queue: SKIP LOCKED hands each operation to one worker at a time.
 *	Idle workers sleep on LISTEN pvd_queue, so new work starts at once.
 */
#ifndef PVD_QUEUE_H
#define PVD_QUEUE_H

#include <jansson.h>
#include "conf.h"
#include "db.h"

/* Inside the caller's transaction: one operation per plugin instance for
 * the request's next round. *round_r is that round. */
enum db_status queue_enqueue(long long request_id, const char *intent, json_t *person,
			     json_t *params, int *round_r, const char **error_r);

/* What the queue tells when an operation is done, inside the transaction
 * that records it (the request row locked): main.c wires the engine here,
 * so the queue knows nothing of requests or of what plugins generated. */
struct pvd_result;
struct queue_done {
	long long request_id;
	int round;
	int instance;			/* plugin instance; -1 when resolved by hand */
	json_t *person;			/* the identity record the operation had */
	const struct pvd_result *res;	/* NULL when resolved by hand */
};
typedef enum db_status queue_done_fn(const struct conf *c, const struct queue_done *d, const char **error_r);
void queue_on_done(queue_done_fn *fn);

int queue_start(const struct conf *c, const char **error_r);
void queue_stop(void);
/* The in-process counters into b (Prometheus text): claims, and the
 * outcomes and plugin latency of the operations this daemon finished. */
struct buf;
void queue_render_metrics(struct buf *b);
/* The queue's depth by instance and state: QUEUE_DEPTH_SQL is sent with
 * the scrape's other reads; its result (NULL when the database did not
 * answer: HELP and TYPE only) goes to queue_render_depth. */
extern const char QUEUE_DEPTH_SQL[];
void queue_render_depth(struct buf *b, PGresult *r);

/* TIM actions on a dead operation (retry, resolve with a note), and the
 * queue's state for GET /v1/queue. */
enum db_status queue_retry(long long op_id, const char *actor, const char *role, int *found_r, const char **error_r);
enum db_status queue_resolve(const struct conf *c, long long op_id, const char *actor, const char *role,
			     const char *note, int *found_r, const char **error_r);
/* The operations of request $1 (for a read sent with others), and their
 * JSON from its result. */
extern const char QUEUE_OF_REQUEST_SQL[];
json_t *queue_operations_json(PGresult *r);
enum db_status queue_status(json_t **out_r, const char **error_r);
enum db_status queue_operations_of(long long request_id, json_t **out_r, const char **error_r);

#endif
