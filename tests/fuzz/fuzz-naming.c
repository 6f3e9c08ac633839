/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	fuzz-naming - login and mail names from people's names
 * DESCRIPTION
 *	Input: a byte for the length limit and the candidate number, then
 *	template, given names, family names, unit and position separated by
 *	NUL bytes. A template of one character 0-3 stands for one of the
 *	templates a site would configure (so the names get most of the work).
 *
 *	Invariants: naming_template_check and naming_expand agree (a
 *	template the check refuses never expands; one with a literal letter
 *	or digit always gives a name); an expansion is deterministic, within
 *	the limit, only a-z 0-9 '.' '-' '_', no separator at either end nor
 *	two in a row; naming_transliterate gives only a-z 0-9, or fails and
 *	leaves the buffer as it was; naming_candidate keeps the base for n 1,
 *	otherwise ends in the number after part of the base, stays within the
 *	limit when there is room, and leaves no separator before the number.
 */
#include "config.h"
#include "buf.h"
#include "json.h"
#include "naming.h"
#include "tpool.h"
#include "fuzz.h"

const char fuzz_target_name[] = "fuzz-naming";

static const char *const templates[] = { "{g1}.{f1}", "{gi}{f1}{f2}", "{unit}.{g1}-{fi}", "{position}_{g}.{f}" };

static int is_sep(char c) { return c == '.' || c == '-' || c == '_'; }

static void check_name(const char *name, size_t max_len, const char *tmpl)
{
	size_t n = strlen(name);
	FUZZ_CHECK(n > 0, "an empty name from %s", tmpl);
	FUZZ_CHECK(max_len == 0 || n <= max_len, "'%s' is longer than %zu", name, max_len);
	FUZZ_CHECK(!is_sep(name[0]) && !is_sep(name[n - 1]), "'%s' starts or ends with a separator", name);
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || is_sep(c), "'%s' holds 0x%02x", name,
			   (unsigned char)c);
		FUZZ_CHECK(i == 0 || !is_sep(c) || !is_sep(name[i - 1]), "'%s' has two separators in a row", name);
	}
}

static void check_candidate(const char *base, int n, size_t max_len)
{
	char *c = naming_candidate(base, n, max_len), num[16] = "";
	if (n >= 2)
		snprintf(num, sizeof(num), "%d", n);
	size_t clen = strlen(c), nlen = strlen(num), keep = clen - nlen;
	FUZZ_CHECK(clen >= nlen && strcmp(c + keep, num) == 0, "candidate %d of '%s' is '%s'", n, base, c);
	FUZZ_CHECK(keep >= 1 && strncmp(c, base, keep) == 0, "candidate %d of '%s' is '%s'", n, base, c);
	if (n < 2)
		FUZZ_CHECK(strcmp(c, base) == 0, "candidate %d of '%s' is '%s'", n, base, c);
	if (max_len > nlen)
		FUZZ_CHECK(clen <= max_len || strlen(base) + nlen <= max_len, "candidate %d of '%s' is '%s', over %zu",
			   n, base, c, max_len);
	if (nlen > 0)
		FUZZ_CHECK(keep == 1 || !is_sep(c[keep - 1]), "candidate %d of '%s' is '%s'", n, base, c);
	char *again = naming_candidate(base, n, max_len);
	FUZZ_CHECK(strcmp(c, again) == 0, "candidate %d of '%s' is '%s', then '%s'", n, base, c, again);
	free(again);
	free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t max_len = data[0] % 66;	/* 0 (no limit) and login_max_length's 3-64 */
	int n = 1 + data[0] / 66 * 37;	/* 1, 38, 75, 112 */
	char *p[5];
	fuzz_split(data + 1, size - 1, p, 5);
	const char *tmpl = p[0][0] >= '0' && p[0][0] <= '3' && p[0][1] == '\0' ? templates[p[0][0] - '0'] : p[0];
	struct naming_input in = { p[1], p[2], p[3], p[4] };

	for (int i = 1; i < 5; i++) {
		struct buf b = BUF_INIT;
		buf_puts(&b, "x");
		int rc = naming_transliterate(p[i], &b);
		FUZZ_CHECK(rc == 0 || strcmp(buf_str(&b), "x") == 0, "a failed transliteration left '%s'", buf_str(&b));
		FUZZ_CHECK((rc == 0) == (utf8_length(p[i]) >= 0), "transliteration %d, utf8_length %ld", rc,
			   utf8_length(p[i]));
		for (const char *q = buf_str(&b); *q; q++)
			FUZZ_CHECK((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9'), "transliterated to 0x%02x",
				   (unsigned char)*q);
		buf_free(&b);
	}

	unsigned frame = t_push();	/* the errors' strings (tpool.h) */
	const char *err = NULL;
	char *name = NULL;
	int checked = naming_template_check(tmpl, &err);
	err = NULL;
	int rc = naming_expand(tmpl, &in, max_len, &name, &err);
	int names_ok = utf8_length(p[1]) >= 0 && utf8_length(p[2]) >= 0 && utf8_length(p[3]) >= 0 &&
		       utf8_length(p[4]) >= 0;
	if (checked < 0)
		FUZZ_CHECK(rc < 0 || !names_ok, "'%s' fails the check but expands to '%s'", tmpl, name);
	if (rc < 0) {
		FUZZ_CHECK(err != NULL && name == NULL, "a failed expansion without its reason");
		int literal = 0;
		for (const char *q = tmpl; *q; q++)
			if (*q == '{') {
				q = strchr(q, '}');
				if (q == NULL)
					break;
			} else if ((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9'))
				literal = 1;
		FUZZ_CHECK(!(checked == 0 && names_ok && literal), "'%s' has a literal letter but gives nothing: %s",
			   tmpl, err);
	} else {
		check_name(name, max_len, tmpl);
		char *again = NULL;
		const char *err2 = NULL;
		FUZZ_CHECK(naming_expand(tmpl, &in, max_len, &again, &err2) == 0 && strcmp(again, name) == 0,
			   "'%s' gives '%s', then '%s'", tmpl, name, again ? again : err2);
		free(again);
		check_candidate(name, 1, max_len);
		check_candidate(name, n + 1, max_len);
		check_candidate(name, n * 997, max_len);
		free(name);
	}
	fuzz_split_free(p, 5);
	t_pop(frame);
	return 0;
}
