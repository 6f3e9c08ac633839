/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-log - a log event as a text line and as a JSON line: every JSON line
 * parses (jansson) to the same message whatever bytes it held, control and
 * C1 characters never reach the output raw, invalid UTF-8 becomes U+FFFD,
 * and the request id appears exactly when one is set.
 */
#include "config.h"
#include "buf.h"
#include "log.h"
#include "unit.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *line_of(enum log_format f, const char *stamp, enum log_level lvl, const char *req,
			   const char *msg)
{
	static char out[1024];
	struct buf b = BUF_INIT;
	log_format_line(&b, f, stamp, "provisiond", lvl, req, msg);
	snprintf(out, sizeof(out), "%s", buf_str(&b));
	buf_free(&b);
	return out;
}

/* {name, message bytes, the JSON line wanted, the message as parsed back} */
static const struct {
	const char *name, *msg, *want, *parsed;
} json_cases[] = {
	{ "plain", "listening on 127.0.0.1",
	  "{\"time\":\"T\",\"level\":\"info\",\"service\":\"provisiond\",\"request_id\":\"r-1\","
	  "\"message\":\"listening on 127.0.0.1\"}", "listening on 127.0.0.1" },
	{ "quote and backslash", "a \"b\" c\\d",
	  "{\"time\":\"T\",\"level\":\"info\",\"service\":\"provisiond\",\"request_id\":\"r-1\","
	  "\"message\":\"a \\\"b\\\" c\\\\d\"}", "a \"b\" c\\d" },
	{ "a forged line", "x\n2026-01-01 provisiond error: forged",
	  "{\"time\":\"T\",\"level\":\"info\",\"service\":\"provisiond\",\"request_id\":\"r-1\","
	  "\"message\":\"x\\n2026-01-01 provisiond error: forged\"}", "x\n2026-01-01 provisiond error: forged" },
	{ "escape sequence and DEL", "\x1b[2J\x7f\t",
	  "{\"time\":\"T\",\"level\":\"info\",\"service\":\"provisiond\",\"request_id\":\"r-1\","
	  "\"message\":\"\\u001b[2J\\u007f\\t\"}", "\x1b[2J\x7f\t" },
	{ "C1 control", "a\xc2\x9b" "b",
	  "{\"time\":\"T\",\"level\":\"info\",\"service\":\"provisiond\",\"request_id\":\"r-1\","
	  "\"message\":\"a\\u009bb\"}", "a\xc2\x9b" "b" },
	{ "UTF-8 kept", "Núñez ☎ 𝄞",
	  "{\"time\":\"T\",\"level\":\"info\",\"service\":\"provisiond\",\"request_id\":\"r-1\","
	  "\"message\":\"Núñez ☎ 𝄞\"}", "Núñez ☎ 𝄞" },
	{ "invalid bytes", "a\xff" "b\xc3",
	  "{\"time\":\"T\",\"level\":\"info\",\"service\":\"provisiond\",\"request_id\":\"r-1\","
	  "\"message\":\"a\\ufffdb\\ufffd\"}", "a\xef\xbf\xbd" "b\xef\xbf\xbd" },
	{ "overlong and surrogate", "\xc0\xaf\xed\xa0\x80",
	  "{\"time\":\"T\",\"level\":\"info\",\"service\":\"provisiond\",\"request_id\":\"r-1\","
	  "\"message\":\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"}",
	  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
};

static void test_json(void)
{
	for (size_t i = 0; i < sizeof(json_cases) / sizeof(json_cases[0]); i++) {
		const char *got = line_of(LOG_FORMAT_JSON, "T", LOG_LVL_INFO, "r-1", json_cases[i].msg);
		CHECK(strcmp(got, json_cases[i].want) == 0, "%s: got '%s' want '%s'", json_cases[i].name, got,
		      json_cases[i].want);
		CHECK(strchr(got, '\n') == NULL && strchr(got, '\x1b') == NULL, "%s: raw control in '%s'",
		      json_cases[i].name, got);
		json_error_t e;
		json_t *j = json_loads(got, JSON_REJECT_DUPLICATES, &e);
		CHECK(j != NULL, "%s: not JSON (%s): %s", json_cases[i].name, e.text, got);
		const char *m = json_string_value(json_object_get(j, "message"));
		CHECK(m != NULL && strcmp(m, json_cases[i].parsed) == 0, "%s: parsed back '%s' want '%s'",
		      json_cases[i].name, m ? m : "(null)", json_cases[i].parsed);
		json_decref(j);
	}
	/* no request id: no key; no stamp: no time; the level's name */
	CHECK_STR(line_of(LOG_FORMAT_JSON, NULL, LOG_LVL_WARN, NULL, "m"),
		  "{\"level\":\"warning\",\"service\":\"provisiond\",\"message\":\"m\"}");
	CHECK_STR(line_of(LOG_FORMAT_JSON, "T", LOG_LVL_ERROR, "", "m"),
		  "{\"time\":\"T\",\"level\":\"error\",\"service\":\"provisiond\",\"message\":\"m\"}");
	/* a request id is the client's X-Request-Id: escaped like the rest */
	const char *got = line_of(LOG_FORMAT_JSON, "T", LOG_LVL_DEBUG, "a\"b", "m");
	CHECK_STR(got, "{\"time\":\"T\",\"level\":\"debug\",\"service\":\"provisiond\",\"request_id\":\"a\\\"b\","
		       "\"message\":\"m\"}");
}

static void test_text(void)
{
	CHECK_STR(line_of(LOG_FORMAT_TEXT, "2026-01-02T03:04:05.006Z", LOG_LVL_INFO, "r-1", "hello"),
		  "2026-01-02T03:04:05.006Z provisiond info: [req=r-1] hello");
	CHECK_STR(line_of(LOG_FORMAT_TEXT, "S", LOG_LVL_WARN, NULL, "x\ny"), "S provisiond warning: x\\x0ay");
	/* syslog's form: its own stamp and name */
	CHECK_STR(line_of(LOG_FORMAT_TEXT, NULL, LOG_LVL_ERROR, "r-2", "e"), "error: [req=r-2] e");
}

int main(void)
{
	test_json();
	test_text();
	return unit_done("test-log");
}
