/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	tpool - per-thread frames of short-lived strings (see tpool.h)
 */
#include "config.h"
#include "tpool.h"
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The thread's strings, newest last; a frame is an index into it. */
static _Thread_local char **items;
static _Thread_local unsigned nitems, size;

static const char *keep(char *s)
{
	if (nitems == size) {
		size = size ? size * 2 : 32;
		char **grown = realloc(items, size * sizeof(*items));
		if (grown == NULL)
			abort();
		items = grown;
	}
	items[nitems++] = s;
	return s;
}

unsigned t_push(void)
{
	return nitems;
}

void t_pop(unsigned frame)
{
	while (nitems > frame)
		free(items[--nitems]);
	if (nitems == 0) {
		/* a thread's last frame gives everything back (valgrind, idle workers) */
		free(items);
		items = NULL;
		size = 0;
	}
}

const char *t_vprintf(const char *fmt, va_list ap)
{
	va_list aq;
	va_copy(aq, ap);
	int n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		n = 0;
	char *s = xmalloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return keep(s);
}

const char *t_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const char *s = t_vprintf(fmt, ap);
	va_end(ap);
	return s;
}

const char *t_strdup(const char *s)
{
	return keep(xstrdup(s ? s : ""));
}
