/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	buf - growable NUL-terminated byte string, and allocation that never fails
 * DESCRIPTION
 *	All string building goes through struct buf; nobody counts bytes by
 *	hand. x*alloc() either succeed or end the process: a daemon that cannot
 *	allocate a few bytes cannot do anything useful or safe.
 */
#ifndef PVD_BUF_H
#define PVD_BUF_H

#include <stddef.h>
#include <stdarg.h>

struct buf {
	char *data;	/* always NUL-terminated once anything was added */
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* The first line of a file holding a secret (no newline), or NULL and
 * *error_r ("open(PATH) failed: reason"). The stack copy is wiped.
 * *error_r is malloc'd, not in a frame (tpool.h): this is also the
 * plugin ABI's pvd_host.read_secret_file, and plugins free what it gives. */
char *read_secret_file(const char *path, char **error_r);
/* Exactly len bytes of fd (a file fstat said is that long), NUL-terminated
 * and malloc'd; NULL and *why_r ("file shrank", or strerror) when it
 * could not all be read. Retries EINTR; the caller closes fd. */
char *read_fd_whole(int fd, size_t len, const char **why_r);

/* Copy of s with every "from" replaced by "to". */
char *str_replace_all(const char *s, const char *from, const char *to);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *data, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
void buf_reset(struct buf *b);		/* empty, keep memory */
void buf_free(struct buf *b);
char *buf_steal(struct buf *b);		/* caller frees; b becomes empty */
const char *buf_str(const struct buf *b);	/* "" when empty */

#endif
