/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	fuzz-time - strict RFC 3339 timestamps and ISO dates
 * DESCRIPTION
 *	Input: the text of an effective_at, start_date or after= value.
 *
 *	Invariants, checked against the C library's own calendar (gmtime_r):
 *	a date that parses is ten characters and names the day gmtime gives
 *	for it; a timestamp that parses, within years 1900-9999 in UTC,
 *	prints with format_timestamp as a timestamp that parses back to the
 *	same second, its date and time fields match the input's after the
 *	offset is applied, and an input already in that form ("...Z", no
 *	fraction) prints as itself. format_timestamp always fits its 32 bytes.
 */
#include "config.h"
#include "timeparse.h"
#include "fuzz.h"

#include <time.h>

const char fuzz_target_name[] = "fuzz-time";

/* 1900-01-01T00:00:00Z and 9999-12-31T23:59:59Z */
#define T_MIN (-2208988800LL)
#define T_MAX (253402300799LL)

static void check_date(const char *s)
{
	long days;
	if (parse_date(s, &days) < 0)
		return;
	FUZZ_CHECK(strlen(s) == 10, "parse_date took %zu characters: '%s'", strlen(s), s);
	time_t t = (time_t)days * 86400;
	struct tm tm;
	FUZZ_CHECK(gmtime_r(&t, &tm) != NULL, "day %ld", days);
	char back[32];
	snprintf(back, sizeof(back), "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	FUZZ_CHECK(strcmp(back, s) == 0, "'%s' is day %ld, which is %s", s, days, back);
}

static void check_timestamp(const char *s)
{
	time_t t;
	char out[32];
	if (parse_timestamp(s, &t) < 0)
		return;
	memset(out, 'x', sizeof(out));
	format_timestamp(t, out);
	FUZZ_CHECK(memchr(out, '\0', sizeof(out)) != NULL, "format_timestamp(%lld) overflows", (long long)t);
	if ((long long)t < T_MIN || (long long)t > T_MAX)
		return;	/* an offset took it out of the 4-digit years: nothing to read back */

	time_t t2;
	FUZZ_CHECK(parse_timestamp(out, &t2) == 0 && t2 == t, "'%s' is %lld, printed '%s', read back %lld", s,
		   (long long)t, out, (long long)t2);

	/* the fields, with the offset applied, are what gmtime says */
	int y, mo, d, h, mi, sec = 0;
	FUZZ_CHECK(sscanf(s, "%4d-%2d-%2d%*1[Tt]%2d:%2d", &y, &mo, &d, &h, &mi) == 5, "'%s' has no fields", s);
	if (s[16] == ':')
		sec = (s[17] - '0') * 10 + (s[18] - '0');
	const char *z = s + strlen(s) - 1;
	long off = 0;
	if (*z != 'Z' && *z != 'z') {
		const char *o = s + strlen(s) - 6;
		off = ((o[1] - '0') * 10 + (o[2] - '0')) * 3600L + ((o[4] - '0') * 10 + (o[5] - '0')) * 60L;
		if (*o == '-')
			off = -off;
	}
	time_t local = t + off;
	struct tm tm;
	FUZZ_CHECK(gmtime_r(&local, &tm) != NULL, "gmtime(%lld)", (long long)local);
	FUZZ_CHECK(tm.tm_year + 1900 == y && tm.tm_mon + 1 == mo && tm.tm_mday == d && tm.tm_hour == h &&
		   tm.tm_min == mi && tm.tm_sec == sec, "'%s' is %lld, which is %04d-%02d-%02dT%02d:%02d:%02d at "
		   "that offset", s, (long long)t, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		   tm.tm_min, tm.tm_sec);
	if (strlen(s) == 20 && s[10] == 'T' && s[19] == 'Z')
		FUZZ_CHECK(strcmp(out, s) == 0, "'%s' prints as '%s'", s, out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	check_date(s);
	check_timestamp(s);
	free(s);
	return 0;
}
