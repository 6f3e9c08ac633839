/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	bgthread - background thread with a wake pipe (see bgthread.h)
 */
#include "config.h"
#include "bgthread.h"
#include "buf.h"
#include "log.h"
#include "tpool.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

int bg_start(struct bg_thread *bg, void *(*fn)(void *), const char **error_r)
{
	if (pipe(bg->wake) < 0) {
		*error_r = t_printf("%s: pipe() failed: %s", bg->name, strerror(errno));
		return -1;
	}
	atomic_store(&bg->stopping, 0);
	if (pthread_create(&bg->thread, NULL, fn, bg) != 0) {
		*error_r = t_printf("pthread_create failed for the %s", bg->name);
		close(bg->wake[0]);
		close(bg->wake[1]);
		bg->wake[0] = bg->wake[1] = -1;
		return -1;
	}
	bg->running = 1;
	return 0;
}

void bg_stop(struct bg_thread *bg)
{
	if (!bg->running)
		return;
	atomic_store(&bg->stopping, 1);
	if (write(bg->wake[1], "x", 1) < 0)
		log_warn("%s: waking failed: %s", bg->name, strerror(errno));
	pthread_join(bg->thread, NULL);
	close(bg->wake[0]);
	close(bg->wake[1]);
	bg->wake[0] = bg->wake[1] = -1;
	bg->running = 0;
}

int bg_stopping(struct bg_thread *bg)
{
	return atomic_load(&bg->stopping);
}

void bg_sleep(struct bg_thread *bg, int ms)
{
	struct pollfd pfd = { bg->wake[0], POLLIN, 0 };
	poll(&pfd, 1, ms);
}
