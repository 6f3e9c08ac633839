/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	scheduler - runs scheduled exits at their effective time
 * DESCRIPTION
 *	One thread per daemon looks every scheduler_interval_ms for exits in
 *	state scheduled whose effective_at has come, reads up to 1,000 of them,
 *	and starts each (scheduled -> disabling, actor system) in a transaction
 *	of its own, with up to scheduler_threads threads for a large batch. The
 *	row lock and the state check in each make it exactly-once with several
 *	daemons on one database, and let a reschedule or cancel that commits
 *	first win. At start the first look
 *	is immediate, so an exit that came due while no daemon ran starts at
 *	once, with the delay written in its step's note. The same thread opens
 *	the automatic exit of each active consultant whose contract end date
 *	has passed with no extension (actor system), exactly once likewise.
 */
#ifndef PVD_SCHEDULER_H
#define PVD_SCHEDULER_H

#include "conf.h"
#include "db.h"

int scheduler_start(const struct conf *c, const char **error_r);
void scheduler_stop(void);

/* For /metrics: SCHEDULER_METRICS_SQL (the scheduled exits whose time has
 * passed) goes with the scrape's other reads; scheduler_render_metrics
 * writes them from its result (NULL when the database did not answer),
 * with this daemon's lag and the exits it started. */
struct buf;
extern const char SCHEDULER_METRICS_SQL[];
void scheduler_render_metrics(struct buf *b, PGresult *r);

#endif
