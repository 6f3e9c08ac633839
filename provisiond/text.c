/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	text - UTF-8 boundaries and output escaping (see text.h)
 */
#include "config.h"
#include "text.h"
#include "buf.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

int utf8_decode(const char **pp, unsigned *cp_r)
{
	const unsigned char *p = (const unsigned char *)*pp;
	unsigned cp;
	int extra;
	if (*p < 0x80) {
		*cp_r = *p;
		*pp += 1;
		return 0;
	}
	if ((*p & 0xe0) == 0xc0) { extra = 1; cp = *p & 0x1f; }
	else if ((*p & 0xf0) == 0xe0) { extra = 2; cp = *p & 0x0f; }
	else if ((*p & 0xf8) == 0xf0) { extra = 3; cp = *p & 0x07; }
	else {
		*pp += 1;
		return -1;
	}
	for (int i = 1; i <= extra; i++) {
		if ((p[i] & 0xc0) != 0x80) {	/* also stops at the NUL */
			*pp += 1;
			return -1;
		}
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
		*pp += 1;
		return -1;
	}
	*cp_r = cp;
	*pp += extra + 1;
	return 0;
}

void utf8_repair(char *s)
{
	const char *r = s;
	char *w = s;
	while (*r) {
		const char *start = r;
		unsigned cp;
		if (utf8_decode(&r, &cp) < 0)
			continue;	/* r moved past the bad byte; nothing written */
		while (start < r)
			*w++ = *start++;
	}
	*w = '\0';
}

size_t utf8_prefix_len(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return n;
	/* back up over continuation bytes to the start of the cut character */
	size_t i = max;
	while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80)
		i--;
	return i;
}

void text_vformat(char *dst, size_t size, const char *fmt, va_list ap)
{
	if (size == 0)
		return;
	vsnprintf(dst, size, fmt, ap);
	utf8_repair(dst);
}

void text_format(char *dst, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	text_vformat(dst, size, fmt, ap);
	va_end(ap);
}

void text_copy(char *dst, size_t size, const char *src)
{
	if (size == 0)
		return;
	if (src == NULL)
		src = "";
	size_t n = utf8_prefix_len(src, size - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
	utf8_repair(dst);
}

unsigned text_invisible_char(const char *s)
{
	while (*s) {
		unsigned cp;
		if (utf8_decode(&s, &cp) < 0)
			return 0;
		if (cp == 0x00ad || cp == 0x061c || (cp >= 0x200b && cp <= 0x200f) ||
		    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064) ||
		    (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff)
			return cp;
	}
	return 0;
}

/* The next character of *p as the directory compares names: lower case,
 * a run of inner spaces as one ' ', trailing spaces as the end (0). */
static int folded_next(const char **p)
{
	const char *s = *p;
	if (*s == ' ') {
		while (*s == ' ')
			s++;
		*p = s;
		return *s == '\0' ? 0 : ' ';
	}
	if (*s == '\0')
		return 0;
	*p = s + 1;
	return tolower((unsigned char)*s);
}

int text_equal_ci(const char *a, const char *b)
{
	while (*a == ' ')
		a++;
	while (*b == ' ')
		b++;
	for (;;) {
		int ca = folded_next(&a), cb = folded_next(&b);
		if (ca != cb)
			return 0;
		if (ca == 0)
			return 1;
	}
}

void log_escape(struct buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			buf_printf(b, "\\x%02x", *p);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			buf_printf(b, "\\x%02x", p[1]);	/* C1 control U+0080..U+009F */
			p++;
		} else
			buf_putc(b, (char)*p);
	}
}

void md_text(struct buf *b, const char *s)
{
	for (const char *p = s ? s : ""; *p; p++) {
		switch (*p) {
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '&': buf_puts(b, "&amp;"); break;
		case '\r':
		case '\n': buf_putc(b, ' '); break;
		case '|': case '\\': case '`': case '*': case '_': case '[': case ']': case '(': case ')':
		case '#': case '!': case '~':
			buf_putc(b, '\\');
			buf_putc(b, *p);
			break;
		default:
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				buf_putc(b, ' ');
			else
				buf_putc(b, *p);
		}
	}
}


void csv_field(struct buf *b, const char *v)
{
	if (v == NULL)
		return;
	int quote = strpbrk(v, ",\"\r\n") != NULL;
	int defuse = v[0] != '\0' && strchr("=+-@\t\r", v[0]) != NULL;
	if (!quote && !defuse) {
		buf_puts(b, v);
		return;
	}
	buf_putc(b, '"');
	if (defuse)
		buf_putc(b, '\'');
	for (const char *p = v; *p; p++) {
		if (*p == '"')
			buf_putc(b, '"');
		buf_putc(b, *p);
	}
	buf_putc(b, '"');
}
