/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	metrics_scrape - the whole of GET /metrics
 * SYNOPSIS
 *	struct buf b = BUF_INIT;
 *	metrics_scrape(conf, &b);
 * DESCRIPTION
 *	Writes every family in Prometheus text: the in-process counters
 *	(metrics.c, queue.c, scheduler.c, sealer.c), the up gauges of the
 *	database, the directory and each plugin instance, and what the
 *	database holds: the queue's depth, the outbox's backlog, open
 *	requests by procedure and state, overdue exits. Those are read in
 *	one round trip (db_query_all). When the database does not answer,
 *	provisiond_database_up is 0, its families keep HELP and TYPE with no
 *	sample, and everything else is still there: a scrape never fails.
 *
 *	Labels are bounded: instances are the configured ones, procedures
 *	and states those of workflow.c, outcomes the plugin ABI's.
 */
#ifndef PVD_METRICS_SCRAPE_H
#define PVD_METRICS_SCRAPE_H

#include "buf.h"
#include "conf.h"

void metrics_scrape(const struct conf *c, struct buf *out);

#endif
