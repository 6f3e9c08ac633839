/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A plugin instance's configuration checked against its rows (plugin_conf.c):
 * conversion, defaults, required keys, prefixed lists, the messages that
 * name key and line, and rows that are the plugin's own bug. */
#include "config.h"
#include "plugin_conf.h"
#include "buf.h"
#include "tpool.h"
#include "unit.h"

#include <stdlib.h>

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

struct fake_conf {
	char *uri;
	char *realm;
	int timeout;
	int verbose;
	char *note;
	struct pvd_conf_list units;	/* unit.<u> and unit_<u> */
	struct pvd_conf_list levels;
};

static const char *realm_check(const char *v)
{
	return strchr(v, ' ') ? "is not a SIP domain" : NULL;
}

#define F(m) offsetof(struct fake_conf, m)
static const struct pvd_conf_row rows[] = {
	{ .name = "uri", .type = PVD_CONF_STRING, .offset = F(uri), .flags = PVD_CONF_REQUIRED },
	{ .name = "realm", .type = PVD_CONF_STRING, .offset = F(realm), .flags = PVD_CONF_REQUIRED,
	  .check = realm_check, .help = "the SIP domain" },
	{ .name = "timeout", .type = PVD_CONF_INT, .offset = F(timeout), .def = "5", .min = 1, .max = 300 },
	{ .name = "verbose", .type = PVD_CONF_BOOL, .offset = F(verbose), .def = "no" },
	{ .name = "note", .type = PVD_CONF_STRING, .offset = F(note) },
	{ .name = "unit.", .type = PVD_CONF_LIST, .offset = F(units), .shown = "unit.<unit>" },
	{ .name = "unit_", .type = PVD_CONF_LIST, .offset = F(units), .shown = "unit_<unit>" },
	{ .name = "level.", .type = PVD_CONF_LIST, .offset = F(levels), .check = realm_check, .shown = "level.<level>" },
	{ .name = NULL },
};
enum { R_URI, R_REALM, R_TIMEOUT, R_VERBOSE, R_NOTE, R_UNIT_DOT, R_UNIT_US, R_LEVEL };

/* "key=value;key=value", line numbers 10, 11, ... */
static int kv_of(const char *text, struct pvd_kv *kv, char *store, size_t size)
{
	int n = 0;
	snprintf(store, size, "%s", text);
	for (char *save = NULL, *p = strtok_r(store, ";", &save); p; p = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(p, '=');
		*eq = '\0';
		kv[n].key = p;
		kv[n].value = eq + 1;
		kv[n].line = 10 + n;
		n++;
	}
	return n;
}

static void test_refusals(void)
{
	/* want: the message; NULL: accepted */
	static const struct { const char *name, *lines, *want; } cases[] = {
		{ "all good", "uri=ldapi:///;realm=pbx.example.org", NULL },
		{ "unknown key", "uri=x;colour=blue;realm=r",
		  "plugin key 'colour' (line 11) is not known to fake (uri, realm, timeout, verbose, note, unit.<unit>, "
		  "unit_<unit>, level.<level>)" },
		{ "prefix without the name", "uri=x;realm=r;unit.=a",
		  "plugin key 'unit.' (line 12): name the unit after 'unit.'" },
		{ "not a number", "uri=x;realm=r;timeout=soon", "plugin key 'timeout' (line 12): 'soon' is not a number from 1 to 300" },
		{ "out of range", "timeout=301;uri=x;realm=r", "plugin key 'timeout' (line 10): '301' is not a number from 1 to 300" },
		{ "empty number", "uri=x;realm=r;timeout=", "plugin key 'timeout' (line 12): '' is not a number from 1 to 300" },
		{ "not a bool", "uri=x;realm=r;verbose=maybe", "plugin key 'verbose' (line 12): 'maybe' is not yes or no" },
		{ "row check", "uri=x;realm=pbx example", "plugin key 'realm' (line 11): 'pbx example' is not a SIP domain" },
		{ "row check on a list item", "uri=x;realm=r;level.a=b c", "plugin key 'level.a' (line 12): 'b c' is not a SIP domain" },
		{ "missing, no help", "realm=r", "plugin key 'uri' is missing: fake needs it" },
		{ "empty is missing", "uri=;realm=r", "plugin key 'uri' is missing: fake needs it" },
		{ "missing with help", "uri=x", "plugin key 'realm' is required: the SIP domain" },
		{ "value errors first", "colour=1", "plugin key 'colour' (line 10) is not known to fake (uri, realm, timeout, "
		  "verbose, note, unit.<unit>, unit_<unit>, level.<level>)" },
	};
	for (size_t i = 0; i < NCASES(cases); i++) {
		struct pvd_kv kv[8];
		char store[256];
		int n = kv_of(cases[i].lines, kv, store, sizeof(store));
		void *conf = NULL;
		int *lines = NULL;
		const char *err = NULL;
		int rc = plugin_conf_parse("fake", rows, sizeof(struct fake_conf), kv, n, &conf, &lines, &err);
		if (cases[i].want == NULL) {
			CHECK(rc == 0 && conf != NULL, "%s: got %d (%s) want 0", cases[i].name, rc, err ? err : "");
		} else {
			CHECK(rc == -1 && conf == NULL && lines == NULL, "%s: got %d want -1", cases[i].name, rc);
			CHECK(err != NULL && strcmp(err, cases[i].want) == 0, "%s: got '%s' want '%s'", cases[i].name,
			      err ? err : "(null)", cases[i].want);
		}
		free(lines);
		plugin_conf_free(rows, &conf);
		CHECK(conf == NULL, "%s: conf not NULLed", cases[i].name);
	}
}

static void test_filled(void)
{
	struct pvd_kv kv[8];
	char store[256];
	int n = kv_of("unit_b=2;uri=ldapi:///;realm=r;unit.a=1;verbose=yes;level.x=y", kv, store, sizeof(store));
	void *p = NULL;
	int *lines = NULL;
	const char *err = NULL;
	CHECK_INT(plugin_conf_parse("fake", rows, sizeof(struct fake_conf), kv, n, &p, &lines, &err), 0);
	struct fake_conf *c = p;
	if (c == NULL)
		return;
	CHECK_STR(c->uri, "ldapi:///");
	CHECK_INT(c->timeout, 5);		/* the default */
	CHECK_INT(c->verbose, 1);
	CHECK(c->note == NULL, "a key without default, not given, stays NULL: got '%s'", c->note);
	/* two rows, one list, file order; each item knows its row */
	CHECK_INT(c->units.n, 2);
	if (c->units.n == 2) {
		CHECK_STR(c->units.v[0].key, "unit_b");
		CHECK_STR(c->units.v[0].name, "b");
		CHECK_STR(c->units.v[0].value, "2");
		CHECK_INT(c->units.v[0].line, 10);
		CHECK_INT(c->units.v[0].row, R_UNIT_US);
		CHECK_STR(c->units.v[1].name, "a");
		CHECK_INT(c->units.v[1].row, R_UNIT_DOT);
	}
	CHECK_INT(c->levels.n, 1);
	CHECK_INT(lines[R_URI], 11);
	CHECK_INT(lines[R_TIMEOUT], 0);
	CHECK_INT(lines[R_UNIT_DOT], 13);
	CHECK_INT(lines[R_UNIT_US], 10);
	CHECK_INT(lines[R_LEVEL], 15);
	free(lines);
	plugin_conf_free(rows, &p);
}

/* Rows that do not fit their struct are refused before any line is read. */
static void test_bad_rows(void)
{
	static const struct pvd_conf_row outside[] = {
		{ .name = "uri", .type = PVD_CONF_STRING, .offset = sizeof(struct fake_conf) },
		{ .name = NULL },
	};
	static const struct pvd_conf_row twice[] = {
		{ .name = "uri", .type = PVD_CONF_STRING, .offset = F(uri) },
		{ .name = "uri", .type = PVD_CONF_STRING, .offset = F(realm) },
		{ .name = NULL },
	};
	static const struct pvd_conf_row overlap[] = {
		{ .name = "uri", .type = PVD_CONF_STRING, .offset = F(uri) },
		{ .name = "timeout", .type = PVD_CONF_INT, .offset = F(uri) },
		{ .name = NULL },
	};
	static const struct { const char *name; const struct pvd_conf_row *rows; const char *want; } cases[] = {
		{ "outside", outside, "fake: configuration row 0 ('uri') lies outside the configuration struct (conf_size): "
		  "the plugin is broken" },
		{ "twice", twice, "fake: configuration row 1 ('uri') is named twice: the plugin is broken" },
		{ "overlap", overlap, "fake: configuration row 1 ('timeout') shares its field with another row: the plugin is broken" },
	};
	for (size_t i = 0; i < NCASES(cases); i++) {
		void *conf = NULL;
		int *lines = NULL;
		const char *err = NULL;
		int rc = plugin_conf_parse("fake", cases[i].rows, sizeof(struct fake_conf), NULL, 0, &conf, &lines, &err);
		CHECK(rc == -1, "%s: got %d want -1", cases[i].name, rc);
		CHECK(err != NULL && strcmp(err, cases[i].want) == 0, "%s: got '%s' want '%s'", cases[i].name,
		      err ? err : "(null)", cases[i].want);
	}
	/* a plugin without keys refuses every line */
	struct pvd_kv kv = { "x", "1", 3 };
	void *conf = NULL;
	int *lines = NULL;
	const char *err = NULL;
	CHECK_INT(plugin_conf_parse("bare", NULL, 0, &kv, 1, &conf, &lines, &err), -1);
	CHECK_STR(err, "plugin key 'x' (line 3) is not known to bare (it takes no keys)");
	CHECK_INT(plugin_conf_parse("bare", NULL, 0, NULL, 0, &conf, &lines, &err), 0);
	free(lines);
	plugin_conf_free(NULL, &conf);
}

int main(void)
{
	unsigned frame = t_push();	/* the refusals' messages (tpool.h) */
	test_refusals();
	test_filled();
	test_bad_rows();
	t_pop(frame);
	return unit_done("test-plugin-conf");
}
