/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	test-procedures - the input checks of every procedure
 * DESCRIPTION
 *	requests_check_input() is what a request body must pass before the
 *	directory or the database is asked: only known keys, the required
 *	fields present and strings, lengths in characters (not bytes), no
 *	control characters or invalid UTF-8, names, codes, dates and times,
 *	calling levels and the access catalogue of the configuration.
 *
 *	Each case starts from a body of its type that passes (checked first)
 *	and changes one thing; a refusal is 400 and must name the field it
 *	is about, with a message that says why. Expectations come from
 *	reading provisiond/requests.c and json.c, and from the integration
 *	tests (test_workflow, test_access, test_callcode, test_hardening)
 *	that see the same answers over HTTP. What the directory checks (unit,
 *	position, group names) is not part of these checks: test-engine has
 *	those, with a fake directory.
 */
#include "config.h"
#include "procedures/registry.h"
#include "conf.h"
#include "requests.h"
#include "workflow.h"
#include "text.h"
#include "tpool.h"
#include "unit.h"

#include <jansson.h>
#include <stdlib.h>

#define BASE_CONF "db_conninfo = dbname=unit\nldap_uri = ldapi://%2Ftmp%2Fx\nldap_base_dn = dc=example,dc=org\n"

/* the default login rule and a catalogue of two systems */
static const char conf_main[] = BASE_CONF
	"access.tributario.levels = read, write, admin\n"
	"access.network.levels = vpn, internet-external\n";
/* a login made of the second family name only, and no catalogue */
static const char conf_f2[] = BASE_CONF "login_template = {f2}\n";

static const char *const base_body[WF_TYPE_COUNT] = {
	[WF_HIRE] = "{\"employee_number\": \"E100\", \"national_id\": \"CI-100\", \"given_names\": \"María José\", "
		    "\"family_names\": \"de la Cruz O'Brien\", \"unit\": \"tributaria\", "
		    "\"position\": \"analista-tributario\", \"contract_type\": \"staff\", \"start_date\": \"2026-12-01\"}",
	[WF_EXIT] = "{\"employee_number\": \"E100\", \"effective_at\": \"2026-12-01T18:00:00-04:00\", "
		    "\"reason\": \"end of contract\"}",
	[WF_TRANSFER] = "{\"employee_number\": \"E100\", \"unit\": \"control\", \"position\": \"auditor-interno\"}",
	[WF_ACCESS] = "{\"employee_number\": \"E100\", \"justification\": \"reads tax returns\", "
		      "\"grant\": {\"levels\": [{\"system\": \"tributario\", \"level\": \"read\"}]}}",
	[WF_CALLCODE] = "{\"employee_number\": \"E100\", \"level\": \"mobile\", \"justification\": \"calls suppliers\"}",
};

static json_t *body_of(enum wf_type t)
{
	json_error_t je;
	json_t *b = json_loads(base_body[t], 0, &je);
	if (b == NULL) {
		fprintf(stderr, "base body of %s does not parse: %s\n", wf_type_name(t), je.text);
		exit(2);
	}
	return b;
}

struct result {
	int status;
	char field[64];
	char message[768];
};

static void check_input(const struct conf *c, enum wf_type t, json_t *b, struct result *r)
{
	struct outcome o;
	r->status = requests_check_input(c, t, b, &o);
	CHECK(o.body == NULL, "a check answers no body");
	text_copy(r->field, sizeof(r->field), o.field);
	text_copy(r->message, sizeof(r->message), r->status ? o.message : "");
}

/* One case: got r for what; want status 0 (accepted, no field or message)
 * or 400 naming field, the message holding says. */
static void expect(const char *what, const struct result *r, int status, const char *field, const char *says)
{
	if (status == 0) {
		CHECK(r->status == 0 && r->field[0] == '\0' && r->message[0] == '\0',
		      "%s: got %d field '%s' (%s), want accepted", what, r->status, r->field, r->message);
		return;
	}
	CHECK(r->status == status && strcmp(r->field, field) == 0 && strstr(r->message, says) != NULL,
	      "%s: got %d field '%s' message '%s', want %d field '%s' saying '%s'", what, r->status, r->field,
	      r->message, status, field, says);
}

/* ---- one change to a good body ------------------------------------------ */

struct pcase {
	enum wf_type type;
	const char *edit;	/* JSON object merged into the base body (NULL: none) */
	const char *drop;	/* member removed from it (NULL: none) */
	int status;		/* 0 accepted, else 400 */
	const char *field;	/* the field the refusal names */
	const char *says;	/* a part of its message */
};

static void run_case(const struct conf *c, const struct pcase *k, struct result *r, json_t **body_r)
{
	json_t *b = body_of(k->type);
	if (k->edit != NULL) {
		json_error_t je;
		json_t *e = json_loads(k->edit, 0, &je);
		if (e == NULL) {
			fprintf(stderr, "case edit %s does not parse: %s\n", k->edit, je.text);
			exit(2);
		}
		json_object_update(b, e);
		json_decref(e);
	}
	if (k->drop != NULL)
		json_object_del(b, k->drop);
	check_input(c, k->type, b, r);
	if (body_r != NULL)
		*body_r = b;
	else
		json_decref(b);
}

static void run_table(const struct conf *c, const struct pcase *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct pcase *k = &cases[i];
		struct result r;
		char what[400];
		snprintf(what, sizeof(what), "%s %s%s%s", wf_type_name(k->type), k->edit ? k->edit : "",
			 k->drop ? " without " : "", k->drop ? k->drop : "");
		run_case(c, k, &r, NULL);
		expect(what, &r, k->status, k->field, k->says);
	}
}

#define HIRE WF_HIRE
#define EXIT WF_EXIT
#define XFER WF_TRANSFER
#define ACC WF_ACCESS
#define CC WF_CALLCODE

static const struct pcase keys_cases[] = {
	/* unknown members are mistakes, and are named before anything else */
	{ HIRE, "{\"surprise\": 1}", NULL, 400, "surprise", "unknown field 'surprise'" },
	{ HIRE, "{\"surprise\": 1}", "employee_number", 400, "surprise", "unknown field" },
	{ HIRE, "{\"reason\": \"x\"}", NULL, 400, "reason", "unknown field" },	/* an exit's */
	{ EXIT, "{\"unit\": \"control\"}", NULL, 400, "unit", "unknown field 'unit'" },
	{ XFER, "{\"given_names\": \"Ana\"}", NULL, 400, "given_names", "unknown field" },
	{ XFER, "{\"effective_at\": \"2026-12-01T00:00:00Z\"}", NULL, 400, "effective_at", "unknown field" },
	{ ACC, "{\"level\": \"read\"}", NULL, 400, "level", "unknown field" },
	{ ACC, "{\"reason\": \"x\"}", NULL, 400, "reason", "unknown field" },	/* it is a justification */
	{ CC, "{\"code\": \"1234\"}", NULL, 400, "code", "unknown field 'code'" },
	{ CC, "{\"grant\": {}}", NULL, 400, "grant", "unknown field" },
};

/* Required members, in the order they are checked: with two missing,
 * the first is named. */
static const char *const required[WF_TYPE_COUNT][9] = {
	[WF_HIRE] = { "employee_number", "national_id", "given_names", "family_names", "unit", "position",
		      "contract_type", "start_date", NULL },
	[WF_EXIT] = { "employee_number", "effective_at", "reason", NULL },
	[WF_TRANSFER] = { "employee_number", "unit", "position", NULL },
	[WF_ACCESS] = { "employee_number", "justification", NULL },
	[WF_CALLCODE] = { "employee_number", "justification", NULL },
};

/* Optional string members: absent is fine, another type is not. */
static const char *const optional[WF_TYPE_COUNT][3] = {
	[WF_HIRE] = { "end_date", "private_email", NULL },
	[WF_TRANSFER] = { "reason", NULL },
	[WF_CALLCODE] = { "action", "level", NULL },
};

static void test_required_and_types(const struct conf *c)
{
	static const struct { const char *json; const char *says; } wrong[] = {
		{ "null", "is required" },
		{ "\"\"", "must not be empty" },
		{ "42", "must be a string" },
		{ "1.5", "must be a string" },
		{ "true", "must be a string" },
		{ "[\"E100\"]", "must be a string" },
		{ "{\"value\": \"E100\"}", "must be a string" },
	};
	for (int t = 0; t < WF_TYPE_COUNT; t++) {
		struct result r;
		json_t *b = body_of((enum wf_type)t);
		check_input(c, (enum wf_type)t, b, &r);
		json_decref(b);
		expect(wf_type_name((enum wf_type)t), &r, 0, NULL, NULL);	/* the base passes */

		for (int i = 0; required[t][i]; i++) {
			const char *key = required[t][i];
			char what[200];
			b = body_of((enum wf_type)t);
			json_object_del(b, key);
			check_input(c, (enum wf_type)t, b, &r);
			json_decref(b);
			snprintf(what, sizeof(what), "%s without %s", wf_type_name((enum wf_type)t), key);
			expect(what, &r, 400, key, "is required");
			for (size_t w = 0; w < sizeof(wrong) / sizeof(wrong[0]); w++) {
				b = body_of((enum wf_type)t);
				json_object_set_new(b, key, json_loads(wrong[w].json, JSON_DECODE_ANY, NULL));
				check_input(c, (enum wf_type)t, b, &r);
				json_decref(b);
				snprintf(what, sizeof(what), "%s with %s = %s", wf_type_name((enum wf_type)t), key,
					 wrong[w].json);
				expect(what, &r, 400, key, wrong[w].says);
			}
			/* this one and every later one missing: this one is named */
			b = body_of((enum wf_type)t);
			for (int k = i; required[t][k]; k++)
				json_object_del(b, required[t][k]);
			check_input(c, (enum wf_type)t, b, &r);
			json_decref(b);
			snprintf(what, sizeof(what), "%s without %s and the rest", wf_type_name((enum wf_type)t), key);
			expect(what, &r, 400, key, "is required");
		}
		for (int i = 0; optional[t][i]; i++) {
			const char *key = optional[t][i];
			char what[200];
			b = body_of((enum wf_type)t);
			json_object_set_new(b, key, json_integer(42));
			check_input(c, (enum wf_type)t, b, &r);
			json_decref(b);
			snprintf(what, sizeof(what), "%s with %s = 42", wf_type_name((enum wf_type)t), key);
			expect(what, &r, 400, key, "must be a string");
		}
	}
}

/* ---- lengths: counted in characters, the limit itself allowed ------------ */

struct lcase {
	enum wf_type type;
	const char *key;
	int max;
	const char *unit;	/* one character, repeated */
	const char *suffix;	/* ends the value (counted) */
	int passes_at_max;	/* 0: the value is refused at max for another reason */
};

static const struct lcase length_cases[] = {
	{ HIRE, "employee_number", 32, "A", "", 1 },
	{ HIRE, "national_id", 32, "7", "", 1 },
	{ HIRE, "given_names", 100, "a", "", 1 },
	{ HIRE, "given_names", 100, "ñ", "", 1 },		/* 2 bytes each: 200 bytes is 100 characters */
	{ HIRE, "family_names", 100, "ø", "", 1 },
	{ HIRE, "unit", 64, "u", "", 1 },
	{ HIRE, "position", 64, "p", "", 1 },
	{ HIRE, "contract_type", 16, "s", "", 0 },
	{ HIRE, "start_date", 10, "2", "", 0 },
	{ HIRE, "end_date", 10, "2", "", 0 },
	{ HIRE, "private_email", 254, "a", "@correo.example", 1 },
	{ EXIT, "employee_number", 32, "9", "", 1 },
	{ EXIT, "effective_at", 40, "2", "", 0 },
	{ EXIT, "reason", 500, "x", "", 1 },
	{ EXIT, "reason", 500, "€", "", 1 },			/* 3 bytes each */
	{ XFER, "unit", 64, "u", "", 1 },
	{ XFER, "position", 64, "p", "", 1 },
	{ XFER, "reason", 500, "é", "", 1 },
	{ ACC, "employee_number", 32, "A", "", 1 },
	{ ACC, "justification", 2000, "j", "", 1 },
	{ ACC, "justification", 2000, "😀", "", 1 },		/* 4 bytes each */
	{ CC, "justification", 2000, "j", "", 1 },
	{ CC, "action", 16, "r", "", 0 },
	{ CC, "level", 32, "m", "", 0 },
};

static char *repeat(const char *unit, int n, const char *suffix)
{
	size_t ul = strlen(unit), sl = strlen(suffix);
	char *s = malloc(ul * (size_t)n + sl + 1), *p = s;
	if (s == NULL)
		exit(2);
	for (int i = 0; i < n; i++, p += ul)
		memcpy(p, unit, ul);
	memcpy(p, suffix, sl + 1);
	return s;
}

static void test_lengths(const struct conf *c)
{
	for (size_t i = 0; i < sizeof(length_cases) / sizeof(length_cases[0]); i++) {
		const struct lcase *k = &length_cases[i];
		int slen = (int)strlen(k->suffix);	/* suffixes are ASCII */
		char want[64], what[200];
		snprintf(want, sizeof(want), "longer than %d characters", k->max);
		for (int n = k->max; n <= k->max + 1; n++) {
			struct result r;
			char *v = repeat(k->unit, n - slen, k->suffix);
			json_t *b = body_of(k->type);
			json_object_set_new(b, k->key, json_string(v));
			check_input(c, k->type, b, &r);
			json_decref(b);
			free(v);
			snprintf(what, sizeof(what), "%s %s of %d '%s'", wf_type_name(k->type), k->key, n, k->unit);
			if (n > k->max)
				expect(what, &r, 400, k->key, want);
			else if (k->passes_at_max)
				expect(what, &r, 0, NULL, NULL);
			else
				CHECK(strstr(r.message, "longer than") == NULL, "%s: refused for its length: %s", what,
				      r.message);
		}
	}
}

/* ---- bytes the JSON parser never hands over, and control characters ---- */

struct bcase {
	enum wf_type type;
	const char *key;
	const char *bytes;
	size_t len;
	const char *says;
};

#define B(s) s, sizeof(s) - 1

static const struct bcase byte_cases[] = {
	{ HIRE, "given_names", B("Ana\xff"), "is not valid UTF-8" },
	{ HIRE, "given_names", B("Ana\xc3"), "is not valid UTF-8" },			/* cut in the middle */
	{ HIRE, "family_names", B("Paz\xc0\xaf"), "is not valid UTF-8" },		/* overlong '/' */
	{ HIRE, "family_names", B("Paz\xed\xa0\x80"), "is not valid UTF-8" },		/* a surrogate */
	{ HIRE, "employee_number", B("E\xf4\x90\x80\x80"), "is not valid UTF-8" },	/* beyond U+10FFFF */
	{ HIRE, "given_names", B("Ana\0Paz"), "contains a NUL character" },
	{ EXIT, "reason", B("fin\x80"), "is not valid UTF-8" },
	{ EXIT, "reason", B("fin\xed\xbf\xbf"), "is not valid UTF-8" },		/* a surrogate */
	{ CC, "justification", B("\xe0\x80\xaf"), "is not valid UTF-8" },	/* overlong */
	{ EXIT, "employee_number", B("E1\0"), "contains a NUL character" },
	{ XFER, "unit", B("control\xfe"), "is not valid UTF-8" },
	{ ACC, "justification", B("porque\xe2\x82"), "is not valid UTF-8" },
	{ CC, "justification", B("x\0y"), "contains a NUL character" },
	{ CC, "level", B("mobile\xff"), "is not valid UTF-8" },
	/* control characters, C0, DEL and C1 (U+0085 is C2 85) */
	{ HIRE, "given_names", B("Ana\x07"), "control characters" },
	{ HIRE, "family_names", B("Paz\tSoto"), "control characters" },
	{ HIRE, "national_id", B("CI\x7f"), "control characters" },
	{ HIRE, "given_names", B("Ana\xc2\x85"), "control characters" },
	{ HIRE, "private_email", B("ana@correo.example\r\nBcc: x@y.example"), "control characters" },
	{ EXIT, "reason", B("line one\nline two"), "control characters" },
	{ XFER, "position", B("auditor\x1b[31m"), "control characters" },
	{ ACC, "justification", B("\xc2\x9b"), "control characters" },
	{ CC, "action", B("issue\r"), "control characters" },
};

static void test_bytes(const struct conf *c)
{
	for (size_t i = 0; i < sizeof(byte_cases) / sizeof(byte_cases[0]); i++) {
		const struct bcase *k = &byte_cases[i];
		struct result r;
		char what[200];
		json_t *b = body_of(k->type);
		json_object_set_new(b, k->key, json_stringn_nocheck(k->bytes, k->len));
		check_input(c, k->type, b, &r);
		json_decref(b);
		snprintf(what, sizeof(what), "%s %s of bytes case %zu", wf_type_name(k->type), k->key, i);
		expect(what, &r, 400, k->key, k->says);
	}
}

/* ---- hires: codes, names, dates, contracts, private mail, the login ------ */

static const struct pcase hire_cases[] = {
	/* HR numbers and national ids: letters, digits, '-', '_', '.' */
	{ HIRE, "{\"employee_number\": \"E-1_a.B\"}", NULL, 0, NULL, NULL },
	{ HIRE, "{\"employee_number\": \"E 1\"}", NULL, 400, "employee_number", "may hold only letters" },
	{ HIRE, "{\"employee_number\": \"E/1\"}", NULL, 400, "employee_number", "the HR number" },
	{ HIRE, "{\"employee_number\": \"Eñ1\"}", NULL, 400, "employee_number", "may hold only letters" },
	{ HIRE, "{\"national_id\": \"CI 100\"}", NULL, 400, "national_id", "the national id" },
	{ HIRE, "{\"national_id\": \"CI+100\"}", NULL, 400, "national_id", "may hold only letters" },
	/* names: full Unicode; of ASCII only letters, space, ' - . */
	{ HIRE, "{\"given_names\": \"Jean-Luc\", \"family_names\": \"D'Arcy St. John\"}", NULL, 0, NULL, NULL },
	{ HIRE, "{\"given_names\": \"Zoë Åsa\", \"family_names\": \"Łukasiewicz Núñez\"}", NULL, 0, NULL, NULL },
	{ HIRE, "{\"given_names\": \"María\", \"family_names\": \"Иванова\"}", NULL, 0, NULL, NULL },	/* login maria */
	{ HIRE, "{\"given_names\": \"Ana2\"}", NULL, 400, "given_names", "contains '2'" },
	{ HIRE, "{\"given_names\": \"Ana<script>\"}", NULL, 400, "given_names", "contains '<'" },
	{ HIRE, "{\"given_names\": \"Ana_María\"}", NULL, 400, "given_names", "does not belong in a name" },
	{ HIRE, "{\"family_names\": \"Paz, Soto\"}", NULL, 400, "family_names", "contains ','" },
	{ HIRE, "{\"family_names\": \"Paz@\"}", NULL, 400, "family_names", "contains '@'" },
	/* characters that disguise a name on screen */
	{ HIRE, "{\"given_names\": \"Ana\\u200bMaría\"}", NULL, 400, "given_names", "U+200B, an invisible" },
	{ HIRE, "{\"given_names\": \"Peña\\u202e\"}", NULL, 400, "given_names", "U+202E" },
	{ HIRE, "{\"given_names\": \"\\u2066Luis\"}", NULL, 400, "given_names", "U+2066" },
	{ HIRE, "{\"given_names\": \"Ana\\ufeff\"}", NULL, 400, "given_names", "U+FEFF" },
	{ HIRE, "{\"given_names\": \"Ana\\u00adMaría\"}", NULL, 400, "given_names", "U+00AD" },
	{ HIRE, "{\"family_names\": \"Paz\\u061c\"}", NULL, 400, "family_names", "U+061C" },
	{ HIRE, "{\"family_names\": \"Paz\\u2060Soto\"}", NULL, 400, "family_names", "direction-changing" },
	/* spaces are tidied first: a name of spaces is an empty name */
	{ HIRE, "{\"family_names\": \"   \"}", NULL, 400, "family_names", "must not be empty" },
	{ HIRE, "{\"given_names\": \" \"}", NULL, 400, "given_names", "must not be empty" },
	/* the login must be derivable from the names ({g1}.{f1}) */
	{ HIRE, "{\"given_names\": \"😀\", \"family_names\": \"😀\"}", NULL, 400, "family_names",
	  "no login can be made" },
	{ HIRE, "{\"given_names\": \"Дмитрий\", \"family_names\": \"Иванов\"}", NULL, 400, "family_names",
	  "no login can be made" },
	/* dates: YYYY-MM-DD, a real day, 1900 to 9999 */
	{ HIRE, "{\"start_date\": \"2024-02-29\"}", NULL, 0, NULL, NULL },
	{ HIRE, "{\"start_date\": \"2000-02-29\"}", NULL, 0, NULL, NULL },
	{ HIRE, "{\"start_date\": \"1900-01-01\"}", NULL, 0, NULL, NULL },
	{ HIRE, "{\"start_date\": \"2100-02-29\"}", NULL, 400, "start_date", "not a date of the form YYYY-MM-DD" },
	{ HIRE, "{\"start_date\": \"2026-02-30\"}", NULL, 400, "start_date", "'2026-02-30'" },
	{ HIRE, "{\"start_date\": \"1899-12-31\"}", NULL, 400, "start_date", "not a date" },
	{ HIRE, "{\"start_date\": \"2026-13-01\"}", NULL, 400, "start_date", "not a date" },
	{ HIRE, "{\"start_date\": \"2026-00-10\"}", NULL, 400, "start_date", "not a date" },
	{ HIRE, "{\"start_date\": \"01/12/2026\"}", NULL, 400, "start_date", "not a date" },
	{ HIRE, "{\"start_date\": \"2026-1-01\"}", NULL, 400, "start_date", "not a date" },
	{ HIRE, "{\"start_date\": \"2026-12-1 \"}", NULL, 400, "start_date", "not a date" },
	/* contracts: staff, or consultant with an end */
	{ HIRE, "{\"contract_type\": \"intern\"}", NULL, 400, "contract_type", "must be staff or consultant, not 'intern'" },
	{ HIRE, "{\"contract_type\": \"Staff\"}", NULL, 400, "contract_type", "must be staff or consultant" },
	{ HIRE, "{\"contract_type\": \"consultant\"}", NULL, 400, "end_date", "needs an end_date" },
	{ HIRE, "{\"contract_type\": \"consultant\", \"end_date\": \"\"}", NULL, 400, "end_date", "needs an end_date" },
	{ HIRE, "{\"contract_type\": \"consultant\", \"end_date\": \"2027-06-30\"}", NULL, 0, NULL, NULL },
	{ HIRE, "{\"end_date\": \"\"}", NULL, 0, NULL, NULL },
	{ HIRE, "{\"end_date\": \"2026-12-01\"}", NULL, 0, NULL, NULL },		/* the same day */
	{ HIRE, "{\"end_date\": \"2026-11-30\"}", NULL, 400, "end_date", "is before start_date 2026-12-01" },
	{ HIRE, "{\"end_date\": \"2026-12-32\"}", NULL, 400, "end_date", "not a date" },
	/* the start is checked before the end is compared with it */
	{ HIRE, "{\"start_date\": \"2026-02-30\", \"end_date\": \"2026-01-01\"}", NULL, 400, "start_date", "not a date" },
	/* the private address: one plausible mail address, or nothing */
	{ HIRE, "{\"private_email\": \"\"}", NULL, 0, NULL, NULL },
	{ HIRE, "{\"private_email\": \"ana.paz@correo.example\"}", NULL, 0, NULL, NULL },
	{ HIRE, "{\"private_email\": \"no es correo\"}", NULL, 400, "private_email", "one mail address" },
	{ HIRE, "{\"private_email\": \"ana@localhost\"}", NULL, 400, "private_email", "one mail address" },
	{ HIRE, "{\"private_email\": \"@correo.example\"}", NULL, 400, "private_email", "one mail address" },
	{ HIRE, "{\"private_email\": \"ana@.example\"}", NULL, 400, "private_email", "one mail address" },
	{ HIRE, "{\"private_email\": \"ana@correo.example.\"}", NULL, 400, "private_email", "one mail address" },
	{ HIRE, "{\"private_email\": \"ana@paz@correo.example\"}", NULL, 400, "private_email", "one mail address" },
	{ HIRE, "{\"private_email\": \"ana paz@correo.example\"}", NULL, 400, "private_email", "one mail address" },
	{ HIRE, "{\"private_email\": \"<ana@correo.example>\"}", NULL, 400, "private_email", "one mail address" },
	{ HIRE, "{\"private_email\": \"ana@correo.example;x@y.example\"}", NULL, 400, "private_email",
	  "one mail address" },
	/* the private address is checked before the HR number's characters */
	{ HIRE, "{\"private_email\": \"x\", \"employee_number\": \"E 1\"}", NULL, 400, "private_email",
	  "one mail address" },
};

static void test_hire(const struct conf *c, const struct conf *c_f2)
{
	run_table(c, hire_cases, sizeof(hire_cases) / sizeof(hire_cases[0]));

	/* names are stored as they should be: ends trimmed, runs made one */
	static const struct pcase tidy = { HIRE, "{\"given_names\": \"  Ana   María \", \"family_names\": \" Paz  Soto\"}",
					   NULL, 0, NULL, NULL };
	struct result r;
	json_t *b;
	run_case(c, &tidy, &r, &b);
	expect("tidied names", &r, 0, NULL, NULL);
	CHECK_STR(json_string_value(json_object_get(b, "given_names")), "Ana María");
	CHECK_STR(json_string_value(json_object_get(b, "family_names")), "Paz Soto");
	json_decref(b);

	/* the login rule is the configuration's: {f2} needs a second family name */
	static const struct pcase f2[] = {
		{ HIRE, NULL, NULL, 0, NULL, NULL },
		{ HIRE, "{\"family_names\": \"Pérez\"}", NULL, 400, "family_names", "the template {f2} gives an empty name" },
	};
	run_table(c_f2, f2, sizeof(f2) / sizeof(f2[0]));
	struct pcase one = { HIRE, "{\"family_names\": \"Pérez\"}", NULL, 0, NULL, NULL };
	run_table(c, &one, 1);
}

/* ---- exits: an RFC 3339 time with an offset ------------------------------- */

static const struct pcase exit_cases[] = {
	{ EXIT, "{\"effective_at\": \"2026-12-01T18:00:00Z\"}", NULL, 0, NULL, NULL },
	{ EXIT, "{\"effective_at\": \"2026-12-01t18:00z\"}", NULL, 0, NULL, NULL },		/* seconds optional */
	{ EXIT, "{\"effective_at\": \"2026-12-01T18:00:00.123456789+05:30\"}", NULL, 0, NULL, NULL },
	{ EXIT, "{\"effective_at\": \"2024-02-29T23:59:59-23:59\"}", NULL, 0, NULL, NULL },
	{ EXIT, "{\"effective_at\": \"2026-12-01T18:00:00\"}", NULL, 400, "effective_at", "with an offset" },
	{ EXIT, "{\"effective_at\": \"2026-12-01\"}", NULL, 400, "effective_at", "RFC 3339" },
	{ EXIT, "{\"effective_at\": \"2026-12-01 18:00:00Z\"}", NULL, 400, "effective_at", "RFC 3339" },
	{ EXIT, "{\"effective_at\": \"2026-13-01T00:00:00Z\"}", NULL, 400, "effective_at", "'2026-13-01T00:00:00Z'" },
	{ EXIT, "{\"effective_at\": \"2026-02-29T00:00:00Z\"}", NULL, 400, "effective_at", "RFC 3339" },
	{ EXIT, "{\"effective_at\": \"2026-12-01T24:00:00Z\"}", NULL, 400, "effective_at", "RFC 3339" },
	{ EXIT, "{\"effective_at\": \"2026-12-01T18:60:00Z\"}", NULL, 400, "effective_at", "RFC 3339" },
	{ EXIT, "{\"effective_at\": \"2026-12-01T18:00:60Z\"}", NULL, 400, "effective_at", "RFC 3339" },
	{ EXIT, "{\"effective_at\": \"2026-12-01T18:00:00.1234567890Z\"}", NULL, 400, "effective_at", "RFC 3339" },
	{ EXIT, "{\"effective_at\": \"2026-12-01T18:00:00.Z\"}", NULL, 400, "effective_at", "RFC 3339" },
	{ EXIT, "{\"effective_at\": \"2026-12-01T18:00:00+24:00\"}", NULL, 400, "effective_at", "RFC 3339" },
	{ EXIT, "{\"effective_at\": \"2026-12-01T18:00:00+0400\"}", NULL, 400, "effective_at", "RFC 3339" },
	{ EXIT, "{\"effective_at\": \"2026-12-01T18:00:00Zjunk\"}", NULL, 400, "effective_at", "RFC 3339" },
	{ EXIT, "{\"effective_at\": \"next tuesday\"}", NULL, 400, "effective_at", "RFC 3339" },
	{ EXIT, "{\"employee_number\": \"E 1\"}", NULL, 400, "employee_number", "may hold only letters" },
	/* the strings first, then the HR number's characters, then the time */
	{ EXIT, "{\"employee_number\": \"E 1\", \"effective_at\": \"soon\"}", NULL, 400, "employee_number", "only letters" },
	{ EXIT, "{\"effective_at\": \"soon\"}", "reason", 400, "reason", "is required" },
};

/* ---- transfers: the new unit and position (the directory checks them) ------ */

static const struct pcase transfer_cases[] = {
	{ XFER, "{\"reason\": \"reorganisation\"}", NULL, 0, NULL, NULL },
	{ XFER, "{\"reason\": \"\"}", NULL, 0, NULL, NULL },
	{ XFER, "{\"reason\": null}", NULL, 0, NULL, NULL },
	{ XFER, "{\"unit\": \"nowhere\"}", NULL, 0, NULL, NULL },	/* the catalogue is the directory's */
	{ XFER, "{\"employee_number\": \"E 1\"}", NULL, 400, "employee_number", "may hold only letters" },
	/* every string is read before the HR number's characters are */
	{ XFER, "{\"employee_number\": \"E 1\"}", "unit", 400, "unit", "is required" },
};

/* ---- access requests: levels of the catalogue, groups by name ------------- */

#define LV(sys, lev) "{\"system\": \"" sys "\", \"level\": \"" lev "\"}"

static const struct pcase access_cases[] = {
	{ ACC, "{\"grant\": {\"levels\": [" LV("network", "vpn") ", " LV("tributario", "admin") "]}}", NULL, 0, NULL, NULL },
	{ ACC, "{\"grant\": {\"groups\": [\"tim-staff\"]}}", NULL, 0, NULL, NULL },
	{ ACC, "{\"grant\": {\"levels\": null, \"groups\": [\"tim-staff\"]}}", NULL, 0, NULL, NULL },
	{ ACC, "{\"grant\": null, \"revoke\": {\"levels\": [" LV("tributario", "write") "]}}", NULL, 0, NULL, NULL },
	{ ACC, "{\"grant\": {\"levels\": [" LV("tributario", "read") ", " LV("tributario", "read") "]}}", NULL, 0, NULL,
	  NULL },	/* the same twice is one */
	/* the shape */
	{ ACC, "{\"grant\": \"tributario:read\"}", NULL, 400, "grant", "must be an object with 'levels' and/or 'groups'" },
	{ ACC, "{\"grant\": [" LV("tributario", "read") "]}", NULL, 400, "grant", "must be an object" },
	{ ACC, "{\"revoke\": 1}", NULL, 400, "revoke", "'revoke' must be an object" },
	{ ACC, "{\"grant\": {\"colour\": []}}", NULL, 400, "grant.colour", "unknown field 'colour' in 'grant'" },
	{ ACC, "{\"revoke\": {\"level\": []}}", NULL, 400, "revoke.level", "unknown field 'level' in 'revoke'" },
	{ ACC, "{\"grant\": {\"levels\": \"tributario:read\"}}", NULL, 400, "grant.levels", "'grant.levels' must be an array" },
	{ ACC, "{\"grant\": {\"groups\": \"tim-staff\"}}", NULL, 400, "grant.groups", "must be an array" },
	{ ACC, "{\"grant\": {\"levels\": [\"tributario:read\"]}}", NULL, 400, "grant.levels[0]", "each level is" },
	{ ACC, "{\"grant\": {\"levels\": [{\"system\": \"tributario\"}]}}", NULL, 400, "grant.levels[0]", "each level is" },
	{ ACC, "{\"grant\": {\"levels\": [{\"system\": \"tributario\", \"level\": \"read\", \"until\": \"2027\"}]}}", NULL,
	  400, "grant.levels[0]", "each level is" },
	{ ACC, "{\"grant\": {\"levels\": [{\"system\": \"tributario\", \"level\": 1}]}}", NULL, 400, "grant.levels[0]",
	  "each level is" },
	/* the catalogue (access.<system>.levels), spelled exactly */
	{ ACC, "{\"grant\": {\"levels\": [" LV("tributario", "delete") "]}}", NULL, 400, "grant.levels[0]",
	  "system tributario has no level 'delete'; its levels: read, write, admin" },
	{ ACC, "{\"grant\": {\"levels\": [" LV("tributario", "READ") "]}}", NULL, 400, "grant.levels[0]", "no level 'READ'" },
	{ ACC, "{\"grant\": {\"levels\": [" LV("read", "x") "]}}", NULL, 400, "grant.levels[0]",
	  "unknown system 'read': the catalogue has tributario, network" },
	{ ACC, "{\"grant\": {\"levels\": [" LV("Tributario", "read") "]}}", NULL, 400, "grant.levels[0]",
	  "unknown system 'Tributario'" },
	{ ACC, "{\"grant\": {\"levels\": [" LV("network", "vpn") ", " LV("network", "ftp") "]}}", NULL, 400,
	  "grant.levels[1]", "system network has no level 'ftp'; its levels: vpn, internet-external" },
	{ ACC, "{\"grant\": null, \"revoke\": {\"levels\": [" LV("network", "ftp") "]}}", NULL, 400, "revoke.levels[0]",
	  "no level 'ftp'" },
	/* groups: a name of 1 to 64 characters without controls */
	{ ACC, "{\"grant\": {\"groups\": [\"\"]}}", NULL, 400, "grant.groups[0]", "1 to 64 characters" },
	{ ACC, "{\"grant\": {\"groups\": [\"tim-staff\", 42]}}", NULL, 400, "grant.groups[1]", "a group is its name" },
	{ ACC, "{\"grant\": {\"groups\": [\"tim\\u0001staff\"]}}", NULL, 400, "grant.groups[0]", "no control characters" },
	{ ACC, "{\"grant\": {\"groups\": [\"gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg\"]}}", NULL,
	  0, NULL, NULL },	/* 64 */
	{ ACC, "{\"grant\": {\"groups\": [\"ggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg\"]}}", NULL,
	  400, "grant.groups[0]", "1 to 64 characters" },	/* 65 */
	{ ACC, "{\"grant\": null, \"revoke\": {\"groups\": [\"\"]}}", NULL, 400, "revoke.groups[0]", "1 to 64" },
	/* something to grant or revoke, never both for one item */
	{ ACC, NULL, "grant", 400, "grant", "grants or revokes at least one level or group" },
	{ ACC, "{\"grant\": {}}", NULL, 400, "grant", "at least one" },
	{ ACC, "{\"grant\": {\"levels\": []}, \"revoke\": {\"groups\": []}}", NULL, 400, "grant", "at least one" },
	{ ACC, "{\"revoke\": {\"levels\": [" LV("tributario", "read") "]}}", NULL, 400, "revoke",
	  "level tributario:read is both granted and revoked" },
	{ ACC, "{\"grant\": {\"groups\": [\"tim-staff\"]}, \"revoke\": {\"groups\": [\"tim-staff\"]}}", NULL, 400, "revoke",
	  "group tim-staff is both granted and revoked" },
	/* the person and the why come first */
	{ ACC, "{\"employee_number\": \"E 1\", \"grant\": 1}", NULL, 400, "employee_number", "may hold only letters" },
	{ ACC, "{\"grant\": 1}", "justification", 400, "justification", "is required" },
	{ ACC, "{\"justification\": \"\"}", NULL, 400, "justification", "must not be empty" },
};

static void test_access(const struct conf *c, const struct conf *no_catalogue)
{
	run_table(c, access_cases, sizeof(access_cases) / sizeof(access_cases[0]));
	static const struct pcase empty[] = {
		{ ACC, NULL, NULL, 400, "grant.levels[0]",
		  "unknown system 'tributario': the catalogue has nothing (no access.<system>.levels configured)" },
		{ ACC, "{\"grant\": {\"groups\": [\"tim-staff\"]}}", NULL, 0, NULL, NULL },
	};
	run_table(no_catalogue, empty, sizeof(empty) / sizeof(empty[0]));
}

/* ---- call codes (PR01): issue at a level, or revoke ------------------------ */

static const struct pcase callcode_cases[] = {
	{ CC, "{\"level\": \"local\"}", NULL, 0, NULL, NULL },
	{ CC, "{\"level\": \"national\"}", NULL, 0, NULL, NULL },
	{ CC, "{\"level\": \"international\"}", NULL, 0, NULL, NULL },
	{ CC, "{\"action\": \"issue\"}", NULL, 0, NULL, NULL },
	{ CC, "{\"action\": null}", NULL, 0, NULL, NULL },			/* issue, the default */
	{ CC, "{\"action\": \"revoke\"}", "level", 0, NULL, NULL },
	{ CC, "{\"action\": \"revoke\", \"level\": null}", NULL, 0, NULL, NULL },
	{ CC, "{\"action\": \"revoke\"}", NULL, 400, "level", "a revocation takes the person's code away: it has no level" },
	{ CC, "{\"action\": \"Issue\"}", NULL, 400, "action", "issue (a new code, the default) or revoke, not 'Issue'" },
	{ CC, "{\"action\": \"\"}", NULL, 400, "action", "not ''" },
	{ CC, "{\"action\": \"renew\"}", NULL, 400, "action", "not 'renew'" },
	{ CC, NULL, "level", 400, "level", "names its level: local, mobile, national or international" },
	{ CC, "{\"level\": null}", NULL, 400, "level", "names its level" },
	{ CC, "{\"action\": \"issue\"}", "level", 400, "level", "names its level" },
	{ CC, "{\"level\": \"galactic\"}", NULL, 400, "level", "unknown calling level 'galactic'" },
	{ CC, "{\"level\": \"Mobile\"}", NULL, 400, "level", "unknown calling level 'Mobile'" },
	{ CC, "{\"level\": \"\"}", NULL, 400, "level", "unknown calling level ''" },
	{ CC, "{\"employee_number\": \"E 1\"}", NULL, 400, "employee_number", "may hold only letters" },
	/* the person and the why first, then the action, then the level */
	{ CC, "{\"level\": \"galactic\"}", "justification", 400, "justification", "is required" },
	{ CC, "{\"action\": \"renew\", \"level\": \"galactic\"}", NULL, 400, "action", "not 'renew'" },
};

/* ---- what the answer holds ------------------------------------------------- */

static void test_answer(const struct conf *c)
{
	json_t *b = body_of(WF_ACCESS);
	json_object_set_new(b, "grant", json_loads("{\"levels\": [\"x\"]}", 0, NULL));
	struct outcome o;
	int st = requests_check_input(c, WF_ACCESS, b, &o);
	CHECK_INT(st, 400);
	CHECK_INT(o.status, 400);
	CHECK_STR(o.code, "invalid_field");
	CHECK_STR(o.field, "grant.levels[0]");
	CHECK(o.message[0] != '\0' && strlen(o.message) < sizeof(o.message), "the message is whole and terminated");
	json_decref(b);
}

int main(void)
{
	procedures_register_all();	/* as main() does */
	unsigned frame = t_push();	/* the errors' strings (tpool.h) */
	const char *err = NULL;
	struct conf *c = conf_parse("unit.conf", conf_main, &err);
	struct conf *c_f2 = c ? conf_parse("f2.conf", conf_f2, &err) : NULL;
	if (c == NULL || c_f2 == NULL) {
		fprintf(stderr, "the test configuration is refused: %s\n", err ? err : "?");
		return 2;
	}
	test_required_and_types(c);
	run_table(c, keys_cases, sizeof(keys_cases) / sizeof(keys_cases[0]));
	test_lengths(c);
	test_bytes(c);
	test_hire(c, c_f2);
	run_table(c, exit_cases, sizeof(exit_cases) / sizeof(exit_cases[0]));
	run_table(c, transfer_cases, sizeof(transfer_cases) / sizeof(transfer_cases[0]));
	test_access(c, c_f2);
	run_table(c, callcode_cases, sizeof(callcode_cases) / sizeof(callcode_cases[0]));
	test_answer(c);
	conf_put(&c);
	conf_put(&c_f2);
	t_pop(frame);
	return unit_done("test-procedures");
}
