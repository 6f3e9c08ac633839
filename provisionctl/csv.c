/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	csv - the CSV a spreadsheet writes, read strictly (see csv.h)
 * DESCRIPTION
 *	Two passes over the bytes in memory: the encoding is checked first
 *	(so a Latin-1 file is named as such, not as a quoting error further
 *	on), then the records are split by a small state machine. Lines are
 *	physical lines: a newline inside quotes counts, so a message names the
 *	line a text editor shows.
 */
#include "config.h"
#include "csv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static __attribute__((format(printf, 2, 3))) int fail(char **error_r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(error_r, fmt, ap) < 0)
		*error_r = NULL;
	va_end(ap);
	return -1;
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (q == NULL) {
		fputs("provisionctl: out of memory\n", stderr);
		exit(EXIT_FAILURE);
	}
	return q;
}

/* The length of the UTF-8 sequence at s (at most n bytes), 0 when invalid:
 * no overlong forms, no surrogates, nothing past U+10FFFF, no NUL. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	if (c == 0)
		return 0;
	if (c < 0x80)
		return 1;
	size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
	if (len == 0 || c > 0xF4 || len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F) || (c == 0xF0 && s[1] < 0x90) ||
	    (c == 0xF4 && s[1] > 0x8F))
		return 0;
	return len;
}

static int check_encoding(const unsigned char *s, size_t n, char **error_r)
{
	size_t line = 1, col = 1;
	if (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF)))
		return fail(error_r, "line 1: the file is UTF-16; save it as UTF-8 (a spreadsheet's \"CSV UTF-8\")");
	for (size_t i = 0; i < n;) {
		if (s[i] == '\n' || s[i] == '\r') {
			i += s[i] == '\r' && i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
			line++;
			col = 1;
			continue;
		}
		size_t len = utf8_len(s + i, n - i);
		if (len == 0) {
			if (s[i] == 0)
				return fail(error_r, "line %zu, character %zu: a NUL byte: this is not a text file", line,
					    col);
			return fail(error_r, "line %zu, character %zu: invalid UTF-8 (byte 0x%02X); save the file as "
				    "UTF-8 (a spreadsheet's \"CSV UTF-8\"), not Latin-1 or Windows-1252", line, col, s[i]);
		}
		i += len;
		col++;
	}
	return 0;
}

/* The separator of the header line: the more frequent of ',' and ';' outside quotes. */
static int detect_sep(const char *s, size_t n, char *sep_r, char **error_r)
{
	size_t commas = 0, semis = 0;
	int quoted = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted && (s[i] == '\n' || s[i] == '\r'))
			break;
		else if (!quoted && s[i] == ',')
			commas++;
		else if (!quoted && s[i] == ';')
			semis++;
	}
	if (commas == semis && commas > 0)
		return fail(error_r, "line 1: the header holds as many ',' as ';' (%zu): say which separates "
			    "the fields with --separator", commas);
	*sep_r = semis > commas ? ';' : ',';
	return 0;
}

struct field {
	char *s;
	size_t len, cap;
};

static void field_add(struct field *f, char c)
{
	if (f->len + 2 > f->cap) {
		f->cap = f->cap ? f->cap * 2 : 64;
		f->s = xrealloc(f->s, f->cap);
	}
	f->s[f->len++] = c;
	f->s[f->len] = '\0';
}

static void row_free(struct csv_row *r)
{
	for (size_t i = 0; i < r->nfields; i++)
		free(r->fields[i]);
	free(r->fields);
	r->fields = NULL;
	r->nfields = 0;
}

void csv_free(struct csv *csv)
{
	for (size_t i = 0; i < csv->nrows; i++)
		row_free(&csv->rows[i]);
	free(csv->rows);
	csv->rows = NULL;
	csv->nrows = 0;
}

/* Ends the field being read: onto the row. -1 past the bounds. */
static int end_field(struct csv_row *row, struct field *f, char **error_r)
{
	if (row->nfields >= CSV_FIELDS_MAX)
		return fail(error_r, "line %zu: more than %d fields", row->line, CSV_FIELDS_MAX);
	row->fields = xrealloc(row->fields, (row->nfields + 1) * sizeof(char *));
	row->fields[row->nfields++] = f->s ? f->s : strdup("");
	if (row->fields[row->nfields - 1] == NULL)
		return fail(error_r, "out of memory");
	f->s = NULL;
	f->len = f->cap = 0;
	return 0;
}

/* Ends a record: kept unless all its fields are empty; checked against the header. */
static int end_row(struct csv *csv, struct csv_row *row, char **error_r)
{
	int empty = 1;
	for (size_t i = 0; i < row->nfields && empty; i++)
		empty = row->fields[i][0] == '\0';
	if (empty && csv->nrows > 0) {
		row_free(row);
		return 0;
	}
	if (empty)
		return fail(error_r, "line %zu: the header line is empty", row->line);
	if (csv->nrows > 0 && row->nfields != csv->rows[0].nfields) {
		int ret = fail(error_r, "line %zu: %zu field%s; the header (line %zu) has %zu", row->line,
			       row->nfields, row->nfields == 1 ? "" : "s", csv->rows[0].line, csv->rows[0].nfields);
		row_free(row);
		return ret;
	}
	csv->rows = xrealloc(csv->rows, (csv->nrows + 1) * sizeof(*csv->rows));
	csv->rows[csv->nrows++] = *row;
	row->fields = NULL;
	row->nfields = 0;
	return 0;
}

int csv_parse(const char *data, size_t len, char sep, struct csv *csv, char **error_r)
{
	const unsigned char *u = (const unsigned char *)data;
	memset(csv, 0, sizeof(*csv));
	*error_r = NULL;
	if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
		data += 3;
		len -= 3;
		csv->had_bom = 1;
	}
	if (len == 0)
		return fail(error_r, "line 1: the file is empty: a header line is needed");
	if (check_encoding((const unsigned char *)data, len, error_r) < 0)
		return -1;
	if (sep == 0 && detect_sep(data, len, &sep, error_r) < 0)
		return -1;
	csv->sep = sep;

	struct csv_row row = { 1, 0, NULL };
	struct field f = { NULL, 0, 0 };
	size_t line = 1, i = 0, quote_line = 0, col = 1;
	enum { START, PLAIN, QUOTED, QUOTE_SEEN } state = START;
	int ret = -1;
	while (i < len) {
		char c = data[i];
		int eol = c == '\n' || c == '\r';
		size_t step = c == '\r' && i + 1 < len && data[i + 1] == '\n' ? 2 : 1;
		switch (state) {
		case START:
		case PLAIN:
			if (c == '"' && state == START) {
				state = QUOTED;
				quote_line = line;
			} else if (c == '"') {
				fail(error_r, "line %zu, field %zu: a quote inside an unquoted field: quote the "
				     "whole field and double the quotes in it (\"a \"\"b\"\" c\")", line, col);
				goto out;
			} else if (c == sep || eol) {
				if (end_field(&row, &f, error_r) < 0)
					goto out;
				col++;
				state = START;
			} else {
				field_add(&f, c);
				state = PLAIN;
			}
			break;
		case QUOTED:
			if (c == '"')
				state = QUOTE_SEEN;
			else if (eol) {
				field_add(&f, '\n');	/* CRLF or CR inside quotes: one newline */
				line++;
				i += step;
				continue;
			} else
				field_add(&f, c);
			break;
		case QUOTE_SEEN:
			if (c == '"') {
				field_add(&f, '"');
				state = QUOTED;
			} else if (c == sep || eol) {
				if (end_field(&row, &f, error_r) < 0)
					goto out;
				col++;
				state = START;
			} else {
				fail(error_r, "line %zu, field %zu: text after the closing quote of a quoted field "
				     "(a quote inside it must be doubled)", line, col);
				goto out;
			}
			break;
		}
		if (f.len > CSV_FIELD_MAX) {
			fail(error_r, "line %zu, field %zu: longer than %d bytes", line, col, CSV_FIELD_MAX);
			goto out;
		}
		if (eol && state == START) {
			if (end_row(csv, &row, error_r) < 0)
				goto out;
			line++;
			row.line = line;
			col = 1;
			i += step;
			continue;
		}
		i++;
	}
	if (state == QUOTED) {
		fail(error_r, "line %zu: a quoted field starting here is never closed", quote_line);
		goto out;
	}
	/* the last record, when the file does not end with a newline */
	if (row.nfields > 0 || f.s != NULL || state == QUOTE_SEEN) {
		if (end_field(&row, &f, error_r) < 0 || end_row(csv, &row, error_r) < 0)
			goto out;
	}
	if (csv->nrows == 0) {
		fail(error_r, "line 1: no header line");
		goto out;
	}
	ret = 0;
out:
	free(f.s);
	row_free(&row);
	if (ret < 0)
		csv_free(csv);
	return ret;
}
