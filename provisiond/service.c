/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	service - sd_notify(3) readiness, reload, stop and watchdog messages
 * DESCRIPTION
 *	With Type=notify, systemd considers the daemon started only when it
 *	says READY=1: here, after the migrations ran and the API listens, so
 *	units ordered After=provisiond.service find it answering. A failed
 *	notification is not an error worth stopping for: it is logged once.
 */
#include "config.h"
#include "service.h"
#include "log.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>

static void notify(const char *what)
{
	static int warned;
	int rc = sd_notify(0, what);
	if (rc < 0 && !warned) {
		warned = 1;
		log_warn("sd_notify(%s) failed: %s", what, strerror(-rc));
	}
}

void service_ready(const char *status)
{
	char msg[512];
	snprintf(msg, sizeof(msg), "READY=1\nSTATUS=%s", status);
	notify(msg);
}

void service_reloading(void)
{
	/* MONOTONIC_USEC: what systemd 253's Type=notify-reload checks; older
	 * managers ignore it */
	struct timespec t;
	char msg[96];
	clock_gettime(CLOCK_MONOTONIC, &t);
	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%llu",
		 (unsigned long long)t.tv_sec * 1000000ULL + (unsigned long long)t.tv_nsec / 1000ULL);
	notify(msg);
}

void service_waiting(const char *why, int seconds)
{
	char msg[512];
	snprintf(msg, sizeof(msg), "STATUS=%s\nEXTEND_TIMEOUT_USEC=%llu", why,
		 (unsigned long long)seconds * 1000000ULL);
	notify(msg);
}

void service_stopping(void)
{
	notify("STOPPING=1\nSTATUS=stopping");
}

int service_watchdog_interval_ms(void)
{
	uint64_t usec = 0;
	if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
		return 0;
	uint64_t ms = usec / 2000;	/* half the interval, in ms */
	return ms < 1 ? 1 : ms > 3600000 ? 3600000 : (int)ms;
}

void service_watchdog_ping(void)
{
	notify("WATCHDOG=1");
}

#else	/* built without libsystemd: nothing to tell */

void service_ready(const char *status) { (void)status; }
void service_reloading(void) { }
void service_waiting(const char *why, int seconds) { (void)why; (void)seconds; }
void service_stopping(void) { }
int service_watchdog_interval_ms(void) { return 0; }
void service_watchdog_ping(void) { }

#endif
