/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	requests - filing, acting on and reading requests of every procedure
 * DESCRIPTION
 *	The API's entry to the engine (engine/): hires, exits, transfers,
 *	access requests and call codes are all filed, acted on and read
 *	through these. Every change runs in one PostgreSQL transaction that
 *	also writes the step, the change-log entries and (with an
 *	Idempotency-Key) the answer to replay. The request row is locked
 *	(SELECT ... FOR UPDATE) before its state is checked, so of two
 *	concurrent actions exactly one wins and the other is told what the
 *	state has become (409).
 */
#ifndef PVD_REQUESTS_H
#define PVD_REQUESTS_H

#include <jansson.h>
#include "auth.h"
#include "conf.h"
#include "outcome.h"
#include "workflow.h"

struct idem {
	const char *key;	/* NULL: no Idempotency-Key header */
	char fingerprint[65];
};

void requests_create(const struct conf *c, const struct principal *who, enum wf_type type,
		     json_t *payload, const struct idem *idem, struct outcome *o);
/* A dry run of requests_create: the same checks and writes in the same
 * transaction, then rolled back, so nothing is kept (no request, person,
 * change-log entry, operation or mail). o answers what filing would:
 * 201 with the would-be request (without id and version), or the refusal. */
void requests_validate(const struct conf *c, const struct principal *who, enum wf_type type,
		       json_t *payload, struct outcome *o);
/* if_match: the If-Match header or NULL; an action on a request whose
 * version is not among its ETags is 412 precondition_failed, checked
 * under the request's row lock. */
void requests_act(const struct conf *c, const struct principal *who, long long id,
		  const char *action, json_t *body, const struct idem *idem, const char *if_match,
		  struct outcome *o);
void requests_get(const struct principal *who, long long id, struct outcome *o);

/* A request's ETag, "<id>-<version>" with the quotes: strong, as If-Match
 * compares strongly. It names the request's row (state, payload, dates),
 * not the operations and tasks shown with it. */
#define REQUEST_ETAG_MAX 48
void request_etag(long long id, long long version, char out[REQUEST_ETAG_MAX]);
void requests_list(const struct principal *who, const char *const *filters, struct outcome *o);

/* The checks of a request's body that need only the body and the
 * configuration (no directory, no database): 0, or the HTTP status with
 * o answered (o is cleared first). For the fuzz targets and unit tests. */
int requests_check_input(const struct conf *c, enum wf_type t, json_t *payload, struct outcome *o);

/* Indexes of filters[] for requests_list */
enum { LF_TYPE, LF_STATE, LF_EMPLOYEE, LF_SUBMITTED_BY, LF_AFTER, LF_BEFORE, LF_LIMIT, LF_CURSOR, LF_COUNT };

#endif
