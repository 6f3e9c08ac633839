/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	compress - gzip for answers a browser accepts compressed
 * DESCRIPTION
 *	The console's modules and the API's JSON shrink to a fifth or less:
 *	the console's first load and a long inbox travel in a few kilobytes.
 *	Answers holding a secret (a session's CSRF token, a new API token, a
 *	set-password token) are never compressed (http_ctx.no_compress): a
 *	compressed secret beside text an attacker can choose leaks through
 *	its length (BREACH).
 */
#ifndef PVD_COMPRESS_H
#define PVD_COMPRESS_H

#include <stddef.h>

/* 1 when an Accept-Encoding header value accepts gzip (not with q=0). */
int accepts_gzip(const char *accept_encoding);

/* 1 when answers of this Content-Type are worth compressing (text). */
int compressible_type(const char *content_type);

/* in[0..len) as a gzip stream: 0 and *out_r (malloc'd), *out_len_r; -1
 * when zlib fails (the caller sends in as it is). */
int gzip_compress(const char *in, size_t len, char **out_r, size_t *out_len_r);

#endif
