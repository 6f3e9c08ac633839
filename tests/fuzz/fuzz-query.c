/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	fuzz-query - %XX decoding of paths and query parameters, and the
 *	text check every decoded parameter must pass
 * DESCRIPTION
 *	Input: a request target ("/v1/requests?state=open&after=2026-12-01").
 *	The path and each name and value of the query are decoded with
 *	http_unescape, as libmicrohttpd does through the daemon's callback,
 *	then judged as http.c judges parameters: UTF-8 (utf8_length) without
 *	control characters (has_control_chars).
 *
 *	Invariants: decoding never lengthens and returns the new length; it
 *	gives what a plain RFC 3986 decoder gives, except that %00 becomes
 *	0xFF, so no NUL hides inside and a decoded %00 is always refused; a
 *	parameter that passes holds only valid UTF-8 and no control
 *	character, which the log and jansson rely on.
 */
#include "config.h"
#include "http.h"
#include "json.h"
#include "fuzz.h"

const char fuzz_target_name[] = "fuzz-query";

static int hex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The reference: RFC 3986 percent-decoding, with the daemon's one rule
 * (%00 is 0xFF). Returns the length. */
static size_t reference(const char *in, char *out, int *had_nul_r)
{
	size_t o = 0;
	*had_nul_r = 0;
	for (size_t i = 0; in[i];) {
		if (in[i] == '%' && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
			int v = hex(in[i + 1]) * 16 + hex(in[i + 2]);
			if (v == 0)
				*had_nul_r = 1;
			out[o++] = v == 0 ? (char)0xff : (char)v;
			i += 3;
		} else
			out[o++] = in[i++];
	}
	out[o] = '\0';
	return o;
}

static void check_one(const char *raw)
{
	size_t before = strlen(raw);
	char *s = strdup(raw), *want = malloc(before + 1);
	int had_nul;
	size_t wlen = reference(raw, want, &had_nul);
	size_t n = http_unescape(s);
	FUZZ_CHECK(n <= before, "http_unescape lengthened '%s' from %zu to %zu", raw, before, n);
	FUZZ_CHECK(n == strlen(s), "http_unescape returned %zu for %zu bytes: a NUL inside", n, strlen(s));
	FUZZ_CHECK(n == wlen && memcmp(s, want, n) == 0, "'%s' decodes to '%s', not '%s'", raw, s, want);

	int text_ok = utf8_length(s) >= 0 && !has_control_chars(s);
	if (had_nul)
		FUZZ_CHECK(!text_ok, "a decoded %%00 in '%s' passes the parameter check", raw);
	if (text_ok) {
		/* what handlers rely on: jansson takes it, and the log shows it as it is */
		json_t *j = json_string(s);
		FUZZ_CHECK(j != NULL, "a parameter that passed is refused by jansson: '%s'", s);
		json_decref(j);
		for (const unsigned char *p = (const unsigned char *)s; *p; p++)
			FUZZ_CHECK(*p >= 0x20 && *p != 0x7f, "control 0x%02x passed the parameter check", *p);
	}
	free(want);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *target = fuzz_string(data, size);
	char *q = strchr(target, '?');
	if (q != NULL)
		*q++ = '\0';
	check_one(target);
	/* name=value pairs split as libmicrohttpd splits them, before decoding */
	for (char *save = NULL, *pair = q ? strtok_r(q, "&", &save) : NULL; pair; pair = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(pair, '=');
		if (eq != NULL) {
			*eq = '\0';
			check_one(eq + 1);
		}
		check_one(pair);
	}
	free(target);
	return 0;
}
