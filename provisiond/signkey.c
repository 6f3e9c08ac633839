/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	signkey - Ed25519 key file, signatures (see signkey.h)
 */
#include "config.h"
#include "signkey.h"
#include "crypto.h"
#include "tpool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

struct signkey {
	EVP_PKEY *pkey;
	char id[17];
	char pub_b64[45];
};

static const char *ssl_error(void)
{
	unsigned long e = ERR_get_error();
	char buf[256];
	if (e == 0)
		return "unknown libcrypto error";
	ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return t_strdup(buf);
}

static int fill_public(struct signkey *k, const char *path, const char **error_r)
{
	unsigned char raw[32];
	size_t len = sizeof(raw);
	if (EVP_PKEY_get_base_id(k->pkey) != EVP_PKEY_ED25519 ||
	    EVP_PKEY_get_raw_public_key(k->pkey, raw, &len) != 1 || len != 32) {
		*error_r = t_printf("changelog_key_file %s: not an Ed25519 private key", path);
		return -1;
	}
	unsigned char md[32];
	crypto_sha256(raw, 32, md);
	crypto_hex(md, 8, k->id);
	EVP_EncodeBlock((unsigned char *)k->pub_b64, raw, 32);
	return 0;
}

/* A new key written to path with O_EXCL and mode 0600. */
static EVP_PKEY *generate(const char *path, const char **error_r)
{
	EVP_PKEY *pkey = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
	if (ctx == NULL || EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_keygen(ctx, &pkey) != 1) {
		*error_r = t_printf("changelog_key_file %s: making a key failed: %s", path, ssl_error());
		EVP_PKEY_CTX_free(ctx);
		return NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	FILE *fp = fd < 0 ? NULL : fdopen(fd, "w");
	if (fp == NULL) {
		*error_r = t_printf("changelog_key_file %s: cannot create: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		EVP_PKEY_free(pkey);
		return NULL;
	}
	int ok = PEM_write_PrivateKey(fp, pkey, NULL, NULL, 0, NULL, NULL) == 1;
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0)
		ok = 0;
	if (fclose(fp) != 0)
		ok = 0;
	if (!ok) {
		*error_r = t_printf("changelog_key_file %s: writing the key failed: %s", path, strerror(errno));
		unlink(path);
		EVP_PKEY_free(pkey);
		return NULL;
	}
	return pkey;
}

struct signkey *signkey_load(const char *path, int create, int *created_r, const char **error_r)
{
	struct stat sb;
	EVP_PKEY *pkey = NULL;
	if (created_r != NULL)
		*created_r = 0;
	if (path == NULL || *path == '\0') {
		*error_r = "changelog_key_file is not set";
		return NULL;
	}
	if (stat(path, &sb) < 0) {
		if (errno != ENOENT || !create) {
			*error_r = t_printf("changelog_key_file %s: %s", path, strerror(errno));
			return NULL;
		}
		if ((pkey = generate(path, error_r)) == NULL)
			return NULL;
		if (created_r != NULL)
			*created_r = 1;
	} else {
		if (!S_ISREG(sb.st_mode)) {
			*error_r = t_printf("changelog_key_file %s: not a regular file", path);
			return NULL;
		}
		if (sb.st_mode & 077) {
			*error_r = t_printf("changelog_key_file %s: mode %04o lets others read the signing key "
					    "(chmod 600 it)", path, (unsigned)(sb.st_mode & 07777));
			return NULL;
		}
		FILE *fp = fopen(path, "re");
		if (fp == NULL) {
			*error_r = t_printf("changelog_key_file %s: %s", path, strerror(errno));
			return NULL;
		}
		pkey = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
		fclose(fp);
		if (pkey == NULL) {
			*error_r = t_printf("changelog_key_file %s: not a PEM private key: %s", path, ssl_error());
			return NULL;
		}
	}
	struct signkey *k = calloc(1, sizeof(*k));
	if (k == NULL) {
		EVP_PKEY_free(pkey);
		*error_r = "out of memory";
		return NULL;
	}
	k->pkey = pkey;
	if (fill_public(k, path, error_r) < 0) {
		signkey_free(k);
		return NULL;
	}
	return k;
}

void signkey_free(struct signkey *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

const char *signkey_id(const struct signkey *k) { return k->id; }
const char *signkey_public_b64(const struct signkey *k) { return k->pub_b64; }

int signkey_sign(const struct signkey *k, const void *msg, size_t n, char out[89])
{
	unsigned char sig[64];
	size_t len = sizeof(sig);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok = md != NULL && EVP_DigestSignInit(md, NULL, NULL, NULL, k->pkey) == 1 &&
		 EVP_DigestSign(md, sig, &len, msg, n) == 1 && len == 64;
	EVP_MD_CTX_free(md);
	if (!ok) {
		ERR_clear_error();
		return -1;
	}
	EVP_EncodeBlock((unsigned char *)out, sig, 64);
	return 0;
}

int signkey_verify(const struct signkey *k, const void *msg, size_t n, const char *sig_b64)
{
	unsigned char sig[96];
	if (sig_b64 == NULL || strlen(sig_b64) != 88 || crypto_base64_decode(sig_b64, sig) != 64)
		return 0;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok = md != NULL && EVP_DigestVerifyInit(md, NULL, NULL, NULL, k->pkey) == 1 &&
		 EVP_DigestVerify(md, sig, 64, msg, n) == 1;
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	return ok;
}
