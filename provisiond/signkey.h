/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	signkey - the change log's Ed25519 signing key, kept in a file
 * DESCRIPTION
 *	The key signs the change log's heads (sealer.h). It lives in a file
 *	only the daemon's user may read (PKCS#8 PEM, as `openssl genpkey
 *	-algorithm ed25519` writes it), never in the database: a database
 *	superuser who rewrites entries cannot sign the result. A missing file
 *	is created with a new key (like an SSH host key); a file others can
 *	read is refused. The key id is the first 16 hex digits of the SHA-256
 *	of the raw public key, which is also published (base64) with every
 *	head so auditors can check a signature with openssl alone.
 */
#ifndef PVD_SIGNKEY_H
#define PVD_SIGNKEY_H

#include <stddef.h>

struct signkey;

/* Loads path, or creates it when create is set and it does not exist.
 * NULL + *error_r ("changelog_key_file /x: mode 0644: readable by others")
 * on error. *created_r (may be NULL) says a new key was written. */
struct signkey *signkey_load(const char *path, int create, int *created_r, const char **error_r);
void signkey_free(struct signkey *k);

const char *signkey_id(const struct signkey *k);		/* 16 hex digits */
const char *signkey_public_b64(const struct signkey *k);	/* raw 32-byte key, base64 */

/* Signs msg; writes base64 into out (at least 89 bytes). 0 or -1. */
int signkey_sign(const struct signkey *k, const void *msg, size_t n, char out[89]);
/* 1 when sig_b64 is k's signature of msg, else 0. */
int signkey_verify(const struct signkey *k, const void *msg, size_t n, const char *sig_b64);

#endif
