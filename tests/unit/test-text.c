/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-text - UTF-8 cut at character boundaries only, and text escaped for
 * where it goes: the log, Markdown, CSV; names compared as the directory
 * compares them; characters that disguise a name found.
 */
#include "config.h"
#include "buf.h"
#include "text.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

static const char *escaped(void (*fn)(struct buf *, const char *), const char *in)
{
	static char out[512];
	struct buf b = BUF_INIT;
	fn(&b, in);
	snprintf(out, sizeof(out), "%s", buf_str(&b));
	buf_free(&b);
	return out;
}

int main(void)
{
	/* cutting: "Ñ" is 2 bytes; a buffer of 4 holds one Ñ and a byte of the
	 * next, which must not be kept */
	char small[4];
	text_format(small, sizeof(small), "%s", "ÑÑÑ");
	CHECK_STR(small, "Ñ");
	text_copy(small, sizeof(small), "aÑÑ");
	CHECK_STR(small, "aÑ");
	char mid[32];
	text_format(mid, sizeof(mid), "[%.3s]", "ÑÑÑ");	/* a precision that cuts a character */
	CHECK_STR(mid, "[Ñ]");
	char name[300];
	text_format(name, sizeof(name), "%s", "ÑÑ");
	CHECK_STR(name, "ÑÑ");
	CHECK_INT(utf8_prefix_len("ÑÑ", 3), 2);
	CHECK_INT(utf8_prefix_len("ÑÑ", 9), 4);

	static const struct { const char *in, *want; } repair[] = {
		{ "plain", "plain" }, { "Peña", "Peña" }, { "a\xff" "b", "ab" }, { "\xc3", "" },
		{ "x\xe2\x82", "x" }, { "\xc0\xaf", "" }, { "\xed\xa0\x80z", "z" }, { "€ok", "€ok" },
	};
	for (size_t i = 0; i < sizeof(repair) / sizeof(repair[0]); i++) {
		char s[32];
		snprintf(s, sizeof(s), "%s", repair[i].in);
		utf8_repair(s);
		CHECK(strcmp(s, repair[i].want) == 0, "repair(%zu): got '%s' want '%s'", i, s, repair[i].want);
	}

	/* the log: no control character gets through raw */
	CHECK_STR(escaped(log_escape, "evil\x1b[31mRED"), "evil\\x1b[31mRED");
	CHECK_STR(escaped(log_escape, "a\nb\rc\td\x7f"), "a\\x0ab\\x0dc\\x09d\\x7f");
	CHECK_STR(escaped(log_escape, "c1\xc2\x9bz Peña"), "c1\\x9bz Peña");

	/* Markdown: text, never markup */
	CHECK_STR(escaped(md_text, "a | b"), "a \\| b");
	CHECK_STR(escaped(md_text, "<script>x</script>"), "&lt;script&gt;x&lt;/script&gt;");
	CHECK_STR(escaped(md_text, "[x](javascript:alert(1))"), "\\[x\\]\\(javascript:alert\\(1\\)\\)");
	CHECK_STR(escaped(md_text, "![i](u) *b* _i_ `c` #h ~s~ &amp;"),
		  "\\!\\[i\\]\\(u\\) \\*b\\* \\_i\\_ \\`c\\` \\#h \\~s\\~ &amp;amp;");
	CHECK_STR(escaped(md_text, "line\nbreak"), "line break");
	CHECK_STR(escaped(md_text, "María José O'Brien-Pérez, jose.nunez@example.org"),
		  "María José O'Brien-Pérez, jose.nunez@example.org");

	/* CSV: quoted when needed, formulas defused */
	CHECK_STR(escaped(csv_field, "plain"), "plain");
	CHECK_STR(escaped(csv_field, "a,b"), "\"a,b\"");
	CHECK_STR(escaped(csv_field, "say \"hi\""), "\"say \"\"hi\"\"\"");
	CHECK_STR(escaped(csv_field, "=SUM(A1)"), "\"'=SUM(A1)\"");
	CHECK_STR(escaped(csv_field, "@cmd"), "\"'@cmd\"");

	/* names as the directory compares them */
	static const struct { const char *a, *b; int same; } eq[] = {
		{ "tributaria", "tributaria", 1 }, { "TRIBUTARIA", "tributaria", 1 }, { " tributaria", "tributaria", 1 },
		{ "tributaria ", "Tributaria", 1 }, { "unidad  legal", "Unidad legal", 1 }, { "tim", "tributaria", 0 },
		{ "unidadlegal", "unidad legal", 0 }, { "", "", 1 }, { " ", "", 1 }, { "a", "", 0 },
	};
	for (size_t i = 0; i < sizeof(eq) / sizeof(eq[0]); i++)
		CHECK(text_equal_ci(eq[i].a, eq[i].b) == eq[i].same && text_equal_ci(eq[i].b, eq[i].a) == eq[i].same,
		      "equal('%s', '%s'): want %d", eq[i].a, eq[i].b, eq[i].same);

	/* characters that disguise a name */
	CHECK_INT(text_invisible_char("Peña"), 0);
	CHECK_INT(text_invisible_char("Ana\xe2\x80\x8bMaría"), 0x200b);
	CHECK_INT(text_invisible_char("Pe\xe2\x80\xaeña"), 0x202e);
	CHECK_INT(text_invisible_char("\xef\xbb\xbf" "Ana"), 0xfeff);
	CHECK_INT(text_invisible_char("Ana\xc2\xad"), 0xad);
	CHECK_INT(text_invisible_char("\xe2\x81\xa6x"), 0x2066);
	return unit_done("test-text");
}
