/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Login and mail names from HR's Unicode names: transliteration, templates,
 * particles, cutting, and numbered candidates. */
#include "config.h"
#include "naming.h"
#include "buf.h"
#include "unit.h"

#include <stdlib.h>

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

static void test_transliterate(void)
{
	/* want NULL: the input must be refused as invalid UTF-8 */
	static const struct { const char *name, *input, *want; } cases[] = {
		{ "plain", "abc", "abc" },
		{ "acute", "José", "jose" },
		{ "enye", "Ñandú Muñoz", "nandumunoz" },
		{ "umlaut", "Müller Göße", "mullergosse" },
		{ "cedilla", "François Çelik", "francoiscelik" },
		{ "sharp s", "Weiß", "weiss" },
		{ "ae ligature", "Ærø Sæther", "aerosaether" },
		{ "oe ligature", "Œuvre cœur", "oeuvrecoeur" },
		{ "thorn and eth", "Þórðr", "thordr" },
		{ "strokes and rings", "Łódź Đorđe Søren Ångström", "lodzdordesorenangstrom" },
		{ "latin extended-a", "Dvořák Šťastný Ğüneş Őry", "dvorakstastnygunesory" },
		{ "dotted and dotless i", "İlkay Işık", "ilkayisik" },
		{ "romanian comma below", "Ștefănescu Țepeș", "stefanescutepes" },
		{ "apostrophe", "O'Brien", "obrien" },
		{ "typographic apostrophe", "D’Angelo", "dangelo" },
		{ "hyphen", "Pérez-Soto", "perezsoto" },
		{ "uppercase", "ÁLVARO NÚÑEZ", "alvaronunez" },
		{ "digits kept", "Louis 14", "louis14" },
		{ "decomposed accent", "Jose\xcc\x81 Nun\xcc\x83" "ez", "josenunez" },
		{ "emoji dropped", "Ana \xf0\x9f\x98\x80", "ana" },
		{ "cjk dropped", "李 Li", "li" },
		{ "cyrillic dropped", "Иван", "" },
		{ "symbols dropped", "a×b÷c!?", "abc" },
		{ "empty", "", "" },
		{ "invalid byte", "\xff", NULL },
		{ "truncated", "Jos\xc3", NULL },
		{ "bad continuation", "Jos\xc3(", NULL },
		{ "overlong slash", "\xc0\xaf", NULL },
		{ "surrogate", "\xed\xa0\x80", NULL },
		{ "beyond u+10ffff", "\xf4\x90\x80\x80", NULL },
	};
	for (size_t i = 0; i < NCASES(cases); i++) {
		struct buf b = BUF_INIT;
		buf_puts(&b, "x:");	/* appends, and leaves it alone on failure */
		int rc = naming_transliterate(cases[i].input, &b);
		if (cases[i].want == NULL) {
			CHECK(rc == -1, "%s: got %d want -1", cases[i].name, rc);
			CHECK(strcmp(buf_str(&b), "x:") == 0 && b.len == 2, "%s: got '%s' (%zu bytes) want 'x:'",
			      cases[i].name, buf_str(&b), b.len);
		} else {
			char *want = xasprintf("x:%s", cases[i].want);
			CHECK(rc == 0, "%s: got %d want 0", cases[i].name, rc);
			CHECK(strcmp(buf_str(&b), want) == 0, "%s: got '%s' want '%s'",
			      cases[i].name, buf_str(&b), want);
			free(want);
		}
		buf_free(&b);
	}

	/* every letter of the table gives one or two of a-z; only × and ÷ give nothing */
	for (unsigned cp = 0xc0; cp < 0x180; cp++) {
		char s[3] = { (char)(0xc0 | cp >> 6), (char)(0x80 | (cp & 0x3f)), '\0' };
		struct buf b = BUF_INIT;
		int ok = naming_transliterate(s, &b) == 0;
		const char *t = buf_str(&b);
		if (cp == 0xd7 || cp == 0xf7)
			ok = ok && b.len == 0;
		else
			ok = ok && b.len >= 1 && b.len <= 2 && strspn(t, "abcdefghijklmnopqrstuvwxyz") == b.len;
		CHECK(ok, "U+%04X: got '%s' want one or two of a-z", cp, t);
		buf_free(&b);
	}
}

static void test_expand(void)
{
	/* exactly one of want and err: err is a substring of the error */
	static const struct {
		const char *name, *tmpl, *given, *family, *unit, *position;
		size_t max_len;
		const char *want, *err;
	} cases[] = {
		/* every placeholder, on a name with particles, two given and two family names */
		{ "g1.f1", "{g1}.{f1}", "María José", "de la Cruz O'Brien", NULL, NULL, 32, "maria.cruz", NULL },
		{ "g2", "{g2}", "María José", "de la Cruz O'Brien", NULL, NULL, 32, "jose", NULL },
		{ "g", "{g}", "María José", "de la Cruz O'Brien", NULL, NULL, 32, "mariajose", NULL },
		{ "gi", "{gi}{f1}", "María José", "de la Cruz O'Brien", NULL, NULL, 32, "mcruz", NULL },
		{ "f1", "{f1}", "María José", "de la Cruz O'Brien", NULL, NULL, 32, "cruz", NULL },
		{ "f2", "{f2}", "María José", "de la Cruz O'Brien", NULL, NULL, 32, "obrien", NULL },
		{ "f", "{f}", "María José", "de la Cruz O'Brien", NULL, NULL, 32, "delacruzobrien", NULL },
		{ "fi", "{gi}{fi}", "María José", "de la Cruz O'Brien", NULL, NULL, 32, "mc", NULL },
		{ "unit and position", "{unit}-{position}", "Ana", "Pérez", "Recursos Humanos",
		  "Analista Sénior", 64, "recursoshumanos-analistasenior", NULL },
		{ "no unit", "{g1}{unit}", "Ana", "Pérez", NULL, NULL, 32, "ana", NULL },
		{ "literal digits", "{gi}{f1}01", "Ana", "Pérez", NULL, NULL, 32, "aperez01", NULL },
		{ "literal only", "login", "Ana", "Pérez", NULL, NULL, 32, "login", NULL },

		/* names as HR sends them */
		{ "de la cruz perez", "{f1}.{f2}", "Juan", "de la Cruz Pérez", NULL, NULL, 32, "cruz.perez", NULL },
		{ "hyphenated family", "{g1}.{f1}", "Ana", "Pérez-Soto", NULL, NULL, 32, "ana.perezsoto", NULL },
		{ "hyphenated given", "{g1}.{g2}", "Jean-Luc Pierre", "Picard", NULL, NULL, 32, "jeanluc.pierre", NULL },
		{ "several names", "{g1}{g2}.{f1}{f2}", "Juan Carlos Alberto", "Núñez O'Brien", NULL, NULL, 32,
		  "juancarlos.nunezobrien", NULL },
		{ "particles in given", "{g1}.{g2}.{f1}", "María de los Ángeles", "dos Santos", NULL, NULL, 32,
		  "maria.angeles.santos", NULL },
		{ "dutch particles", "{g1}.{f1}", "Pieter", "van der Berg", NULL, NULL, 32, "pieter.berg", NULL },
		{ "german particle", "{g1}.{f1}", "Ludwig", "von Müller", NULL, NULL, 32, "ludwig.muller", NULL },
		{ "y between families", "{f1}.{f2}", "José", "Ortega y Gasset", NULL, NULL, 32, "ortega.gasset", NULL },
		{ "capitalised particles", "{f1}.{f2}", "Ana", "De La Cruz Del Valle", NULL, NULL, 32, "cruz.valle", NULL },
		{ "only particles", "{g1}.{f1}.{f2}", "Van", "De La", NULL, NULL, 32, "van.de.la", NULL },
		{ "uppercase", "{g1}.{f1}", "JUAN", "PÉREZ", NULL, NULL, 32, "juan.perez", NULL },
		{ "emoji and cjk words", "{g1}.{g2}.{f1}", "Ana \xf0\x9f\x98\x80", "李 Pérez", NULL, NULL, 32,
		  "ana.perez", NULL },
		{ "no-break space", "{g2}", "María\xc2\xa0José", "Pérez", NULL, NULL, 32, "jose", NULL },
		{ "extra spaces", "{g1}.{g2}", "  Ana   Lucía ", "Pérez", NULL, NULL, 32, "ana.lucia", NULL },
		{ "lone hyphen word", "{f1}.{f2}", "Ana", "Pérez - Soto", NULL, NULL, 32, "perez.soto", NULL },

		/* separators and cutting */
		{ "collapse keeps first", "{g1}.{g2}_{f1}", "Ana", "Pérez", NULL, NULL, 32, "ana.perez", NULL },
		{ "literal run collapsed", "{g1}..--{f1}", "Ana", "Pérez", NULL, NULL, 32, "ana.perez", NULL },
		{ "trim both ends", "_{g2}.{g1}-", "Ana", "Pérez", NULL, NULL, 32, "ana", NULL },
		{ "cut mid word", "{g}.{f}", "Maximiliano", "Fernández", NULL, NULL, 8, "maximili", NULL },
		{ "cut at separator", "{g1}.{f1}", "Ana", "Pérez", NULL, NULL, 4, "ana", NULL },
		{ "cut after separator", "{g1}.{f1}", "Ana", "Pérez", NULL, NULL, 5, "ana.p", NULL },
		{ "cut at separator run", "{g1}._{f1}", "Ana", "Pérez", NULL, NULL, 4, "ana", NULL },
		{ "exact fit", "{g1}.{f1}", "Ana", "Pérez", NULL, NULL, 9, "ana.perez", NULL },
		{ "no limit", "{g}.{f}", "Maximiliano", "Fernández", NULL, NULL, 0, "maximiliano.fernandez", NULL },

		/* errors */
		{ "unknown placeholder", "{g1}.{x}", "Ana", "Pérez", NULL, NULL, 32, NULL,
		  "unknown placeholder \"{x}\" in template \"{g1}.{x}\"" },
		{ "placeholders are lower case", "{G1}", "Ana", "Pérez", NULL, NULL, 32, NULL,
		  "unknown placeholder \"{G1}\"" },
		{ "empty placeholder", "{}", "Ana", "Pérez", NULL, NULL, 32, NULL, "unknown placeholder \"{}\"" },
		{ "unterminated", "{g1}.{f1", "Ana", "Pérez", NULL, NULL, 32, NULL, "unterminated placeholder \"{f1\"" },
		{ "space literal", "{g1} {f1}", "Ana", "Pérez", NULL, NULL, 32, NULL, "bad literal character ' '" },
		{ "plus literal", "{g1}+{f1}", "Ana", "Pérez", NULL, NULL, 32, NULL, "bad literal character '+'" },
		{ "uppercase literal", "X{f1}", "Ana", "Pérez", NULL, NULL, 32, NULL, "bad literal character 'X'" },
		{ "non-ascii literal", "{g1}ñ", "Ana", "Pérez", NULL, NULL, 32, NULL, "bad literal character 'ñ'" },
		{ "stray brace", "{g1}}", "Ana", "Pérez", NULL, NULL, 32, NULL, "bad literal character '}'" },
		{ "empty f2", "{f2}", "Ana", "Pérez", NULL, NULL, 32, NULL,
		  "the template {f2} gives an empty name for given names 'Ana' family names 'Pérez'" },
		{ "empty after trim", ".{g2}.", "Ana", "Pérez", NULL, NULL, 32, NULL, "gives an empty name" },
		{ "emoji only name", "{g1}", "\xf0\x9f\x98\x80", "Pérez", NULL, NULL, 32, NULL, "gives an empty name" },
		{ "empty template", "", "Ana", "Pérez", NULL, NULL, 32, NULL, "gives an empty name" },
		{ "invalid given", "{g1}", "An\xff", "Pérez", NULL, NULL, 32, NULL, "given names are not valid UTF-8" },
		{ "invalid family", "{g1}", "Ana", "P\xc3", NULL, NULL, 32, NULL, "family names are not valid UTF-8" },
		{ "invalid unit", "{g1}", "Ana", "Pérez", "\xed\xa0\x80", NULL, 32, NULL, "unit is not valid UTF-8" },
	};
	for (size_t i = 0; i < NCASES(cases); i++) {
		struct naming_input in = { cases[i].given, cases[i].family, cases[i].unit, cases[i].position };
		char *out = NULL;
		const char *err = NULL;
		int rc = naming_expand(cases[i].tmpl, &in, cases[i].max_len, &out, &err);
		if (cases[i].want != NULL) {
			CHECK(rc == 0 && out != NULL && strcmp(out, cases[i].want) == 0,
			      "%s: got '%s' want '%s' (error: %s)", cases[i].name, out ? out : "(null)",
			      cases[i].want, err ? err : "none");
		} else {
			CHECK(rc == -1 && err != NULL && strstr(err, cases[i].err) != NULL,
			      "%s: got '%s' want an error containing '%s' (result: %s)", cases[i].name,
			      err ? err : "(null)", cases[i].err, out ? out : "none");
		}
		free(out);
	}
}

static void test_template_check(void)
{
	/* err NULL: the template is valid */
	static const struct { const char *name, *tmpl, *err; } cases[] = {
		{ "default login", "{g1}.{f1}", NULL },
		{ "default mail after {login}", "login", NULL },
		{ "every placeholder", "{g1}{g2}{g}{gi}{f1}{f2}{f}{fi}{unit}{position}", NULL },
		{ "separators and digits", "{gi}_{f1}-01", NULL },
		{ "may be empty for some people", "{f2}", NULL },
		{ "unknown placeholder", "{g1}.{login}", "unknown placeholder \"{login}\"" },
		{ "unterminated", "{g1", "unterminated placeholder" },
		{ "bad literal", "{g1}@{f1}", "bad literal character '@'" },
		{ "control character", "{g1}\t", "bad literal character U+0009 (a control character)" },
		{ "invalid utf-8", "{g1}\xff", "bad literal character byte 0xff (not UTF-8)" },
		{ "empty", "", "gives an empty name for everyone" },
		{ "separators only", "._-", "gives an empty name for everyone" },
	};
	for (size_t i = 0; i < NCASES(cases); i++) {
		const char *err = NULL;
		int rc = naming_template_check(cases[i].tmpl, &err);
		if (cases[i].err == NULL)
			CHECK(rc == 0, "%s: got '%s' want no error", cases[i].name, err ? err : "(null)");
		else
			CHECK(rc == -1 && err != NULL && strstr(err, cases[i].err) != NULL,
			      "%s: got '%s' want an error containing '%s'", cases[i].name,
			      err ? err : "(null)", cases[i].err);
	}
}

static void test_candidate(void)
{
	static const struct { const char *name, *base; int n; size_t max_len; const char *want; } cases[] = {
		{ "first is the base", "jose.nunez", 1, 32, "jose.nunez" },
		{ "second", "jose.nunez", 2, 32, "jose.nunez2" },
		{ "tenth", "jose.nunez", 10, 32, "jose.nunez10" },
		{ "no limit", "jose.nunez", 10, 0, "jose.nunez10" },
		{ "second cut", "jose.nunez", 2, 10, "jose.nune2" },
		{ "tenth cut", "jose.nunez", 10, 10, "jose.nun10" },
		{ "second cut at separator", "jose.nunez", 2, 6, "jose2" },
		{ "tenth cut at separator", "jose.nunez", 10, 7, "jose10" },
		{ "first cut at separator", "ana.perez", 1, 4, "ana" },
		{ "exact fit", "ana", 10, 5, "ana10" },
		{ "below one is the base", "ana", 0, 32, "ana" },
		{ "no room keeps one letter", "ab", 100, 3, "a100" },
	};
	for (size_t i = 0; i < NCASES(cases); i++) {
		char *got = naming_candidate(cases[i].base, cases[i].n, cases[i].max_len);
		CHECK(got != NULL && strcmp(got, cases[i].want) == 0, "%s: got '%s' want '%s'",
		      cases[i].name, got ? got : "(null)", cases[i].want);
		free(got);
	}

	/* deterministic, within max_len, and never the same twice for one base */
	enum { N = 999 };
	static char *seen[N + 1];
	int unstable = 0, too_long = 0, repeat = 0;
	for (int n = 1; n <= N; n++) {
		char *again = naming_candidate("jose.nunez", n, 6);
		seen[n] = naming_candidate("jose.nunez", n, 6);
		if (!unstable && strcmp(again, seen[n]) != 0)
			unstable = n;
		if (!too_long && strlen(seen[n]) > 6)
			too_long = n;
		for (int m = 1; m < n && !repeat; m++)
			if (strcmp(seen[m], seen[n]) == 0)
				repeat = n;
		free(again);
	}
	CHECK(!unstable, "candidate %d: got two different names want the same twice", unstable);
	CHECK(!too_long, "candidate %d: got '%s' want at most 6 characters", too_long, seen[too_long ? too_long : 1]);
	CHECK(!repeat, "candidate %d: got '%s' again want a new name", repeat, seen[repeat ? repeat : 1]);
	CHECK_STR(seen[N], "jos999");
	for (int n = 1; n <= N; n++)
		free(seen[n]);
}

int main(void)
{
	test_transliterate();
	test_expand();
	test_template_check();
	test_candidate();
	return unit_done("test-naming");
}
