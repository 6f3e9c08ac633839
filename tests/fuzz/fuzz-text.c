/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	fuzz-text - UTF-8 helpers and the log, Markdown and CSV writers
 * DESCRIPTION
 *	Input: one byte of sizes, then the text (cut at its first NUL into a
 *	and b, for the comparison). Every function of text.h runs on it, and
 *	the three UTF-8 validators of the tree must agree: utf8_length
 *	(json.c), utf8_decode (text.c) and naming_transliterate (naming.c).
 *
 *	Invariants: utf8_repair leaves valid UTF-8, keeps valid input as it
 *	is and is idempotent; text_copy and text_format fit and are valid
 *	UTF-8; utf8_prefix_len never ends inside a character; log_escape
 *	leaves no control character; md_text leaves no line break, control,
 *	'<', '>' or bare '&', and every markup character escaped; csv_field
 *	reads back (RFC 4180) as the value, with a quote before a formula;
 *	text_equal_ci is reflexive, symmetric and ignores ASCII case and
 *	outer spaces.
 */
#include "config.h"
#include "buf.h"
#include "json.h"
#include "naming.h"
#include "text.h"
#include "fuzz.h"

#include <ctype.h>

const char fuzz_target_name[] = "fuzz-text";

static int is_cont(unsigned char c) { return (c & 0xc0) == 0x80; }

static void check_utf8(const char *in)
{
	const char *p = in;
	int decode_ok = 1;
	while (*p) {
		unsigned cp;
		const char *before = p;
		if (utf8_decode(&p, &cp) < 0)
			decode_ok = 0;
		FUZZ_CHECK(p > before && p <= before + 4, "utf8_decode moved %td bytes", p - before);
	}
	struct buf t = BUF_INIT;
	buf_puts(&t, "pre");
	int tr = naming_transliterate(in, &t);
	FUZZ_CHECK((utf8_length(in) >= 0) == decode_ok, "utf8_length %ld, utf8_decode %s", utf8_length(in),
		   decode_ok ? "ok" : "fails");
	FUZZ_CHECK((tr == 0) == decode_ok, "naming_transliterate %d, utf8_decode %s", tr, decode_ok ? "ok" : "fails");
	if (tr < 0)
		FUZZ_CHECK(strcmp(buf_str(&t), "pre") == 0, "a failed transliteration left '%s'", buf_str(&t));
	buf_free(&t);

	char *r = strdup(in);
	utf8_repair(r);
	FUZZ_CHECK(utf8_length(r) >= 0, "utf8_repair left invalid UTF-8");
	if (decode_ok)
		FUZZ_CHECK(strcmp(r, in) == 0, "utf8_repair changed valid UTF-8");
	char *r2 = strdup(r);
	utf8_repair(r2);
	FUZZ_CHECK(strcmp(r, r2) == 0, "utf8_repair is not idempotent");
	free(r2);
	free(r);
}

static void check_cuts(const char *in, size_t size)
{
	size_t len = strlen(in), n = utf8_prefix_len(in, size);
	FUZZ_CHECK(n <= size && n <= len, "utf8_prefix_len(%zu) = %zu of %zu", size, n, len);
	/* an empty prefix is on a boundary whatever follows (a stray continuation byte) */
	FUZZ_CHECK(n == 0 || n == len || !is_cont((unsigned char)in[n]), "utf8_prefix_len ends inside a character");

	char *dst = malloc(size + 1);
	text_copy(dst, size + 1, in);
	FUZZ_CHECK(strlen(dst) <= size && utf8_length(dst) >= 0, "text_copy into %zu: %zu bytes, UTF-8 %ld",
		   size + 1, strlen(dst), utf8_length(dst));
	text_format(dst, size + 1, "<%s>", in);
	FUZZ_CHECK(strlen(dst) <= size && utf8_length(dst) >= 0, "text_format into %zu", size + 1);
	free(dst);

	unsigned cp = text_invisible_char(in);
	if (cp != 0) {
		int listed = cp == 0x00ad || cp == 0x061c || (cp >= 0x200b && cp <= 0x200f) ||
			     (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064) ||
			     (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
		FUZZ_CHECK(listed, "text_invisible_char says U+%04X", cp);
	}
}

/* An odd number of backslashes right before s[i]: it is escaped. */
static int escaped_at(const char *s, size_t i)
{
	size_t k = 0;
	while (k < i && s[i - k - 1] == '\\')
		k++;
	return k % 2 == 1;
}

static void check_writers(const char *in)
{
	struct buf b = BUF_INIT;
	log_escape(&b, in);
	FUZZ_CHECK(!has_control_chars(buf_str(&b)), "log_escape left a control character");
	buf_reset(&b);

	md_text(&b, in);
	const char *m = buf_str(&b);
	for (size_t i = 0; m[i]; i++) {
		unsigned char c = (unsigned char)m[i];
		FUZZ_CHECK(c >= 0x20 && c != 0x7f, "md_text left control 0x%02x", c);
		FUZZ_CHECK(c != '<' && c != '>', "md_text left a raw '%c'", c);
		if (c == '&')
			FUZZ_CHECK(strncmp(m + i, "&lt;", 4) == 0 || strncmp(m + i, "&gt;", 4) == 0 ||
				   strncmp(m + i, "&amp;", 5) == 0, "md_text left a bare '&'");
		if (strchr("|`*_[]()#!~", c) != NULL)
			FUZZ_CHECK(escaped_at(m, i), "md_text left '%c' unescaped at %zu of '%s'", c, i, m);
	}
	buf_reset(&b);

	csv_field(&b, in);
	const char *f = buf_str(&b);
	int needs_quote = strpbrk(in, ",\"\r\n") != NULL;
	int formula = in[0] != '\0' && strchr("=+-@\t\r", in[0]) != NULL;
	if (f[0] != '"') {
		FUZZ_CHECK(!needs_quote && !formula, "csv_field left '%s' unquoted", in);
		FUZZ_CHECK(strcmp(f, in) == 0, "csv_field changed an unquoted value");
	} else {
		/* read it back as a spreadsheet would */
		struct buf back = BUF_INIT;
		size_t i = 1, n = strlen(f);
		for (; i < n; i++) {
			if (f[i] == '"') {
				if (i + 1 < n && f[i + 1] == '"')
					buf_putc(&back, f[i++]);
				else
					break;
			} else
				buf_putc(&back, f[i]);
		}
		FUZZ_CHECK(i == n - 1, "csv_field: the closing quote is not last in '%s'", f);
		const char *v = buf_str(&back);
		if (formula) {
			FUZZ_CHECK(v[0] == '\'', "csv_field left formula '%s' live", in);
			v++;
		}
		FUZZ_CHECK(strcmp(v, in) == 0, "csv_field reads back as '%s', not '%s'", v, in);
		buf_free(&back);
	}
	buf_free(&b);
}

static void check_equal_ci(const char *a, const char *b)
{
	FUZZ_CHECK(text_equal_ci(a, a), "text_equal_ci(a, a) is 0");
	FUZZ_CHECK(text_equal_ci(a, b) == text_equal_ci(b, a), "text_equal_ci is not symmetric");
	size_t n = strlen(a);
	char *up = malloc(n + 4);
	up[0] = ' ';
	for (size_t i = 0; i < n; i++)
		up[i + 1] = (char)toupper((unsigned char)a[i]);
	memcpy(up + n + 1, "  ", 3);
	FUZZ_CHECK(text_equal_ci(a, up), "text_equal_ci: ' %s  ' in capitals differs from '%s'", a, a);
	free(up);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	char *parts[2];
	fuzz_split(data + 1, size - 1, parts, 2);
	const char *in = parts[0];
	check_utf8(in);
	check_utf8(parts[1]);
	check_cuts(in, data[0]);
	check_writers(in);
	check_writers(parts[1]);
	check_equal_ci(in, parts[1]);
	fuzz_split_free(parts, 2);
	return 0;
}
