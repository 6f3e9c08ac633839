/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	scim/filter - a SCIM filter (RFC 7644 section 3.4.2.2) as a
 *	parameterized SQL condition on the people table
 * SYNOPSIS
 *	#include "scim/filter.h"
 *
 *	struct scim_sql q;
 *	const char *err;
 *	if (scim_filter_sql("userName eq \"ana\" or externalId eq \"7\"", 1, &q, &err) < 0)
 *		answer 400 invalidFilter with err;
 *	... "SELECT ... FROM people p WHERE " q.where ... q.params[0..q.nparams-1]
 *	scim_sql_free(&q);
 * DESCRIPTION
 *	A recursive-descent parser: or, and, not (...), parentheses, and
 *	comparisons (eq ne co sw ew pr) on the attributes of the table in
 *	filter.c (userName, externalId, emails.value, the enterprise
 *	employeeNumber and department, and a few more), names compared
 *	case-insensitively as the RFC says. Values never enter the SQL: each
 *	becomes a $n parameter, numbered from first_param. Bounded: at most
 *	SCIM_FILTER_MAX_LEN bytes, SCIM_FILTER_MAX_DEPTH nested groups and
 *	SCIM_FILTER_MAX_TERMS comparisons.
 * DIAGNOSTICS
 *	-1 with *error_r a sentence saying where and what (for the detail of
 *	a 400 invalidFilter); nothing here logs.
 */
#ifndef PVD_SCIM_FILTER_H
#define PVD_SCIM_FILTER_H

#include "buf.h"

#define SCIM_FILTER_MAX_LEN 1024
#define SCIM_FILTER_MAX_DEPTH 16
#define SCIM_FILTER_MAX_TERMS 32

struct scim_sql {
	struct buf where;			/* the condition, over "people p" */
	char *params[SCIM_FILTER_MAX_TERMS];	/* malloc'd values */
	int nparams;
};

int scim_filter_sql(const char *filter, int first_param, struct scim_sql *out, const char **error_r);
void scim_sql_free(struct scim_sql *q);

/* Is name (case-insensitive, with or without its schema URN) an attribute
 * a filter may name? For the discovery documents and the tests. */
int scim_filter_attribute_known(const char *name);

#endif
