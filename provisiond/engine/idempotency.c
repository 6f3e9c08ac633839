/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	engine/idempotency - Idempotency-Key: a retried write answers what the first one did
 * DESCRIPTION
 *	The key is scoped by the actor (the directory's canonical login) and
 *	bound to the request's fingerprint; it is claimed and its answer stored
 *	in the same transaction as the write, so a replay is exact.
 */
#include "config.h"
#include "buf.h"
#include "engine/engine.h"
#include "requests.h"
#include "json.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* 1: a stored answer was replayed into o (transaction rolled back);
 * 0: the key is claimed for this call; -1: error in o. */
int idem_claim(const struct idem *idem, const char *actor, struct outcome *o)
{
	if (idem == NULL || idem->key == NULL)
		return 0;
	const char *params[3] = { actor, idem->key, idem->fingerprint };
	PGresult *r = db_query_or_fail(o, "idempotency.claim",
			       "INSERT INTO idempotency_keys (actor, key, fingerprint, status, response) "
			       "VALUES ($1, $2, $3, 0, '') ON CONFLICT DO NOTHING RETURNING 1",
			       3, params);
	if (r == NULL)
		return -1;
	int claimed = PQntuples(r) == 1;
	PQclear(r);
	if (claimed)
		return 0;
	r = db_query_or_fail(o, "idempotency.get",
		     "SELECT fingerprint, status, response FROM idempotency_keys WHERE actor = $1 AND key = $2",
		     2, params);
	if (r == NULL)
		return -1;
	if (PQntuples(r) != 1 || strcmp(PQgetvalue(r, 0, 0), idem->fingerprint) != 0) {
		PQclear(r);
		fail(o, 422, "idempotency_key_reused", NULL,
		     "Idempotency-Key '%s' was already used for a different request", idem->key);
		return -1;
	}
	o->status = atoi(PQgetvalue(r, 0, 1));
	o->body = json_loads(PQgetvalue(r, 0, 2), 0, NULL);
	o->replayed = 1;
	PQclear(r);
	return 1;
}

int idem_store(const struct idem *idem, const char *actor, struct outcome *o)
{
	const char *err = NULL;
	char status[8];
	if (idem == NULL || idem->key == NULL)
		return 0;
	char *resp = json_dumps(o->body, JSON_COMPACT);
	snprintf(status, sizeof(status), "%d", o->status);
	const char *params[4] = { actor, idem->key, status, resp };
	enum db_status st = db_exec("idempotency.store",
				    "UPDATE idempotency_keys SET status = $3::int, response = $4 "
				    "WHERE actor = $1 AND key = $2", 4, params, &err);
	free(resp);
	if (st != DB_OK) {
		fail_db(o, st, err);
		return -1;
	}
	return 0;
}
