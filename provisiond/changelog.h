/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	changelog - the change log (bitácora): append, seal, verify
 * DESCRIPTION
 *	changelog_append() is called inside the transaction that makes the
 *	change, so the entry and the change commit or vanish together. It is
 *	one INSERT and takes no lock: entries are chained later, in batches,
 *	by changelog_seal() (the sealer thread, sealer.h), which gives each
 *	committed entry the next position (pos), hashes it with the previous
 *	entry's hash and signs the new head with the key file's Ed25519 key
 *	(signkey.h). Never put secrets in before/after: redact them first.
 *
 *	An entry's hash is the SHA-256 of its fields joined by 0x1f, NULL
 *	written as \N, then the previous entry's hash (the SQL function
 *	changelog_digest_input builds the same text). A head is signed as
 *	the text of changelog_head_text().
 */
#ifndef PVD_CHANGELOG_H
#define PVD_CHANGELOG_H

#include <jansson.h>
#include "db.h"
#include "signkey.h"

struct cl_entry {
	const char *actor;		/* login, token:<name> or system */
	const char *actor_role;
	long long request_id;		/* 0: none */
	const char *employee_number;	/* NULL: none */
	const char *system;		/* "workflow" or a plugin instance */
	const char *action;
	const char *object;
	json_t *before;			/* borrowed; NULL for none */
	json_t *after;
	const char *outcome;		/* ok, noop, failed */
	const char *error;
};

/* The advisory lock that orders sealers (and their head mails); writers
 * never take it. "pvdsealr". */
#define CHANGELOG_SEALER_LOCK "x'7076647365616c72'::bigint"

enum db_status changelog_append(const struct cl_entry *e, const char **error_r);

/* The fields an entry's hash covers, as text (NULL for SQL NULL), in
 * this order; then the previous entry's hash. */
enum { CLD_POS, CLD_SEQ, CLD_AT, CLD_ACTOR, CLD_ROLE, CLD_REQUEST, CLD_EMP, CLD_SYSTEM, CLD_ACTION,
       CLD_OBJECT, CLD_BEFORE, CLD_AFTER, CLD_OUTCOME, CLD_ERROR, CLD_NFIELDS };
void changelog_digest(const char *const f[CLD_NFIELDS], const char *prev_hash, char out[65]);

/* The signed text of a head: seal number, last position, its hash, time. */
char *changelog_head_text(long long no, long long last_pos, const char *head_hash, const char *sealed_at);

/* A head an auditor (or this daemon) recorded: position and hash. */
struct cl_known_head {
	long long pos;		/* 0: none */
	char hash[65];
};

/* One seal on this thread's connection: chains up to limit committed,
 * unsealed entries and signs the head. 0 and *sealed_r (0 when there was
 * nothing to seal), or -1 and *error_r. A chain whose newest seal does not
 * match its entries or key, or that no longer holds the head *mine this
 * daemon sealed last, is refused rather than extended; *mine becomes the
 * new head. */
int changelog_seal(const struct signkey *k, int limit, struct cl_known_head *mine, int *sealed_r,
		   const char **error_r);

/* The newest signed head: {"no", "pos", "hash", "sealed_at", "key_id",
 * "signature", "public_key", "signed_text"} or JSON null when nothing is
 * sealed; NULL + *st_r and *error_r when the database cannot say. */
json_t *changelog_head(const struct signkey *k, enum db_status *st_r, const char **error_r);

/* Walks the chain on connection c in one snapshot, checking every
 * entry's hash and link, every seal's signature and head, and the heads
 * given. 0 and *result_r ({"ok", "entries_checked", "first_bad":
 * {pos, seq, kind, detail} | null, "head_hash", "head_pos", "seals_checked",
 * "unsealed": {count, oldest_at}}), or -1 and *error_r. first_bad names
 * the earliest position that is wrong; kind: altered, replaced, inserted,
 * removed, rewritten, unsigned, bad_signature, truncated. */
int changelog_verify(PGconn *c, const struct signkey *k, const struct cl_known_head *heads, int nheads,
		     json_t **result_r, const char **error_r);

#endif
