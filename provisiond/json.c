/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	json - body parsing and field checks (see json.h)
 */
#include "config.h"
#include "json.h"
#include "buf.h"
#include "outcome.h"
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Every body check refuses with 400. Its message is cut where these
 * checks always cut it (512 bytes, at a character boundary), so an answer
 * that quotes a long unknown key reads the same on every route. */
static int refuse(struct outcome *o, const char *code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int refuse(struct outcome *o, const char *code, const char *field, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	text_vformat(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fail(o, 400, code, field, "%s", msg);
	return -1;
}

json_t *json_parse_body(const char *data, size_t len, struct outcome *o)
{
	json_error_t je;
	json_t *j;

	if (len == 0) {
		refuse(o, "bad_json", NULL, "request body is empty; a JSON object is expected");
		return NULL;
	}
	j = json_loadb(data, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	if (j == NULL) {
		refuse(o, "bad_json", NULL, "malformed JSON at line %d, column %d: %s", je.line, je.column,
		       je.text);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		refuse(o, "bad_json", NULL, "request body must be a JSON object");
		return NULL;
	}
	return j;
}

long utf8_length(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	long n = 0;
	while (*p) {
		int extra;
		unsigned cp;
		if (*p < 0x80) { p++; n++; continue; }
		else if ((*p & 0xe0) == 0xc0) { extra = 1; cp = *p & 0x1f; }
		else if ((*p & 0xf0) == 0xe0) { extra = 2; cp = *p & 0x0f; }
		else if ((*p & 0xf8) == 0xf0) { extra = 3; cp = *p & 0x07; }
		else return -1;
		p++;
		for (int i = 0; i < extra; i++, p++) {
			if ((*p & 0xc0) != 0x80)
				return -1;
			cp = cp << 6 | (*p & 0x3f);
		}
		/* overlong forms, surrogates, beyond U+10FFFF */
		if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
		    (extra == 3 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return -1;
		n++;
	}
	return n;
}

int has_control_chars(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	for (; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return 1;
		/* C1 controls U+0080..U+009F are encoded as C2 80..C2 9F */
		if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return 1;
	}
	return 0;
}

const char *json_get_string(json_t *obj, const char *key, int required,
			    size_t max_len, struct outcome *o)
{
	json_t *v = json_object_get(obj, key);
	const char *s;
	long n;

	if (v == NULL || json_is_null(v)) {
		if (required)
			refuse(o, "missing_field", key, "field '%s' is required", key);
		return NULL;
	}
	if (!json_is_string(v)) {
		refuse(o, "invalid_field", key, "field '%s' must be a string", key);
		return NULL;
	}
	s = json_string_value(v);
	if (strlen(s) != json_string_length(v)) {
		refuse(o, "invalid_field", key, "field '%s' contains a NUL character", key);
		return NULL;
	}
	if (has_control_chars(s)) {
		refuse(o, "invalid_field", key, "field '%s' contains control characters", key);
		return NULL;
	}
	n = utf8_length(s);
	if (n < 0) {
		refuse(o, "invalid_field", key, "field '%s' is not valid UTF-8", key);
		return NULL;
	}
	if ((size_t)n > max_len) {
		refuse(o, "invalid_field", key, "field '%s' is longer than %zu characters", key, max_len);
		return NULL;
	}
	if (required && n == 0) {
		refuse(o, "missing_field", key, "field '%s' must not be empty", key);
		return NULL;
	}
	return s;
}

int json_check_keys(json_t *obj, const char *const *allowed, struct outcome *o)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		int ok = 0;
		(void)v;
		for (const char *const *a = allowed; *a; a++)
			if (strcmp(*a, key) == 0) {
				ok = 1;
				break;
			}
		if (!ok)
			return refuse(o, "invalid_field", key, "unknown field '%s'", key);
	}
	return 0;
}

char *json_to_string(const json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);
	return s ? s : xstrdup("null");
}
