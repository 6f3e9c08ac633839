/*
 * NAME
 *	changelog - append an entry to the hash-chained change log (bitácora)
 * DESCRIPTION
 *	Called inside the transaction that makes the change, so the entry
 *	and the change commit or vanish together. The chain (hash of the
 *	previous entry) is kept by the database function changelog_append.
 *	Never put secrets in before/after: redact them first.
 */
#ifndef PVD_CHANGELOG_H
#define PVD_CHANGELOG_H

#include <jansson.h>
#include "db.h"

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

enum db_status changelog_append(const struct cl_entry *e, const char **error_r);

/* Walks the chain on connection c in one snapshot. 0 and *result_r
 * ({"ok", "entries_checked", "first_bad": {seq, kind, detail} | null,
 * "head_hash"}), or -1 and *error_r. kind: altered, removed, inserted. */
int changelog_verify(PGconn *c, json_t **result_r, const char **error_r);

#endif
