/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	bgthread - one background thread that sleeps between rounds and can be
 *	woken to stop (the scheduler, the outbox sender)
 * DESCRIPTION
 *	bg_start() makes the wake pipe and the thread; the thread loops while
 *	!bg_stopping(), doing a round and then bg_sleep() (woken early by
 *	bg_stop()). bg_stop() asks it to stop, wakes it and joins it: the round
 *	in hand finishes first.
 */
#ifndef PVD_BGTHREAD_H
#define PVD_BGTHREAD_H

#include <pthread.h>
#include <stdatomic.h>

struct bg_thread {
	const char *name;	/* for messages: "scheduler" */
	pthread_t thread;
	int running;
	atomic_int stopping;
	int wake[2];
};

#define BG_THREAD_INIT(n) { .name = (n), .wake = { -1, -1 } }

/* 0, or -1 + *error_r */
int bg_start(struct bg_thread *bg, void *(*fn)(void *), const char **error_r);
void bg_stop(struct bg_thread *bg);
int bg_stopping(struct bg_thread *bg);
void bg_sleep(struct bg_thread *bg, int ms);

#endif
