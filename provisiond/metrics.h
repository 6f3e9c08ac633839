/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	metrics - request counters and latency histograms, Prometheus text
 * DESCRIPTION
 *	Labels are bounded: route is the pattern ("/v1/tokens/{name}") or
 *	"unmatched", method one of the known verbs or "OTHER". So a scanner
 *	trying random paths cannot grow the series without limit.
 */
#ifndef PVD_METRICS_H
#define PVD_METRICS_H

#include "buf.h"

/* Events counted for alerting: failed sign-ins by reason, sign-ins
 * refused by throttling, connections cut for sending headers too slowly. */
enum metric_event {
	ME_AUTH_BAD_CREDENTIALS,	/* wrong password or unknown login */
	ME_AUTH_LOCKED,			/* the directory's lockout (ppolicy) */
	ME_AUTH_BAD_TOKEN,		/* unknown or revoked bearer token */
	ME_AUTH_MALFORMED,		/* unreadable Authorization header */
	ME_AUTH_THROTTLED,		/* answered 429 without asking the directory */
	ME_HTTP_HEADER_TIMEOUT,		/* connection closed: no whole header in time */
	ME_COUNT
};
void metrics_event(enum metric_event e);

/* A histogram of one series: buckets counted per bound (cumulative when
 * rendered), and a sum. The caller keeps it under its own lock. */
#define METRICS_MAX_BOUNDS 16
#define METRICS_NBOUNDS(a) ((int)(sizeof(a) / sizeof((a)[0])))
struct metrics_hist {
	unsigned long long buckets[METRICS_MAX_BOUNDS];
	unsigned long long count;
	double sum;
};
void metrics_hist_observe(struct metrics_hist *h, const double *bounds, int nbounds, double value);
/* family_bucket/_sum/_count lines; labels ("a=\"b\"") go before le. */
void metrics_hist_render(struct buf *out, const char *family, const char *labels, const struct metrics_hist *h,
			 const double *bounds, int nbounds);

/* provisiond_build_info and the process_* families from /proc/self:
 * CPU seconds, resident and virtual memory, open and allowed file
 * descriptors, start time. A /proc file that cannot be read leaves its
 * families without a sample. */
void metrics_render_process(struct buf *out);
/* A gauge family of one sample: HELP and TYPE always, the sample only
 * when value is not NULL (unknown, e.g. the database is down: no sample
 * rather than a false zero). */
void metrics_gauge(struct buf *out, const char *name, const char *help, const char *value);

void metrics_setup(const char *const *route_names, const char *const *methods, int nroutes);
void metrics_record(int route_index, const char *method, int status, double seconds);
void metrics_render(struct buf *out);
void metrics_shutdown(void);

#endif
