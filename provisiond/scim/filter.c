/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	scim/filter - SCIM filters as parameterized SQL (see filter.h)
 * DESCRIPTION
 *	The grammar, a subset of RFC 7644's ABNF:
 *	  filter  = term *("or" term)
 *	  term    = factor *("and" factor)
 *	  factor  = "not" "(" filter ")" / "(" filter ")" / attrPath "pr"
 *	          / attrPath compareOp compValue
 *	Every comparison is wrapped in coalesce(..., false), so a missing
 *	value is plainly "no match" and "not" keeps two-valued logic.
 */
#include "config.h"
#include "scim/filter.h"
#include "scim/scim.h"
#include "tpool.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum ftype { FT_STRING, FT_BOOL };

/* What a filter may name: the schema (0 core, 1 enterprise, 2 ours),
 * the attribute, the SQL it reads (two: either may match, as for the
 * work and the private address of emails), whether case matters. */
static const struct fattr {
	int schema;
	const char *name;
	const char *col[2];
	int case_exact;
	enum ftype type;
} attrs[] = {
	{ 0, "id", { "p.id::text" }, 1, FT_STRING },
	{ 0, "userName", { SCIM_USERNAME_SQL }, 0, FT_STRING },
	{ 0, "externalId", { "p.scim_external_id" }, 1, FT_STRING },
	{ 0, "emails.value", { "p.mail", "p.private_mail" }, 0, FT_STRING },
	{ 0, "emails", { "p.mail", "p.private_mail" }, 0, FT_STRING },
	{ 0, "name.givenName", { "p.given_names" }, 0, FT_STRING },
	{ 0, "name.familyName", { "p.family_names" }, 0, FT_STRING },
	{ 0, "displayName", { "(p.given_names || ' ' || p.family_names)" }, 0, FT_STRING },
	{ 0, "title", { "p.position" }, 0, FT_STRING },
	{ 0, "active", { "(p.status = 'active')" }, 1, FT_BOOL },
	{ 1, "employeeNumber", { "p.employee_number" }, 1, FT_STRING },
	{ 1, "department", { "p.unit" }, 0, FT_STRING },
	{ 2, "uid", { "p.uid" }, 0, FT_STRING },
	{ 2, "position", { "p.position" }, 0, FT_STRING },
	{ 2, "nationalId", { "p.national_id" }, 1, FT_STRING },
	{ 2, "status", { "p.status" }, 1, FT_STRING },
	{ 2, "contractType", { "p.contract_type" }, 1, FT_STRING },
};

static const char *const schema_urns[] = { SCIM_SCHEMA_USER, SCIM_SCHEMA_ENTERPRISE, SCIM_SCHEMA_PVD };

/* a comparison's SQL: {c} the column, {v} the value (both lowered when
 * case does not matter) */
static const struct fop {
	const char *name;
	const char *sql;
} ops[] = {
	{ "eq", "{c} = {v}" },
	{ "ne", NULL },			/* not eq */
	{ "co", "strpos({c}, {v}) > 0" },
	{ "sw", "starts_with({c}, {v})" },
	{ "ew", "right({c}, length({v})) = {v}" },
	{ "gt", "{c} > {v}" },
	{ "ge", "{c} >= {v}" },
	{ "lt", "{c} < {v}" },
	{ "le", "{c} <= {v}" },
	{ "pr", NULL },			/* present: no value */
};

struct parser {
	const char *s, *p;
	int depth, first_param;
	struct scim_sql *out;
	const char *err;
};

static int perr(struct parser *ps, const char *fmt, const char *what)
{
	if (ps->err == NULL)
		ps->err = t_printf("at character %d: %s%s", (int)(ps->p - ps->s) + 1, fmt, what ? what : "");
	return -1;
}

static void skip_ws(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t')
		ps->p++;
}

static int is_word_char(char c)
{
	return isalnum((unsigned char)c) || c == ':' || c == '.' || c == '_' || c == '-' || c == '$';
}

/* The next bare word (attribute path, operator, keyword) without taking it. */
static size_t peek_word(struct parser *ps)
{
	skip_ws(ps);
	size_t n = 0;
	while (is_word_char(ps->p[n]))
		n++;
	return n;
}

static int word_is(struct parser *ps, size_t n, const char *kw)
{
	return n == strlen(kw) && strncasecmp(ps->p, kw, n) == 0;
}

int scim_filter_attribute_known(const char *name)
{
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		const struct fattr *a = &attrs[i];
		size_t u = strlen(schema_urns[a->schema]);
		if (strcasecmp(name, a->name) == 0 ||
		    (strncasecmp(name, schema_urns[a->schema], u) == 0 && name[u] == ':' &&
		     strcasecmp(name + u + 1, a->name) == 0))
			return (int)i + 1;
	}
	return 0;
}

static const struct fattr *find_attr(const char *w, size_t n)
{
	char name[256];
	if (n >= sizeof(name))
		return NULL;
	memcpy(name, w, n);
	name[n] = '\0';
	int i = scim_filter_attribute_known(name);
	return i > 0 ? &attrs[i - 1] : NULL;
}

/* A JSON string at ps->p into a malloc'd UTF-8 string, or NULL. */
static char *parse_string(struct parser *ps)
{
	struct buf b = BUF_INIT;
	ps->p++;	/* the opening quote */
	for (;;) {
		unsigned char c = (unsigned char)*ps->p;
		if (c == '\0') {
			perr(ps, "the string is not closed", NULL);
			goto bad;
		}
		if (c == '"')
			break;
		if (c < 0x20) {
			perr(ps, "a control character in a string", NULL);
			goto bad;
		}
		if (c != '\\') {
			buf_putc(&b, (char)c);
			ps->p++;
			continue;
		}
		char e = ps->p[1];
		const char *simple = strchr("\"\\/bfnrt", e);
		if (e != '\0' && simple != NULL) {
			static const char repl[] = "\"\\/\b\f\n\r\t";
			buf_putc(&b, repl[simple - "\"\\/bfnrt"]);
			ps->p += 2;
			continue;
		}
		if (e != 'u') {
			perr(ps, "an unknown escape in a string", NULL);
			goto bad;
		}
		unsigned cp = 0;
		for (int k = 2; k < 6; k++) {
			char h = ps->p[k];
			int v = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
				: h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
			if (v < 0) {
				perr(ps, "a \\u escape needs four hex digits", NULL);
				goto bad;
			}
			cp = cp << 4 | (unsigned)v;
		}
		/* NUL and surrogates have no place in a value compared with text */
		if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff)) {
			perr(ps, "\\u0000 and surrogate escapes are not accepted", NULL);
			goto bad;
		}
		char u[3];
		if (cp < 0x80)
			buf_putc(&b, (char)cp);
		else if (cp < 0x800) {
			u[0] = (char)(0xc0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3f));
			buf_append(&b, u, 2);
		} else {
			u[0] = (char)(0xe0 | cp >> 12), u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
			u[2] = (char)(0x80 | (cp & 0x3f));
			buf_append(&b, u, 3);
		}
		ps->p += 6;
	}
	ps->p++;	/* the closing quote */
	return buf_steal(&b);
bad:
	buf_free(&b);
	return NULL;
}

static int add_param(struct parser *ps, char *v)
{
	struct scim_sql *q = ps->out;
	if (q->nparams >= SCIM_FILTER_MAX_TERMS) {
		free(v);
		return perr(ps, "too many comparisons (at most " "32" ")", NULL);
	}
	q->params[q->nparams++] = v;
	return ps->first_param + q->nparams - 1;
}

/* The comparison of one column, into b. */
static void compare_sql(struct buf *b, const struct fattr *a, const struct fop *op, const char *col, int n)
{
	char v[32];
	snprintf(v, sizeof(v), a->type == FT_BOOL ? "$%d::boolean" : "$%d", n);
	char *c = a->case_exact ? xstrdup(col) : xasprintf("lower(%s)", col);
	char *val = a->case_exact ? xstrdup(v) : xasprintf("lower(%s)", v);
	char *with_c = str_replace_all(op->sql, "{c}", c);
	char *sql = str_replace_all(with_c, "{v}", val);
	buf_printf(b, "coalesce(%s, false)", sql);
	free(sql);
	free(with_c);
	free(c);
	free(val);
}

static int comparison(struct parser *ps, size_t n)
{
	const struct fattr *a = find_attr(ps->p, n);
	if (a == NULL) {
		char name[80];
		snprintf(name, sizeof(name), "%.*s", (int)(n < 64 ? n : 64), ps->p);
		return perr(ps, "no attribute a filter can use is called ", t_printf("'%s' (see /Schemas)", name));
	}
	ps->p += n;
	size_t on = peek_word(ps);
	const struct fop *op = NULL;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (word_is(ps, on, ops[i].name))
			op = &ops[i];
	if (op == NULL)
		return perr(ps, "expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)", NULL);
	ps->p += on;
	struct buf *b = &ps->out->where;
	const int ncols = a->col[1] != NULL ? 2 : 1;
	if (strcmp(op->name, "pr") == 0) {
		buf_putc(b, '(');
		for (int i = 0; i < ncols; i++)
			buf_printf(b, "%s%s IS NOT NULL", i ? " OR " : "", a->col[i]);
		buf_putc(b, ')');
		return 0;
	}
	int negate = strcmp(op->name, "ne") == 0;
	if (negate)
		op = &ops[0];
	if (a->type == FT_BOOL && op != &ops[0])
		return perr(ps, "a boolean attribute takes only eq, ne and pr", NULL);
	skip_ws(ps);
	char *value;
	if (a->type == FT_STRING) {
		if (*ps->p != '"')
			return perr(ps, "expected a string value in double quotes for ", a->name);
		if ((value = parse_string(ps)) == NULL)
			return -1;
	} else {
		size_t vn = peek_word(ps);
		if (!word_is(ps, vn, "true") && !word_is(ps, vn, "false"))
			return perr(ps, "expected true or false for ", a->name);
		value = xstrdup(tolower((unsigned char)*ps->p) == 't' ? "true" : "false");
		ps->p += vn;
	}
	int pn = add_param(ps, value);
	if (pn < 0)
		return -1;
	buf_puts(b, negate ? "NOT (" : "(");
	for (int i = 0; i < ncols; i++) {
		if (i)
			buf_puts(b, " OR ");
		compare_sql(b, a, op, a->col[i], pn);
	}
	buf_putc(b, ')');
	return 0;
}

static int parse_or(struct parser *ps);

static int group(struct parser *ps)
{
	if (++ps->depth > SCIM_FILTER_MAX_DEPTH)
		return perr(ps, "groups nest too deep (at most 16)", NULL);
	ps->p++;	/* ( */
	buf_putc(&ps->out->where, '(');
	if (parse_or(ps) < 0)
		return -1;
	skip_ws(ps);
	if (*ps->p != ')')
		return perr(ps, "expected ')'", NULL);
	ps->p++;
	buf_putc(&ps->out->where, ')');
	ps->depth--;
	return 0;
}

static int factor(struct parser *ps)
{
	skip_ws(ps);
	if (*ps->p == '(')
		return group(ps);
	size_t n = peek_word(ps);
	if (n == 0)
		return perr(ps, *ps->p ? "expected an attribute, 'not' or '('" : "the filter ends too early", NULL);
	if (word_is(ps, n, "not")) {
		ps->p += n;
		skip_ws(ps);
		if (*ps->p != '(')
			return perr(ps, "'not' must be followed by '('", NULL);
		buf_puts(&ps->out->where, "NOT ");
		return group(ps);
	}
	return comparison(ps, n);
}

static int term(struct parser *ps)
{
	if (factor(ps) < 0)
		return -1;
	for (;;) {
		size_t n = peek_word(ps);
		if (!word_is(ps, n, "and"))
			return 0;
		ps->p += n;
		buf_puts(&ps->out->where, " AND ");
		if (factor(ps) < 0)
			return -1;
	}
}

static int parse_or(struct parser *ps)
{
	if (term(ps) < 0)
		return -1;
	for (;;) {
		size_t n = peek_word(ps);
		if (!word_is(ps, n, "or"))
			return 0;
		ps->p += n;
		buf_puts(&ps->out->where, " OR ");
		if (term(ps) < 0)
			return -1;
	}
}

int scim_filter_sql(const char *filter, int first_param, struct scim_sql *out, const char **error_r)
{
	struct parser ps = { filter, filter, 0, first_param, out, NULL };
	memset(out, 0, sizeof(*out));
	if (strlen(filter) > SCIM_FILTER_MAX_LEN) {
		*error_r = t_printf("the filter is longer than %d characters", SCIM_FILTER_MAX_LEN);
		return -1;
	}
	buf_putc(&out->where, '(');
	if (parse_or(&ps) == 0) {
		skip_ws(&ps);
		if (*ps.p != '\0')
			perr(&ps, "expected 'and', 'or' or the end of the filter", NULL);
	}
	if (ps.err != NULL) {
		*error_r = ps.err;
		scim_sql_free(out);
		return -1;
	}
	buf_putc(&out->where, ')');
	return 0;
}

void scim_sql_free(struct scim_sql *q)
{
	buf_free(&q->where);
	for (int i = 0; i < q->nparams; i++)
		free(q->params[i]);
	q->nparams = 0;
}
