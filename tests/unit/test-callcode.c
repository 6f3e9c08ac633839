/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The pbx plugin's secrets (plugins/pbx/callcode.c): calling levels, the
 * trivial-code rules, and the generators (lengths, alphabets, no trivial
 * code, every digit drawn, no modulo bias). */
#include "config.h"
#include "pbx.h"
#include "unit.h"

#include <errno.h>
#include <stdlib.h>

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

static void test_levels(void)
{
	CHECK_INT(pbx_level_rank("local"), 1);
	CHECK_INT(pbx_level_rank("mobile"), 2);
	CHECK_INT(pbx_level_rank("national"), 3);
	CHECK_INT(pbx_level_rank("international"), 4);
	CHECK_INT(pbx_level_rank("Local"), 0);
	CHECK_INT(pbx_level_rank(""), 0);
	CHECK_INT(pbx_level_rank(NULL), 0);
	CHECK_STR(pbx_level_name(3), "national");
	CHECK_STR(pbx_level_name(0), NULL);
	CHECK_STR(pbx_level_name(5), NULL);
}

static void test_trivial(void)
{
	/* want NULL: acceptable */
	static const struct { const char *code, *ext, *want; } cases[] = {
		{ "000000", NULL, "all one digit" },
		{ "777777", "2000", "all one digit" },
		{ "123456", NULL, "a run of consecutive digits" },
		{ "654321", NULL, "a run of consecutive digits" },
		{ "890123", NULL, "a run of consecutive digits" },	/* across 9-0 */
		{ "210987", NULL, "a run of consecutive digits" },
		{ "0123", NULL, "a run of consecutive digits" },
		{ "121212", NULL, "a repeated group of digits" },
		{ "123123", NULL, "a repeated group of digits" },
		{ "4545", NULL, "a repeated group of digits" },
		{ "12341234", NULL, "a repeated group of digits" },
		{ "2001", "2001", "the extension" },
		{ "520017", "2001", "contains the extension" },
		{ "200159", "2001", "contains the extension" },
		{ "739204", "2001", NULL },
		{ "123457", NULL, NULL },			/* a run broken at the end */
		{ "1212121", NULL, "a repeated group of digits" },	/* the last repeat cut short */
		{ "1231241", NULL, NULL },
		{ "121213", NULL, NULL },
		{ "902183", "", NULL },
		{ "90218a", NULL, "not only digits" },
		{ "", NULL, "empty" },
	};
	for (size_t i = 0; i < NCASES(cases); i++) {
		const char *got = pbx_code_trivial(cases[i].code, cases[i].ext);
		CHECK(got == cases[i].want || (got && cases[i].want && strcmp(got, cases[i].want) == 0),
		      "pbx_code_trivial(%s, %s): got '%s' want '%s'", cases[i].code, cases[i].ext ? cases[i].ext : "NULL",
		      got ? got : "(acceptable)", cases[i].want ? cases[i].want : "(acceptable)");
	}
}

static void test_codes(void)
{
	char code[PBX_CODE_MAX + 1];
	long count[10] = { 0 };
	int bad = 0, nontrivial = 1;
	for (int i = 0; i < 5000; i++) {
		if (pbx_make_code(code, sizeof(code), 6, "2001") < 0 || strlen(code) != 6) {
			bad++;
			continue;
		}
		if (pbx_code_trivial(code, "2001") != NULL)
			nontrivial = 0;
		for (int k = 0; k < 6; k++)
			count[code[k] - '0']++;
	}
	CHECK_INT(bad, 0);
	CHECK(nontrivial, "a generated code was trivial");
	/* 30000 digits, 3000 expected each; 5 sigma is about 260 */
	for (int d = 0; d < 10; d++)
		CHECK(count[d] > 2700 && count[d] < 3300, "digit %d drawn %ld times of 30000", d, count[d]);
	for (int len = PBX_CODE_MIN; len <= PBX_CODE_MAX; len++) {
		CHECK_INT(pbx_make_code(code, sizeof(code), len, NULL), 0);
		CHECK_INT(strlen(code), len);
	}
	errno = 0;
	CHECK_INT(pbx_make_code(code, sizeof(code), PBX_CODE_MIN - 1, NULL), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_INT(pbx_make_code(code, sizeof(code), PBX_CODE_MAX + 1, NULL), -1);
	CHECK_INT(pbx_make_code(code, 6, 6, NULL), -1);	/* no room for the NUL */
	/* a one-digit extension: no code has that digit at all */
	char four[5];
	int r = 0;
	for (int i = 0; i < 3 && r == 0; i++)
		r = pbx_make_code(four, sizeof(four), 4, "0") == 0 && strchr(four, '0') != NULL;
	CHECK_INT(r, 0);
}

static void test_random_below(void)
{
	/* bound 3: 256 % 3 = 1, so byte 255 would favour 0 without rejection;
	 * with it the three values are equally likely */
	unsigned char v[30000];
	long count[3] = { 0 };
	CHECK_INT(pbx_random_below(v, sizeof(v), 3), 0);
	for (size_t i = 0; i < sizeof(v); i++)
		count[v[i] < 3 ? v[i] : 0] += v[i] < 3 ? 1 : 100000;
	for (int k = 0; k < 3; k++)
		CHECK(count[k] > 9500 && count[k] < 10500, "value %d drawn %ld times of 30000", k, count[k]);
	CHECK_INT(pbx_random_below(v, 1, 0), -1);
	CHECK_INT(pbx_random_below(v, 1, 257), -1);
	CHECK_INT(pbx_random_below(v, 16, 256), 0);
}

static void test_passwords(void)
{
	char a[PBX_PASSWORD_LENGTH + 1], b[PBX_PASSWORD_LENGTH + 1];
	CHECK_INT(pbx_make_password(a, sizeof(a)), 0);
	CHECK_INT(pbx_make_password(b, sizeof(b)), 0);
	CHECK_INT(strlen(a), PBX_PASSWORD_LENGTH);
	CHECK(PBX_PASSWORD_LENGTH >= 16, "passwords of %d characters", PBX_PASSWORD_LENGTH);
	CHECK(strcmp(a, b) != 0, "two passwords are the same: %s", a);
	CHECK(strspn(a, PBX_PASSWORD_ALPHABET) == PBX_PASSWORD_LENGTH, "password %s leaves the alphabet", a);
	CHECK(strpbrk(PBX_PASSWORD_ALPHABET, "0O1lIio") == NULL, "the alphabet has look-alike characters");
	CHECK_INT(pbx_make_password(a, PBX_PASSWORD_LENGTH), -1);
}

int main(void)
{
	test_levels();
	test_trivial();
	test_codes();
	test_random_below();
	test_passwords();
	return unit_done("test-callcode");
}
