/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	ldapconn-util - memory, formatted strings and string lists of the LDAP plugins
 * DESCRIPTION
 *	Allocation succeeds or the process dies (with a line on stderr): the
 *	plugins never check for NULL from these. See ldapconn.h.
 */
#include "config.h"
#include "ldapconn.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- memory and strings ------------------------------------------------- */

const char *lc_jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s != NULL && *s != '\0' ? s : NULL;
}

void *lc_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL) {
		fputs("ldapconn: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *lc_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL) {
		fputs("ldapconn: out of memory\n", stderr);
		abort();
	}
	return p;
}

char *lc_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(lc_xmalloc(n), s, n);
}

static char *vasprintf_x(const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	char *s = lc_xmalloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *lc_asprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = vasprintf_x(fmt, ap);
	va_end(ap);
	return s;
}

enum pvd_status lc_set(struct pvd_result *res, enum pvd_status status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(res->message, sizeof(res->message), fmt, ap);
	va_end(ap);
	res->status = status;
	return status;
}

/* ---- string lists ------------------------------------------------------------------ */

void lc_strs_add(struct lc_strs *s, const char *value)
{
	s->v = lc_xrealloc(s->v, sizeof(char *) * (size_t)(s->n + 1));
	s->v[s->n++] = lc_strdup(value);
}

int lc_strs_has(const struct lc_strs *s, const char *value)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->v[i], value) == 0)
			return 1;
	return 0;
}

void lc_strs_add_list(struct lc_strs *s, const char *list)
{
	const char *p = list;
	while (*p != '\0') {
		const char *comma = strchr(p, ',');
		const char *end = comma ? comma : p + strlen(p);
		const char *b = p, *e = end;
		while (b < e && isspace((unsigned char)*b))
			b++;
		while (e > b && isspace((unsigned char)e[-1]))
			e--;
		if (e > b) {
			char *w = lc_xmalloc((size_t)(e - b) + 1);
			memcpy(w, b, (size_t)(e - b));
			w[e - b] = '\0';
			if (!lc_strs_has(s, w))
				lc_strs_add(s, w);
			free(w);
		}
		p = comma ? comma + 1 : end;
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void lc_strs_sort(struct lc_strs *s)
{
	if (s->n > 1)
		qsort(s->v, (size_t)s->n, sizeof(char *), cmp_str);
}

json_t *lc_strs_json(const struct lc_strs *s)
{
	json_t *a = json_array();
	for (int i = 0; i < s->n; i++)
		json_array_append_new(a, json_string(s->v[i]));
	return a;
}

void lc_strs_free(struct lc_strs *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}
