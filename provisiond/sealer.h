/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	sealer - chains and signs the change log in batches; mails its heads
 * DESCRIPTION
 *	sealer_setup() loads the signing key (changelog_key_file; created
 *	when missing) and the head this daemon sealed last (the file
 *	<changelog_key_file>.head, outside the database). The thread started
 *	by sealer_start() seals every changelog_seal_interval_ms whatever was
 *	committed since, up to SEAL_BATCH entries a transaction, and goes on
 *	at once while there is more: the sealing lag (the age of the oldest
 *	committed entry not yet chained) stays under a second. Several
 *	daemons may seal one database: a sealer-only advisory lock orders
 *	them, and writers never take it.
 *
 *	Every changelog_heads_every seconds the newest signed head is mailed
 *	(through the outbox) to changelog_heads_to, or to the members of the
 *	auditor role group: a copy a database superuser cannot rewrite, for
 *	GET /v1/changelog/verify?heads=.
 */
#ifndef PVD_SEALER_H
#define PVD_SEALER_H

#include "buf.h"
#include "changelog.h"
#include "conf.h"

/* create: make a missing key file (the daemon; not the verify command). */
int sealer_setup(const struct conf *c, int create, const char **error_r);
const struct signkey *sealer_key(void);		/* NULL before setup */
/* The head this daemon recorded (pos 0: none). */
struct cl_known_head sealer_recorded_head(void);

int sealer_start(const struct conf *c, const char **error_r);
void sealer_stop(void);
void sealer_shutdown(void);			/* frees the key */

/* Prometheus lines: sealing lag, entries sealed, failures. */
void sealer_render_metrics(struct buf *out);

#endif
