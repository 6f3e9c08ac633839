/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	http_slow - the slow-client watchdog (see http_slow.h)
 * DESCRIPTION
 *	The per-client connection limit keeps one address from taking every
 *	slot while its connections wait to be cut.
 */
#include "config.h"
#include "http_slow.h"
#include "buf.h"
#include "log.h"
#include "metrics.h"

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static atomic_int header_timeout = 10;

struct tracked_conn {
	MHD_socket fd;
	int waiting_header;		/* between the open (or an answer) and a complete header */
	double since;			/* monotonic */
	struct tracked_conn *prev, *next;
};
static pthread_mutex_t track_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tracked_conn *tracked;
static pthread_t watchdog;
static int watchdog_running;
static int watchdog_pipe[2] = { -1, -1 };

static double mono_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void slow_notify_connection(void *cls, struct MHD_Connection *conn, void **socket_ctx,
			      enum MHD_ConnectionNotificationCode code)
{
	(void)cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		struct tracked_conn *t = xcalloc(1, sizeof(*t));
		t->fd = ci ? ci->connect_fd : MHD_INVALID_SOCKET;
		t->waiting_header = 1;
		t->since = mono_now();
		pthread_mutex_lock(&track_lock);
		t->next = tracked;
		if (tracked)
			tracked->prev = t;
		tracked = t;
		pthread_mutex_unlock(&track_lock);
		*socket_ctx = t;
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED && *socket_ctx != NULL) {
		/* libmicrohttpd closes the socket after this returns: the
		 * watchdog never touches an fd that could be reused */
		struct tracked_conn *t = *socket_ctx;
		pthread_mutex_lock(&track_lock);
		if (t->prev)
			t->prev->next = t->next;
		else
			tracked = t->next;
		if (t->next)
			t->next->prev = t->prev;
		pthread_mutex_unlock(&track_lock);
		free(t);
		*socket_ctx = NULL;
	}
}

void slow_track(struct MHD_Connection *conn, int waiting_header)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct tracked_conn *t = ci ? ci->socket_context : NULL;
	if (t == NULL)
		return;
	pthread_mutex_lock(&track_lock);
	t->waiting_header = waiting_header;
	t->since = mono_now();
	pthread_mutex_unlock(&track_lock);
}

static void *watchdog_main(void *arg)
{
	(void)arg;
	for (;;) {
		struct pollfd pfd = { watchdog_pipe[0], POLLIN, 0 };
		if (poll(&pfd, 1, 500) > 0)
			return NULL;	/* http_stop */
		double now = mono_now(), limit = atomic_load(&header_timeout);
		int cut = 0;
		pthread_mutex_lock(&track_lock);
		for (struct tracked_conn *t = tracked; t; t = t->next)
			if (t->waiting_header && t->fd != MHD_INVALID_SOCKET && now - t->since > limit) {
				shutdown(t->fd, SHUT_RDWR);
				t->waiting_header = 0;	/* once */
				cut++;
			}
		pthread_mutex_unlock(&track_lock);
		for (int i = 0; i < cut; i++)
			metrics_event(ME_HTTP_HEADER_TIMEOUT);
		if (cut > 0)
			log_warn("closed %d connection(s) that sent no whole request header in %d s "
				 "(http_header_timeout)", cut, (int)limit);
	}
}


void slow_set_header_timeout(int seconds)
{
	atomic_store(&header_timeout, seconds);
}

int slow_watchdog_start(void)
{
	if (pipe(watchdog_pipe) != 0)
		return -1;
	if (pthread_create(&watchdog, NULL, watchdog_main, NULL) != 0) {
		slow_watchdog_stop();		/* closes the pipe */
		return -1;
	}
	watchdog_running = 1;
	return 0;
}

void slow_watchdog_stop(void)
{
	if (watchdog_running) {
		(void)!write(watchdog_pipe[1], "x", 1);
		pthread_join(watchdog, NULL);
		watchdog_running = 0;
	}
	for (int i = 0; i < 2; i++)
		if (watchdog_pipe[i] >= 0) {
			close(watchdog_pipe[i]);
			watchdog_pipe[i] = -1;
		}
}
