/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	tokens - bearer tokens for systems: create, look up, revoke, list
 * DESCRIPTION
 *	A token is "pvd_" + 43 base64url characters (256 random bits). Only
 *	its SHA-256 is stored; the token is returned once by tokens_create.
 */
#ifndef PVD_TOKENS_H
#define PVD_TOKENS_H

#include <jansson.h>
#include "db.h"
#include "roles.h"

#define TOKEN_PREFIX "pvd_"
#define TOKEN_LEN (4 + 43)

int tokens_name_valid(const char *name);

/* Creates a token in one transaction with its change-log entry (actor
 * created_by in actor_role). owner is the person behind the creator (see
 * struct principal): the token's own owner. DB_OK and *token_r
 * (malloc'd); DB_CONFLICT when the name exists. */
enum db_status tokens_create(const char *name, enum role role, const char *created_by, const char *actor_role,
			     const char *owner, char **token_r, json_t **info_r, const char **error_r);
/* Revokes with its change-log entry. DB_OK; *found_r = 0 when no such
 * active token. */
enum db_status tokens_revoke(const char *name, const char *revoked_by, const char *actor_role, int *found_r,
			     json_t **info_r, const char **error_r);
/* DB_OK with *found_r = 1 and name, owner and role set when the token is valid. */
enum db_status tokens_lookup(const char *token, int *found_r, char name_r[64], char owner_r[160],
			     enum role *role_r, const char **error_r);
enum db_status tokens_list(json_t **items_r, const char **error_r);

#endif
