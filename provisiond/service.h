/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	service - tells the service manager (systemd) how the daemon is doing
 * DESCRIPTION
 *	The sd_notify(3) protocol: READY=1 once the API listens, RELOADING=1
 *	and READY=1 around a SIGHUP reload, STOPPING=1 on the way out, and
 *	WATCHDOG=1 at half the interval systemd asked for (WatchdogSec=).
 *	Every call is a no-op when the daemon was not started by a service
 *	manager ($NOTIFY_SOCKET unset) or was built without libsystemd.
 */
#ifndef PVD_SERVICE_H
#define PVD_SERVICE_H

void service_ready(const char *status);
void service_reloading(void);
/* Still starting, waiting for something (PostgreSQL at boot): says why
 * and asks for seconds more before the start-up timeout kills us. */
void service_waiting(const char *why, int seconds);
void service_stopping(void);

/* The watchdog's interval in milliseconds, half of what the manager
 * asked for; 0 when no watchdog is wanted. */
int service_watchdog_interval_ms(void);
void service_watchdog_ping(void);

#endif
