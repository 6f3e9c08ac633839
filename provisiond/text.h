/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	text - UTF-8 that is never cut in half, and text made safe for where
 *	it goes (logs, Markdown, CSV)
 * SYNOPSIS
 *	text_format(msg, sizeof(msg), "unknown unit '%s'", unit);
 *	text_copy(p->display_name, sizeof(p->display_name), from_directory);
 *	md_text(&b, note);  csv_field(&b, value);  log_escape(&b, login);
 * DESCRIPTION
 *	Fixed buffers are filled with text_format() and text_copy(), never
 *	with a bare snprintf: when the text does not fit it is cut at a
 *	character boundary, and any sequence a "%.40s" cut in half is dropped
 *	whole, so what comes out is always valid UTF-8 (PostgreSQL, jansson and
 *	mail headers refuse anything else, and a refused write is a request
 *	stuck halfway).
 *
 *	Names people type are refused when they hold characters that change
 *	how text looks without being seen: zero-width characters and
 *	bidirectional controls (U+202E turns "Peña" into something else on
 *	screen).
 */
#ifndef PVD_TEXT_H
#define PVD_TEXT_H

#include <stdarg.h>
#include <stddef.h>

struct buf;

/* Decodes the code point at *p and advances *p past it. -1 (and *p past
 * one byte) when the bytes there are not a valid UTF-8 sequence: overlong,
 * surrogate, beyond U+10FFFF, truncated. */
int utf8_decode(const char **p, unsigned *cp_r);

/* Drops, in place, every byte that is not part of a valid sequence. */
void utf8_repair(char *s);

/* The length of the longest prefix of s, at most max bytes, that ends on a
 * character boundary. */
size_t utf8_prefix_len(const char *s, size_t max);

/* vsnprintf into dst, then utf8_repair: valid UTF-8 whatever fits. */
void text_vformat(char *dst, size_t size, const char *fmt, va_list ap);
void text_format(char *dst, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Copies src (NULL: "") into dst, cut at a character boundary. */
void text_copy(char *dst, size_t size, const char *src);

/* The first character of s that changes how text looks without showing:
 * zero-width (U+200B..U+200F, U+2060..U+2064, U+FEFF), bidirectional
 * controls (U+061C, U+202A..U+202E, U+2066..U+2069), soft hyphen U+00AD.
 * 0 when there is none (or s is not valid UTF-8: other checks say so). */
unsigned text_invisible_char(const char *s);

/* Equal the way the directory's caseIgnoreMatch sees names (units,
 * positions, logins): ASCII case, and leading, trailing and repeated
 * spaces, do not count. */
int text_equal_ci(const char *a, const char *b);

/* Appends s with every control character (C0, DEL, C1) written as \xNN, so
 * a value cannot forge a log line or send a terminal escape. */
void log_escape(struct buf *b, const char *s);

/* Appends s escaped for Markdown, in running text or a table cell alike:
 * one line (line breaks and controls become spaces), '|' escaped, and
 * every character Markdown or HTML could read as markup backslash-escaped
 * or written as an entity, so a note cannot become a link, an image, a
 * table column or raw HTML. NULL appends nothing. */
void md_text(struct buf *b, const char *s);

/* One CSV field (RFC 4180), with spreadsheet formulas defused: a value
 * starting with = + - @ tab or CR is written as text ('=...). NULL writes
 * nothing (an empty field). */
void csv_field(struct buf *b, const char *s);

#endif
