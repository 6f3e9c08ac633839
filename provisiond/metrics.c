/*
 * NAME
 *	metrics - counters and histograms (see metrics.h)
 */
#include "config.h"
#include "metrics.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static const double bounds[] = { 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };
#define NBOUNDS (sizeof(bounds) / sizeof(bounds[0]))
static const char *const methods[] = { "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "OTHER" };
#define NMETHODS 8
#define MAX_SERIES 1024

struct series { int route, method, status; unsigned long count; };
struct hist { unsigned long buckets[NBOUNDS]; unsigned long count; double sum; };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static const char *const *names;
static const char *const *route_methods;
static int nnames;
static struct series series[MAX_SERIES];
static int nseries;
static struct hist *hists;	/* nnames + 1 (unmatched last) */

void metrics_setup(const char *const *route_names, const char *const *methods_of_routes, int nroutes)
{
	names = route_names;
	route_methods = methods_of_routes;
	nnames = nroutes;
	hists = calloc((size_t)nroutes + 1, sizeof(*hists));
}

void metrics_shutdown(void)
{
	free(hists);
	hists = NULL;
}

static int method_index(const char *m)
{
	for (int i = 0; i < NMETHODS - 1; i++)
		if (strcmp(m, methods[i]) == 0)
			return i;
	return NMETHODS - 1;
}

void metrics_record(int route, const char *method, int status, double seconds)
{
	int mi = method_index(method);
	if (route < 0 || route >= nnames)
		route = nnames;
	pthread_mutex_lock(&lock);
	int i;
	for (i = 0; i < nseries; i++)
		if (series[i].route == route && series[i].method == mi && series[i].status == status)
			break;
	if (i == nseries && nseries < MAX_SERIES)
		series[nseries++] = (struct series){ route, mi, status, 0 };
	if (i < nseries)
		series[i].count++;
	if (hists != NULL) {
		struct hist *h = &hists[route];
		for (size_t b = 0; b < NBOUNDS; b++)
			if (seconds <= bounds[b])
				h->buckets[b]++;
		h->count++;
		h->sum += seconds;
	}
	pthread_mutex_unlock(&lock);
}

/* family, label: one counter each */
static const struct { const char *family, *label; } events[ME_COUNT] = {
	[ME_AUTH_BAD_CREDENTIALS] = { "provisiond_auth_failures_total", "reason=\"bad_credentials\"" },
	[ME_AUTH_LOCKED] = { "provisiond_auth_failures_total", "reason=\"account_locked\"" },
	[ME_AUTH_BAD_TOKEN] = { "provisiond_auth_failures_total", "reason=\"bad_token\"" },
	[ME_AUTH_MALFORMED] = { "provisiond_auth_failures_total", "reason=\"malformed\"" },
	[ME_AUTH_THROTTLED] = { "provisiond_auth_throttled_total", NULL },
	[ME_HTTP_HEADER_TIMEOUT] = { "provisiond_http_connections_cut_total", "why=\"header_timeout\"" },
};
static const struct { const char *family, *help; } families[] = {
	{ "provisiond_auth_failures_total", "Failed sign-ins and token checks by reason." },
	{ "provisiond_auth_throttled_total", "Sign-ins answered 429 by throttling, without asking the directory." },
	{ "provisiond_http_connections_cut_total", "Connections closed for sending no whole request header in time." },
};
static atomic_ulong event_counts[ME_COUNT];

void metrics_event(enum metric_event e)
{
	if ((unsigned)e < ME_COUNT)
		atomic_fetch_add(&event_counts[e], 1);
}

static void render_events(struct buf *out)
{
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		buf_printf(out, "# HELP %s %s\n# TYPE %s counter\n", families[f].family, families[f].help,
			   families[f].family);
		for (int e = 0; e < ME_COUNT; e++)
			if (strcmp(events[e].family, families[f].family) == 0)
				buf_printf(out, "%s%s%s%s %lu\n", events[e].family, events[e].label ? "{" : "",
					   events[e].label ? events[e].label : "", events[e].label ? "}" : "",
					   atomic_load(&event_counts[e]));
	}
}

static const char *route_label(int r) { return r < nnames ? names[r] : "unmatched"; }

void metrics_render(struct buf *out)
{
	pthread_mutex_lock(&lock);
	buf_puts(out, "# HELP provisiond_up 1 while the daemon serves.\n# TYPE provisiond_up gauge\nprovisiond_up 1\n");
	buf_puts(out, "# HELP provisiond_http_requests_total HTTP requests by route, method and status.\n"
		      "# TYPE provisiond_http_requests_total counter\n");
	for (int i = 0; i < nseries; i++)
		buf_printf(out, "provisiond_http_requests_total{route=\"%s\",method=\"%s\",status=\"%d\"} %lu\n",
			   route_label(series[i].route), methods[series[i].method], series[i].status,
			   series[i].count);
	buf_puts(out, "# HELP provisiond_http_request_duration_seconds Time to answer a request.\n"
		      "# TYPE provisiond_http_request_duration_seconds histogram\n");
	for (int r = 0; hists != NULL && r <= nnames; r++) {
		struct hist *h = &hists[r];
		if (h->count == 0)
			continue;
		const char *m = r < nnames ? route_methods[r] : "ANY";
		for (size_t b = 0; b < NBOUNDS; b++)
			buf_printf(out, "provisiond_http_request_duration_seconds_bucket{route=\"%s\",method=\"%s\",le=\"%g\"} %lu\n",
				   route_label(r), m, bounds[b], h->buckets[b]);
		buf_printf(out, "provisiond_http_request_duration_seconds_bucket{route=\"%s\",method=\"%s\",le=\"+Inf\"} %lu\n",
			   route_label(r), m, h->count);
		buf_printf(out, "provisiond_http_request_duration_seconds_sum{route=\"%s\",method=\"%s\"} %.6f\n",
			   route_label(r), m, h->sum);
		buf_printf(out, "provisiond_http_request_duration_seconds_count{route=\"%s\",method=\"%s\"} %lu\n",
			   route_label(r), m, h->count);
	}
	pthread_mutex_unlock(&lock);
	render_events(out);
}
