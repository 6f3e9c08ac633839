/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	people - a person as the API shows them
 */
#ifndef PVD_PEOPLE_H
#define PVD_PEOPLE_H

#include "auth.h"
#include "db.h"
#include "outcome.h"

/* The person with their requests and access grants; 404 for whoever may
 * not see them (HR, TIM and auditors see everyone; a person themselves; a
 * unit head their unit's people). */
void people_get(const struct principal *who, const char *employee_number, struct outcome *o);

/* People of a unit (unit heads: theirs only; national_id left out), or
 * of every unit for HR, TIM and auditors; paged by cursor. */
void people_list(const struct principal *who, const char *unit, const char *limit, const char *cursor,
		 struct outcome *o);

/* The employee number of the person whose account is uid ("" if none). */
enum db_status people_number_of(const char *uid, char out[64], const char **error_r);

#endif
