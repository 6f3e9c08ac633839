/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	scim/users - what the Users files share inside scim/
 * DESCRIPTION
 *	A person is read with SCIM_PERSON_SQL (the people row with its open
 *	request, open exit and open transfer) and shown by scim_user_json();
 *	a User a client sends is read by scim_user_parse() into a struct
 *	scim_user_in; a PATCH is applied to the resource as shown
 *	(scim_patch_apply), and what results is read like a PUT.
 */
#ifndef PVD_SCIM_USERS_H
#define PVD_SCIM_USERS_H

#include <jansson.h>
#include <libpq-fe.h>
#include "scim/scim.h"

enum scim_col {
	SC_ID, SC_EMPLOYEE, SC_NATIONAL_ID, SC_GIVEN, SC_FAMILY, SC_UNIT, SC_POSITION, SC_CONTRACT,
	SC_START, SC_END, SC_STATUS, SC_UID, SC_MAIL, SC_PRIVATE_MAIL, SC_USER_NAME, SC_EXTERNAL_ID,
	SC_CREATED, SC_UPDATED, SC_OPEN_ID, SC_OPEN_TYPE, SC_EXIT_ID, SC_EXIT_AT, SC_EXIT_STATE,
	SC_TRANSFER_UNIT, SC_TRANSFER_POSITION, SC_COUNT
};

/* SELECT ... FROM people p ... : append WHERE/ORDER/LIMIT */
extern const char SCIM_PERSON_SQL[];

/* A column of row i ("" for NULL); scim_null: is it NULL. */
const char *scim_col(PGresult *r, int i, enum scim_col c);
int scim_null(PGresult *r, int i, enum scim_col c);

/* The User resource of row i; version filled (W/"..."), location too. */
json_t *scim_user_json(PGresult *r, int i, const char *base, char version[48], char location[256]);
/* attributes / excludedAttributes (comma-separated, RFC 7644 3.9) applied
 * to a resource: a new reference. */
json_t *scim_project(json_t *res, const char *attributes, const char *excluded);

/* Reads person id (decimal) with SCIM_PERSON_SQL: 1 found (*r set), 0
 * not (a answered 404), -1 a answered. */
int scim_person_load(const struct scim_call *call, const char *id, PGresult **r, struct scim_answer *a);

/* A User as sent: pointers into the JSON (valid while it lives); NULL
 * for what it leaves out; active -1 when absent. */
struct scim_user_in {
	const char *user_name, *external_id, *given, *family, *title;
	const char *employee_number, *department;
	const char *position, *national_id, *start_date, *contract_type, *contract_end_date, *exit_at;
	const char *home_email;
	int active;
};
/* 0, or -1 with a answered 400 (invalidSyntax, invalidValue). */
int scim_user_parse(json_t *res, struct scim_user_in *in, struct scim_answer *a);

/* Applies a PatchOp body to res (the resource as shown): 0, or -1 with
 * a answered (invalidSyntax, invalidPath, noTarget, mutability, invalidValue). */
int scim_patch_apply(json_t *res, json_t *patch, struct scim_answer *a);

/* Case-insensitive member of an object (attribute names are, RFC 7643 2.1). */
json_t *scim_get(json_t *obj, const char *name);
const char *scim_key(json_t *obj, const char *name);

/* Does an If-Match header name version (or "*")? */
int scim_if_match(const char *if_match, const char *version);

#endif
