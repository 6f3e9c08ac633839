/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Basic credential parsing, base64, token shape, constant-time compare. */
#include "config.h"
#include "auth.h"
#include "crypto.h"
#include "tokens.h"
#include "unit.h"

#include <stdlib.h>

int main(void)
{
	char *l = NULL, *p = NULL;
	/* "aaf.ramos:dev-password" */
	CHECK_INT(auth_parse_basic("YWFmLnJhbW9zOmRldi1wYXNzd29yZA==", &l, &p), 0);
	CHECK_STR(l, "aaf.ramos");
	CHECK_STR(p, "dev-password");
	free(l); free(p);
	/* "u:pa:ss" keeps everything after the first colon */
	CHECK_INT(auth_parse_basic("dTpwYTpzcw==", &l, &p), 0);
	CHECK_STR(p, "pa:ss");
	free(l); free(p);
	CHECK_INT(auth_parse_basic("bm9jb2xvbg==", &l, &p), -1);	/* "nocolon" */
	CHECK_INT(auth_parse_basic("!!!!", &l, &p), -1);
	CHECK_INT(auth_parse_basic("YQ", &l, &p), -1);		/* bad length */
	CHECK_INT(auth_parse_basic("dQB4OnA=", &l, &p), -1);	/* "u\0x:p" has a NUL */

	unsigned char out[16];
	CHECK_INT(crypto_base64_decode("Zm9vYmFy", out), 6);
	CHECK_STR((char *)out, "foobar");
	CHECK_INT(crypto_base64_decode("Zm8=", out), 2);
	CHECK_INT(crypto_base64_decode("Z=8=", out), -1);	/* data after padding */

	char b64[64];
	crypto_base64url("\xfb\xff", 2, b64);
	CHECK_STR(b64, "-_8");

	char hex[65];
	crypto_sha256_hex("abc", 3, hex);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

	CHECK(tokens_name_valid("hr-feed"), "hr-feed valid");
	CHECK(!tokens_name_valid("HR"), "upper case refused");
	CHECK(!tokens_name_valid("-x"), "leading dash refused");
	CHECK(!tokens_name_valid(""), "empty refused");
	CHECK(crypto_equal("abcd", "abcd", 4) && !crypto_equal("abcd", "abce", 4), "crypto_equal");

	unsigned char r1[32], r2[32];
	CHECK_INT(crypto_random(r1, 32), 0);
	CHECK_INT(crypto_random(r2, 32), 0);
	CHECK(memcmp(r1, r2, 32) != 0, "two random draws differ");
	return unit_done("test-auth");
}
