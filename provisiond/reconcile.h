/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	reconcile - what the targets hold against what provisiond believes
 * DESCRIPTION
 *	What provisiond believes a person's accounts should be: enabled with
 *	the birthright groups (intent update) when active, disabled when
 *	disabled. Each plugin instance is asked, as a dry run, what it would
 *	change to get there: NOOP means the target agrees; anything it would
 *	change is drift (an account re-enabled by hand after an exit, a
 *	membership added outside the workflow), reported with before and
 *	after. A repair applies it, one person at a time, in the change log.
 */
#ifndef PVD_RECONCILE_H
#define PVD_RECONCILE_H

#include <jansson.h>
#include "auth.h"
#include "outcome.h"

void reconcile_report(const struct principal *who, const char *employee_number, struct outcome *o);
void reconcile_repair(const struct principal *who, json_t *body, struct outcome *o);

#endif
