/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	procedures/common - what the procedures' input checks share
 * DESCRIPTION
 *	A request's body is checked where it is decoded, once: keys known,
 *	types and lengths right (json.h), then each field's own rule here.
 *	Every refusal is a 400 naming the field, through outcome.h.
 */
#ifndef PVD_PROCEDURES_COMMON_H
#define PVD_PROCEDURES_COMMON_H

#include <jansson.h>
#include <time.h>
#include "conf.h"
#include "outcome.h"

/* A request's input once checked: pointers into the payload. */
struct person_in {
	const char *employee_number, *national_id, *given_names, *family_names;
	const char *unit, *position, *contract_type, *start_date, *end_date;
	const char *private_email;	/* hire: for set-password tokens by mail */
	/* exit */
	const char *effective_at, *reason;
	time_t effective_t;
	/* call code */
	const char *cc_action, *cc_level;
};

/* Letters, digits, '-', '_' and '.' only (HR numbers, national ids). */
int check_code(struct outcome *o, const char *field, const char *v, const char *what);
/* Spaces at either end dropped, runs of spaces made one, in place. */
void tidy_spaces(json_t *p, const char *key);
/* A person's name: full Unicode, no digits or symbols, nothing invisible. */
int check_name(struct outcome *o, const char *field, const char *v);
int mail_address_plausible(const char *v);
int check_date(struct outcome *o, const char *field, const char *v, long *days_r);
/* What every request about an existing person carries: only the keys
 * given, the person's HR number and a justification. */
int parse_person_and_why(json_t *p, const char *const *keys, struct person_in *in, struct outcome *o);
/* Unit and position exist in the directory's catalogue, stored as it
 * spells them (*single_r: the position holds one person at a time). */
int check_unit_and_position(const struct conf *c, json_t *payload, struct person_in *in, int *single_r,
			    struct outcome *o);

#endif
