/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	tpool - the calling thread's short-lived strings: errors, mostly
 * DESCRIPTION
 *	The daemon's one way to carry an error is const char **error_r: the
 *	callee sets *error_r to a message made with t_printf() and the caller
 *	reads it, passes it up or logs it, and frees nothing. The text lives
 *	in the thread's pool until the frame it was made in ends: every unit
 *	of work (an HTTP request, a queue operation, a scheduler tick, an
 *	outbox pass, start-up) is one frame:
 *
 *		unsigned frame = t_push();
 *		if (do_work(&error) < 0)
 *			log_error("work failed: %s", error);
 *		t_pop(frame);
 *
 *	Dovecot's data stack is the model. Each string is its own allocation,
 *	so a string read after its frame ended is a use after free that
 *	AddressSanitizer reports, not a silent wrong message.
 */
#ifndef PVD_TPOOL_H
#define PVD_TPOOL_H

#include <stdarg.h>

/* Starts a frame; the answer is what t_pop() takes. */
unsigned t_push(void);
/* Frees everything made since the matching t_push(). */
void t_pop(unsigned frame);

/* Strings in the current frame (never NULL: out of memory aborts). */
const char *t_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *t_vprintf(const char *fmt, va_list ap);
const char *t_strdup(const char *s);

#endif
