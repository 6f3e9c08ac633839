/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	timeparse - strict date and timestamp parsing (see timeparse.h)
 */
#include "config.h"
#include "timeparse.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* days from civil (Howard Hinnant's algorithm) */
static long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int parse_ymd(const char *s, int *y, int *m, int *d)
{
	if (digits(s, 4, y) < 0 || s[4] != '-' || digits(s + 5, 2, m) < 0 || s[7] != '-' ||
	    digits(s + 8, 2, d) < 0)
		return -1;
	if (*y < 1900 || *y > 9999 || *m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m))
		return -1;
	return 0;
}

int parse_date(const char *s, long *days_r)
{
	int y, m, d;
	if (strlen(s) != 10 || parse_ymd(s, &y, &m, &d) < 0)
		return -1;
	*days_r = days_from_civil(y, m, d);
	return 0;
}

int parse_timestamp(const char *s, time_t *t_r)
{
	int y, mo, d, h, mi, sec = 0, oh = 0, om = 0, sign = 0;
	size_t n = strlen(s), i;

	if (n < 17 || parse_ymd(s, &y, &mo, &d) < 0 || (s[10] != 'T' && s[10] != 't'))
		return -1;
	if (digits(s + 11, 2, &h) < 0 || s[13] != ':' || digits(s + 14, 2, &mi) < 0)
		return -1;
	i = 16;
	if (s[i] == ':') {
		if (digits(s + i + 1, 2, &sec) < 0)
			return -1;
		i += 3;
		if (s[i] == '.') {
			i++;
			size_t f = i;
			while (isdigit((unsigned char)s[i]))
				i++;
			if (i == f || i - f > 9)
				return -1;
		}
	}
	if (h > 23 || mi > 59 || sec > 59)
		return -1;
	if ((s[i] == 'Z' || s[i] == 'z') && s[i + 1] == '\0') {
		sign = 0;
	} else if ((s[i] == '+' || s[i] == '-') && n - i == 6) {
		sign = s[i] == '+' ? 1 : -1;
		if (digits(s + i + 1, 2, &oh) < 0 || s[i + 3] != ':' || digits(s + i + 4, 2, &om) < 0 ||
		    oh > 23 || om > 59)
			return -1;
	} else {
		return -1;
	}
	long long t = (long long)days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	t -= (long long)sign * (oh * 3600 + om * 60);
	*t_r = (time_t)t;
	return 0;
}

void format_timestamp(time_t t, char out[32])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
