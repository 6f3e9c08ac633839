/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	fuzz-console - what the console's requests bring: file names,
 *	Accept-Encoding values, session ids; and gzip
 * DESCRIPTION
 *	Input: a path, an Accept-Encoding value and a cookie value, cut at
 *	NUL bytes; the whole input is also compressed.
 *
 *	Invariants: a name console_file_type accepts has no empty segment,
 *	none starting with '.', only [A-Za-z0-9._-/], and ends in an extension
 *	whose type it gives; accepts_gzip is 0 or 1, and 0 when the value holds
 *	no "gzip" and no '*'; session_id_valid accepts exactly 43 base64url
 *	characters; gzip_compress inflates back to its input.
 */
#include "config.h"
#include "compress.h"
#include "console.h"
#include "sessions.h"
#include "fuzz.h"

#include <strings.h>
#include <zlib.h>

const char fuzz_target_name[] = "fuzz-console";

static void check_name(const char *rel)
{
	const char *type = console_file_type(rel);
	if (type == NULL)
		return;
	size_t n = strlen(rel);
	FUZZ_CHECK(n > 0 && rel[0] != '/' && rel[n - 1] != '/', "'%s'", rel);
	for (const char *p = rel; *p; p++) {
		FUZZ_CHECK(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/", *p) != NULL,
			   "'%s' holds 0x%02x", rel, (unsigned char)*p);
		if (p == rel || p[-1] == '/')
			FUZZ_CHECK(*p != '.' && *p != '/', "'%s': a segment starts with '%c'", rel, *p);
	}
	const char *dot = strrchr(rel, '.');
	FUZZ_CHECK(dot != NULL && strchr(dot, '/') == NULL, "'%s' has no extension", rel);
}

static void check_encoding(const char *v)
{
	int g = accepts_gzip(v);
	FUZZ_CHECK(g == 0 || g == 1, "'%s' gives %d", v, g);
	if (g) {
		int has = strchr(v, '*') != NULL;
		for (const char *p = v; *p && !has; p++)
			has = strncasecmp(p, "gzip", 4) == 0;
		FUZZ_CHECK(has, "'%s' accepted without gzip or *", v);
	}
}

static void check_session_id(const char *s)
{
	if (!session_id_valid(s))
		return;
	FUZZ_CHECK(strlen(s) == SESSION_ID_LEN, "'%s'", s);
	for (const char *p = s; *p; p++)
		FUZZ_CHECK(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *p) != NULL, "'%s'", s);
	char csrf[SESSION_CSRF_LEN + 1];
	session_csrf(s, csrf);
	FUZZ_CHECK(strlen(csrf) == SESSION_CSRF_LEN && strcmp(csrf, s) != 0, "csrf of '%s' is '%s'", s, csrf);
}

static void check_gzip(const uint8_t *data, size_t size)
{
	char *z = NULL;
	size_t zlen = 0;
	FUZZ_CHECK(gzip_compress((const char *)data, size, &z, &zlen) == 0, "%zu bytes", size);
	unsigned char *back = malloc(size + 1);
	z_stream s;
	memset(&s, 0, sizeof(s));
	FUZZ_CHECK(inflateInit2(&s, 15 + 16) == Z_OK, "inflateInit2");
	s.next_in = (Bytef *)z;
	s.avail_in = (uInt)zlen;
	s.next_out = back;
	s.avail_out = (uInt)(size + 1);
	int rc = inflate(&s, Z_FINISH);
	FUZZ_CHECK(rc == Z_STREAM_END && s.total_out == size && (size == 0 || memcmp(back, data, size) == 0),
		   "inflate gives rc %d, %lu of %zu bytes", rc, (unsigned long)s.total_out, size);
	inflateEnd(&s);
	free(back);
	free(z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *part[3];
	fuzz_split(data, size, part, 3);
	check_name(part[0]);
	check_name(part[0][0] == '/' ? part[0] + 1 : part[0]);
	(void)console_path("GET", part[0]);
	check_encoding(part[1]);
	check_session_id(part[2]);
	check_gzip(data, size);
	fuzz_split_free(part, 3);
	return 0;
}
