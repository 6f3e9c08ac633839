/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	fuzz-basic - HTTP Basic credentials (auth_parse_basic)
 * DESCRIPTION
 *	Input: an Authorization header value. "Basic " (any case) and the
 *	spaces after it are taken off as auth_check does; what remains goes
 *	to auth_parse_basic, which decodes base64 and splits at the first
 *	colon.
 *
 *	Invariants: a refusal leaves nothing allocated (LeakSanitizer says
 *	so); an acceptance gives a login without a colon and a password whose
 *	lengths add up to the decoded text; and the pair, encoded again as a
 *	client would (canonical base64), is read back as the same pair.
 *	Values over 4096 bytes are refused.
 */
#include "config.h"
#include "auth.h"
#include "buf.h"
#include "fuzz.h"

#include <openssl/evp.h>
#include <strings.h>

const char fuzz_target_name[] = "fuzz-basic";

/* The client's side of it from OpenSSL, not from the daemon's code: the
 * decoder is checked against an encoder it shares nothing with. */
static char *encode_base64(const char *s, size_t n)
{
	unsigned char *out = xmalloc(4 * ((n + 2) / 3) + 1);
	EVP_EncodeBlock(out, (const unsigned char *)s, (int)n);
	return (char *)out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *value = fuzz_string(data, size);
	const char *cred = value;
	if (strncasecmp(cred, "Basic ", 6) == 0)
		for (cred += 6; *cred == ' '; cred++)
			;
	char *login = NULL, *password = NULL;
	if (auth_parse_basic(cred, &login, &password) == 0) {
		FUZZ_CHECK(strlen(cred) <= 4096, "a %zu-byte credential accepted", strlen(cred));
		FUZZ_CHECK(login != NULL && password != NULL, "accepted without both parts");
		FUZZ_CHECK(strchr(login, ':') == NULL, "the login '%s' holds a colon", login);
		size_t decoded = strlen(login) + 1 + strlen(password);
		FUZZ_CHECK(decoded <= strlen(cred) / 4 * 3 && decoded + 2 >= strlen(cred) / 4 * 3,
			   "%zu bytes decoded from %zu of base64", decoded, strlen(cred));

		struct buf pair = BUF_INIT;
		buf_printf(&pair, "%s:%s", login, password);
		char *enc = encode_base64(buf_str(&pair), pair.len);
		char *l2 = NULL, *p2 = NULL;
		FUZZ_CHECK(auth_parse_basic(enc, &l2, &p2) == 0, "the canonical form %s is refused", enc);
		FUZZ_CHECK(strcmp(l2, login) == 0 && strcmp(p2, password) == 0, "%s reads back differently", enc);
		free(l2);
		free(p2);
		buf_free(&pair);
		free(enc);
		free(login);
		free(password);
	} else
		FUZZ_CHECK(login == NULL && password == NULL, "a refusal that set its results");
	free(value);
	return 0;
}
