/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-compress - which Accept-Encoding values get gzip, which types are
 * compressed, and that what gzip_compress makes inflates back byte for byte.
 */
#include "config.h"
#include "compress.h"
#include "unit.h"

#include <stdlib.h>
#include <zlib.h>

static void test_accepts(void)
{
	static const struct { const char *v; int want; } cases[] = {
		{ "gzip", 1 }, { "GZip", 1 }, { "gzip, deflate, br, zstd", 1 }, { "deflate, gzip", 1 },
		{ "br;q=1.0, gzip;q=0.8, *;q=0.1", 1 }, { " gzip ", 1 }, { "*", 1 },
		{ "gzip;q=0", 0 }, { "gzip; q=0.000", 0 }, { "deflate, br", 0 }, { "x-gzip2", 0 }, { "gzipx", 0 },
		{ "identity", 0 }, { "", 0 }, { ",,,", 0 }, { "br;q=0, gzip;q=0.5", 1 }, { "gzip;q=0, br", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(accepts_gzip(cases[i].v) == cases[i].want, "accepts_gzip(\"%s\") want %d", cases[i].v, cases[i].want);
	CHECK(accepts_gzip(NULL) == 0, "no header: no gzip");
}

static void test_types(void)
{
	CHECK(compressible_type("application/json"), "json");
	CHECK(compressible_type("text/javascript; charset=utf-8"), "js");
	CHECK(compressible_type("text/css; charset=utf-8"), "css");
	CHECK(compressible_type("image/svg+xml"), "svg");
	CHECK(!compressible_type("image/png"), "png is compressed already");
	CHECK(!compressible_type("font/woff2"), "woff2 is compressed already");
	CHECK(!compressible_type(NULL), "no type");
}

static void test_round_trip(void)
{
	size_t n = 200000;
	char *in = malloc(n);
	unsigned seed = 7;
	for (size_t i = 0; i < n; i++) {	/* text-like: words with some noise */
		seed = seed * 1103515245u + 12345u;
		in[i] = (char)("provisiond console {\"state\":\"approve\"} "[i % 38] ^ ((seed >> 16) % 7 == 0 ? 1 : 0));
	}
	char *z = NULL;
	size_t zlen = 0;
	CHECK(gzip_compress(in, n, &z, &zlen) == 0, "compress");
	CHECK(zlen > 18 && zlen < n / 3, "compressed to %zu of %zu", zlen, n);
	CHECK((unsigned char)z[0] == 0x1f && (unsigned char)z[1] == 0x8b, "a gzip header");
	char *back = malloc(n + 1);
	z_stream s;
	memset(&s, 0, sizeof(s));
	inflateInit2(&s, 15 + 16);
	s.next_in = (Bytef *)z;
	s.avail_in = (uInt)zlen;
	s.next_out = (Bytef *)back;
	s.avail_out = (uInt)(n + 1);
	int rc = inflate(&s, Z_FINISH);
	CHECK(rc == Z_STREAM_END && s.total_out == n && memcmp(in, back, n) == 0, "inflates back (rc %d, %lu bytes)",
	      rc, (unsigned long)s.total_out);
	inflateEnd(&s);
	free(z);
	CHECK(gzip_compress("", 0, &z, &zlen) == 0 && zlen > 0, "empty input");
	free(z);
	free(back);
	free(in);
}

int main(void)
{
	test_accepts();
	test_types();
	test_round_trip();
	return unit_done("test-compress");
}
