/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	json - request-body parsing and field validation on top of jansson
 * DESCRIPTION
 *	Every check that fails says which field and why, so the HTTP layer can
 *	answer {"error":{"code","message","field"}} without guessing.
 */
#ifndef PVD_JSON_H
#define PVD_JSON_H

#include <jansson.h>
#include <stddef.h>

/* A check that fails answers through the caller's struct outcome
 * (outcome.h): 400, the code (bad_json, missing_field, invalid_field),
 * the field ("" when not about one field) and a message for people. o
 * starts zeroed (no body, no code) and is left alone by checks that pass. */
struct outcome;

/* Parses a request body: it must be one JSON object. NULL with o answered
 * ("malformed JSON at line 1, column 9: ..." or "body must be a JSON object"). */
json_t *json_parse_body(const char *data, size_t len, struct outcome *o);

/* Gets a string member. Returns NULL when absent and not required (o
 * untouched) and answers o when required, of the wrong type, longer than
 * max_len characters (UTF-8 code points), or holding control characters:
 * for an optional member, o->code (still NULL) tells the two apart. */
const char *json_get_string(json_t *obj, const char *key, int required,
			    size_t max_len, struct outcome *o);

/* Fails (answers o, returns -1) when obj has a member whose name is not in
 * the NULL-terminated list: unknown fields are mistakes, not extensions. */
int json_check_keys(json_t *obj, const char *const *allowed, struct outcome *o);

/* Counts UTF-8 code points; -1 if s is not valid UTF-8. */
long utf8_length(const char *s);
/* 1 if s holds a C0/C1 control character or DEL. */
int has_control_chars(const char *s);

/* Serialises compactly; caller frees. */
char *json_to_string(const json_t *j);

#endif
