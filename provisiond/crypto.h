/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	crypto - random bytes, hashes and encodings used by tokens and logs
 * DESCRIPTION
 *	Randomness comes from getrandom(2) (the kernel CSPRNG); SHA-256 from
 *	OpenSSL's libcrypto. Functions returning int give 0 or -1.
 */
#ifndef PVD_CRYPTO_H
#define PVD_CRYPTO_H

#include <stddef.h>

int crypto_random(void *buf, size_t n);
/* out must hold 65 bytes */
void crypto_sha256(const void *data, size_t n, unsigned char out[32]);
void crypto_sha256_hex(const void *data, size_t n, char out[65]);
void crypto_hex(const void *data, size_t n, char *out);	/* out: 2n+1 */
/* base64url without padding; out must hold 4*ceil(n/3)+1 */
void crypto_base64url(const void *data, size_t n, char *out);
/* Standard base64 (RFC 4648 with padding). Returns decoded length or -1
 * on any invalid input. out must hold 3*(strlen(in)/4)+1; NUL-terminated. */
long crypto_base64_decode(const char *in, unsigned char *out);
int crypto_equal(const void *a, const void *b, size_t n);	/* constant time, 1 if equal */

#endif
