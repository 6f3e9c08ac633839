/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SCIM filters (RFC 7644 3.4.2.2) into parameterized SQL: the SQL each
 * filter gives, its parameters, and the filters refused (invalidFilter). */
#include "config.h"
#include "scim/filter.h"
#include "buf.h"
#include "tpool.h"
#include "unit.h"

#include <stdlib.h>

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))
#define UN "lower(coalesce(p.scim_user_name, p.uid, p.employee_number))"

static void test_accepted(void)
{
	static const struct { const char *name, *filter, *sql, *p0, *p1; int nparams; } cases[] = {
		{ "userName eq, case-insensitive", "userName eq \"Ana@X\"",
		  "((coalesce(" UN " = lower($3), false)))", "Ana@X", NULL, 1 },
		{ "names and operators in any case", "USERNAME EQ \"a\"",
		  "((coalesce(" UN " = lower($3), false)))", "a", NULL, 1 },
		{ "externalId is case-exact", "externalId eq \"E1\"",
		  "((coalesce(p.scim_external_id = $3, false)))", "E1", NULL, 1 },
		{ "enterprise employeeNumber by its URN",
		  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq \"7\"",
		  "((coalesce(p.employee_number = $3, false)))", "7", NULL, 1 },
		{ "core attribute by its URN", "urn:ietf:params:scim:schemas:core:2.0:User:externalId eq \"x\"",
		  "((coalesce(p.scim_external_id = $3, false)))", "x", NULL, 1 },
		{ "emails.value: either address",
		  "emails.value eq \"a@b.c\"",
		  "((coalesce(lower(p.mail) = lower($3), false) OR coalesce(lower(p.private_mail) = lower($3), false)))",
		  "a@b.c", NULL, 1 },
		{ "and binds tighter than or", "externalId eq \"a\" or externalId eq \"b\" and id eq \"3\"",
		  "((coalesce(p.scim_external_id = $3, false)) OR (coalesce(p.scim_external_id = $4, false)) AND "
		  "(coalesce(p.id::text = $5, false)))", "a", "b", 3 },
		{ "parentheses and not", "not (externalId eq \"a\") and (id eq \"1\" or id eq \"2\")",
		  "(NOT ((coalesce(p.scim_external_id = $3, false))) AND ((coalesce(p.id::text = $4, false)) OR "
		  "(coalesce(p.id::text = $5, false))))", "a", "1", 3 },
		{ "ne is not eq", "externalId ne \"a\"", "(NOT (coalesce(p.scim_external_id = $3, false)))", "a", NULL, 1 },
		{ "pr has no value", "externalId pr", "((p.scim_external_id IS NOT NULL))", NULL, NULL, 0 },
		{ "sw", "externalId sw \"ab\"", "((coalesce(starts_with(p.scim_external_id, $3), false)))", "ab", NULL, 1 },
		{ "boolean", "active eq False", "((coalesce((p.status = 'active') = $3::boolean, false)))", "false", NULL, 1 },
		{ "escapes in a string", "externalId eq \"a\\\"b\\u00e9\\\\\"",
		  "((coalesce(p.scim_external_id = $3, false)))", "a\"b\xc3\xa9\\", NULL, 1 },
		{ "an injection stays a value", "externalId eq \"x') OR true --\"",
		  "((coalesce(p.scim_external_id = $3, false)))", "x') OR true --", NULL, 1 },
		{ "spaces around", "  ( externalId eq \"a\" )  ", "(((coalesce(p.scim_external_id = $3, false))))", "a",
		  NULL, 1 },
	};
	for (size_t i = 0; i < NCASES(cases); i++) {
		struct scim_sql q;
		const char *err = NULL;
		int rc = scim_filter_sql(cases[i].filter, 3, &q, &err);
		CHECK(rc == 0, "%s: got %d (%s) want 0", cases[i].name, rc, err ? err : "");
		if (rc != 0)
			continue;
		CHECK(strcmp(buf_str(&q.where), cases[i].sql) == 0, "%s: got '%s' want '%s'", cases[i].name,
		      buf_str(&q.where), cases[i].sql);
		CHECK(q.nparams == cases[i].nparams, "%s: got %d parameters want %d", cases[i].name, q.nparams,
		      cases[i].nparams);
		if (cases[i].p0 && q.nparams > 0)
			CHECK(strcmp(q.params[0], cases[i].p0) == 0, "%s: got $3 '%s' want '%s'", cases[i].name,
			      q.params[0], cases[i].p0);
		if (cases[i].p1 && q.nparams > 1)
			CHECK(strcmp(q.params[1], cases[i].p1) == 0, "%s: got $4 '%s' want '%s'", cases[i].name,
			      q.params[1], cases[i].p1);
		scim_sql_free(&q);
	}
}

static void test_refused(void)
{
	static const struct { const char *filter, *says; } cases[] = {
		{ "", "ends too early" },
		{ "userName", "operator" },
		{ "userName eq", "string" },
		{ "userName eq ana", "string" },
		{ "userName zz \"a\"", "operator" },
		{ "nickName eq \"a\"", "nickName" },
		{ "userName eq \"a\" and", "ends too early" },
		{ "userName eq \"a\" xor userName eq \"b\"", "expected 'and', 'or'" },
		{ "(userName eq \"a\"", "')'" },
		{ "userName eq \"a\")", "expected 'and', 'or'" },
		{ "not userName eq \"a\"", "'not' must be followed by '('" },
		{ "userName eq \"abc", "not closed" },
		{ "userName eq \"a\\qb\"", "escape" },
		{ "userName eq \"\\u12\"", "four hex" },
		{ "userName eq \"\\u0000\"", "\\u0000" },
		{ "userName eq \"\\ud800\"", "surrogate" },
		{ "active eq \"true\"", "true or false" },
		{ "active sw true", "boolean" },
		{ "emails[type eq \"work\"]", "operator" },
	};
	for (size_t i = 0; i < NCASES(cases); i++) {
		struct scim_sql q;
		const char *err = NULL;
		int rc = scim_filter_sql(cases[i].filter, 1, &q, &err);
		CHECK(rc == -1, "'%s': got %d want -1", cases[i].filter, rc);
		CHECK(err != NULL && strstr(err, cases[i].says) != NULL, "'%s': got '%s' want it to say '%s'",
		      cases[i].filter, err ? err : "(null)", cases[i].says);
		CHECK(q.nparams == 0 && q.where.data == NULL, "'%s': nothing is left allocated", cases[i].filter);
	}
}

static void test_bounds(void)
{
	struct buf deep = BUF_INIT, many = BUF_INIT, along = BUF_INIT;
	struct scim_sql q;
	const char *err = NULL;
	for (int i = 0; i < 17; i++)
		buf_putc(&deep, '(');
	buf_puts(&deep, "id eq \"1\"");
	for (int i = 0; i < 17; i++)
		buf_putc(&deep, ')');
	CHECK(scim_filter_sql(buf_str(&deep), 1, &q, &err) == -1 && strstr(err, "deep"), "17 groups: got '%s'",
	      err ? err : "accepted");
	for (int i = 0; i < 33; i++)
		buf_printf(&many, "%sid eq \"%d\"", i ? " or " : "", i);
	err = NULL;
	CHECK(scim_filter_sql(buf_str(&many), 1, &q, &err) == -1 && strstr(err, "too many"), "33 terms: got '%s'",
	      err ? err : "accepted");
	buf_puts(&along, "id eq \"");
	for (int i = 0; i < SCIM_FILTER_MAX_LEN; i++)
		buf_putc(&along, 'a');
	buf_putc(&along, '"');
	err = NULL;
	CHECK(scim_filter_sql(buf_str(&along), 1, &q, &err) == -1 && strstr(err, "longer"), "a long filter: got '%s'",
	      err ? err : "accepted");
	/* the limits themselves are accepted */
	buf_reset(&deep);
	for (int i = 0; i < 16; i++)
		buf_putc(&deep, '(');
	buf_puts(&deep, "id eq \"1\"");
	for (int i = 0; i < 16; i++)
		buf_putc(&deep, ')');
	CHECK(scim_filter_sql(buf_str(&deep), 1, &q, &err) == 0, "16 groups are accepted");
	scim_sql_free(&q);
	buf_free(&deep);
	buf_free(&many);
	buf_free(&along);
}

int main(void)
{
	unsigned frame = t_push();
	test_accepted();
	test_refused();
	test_bounds();
	CHECK(scim_filter_attribute_known("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:DEPARTMENT") > 0,
	      "the enterprise department by its URN, any case");
	CHECK(scim_filter_attribute_known("password") == 0, "password is not filterable");
	t_pop(frame);
	return unit_done("test-scim-filter");
}
