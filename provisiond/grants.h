/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	grants - the access a person holds because a request granted it
 * DESCRIPTION
 *	Birthright access (groups and levels that rules give a unit or a
 *	position) lives in the plugins' configuration and follows the
 *	person. What an access request grants on top of it is kept here, in
 *	the access_grants table, one row per thing granted, ended (never
 *	deleted) when a request takes it away.
 *
 *	Things are items {"kind": "level" | "group", "name": ...}; a level's
 *	name is "system:level" from the catalogue.
 *
 *	Every provisioning operation carries the person's current grants as
 *	params, so a plugin always converges to the whole desired state:
 *	  {"levels": ["tributario:read"], "groups": ["vpn-users"],
 *	   "revoke_levels": [...], "revoke_groups": [...]}
 *	The revoke lists hold what the request at hand took away (a revoked
 *	access request item, or on a rollback what the request had granted).
 *
 *	All functions run inside the caller's transaction.
 */
#ifndef PVD_GRANTS_H
#define PVD_GRANTS_H

#include <jansson.h>
#include "db.h"

/* {"levels": [...], "groups": [...]}, sorted: what the person holds now. */
enum db_status grants_snapshot(long long person_id, json_t **snap_r, const char **error_r);

/* Every current grant with where it came from, for GET /v1/people. */
enum db_status grants_list(long long person_id, json_t **list_r, const char **error_r);

/* Is the item held now? 1/0, -1 on error. */
int grants_held(long long person_id, const char *kind, const char *name, enum db_status *st, const char **error_r);

/* Adds the grant items not held yet, ends the revoke items held. Items
 * already so are left alone (granting twice is not an error). */
enum db_status grants_apply(long long person_id, long long request_id, json_t *grant, json_t *revoke,
			    const char **error_r);

/* An exit: ends every current grant. */
enum db_status grants_end_all(long long person_id, long long request_id, const char **error_r);

/* A rollback: gives back what request_id ended, ends what it granted. */
enum db_status grants_undo(long long person_id, long long request_id, const char **error_r);

/* The params of a provisioning operation for request_id (see above). */
enum db_status grants_params(long long person_id, long long request_id, json_t **params_r, const char **error_r);

#endif
