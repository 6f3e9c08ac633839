/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * unit.h - a tiny table-friendly test helper: CHECK prints "got X want Y"
 * style failures with the line, and unit_done() prints the closing
 * "N passed, N failed" line and the exit status.
 */
#ifndef PVD_UNIT_H
#define PVD_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_pass, unit_fail;

#define CHECK(cond, ...) do { \
	if (cond) unit_pass++; \
	else { unit_fail++; fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
	       fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } \
} while (0)

#define CHECK_STR(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	CHECK(g_ != NULL && w_ != NULL ? strcmp(g_, w_) == 0 : g_ == w_, \
	      "%s: got '%s' want '%s'", #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
} while (0)

#define CHECK_INT(got, want) do { \
	long g_ = (long)(got), w_ = (long)(want); \
	CHECK(g_ == w_, "%s: got %ld want %ld", #got, g_, w_); \
} while (0)

static inline int unit_done(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, unit_pass, unit_fail);
	return unit_fail == 0 ? 0 : 1;
}

#endif
