/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	procedures/common - input checks the procedures share (see common.h)
 */
#include "config.h"
#include "procedures/common.h"
#include "buf.h"
#include "directory.h"
#include "json.h"
#include "text.h"
#include "timeparse.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int check_code(struct outcome *o, const char *field, const char *v, const char *what)
{
	for (const char *p = v; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.') {
			fail(o, 400, "invalid_field", field,
			     "field '%s' (%s) may hold only letters, digits, '-', '_' and '.'", field, what);
			return -1;
		}
	return 0;
}

/* A name as people type it, stored as it should be: spaces at either end
 * dropped, runs of spaces made one ("  Ana  María " is "Ana María"). */
void tidy_spaces(json_t *p, const char *key)
{
	const char *v = json_string_value(json_object_get(p, key));
	if (v == NULL)
		return;
	struct buf b = BUF_INIT;
	for (const char *q = v; *q; q++)
		if (*q != ' ' || (b.len > 0 && q[1] != ' ' && q[1] != '\0'))
			buf_putc(&b, *q);
	if (strcmp(buf_str(&b), v) != 0)
		json_object_set_new(p, key, json_string(buf_str(&b)));
	buf_free(&b);
}

/* Names are full Unicode. Of ASCII only letters, space, apostrophe,
 * hyphen and period belong in a name; digits and symbols are mistakes.
 * Characters that change how a name looks without being seen
 * (zero-width, bidirectional controls) are refused: they disguise it. */
int check_name(struct outcome *o, const char *field, const char *v)
{
	unsigned hidden = text_invisible_char(v);
	if (hidden != 0) {
		fail(o, 400, "invalid_field", field, "field '%s' holds U+%04X, an invisible or direction-changing "
		     "character that would disguise the name on screen", field, hidden);
		return -1;
	}
	for (const char *p = v; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch < 0x80 && !isalpha(ch) && ch != ' ' && ch != '\'' && ch != '-' && ch != '.') {
			fail(o, 400, "invalid_field", field, "field '%s' contains '%c', which does not belong in a name",
			     field, ch);
			return -1;
		}
	}
	return 0;
}

/* local@domain.tld: one '@', something on both sides, a dot in the domain,
 * no spaces, controls or characters that would break a mail header. */
int mail_address_plausible(const char *v)
{
	const char *at = strchr(v, '@');
	if (at == NULL || at == v || strchr(at + 1, '@') != NULL || strchr(at + 1, '.') == NULL ||
	    at[1] == '.' || v[strlen(v) - 1] == '.')
		return 0;
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || strchr("<>()[],;:\\\"", *p) != NULL)
			return 0;
	return 1;
}

int check_date(struct outcome *o, const char *field, const char *v, long *days_r)
{
	if (parse_date(v, days_r) < 0) {
		fail(o, 400, "invalid_field", field, "field '%s' is not a date of the form YYYY-MM-DD: '%s'",
		     field, v);
		return -1;
	}
	return 0;
}

/* Unit and position must exist in the directory's catalogue; what is
 * stored is the catalogue's own spelling ("TRIBUTARIA " files as
 * tributaria), written back into the payload, so that birthright groups,
 * the unit head's rights and every comparison see one value. */
static int check_catalogue(const struct conf *c, struct outcome *o, json_t *payload, const char *field,
			   const char *base, const char *attr, const char **v, int *single_r)
{
	const char *err = NULL;
	char *canon = NULL;
	int rc = dir_catalogue_entry(c, base, attr, *v, &canon, single_r, &err);
	if (rc < 0) {
		fail(o, 503, "unavailable", field, "cannot check %s '%s' against the directory: %s", field, *v,
		     err ? err : "?");
		return -1;
	}
	if (rc == 0) {
		fail(o, 400, "invalid_field", field, "unknown %s '%s': there is no %s=%s under %s", field, *v,
		     attr, *v, base);
		return -1;
	}
	json_object_set_new(payload, field, json_string(canon));
	free(canon);
	*v = json_string_value(json_object_get(payload, field));
	return 0;
}

/* What every request about an existing person carries: only the keys
 * given, the person's HR number and a justification. */
int parse_person_and_why(json_t *p, const char *const *keys, struct person_in *in, struct outcome *o)
{
	memset(in, 0, sizeof(*in));
	if (json_check_keys(p, keys, o) < 0 ||
	    !(in->employee_number = json_get_string(p, "employee_number", 1, 32, o)) ||
	    !(in->reason = json_get_string(p, "justification", 1, 2000, o)))
		return -1;
	return check_code(o, "employee_number", in->employee_number, "the HR number");
}

int check_unit_and_position(const struct conf *c, json_t *payload, struct person_in *in, int *single_r,
			    struct outcome *o)
{
	*single_r = 0;
	return check_catalogue(c, o, payload, "unit", c->ldap_units_dn, "ou", &in->unit, NULL) < 0 ||
	       check_catalogue(c, o, payload, "position", c->ldap_positions_dn, "cn", &in->position, single_r) < 0
	       ? -1 : 0;
}
