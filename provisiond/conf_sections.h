/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	conf_sections - the keys of provisiond.conf and their checks
 * SYNOPSIS
 *	#include "conf_sections.h"	// conf.c and conf_sections.c only
 *
 *	const struct conf_row *r = conf_row_find("listen_port");
 *	conf_value_parse(r, c, "8080", file, line, &err);
 *	conf_value_format(r, c, &buf);
 *
 *	const struct conf_section *s = conf_section_find("task.backup.title");
 *	s->parse(c, key, value, file, line, &err);
 *
 *	conf_check(c, file, &err);
 * DESCRIPTION
 *	conf.c reads the file: lines, comments, quotes, "set twice",
 *	defaults, references. This file says what the keys are:
 *
 *	conf_rows[]: one row a plain setting {name, type, offset, default,
 *	limits, reloadable, secret}. Adding a setting is a row and a field
 *	in struct conf.
 *
 *	conf_section_find(): keys with a prefix (task.<name>.<key>,
 *	access.<system>.<key>, plugin.<instance>.<key>) go to their
 *	section's parser, each with its own table of sub-keys.
 *
 *	conf_check(): the checks that need the whole file (required keys,
 *	combinations, templates, the catalogue), run in a fixed order so a
 *	file with several faults always names the same one.
 * DIAGNOSTICS
 *	Functions that fail return -1 and set *error_r to a
 *	"file:line: key: reason" made by conf_err() in the caller's frame
 *	(tpool.h): nothing to free.
 */
#ifndef PVD_CONF_SECTIONS_H
#define PVD_CONF_SECTIONS_H

#include <stddef.h>
#include "buf.h"
#include "conf.h"

enum conf_type { T_STR, T_INT, T_BOOL, T_LOGLEVEL, T_LOGTARGET, T_LOGFORMAT, T_LDAPAUTH };

struct conf_row {
	const char *name;
	enum conf_type type;
	size_t offset;
	const char *def;	/* NULL: no default (empty string or 0) */
	long min, max;		/* T_INT limits */
	int reloadable;
	int secret;		/* mask in dumps */
};

extern const struct conf_row conf_rows[];
extern const size_t conf_nrows;

/* The row named key, or NULL. */
const struct conf_row *conf_row_find(const char *key);
/* Sets the row's field in c from its text; line 0 is a default. */
int conf_value_parse(const struct conf_row *r, struct conf *c, const char *value,
		     const char *file, int line, const char **error_r);
/* Appends the field's value as the file would say it. */
void conf_value_format(const struct conf_row *r, const struct conf *c, struct buf *out);

/* A family of keys sharing a prefix, parsed by its section. */
struct conf_subkey;
struct conf_section {
	const char *prefix;	/* "task." */
	int (*parse)(struct conf *c, const char *key, const char *value,
		     const char *file, int line, const char **error_r);
	/* for the list of keys (conf_print_keys): "<name>" in
	 * task.<name>.title, the sub-keys, and whether SIGHUP applies them */
	const char *entry;
	const struct conf_subkey *keys;
	int reloadable;
};

/* The section whose prefix key starts with, or NULL. */
const struct conf_section *conf_section_find(const char *key);

/* Checks that need the whole file; fills in derived settings. */
int conf_check(struct conf *c, const char *file, const char **error_r);

/* "file:line: key: " + the message; line 0 and key NULL leave theirs out. */
const char *conf_err(const char *file, int line, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
