/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	metrics_scrape - the whole of GET /metrics (see metrics_scrape.h)
 */
#include "config.h"
#include "metrics_scrape.h"
#include "db.h"
#include "directory.h"
#include "log.h"
#include "metrics.h"
#include "outbox.h"
#include "plugin_host.h"
#include "queue.h"
#include "scheduler.h"
#include "sealer.h"
#include "workflow.h"

#include <stdlib.h>
#include <string.h>

/* how long a plugin check() result is reused, as /v1/health does: every
 * check is a round trip to the plugin's target */
#define SCRAPE_PLUGIN_CHECK_MS 5000

/* Open requests by procedure and state, with how long the one waiting
 * longest has been in that state: since its last step into it (the
 * filing's step for a request still submitted). The WHERE is the partial
 * index requests_one_open's, so only open rows are read. */
static const char OPEN_REQUESTS_SQL[] =
	"SELECT r.type, r.state, count(*), "
	"extract(epoch FROM now() - min(COALESCE(s.at, r.created_at))) "
	"FROM requests r LEFT JOIN LATERAL (SELECT at FROM request_steps "
	" WHERE request_id = r.id AND to_state = r.state ORDER BY id DESC LIMIT 1) s ON true "
	"WHERE r.state NOT IN ('closed', 'cancelled', 'rejected') GROUP BY r.type, r.state";

static void render_open_requests(struct buf *b, PGresult *r)
{
	long long count[WF_TYPE_COUNT][WS_COUNT] = { { 0 } };
	double oldest[WF_TYPE_COUNT][WS_COUNT] = { { 0 } };
	for (int row = 0; r != NULL && row < PQntuples(r); row++) {
		enum wf_type t;
		const struct wf_state *s;
		/* a type or state the tables do not know gets no series of its own */
		if (wf_type_parse(PQgetvalue(r, row, 0), &t) < 0 || (s = wf_state_find(t, PQgetvalue(r, row, 1))) == NULL)
			continue;
		count[t][s->id] = atoll(PQgetvalue(r, row, 2));
		oldest[t][s->id] = atof(PQgetvalue(r, row, 3));
	}
	buf_puts(b, "# HELP provisiond_requests_open Open requests by procedure and state.\n"
		    "# TYPE provisiond_requests_open gauge\n");
	for (int t = 0; r != NULL && t < WF_TYPE_COUNT; t++)
		for (int s = 0; s < WS_COUNT; s++) {
			const struct wf_state *st = wf_state_of((enum wf_type)t, (enum wf_state_id)s);
			if (st != NULL && st->open)
				buf_printf(b, "provisiond_requests_open{procedure=\"%s\",state=\"%s\"} %lld\n",
					   wf_type_name((enum wf_type)t), wf_state_name((enum wf_state_id)s), count[t][s]);
		}
	buf_puts(b, "# HELP provisiond_requests_oldest_age_seconds How long the open request waiting longest in a "
		    "state has been in it, by procedure and state (no sample: none is there).\n"
		    "# TYPE provisiond_requests_oldest_age_seconds gauge\n");
	for (int t = 0; r != NULL && t < WF_TYPE_COUNT; t++)
		for (int s = 0; s < WS_COUNT; s++)
			if (count[t][s] > 0)
				buf_printf(b, "provisiond_requests_oldest_age_seconds{procedure=\"%s\",state=\"%s\"} %.3f\n",
					   wf_type_name((enum wf_type)t), wf_state_name((enum wf_state_id)s),
					   oldest[t][s]);
}

/* The directory and each plugin instance: 1 up, 0 down or broken. */
static void render_targets_up(const struct conf *c, struct buf *b)
{
	const char *err = NULL;
	int dir_up = dir_ping(c, &err) == 0;
	if (!dir_up)
		log_debug("metrics: directory down: %s", err ? err : "?");
	buf_printf(b, "# HELP provisiond_directory_up 1 when the directory answered this scrape.\n"
		      "# TYPE provisiond_directory_up gauge\nprovisiond_directory_up %d\n", dir_up);
	buf_puts(b, "# HELP provisiond_plugin_up 1 when the plugin instance is loaded and its target answers "
		    "its check (reused for 5 s).\n# TYPE provisiond_plugin_up gauge\n");
	for (int i = 0; i < plugins_count(); i++) {
		const struct plugin_instance *pi = plugins_get(i);
		const char *msg = NULL;
		int up = pi->plugin != NULL && plugins_check_cached(i, SCRAPE_PLUGIN_CHECK_MS, &msg) == PVD_OK;
		buf_printf(b, "provisiond_plugin_up{plugin=\"%s\"} %d\n", pi->name, up);
	}
}

void metrics_scrape(const struct conf *c, struct buf *b)
{
	enum { Q_QUEUE, Q_OUTBOX, Q_REQUESTS, Q_EXITS, NQ };
	static const char *const names[NQ] = { "metrics.queue", "metrics.outbox", "metrics.requests",
					       "metrics.exits" };
	const char *sqls[NQ] = { QUEUE_DEPTH_SQL, OUTBOX_METRICS_SQL, OPEN_REQUESTS_SQL, SCHEDULER_METRICS_SQL };
	PGresult *res[NQ] = { NULL };
	enum db_status st;
	const char *err = NULL;

	/* one round trip; a failure leaves every res NULL */
	int db_up = db_query_all(NQ, names, sqls, 0, NULL, res, &st, &err) == 0;
	if (!db_up)
		log_warn("metrics: the database's figures are left out: %s", err ? err : "no answer");

	metrics_render(b);
	metrics_render_process(b);
	buf_printf(b, "# HELP provisiond_database_up 1 when PostgreSQL answered this scrape's reads.\n"
		      "# TYPE provisiond_database_up gauge\nprovisiond_database_up %d\n", db_up);
	render_targets_up(c, b);
	queue_render_metrics(b);
	queue_render_depth(b, res[Q_QUEUE]);
	outbox_render_metrics(b, res[Q_OUTBOX]);
	render_open_requests(b, res[Q_REQUESTS]);
	scheduler_render_metrics(b, res[Q_EXITS]);
	sealer_render_metrics(b);
	buf_printf(b, "# HELP provisiond_db_round_trips_total Statements (a pipeline counting once) sent to PostgreSQL "
		      "on the threads' connections.\n# TYPE provisiond_db_round_trips_total counter\n"
		      "provisiond_db_round_trips_total %llu\n", db_round_trips());
	for (int q = 0; q < NQ; q++)
		PQclear(res[q]);
}
