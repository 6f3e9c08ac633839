/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	naming - login names and mail local parts from a person's names
 * DESCRIPTION
 *	HR sends names in full Unicode ("María José", "de la Cruz O'Brien",
 *	"Núñez", "Pérez-Soto"); directories want short ASCII identifiers.
 *	A configured template ("{g1}.{f1}") says how to build one, and the
 *	numbered candidates ("juan.perez2") resolve collisions the same way
 *	every time, so a retried request allocates the same name.
 */
#ifndef PVD_NAMING_H
#define PVD_NAMING_H

#include <stddef.h>

#include "buf.h"

/* NULL members count as empty. */
struct naming_input { const char *given_names, *family_names, *unit, *position; };

/* Appends to out the ASCII transliteration of a UTF-8 string: lower case
 * a-z and 0-9 only; letters with diacritics map to their base letter
 * (á->a, ñ->n, ü->u, ç->c, ø->o, å->a, ł->l, đ->d ...), ß->ss, æ->ae, œ->oe,
 * þ->th, ð->d; apostrophes, hyphens, spaces and anything unmappable are dropped.
 * Covers Latin-1 Supplement and Latin Extended-A with a table (do not use
 * iconv: its //TRANSLIT depends on the locale). Returns -1 on invalid UTF-8
 * (overlong forms, surrogates, truncated sequences), leaving out as it was. */
int naming_transliterate(const char *utf8, struct buf *out);

/* Expands a template. Placeholders: {g1} first given name, {g2} second given name
 * (empty if none), {g} all given names, {gi} first letter of the first given name,
 * {f1} first family name, {f2} second family name, {f} all family names, {fi} first
 * letter of {f1}, {unit}, {position}. Words are split on spaces; Spanish/Portuguese/
 * Dutch/German particles (de, del, la, las, los, y, e, da, das, do, dos, van, von, der, den, di, du, le)
 * are skipped when choosing {f1}/{f2}/{g1}/{g2} (so "de la Cruz Pérez" gives f1=cruz, f2=perez),
 * but a name made only of particles is kept as is. A hyphenated word ("Pérez-Soto") is one word
 * (perezsoto). Each placeholder value is transliterated. Literal characters allowed in a
 * template are a-z 0-9 '.', '-', '_'; the result collapses repeated separators (a run keeps
 * its first one), trims separators at both ends, and is cut to max_len characters (cutting at
 * a separator leaves no trailing separator; max_len 0 means no limit). Returns 0 and *out_r
 * (malloc'd), or -1 and *error_r (tpool.h) saying why:
 * unknown placeholder "{x}", bad literal character, or empty result ("the template {f2} gives an
 * empty name for given names 'Ana' family names 'Pérez'"). */
int naming_expand(const char *tmpl, const struct naming_input *in, size_t max_len,
		  char **out_r, const char **error_r);

/* Checks a template without a person (for the configuration check): placeholders,
 * literals, and that it can give a non-empty name at all. 0 or -1 + *error_r. */
int naming_template_check(const char *tmpl, const char **error_r);

/* The n-th candidate for a base name: n == 1 (or less) gives the base; n >= 2 appends the
 * number ("jose.nunez2"), cutting the base so the whole stays within max_len (0: no limit)
 * and leaving no separator before the number. Deterministic: the same base and n always
 * give the same candidate. Never NULL: when max_len has no room for even one character of
 * the base next to the number (max_len 3, n >= 100) the candidate keeps one character and
 * is longer than max_len. Caller frees. */
char *naming_candidate(const char *base, int n, size_t max_len);

#endif
