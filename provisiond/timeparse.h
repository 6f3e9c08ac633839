/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	timeparse - strict RFC 3339 timestamps and ISO dates from requests
 * DESCRIPTION
 *	PostgreSQL would accept "tomorrow" or "12/1/26"; the API accepts only
 *	what it documents, and says what is wrong. Parsed values are handed
 *	to PostgreSQL as canonical text.
 */
#ifndef PVD_TIMEPARSE_H
#define PVD_TIMEPARSE_H

#include <time.h>

/* "2026-12-01" -> 0 and days since 1970-01-01 in *days_r; -1 otherwise. */
int parse_date(const char *s, long *days_r);
/* "2026-12-01T18:30:00Z", "...T18:30-04:00", "...T18:30:00.123+01:00"
 * -> 0 and *t_r (UTC seconds); -1 otherwise. The offset is required. */
int parse_timestamp(const char *s, time_t *t_r);
/* Writes "2026-12-01T22:30:00Z" (21 bytes with NUL). */
void format_timestamp(time_t t, char out[32]);

#endif
