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

void metrics_setup(const char *const *route_names, const char *const *methods, int nroutes);
void metrics_record(int route_index, const char *method, int status, double seconds);
void metrics_render(struct buf *out);
void metrics_shutdown(void);

#endif
