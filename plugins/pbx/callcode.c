/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	callcode - calling levels, SIP passwords and call codes
 * DESCRIPTION
 *	Every secret comes from getrandom(2), drawn by rejection sampling: a
 *	byte is used only below the largest multiple of the alphabet's size,
 *	so each digit or character is exactly uniform.
 *
 *	A call code (UIT-PR01: "conjunto de dígitos establecidos de manera
 *	aleatoria") is refused and drawn again when it is trivial:
 *	  - all one digit: 000000, 777777
 *	  - a run of consecutive digits, up or down, also across 9-0 (a
 *	    keypad run): 123456, 654321, 890123, 321098
 *	  - a repeated group of digits, the last repeat possibly cut short:
 *	    121212, 123123, 1212, 4545, 1212121
 *	  - the owner's extension, or a code containing it: 2001 / 520017
 *	Uniqueness is not decided here: the database's UNIQUE index on the
 *	code hash is the judge, and the plugin draws again on a collision.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "pbx.h"

static const char *const levels[PBX_LEVEL_MAX + 1] = { NULL, "local", "mobile", "national", "international" };

int pbx_level_rank(const char *name)
{
	for (int i = 1; name != NULL && i <= PBX_LEVEL_MAX; i++)
		if (strcmp(name, levels[i]) == 0)
			return i;
	return 0;
}

const char *pbx_level_name(int rank)
{
	return rank >= 1 && rank <= PBX_LEVEL_MAX ? levels[rank] : NULL;
}

static int fill_random(unsigned char *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = getrandom(buf + got, n - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)r;
	}
	return 0;
}

int pbx_random_below(unsigned char *out, size_t n, unsigned bound)
{
	if (bound == 0 || bound > 256) {
		errno = EINVAL;
		return -1;
	}
	unsigned limit = 256 - 256 % bound;	/* bytes >= limit would favour the low values */
	unsigned char pool[64];
	size_t have = 0, used = 0;
	for (size_t i = 0; i < n;) {
		if (used == have) {
			if (fill_random(pool, sizeof(pool)) < 0) {
				explicit_bzero(pool, sizeof(pool));
				return -1;
			}
			have = sizeof(pool);
			used = 0;
		}
		unsigned b = pool[used++];
		if (b < limit)
			out[i++] = (unsigned char)(b % bound);
	}
	explicit_bzero(pool, sizeof(pool));
	return 0;
}

int pbx_make_password(char *out, size_t size)
{
	static const char alphabet[] = PBX_PASSWORD_ALPHABET;
	unsigned char v[PBX_PASSWORD_LENGTH];
	if (size <= PBX_PASSWORD_LENGTH) {
		errno = EINVAL;
		return -1;
	}
	if (pbx_random_below(v, sizeof(v), sizeof(alphabet) - 1) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(v); i++)
		out[i] = alphabet[v[i]];
	out[PBX_PASSWORD_LENGTH] = '\0';
	explicit_bzero(v, sizeof(v));
	return 0;
}

/* Every step from one digit to the next is +step (mod 10). */
static int run_of(const char *code, size_t n, int step)
{
	for (size_t i = 1; i < n; i++)
		if ((code[i - 1] - '0' + step + 10) % 10 != code[i] - '0')
			return 0;
	return 1;
}

const char *pbx_code_trivial(const char *code, const char *extension)
{
	size_t n = strlen(code);
	if (n == 0)
		return "empty";
	for (size_t i = 0; i < n; i++)
		if (code[i] < '0' || code[i] > '9')
			return "not only digits";
	if (run_of(code, n, 0))
		return "all one digit";
	if (run_of(code, n, 1) || run_of(code, n, -1))
		return "a run of consecutive digits";
	/* a group of p digits repeated: code[i] == code[i - p] for all i */
	for (size_t p = 2; p <= n / 2; p++) {
		size_t i = p;
		while (i < n && code[i] == code[i - p])
			i++;
		if (i == n)
			return "a repeated group of digits";
	}
	if (extension != NULL && extension[0] != '\0') {
		if (strcmp(code, extension) == 0)
			return "the extension";
		if (strstr(code, extension) != NULL)
			return "contains the extension";
	}
	return NULL;
}

int pbx_make_code(char *out, size_t size, int digits, const char *extension)
{
	unsigned char v[PBX_CODE_MAX];
	if (digits < PBX_CODE_MIN || digits > PBX_CODE_MAX || size <= (size_t)digits) {
		errno = EINVAL;
		return -1;
	}
	for (int tries = 0; tries < 1000; tries++) {
		if (pbx_random_below(v, (size_t)digits, 10) < 0)
			return -1;
		for (int i = 0; i < digits; i++)
			out[i] = (char)('0' + v[i]);
		out[digits] = '\0';
		if (pbx_code_trivial(out, extension) == NULL) {
			explicit_bzero(v, sizeof(v));
			return 0;
		}
	}
	explicit_bzero(v, sizeof(v));
	explicit_bzero(out, size);
	errno = EAGAIN;
	return -1;
}
