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

#include <strings.h>

const char fuzz_target_name[] = "fuzz-basic";

static void base64(struct buf *b, const unsigned char *s, size_t n)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) |
			     (i + 2 < n ? s[i + 2] : 0);
		buf_putc(b, t[v >> 18 & 63]);
		buf_putc(b, t[v >> 12 & 63]);
		buf_putc(b, i + 1 < n ? t[v >> 6 & 63] : '=');
		buf_putc(b, i + 2 < n ? t[v & 63] : '=');
	}
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

		struct buf pair = BUF_INIT, enc = BUF_INIT;
		buf_printf(&pair, "%s:%s", login, password);
		base64(&enc, (const unsigned char *)buf_str(&pair), pair.len);
		char *l2 = NULL, *p2 = NULL;
		FUZZ_CHECK(auth_parse_basic(buf_str(&enc), &l2, &p2) == 0, "the canonical form %s is refused",
			   buf_str(&enc));
		FUZZ_CHECK(strcmp(l2, login) == 0 && strcmp(p2, password) == 0, "%s reads back differently",
			   buf_str(&enc));
		free(l2);
		free(p2);
		buf_free(&pair);
		buf_free(&enc);
		free(login);
		free(password);
	} else
		FUZZ_CHECK(login == NULL && password == NULL, "a refusal that set its results");
	free(value);
	return 0;
}
