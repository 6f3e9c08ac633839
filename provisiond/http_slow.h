/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	http_slow - closing connections that send their request header too slowly
 * DESCRIPTION
 *	libmicrohttpd's timeout is an idle timeout: a client sending one header
 *	byte every few seconds keeps its connection for ever, and enough such
 *	connections take every slot. So each connection is tracked from the
 *	moment it opens (or its previous answer went out) until its request
 *	header is complete; a watchdog thread shuts down the socket of one that
 *	has not sent a whole header within http_header_timeout, and
 *	libmicrohttpd then closes it as a connection the client dropped.
 */
#ifndef PVD_HTTP_SLOW_H
#define PVD_HTTP_SLOW_H

#include <microhttpd.h>

/* MHD_OPTION_NOTIFY_CONNECTION: tracks connections from open to close. */
void slow_notify_connection(void *cls, struct MHD_Connection *conn, void **socket_ctx,
			    enum MHD_ConnectionNotificationCode code);
/* waiting_header 0: the whole header is in; 1: waiting for the next one. */
void slow_track(struct MHD_Connection *conn, int waiting_header);
void slow_set_header_timeout(int seconds);
int slow_watchdog_start(void);		/* -1 when the thread did not start */
void slow_watchdog_stop(void);

#endif
