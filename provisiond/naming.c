/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	naming - login names and mail local parts from a person's names (see naming.h)
 * DESCRIPTION
 *	Transliteration is a fixed table, not iconv: //TRANSLIT depends on the
 *	locale the daemon happens to run under ("ñ" becomes "n", "~n" or "?"),
 *	and a login must not change because a service file changed LANG.
 *	Decomposed input (e + U+0301) needs no table: the combining mark is
 *	unmappable and dropped, leaving the base letter.
 */
#include "config.h"
#include "naming.h"
#include "buf.h"
#include "tpool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* U+00C0..U+017F: Latin-1 Supplement letters and Latin Extended-A. "" for
 * the two symbols among them (U+00D7 multiplication, U+00F7 division). */
static const char *const latin[0x180 - 0xc0] = {
	/* U+00C0 */ "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	/* U+00D0 */ "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",
	/* U+00E0 */ "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	/* U+00F0 */ "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
	/* U+0100 */ "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",
	/* U+0110 */ "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",
	/* U+0120 */ "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",
	/* U+0130 */ "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",
	/* U+0140 */ "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",
	/* U+0150 */ "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",
	/* U+0160 */ "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",
	/* U+0170 */ "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",
};

static const char *const particles[] = {
	"de", "del", "la", "las", "los", "y", "e", "da", "das", "do", "dos",
	"van", "von", "der", "den", "di", "du", "le", NULL
};

/* Decodes one code point; returns its length in bytes, or -1 for a
 * malformed, overlong, surrogate or out-of-range sequence. */
static int utf8_decode(const unsigned char *p, unsigned *cp_r)
{
	int extra;
	unsigned cp;
	if (*p < 0x80) { *cp_r = *p; return 1; }
	else if ((*p & 0xe0) == 0xc0) { extra = 1; cp = *p & 0x1f; }
	else if ((*p & 0xf0) == 0xe0) { extra = 2; cp = *p & 0x0f; }
	else if ((*p & 0xf8) == 0xf0) { extra = 3; cp = *p & 0x07; }
	else return -1;
	/* the NUL terminator fails the continuation test, so no overrun */
	for (int i = 1; i <= extra; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
	    (extra == 3 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*cp_r = cp;
	return extra + 1;
}

static void translit_cp(unsigned cp, struct buf *out)
{
	if (cp >= 'a' && cp <= 'z')
		buf_putc(out, (char)cp);
	else if (cp >= '0' && cp <= '9')
		buf_putc(out, (char)cp);
	else if (cp >= 'A' && cp <= 'Z')
		buf_putc(out, (char)(cp - 'A' + 'a'));
	else if (cp >= 0xc0 && cp < 0x180)
		buf_puts(out, latin[cp - 0xc0]);
	/* Romanian comma-below letters live in Extended-B but are common */
	else if (cp == 0x218 || cp == 0x219)
		buf_putc(out, 's');
	else if (cp == 0x21a || cp == 0x21b)
		buf_putc(out, 't');
}

int naming_transliterate(const char *utf8, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)utf8;
	size_t start = out->len;
	while (*p) {
		unsigned cp;
		int n = utf8_decode(p, &cp);
		if (n < 0) {
			/* all or nothing: no half-transliterated name */
			if (out->data != NULL) {
				out->len = start;
				out->data[start] = '\0';
			}
			return -1;
		}
		translit_cp(cp, out);
		p += n;
	}
	return 0;
}

/* ---- names ----------------------------------------------------------- */

/* One of given_names or family_names, split into transliterated words. */
struct name_parts {
	struct buf all;		/* every word, particles included */
	char *first, *second;	/* first two words that are not particles */
	char *any1, *any2;	/* first two words of any kind */
};

static int is_particle(const char *w)
{
	for (int i = 0; particles[i] != NULL; i++)
		if (strcmp(w, particles[i]) == 0)
			return 1;
	return 0;
}

/* Spaces of any kind separate words; HR exports often carry U+00A0. */
static int is_space(unsigned cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xa0 ||
	       (cp >= 0x2000 && cp <= 0x200a) || cp == 0x202f || cp == 0x3000;
}

static void add_word(struct name_parts *np, struct buf *word)
{
	/* "-" or an emoji alone transliterates to nothing: not a word */
	if (word->len == 0)
		return;
	buf_puts(&np->all, word->data);
	if (np->any1 == NULL)
		np->any1 = xstrdup(word->data);
	else if (np->any2 == NULL)
		np->any2 = xstrdup(word->data);
	if (!is_particle(word->data)) {
		if (np->first == NULL)
			np->first = xstrdup(word->data);
		else if (np->second == NULL)
			np->second = xstrdup(word->data);
	}
	buf_reset(word);
}

static int name_split(const char *s, struct name_parts *np)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	struct buf word = BUF_INIT;

	memset(np, 0, sizeof(*np));
	for (;;) {
		unsigned cp = 0;
		int n = 0;
		if (*p != '\0' && (n = utf8_decode(p, &cp)) < 0) {
			buf_free(&word);
			return -1;
		}
		if (*p == '\0' || is_space(cp)) {
			add_word(np, &word);
			if (*p == '\0')
				break;
		} else
			translit_cp(cp, &word);
		p += n;
	}
	buf_free(&word);
	/* "Van" or "De La" alone is a name, not a prefix of one */
	if (np->first == NULL) {
		np->first = np->any1;
		np->second = np->any2;
		np->any1 = np->any2 = NULL;
	}
	return 0;
}

static void name_free(struct name_parts *np)
{
	buf_free(&np->all);
	free(np->first);
	free(np->second);
	free(np->any1);
	free(np->any2);
}

/* ---- templates ------------------------------------------------------- */

enum ph { PH_G1, PH_G2, PH_G, PH_GI, PH_F1, PH_F2, PH_F, PH_FI, PH_UNIT, PH_POSITION };

static const char *const ph_names[] = {
	"g1", "g2", "g", "gi", "f1", "f2", "f", "fi", "unit", "position", NULL
};

static int is_sep(char c) { return c == '.' || c == '-' || c == '_'; }

static int is_literal(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || is_sep(c);
}

/* Everything a placeholder can stand for, transliterated. */
struct person {
	struct name_parts g, f;
	struct buf unit, position;
};

static void put_initial(struct buf *out, const char *word)
{
	if (word != NULL && word[0] != '\0')
		buf_putc(out, word[0]);
}

static void put_word(struct buf *out, const char *word)
{
	if (word != NULL)
		buf_puts(out, word);
}

static void put_value(struct buf *out, enum ph ph, const struct person *pe)
{
	switch (ph) {
	case PH_G1: put_word(out, pe->g.first); break;
	case PH_G2: put_word(out, pe->g.second); break;
	case PH_G: buf_puts(out, buf_str(&pe->g.all)); break;
	case PH_GI: put_initial(out, pe->g.first); break;
	case PH_F1: put_word(out, pe->f.first); break;
	case PH_F2: put_word(out, pe->f.second); break;
	case PH_F: buf_puts(out, buf_str(&pe->f.all)); break;
	case PH_FI: put_initial(out, pe->f.first); break;
	case PH_UNIT: buf_puts(out, buf_str(&pe->unit)); break;
	case PH_POSITION: buf_puts(out, buf_str(&pe->position)); break;
	}
}

/* Describes the character at p for an error message: printable ones as
 * themselves (UTF-8 included), the rest by value, so the log stays readable. */
static char *describe_char(const char *p)
{
	unsigned cp;
	int n = utf8_decode((const unsigned char *)p, &cp);
	if (n < 0)
		return xasprintf("byte 0x%02x (not UTF-8)", (unsigned char)*p);
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return xasprintf("U+%04X (a control character)", cp);
	return xasprintf("'%.*s'", n, p);
}

/* Walks the template: with pe NULL it only checks it. Appends the raw
 * expansion (separators not yet tidied) to out. has_alnum_r tells whether a
 * literal letter or digit guarantees a non-empty result. */
static int walk(const char *tmpl, const struct person *pe, struct buf *out,
		int *has_alnum_r, int *has_ph_r, const char **error_r)
{
	const char *p = tmpl;

	*has_alnum_r = *has_ph_r = 0;
	while (*p) {
		if (*p == '{') {
			const char *end = strchr(p + 1, '}');
			size_t n;
			int i;
			if (end == NULL) {
				*error_r = t_printf("unterminated placeholder \"%s\" in template \"%s\": "
						    "a '}' is missing", p, tmpl);
				return -1;
			}
			n = (size_t)(end - p - 1);
			for (i = 0; ph_names[i] != NULL; i++)
				if (strlen(ph_names[i]) == n && strncmp(p + 1, ph_names[i], n) == 0)
					break;
			if (ph_names[i] == NULL) {
				*error_r = t_printf("unknown placeholder \"%.*s\" in template \"%s\" "
						    "(known: {g1} {g2} {g} {gi} {f1} {f2} {f} {fi} "
						    "{unit} {position})", (int)(n + 2), p, tmpl);
				return -1;
			}
			*has_ph_r = 1;
			if (pe != NULL)
				put_value(out, (enum ph)i, pe);
			p = end + 1;
		} else if (is_literal(*p)) {
			if (!is_sep(*p))
				*has_alnum_r = 1;
			buf_putc(out, *p);
			p++;
		} else {
			char *what = describe_char(p);
			*error_r = t_printf("bad literal character %s in template \"%s\": outside "
					    "placeholders only a-z, 0-9, '.', '-' and '_' are allowed",
					    what, tmpl);
			free(what);
			return -1;
		}
	}
	return 0;
}

/* Collapses separator runs (keeping the first), trims both ends, cuts to
 * max_len and trims again, in place. */
static void tidy(struct buf *b, size_t max_len)
{
	size_t j = 0;
	for (size_t i = 0; i < b->len; i++) {
		char c = b->data[i];
		if (is_sep(c) && (j == 0 || is_sep(b->data[j - 1])))
			continue;
		b->data[j++] = c;
	}
	if (max_len > 0 && j > max_len)
		j = max_len;
	while (j > 0 && is_sep(b->data[j - 1]))
		j--;
	b->len = j;
	if (b->data != NULL)
		b->data[j] = '\0';
}

int naming_template_check(const char *tmpl, const char **error_r)
{
	struct buf raw = BUF_INIT;
	int has_alnum, has_ph;
	int rc = walk(tmpl, NULL, &raw, &has_alnum, &has_ph, error_r);
	buf_free(&raw);
	if (rc < 0)
		return -1;
	/* "" or "._" would fail for every single person */
	if (!has_alnum && !has_ph) {
		*error_r = t_printf("the template \"%s\" gives an empty name for everyone: "
				    "it needs a placeholder or a letter or digit", tmpl);
		return -1;
	}
	return 0;
}

int naming_expand(const char *tmpl, const struct naming_input *in, size_t max_len,
		  char **out_r, const char **error_r)
{
	struct person pe;
	struct buf raw = BUF_INIT;
	int has_alnum, has_ph, rc = -1;
	const char *gn = in->given_names ? in->given_names : "";
	const char *fn = in->family_names ? in->family_names : "";

	memset(&pe, 0, sizeof(pe));
	if (name_split(gn, &pe.g) < 0) {
		*error_r = t_printf("the given names are not valid UTF-8");
		goto out;
	}
	if (name_split(fn, &pe.f) < 0) {
		*error_r = t_printf("the family names are not valid UTF-8");
		goto out;
	}
	if (naming_transliterate(in->unit ? in->unit : "", &pe.unit) < 0) {
		*error_r = t_printf("the unit is not valid UTF-8");
		goto out;
	}
	if (naming_transliterate(in->position ? in->position : "", &pe.position) < 0) {
		*error_r = t_printf("the position is not valid UTF-8");
		goto out;
	}
	if (walk(tmpl, &pe, &raw, &has_alnum, &has_ph, error_r) < 0)
		goto out;
	tidy(&raw, max_len);
	if (raw.len == 0) {
		*error_r = t_printf("the template %s gives an empty name for given names '%s' "
				    "family names '%s'", tmpl, gn, fn);
		goto out;
	}
	*out_r = buf_steal(&raw);
	rc = 0;
out:
	buf_free(&raw);
	name_free(&pe.g);
	name_free(&pe.f);
	buf_free(&pe.unit);
	buf_free(&pe.position);
	return rc;
}

char *naming_candidate(const char *base, int n, size_t max_len)
{
	struct buf b = BUF_INIT;
	char num[16] = "";
	size_t keep = strlen(base), nlen;

	if (n >= 2)
		snprintf(num, sizeof(num), "%d", n);
	nlen = strlen(num);
	if (max_len > 0 && keep + nlen > max_len) {
		if (max_len > nlen) {
			keep = max_len - nlen;
			/* "jose.2" reads as a typo; "jose2" as a number */
			while (keep > 1 && is_sep(base[keep - 1]))
				keep--;
		} else if (keep > 1)
			keep = 1;	/* one base character beats a bare number */
	}
	buf_append(&b, base, keep);
	buf_puts(&b, num);
	return buf_steal(&b);
}
