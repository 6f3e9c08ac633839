/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	csv - the CSV a spreadsheet writes, read strictly
 * SYNOPSIS
 *	#include "csv.h"
 *
 *	int csv_parse(const char *data, size_t len, char sep, struct csv *csv, char **error_r);
 *	void csv_free(struct csv *csv);
 * DESCRIPTION
 *	csv_parse() reads RFC 4180 text from memory: UTF-8 with or without a
 *	byte order mark, records ending in CRLF, LF or CR, fields separated by
 *	sep (',' or ';'; 0: the one of the two the header line holds more of,
 *	outside quotes), quoted fields holding separators, newlines and
 *	doubled quotes. Every record must have as many fields as the header
 *	(rows[0]). A record whose fields are all empty (a blank line, or the
 *	";;;;" a spreadsheet writes for an empty row) is left out. Each row
 *	keeps the line it starts on, counted from 1, for messages.
 *
 *	Nothing is guessed: a quote inside an unquoted field, text after a
 *	closing quote, an unterminated quote, invalid UTF-8 (or a NUL byte), a
 *	UTF-16 file, a field longer than CSV_FIELD_MAX bytes or a record of
 *	more than CSV_FIELDS_MAX fields is an error naming its line.
 * DIAGNOSTICS
 *	0, or -1 with *error_r (malloc'd, the caller frees) such as
 *	"line 7: 9 fields; the header (line 1) has 10". Nothing here prints.
 */
#ifndef PROVISIONCTL_CSV_H
#define PROVISIONCTL_CSV_H

#include <stddef.h>

#define CSV_FIELD_MAX 4000
#define CSV_FIELDS_MAX 200

struct csv_row {
	size_t line;		/* where the record starts, from 1 */
	size_t nfields;
	char **fields;		/* UTF-8, NUL-terminated; a newline inside quotes is "\n" */
};

struct csv {
	char sep;		/* the separator used (given or detected) */
	int had_bom;
	size_t nrows;		/* rows[0] is the header */
	struct csv_row *rows;
};

int csv_parse(const char *data, size_t len, char sep, struct csv *csv, char **error_r);
void csv_free(struct csv *csv);

#endif
