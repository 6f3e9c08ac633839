/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	compress - gzip with zlib (see compress.h)
 */
#include "config.h"
#include "compress.h"
#include "buf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#define ZLIB_CONST	/* next_in is const: the input is not written to */
#include <zlib.h>

int accepts_gzip(const char *v)
{
	/* a list of codings with optional ;q=: "gzip, deflate, br" */
	for (const char *p = v; p != NULL && *p;) {
		p += strspn(p, " \t,");
		size_t n = strcspn(p, ",;");
		size_t w = n;
		while (w > 0 && isspace((unsigned char)p[w - 1]))
			w--;
		int gzip = (w == 4 && strncasecmp(p, "gzip", 4) == 0) || (w == 1 && p[0] == '*');
		const char *next = p + strcspn(p, ",");
		if (gzip) {
			const char *q = p + n;
			if (*q == ';') {
				q = strstr(q, "q=");
				if (q != NULL && q < next && strtod(q + 2, NULL) <= 0.0)
					return 0;
			}
			return 1;
		}
		p = *next ? next + 1 : next;
	}
	return 0;
}

int compressible_type(const char *t)
{
	return t != NULL && (strncmp(t, "text/", 5) == 0 || strncmp(t, "application/json", 16) == 0 ||
			     strncmp(t, "application/yaml", 16) == 0 ||
			     strncmp(t, "image/svg+xml", 13) == 0);
}

int gzip_compress(const char *in, size_t len, char **out_r, size_t *out_len_r)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	/* 15 + 16: a gzip wrapper; level 1: most of the gain for little CPU */
	if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	size_t cap = deflateBound(&z, (uLong)len);
	char *out = xmalloc(cap);
	z.next_in = (const Bytef *)in;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	size_t got = cap - z.avail_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(out);
		return -1;
	}
	*out_r = out;
	*out_len_r = got;
	return 0;
}
