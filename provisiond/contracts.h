/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	contracts - consultants' contracts: the end, the warning, the extension
 */
#ifndef PVD_CONTRACTS_H
#define PVD_CONTRACTS_H

#include <jansson.h>
#include "auth.h"
#include "conf.h"
#include "db.h"
#include "outcome.h"

/* Inside the caller's transaction: the service's automatic exit for one
 * consultant whose contract ended (*created_r = 1 when one was made). */
enum db_status contracts_end_exit(const struct conf *c, int *created_r, const char **error_r);
/* HR's list of contracts ending within days (default contract_warning_days). */
void contracts_ending(const struct conf *c, const char *days, struct outcome *o);
/* HR extends a consultant's contract, in time to stop the automatic exit. */
void contracts_extend(const struct principal *who, const char *employee_number, json_t *body, struct outcome *o);

#endif
