/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	pbx-secret - digests of SIP passwords and call codes; handing secrets to the host
 * DESCRIPTION
 *	A secret made here (callcode.c draws it) is stored only as a digest:
 *	the SIP password as the ha1/ha1b hashes Kamailio checks, a call code
 *	as the SHA-256 of "<pepper>:<code>". The secret itself goes to
 *	host->deliver_secret, which mails it; buffers that held it are
 *	wiped.
 */
#include "config.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pbx.h"

static int digest_hex(const EVP_MD *md, const char *data, size_t len, char *out, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned dl = 0;
	if (EVP_Digest(data, len, d, &dl, md, NULL) != 1 || size < (size_t)dl * 2 + 1)
		return -1;
	for (unsigned i = 0; i < dl; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[2 * dl] = '\0';
	return 0;
}

/* ha1 = md5(ext:realm:pw), ha1b = md5(ext@realm:realm:pw), as auth_db has them */
int pbx_make_cred(struct pbx_inst *in, const char *ext, const char *pw, long long op_id, struct pbx_cred *c)
{
	char buf[512];
	int n1 = snprintf(buf, sizeof(buf), "%s:%s:%s", ext, in->cf->realm, pw);
	int ok = n1 > 0 && (size_t)n1 < sizeof(buf) && digest_hex(EVP_md5(), buf, (size_t)n1, c->ha1, sizeof(c->ha1)) == 0;
	int n2 = snprintf(buf, sizeof(buf), "%s@%s:%s:%s", ext, in->cf->realm, in->cf->realm, pw);
	ok = ok && n2 > 0 && (size_t)n2 < sizeof(buf) &&
	     digest_hex(EVP_md5(), buf, (size_t)n2, c->ha1b, sizeof(c->ha1b)) == 0;
	explicit_bzero(buf, sizeof(buf));
	c->op_id = op_id;
	return ok ? 0 : -1;
}

/* lower-case hex SHA-256 of "<pepper>:<code>" */
int pbx_code_hash(struct pbx_inst *in, const char *code, char *out, size_t size)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf), "%s:%s", in->cf->pepper, code);
	int ok = n > 0 && (size_t)n < sizeof(buf) && digest_hex(EVP_sha256(), buf, (size_t)n, out, size) == 0;
	explicit_bzero(buf, sizeof(buf));
	return ok ? 0 : -1;
}

/* A new password for extension e: digests into cred, the password to the
 * host. 0, or -1 with res (nothing is changed by this function). */
int pbx_new_password(struct pbx_inst *in, const struct pvd_op *op, const struct pbx_ext *e, struct pbx_cred *cred,
			char *pw, size_t size, struct pvd_result *res)
{
	if (pbx_make_password(pw, size) < 0) {
		pbx_set(res, PVD_RETRY, "making a SIP password failed: getrandom: %s", strerror(errno));
		return -1;
	}
	if (pbx_make_cred(in, e->extension, pw, op->id, cred) < 0) {
		pbx_set(res, PVD_FAIL, "computing the digest credentials of extension %s failed (OpenSSL MD5)",
			e->extension);
		return -1;
	}
	return 0;
}

int pbx_deliver(struct pbx_inst *in, const struct pvd_op *op, const char *what, const char *secret, const char *note,
		   struct pvd_result *res)
{
	char *err = NULL;
	if (in->host->deliver_secret(op, what, secret, note, &err) < 0) {
		pbx_set(res, PVD_FAIL, "%s; nothing was changed", err ? err : "deliver_secret failed");
		free(err);
		return -1;
	}
	return 0;
}
