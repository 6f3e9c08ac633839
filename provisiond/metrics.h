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

void metrics_setup(const char *const *route_names, const char *const *methods, int nroutes);
void metrics_record(int route_index, const char *method, int status, double seconds);
void metrics_render(struct buf *out);
void metrics_shutdown(void);

#endif
