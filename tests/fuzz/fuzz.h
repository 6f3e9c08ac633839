/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	fuzz - what every fuzz target shares
 * SYNOPSIS
 *	#include "fuzz.h"
 *
 *	const char fuzz_target_name[] = "fuzz-time";
 *
 *	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
 *	{
 *		char *s = fuzz_string(data, size);
 *		...
 *		FUZZ_CHECK(strlen(out) < 32, "'%s' gives '%s'", s, out);
 *		free(s);
 *		return 0;
 *	}
 * DESCRIPTION
 *	A target is one C file with the libFuzzer entry point. The same file
 *	links two ways: with clang and libFuzzer (tests/fuzz/fuzz-NAME, "make
 *	fuzz"), and with gcc and replay.c (tests/fuzz/fuzz-NAME-replay, which
 *	"make check" runs over tests/fuzz/corpus/NAME).
 *
 *	The daemon's functions take C strings, so inputs are handed to them
 *	as NUL-terminated copies; fuzz_split() cuts one input into several
 *	strings at its NUL bytes (a mutation that moves a NUL moves a field
 *	boundary, which is what a fuzzer is good at).
 *
 *	LLVMFuzzerInitialize() is optional: replay.c calls it when a target
 *	defines it, as libFuzzer does.
 * DIAGNOSTICS
 *	FUZZ_CHECK() prints the broken invariant, with the target's name, and
 *	aborts: libFuzzer and the replay both report that as a crash.
 */
#ifndef PVD_FUZZ_H
#define PVD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* "fuzz-router": for messages, and the corpus folder (corpus/router) */
extern const char fuzz_target_name[];

#define FUZZ_CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s: invariant broken at %s:%d: %s: ", fuzz_target_name, \
			__FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} \
} while (0)

/* A NUL-terminated copy of the input (a NUL inside ends the string, as it
 * would for the daemon). Caller frees. */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (s == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Cuts the input at its first n-1 NUL bytes into n strings (missing ones
 * are ""). Free them with fuzz_split_free. */
static inline void fuzz_split(const uint8_t *data, size_t size, char **parts, int n)
{
	size_t at = 0;
	for (int i = 0; i < n; i++) {
		const uint8_t *nul = at < size ? memchr(data + at, 0, size - at) : NULL;
		size_t len = at >= size ? 0 : nul && i < n - 1 ? (size_t)(nul - (data + at)) : size - at;
		parts[i] = fuzz_string(data + at, len);
		at += len + (nul && i < n - 1 ? 1 : 0);
	}
}

static inline void fuzz_split_free(char **parts, int n)
{
	for (int i = 0; i < n; i++)
		free(parts[i]);
}

#endif
