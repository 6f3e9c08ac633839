/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/* JSON body parsing, field checks and the error envelope. */
#include "config.h"
#include "http.h"
#include "json.h"
#include "outcome.h"
#include "unit.h"

#include <stdlib.h>

static void test_parse(void)
{
	static const struct { const char *name, *body, *want_msg; } cases[] = {
		{ "empty", "", "request body is empty; a JSON object is expected" },
		{ "broken", "{\"a\": }", "malformed JSON at line 1, column 7: unexpected token near '}'" },
		{ "second line", "{\n  \"a\": 1,\n}", "malformed JSON at line 3, column 1: string or '}' expected near '}'" },
		{ "array", "[1,2]", "request body must be a JSON object" },
		{ "string", "\"hr\"", "request body must be a JSON object" },
		{ "number", "42", "request body must be a JSON object" },
		{ "duplicate", "{\"a\":1,\"a\":2}", "malformed JSON at line 1, column 10: duplicate object key near '\"a\"'" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct outcome e = { 0 };
		json_t *j = json_parse_body(cases[i].body, strlen(cases[i].body), &e);
		CHECK(j == NULL, "%s: accepted", cases[i].name);
		CHECK_INT(e.status, 400);
		CHECK_STR(e.code, "bad_json");
		CHECK(strcmp(e.message, cases[i].want_msg) == 0, "%s: got '%s' want '%s'",
		      cases[i].name, e.message, cases[i].want_msg);
		json_decref(j);
	}
	struct outcome e = { 0 };
	json_t *j = json_parse_body("{\"name\":\"x\"}", 12, &e);
	CHECK(j != NULL, "valid object refused");
	json_decref(j);
}

static void test_fields(void)
{
	struct outcome e = { 0 };
	json_t *o = json_pack("{s:s, s:i, s:s, s:s, s:s, s:s}", "name", "Núñez O'Brien", "num", 3,
			      "ctl", "a\tb", "long", "abcdefghijk", "empty", "", "c1", "x\xc2\x85y");
	CHECK_STR(json_get_string(o, "name", 1, 13, &e), "Núñez O'Brien");	/* 13 code points */
	CHECK(json_get_string(o, "name", 1, 12, &e) == NULL && strcmp(e.code, "invalid_field") == 0 &&
	      strcmp(e.field, "name") == 0, "13 characters must exceed a limit of 12");
	CHECK(json_get_string(o, "missing", 1, 10, &e) == NULL && strcmp(e.code, "missing_field") == 0 &&
	      strcmp(e.field, "missing") == 0, "missing required field");
	memset(&e, 0, sizeof(e));
	CHECK(json_get_string(o, "missing", 0, 10, &e) == NULL && e.code == NULL, "optional absent is no error");
	CHECK(json_get_string(o, "num", 1, 10, &e) == NULL && strcmp(e.message, "field 'num' must be a string") == 0,
	      "number for string: %s", e.message);
	CHECK(json_get_string(o, "ctl", 1, 10, &e) == NULL &&
	      strcmp(e.message, "field 'ctl' contains control characters") == 0, "tab refused");
	CHECK(json_get_string(o, "c1", 1, 10, &e) == NULL, "C1 control (NEL) refused");
	CHECK(json_get_string(o, "empty", 1, 10, &e) == NULL && strcmp(e.code, "missing_field") == 0,
	      "empty required refused");
	static const char *const allowed[] = { "name", "num", "ctl", "long", "empty", NULL };
	CHECK(json_check_keys(o, allowed, &e) < 0 && strcmp(e.field, "c1") == 0, "unknown field named: %s", e.field);
	json_decref(o);

	CHECK_INT(utf8_length("añ€😀"), 4);
	CHECK_INT(utf8_length("\xc0\xaf"), -1);		/* overlong '/' */
	CHECK_INT(utf8_length("\xed\xa0\x80"), -1);	/* surrogate */
	CHECK_INT(utf8_length("\xff"), -1);
}

static void test_envelope(void)
{
	char *s = http_error_body("invalid_field", "role", "unknown role 'x'");
	CHECK_STR(s, "{\"error\":{\"code\":\"invalid_field\",\"message\":\"unknown role 'x'\",\"field\":\"role\"}}");
	free(s);
	s = http_error_body("not_found", NULL, "no resource at /x");
	CHECK_STR(s, "{\"error\":{\"code\":\"not_found\",\"message\":\"no resource at /x\",\"field\":null}}");
	free(s);
}

int main(void)
{
	test_parse();
	test_fields();
	test_envelope();
	return unit_done("test-json");
}
