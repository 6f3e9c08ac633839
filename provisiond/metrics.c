/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	metrics - counters and histograms (see metrics.h)
 */
#include "config.h"
#include "metrics.h"

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

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

void metrics_hist_observe(struct metrics_hist *h, const double *b, int nbounds, double value)
{
	for (int i = 0; i < nbounds && i < METRICS_MAX_BOUNDS; i++)
		if (value <= b[i])
			h->buckets[i]++;
	h->count++;
	h->sum += value;
}

void metrics_hist_render(struct buf *out, const char *family, const char *labels, const struct metrics_hist *h,
			 const double *b, int nbounds)
{
	const char *sep = labels[0] ? "," : "";
	for (int i = 0; i < nbounds && i < METRICS_MAX_BOUNDS; i++)
		buf_printf(out, "%s_bucket{%s%sle=\"%g\"} %llu\n", family, labels, sep, b[i], h->buckets[i]);
	buf_printf(out, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", family, labels, sep, h->count);
	buf_printf(out, "%s_sum{%s} %.6f\n%s_count{%s} %llu\n", family, labels, h->sum, family, labels, h->count);
}

/* ---- the process, from /proc/self (the names client libraries use) ---- */

/* Fields 14 (utime), 15 (stime), 22 (starttime, ticks after boot) and 23
 * (vsize) of /proc/self/stat; 0 or -1. The command name (field 2) may hold
 * spaces and parentheses, so fields are counted after its last ')'. */
static int proc_stat(unsigned long long *utime, unsigned long long *stime, unsigned long long *start,
		     unsigned long long *vsize)
{
	char line[1024];
	FILE *f = fopen("/proc/self/stat", "r");
	if (f == NULL)
		return -1;
	size_t n = fread(line, 1, sizeof(line) - 1, f);
	fclose(f);
	line[n] = '\0';
	char *p = strrchr(line, ')');
	if (p == NULL)
		return -1;
	/* after ')': field 3 (state) is the first */
	unsigned long long v[24] = { 0 };
	int field = 3;
	char *save = NULL;	/* strtok_r: scrapes run on several HTTP threads */
	for (char *tok = strtok_r(p + 1, " ", &save); tok != NULL && field <= 23;
	     tok = strtok_r(NULL, " ", &save), field++)
		v[field] = strtoull(tok, NULL, 10);
	if (field <= 23)
		return -1;
	*utime = v[14], *stime = v[15], *start = v[22], *vsize = v[23];
	return 0;
}

/* The kernel's boot time (btime of /proc/stat), or 0. */
static long long boot_time(void)
{
	char line[256];
	long long bt = 0;
	FILE *f = fopen("/proc/stat", "r");
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "btime %lld", &bt) == 1)
			break;
	fclose(f);
	return bt;
}

static long long open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (d == NULL)
		return -1;
	long long n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* not the one opendir holds */
}

static long long resident_bytes(void)
{
	unsigned long long size, rss;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f == NULL)
		return -1;
	int got = fscanf(f, "%llu %llu", &size, &rss);
	fclose(f);
	return got == 2 ? (long long)rss * sysconf(_SC_PAGESIZE) : -1;
}

void metrics_gauge(struct buf *out, const char *name, const char *help, const char *value)
{
	buf_printf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
	if (value != NULL)
		buf_printf(out, "%s %s\n", name, value);
}

void metrics_render_process(struct buf *out)
{
	buf_puts(out, "# HELP provisiond_build_info The version of this daemon (always 1).\n"
		      "# TYPE provisiond_build_info gauge\n");
	buf_printf(out, "provisiond_build_info{version=\"%s\"} 1\n", PACKAGE_VERSION);

	unsigned long long ut, st, start, vsize;
	int have_stat = proc_stat(&ut, &st, &start, &vsize) == 0;
	long ticks = sysconf(_SC_CLK_TCK);
	long long bt = boot_time(), fds = open_fds(), rss = resident_bytes();
	struct rlimit rl;
	int have_limit = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY;

	buf_puts(out, "# HELP process_cpu_seconds_total User and system CPU time spent in seconds.\n"
		      "# TYPE process_cpu_seconds_total counter\n");
	if (have_stat && ticks > 0)
		buf_printf(out, "process_cpu_seconds_total %.2f\n", (double)(ut + st) / (double)ticks);
	buf_puts(out, "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
		      "# TYPE process_resident_memory_bytes gauge\n");
	if (rss >= 0)
		buf_printf(out, "process_resident_memory_bytes %lld\n", rss);
	buf_puts(out, "# HELP process_virtual_memory_bytes Virtual memory size in bytes.\n"
		      "# TYPE process_virtual_memory_bytes gauge\n");
	if (have_stat)
		buf_printf(out, "process_virtual_memory_bytes %llu\n", vsize);
	buf_puts(out, "# HELP process_open_fds Number of open file descriptors.\n# TYPE process_open_fds gauge\n");
	if (fds >= 0)
		buf_printf(out, "process_open_fds %lld\n", fds);
	buf_puts(out, "# HELP process_max_fds Maximum number of open file descriptors.\n"
		      "# TYPE process_max_fds gauge\n");
	if (have_limit)
		buf_printf(out, "process_max_fds %llu\n", (unsigned long long)rl.rlim_cur);
	buf_puts(out, "# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.\n"
		      "# TYPE process_start_time_seconds gauge\n");
	if (have_stat && ticks > 0 && bt > 0)
		buf_printf(out, "process_start_time_seconds %.2f\n", (double)bt + (double)start / (double)ticks);
}
