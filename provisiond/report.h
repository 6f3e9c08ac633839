/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	report - the technical report of a request, and the dry-run plan
 */
#ifndef PVD_REPORT_H
#define PVD_REPORT_H

#include "auth.h"
#include "outcome.h"

/* The report once provisioning is done (409 before): as JSON in o->body,
 * or with as_text as Markdown in *text_r (malloc'd). */
void requests_report(const struct principal *who, long long id, int as_text, struct outcome *o, char **text_r);

/* Dry run: what each plugin would change for this request now. */
void requests_plan(const struct principal *who, long long id, struct outcome *o);

#endif
