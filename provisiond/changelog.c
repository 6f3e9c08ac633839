/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	changelog - append, seal and head of the change log (see changelog.h)
 * DESCRIPTION
 *	The verification walk is in changelog_verify.c.
 */
#include "config.h"
#include "changelog.h"
#include "buf.h"
#include "crypto.h"
#include "tpool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#define AT_US(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

enum db_status changelog_append(const struct cl_entry *e, const char **error_r)
{
	char req[32];
	char *before = e->before ? json_dumps(e->before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *after = e->after ? json_dumps(e->after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	snprintf(req, sizeof(req), "%lld", e->request_id);
	const char *params[11] = {
		e->actor, e->actor_role, e->request_id ? req : NULL, e->employee_number, e->system,
		e->action, e->object, before, after, e->outcome ? e->outcome : "ok", e->error,
	};
	/* no lock and no read: the sealer chains it after the commit; it
	 * travels with the transaction's next statement */
	enum db_status st = db_defer("changelog.append",
		"INSERT INTO changelog (at, actor, actor_role, request_id, employee_number, system, action, object, "
		"before, after, outcome, error) VALUES (date_trunc('microseconds', clock_timestamp()), $1, $2, "
		"$3::bigint, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10, $11)",
		11, params, error_r);
	free(before);
	free(after);
	return st;
}

void changelog_digest(const char *const f[CLD_NFIELDS], const char *prev_hash, char out[65])
{
	unsigned char md[32];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	/* the position, and ":seq" when the entry's seq differs from it */
	EVP_DigestUpdate(ctx, f[CLD_POS], strlen(f[CLD_POS]));
	if (strcmp(f[CLD_POS], f[CLD_SEQ]) != 0) {
		EVP_DigestUpdate(ctx, ":", 1);
		EVP_DigestUpdate(ctx, f[CLD_SEQ], strlen(f[CLD_SEQ]));
	}
	for (int i = CLD_AT; i < CLD_NFIELDS; i++) {
		const char *v = f[i] ? f[i] : "\\N";
		EVP_DigestUpdate(ctx, "\x1f", 1);
		EVP_DigestUpdate(ctx, v, strlen(v));
	}
	EVP_DigestUpdate(ctx, "\x1f", 1);
	EVP_DigestUpdate(ctx, prev_hash, strlen(prev_hash));
	EVP_DigestFinal_ex(ctx, md, NULL);
	EVP_MD_CTX_free(ctx);
	crypto_hex(md, 32, out);
}

char *changelog_head_text(long long no, long long last_pos, const char *head_hash, const char *sealed_at)
{
	return xasprintf("provisiond change log head v1\nseal %lld\npos %lld\nhash %s\nsealed_at %s\n", no, last_pos,
			 head_hash, sealed_at);
}

/* ---- sealing ------------------------------------------------------------------ */

/* Checks that the newest seal (row 0 of r: no, last_pos, head_hash,
 * sealed_at, key_id, signature, max pos, hash at max pos) matches the
 * chain's end and is ours. 0, or -1 + *error_r. */
static int check_last_seal(const struct signkey *k, PGresult *r, const char **error_r)
{
	const char *no = PQgetvalue(r, 0, 0), *last = PQgetvalue(r, 0, 1), *head = PQgetvalue(r, 0, 2);
	const char *maxpos = PQgetisnull(r, 0, 6) ? "(none)" : PQgetvalue(r, 0, 6);
	const char *maxhash = PQgetisnull(r, 0, 7) ? "(none)" : PQgetvalue(r, 0, 7);
	if (strcmp(last, maxpos) != 0 || strcmp(head, maxhash) != 0) {
		*error_r = t_printf("the newest seal #%s ends at pos %s with hash %.16s…, but the chain ends at pos %s "
				    "with hash %.16s…: refusing to extend a chain that was changed (run changelog verify)",
				    no, last, head, maxpos, maxhash);
		return -1;
	}
	if (strcmp(PQgetvalue(r, 0, 4), signkey_id(k)) != 0) {
		*error_r = t_printf("the newest seal #%s was signed by key %s, not by this daemon's key %s "
				    "(daemons sharing a database share changelog_key_file)",
				    no, PQgetvalue(r, 0, 4), signkey_id(k));
		return -1;
	}
	char *text = changelog_head_text(atoll(no), atoll(last), head, PQgetvalue(r, 0, 3));
	int good = signkey_verify(k, text, strlen(text), PQgetvalue(r, 0, 5));
	free(text);
	if (!good) {
		*error_r = t_printf("the newest seal #%s does not carry a valid signature: refusing to extend it", no);
		return -1;
	}
	return 0;
}

int changelog_seal(const struct signkey *k, int limit, struct cl_known_head *mine, int *sealed_r,
		   const char **error_r)
{
	enum db_status st;
	char lim[16], minepos[24];
	*sealed_r = 0;
	snprintf(minepos, sizeof(minepos), "%lld", mine->pos);
	const char *hp[1] = { mine->pos > 0 ? minepos : NULL };
	if ((st = db_begin(error_r)) != DB_OK)
		return -1;
	PGresult *r = db_query("changelog.seal_head",
		"SELECT s.no, s.last_pos, s.head_hash, " AT_US("s.sealed_at") ", s.key_id, s.signature, m.pos, m.hash, "
		AT_US("now()") ", (SELECT hash FROM changelog WHERE pos = $1::bigint) "
		"FROM (SELECT pg_advisory_xact_lock(" CHANGELOG_SEALER_LOCK ")) l "
		"LEFT JOIN LATERAL (SELECT * FROM changelog_seals ORDER BY no DESC LIMIT 1) s ON true "
		"LEFT JOIN LATERAL (SELECT pos, hash FROM changelog WHERE pos IS NOT NULL ORDER BY pos DESC LIMIT 1) m ON true",
		1, hp, &st, error_r);
	if (r == NULL)
		goto fail;
	if (mine->pos > 0 && (PQgetisnull(r, 0, 9) || strcmp(PQgetvalue(r, 0, 9), mine->hash) != 0)) {
		*error_r = t_printf("the change log was rewritten: pos %lld no longer has the hash %.16s… this daemon "
				    "sealed (it has %.16s…); refusing to seal (run changelog verify)", mine->pos,
				    mine->hash, PQgetisnull(r, 0, 9) ? "no entry" : PQgetvalue(r, 0, 9));
		PQclear(r);
		goto fail;
	}
	long long no = 1, pos = 0;
	char prev[65] = ZERO_HASH, now[40];
	snprintf(now, sizeof(now), "%s", PQgetvalue(r, 0, 8));
	if (!PQgetisnull(r, 0, 0)) {
		if (check_last_seal(k, r, error_r) < 0) {
			PQclear(r);
			goto fail;
		}
		no = atoll(PQgetvalue(r, 0, 0)) + 1;
	}
	if (!PQgetisnull(r, 0, 6)) {
		/* with no seal yet, the entries chained before sealing existed */
		pos = atoll(PQgetvalue(r, 0, 6));
		snprintf(prev, sizeof(prev), "%s", PQgetvalue(r, 0, 7));
	}
	int adopt = PQgetisnull(r, 0, 0) && pos > 0;
	PQclear(r);

	snprintf(lim, sizeof(lim), "%d", limit);
	const char *lp[1] = { lim };
	r = db_query("changelog.unsealed",
		"SELECT seq::text, " AT_US("at") ", actor, actor_role, request_id::text, employee_number, system, action, "
		"object, before::text, after::text, outcome, error FROM changelog WHERE pos IS NULL ORDER BY seq LIMIT $1::int",
		1, lp, &st, error_r);
	if (r == NULL)
		goto fail;
	int n = PQntuples(r);
	if (n == 0 && !adopt) {
		PQclear(r);
		db_rollback();
		return 0;
	}
	struct buf seqs = BUF_INIT, poss = BUF_INIT, prevs = BUF_INIT, hashes = BUF_INIT;
	buf_putc(&seqs, '{'); buf_putc(&poss, '{'); buf_putc(&prevs, '{'); buf_putc(&hashes, '{');
	for (int i = 0; i < n; i++) {
		char posbuf[24], h[65];
		const char *f[CLD_NFIELDS];
		snprintf(posbuf, sizeof(posbuf), "%lld", ++pos);
		f[CLD_POS] = posbuf;
		for (int c = 0; c < 13; c++)
			f[CLD_SEQ + c] = PQgetisnull(r, i, c) ? NULL : PQgetvalue(r, i, c);
		changelog_digest(f, prev, h);
		const char *sep = i ? "," : "";
		buf_printf(&seqs, "%s%s", sep, f[CLD_SEQ]);
		buf_printf(&poss, "%s%s", sep, posbuf);
		buf_printf(&prevs, "%s%s", sep, prev);
		buf_printf(&hashes, "%s%s", sep, h);
		memcpy(prev, h, sizeof(prev));
	}
	PQclear(r);
	buf_putc(&seqs, '}'); buf_putc(&poss, '}'); buf_putc(&prevs, '}'); buf_putc(&hashes, '}');
	const char *up[4] = { buf_str(&seqs), buf_str(&poss), buf_str(&prevs), buf_str(&hashes) };
	st = n == 0 ? DB_OK : db_exec("changelog.seal_entries",
		"UPDATE changelog c SET pos = u.pos, prev_hash = u.prev, hash = u.hash "
		"FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS u(seq, pos, prev, hash) "
		"WHERE c.seq = u.seq AND c.pos IS NULL", 4, up, error_r);
	buf_free(&seqs); buf_free(&poss); buf_free(&prevs); buf_free(&hashes);
	if (st != DB_OK)
		goto fail;

	char *text = changelog_head_text(no, pos, prev, now);
	char sig[89], nobuf[24], posbuf[24], nbuf[16];
	int signed_ok = signkey_sign(k, text, strlen(text), sig) == 0;
	free(text);
	if (!signed_ok) {
		*error_r = "signing the change log's head failed";
		goto fail;
	}
	snprintf(nobuf, sizeof(nobuf), "%lld", no);
	snprintf(posbuf, sizeof(posbuf), "%lld", pos);
	snprintf(nbuf, sizeof(nbuf), "%d", n);
	const char *sp[7] = { nobuf, posbuf, prev, nbuf, now, signkey_id(k), sig };
	if ((st = db_exec("changelog.seal_insert",
			  "INSERT INTO changelog_seals (no, last_pos, head_hash, entries, sealed_at, key_id, signature) "
			  "VALUES ($1::bigint, $2::bigint, $3, $4::int, $5::timestamptz, $6, $7)", 7, sp, error_r)) != DB_OK)
		goto fail;
	if (db_commit(error_r) != DB_OK)
		return -1;
	mine->pos = pos;
	memcpy(mine->hash, prev, sizeof(mine->hash));
	*sealed_r = n;
	return 0;
fail:
	db_rollback();
	return -1;
}

json_t *changelog_head(const struct signkey *k, enum db_status *st_r, const char **error_r)
{
	PGresult *r = db_query("changelog.head",
		"SELECT no, last_pos, head_hash, " AT_US("sealed_at") ", key_id, signature, entries "
		"FROM changelog_seals ORDER BY no DESC LIMIT 1", 0, NULL, st_r, error_r);
	if (r == NULL)
		return NULL;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return json_null();
	}
	long long no = atoll(PQgetvalue(r, 0, 0)), pos = atoll(PQgetvalue(r, 0, 1));
	char *text = changelog_head_text(no, pos, PQgetvalue(r, 0, 2), PQgetvalue(r, 0, 3));
	const char *key_id = PQgetvalue(r, 0, 4);
	int ours = k != NULL && strcmp(key_id, signkey_id(k)) == 0;
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:b}", "no", (json_int_t)no, "pos",
		(json_int_t)pos, "hash", PQgetvalue(r, 0, 2), "sealed_at", PQgetvalue(r, 0, 3), "key_id", key_id,
		"signature", PQgetvalue(r, 0, 5), "signed_text", text,
		"public_key", ours ? json_string(signkey_public_b64(k)) : json_null(),
		"signature_valid", ours && signkey_verify(k, text, strlen(text), PQgetvalue(r, 0, 5)));
	free(text);
	PQclear(r);
	return o;
}
