/*
 * NAME
 *	requests - hires, exits, transfers and access requests (see requests.h)
 * DESCRIPTION
 *	The shape of every write:
 *	  validate the input (400 naming the field; directory lookups: 503)
 *	  BEGIN
 *	    claim the Idempotency-Key (a replay answers the stored response)
 *	    lock the person / request rows, check the rules (403, 404, 409)
 *	    change the rows, write the step and the change-log entries
 *	    take the steps the policy makes automatic
 *	    read the request back as the answer; store it for the key
 *	  COMMIT
 *	Any failure rolls everything back: nothing is half-written.
 */
#include "config.h"
#include "requests.h"
#include "buf.h"
#include "changelog.h"
#include "db.h"
#include "directory.h"
#include "grants.h"
#include "outbox.h"
#include "json.h"
#include "log.h"
#include "naming.h"
#include "plugin_host.h"
#include "provision.h"
#include "queue.h"
#include "crypto.h"
#include "text.h"
#include "timeparse.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

static void fail(struct outcome *o, int status, const char *code, const char *field,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void fail(struct outcome *o, int status, const char *code, const char *field,
		 const char *fmt, ...)
{
	va_list ap;
	json_decref(o->body);
	o->body = NULL;
	o->status = status;
	o->code = code;
	snprintf(o->field, sizeof(o->field), "%s", field ? field : "");
	va_start(ap, fmt);
	text_vformat(o->message, sizeof(o->message), fmt, ap);
	va_end(ap);
}

static void fail_db(struct outcome *o, enum db_status st, char *err)
{
	if (st == DB_UNAVAILABLE)
		fail(o, 503, "unavailable", NULL, "the database is unavailable: %s", err ? err : "no connection");
	else {
		log_error("%s", err ? err : "database error");
		fail(o, 500, "internal", NULL, "%s", err ? err : "database error");
	}
	free(err);
}

void actor_id(const struct principal *who, char out[160])
{
	if (who->kind == PRINCIPAL_TOKEN)
		snprintf(out, 160, "token:%s", who->subject);
	else
		snprintf(out, 160, "%s", who->subject);
}

/* The first of the caller's roles that the mask allows, for the record. */
static const char *acting_role(const struct principal *who, role_mask allowed)
{
	for (int r = 0; r < ROLE_COUNT; r++)
		if ((who->roles & allowed & ROLE_BIT(r)))
			return role_name((enum role)r);
	return NULL;
}

/* ---- input checks ---------------------------------------------------- */

static int fail_json(struct outcome *o, const struct json_err *je)
{
	fail(o, je->status, je->code, je->field, "%s", je->message);
	return -1;
}

static int check_code(struct outcome *o, const char *field, const char *v, const char *what)
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
static void tidy_spaces(json_t *p, const char *key)
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
static int check_name(struct outcome *o, const char *field, const char *v)
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
static int mail_address_plausible(const char *v)
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

static int check_date(struct outcome *o, const char *field, const char *v, long *days_r)
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
	char *err = NULL, *canon = NULL;
	int rc = dir_catalogue_entry(c, base, attr, *v, &canon, single_r, &err);
	if (rc < 0) {
		fail(o, 503, "unavailable", field, "cannot check %s '%s' against the directory: %s", field, *v,
		     err ? err : "?");
		free(err);
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

struct person_in {
	const char *employee_number, *national_id, *given_names, *family_names;
	const char *unit, *position, *contract_type, *start_date, *end_date;
	const char *private_email;	/* hire: for set-password tokens by mail */
	/* exit */
	const char *effective_at, *reason;
	time_t effective_t;
	/* call code */
	const char *cc_action, *cc_level;
};

static int parse_hire(const struct conf *c, json_t *p, struct person_in *in, struct outcome *o)
{
	static const char *const keys[] = { "employee_number", "national_id", "given_names", "family_names",
		"unit", "position", "contract_type", "start_date", "end_date", "private_email", NULL };
	struct json_err je;
	long sd, ed;

	memset(in, 0, sizeof(*in));
	tidy_spaces(p, "given_names");
	tidy_spaces(p, "family_names");
	if (json_check_keys(p, keys, &je) < 0 ||
	    !(in->employee_number = json_get_string(p, "employee_number", 1, 32, &je)) ||
	    !(in->national_id = json_get_string(p, "national_id", 1, 32, &je)) ||
	    !(in->given_names = json_get_string(p, "given_names", 1, 100, &je)) ||
	    !(in->family_names = json_get_string(p, "family_names", 1, 100, &je)) ||
	    !(in->unit = json_get_string(p, "unit", 1, 64, &je)) ||
	    !(in->position = json_get_string(p, "position", 1, 64, &je)) ||
	    !(in->contract_type = json_get_string(p, "contract_type", 1, 16, &je)) ||
	    !(in->start_date = json_get_string(p, "start_date", 1, 10, &je)))
		return fail_json(o, &je);
	je.code = NULL;
	in->end_date = json_get_string(p, "end_date", 0, 10, &je);
	if (je.code == NULL)
		in->private_email = json_get_string(p, "private_email", 0, 254, &je);
	if (je.code != NULL)
		return fail_json(o, &je);
	if (in->private_email != NULL && *in->private_email == '\0')
		in->private_email = NULL;
	if (in->private_email != NULL && !mail_address_plausible(in->private_email)) {
		fail(o, 400, "invalid_field", "private_email", "private_email must be one mail address "
		     "(name@domain.example), not '%.80s'", in->private_email);
		return -1;
	}
	if (check_code(o, "employee_number", in->employee_number, "the HR number") < 0 ||
	    check_code(o, "national_id", in->national_id, "the national id") < 0 ||
	    check_name(o, "given_names", in->given_names) < 0 ||
	    check_name(o, "family_names", in->family_names) < 0 ||
	    check_date(o, "start_date", in->start_date, &sd) < 0)
		return -1;
	if (strcmp(in->contract_type, "staff") != 0 && strcmp(in->contract_type, "consultant") != 0) {
		fail(o, 400, "invalid_field", "contract_type", "contract_type must be staff or consultant, not '%s'",
		     in->contract_type);
		return -1;
	}
	if (in->end_date != NULL && *in->end_date == '\0')
		in->end_date = NULL;
	if (in->end_date == NULL && strcmp(in->contract_type, "consultant") == 0) {
		fail(o, 400, "missing_field", "end_date", "a consultant's contract needs an end_date");
		return -1;
	}
	if (in->end_date != NULL) {
		if (check_date(o, "end_date", in->end_date, &ed) < 0)
			return -1;
		if (ed < sd) {
			fail(o, 400, "invalid_field", "end_date", "end_date %s is before start_date %s",
			     in->end_date, in->start_date);
			return -1;
		}
	}
	/* the login must be derivable from the names */
	struct naming_input ni = { in->given_names, in->family_names, in->unit, in->position };
	char *login = NULL, *err = NULL;
	if (naming_expand(c->login_template, &ni, (size_t)c->login_max_length, &login, &err) < 0) {
		fail(o, 400, "invalid_field", "family_names", "no login can be made from these names: %s", err);
		free(err);
		return -1;
	}
	free(login);
	return 0;
}

static int parse_exit(json_t *p, struct person_in *in, struct outcome *o)
{
	static const char *const keys[] = { "employee_number", "effective_at", "reason", NULL };
	struct json_err je;
	memset(in, 0, sizeof(*in));
	if (json_check_keys(p, keys, &je) < 0 ||
	    !(in->employee_number = json_get_string(p, "employee_number", 1, 32, &je)) ||
	    !(in->effective_at = json_get_string(p, "effective_at", 1, 40, &je)) ||
	    !(in->reason = json_get_string(p, "reason", 1, 500, &je)))
		return fail_json(o, &je);
	if (check_code(o, "employee_number", in->employee_number, "the HR number") < 0)
		return -1;
	if (parse_timestamp(in->effective_at, &in->effective_t) < 0) {
		fail(o, 400, "invalid_field", "effective_at",
		     "effective_at must be an RFC 3339 time with an offset, like 2026-12-01T18:00:00-04:00, not '%s'",
		     in->effective_at);
		return -1;
	}
	return 0;
}

static int parse_transfer(const struct conf *c, json_t *p, struct person_in *in, struct outcome *o)
{
	static const char *const keys[] = { "employee_number", "unit", "position", "reason", NULL };
	struct json_err je;
	memset(in, 0, sizeof(*in));
	if (json_check_keys(p, keys, &je) < 0 ||
	    !(in->employee_number = json_get_string(p, "employee_number", 1, 32, &je)) ||
	    !(in->unit = json_get_string(p, "unit", 1, 64, &je)) ||
	    !(in->position = json_get_string(p, "position", 1, 64, &je)))
		return fail_json(o, &je);
	je.code = NULL;
	in->reason = json_get_string(p, "reason", 0, 500, &je);
	if (je.code != NULL)
		return fail_json(o, &je);
	if (check_code(o, "employee_number", in->employee_number, "the HR number") < 0)
		return -1;
	return 0;
}

/* The catalogue's names, "read, write, admin", for messages. */
static void catalogue_names(const struct conf *c, const struct access_system *as, char *out, size_t size)
{
	struct buf b = BUF_INIT;
	if (as != NULL)
		for (int i = 0; i < as->nlevels; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", as->levels[i]);
	else
		for (int i = 0; i < c->nsystems; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", c->systems[i].name);
	snprintf(out, size, "%s", b.len ? buf_str(&b) : "nothing (no access.<system>.levels configured)");
	buf_free(&b);
}

static void add_item(json_t *items, const char *kind, const char *name)
{
	size_t i;
	json_t *v;
	json_array_foreach(items, i, v)
		if (strcmp(json_string_value(json_object_get(v, "kind")), kind) == 0 &&
		    strcmp(json_string_value(json_object_get(v, "name")), name) == 0)
			return;
	json_array_append_new(items, json_pack("{s:s, s:s}", "kind", kind, "name", name));
}

/* An access request's "grant" or "revoke": {"levels": [{"system", "level"}],
 * "groups": ["name"]} into items [{"kind", "name"}]. Levels must be in the
 * catalogue; with check_dir, groups must exist under ldap_groups_dn. */
static int access_part(const struct conf *c, json_t *part, const char *field, json_t *items, int check_dir,
		       struct outcome *o)
{
	const char *k;
	json_t *v;
	size_t i;
	char f[96];
	if (part == NULL || json_is_null(part))
		return 0;
	if (!json_is_object(part)) {
		fail(o, 400, "invalid_field", field, "'%s' must be an object with 'levels' and/or 'groups'", field);
		return -1;
	}
	json_object_foreach(part, k, v) {
		if (strcmp(k, "levels") != 0 && strcmp(k, "groups") != 0) {
			snprintf(f, sizeof(f), "%s.%.40s", field, k);
			fail(o, 400, "unknown_field", f, "unknown field '%s' in '%s' (levels, groups)", k, field);
			return -1;
		}
		if (!json_is_array(v) && !json_is_null(v)) {
			snprintf(f, sizeof(f), "%s.%s", field, k);
			fail(o, 400, "invalid_field", f, "'%s' must be an array", f);
			return -1;
		}
	}
	json_array_foreach(json_object_get(part, "levels"), i, v) {
		snprintf(f, sizeof(f), "%s.levels[%zu]", field, i);
		const char *sys = json_string_value(json_object_get(v, "system"));
		const char *lev = json_string_value(json_object_get(v, "level"));
		if (!json_is_object(v) || json_object_size(v) != 2 || sys == NULL || lev == NULL) {
			fail(o, 400, "invalid_field", f, "each level is {\"system\": ..., \"level\": ...}");
			return -1;
		}
		const struct access_system *as = conf_access_system(c, sys);
		char names[512];
		if (as == NULL) {
			catalogue_names(c, NULL, names, sizeof(names));
			fail(o, 400, "invalid_field", f, "unknown system '%.64s': the catalogue has %s", sys, names);
			return -1;
		}
		if (!conf_access_level_known(as, lev)) {
			catalogue_names(c, as, names, sizeof(names));
			fail(o, 400, "invalid_field", f, "system %s has no level '%.64s'; its levels: %s", sys, lev, names);
			return -1;
		}
		char *name = xasprintf("%s:%s", sys, lev);
		add_item(items, "level", name);
		free(name);
	}
	json_array_foreach(json_object_get(part, "groups"), i, v) {
		snprintf(f, sizeof(f), "%s.groups[%zu]", field, i);
		const char *g = json_string_value(v);
		if (g == NULL || *g == '\0' || strlen(g) > 64) {
			fail(o, 400, "invalid_field", f, "a group is its name (cn), 1 to 64 characters");
			return -1;
		}
		for (const char *q = g; *q; q++)
			if ((unsigned char)*q < 0x20) {
				fail(o, 400, "invalid_field", f, "a group name has no control characters");
				return -1;
			}
		if (check_dir) {
			char *err = NULL;
			int rc = dir_child_exists(c, c->ldap_groups_dn, "cn", g, &err);
			if (rc <= 0) {
				if (rc < 0)
					fail(o, 503, "unavailable", f, "cannot check group '%s' against the directory: %s",
					     g, err ? err : "?");
				else
					fail(o, 400, "invalid_field", f, "unknown group '%s': there is no cn=%s under %s",
					     g, g, c->ldap_groups_dn);
				free(err);
				return -1;
			}
		}
		add_item(items, "group", g);
	}
	return 0;
}

/* What every request about an existing person carries: only the keys
 * given, the person's HR number and a justification. */
static int parse_person_and_why(json_t *p, const char *const *keys, struct person_in *in, struct outcome *o)
{
	struct json_err je;
	memset(in, 0, sizeof(*in));
	if (json_check_keys(p, keys, &je) < 0 ||
	    !(in->employee_number = json_get_string(p, "employee_number", 1, 32, &je)) ||
	    !(in->reason = json_get_string(p, "justification", 1, 2000, &je)))
		return fail_json(o, &je);
	return check_code(o, "employee_number", in->employee_number, "the HR number");
}

static int parse_access(const struct conf *c, json_t *p, struct person_in *in, struct outcome *o)
{
	static const char *const keys[] = { "employee_number", "grant", "revoke", "justification", NULL };
	if (parse_person_and_why(p, keys, in, o) < 0)
		return -1;
	json_t *grant = json_array(), *revoke = json_array();
	int rc = -1;
	if (access_part(c, json_object_get(p, "grant"), "grant", grant, 0, o) < 0 ||
	    access_part(c, json_object_get(p, "revoke"), "revoke", revoke, 0, o) < 0)
		goto out;
	if (json_array_size(grant) + json_array_size(revoke) == 0) {
		fail(o, 400, "missing_field", "grant", "an access request grants or revokes at least one level or group");
		goto out;
	}
	size_t i, j;
	json_t *a, *b;
	json_array_foreach(grant, i, a)
		json_array_foreach(revoke, j, b)
			if (json_equal(a, b)) {
				fail(o, 400, "invalid_field", "revoke", "%s %s is both granted and revoked",
				     json_string_value(json_object_get(a, "kind")),
				     json_string_value(json_object_get(a, "name")));
				goto out;
			}
	rc = 0;
out:
	json_decref(grant);
	json_decref(revoke);
	return rc;
}

/* The items of a stored (validated) access request; NULL when the
 * catalogue no longer has one of them (*err says which). */
static json_t *access_items(const struct conf *c, json_t *payload, const char *which, char **err)
{
	struct outcome o;
	memset(&o, 0, sizeof(o));
	json_t *items = json_array();
	if (access_part(c, json_object_get(payload, which), which, items, 0, &o) < 0) {
		*err = xasprintf("the request cannot be provisioned as filed: %s", o.message);
		json_decref(items);
		return NULL;
	}
	return items;
}

/* The calling levels of PR01 (UIT-M01 section 5), lowest first. */
static const char *const call_levels[] = { "local", "mobile", "national", "international", NULL };

static int parse_call_code(json_t *p, struct person_in *in, struct outcome *o)
{
	static const char *const keys[] = { "employee_number", "action", "level", "justification", NULL };
	struct json_err je;
	if (parse_person_and_why(p, keys, in, o) < 0)
		return -1;
	je.code = NULL;
	in->cc_action = json_get_string(p, "action", 0, 16, &je);
	if (je.code == NULL)
		in->cc_level = json_get_string(p, "level", 0, 32, &je);
	if (je.code != NULL)
		return fail_json(o, &je);
	if (in->cc_action == NULL)
		in->cc_action = "issue";
	if (strcmp(in->cc_action, "issue") != 0 && strcmp(in->cc_action, "revoke") != 0) {
		fail(o, 400, "invalid_field", "action", "action is issue (a new code, the default) or revoke, not '%.16s'",
		     in->cc_action);
		return -1;
	}
	if (strcmp(in->cc_action, "revoke") == 0) {
		if (in->cc_level != NULL) {
			fail(o, 400, "invalid_field", "level", "a revocation takes the person's code away: it has no level");
			return -1;
		}
		return 0;
	}
	if (in->cc_level == NULL) {
		fail(o, 400, "missing_field", "level", "a call code request names its level: local, mobile, national "
		     "or international");
		return -1;
	}
	for (int i = 0; call_levels[i]; i++)
		if (strcmp(in->cc_level, call_levels[i]) == 0)
			return 0;
	fail(o, 400, "invalid_field", "level", "unknown calling level '%.32s': local (fixed local), mobile, national "
	     "(long distance) or international", in->cc_level);
	return -1;
}

/* The checks of a request's input that need nothing but the input (and
 * the configuration): 400 naming the field. */
static int parse_payload(const struct conf *c, enum wf_type t, json_t *p, struct person_in *in,
			 struct outcome *o)
{
	switch (t) {
	case WF_HIRE: return parse_hire(c, p, in, o);
	case WF_EXIT: return parse_exit(p, in, o);
	case WF_ACCESS: return parse_access(c, p, in, o);
	case WF_CALLCODE: return parse_call_code(p, in, o);
	default: return parse_transfer(c, p, in, o);
	}
}

int requests_check_input(const struct conf *c, enum wf_type t, json_t *payload, char *field_r, size_t field_size,
			 char *message_r, size_t message_size)
{
	struct person_in in;
	struct outcome o;
	memset(&o, 0, sizeof(o));
	int rc = parse_payload(c, t, payload, &in, &o);
	text_copy(field_r, field_size, o.field);
	text_copy(message_r, message_size, rc < 0 ? o.message : "");
	return rc < 0 ? o.status : 0;
}

/* The checks against the directory's catalogue: unit and position exist
 * (stored as the catalogue spells them; *single_r: the position holds one
 * person at a time), groups of an access request exist. 400 or 503. */
static int check_against_catalogue(const struct conf *c, enum wf_type t, json_t *p, struct person_in *in,
				   int *single_r, struct outcome *o)
{
	*single_r = 0;
	if (t == WF_HIRE || t == WF_TRANSFER)
		return check_catalogue(c, o, p, "unit", c->ldap_units_dn, "ou", &in->unit, NULL) < 0 ||
		       check_catalogue(c, o, p, "position", c->ldap_positions_dn, "cn", &in->position, single_r) < 0
		       ? -1 : 0;
	if (t == WF_ACCESS) {
		json_t *items = json_array();
		int rc = access_part(c, json_object_get(p, "grant"), "grant", items, 1, o) < 0 ||
			 access_part(c, json_object_get(p, "revoke"), "revoke", items, 1, o) < 0 ? -1 : 0;
		json_decref(items);
		return rc;
	}
	return 0;
}

/* A position the catalogue says one person holds at a time: refused while
 * someone else holds it or an open hire or transfer is taking someone
 * there (0 free, -1 answered 409 or a database error). */
static int check_single_holder(long long person_id, const char *position, struct outcome *o)
{
	char pid[32], *err = NULL;
	enum db_status st;
	snprintf(pid, sizeof(pid), "%lld", person_id);
	const char *params[2] = { position, pid };
	PGresult *r = db_query("position.holder",
		"SELECT p.employee_number, p.uid, 'holds it' FROM people p WHERE p.position = $1 AND p.status = 'active' "
		"AND p.id <> $2::bigint "
		"UNION ALL SELECT p.employee_number, p.uid, 'is being moved there by request ' || q.id FROM requests q "
		"JOIN people p ON p.id = q.person_id WHERE q.type IN ('hire', 'transfer') AND q.payload->>'position' = $1 "
		"AND q.state NOT IN ('closed', 'cancelled', 'rejected') AND q.person_id <> $2::bigint LIMIT 1",
		2, params, &st, &err);
	if (r == NULL) {
		fail_db(o, st, err);
		return -1;
	}
	if (PQntuples(r) > 0) {
		fail(o, 409, "conflict", "position", "position %s is held by one person at a time (pvdSingleHolder in the "
		     "catalogue), and %s (%s) %s", position, PQgetvalue(r, 0, 0),
		     PQgetisnull(r, 0, 1) ? "no login yet" : PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2));
		PQclear(r);
		return -1;
	}
	PQclear(r);
	return 0;
}

/* ---- reading rows back as JSON --------------------------------------- */

static const char PERSON_COLS[] =
	"p.employee_number, p.national_id, p.given_names, p.family_names, p.unit, p.position, "
	"p.contract_type, to_char(p.start_date, 'YYYY-MM-DD') AS start_date, "
	"to_char(p.end_date, 'YYYY-MM-DD') AS end_date, p.status, p.uid, p.uid_number::text AS uid_number, "
	"p.mail, p.extension";

static json_t *row_object(PGresult *r, int row, int first, int last)
{
	json_t *o = json_object();
	for (int f = first; f <= last; f++) {
		const char *name = PQfname(r, f);
		if (PQgetisnull(r, row, f))
			json_object_set_new(o, name, json_null());
		else if (strcmp(name, "uid_number") == 0)
			json_object_set_new(o, name, json_integer(atoll(PQgetvalue(r, row, f))));
		else
			json_object_set_new(o, name, json_string(PQgetvalue(r, row, f)));
	}
	return o;
}

static json_t *person_json_by_id(long long person_id, char **error_r, enum db_status *st)
{
	char id[32];
	snprintf(id, sizeof(id), "%lld", person_id);
	const char *params[1] = { id };
	char *sql = xasprintf("SELECT %s FROM people p WHERE p.id = $1::bigint", PERSON_COLS);
	PGresult *r = db_query("person.get", sql, 1, params, st, error_r);
	free(sql);
	if (r == NULL)
		return NULL;
	json_t *j = PQntuples(r) == 1 ? row_object(r, 0, 0, PQnfields(r) - 1) : NULL;
	PQclear(r);
	return j;
}

struct allowed_ctx {
	json_t *all;
	json_t *mine;
	const struct principal *who;
	const char *person_uid;
	const char *submitted_by;
	const char *submitted_owner;
	const char *person_unit;
};

static int may_act(const struct principal *who, const struct wf_transition *tr, const char *person_uid,
		   const char *submitted_by, const char *submitted_owner, const char **role_r, char why[256]);

/* The caller heads this unit (their directory entry names it). Units are
 * compared one way everywhere: text_equal_ci(). */
static int heads_unit(const struct principal *who, const char *unit)
{
	return who->unit[0] != '\0' && unit != NULL && text_equal_ci(unit, who->unit);
}

/* A unit head acts for their own unit only; one who also holds another role
 * the step allows (the head of TIM heads unit tim) acts in that one. 1 when
 * the person's unit must be the caller's. */
static int acts_as_head_of_unit(const struct principal *who, const struct wf_transition *tr, const char *role)
{
	return (tr->rules & WF_UNIT_HEAD_OF_PERSON) && role != NULL && strcmp(role, "unit_head") == 0 &&
	       !(who->roles & tr->roles & ~ROLE_BIT(ROLE_UNIT_HEAD));
}

static void collect_allowed(const struct wf_transition *tr, void *arg)
{
	struct allowed_ctx *a = arg;
	json_t *roles = json_array();
	for (int r = 0; r < ROLE_COUNT; r++)
		if (tr->roles & ROLE_BIT(r))
			json_array_append_new(roles, json_string(role_name((enum role)r)));
	if (tr->rules & WF_THE_PERSON)
		json_array_append_new(roles, json_string("the person"));
	if (tr->rules & WF_SYSTEM_ONLY)
		json_array_append_new(roles, json_string("system"));
	json_array_append_new(a->all, json_pack("{s:s, s:o, s:b}", "action", tr->action, "roles", roles,
						"note_required", (tr->rules & WF_NOTE_REQUIRED) != 0));
	const char *role;
	char why[256];
	if (a->who != NULL && may_act(a->who, tr, a->person_uid, a->submitted_by, a->submitted_owner, &role, why) &&
	    (!acts_as_head_of_unit(a->who, tr, role) || heads_unit(a->who, a->person_unit)))
		json_array_append_new(a->mine, json_string(tr->action));
}

/* The request as the API shows it. Runs inside or outside a transaction. */
static json_t *request_json(long long id, const struct principal *who, enum db_status *st, char **error_r)
{
	char ids[32];
	snprintf(ids, sizeof(ids), "%lld", id);
	const char *params[1] = { ids };
	char *sql = xasprintf(
		"SELECT r.id::text, r.type, r.state, r.payload::text, " TS("r.effective_at") ", r.submitted_by, "
		"r.submitted_role, r.provisioning_mode, r.conclusion, " TS("r.created_at") ", " TS("r.updated_at") ", "
		TS("r.closed_at") ", r.submitted_owner, %s FROM requests r JOIN people p ON p.id = r.person_id "
		"WHERE r.id = $1::bigint", PERSON_COLS);
	PGresult *r = db_query("request.get", sql, 1, params, st, error_r);
	free(sql);
	if (r == NULL)
		return NULL;
	if (PQntuples(r) != 1) {
		PQclear(r);
		*st = DB_OK;
		return NULL;
	}
	enum wf_type type;
	wf_type_parse(PQgetvalue(r, 0, 1), &type);
	const char *state = PQgetvalue(r, 0, 2);
	const struct wf_state *ws = wf_state_find(type, state);
	json_t *person = row_object(r, 0, 13, PQnfields(r) - 1);
	json_t *payload = json_loads(PQgetvalue(r, 0, 3), 0, NULL);
#define STR_OR_NULL(i) (PQgetisnull(r, 0, i) ? json_null() : json_string(PQgetvalue(r, 0, i)))
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:b, s:o, s:o, s:o, s:s, s:s, s:s, s:o, s:s, s:s, s:o}",
		"id", (json_int_t)id, "type", PQgetvalue(r, 0, 1), "state", state,
		"step", ws ? ws->step : "?", "open", ws ? ws->open : 0,
		"person", person, "payload", payload ? payload : json_null(),
		"effective_at", STR_OR_NULL(4), "submitted_by", PQgetvalue(r, 0, 5),
		"submitted_role", PQgetvalue(r, 0, 6), "provisioning_mode", PQgetvalue(r, 0, 7),
		"conclusion", STR_OR_NULL(8), "created_at", PQgetvalue(r, 0, 9),
		"updated_at", PQgetvalue(r, 0, 10), "closed_at", STR_OR_NULL(11));
#undef STR_OR_NULL
	struct allowed_ctx a = { json_array(), json_array(), who,
				 json_string_value(json_object_get(person, "uid")), PQgetvalue(r, 0, 5),
				 PQgetvalue(r, 0, 12), json_string_value(json_object_get(person, "unit")) };
	wf_transitions_from(type, state, collect_allowed, &a);
	json_object_set_new(j, "actions", a.all);
	json_object_set_new(j, "your_actions", a.mine);
	PQclear(r);

	r = db_query("request.steps",
		     "SELECT action, from_state, to_state, actor, actor_role, note, " TS("at") " AS at "
		     "FROM request_steps WHERE request_id = $1::bigint ORDER BY id", 1, params, st, error_r);
	if (r == NULL) {
		json_decref(j);
		return NULL;
	}
	json_t *steps = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(steps, row_object(r, i, 0, PQnfields(r) - 1));
	json_object_set_new(j, "steps", steps);
	PQclear(r);
	r = db_query("request.tasks",
		     "SELECT id, name, title, role, checklist::text, state, done_by, note, " TS("done_at") " AS done_at "
		     "FROM tasks WHERE request_id = $1::bigint ORDER BY id", 1, params, st, error_r);
	if (r == NULL) {
		json_decref(j);
		return NULL;
	}
	json_t *tasks = json_array();
	for (int i = 0; i < PQntuples(r); i++) {
		json_t *tk = row_object(r, i, 1, PQnfields(r) - 1);
		json_object_set_new(tk, "id", json_integer(atoll(PQgetvalue(r, i, 0))));
		json_object_set_new(tk, "checklist", json_loads(PQgetvalue(r, i, 4), 0, NULL));
		json_array_append_new(tasks, tk);
	}
	PQclear(r);
	json_object_set_new(j, "tasks", tasks);
	json_t *ops = NULL;
	if ((*st = queue_operations_of(id, &ops, error_r)) != DB_OK) {
		json_decref(j);
		return NULL;
	}
	json_object_set_new(j, "operations", ops);
	return j;
}

/* Who may see a request: the offices that run the procedures see all;
 * anyone else only requests about themselves or filed by themselves. */
static int sees_everything(const struct principal *who)
{
	role_mask all = ROLE_BIT(ROLE_HR) | ROLE_BIT(ROLE_TIM_HEAD) | ROLE_BIT(ROLE_TIM_LEAD) |
			ROLE_BIT(ROLE_TIM_TECH) | ROLE_BIT(ROLE_AUDITOR) | ROLE_BIT(ROLE_ADMIN);
	return (who->roles & all) != 0;
}

/* Anyone else sees the requests about themselves, those they filed, and,
 * as a unit head, those about the people of their unit (whose access and
 * call codes they ask for and approve). */
static int may_see_parts(const struct principal *who, const char *person_uid, const char *person_unit,
			 const char *submitted_by)
{
	char me[160];
	if (sees_everything(who))
		return 1;
	actor_id(who, me);
	return (who->kind == PRINCIPAL_USER && person_uid && strcmp(person_uid, who->subject) == 0) ||
	       (submitted_by && strcmp(submitted_by, me) == 0) ||
	       ((who->roles & ROLE_BIT(ROLE_UNIT_HEAD)) && heads_unit(who, person_unit));
}

static int may_see(const struct principal *who, json_t *req)
{
	json_t *person = json_object_get(req, "person");
	return may_see_parts(who, json_string_value(json_object_get(person, "uid")),
			     json_string_value(json_object_get(person, "unit")),
			     json_string_value(json_object_get(req, "submitted_by")));
}

/* ---- rules ------------------------------------------------------------ */

static int may_act(const struct principal *who, const struct wf_transition *tr, const char *person_uid,
		   const char *submitted_by, const char *submitted_owner, const char **role_r, char why[256])
{
	char me[160];
	actor_id(who, me);
	if (tr->rules & WF_SYSTEM_ONLY) {
		*role_r = NULL;
		snprintf(why, 256, "'%.20s' is taken by the service itself, not by a person", tr->action);
		return 0;
	}
	*role_r = acting_role(who, tr->roles);
	if (*role_r == NULL && (tr->rules & WF_THE_PERSON) && who->kind == PRINCIPAL_USER &&
	    person_uid != NULL && strcmp(person_uid, who->subject) == 0)
		*role_r = "employee";
	if (*role_r == NULL) {
		char need[200];
		role_mask_format(tr->roles, need, sizeof(need));
		snprintf(why, 256, "'%.20s' here needs the role %.120s%s", tr->action, need,
			 (tr->rules & WF_THE_PERSON) ? " or to be the person the request is about" : "");
		return 0;
	}
	/* people, not credentials: a token counts as the person who made it */
	if ((tr->rules & WF_NOT_SUBMITTER) &&
	    ((submitted_by != NULL && strcmp(submitted_by, me) == 0) ||
	     (submitted_owner != NULL && strcmp(submitted_owner, who->owner) == 0))) {
		if (strcmp(me, who->owner) == 0)
			snprintf(why, 256, "separation of duties: %.60s submitted this request and cannot %.20s it",
				 me, tr->action);
		else
			snprintf(why, 256, "separation of duties: %.60s acts for %.60s, who submitted this request "
				 "and cannot %.20s it", me, who->owner, tr->action);
		*role_r = NULL;
		return 0;
	}
	return 1;
}

/* A unit head acts only for the people of their own unit (the unit on
 * their directory entry, ldap_unit_attr). 0 yes, -1 no (o answered). */
static int check_unit_head_of(const struct conf *c, const struct principal *who, long long person_id,
			      const char *employee_number, const char *what, struct outcome *o)
{
	char *err = NULL, pid[32];
	enum db_status st;
	snprintf(pid, sizeof(pid), "%lld", person_id);
	const char *params[1] = { pid };
	PGresult *r = db_query("person.unit", "SELECT unit FROM people WHERE id = $1::bigint", 1, params, &st, &err);
	if (r == NULL) {
		fail_db(o, st, err);
		return -1;
	}
	char unit[80];
	snprintf(unit, sizeof(unit), "%s", PQntuples(r) ? PQgetvalue(r, 0, 0) : "");
	PQclear(r);
	if (who->unit[0] == '\0') {
		fail(o, 403, "forbidden", "employee_number", "your directory entry names no unit (%s): "
		     "a unit head %s only for the people of their unit", c->ldap_unit_attr, what);
		return -1;
	}
	/* the same answer whether the person is of another unit or does not
	 * exist at all (person_id 0): nothing about them is told */
	if (person_id == 0 || !heads_unit(who, unit)) {
		fail(o, 403, "forbidden", "employee_number", "as head of unit %s you %s only for the people of "
		     "your unit, and %s is not one of them", who->unit, what, employee_number);
		return -1;
	}
	return 0;
}

/* Who may file an access request for this person: TIM for anyone, a unit
 * head for the people of their own unit. Asked before anything else about
 * the person is told (person_id 0: there is no such person). */
static int check_access_filer(const struct conf *c, const struct principal *who, long long person_id,
			      const char *employee_number, struct outcome *o)
{
	role_mask tim = ROLE_BIT(ROLE_TIM_HEAD) | ROLE_BIT(ROLE_TIM_LEAD) | ROLE_BIT(ROLE_TIM_TECH) |
			ROLE_BIT(ROLE_ADMIN);
	if (who->roles & tim)
		return 0;
	return check_unit_head_of(c, who, person_id, employee_number, "may ask access", o);
}

/* What an access request revokes must be held through a request. */
static int check_access_rules(const struct conf *c, long long person_id, const char *employee_number,
			      json_t *payload, struct outcome *o)
{
	char *err = NULL;
	enum db_status st;
	json_t *revoke = access_items(c, payload, "revoke", &err);
	if (revoke == NULL) {
		fail(o, 400, "invalid_field", "revoke", "%s", err);
		free(err);
		return -1;
	}
	size_t i;
	json_t *v;
	json_array_foreach(revoke, i, v) {
		const char *kind = json_string_value(json_object_get(v, "kind"));
		const char *name = json_string_value(json_object_get(v, "name"));
		int held = grants_held(person_id, kind, name, &st, &err);
		if (held <= 0) {
			if (held < 0)
				fail_db(o, st, err);
			else
				fail(o, 409, "conflict", "revoke", "%s holds no %s '%s' granted by a request: nothing to "
				     "revoke (what rules give a unit or position changes with a transfer)",
				     employee_number, kind, name);
			json_decref(revoke);
			return -1;
		}
	}
	json_decref(revoke);
	return 0;
}

struct allowed_text {
	struct buf b;
};

static void describe_allowed(const struct wf_transition *tr, void *arg)
{
	struct buf *b = arg;
	char roles[200];
	role_mask_format(tr->roles, roles, sizeof(roles));
	if (tr->rules & WF_SYSTEM_ONLY)
		buf_printf(b, "%s%s (by the scheduler at the effective time)", b->len ? ", " : "", tr->action);
	else
		buf_printf(b, "%s%s (%s%s)", b->len ? ", " : "", tr->action, roles,
			   (tr->rules & WF_THE_PERSON) ? ", the person" : "");
}

/* ---- idempotency ------------------------------------------------------ */

/* 1: a stored answer was replayed into o (transaction rolled back);
 * 0: the key is claimed for this call; -1: error in o. */
static int idem_claim(const struct idem *idem, const char *actor, struct outcome *o)
{
	char *err = NULL;
	enum db_status st;
	if (idem == NULL || idem->key == NULL)
		return 0;
	const char *params[3] = { actor, idem->key, idem->fingerprint };
	PGresult *r = db_query("idempotency.claim",
			       "INSERT INTO idempotency_keys (actor, key, fingerprint, status, response) "
			       "VALUES ($1, $2, $3, 0, '') ON CONFLICT DO NOTHING RETURNING 1",
			       3, params, &st, &err);
	if (r == NULL) {
		fail_db(o, st, err);
		return -1;
	}
	int claimed = PQntuples(r) == 1;
	PQclear(r);
	if (claimed)
		return 0;
	r = db_query("idempotency.get",
		     "SELECT fingerprint, status, response FROM idempotency_keys WHERE actor = $1 AND key = $2",
		     2, params, &st, &err);
	if (r == NULL) {
		fail_db(o, st, err);
		return -1;
	}
	if (PQntuples(r) != 1 || strcmp(PQgetvalue(r, 0, 0), idem->fingerprint) != 0) {
		PQclear(r);
		fail(o, 422, "idempotency_key_reused", NULL,
		     "Idempotency-Key '%s' was already used for a different request", idem->key);
		return -1;
	}
	o->status = atoi(PQgetvalue(r, 0, 1));
	o->body = json_loads(PQgetvalue(r, 0, 2), 0, NULL);
	PQclear(r);
	return 1;
}

static int idem_store(const struct idem *idem, const char *actor, struct outcome *o)
{
	char *err = NULL, status[8];
	if (idem == NULL || idem->key == NULL)
		return 0;
	char *resp = json_dumps(o->body, JSON_COMPACT);
	snprintf(status, sizeof(status), "%d", o->status);
	const char *params[4] = { actor, idem->key, status, resp };
	enum db_status st = db_exec("idempotency.store",
				    "UPDATE idempotency_keys SET status = $3::int, response = $4 "
				    "WHERE actor = $1 AND key = $2", 4, params, &err);
	free(resp);
	if (st != DB_OK) {
		fail_db(o, st, err);
		return -1;
	}
	return 0;
}

/* ---- transitions ------------------------------------------------------ */

struct txn {
	const struct conf *conf;
	const struct principal *who;	/* NULL for the system */
	char actor[160];
	const char *role;
	long long request_id;
	long long person_id;
	enum wf_type type;
	char state[32];
	char employee_number[40];
	char submitted_by[160];
	char submitted_owner[160];
	char person_uid[80];
	char person_unit[80];
	char provisioning_mode[16];
	time_t effective_t;
	int has_effective;
	int round;			/* provisioning round */
	struct outcome *o;		/* the caller's answer, when a person acts: an
					 * effect that refuses says why in it */
};

static enum db_status log_step(struct txn *t, const char *action, const char *from, const char *to,
			       const char *note, char **err)
{
	char rid[32];
	snprintf(rid, sizeof(rid), "%lld", t->request_id);
	const char *params[7] = { rid, action, from, to, t->actor, t->role, note };
	enum db_status st = db_exec("request.step",
				    "INSERT INTO request_steps (request_id, action, from_state, to_state, actor, "
				    "actor_role, note) VALUES ($1::bigint, $2, $3, $4, $5, $6, $7)",
				    7, params, err);
	if (st != DB_OK)
		return st;
	json_t *before = from ? json_pack("{s:s}", "state", from) : NULL;
	json_t *after = json_pack("{s:s}", "state", to);
	if (note != NULL)
		json_object_set_new(after, "note", json_string(note));
	char obj[64];
	snprintf(obj, sizeof(obj), "request/%lld", t->request_id);
	char act[64];
	snprintf(act, sizeof(act), "%s.%s", wf_type_name(t->type), action);
	struct cl_entry e = { t->actor, t->role, t->request_id, t->employee_number, "workflow", act, obj,
			      before, after, "ok", NULL };
	st = changelog_append(&e, err);
	json_decref(before);
	json_decref(after);
	return st;
}

static enum db_status set_state(struct txn *t, const char *to, char **err)
{
	char rid[32];
	snprintf(rid, sizeof(rid), "%lld", t->request_id);
	int final = !wf_state_find(t->type, to)->open;
	const char *params[3] = { rid, to, final ? "t" : "f" };
	enum db_status st = db_exec("request.state",
				    "UPDATE requests SET state = $2, updated_at = now(), "
				    "closed_at = CASE WHEN $3::boolean THEN now() ELSE NULL END WHERE id = $1::bigint",
				    3, params, err);
	if (st == DB_OK)
		snprintf(t->state, sizeof(t->state), "%s", to);
	return st;
}

/* Person fields changed by a step, with the change logged before/after. */
static enum db_status person_update(struct txn *t, const char *what, const char *sql,
				    int nparams, const char *const *params, char **err)
{
	enum db_status st;
	json_t *before = person_json_by_id(t->person_id, err, &st);
	if (before == NULL)
		return st == DB_OK ? DB_ERROR : st;
	st = db_exec(what, sql, nparams, params, err);
	if (st != DB_OK) {
		json_decref(before);
		return st;
	}
	json_t *after = person_json_by_id(t->person_id, err, &st);
	if (after == NULL) {
		json_decref(before);
		return st == DB_OK ? DB_ERROR : st;
	}
	/* the national id is personal data, not access: keep it out of the log */
	json_object_del(before, "national_id");
	json_object_del(after, "national_id");
	char obj[80];
	snprintf(obj, sizeof(obj), "person/%s", t->employee_number);
	struct cl_entry e = { t->actor, t->role, t->request_id, t->employee_number, "workflow", what, obj,
			      before, after, "ok", NULL };
	st = changelog_append(&e, err);
	json_decref(before);
	json_decref(after);
	return st;
}

static enum db_status person_set_status(struct txn *t, const char *status, char **err)
{
	char pid[32];
	snprintf(pid, sizeof(pid), "%lld", t->person_id);
	const char *params[2] = { pid, status };
	return person_update(t, strcmp(status, "active") == 0 ? "person.activate" : "person.disable",
			     "UPDATE people SET status = $2, updated_at = now() WHERE id = $1::bigint",
			     2, params, err);
}

/* A transfer's operations work on the person as they will be: the new
 * unit and position from the request. */
static enum db_status with_transfer_target(struct txn *t, json_t *person, char **err)
{
	char rid[32];
	enum db_status st;
	snprintf(rid, sizeof(rid), "%lld", t->request_id);
	const char *params[1] = { rid };
	PGresult *r = db_query("request.transfer_target",
			       "SELECT payload->>'unit', payload->>'position' FROM requests WHERE id = $1::bigint",
			       1, params, &st, err);
	if (r == NULL)
		return st;
	if (PQntuples(r) == 1) {
		json_object_set_new(person, "unit", json_string(PQgetvalue(r, 0, 0)));
		json_object_set_new(person, "position", json_string(PQgetvalue(r, 0, 1)));
	}
	PQclear(r);
	return DB_OK;
}

/* Changes the person's grants (grants.h), logged with before and after:
 * what GRANTS_APPLY adds and ends for an access request, an exit's end of
 * everything, a rollback's undo. */
enum grants_change { GRANTS_APPLY, GRANTS_END_ALL, GRANTS_UNDO };

static enum db_status change_grants(struct txn *t, enum grants_change how, char **err)
{
	static const char *const actions[] = { "access.grant", "access.end_all", "access.undo" };
	json_t *before = NULL, *after = NULL, *grant = NULL, *revoke = NULL;
	enum db_status st = grants_snapshot(t->person_id, &before, err);
	if (st != DB_OK)
		return st;
	if (how == GRANTS_APPLY) {
		char rid[32];
		snprintf(rid, sizeof(rid), "%lld", t->request_id);
		const char *params[1] = { rid };
		PGresult *r = db_query("request.payload", "SELECT payload::text FROM requests WHERE id = $1::bigint",
				       1, params, &st, err);
		if (r == NULL)
			goto out;
		json_t *payload = json_loads(PQntuples(r) ? PQgetvalue(r, 0, 0) : "{}", 0, NULL);
		PQclear(r);
		grant = access_items(t->conf, payload, "grant", err);
		revoke = grant ? access_items(t->conf, payload, "revoke", err) : NULL;
		json_decref(payload);
		if (revoke == NULL) {
			/* the catalogue changed since the request was filed: the
			 * caller's request, not the service, is what is wrong */
			if (t->o != NULL) {
				fail(t->o, 409, "conflict", "grant", "%s", *err);
				free(*err);
				*err = NULL;
			}
			st = DB_ERROR;
			goto out;
		}
		st = grants_apply(t->person_id, t->request_id, grant, revoke, err);
	} else if (how == GRANTS_END_ALL)
		st = grants_end_all(t->person_id, t->request_id, err);
	else
		st = grants_undo(t->person_id, t->request_id, err);
	if (st != DB_OK || (st = grants_snapshot(t->person_id, &after, err)) != DB_OK)
		goto out;
	int same = json_equal(before, after);
	/* an exit or rollback of someone who held no grant: nothing to record */
	if (same && how != GRANTS_APPLY)
		goto out;
	char obj[80];
	snprintf(obj, sizeof(obj), "person/%s/access", t->employee_number);
	struct cl_entry e = { t->actor, t->role, t->request_id, t->employee_number, "workflow", actions[how], obj,
			      before, after, same ? "noop" : "ok", NULL };
	st = changelog_append(&e, err);
out:
	json_decref(before);
	json_decref(after);
	json_decref(grant);
	json_decref(revoke);
	return st;
}

/* What the PBX is asked for a call-code request: {"call_code": {"action":
 * "issue", "level": ...}} or a revocation (also the undo of an issue). */
static enum db_status call_code_params(struct txn *t, int undo, json_t **params_r, char **err)
{
	char rid[32];
	enum db_status st;
	snprintf(rid, sizeof(rid), "%lld", t->request_id);
	const char *params[1] = { rid };
	PGresult *r = db_query("request.payload", "SELECT payload->>'action', payload->>'level' FROM requests "
			       "WHERE id = $1::bigint", 1, params, &st, err);
	if (r == NULL)
		return st;
	int issue = !undo && PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "issue") == 0;
	json_t *cc = issue ? json_pack("{s:s, s:s}", "action", "issue", "level", PQgetvalue(r, 0, 1))
			   : json_pack("{s:s}", "action", "revoke");
	PQclear(r);
	*params_r = json_pack("{s:o}", "call_code", cc);
	return DB_OK;
}

/* Entering a provisioning step: ask provision.h how the work is done. */
static enum db_status begin_provisioning(struct txn *t, const char *intent, char **err)
{
	enum db_status st;
	json_t *person = person_json_by_id(t->person_id, err, &st);
	if (person == NULL)
		return st == DB_OK ? DB_ERROR : st;
	if (strcmp(intent, "rollback") == 0)
		intent = "update";	/* a transfer undone: the person row still holds the old values */
	else if (t->type == WF_TRANSFER && (st = with_transfer_target(t, person, err)) != DB_OK) {
		json_decref(person);
		return st;
	}
	json_t *granted = NULL;
	if (strncmp(intent, "call_code", 9) == 0)
		st = call_code_params(t, strcmp(intent, "call_code_undo") == 0, &granted, err);
	else
		st = grants_params(t->person_id, t->request_id, &granted, err);
	if (st != DB_OK) {
		json_decref(person);
		return st;
	}
	if (strcmp(intent, "call_code_undo") == 0)
		intent = "call_code";
	struct provision_request pr = { t->request_id, t->type, intent, person, granted };
	enum provision_mode mode;
	int rc = provision_begin(&pr, &mode, err);
	json_decref(person);
	json_decref(granted);
	if (rc < 0)
		return DB_ERROR;
	char rid[32];
	snprintf(rid, sizeof(rid), "%lld", t->request_id);
	if (mode == PROVISION_QUEUED)
		t->round++;	/* queue_enqueue started the next round */
	const char *params[2] = { rid, mode == PROVISION_QUEUED ? "queued" : "manual" };
	snprintf(t->provisioning_mode, sizeof(t->provisioning_mode), "%s", params[1]);
	return db_exec("request.mode", "UPDATE requests SET provisioning_mode = $2 WHERE id = $1::bigint",
		       2, params, err);
}

/* Opens this step's manual tasks (configured task.<name>.on this type). A
 * task already done in an earlier pass through the step stays done. */
static enum db_status open_tasks(struct txn *t, char **err)
{
	char rid[32], rnd[16];
	snprintf(rid, sizeof(rid), "%lld", t->request_id);
	snprintf(rnd, sizeof(rnd), "%d", t->round);
	for (int i = 0; i < t->conf->ntasks; i++) {
		const struct task_def *d = &t->conf->tasks[i];
		if (!(d->on & (1u << t->type)))
			continue;
		json_t *items = json_array();
		if (d->checklist != NULL) {
			char *copy = xstrdup(d->checklist), *save = NULL;
			for (char *w = strtok_r(copy, ";", &save); w; w = strtok_r(NULL, ";", &save)) {
				while (*w == ' ')
					w++;
				if (*w)
					json_array_append_new(items, json_string(w));
			}
			free(copy);
		}
		char *cl = json_dumps(items, JSON_COMPACT);
		json_decref(items);
		const char *params[6] = { rid, rnd, d->name, d->title, role_name((enum role)d->role), cl };
		enum db_status st = db_exec("task.open",
			"INSERT INTO tasks (request_id, round, name, title, role, checklist) "
			"SELECT $1::bigint, $2::int, $3, $4, $5, $6::jsonb WHERE NOT EXISTS (SELECT 1 FROM tasks "
			"WHERE request_id = $1::bigint AND name = $3 AND state = 'done')", 6, params, err);
		free(cl);
		if (st != DB_OK)
			return st;
	}
	return DB_OK;
}

/* How many tasks of the request are still open ("backup (tim_tech)" list). */
static int open_task_count(long long request_id, struct buf *names, enum db_status *st, char **err)
{
	char rid[32];
	snprintf(rid, sizeof(rid), "%lld", request_id);
	const char *params[1] = { rid };
	PGresult *r = db_query("task.open_count", "SELECT name, role FROM tasks WHERE request_id = $1::bigint "
			       "AND state = 'open' ORDER BY id", 1, params, st, err);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	for (int i = 0; names && i < n; i++)
		buf_printf(names, "%s%s (%s)", i ? ", " : "", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
	PQclear(r);
	return n;
}

/* The conclusion note goes by mail (outbox.h) to whoever must read it:
 * for hires, exits and transfers HR (notify_hr, or the HR person who
 * filed); for access requests and call codes whoever filed it and the unit
 * head who approved. */
static enum db_status mail_conclusion(struct txn *t, const char *note, char **err)
{
	char rid[32];
	enum db_status st;
	snprintf(rid, sizeof(rid), "%lld", t->request_id);
	const char *params[1] = { rid };
	/* one row per address; one row with a NULL address when there is none */
	PGresult *r = db_query("request.notify",
		"SELECT p.given_names || ' ' || p.family_names, m FROM requests q "
		"JOIN people p ON p.id = q.person_id LEFT JOIN LATERAL unnest(q.notify_mails) m ON true "
		"WHERE q.id = $1::bigint", 1, params, &st, err);
	if (r == NULL)
		return st;
	int to_hr = (t->type == WF_HIRE || t->type == WF_EXIT || t->type == WF_TRANSFER) &&
		    t->conf->notify_hr[0] != '\0';
	if (PQntuples(r) == 0 || (!to_hr && PQgetisnull(r, 0, 1))) {
		PQclear(r);
		return DB_OK;	/* nobody to tell: filed with a token, and no notify_hr */
	}
	/* names are up to 100 characters each, of up to 4 bytes: never cut
	 * them into a fixed buffer (a cut character is a subject the outbox
	 * cannot store, and a conclusion that cannot be taken) */
	const char *name = PQgetvalue(r, 0, 0);
	char *subject = xasprintf("Conclusion of %s request %lld for %s (%s)", wf_type_name(t->type),
				  t->request_id, t->employee_number, name);
	/* the technical report as it stands now goes with the note */
	struct principal reader = { .kind = PRINCIPAL_TOKEN, .roles = ROLE_BIT(ROLE_AUDITOR) };
	struct outcome ro;
	char *report = NULL;
	snprintf(reader.subject, sizeof(reader.subject), "system");
	requests_report(&reader, t->request_id, 1, &ro, &report);
	json_decref(ro.body);
	char link[96];
	snprintf(link, sizeof(link), "The technical report: GET /v1/requests/%lld/report", t->request_id);
	char *body = xasprintf("The %s request %lld for %s (%s) is concluded.\n\nConclusion note:\n%s\n\n%s\n",
			       wf_type_name(t->type), t->request_id, t->employee_number, name, note ? note : "",
			       report ? report : link);
	free(report);
	st = DB_OK;
	if (to_hr)
		st = outbox_add("conclusion", t->conf->notify_hr, subject, body, 0, t->request_id, err);
	else
		for (int i = 0; i < PQntuples(r) && st == DB_OK; i++) {
			/* an address the directory holds wrongly does not block the step */
			if (!outbox_address_ok(PQgetvalue(r, i, 1))) {
				log_warn("request %lld: conclusion note not mailed to '%s': not a mail address",
					 t->request_id, PQgetvalue(r, i, 1));
				continue;
			}
			st = outbox_add("conclusion", PQgetvalue(r, i, 1), subject, body, 0, t->request_id, err);
		}
	free(body);
	free(subject);
	PQclear(r);
	return st;
}

/* What happens when a request enters a state (besides the state itself). */
static enum db_status on_enter(struct txn *t, const char *from, const char *action, const char *to,
			       const char *note, char **err)
{
	char rid[32];
	snprintf(rid, sizeof(rid), "%lld", t->request_id);
	if (strcmp(to, "provisioning") == 0 || strcmp(to, "disabling") == 0) {
		enum db_status st = DB_OK;
		/* what the request grants and revokes (again after a rejected
		 * verification: already so, nothing changes); an exit ends all */
		if (t->type == WF_ACCESS)
			st = change_grants(t, GRANTS_APPLY, err);
		else if (strcmp(to, "disabling") == 0)
			st = change_grants(t, GRANTS_END_ALL, err);
		if (st == DB_OK)
			st = begin_provisioning(t, strcmp(to, "disabling") == 0 ? "disable"
						: t->type == WF_HIRE ? "create" : t->type == WF_CALLCODE ? "call_code"
						: "update", err);
		return st == DB_OK ? open_tasks(t, err) : st;
	}
	if (strcmp(to, "rolling_back") == 0) {
		/* what is still waiting in the abandoned round will not run */
		char rnd[16];
		snprintf(rnd, sizeof(rnd), "%d", t->round);
		const char *params[2] = { rid, rnd };
		enum db_status st = db_exec("request.abandon_round",
			"UPDATE operations SET state = 'dead', outcome = 'cancelled', message = 'rolled back', "
			"updated_at = now() WHERE request_id = $1::bigint AND round = $2::int AND state IN ('pending', 'dead')",
			2, params, err);
		if (st != DB_OK)
			return st;
		if ((st = change_grants(t, GRANTS_UNDO, err)) != DB_OK)
			return st;
		/* the undo: a hire's accounts are disabled (never deleted), an
		 * exit's enabled again, a transfer's put back to the old unit
		 * and position (the person row still has them), an access
		 * request's grants taken away and its revocations given back */
		return begin_provisioning(t, t->type == WF_HIRE ? "disable" : t->type == WF_EXIT ? "enable"
					  : t->type == WF_CALLCODE ? "call_code_undo" : "rollback", err);
	}
	/* the technician's confirmation ends the provisioning step */
	if (strcmp(action, "confirm") == 0 && strcmp(from, "provisioning") == 0) {
		if (t->type == WF_HIRE)
			return person_set_status(t, "active", err);
		if (t->type == WF_TRANSFER) {
			char pid[32];
			snprintf(pid, sizeof(pid), "%lld", t->person_id);
			const char *params[2] = { pid, rid };
			return person_update(t, "person.transfer",
				"UPDATE people SET unit = r.payload->>'unit', position = r.payload->>'position', "
				"updated_at = now() FROM requests r WHERE people.id = $1::bigint AND r.id = $2::bigint",
				2, params, err);
		}
	}
	if (strcmp(action, "confirm") == 0 && strcmp(from, "disabling") == 0)
		return person_set_status(t, "disabled", err);
	if (strcmp(to, "concluded") == 0 || (strcmp(from, "concluding") == 0 && strcmp(to, "closed") == 0)) {
		const char *params[2] = { rid, note };
		enum db_status st = db_exec("request.conclusion", "UPDATE requests SET conclusion = $2 WHERE id = $1::bigint",
					    2, params, err);
		return st == DB_OK ? mail_conclusion(t, note, err) : st;
	}
	/* the unit head who approved a call code hears how it ended (PR01 step 9) */
	if (t->type == WF_CALLCODE && strcmp(to, "tim_review") == 0 && t->who != NULL && t->who->mail[0] != '\0') {
		const char *params[2] = { rid, t->who->mail };
		return db_exec("request.notify_add", "UPDATE requests SET notify_mails = array_append(notify_mails, $2) "
			       "WHERE id = $1::bigint AND NOT ($2 = ANY (notify_mails))", 2, params, err);
	}
	return DB_OK;
}

/* Performs one transition (already checked) with its effects. */
static enum db_status transition(struct txn *t, const struct wf_transition *tr, const char *note, char **err)
{
	const char *to = tr->to;
	char from[32];
	snprintf(from, sizeof(from), "%s", t->state);
	/* an exit goes straight to disabling when its time has come */
	if (t->type == WF_EXIT && strcmp(to, "scheduled") == 0 && t->has_effective && t->effective_t <= time(NULL))
		to = "disabling";
	enum db_status st = set_state(t, to, err);
	if (st == DB_OK)
		st = on_enter(t, from, tr->action, to, note, err);
	if (st == DB_OK)
		st = log_step(t, tr->action, from, to, note, err);
	return st;
}

/* A transition taken by the service itself: the actor is "system". */
static enum db_status transition_as_system(struct txn *t, const struct wf_transition *tr, const char *note,
					   char **err)
{
	char saved_actor[160];
	const char *saved_role = t->role;
	snprintf(saved_actor, sizeof(saved_actor), "%s", t->actor);
	snprintf(t->actor, sizeof(t->actor), "system");
	t->role = "system";
	enum db_status st = transition(t, tr, note, err);
	snprintf(t->actor, sizeof(t->actor), "%s", saved_actor);
	t->role = saved_role;
	return st;
}

/* Takes the steps the policy makes automatic, as "system". */
static enum db_status run_auto_steps(struct txn *t, char **err)
{
	for (int guard = 0; guard < 16; guard++) {
		const struct wf_state *ws = wf_state_find(t->type, t->state);
		if (ws == NULL || ws->auto_bit == 0 || !(t->conf->auto_steps[t->type] & ws->auto_bit))
			return DB_OK;
		const struct wf_transition *tr = wf_transition_find(t->type, t->state, ws->auto_action);
		if (tr == NULL)
			return DB_OK;
		enum db_status st = transition_as_system(t, tr, "automatic step (workflow policy)", err);
		if (st != DB_OK)
			return st;
	}
	return DB_OK;
}

/* ---- create ------------------------------------------------------------ */

/* Sets the first free candidate of base (base, base2, base3, ...) with
 * sql ($1 person id, $2 the value), each try under a savepoint so that a
 * name taken, even by a concurrent allocation, just moves on to the next.
 * suffix (e.g. "@example.org") is appended to every candidate. */
static enum db_status claim_first_free(const char *what, const char *sql, const char *pid,
				       const char *base, size_t max_len, const char *suffix,
				       char **value_r, struct outcome *o)
{
	char *err = NULL;
	enum db_status st;
	*value_r = NULL;
	for (int n = 1; n <= 999; n++) {
		char *cand = naming_candidate(base, n, max_len);
		char *value = xasprintf("%s%s", cand, suffix);
		free(cand);
		const char *params[2] = { pid, value };
		db_exec("savepoint", "SAVEPOINT alloc", 0, NULL, NULL);
		st = db_exec(what, sql, 2, params, &err);
		if (st == DB_OK) {
			*value_r = value;
			return DB_OK;
		}
		free(value);
		db_exec("rollback to savepoint", "ROLLBACK TO SAVEPOINT alloc", 0, NULL, NULL);
		if (st != DB_CONFLICT) {
			fail_db(o, st, err);
			return st;
		}
		free(err);
		err = NULL;
	}
	fail(o, 409, "conflict", "family_names", "every %s candidate for these names is taken", what);
	return DB_CONFLICT;
}

/* Allocates login, uidNumber and mail for a person that has none yet. */
static enum db_status allocate_identifiers(const struct conf *c, long long person_id,
					   const struct person_in *in, struct outcome *o)
{
	struct naming_input ni = { in->given_names, in->family_names, in->unit, in->position };
	char *base = NULL, *err = NULL, pid[32], *login = NULL, *mail = NULL;
	enum db_status st;
	snprintf(pid, sizeof(pid), "%lld", person_id);

	if (naming_expand(c->login_template, &ni, (size_t)c->login_max_length, &base, &err) < 0) {
		fail(o, 400, "invalid_field", "family_names", "no login can be made from these names: %s", err);
		free(err);
		return DB_ERROR;
	}
	st = claim_first_free("login",
			      "UPDATE people SET uid = $2, uid_number = nextval('uid_number_seq') WHERE id = $1::bigint",
			      pid, base, (size_t)c->login_max_length, "", &login, o);
	free(base);
	if (st != DB_OK)
		return st;
	char *tmpl = str_replace_all(c->mail_template, "{login}", login);
	int rc = naming_expand(tmpl, &ni, 64, &base, &err);
	free(tmpl);
	free(login);
	if (rc < 0) {
		fail(o, 400, "invalid_field", "family_names", "no mail address can be made: %s", err);
		free(err);
		return DB_ERROR;
	}
	char *domain = xasprintf("@%s", c->mail_domain);
	st = claim_first_free("mail address", "UPDATE people SET mail = $2 WHERE id = $1::bigint",
			      pid, base, 64, domain, &mail, o);
	free(domain);
	free(base);
	free(mail);
	return st;
}

/* Why a person cannot get a new request of this type now, or NULL. */
static int open_request_conflict(long long person_id, enum wf_type type, struct outcome *o,
				 const char *employee_number)
{
	char pid[32], *err = NULL;
	enum db_status st;
	snprintf(pid, sizeof(pid), "%lld", person_id);
	const char *params[1] = { pid };
	PGresult *r = db_query("request.open",
			       "SELECT id::text, type, state FROM requests WHERE person_id = $1::bigint "
			       "AND state NOT IN ('closed', 'cancelled', 'rejected') ORDER BY requests.id",
			       1, params, &st, &err);
	if (r == NULL) {
		fail_db(o, st, err);
		return -1;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		const char *rt = PQgetvalue(r, i, 1);
		if (strcmp(rt, wf_type_name(type)) == 0) {
			fail(o, 409, "conflict", "employee_number",
			     "%s already has an open %s request (%s, state %s)", employee_number, rt,
			     PQgetvalue(r, i, 0), PQgetvalue(r, i, 2));
			PQclear(r);
			return -1;
		}
		/* Documented choice: an exit or transfer is refused while a hire
		 * is open, instead of silently cancelling it. */
		if (strcmp(rt, "hire") == 0 || ((type == WF_TRANSFER || type == WF_ACCESS) && strcmp(rt, "exit") == 0)) {
			fail(o, 409, "conflict", "employee_number",
			     "%s has an open %s request (%s, state %s): finish or cancel it first",
			     employee_number, rt, PQgetvalue(r, i, 0), PQgetvalue(r, i, 2));
			PQclear(r);
			return -1;
		}
	}
	PQclear(r);
	return 0;
}

static void txn_fail(struct outcome *o, enum db_status st, char *err)
{
	db_rollback();
	if (o->code == NULL && o->body == NULL) {
		if (st == DB_CONFLICT) {
			fail(o, 409, "conflict", NULL, "a concurrent request changed the same record; retry: %s",
			     err ? err : "");
			free(err);
		} else
			fail_db(o, st, err);
	} else
		free(err);
	if (o->body != NULL) {
		json_decref(o->body);
		o->body = NULL;
	}
}

/* Who may ask a call code (PR01 step 1): the person, or the head of their
 * unit; a revocation also TIM. Sets t->role. */
static int call_code_filer(const struct conf *c, const struct principal *who, struct txn *t,
			   const struct person_in *in, struct outcome *o)
{
	if (who->kind == PRINCIPAL_USER && t->person_uid[0] && strcmp(t->person_uid, who->subject) == 0) {
		t->role = "employee";
		return 0;
	}
	if (strcmp(in->cc_action, "revoke") == 0 &&
	    (t->role = acting_role(who, ROLE_BIT(ROLE_TIM_HEAD) | ROLE_BIT(ROLE_TIM_TECH))) != NULL)
		return 0;
	if (who->roles & ROLE_BIT(ROLE_UNIT_HEAD)) {
		t->role = "unit_head";
		return check_unit_head_of(c, who, t->person_id, in->employee_number, "may ask a call code", o);
	}
	fail(o, 403, "forbidden", "employee_number", "a call code for %s is asked by that person or by the head of "
	     "their unit%s", in->employee_number, strcmp(in->cc_action, "revoke") == 0 ? " (or revoked by TIM)" : "");
	return -1;
}

/* A unit head's own filing is their approval (PR01 step 3); a revocation
 * needs no approval: it only takes away, so provisioning starts at once. */
static enum db_status call_code_first_steps(struct txn *t, const struct person_in *in, char **err)
{
	if (strcmp(in->cc_action, "revoke") == 0)
		return transition_as_system(t, wf_transition_find(WF_CALLCODE, "submitted", "start"),
					    "a revocation needs no approval: it only takes away", err);
	if (strcmp(t->role, "unit_head") == 0) {
		char note[160];
		snprintf(note, sizeof(note), "filed by the head of unit %.64s: the filing is their approval", t->who->unit);
		return transition(t, wf_transition_find(WF_CALLCODE, "submitted", "approve"), note, err);
	}
	return DB_OK;
}

void requests_create(const struct conf *c, const struct principal *who, enum wf_type type,
		     json_t *payload, const struct idem *idem, struct outcome *o)
{
	struct person_in in;
	struct txn t;
	char *err = NULL;
	enum db_status st;
	PGresult *r;

	memset(o, 0, sizeof(*o));
	int single = 0;
	if (parse_payload(c, type, payload, &in, o) < 0 || check_against_catalogue(c, type, payload, &in, &single, o) < 0)
		return;
	memset(&t, 0, sizeof(t));
	t.conf = c;
	t.who = who;
	t.type = type;
	actor_id(who, t.actor);
	if (type == WF_ACCESS) {
		/* the office first: TIM staff who also head unit tim file as TIM,
		 * which may ask for anyone (check_access_filer) */
		t.role = acting_role(who, ROLE_BIT(ROLE_TIM_HEAD) | ROLE_BIT(ROLE_TIM_LEAD) | ROLE_BIT(ROLE_TIM_TECH) |
				     ROLE_BIT(ROLE_ADMIN));
		if (t.role == NULL)
			t.role = acting_role(who, ROLE_BIT(ROLE_UNIT_HEAD));
	} else if (type == WF_CALLCODE)
		t.role = "employee";	/* decided by call_code_filer once the person is known */
	else
		t.role = acting_role(who, ROLE_BIT(ROLE_HR) | ROLE_BIT(ROLE_TIM_HEAD) | ROLE_BIT(ROLE_ADMIN));
	if (t.role == NULL)
		t.role = type == WF_ACCESS ? "unit_head" : "hr";
	snprintf(t.employee_number, sizeof(t.employee_number), "%s", in.employee_number);

	if ((st = db_begin(&err)) != DB_OK) {
		fail_db(o, st, err);
		return;
	}
	int claimed = idem_claim(idem, t.actor, o);
	if (claimed != 0) {
		db_rollback();
		return;
	}

	const char *p1[1] = { in.employee_number };
	r = db_query("person.lock", "SELECT id::text, status, uid FROM people WHERE employee_number = $1 FOR UPDATE",
		     1, p1, &st, &err);
	if (r == NULL)
		goto dbfail;
	int exists = PQntuples(r) == 1;
	char status[16] = "";
	if (exists) {
		t.person_id = atoll(PQgetvalue(r, 0, 0));
		snprintf(status, sizeof(status), "%s", PQgetvalue(r, 0, 1));
		snprintf(t.person_uid, sizeof(t.person_uid), "%s", PQgetvalue(r, 0, 2));
	}
	PQclear(r);

	/* who may file comes first: a caller who may not gets the same
	 * answer whether or not the person exists, and learns nothing of
	 * their status or open requests */
	if (type == WF_ACCESS && check_access_filer(c, who, exists ? t.person_id : 0, in.employee_number, o) < 0)
		goto fail;
	if (type == WF_CALLCODE && call_code_filer(c, who, &t, &in, o) < 0)
		goto fail;
	if (type != WF_HIRE) {
		if (!exists) {
			fail(o, 404, "not_found", "employee_number", "no person with employee_number %s",
			     in.employee_number);
			goto fail;
		}
		if (strcmp(status, "active") != 0) {
			fail(o, 409, "conflict", "employee_number", "%s is %s, not active: %s",
			     in.employee_number, status,
			     strcmp(status, "disabled") != 0 ? "the hire has not been provisioned yet"
			     : type == WF_ACCESS ? "access is given only to active people (a rehire comes first)"
			     : type == WF_CALLCODE ? "call codes are given only to active people"
						 : "there is nothing to disable or move");
			goto fail;
		}
	} else if (exists && strcmp(status, "active") == 0) {
		fail(o, 409, "conflict", "employee_number", "%s is already active: a hire needs an exit first",
		     in.employee_number);
		goto fail;
	}
	if (exists && open_request_conflict(t.person_id, type, o, in.employee_number) < 0)
		goto fail;
	if (type == WF_ACCESS && check_access_rules(c, t.person_id, in.employee_number, payload, o) < 0)
		goto fail;
	if (single && check_single_holder(exists ? t.person_id : 0, in.position, o) < 0)
		goto fail;
	if (type == WF_CALLCODE && json_object_get(payload, "action") == NULL)
		json_object_set_new(payload, "action", json_string(in.cc_action));

	if (type == WF_HIRE) {
		const char *params[11] = { in.employee_number, in.national_id, in.given_names, in.family_names,
					   in.unit, in.position, in.contract_type, in.start_date, in.end_date,
					   in.private_email, NULL };
		if (!exists) {
			r = db_query("person.create",
				     "INSERT INTO people (employee_number, national_id, given_names, family_names, unit, "
				     "position, contract_type, start_date, end_date, private_mail) VALUES ($1, $2, $3, $4, $5, "
				     "$6, $7, $8::date, $9::date, $10) RETURNING id::text", 10, params, &st, &err);
			if (r == NULL)
				goto dbfail;
			t.person_id = atoll(PQgetvalue(r, 0, 0));
			PQclear(r);
			if ((st = allocate_identifiers(c, t.person_id, &in, o)) != DB_OK)
				goto fail;
			json_t *after;
			if ((after = person_json_by_id(t.person_id, &err, &st)) == NULL)
				goto dbfail;
			json_object_del(after, "national_id");
			char obj[80];
			snprintf(obj, sizeof(obj), "person/%s", in.employee_number);
			struct cl_entry e = { t.actor, t.role, 0, in.employee_number, "workflow", "person.create", obj,
					      NULL, after, "ok", NULL };
			st = changelog_append(&e, &err);
			json_decref(after);
			if (st != DB_OK)
				goto dbfail;
		} else {
			/* rehire (or a new try after a cancelled hire): same row,
			 * so the same login, uidNumber and mail come back */
			char pid[32];
			snprintf(pid, sizeof(pid), "%lld", t.person_id);
			params[10] = pid;
			if ((st = person_update(&t, "person.rehire",
				"UPDATE people SET national_id = $2, given_names = $3, family_names = $4, unit = $5, "
				"position = $6, contract_type = $7, start_date = $8::date, end_date = $9::date, "
				"private_mail = $10, updated_at = now() WHERE id = $11::bigint AND employee_number = $1",
				11, params, &err)) != DB_OK)
				goto dbfail;
		}
	}

	/* the request itself */
	{
		char pid[32], eff[32];
		snprintf(pid, sizeof(pid), "%lld", t.person_id);
		/* the private address is personal data, kept on the person only */
		json_object_del(payload, "private_email");
		char *pl = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS);
		if (type == WF_EXIT) {
			format_timestamp(in.effective_t, eff);
			t.effective_t = in.effective_t;
			t.has_effective = 1;
		}
		const char *params[8] = { wf_type_name(type), pid, pl, type == WF_EXIT ? eff : NULL,
					  t.actor, t.role, who->mail, who->owner };
		r = db_query("request.create",
			     "INSERT INTO requests (type, state, person_id, payload, effective_at, submitted_by, "
			     "submitted_role, notify_mails, submitted_owner) VALUES ($1, 'submitted', $2::bigint, $3::jsonb, "
			     "$4::timestamptz, $5, $6, CASE WHEN $7 = '' THEN '{}'::text[] ELSE ARRAY[$7] END, $8) "
			     "RETURNING id::text", 8, params, &st, &err);
		free(pl);
		if (r == NULL)
			goto dbfail;
		t.request_id = atoll(PQgetvalue(r, 0, 0));
		PQclear(r);
	}
	snprintf(t.submitted_by, sizeof(t.submitted_by), "%s", t.actor);
	snprintf(t.submitted_owner, sizeof(t.submitted_owner), "%s", who->owner);
	snprintf(t.state, sizeof(t.state), "submitted");
	if ((st = log_step(&t, "submit", NULL, "submitted", NULL, &err)) != DB_OK)
		goto dbfail;
	if (type == WF_CALLCODE && (st = call_code_first_steps(&t, &in, &err)) != DB_OK)
		goto dbfail;
	if ((st = run_auto_steps(&t, &err)) != DB_OK)
		goto dbfail;
	o->body = request_json(t.request_id, who, &st, &err);
	if (o->body == NULL)
		goto dbfail;
	o->status = 201;
	if (idem_store(idem, t.actor, o) < 0)
		goto fail;
	if ((st = db_commit(&err)) != DB_OK)
		goto dbfail;
	log_info("%s request %lld submitted for %s by %s", wf_type_name(type), t.request_id,
		 in.employee_number, t.actor);
	return;
dbfail:
	txn_fail(o, st, err);
	return;
fail:
	txn_fail(o, DB_ERROR, NULL);
}

/* ---- act ---------------------------------------------------------------- */

/* Locks the request (and its person) and reads what the rules need.
 * 1 found, 0 no such request, -1 database error. */
static int load_txn(struct txn *t, enum db_status *st, char **err)
{
	char rid[32];
	snprintf(rid, sizeof(rid), "%lld", t->request_id);
	const char *params[1] = { rid };
	PGresult *r = db_query("request.lock",
		"SELECT r.type, r.state, r.submitted_by, r.person_id::text, p.employee_number, p.uid, "
		"r.provisioning_mode, extract(epoch FROM r.effective_at)::bigint::text, r.provisioning_round, "
		"r.submitted_owner, p.unit FROM requests r JOIN people p ON p.id = r.person_id WHERE r.id = $1::bigint FOR UPDATE OF r, p",
		1, params, st, err);
	if (r == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return 0;
	}
	wf_type_parse(PQgetvalue(r, 0, 0), &t->type);
	snprintf(t->state, sizeof(t->state), "%s", PQgetvalue(r, 0, 1));
	snprintf(t->submitted_by, sizeof(t->submitted_by), "%s", PQgetvalue(r, 0, 2));
	t->person_id = atoll(PQgetvalue(r, 0, 3));
	snprintf(t->employee_number, sizeof(t->employee_number), "%s", PQgetvalue(r, 0, 4));
	snprintf(t->person_uid, sizeof(t->person_uid), "%s", PQgetvalue(r, 0, 5));
	snprintf(t->provisioning_mode, sizeof(t->provisioning_mode), "%s", PQgetvalue(r, 0, 6));
	if (!PQgetisnull(r, 0, 7)) {
		t->effective_t = (time_t)atoll(PQgetvalue(r, 0, 7));
		t->has_effective = 1;
	}
	t->round = atoi(PQgetvalue(r, 0, 8));
	snprintf(t->submitted_owner, sizeof(t->submitted_owner), "%s", PQgetvalue(r, 0, 9));
	text_copy(t->person_unit, sizeof(t->person_unit), PQgetvalue(r, 0, 10));
	PQclear(r);
	return 1;
}

enum db_status requests_round_done(const struct conf *c, long long request_id, int round, char **error_r)
{
	char rid[32], rnd[16];
	enum db_status st;
	struct txn t;
	snprintf(rid, sizeof(rid), "%lld", request_id);
	snprintf(rnd, sizeof(rnd), "%d", round);
	const char *params[2] = { rid, rnd };
	PGresult *r = db_query("request.round_left",
			       "SELECT count(*) FILTER (WHERE state <> 'done'), count(*) FROM operations "
			       "WHERE request_id = $1::bigint AND round = $2::int", 2, params, &st, error_r);
	if (r == NULL)
		return st;
	int left = atoi(PQgetvalue(r, 0, 0)), total = atoi(PQgetvalue(r, 0, 1));
	PQclear(r);
	if (left > 0)
		return DB_OK;
	int tasks = open_task_count(request_id, NULL, &st, error_r);
	if (tasks != 0)
		return tasks < 0 ? st : DB_OK;	/* people still have work to do */
	memset(&t, 0, sizeof(t));
	t.conf = c;
	t.request_id = request_id;
	snprintf(t.actor, sizeof(t.actor), "system");
	t.role = "system";
	int found = load_txn(&t, &st, error_r);
	if (found <= 0)
		return found < 0 ? st : DB_OK;
	/* a round that is not the request's current one, or a request that
	 * moved on (cancelled, confirmed by hand) needs nothing more */
	if (t.round != round || strcmp(t.provisioning_mode, "queued") != 0 ||
	    (strcmp(t.state, "provisioning") != 0 && strcmp(t.state, "disabling") != 0 &&
	     strcmp(t.state, "rolling_back") != 0))
		return DB_OK;
	const struct wf_transition *tr = wf_transition_find(t.type, t.state, "confirm");
	if (tr == NULL)
		return DB_OK;
	char note[128];
	snprintf(note, sizeof(note), "provisioned by plugins: %d operation(s) done", total);
	if ((st = transition(&t, tr, note, error_r)) != DB_OK)
		return st;
	return run_auto_steps(&t, error_r);
}

/* Applies what an action carries besides the state: corrected data for
 * resubmit, a new time for reschedule. */
static int apply_action_data(const struct conf *c, struct txn *t, const char *action, json_t *body,
			     struct outcome *o, char **err, enum db_status *st)
{
	char rid[32], pid[32];
	snprintf(rid, sizeof(rid), "%lld", t->request_id);
	snprintf(pid, sizeof(pid), "%lld", t->person_id);
	*st = DB_OK;
	if (strcmp(action, "resubmit") == 0) {
		json_t *data = json_object_get(body, "data");
		struct person_in in;
		if (!json_is_object(data)) {
			fail(o, 400, "missing_field", "data", "resubmit needs 'data': the corrected request, as an object");
			return -1;
		}
		int single = 0;
		if (parse_payload(c, t->type, data, &in, o) < 0 ||
		    check_against_catalogue(c, t->type, data, &in, &single, o) < 0 ||
		    (single && check_single_holder(t->person_id, in.position, o) < 0)) {
			if (o->field[0] == '\0')
				return -1;
			char f[64];
			snprintf(f, sizeof(f), "data.%.58s", o->field);
			memcpy(o->field, f, sizeof(f));
			return -1;
		}
		if (strcmp(in.employee_number, t->employee_number) != 0) {
			fail(o, 400, "invalid_field", "data.employee_number",
			     "a resubmission is about the same person (%s); file a new request for %s",
			     t->employee_number, in.employee_number);
			return -1;
		}
		if (t->type == WF_ACCESS &&
		    (check_access_filer(c, t->who, t->person_id, t->employee_number, o) < 0 ||
		     check_access_rules(c, t->person_id, t->employee_number, data, o) < 0))
			return -1;
		json_t *stored = json_copy(data);	/* shallow: in.* still point into data */
		json_object_del(stored, "private_email");	/* kept on the person only */
		char *pl = json_dumps(stored, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(stored);
		char eff[32];
		if (t->type == WF_EXIT) {
			format_timestamp(in.effective_t, eff);
			t->effective_t = in.effective_t;
			t->has_effective = 1;
		}
		const char *params[3] = { rid, pl, t->type == WF_EXIT ? eff : NULL };
		*st = db_exec("request.resubmit",
			      "UPDATE requests SET payload = $2::jsonb, effective_at = COALESCE($3::timestamptz, effective_at) "
			      "WHERE id = $1::bigint", 3, params, err);
		free(pl);
		if (*st != DB_OK)
			return -1;
		if (t->type == WF_HIRE) {
			const char *pp[10] = { pid, in.national_id, in.given_names, in.family_names, in.unit,
					       in.position, in.contract_type, in.start_date, in.end_date, in.private_email };
			*st = person_update(t, "person.correct",
				"UPDATE people SET national_id = $2, given_names = $3, family_names = $4, unit = $5, "
				"position = $6, contract_type = $7, start_date = $8::date, end_date = $9::date, "
				"private_mail = $10, updated_at = now() WHERE id = $1::bigint", 10, pp, err);
			if (*st != DB_OK)
				return -1;
		}
	} else if (strcmp(action, "reschedule") == 0) {
		struct json_err je;
		const char *v = json_get_string(body, "effective_at", 1, 40, &je);
		time_t when;
		char eff[32];
		if (v == NULL) {
			fail_json(o, &je);
			return -1;
		}
		if (parse_timestamp(v, &when) < 0) {
			fail(o, 400, "invalid_field", "effective_at",
			     "effective_at must be an RFC 3339 time with an offset, not '%s'", v);
			return -1;
		}
		format_timestamp(when, eff);
		t->effective_t = when;
		t->has_effective = 1;
		const char *params[2] = { rid, eff };
		*st = db_exec("request.reschedule",
			      "UPDATE requests SET effective_at = $2::timestamptz, "
			      "payload = jsonb_set(payload, '{effective_at}', to_jsonb($2::text)) WHERE id = $1::bigint",
			      2, params, err);
		if (*st != DB_OK)
			return -1;
	}
	return 0;
}

void requests_act(const struct conf *c, const struct principal *who, long long id,
		  const char *action, json_t *body, const struct idem *idem, struct outcome *o)
{
	struct txn t;
	char *err = NULL, rid[32];
	enum db_status st;
	struct json_err je;
	static const char *const keys[] = { "note", "data", "effective_at", NULL };

	memset(o, 0, sizeof(*o));
	if (!wf_action_known(action)) {
		fail(o, 404, "not_found", "action", "unknown action '%s'", action);
		return;
	}
	if (json_check_keys(body, keys, &je) < 0) {
		fail_json(o, &je);
		return;
	}
	je.code = NULL;
	const char *note = json_get_string(body, "note", 0, 2000, &je);
	if (je.code != NULL) {
		fail_json(o, &je);
		return;
	}
	if (note != NULL && *note == '\0')
		note = NULL;

	memset(&t, 0, sizeof(t));
	t.conf = c;
	t.who = who;
	t.o = o;
	t.request_id = id;
	actor_id(who, t.actor);
	snprintf(rid, sizeof(rid), "%lld", id);

	if ((st = db_begin(&err)) != DB_OK) {
		fail_db(o, st, err);
		return;
	}
	if (idem_claim(idem, t.actor, o) != 0) {
		db_rollback();
		return;
	}
	int found = load_txn(&t, &st, &err);
	if (found < 0)
		goto dbfail;
	/* a request the caller may not see does not exist for them: the
	 * same 404, so action URLs cannot be used to probe request ids */
	if (found == 0 || !may_see_parts(who, t.person_uid, t.person_unit, t.submitted_by)) {
		fail(o, 404, "not_found", NULL, "no request %lld", id);
		goto fail;
	}

	const struct wf_transition *tr = wf_transition_find(t.type, t.state, action);
	if (tr == NULL) {
		struct buf allowed = BUF_INIT;
		wf_transitions_from(t.type, t.state, describe_allowed, &allowed);
		fail(o, 409, "conflict", "action", "%s request %lld is %s: '%s' is not possible now; possible: %s",
		     wf_type_name(t.type), id, t.state, action, allowed.len ? buf_str(&allowed) : "nothing (final state)");
		buf_free(&allowed);
		goto fail;
	}
	char why[256];
	if (!may_act(who, tr, t.person_uid[0] ? t.person_uid : NULL, t.submitted_by, t.submitted_owner, &t.role, why)) {
		fail(o, 403, "forbidden", "action", "%s", why);
		goto fail;
	}
	if (acts_as_head_of_unit(who, tr, t.role) &&
	    check_unit_head_of(c, who, t.person_id, t.employee_number,
			       t.type == WF_CALLCODE ? "may act on call codes" : "may act on access requests", o) < 0)
		goto fail;
	if ((tr->rules & WF_NOTE_REQUIRED) && note == NULL) {
		fail(o, 400, "missing_field", "note", "'%s' needs a note saying why%s", action,
		     strcmp(t.state, "concluding") == 0 ? " (the conclusion note HR will read)" : "");
		goto fail;
	}
	if ((tr->rules & WF_MANUAL_ONLY) && strcmp(t.provisioning_mode, "manual") != 0) {
		fail(o, 409, "conflict", "action",
		     "provisioning of request %lld is run by plugins and moves on by itself", id);
		goto fail;
	}
	if (strcmp(action, "confirm") == 0 && (strcmp(t.state, "provisioning") == 0 || strcmp(t.state, "disabling") == 0)) {
		struct buf names = BUF_INIT;
		int n = open_task_count(id, &names, &st, &err);
		if (n < 0) {
			buf_free(&names);
			goto dbfail;
		}
		if (n > 0) {
			fail(o, 409, "conflict", "action", "request %lld waits for %d manual task(s): %s", id, n, buf_str(&names));
			buf_free(&names);
			goto fail;
		}
		buf_free(&names);
	}
	if (apply_action_data(c, &t, action, body, o, &err, &st) < 0) {
		if (o->code != NULL)
			goto fail;
		goto dbfail;
	}
	if ((st = transition(&t, tr, note, &err)) != DB_OK)
		goto dbfail;
	if ((st = run_auto_steps(&t, &err)) != DB_OK)
		goto dbfail;
	o->body = request_json(id, who, &st, &err);
	if (o->body == NULL)
		goto dbfail;
	o->status = 200;
	if (idem_store(idem, t.actor, o) < 0)
		goto fail;
	if ((st = db_commit(&err)) != DB_OK)
		goto dbfail;
	log_info("request %lld: %s by %s (%s), now %s", id, action, t.actor, t.role, t.state);
	return;
dbfail:
	txn_fail(o, st, err);
	return;
fail:
	txn_fail(o, DB_ERROR, NULL);
}

/* ---- read ----------------------------------------------------------------- */

/* The request as the caller may see it, or NULL with o answered (404 when
 * it does not exist or is not theirs to see: existence is not confirmed). */
static json_t *visible_request(const struct principal *who, long long id, struct outcome *o)
{
	char *err = NULL;
	enum db_status st;
	json_t *req = request_json(id, who, &st, &err);
	if (req == NULL) {
		if (st != DB_OK)
			fail_db(o, st, err);
		else
			fail(o, 404, "not_found", NULL, "no request %lld", id);
		return NULL;
	}
	if (!may_see(who, req)) {
		json_decref(req);
		fail(o, 404, "not_found", NULL, "no request %lld", id);
		return NULL;
	}
	return req;
}

void requests_get(const struct principal *who, long long id, struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	json_t *j = visible_request(who, id, o);
	if (j == NULL)
		return;
	o->status = 200;
	o->body = j;
}

void requests_list(const struct principal *who, const char *const *f, struct outcome *o)
{
	char *err = NULL, limit_s[16], me[160];
	enum db_status st;
	long limit = 50;
	time_t tt;
	char after[32], before[32];

	memset(o, 0, sizeof(*o));
	if (f[LF_TYPE]) {
		enum wf_type t;
		if (wf_type_parse(f[LF_TYPE], &t) < 0) {
			fail(o, 400, "invalid_field", "type", "type must be hire, exit or transfer, not '%s'", f[LF_TYPE]);
			return;
		}
	}
	if (f[LF_LIMIT]) {
		char *end;
		limit = strtol(f[LF_LIMIT], &end, 10);
		if (*f[LF_LIMIT] == '\0' || *end != '\0' || limit < 1 || limit > 200) {
			fail(o, 400, "invalid_field", "limit", "limit must be a number from 1 to 200, not '%s'", f[LF_LIMIT]);
			return;
		}
	}
	const char *cursor = f[LF_CURSOR];
	if (cursor) {
		for (const char *p = cursor; *p; p++)
			if (!isdigit((unsigned char)*p) || p - cursor > 18) {
				fail(o, 400, "invalid_field", "cursor", "cursor '%s' is not one this API gave", cursor);
				return;
			}
		if (*cursor == '\0') {
			fail(o, 400, "invalid_field", "cursor", "cursor is empty");
			return;
		}
	}
	const char *ca = NULL, *cb = NULL;
	if (f[LF_AFTER]) {
		if (parse_timestamp(f[LF_AFTER], &tt) < 0) {
			fail(o, 400, "invalid_field", "created_after", "created_after must be an RFC 3339 time, not '%s'",
			     f[LF_AFTER]);
			return;
		}
		format_timestamp(tt, after);
		ca = after;
	}
	if (f[LF_BEFORE]) {
		time_t tb;
		if (parse_timestamp(f[LF_BEFORE], &tb) < 0) {
			fail(o, 400, "invalid_field", "created_before", "created_before must be an RFC 3339 time, not '%s'",
			     f[LF_BEFORE]);
			return;
		}
		if (ca && tb < tt) {
			fail(o, 400, "invalid_field", "created_before", "created_before is earlier than created_after");
			return;
		}
		format_timestamp(tb, before);
		cb = before;
	}
	snprintf(limit_s, sizeof(limit_s), "%ld", limit + 1);
	actor_id(who, me);
	const char *restrict_uid = sees_everything(who) ? NULL : (who->kind == PRINCIPAL_USER ? who->subject : "");
	/* a unit head also sees their unit's people's requests (may_see) */
	const char *unit = restrict_uid && (who->roles & ROLE_BIT(ROLE_UNIT_HEAD)) && who->unit[0] ? who->unit : NULL;
	const char *params[11] = { f[LF_TYPE], f[LF_STATE], f[LF_EMPLOYEE], f[LF_SUBMITTED_BY], ca, cb,
				   cursor, limit_s, restrict_uid, me, unit };
	PGresult *r = db_query("request.list",
		"SELECT r.id::text FROM requests r JOIN people p ON p.id = r.person_id "
		"WHERE ($1::text IS NULL OR r.type = $1) AND ($2::text IS NULL OR r.state = $2) "
		"AND ($3::text IS NULL OR p.employee_number = $3) AND ($4::text IS NULL OR r.submitted_by = $4) "
		"AND ($5::timestamptz IS NULL OR r.created_at >= $5) AND ($6::timestamptz IS NULL OR r.created_at < $6) "
		"AND ($7::bigint IS NULL OR r.id < $7::bigint) "
		"AND ($9::text IS NULL OR p.uid = $9 OR r.submitted_by = $10 "
		"     OR lower(p.unit) = lower(regexp_replace(btrim($11::text), ' +', ' ', 'g'))) "
		"ORDER BY r.id DESC LIMIT $8::int", 11, params, &st, &err);
	if (r == NULL) {
		fail_db(o, st, err);
		return;
	}
	json_t *items = json_array();
	int n = PQntuples(r);
	for (int i = 0; i < n && i < limit; i++) {
		json_t *j = request_json(atoll(PQgetvalue(r, i, 0)), who, &st, &err);
		if (j == NULL) {
			PQclear(r);
			json_decref(items);
			fail_db(o, st, err);
			return;
		}
		json_object_del(j, "steps");	/* the list stays light; GET one for its steps */
		json_array_append_new(items, j);
	}
	json_t *next = json_null();
	if (n > limit)
		next = json_string(PQgetvalue(r, (int)limit - 1, 0));
	PQclear(r);
	o->status = 200;
	o->body = json_pack("{s:o, s:o}", "items", items, "next_cursor", next);
}

void people_get(const struct principal *who, const char *employee_number, struct outcome *o)
{
	char *err = NULL;
	enum db_status st;
	memset(o, 0, sizeof(*o));
	const char *params[1] = { employee_number };
	char *sql = xasprintf("SELECT p.id::text, %s, " TS("p.created_at") " AS created_at, "
			      TS("p.updated_at") " AS updated_at FROM people p WHERE p.employee_number = $1",
			      PERSON_COLS);
	PGresult *r = db_query("person.by_number", sql, 1, params, &st, &err);
	free(sql);
	if (r == NULL) {
		fail_db(o, st, err);
		return;
	}
	if (PQntuples(r) != 1) {
		PQclear(r);
		fail(o, 404, "not_found", "employee_number", "no person with employee_number %s", employee_number);
		return;
	}
	json_t *p = row_object(r, 0, 1, PQnfields(r) - 1);
	char pid[32];
	snprintf(pid, sizeof(pid), "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	const char *uid = json_string_value(json_object_get(p, "uid"));
	if (!sees_everything(who) && !(who->kind == PRINCIPAL_USER && uid && strcmp(uid, who->subject) == 0)) {
		json_decref(p);
		fail(o, 404, "not_found", "employee_number", "no person with employee_number %s", employee_number);
		return;
	}
	const char *pp[1] = { pid };
	r = db_query("person.requests",
		     "SELECT id, type, state, " TS("created_at") " AS created_at FROM requests "
		     "WHERE person_id = $1::bigint ORDER BY id DESC", 1, pp, &st, &err);
	if (r == NULL) {
		json_decref(p);
		fail_db(o, st, err);
		return;
	}
	json_t *reqs = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(reqs, json_pack("{s:I, s:s, s:s, s:s}", "id",
			(json_int_t)atoll(PQgetvalue(r, i, 0)), "type", PQgetvalue(r, i, 1),
			"state", PQgetvalue(r, i, 2), "created_at", PQgetvalue(r, i, 3)));
	PQclear(r);
	json_object_set_new(p, "requests", reqs);
	json_t *granted = NULL;
	if ((st = grants_list(atoll(pid), &granted, &err)) != DB_OK) {
		json_decref(p);
		fail_db(o, st, err);
		return;
	}
	json_object_set_new(p, "access_grants", granted);
	o->status = 200;
	o->body = p;
}

/* ---- report ----------------------------------------------------------------- */

static const char *const report_states[] = { "report_review", "concluding", "concluded", "closed", NULL };

/* A value of the report in Markdown: escaped text, "-" for none. */
static void md_value(struct buf *b, json_t *v)
{
	const char *s = json_string_value(v);
	if (s != NULL && *s != '\0')
		md_text(b, s);
	else
		buf_putc(b, '-');
}

static void md_row(struct buf *b, json_t *row, const char *const *cols)
{
	buf_putc(b, '|');
	for (int c = 0; cols[c]; c++) {
		buf_putc(b, ' ');
		md_value(b, json_object_get(row, cols[c]));
		buf_puts(b, " |");
	}
	buf_putc(b, '\n');
}

/* The technical report (informe técnico), built from what was done: the
 * change-log entries of the request's operations on target systems, the
 * technicians' notes for manual work, and every step. */
void requests_report(const struct principal *who, long long id, int as_text, struct outcome *o, char **text_r)
{
	char *err = NULL, rid[32];
	enum db_status st;
	memset(o, 0, sizeof(*o));
	*text_r = NULL;
	json_t *req = visible_request(who, id, o);
	if (req == NULL)
		return;
	const char *state = json_string_value(json_object_get(req, "state"));
	int ready = 0;
	for (int i = 0; report_states[i]; i++)
		ready |= strcmp(state, report_states[i]) == 0;
	if (!ready) {
		fail(o, 409, "conflict", NULL, "request %lld is %s: its report exists once provisioning is done",
		     id, state);
		json_decref(req);
		return;
	}
	snprintf(rid, sizeof(rid), "%lld", id);
	const char *params[1] = { rid };
	PGresult *r = db_query("report.operations",
		"SELECT seq, " TS("at") " AS at, actor, actor_role, system, action, object, before::text, "
		"after::text, outcome, error FROM changelog WHERE request_id = $1::bigint AND system <> 'workflow' "
		"ORDER BY seq", 1, params, &st, &err);
	if (r == NULL) {
		json_decref(req);
		fail_db(o, st, err);
		return;
	}
	json_t *ops = json_array();
	for (int i = 0; i < PQntuples(r); i++) {
		json_t *op = row_object(r, i, 1, 6);
		json_object_set_new(op, "seq", json_integer(atoll(PQgetvalue(r, i, 0))));
		json_object_set_new(op, "before", PQgetisnull(r, i, 7) ? json_null() : json_loads(PQgetvalue(r, i, 7), 0, NULL));
		json_object_set_new(op, "after", PQgetisnull(r, i, 8) ? json_null() : json_loads(PQgetvalue(r, i, 8), 0, NULL));
		json_object_set_new(op, "outcome", json_string(PQgetvalue(r, i, 9)));
		json_object_set_new(op, "error", PQgetisnull(r, i, 10) ? json_null() : json_string(PQgetvalue(r, i, 10)));
		json_array_append_new(ops, op);
	}
	PQclear(r);

	json_t *steps = json_object_get(req, "steps"), *s, *manual = json_array(), *approved = json_null();
	size_t i;
	json_array_foreach(steps, i, s) {
		const char *from = json_string_value(json_object_get(s, "from_state"));
		const char *act = json_string_value(json_object_get(s, "action"));
		if (from && act && strcmp(act, "confirm") == 0 &&
		    (strcmp(from, "provisioning") == 0 || strcmp(from, "disabling") == 0))
			json_array_append(manual, s);
		if (from && act && strcmp(from, "report_review") == 0 && strcmp(act, "approve") == 0)
			approved = json_pack("{s:O, s:O, s:O}", "by", json_object_get(s, "actor"),
					     "role", json_object_get(s, "actor_role"), "at", json_object_get(s, "at"));
	}
	json_t *rep = json_pack("{s:I, s:O, s:O, s:O, s:o, s:o, s:O, s:o, s:O}",
		"request_id", (json_int_t)id, "type", json_object_get(req, "type"),
		"state", json_object_get(req, "state"), "person", json_object_get(req, "person"),
		"operations", ops, "manual_work", manual, "steps", steps, "approved", approved,
		"conclusion", json_object_get(req, "conclusion"));
	json_object_del(json_object_get(rep, "person"), "national_id");
	json_decref(req);

	if (!as_text) {
		o->status = 200;
		o->body = rep;
		return;
	}
	struct buf b = BUF_INIT;
	json_t *p = json_object_get(rep, "person");
	/* every value is escaped: a note or a name is text, never markup (the
	 * report is mailed and rendered, and a '|' would break its tables) */
#define MD(o_, k) md_value(&b, json_object_get(o_, k))
	buf_printf(&b, "# Technical report (informe técnico), request %lld\n\n- Type: ", id);
	MD(rep, "type");
	buf_puts(&b, "\n- State: ");
	MD(rep, "state");
	buf_puts(&b, "\n- Person: ");
	MD(p, "given_names");
	buf_putc(&b, ' ');
	MD(p, "family_names");
	buf_puts(&b, " (HR number ");
	MD(p, "employee_number");
	buf_puts(&b, "), unit ");
	MD(p, "unit");
	buf_puts(&b, ", position ");
	MD(p, "position");
	buf_puts(&b, "\n- Login: ");
	MD(p, "uid");
	buf_puts(&b, ", mail: ");
	MD(p, "mail");
	buf_puts(&b, ", status: ");
	MD(p, "status");
	buf_puts(&b, "\n\n## Operations on target systems\n\n");
	static const char *const op_cols[] = { "at", "system", "action", "object", "outcome", "actor", NULL };
	static const char *const step_cols[] = { "at", "action", "from_state", "to_state", "actor", "actor_role",
						 "note", NULL };
	if (json_array_size(json_object_get(rep, "operations")) == 0)
		buf_puts(&b, "None recorded by plugins (manual provisioning).\n\n");
	else {
		buf_puts(&b, "| time | system | action | object | outcome | actor |\n|---|---|---|---|---|---|\n");
		json_array_foreach(json_object_get(rep, "operations"), i, s)
			md_row(&b, s, op_cols);
		buf_puts(&b, "\n");
	}
	buf_puts(&b, "## Manual work\n\n");
	if (json_array_size(manual) == 0)
		buf_puts(&b, "None.\n\n");
	json_array_foreach(manual, i, s) {
		buf_puts(&b, "- ");
		MD(s, "at");
		buf_puts(&b, ", ");
		MD(s, "actor");
		buf_puts(&b, " (");
		MD(s, "actor_role");
		buf_puts(&b, "): ");
		MD(s, "note");
		buf_puts(&b, "\n");
	}
	buf_puts(&b, "\n## Steps\n\n| time | action | from | to | actor | role | note |\n|---|---|---|---|---|---|---|\n");
	json_array_foreach(steps, i, s)
		md_row(&b, s, step_cols);
	json_t *ap = json_object_get(rep, "approved");
	if (json_is_object(ap)) {
		buf_puts(&b, "\nApproved by ");
		MD(ap, "by");
		buf_puts(&b, " (");
		MD(ap, "role");
		buf_puts(&b, ") at ");
		MD(ap, "at");
		buf_puts(&b, ".\n");
	} else
		buf_puts(&b, "\nNot approved yet.\n");
	if (json_string_value(json_object_get(rep, "conclusion"))) {
		buf_puts(&b, "\n## Conclusion\n\n");
		MD(rep, "conclusion");
		buf_puts(&b, "\n");
	}
#undef MD
	json_decref(rep);
	o->status = 200;
	*text_r = buf_steal(&b);
}

/* ---- dry run ----------------------------------------------------------------- */

void requests_plan(const struct principal *who, long long id, struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	json_t *req = visible_request(who, id, o);
	if (req == NULL)
		return;
	const char *type = json_string_value(json_object_get(req, "type"));
	int cc = strcmp(type, "call_code") == 0;
	const char *intent = strcmp(type, "exit") == 0 ? "disable" : strcmp(type, "transfer") == 0 ? "update"
			     : cc ? "call_code" : "create";
	json_t *person = json_deep_copy(json_object_get(req, "person")), *params = NULL;
	if (cc) {
		/* what the PBX would be asked (the request's payload), only it */
		json_t *pl = json_object_get(req, "payload");
		const char *action = json_string_value(json_object_get(pl, "action"));
		params = json_pack("{s:{s:s}}", "call_code", "action", action ? action : "issue");
		if (json_object_get(pl, "level") != NULL)
			json_object_set(json_object_get(params, "call_code"), "level", json_object_get(pl, "level"));
	}
	if (strcmp(type, "transfer") == 0) {
		json_t *pl = json_object_get(req, "payload");
		json_object_set(person, "unit", json_object_get(pl, "unit"));
		json_object_set(person, "position", json_object_get(pl, "position"));
	}
	json_t *steps = json_array();
	for (int i = 0; i < plugins_count(); i++) {
		if (!plugins_takes(i, intent))
			continue;	/* not queued for it either */
		struct pvd_op op = { 0, id, intent, person, params, 1, 1 };
		struct pvd_result res;
		plugins_run(i, &op, &res);
		json_array_append_new(steps, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o}",
			"instance", plugins_get(i)->name, "intent", intent, "status", pvd_status_name(res.status),
			"message", res.message, "object", res.object,
			"before", res.before ? res.before : json_null(), "after", res.after ? res.after : json_null()));
	}
	o->status = 200;
	o->body = json_pack("{s:I, s:s, s:s, s:O, s:o, s:b}", "request_id", (json_int_t)id, "type", type,
			    "intent", intent, "state", json_object_get(req, "state"), "plan", steps,
			    "manual", !plugins_any_takes(intent));
	json_decref(person);
	json_decref(params);
	json_decref(req);
}

/* ---- set-password flow -------------------------------------------------------- */

/* A one-time token lets the person set their own password; nobody else
 * ever chooses or sees a password. Whoever issues a token must not be able
 * to use it unseen (password_token_delivery):
 *   letter  the token is answered once, to be printed and handed over in
 *           a sealed letter; the issue and the use are mailed to the
 *           person's institutional address and to the head of TIM
 *   mail    the token goes to the private address HR gave at the hire,
 *           which TIM does not read; the answer never holds it
 * One token per person is outstanding at a time (revoke it to issue
 * another); issue, revocation and use are in the change log, never the
 * token itself. */

/* The security notice: to the person (institutional mail, when the account
 * has one) and to the head of TIM (notify_tim_head, or the members of the
 * tim_head role group). In the caller's transaction. */
static enum db_status notify_security(const struct conf *c, const char *person_mail, const char *subject,
				      char **err, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static enum db_status notify_security(const struct conf *c, const char *person_mail, const char *subject,
				      char **err, const char *fmt, ...)
{
	json_t *rcpts = NULL;
	struct buf body = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&body, fmt, ap);
	va_end(ap);
	if (c->notify_tim_head[0] != '\0') {
		rcpts = json_pack("[s]", c->notify_tim_head);
	} else {
		char *derr = NULL;
		if (dir_group_mails(c, c->role_group[ROLE_TIM_HEAD], &rcpts, &derr) < 0)
			log_warn("security notice '%s': the head of TIM's address could not be read: %s", subject,
				 derr ? derr : "?");
		free(derr);
	}
	if (person_mail != NULL && outbox_address_ok(person_mail))
		json_array_insert_new(rcpts, 0, json_string(person_mail));
	size_t i;
	json_t *v;
	enum db_status st = DB_OK;
	json_array_foreach(rcpts, i, v) {
		const char *to = json_string_value(v);
		if (to == NULL || !outbox_address_ok(to))
			continue;
		if ((st = outbox_add("security", to, subject, buf_str(&body), 0, 0, err)) != DB_OK)
			break;
	}
	json_decref(rcpts);
	buf_free(&body);
	return st;
}

/* "ana.perez@gmail.com" -> "a***@gmail.com": enough to know where it went. */
static void mask_address(const char *addr, char out[128])
{
	const char *at = strchr(addr, '@');
	if (at == NULL || at == addr)
		snprintf(out, 128, "***");
	else
		snprintf(out, 128, "%c***%.100s", addr[0], at);
}

static void password_token_failed(struct outcome *o, enum db_status st, char *err, char token[64])
{
	explicit_bzero(token, 64);
	txn_fail(o, st, err);
}

void people_password_token(const struct conf *c, const struct principal *who, const char *employee_number,
			   struct outcome *o)
{
	char *err = NULL, me[160], hours[16], hash[65], token[64] = "";
	unsigned char raw[32];
	enum db_status st;
	PGresult *r;
	int by_mail = strcmp(c->password_token_delivery, "mail") == 0;
	memset(o, 0, sizeof(*o));
	actor_id(who, me);
	const char *role = acting_role(who, ROLE_BIT(ROLE_TIM_TECH) | ROLE_BIT(ROLE_TIM_HEAD));
	if ((st = db_begin(&err)) != DB_OK) {
		fail_db(o, st, err);
		return;
	}
	const char *p1[1] = { employee_number };
	r = db_query("person.for_token", "SELECT id::text, uid, status, mail, private_mail FROM people "
		     "WHERE employee_number = $1 FOR UPDATE", 1, p1, &st, &err);
	if (r == NULL)
		goto dbfail;
	if (PQntuples(r) != 1) {
		PQclear(r);
		fail(o, 404, "not_found", "employee_number", "no person with employee_number %s", employee_number);
		goto fail;
	}
	char pid[32], uid[80], mail[256], priv[256];
	snprintf(pid, sizeof(pid), "%s", PQgetvalue(r, 0, 0));
	snprintf(uid, sizeof(uid), "%s", PQgetvalue(r, 0, 1));
	snprintf(mail, sizeof(mail), "%s", PQgetvalue(r, 0, 3));
	snprintf(priv, sizeof(priv), "%s", PQgetvalue(r, 0, 4));
	int active = strcmp(PQgetvalue(r, 0, 2), "active") == 0;
	PQclear(r);
	if (!active) {
		fail(o, 409, "conflict", "employee_number", "%s is not active: no password can be set", employee_number);
		goto fail;
	}
	if (by_mail && !outbox_address_ok(priv)) {
		fail(o, 409, "conflict", "employee_number", "%s has no private mail address (private_email in the hire "
		     "data) to send the token to; HR corrects the hire data, or the institution uses "
		     "password_token_delivery = letter", employee_number);
		goto fail;
	}
	/* an expired token no longer counts as outstanding */
	const char *pp[1] = { pid };
	if ((st = db_exec("password.token_expire", "UPDATE password_tokens SET revoked_at = now(), "
			  "revoked_by = 'system (expired)' WHERE person_id = $1::bigint AND used_at IS NULL "
			  "AND revoked_at IS NULL AND expires_at <= now()", 1, pp, &err)) != DB_OK)
		goto dbfail;
	r = db_query("password.token_outstanding", "SELECT created_by, " TS("created_at") ", " TS("expires_at")
		     " FROM password_tokens WHERE person_id = $1::bigint AND used_at IS NULL AND revoked_at IS NULL",
		     1, pp, &st, &err);
	if (r == NULL)
		goto dbfail;
	if (PQntuples(r) > 0) {
		fail(o, 409, "conflict", "employee_number", "a set-password token for %s issued by %s at %s is "
		     "outstanding until %s: revoke it first (DELETE /v1/people/%s/password-token)", uid,
		     PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2), employee_number);
		PQclear(r);
		goto fail;
	}
	PQclear(r);
	if (crypto_random(raw, sizeof(raw)) < 0) {
		fail(o, 500, "internal", NULL, "getrandom() failed");
		goto fail;
	}
	memcpy(token, "pwt_", 4);
	crypto_base64url(raw, sizeof(raw), token + 4);
	explicit_bzero(raw, sizeof(raw));
	crypto_sha256_hex(token, strlen(token), hash);
	snprintf(hours, sizeof(hours), "%d", c->password_token_hours);
	const char *p2[5] = { pid, hash, me, hours, c->password_token_delivery };
	r = db_query("password.token",
		     "INSERT INTO password_tokens (person_id, token_hash, created_by, expires_at, delivery) "
		     "VALUES ($1::bigint, $2, $3, now() + make_interval(hours => $4::int), $5) RETURNING " TS("expires_at"),
		     5, p2, &st, &err);
	if (r == NULL)
		goto dbfail;
	char expires[32], masked[128] = "";
	snprintf(expires, sizeof(expires), "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	json_t *after = json_pack("{s:s, s:s}", "expires_at", expires, "delivery", c->password_token_delivery);
	if (by_mail) {
		mask_address(priv, masked);
		json_object_set_new(after, "sent_to", json_string(masked));
	}
	struct cl_entry e = { me, role ? role : "tim_tech", 0,
			      employee_number, "workflow", "password.token", uid, NULL, after, "ok", NULL };
	st = changelog_append(&e, &err);
	json_decref(after);
	if (st != DB_OK)
		goto dbfail;
	if (by_mail) {
		char *body = xasprintf("A set-password token for your account %s was issued by %s.\n\n"
				       "Token: %s\n\nSet your password with it (POST /v1/password) before %s.\n"
				       "If you did not expect it, tell the head of TIM.\n", uid, me, token, expires);
		st = outbox_add("password_token", priv, "Your set-password token", body, 1, 0, &err);
		explicit_bzero(body, strlen(body));
		free(body);
		if (st != DB_OK)
			goto dbfail;
	}
	char subject[160];
	text_format(subject, sizeof(subject), "Set-password token issued for %s", uid);
	if ((st = notify_security(c, mail, subject, &err, "A one-time set-password token for %s (%s) was issued by "
				  "%s; it is valid until %s (delivery: %s%s%s).\nIf this was not expected, revoke it: "
				  "DELETE /v1/people/%s/password-token\n", uid, employee_number, me, expires,
				  c->password_token_delivery, by_mail ? " to " : "", masked, employee_number)) != DB_OK)
		goto dbfail;
	if ((st = db_commit(&err)) != DB_OK)
		goto dbfail;
	o->status = 201;
	if (by_mail)
		o->body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "employee_number", employee_number, "uid", uid,
				    "delivery", "mail", "sent_to", masked, "expires_at", expires);
	else
		o->body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "employee_number", employee_number, "uid", uid,
				    "delivery", "letter", "token", token, "expires_at", expires);
	explicit_bzero(token, sizeof(token));
	log_info("set-password token for %s issued by %s (%s)", uid, me, c->password_token_delivery);
	return;
dbfail:
	password_token_failed(o, st, err, token);
	return;
fail:
	password_token_failed(o, DB_ERROR, NULL, token);
}

void people_password_token_revoke(const struct principal *who, const char *employee_number, struct outcome *o)
{
	char *err = NULL, me[160];
	enum db_status st;
	memset(o, 0, sizeof(*o));
	actor_id(who, me);
	const char *role = acting_role(who, ROLE_BIT(ROLE_TIM_TECH) | ROLE_BIT(ROLE_TIM_HEAD));
	if ((st = db_begin(&err)) != DB_OK) {
		fail_db(o, st, err);
		return;
	}
	const char *p[2] = { employee_number, me };
	PGresult *r = db_query("password.token_revoke",
		"UPDATE password_tokens t SET revoked_at = now(), revoked_by = $2 FROM people p "
		"WHERE p.id = t.person_id AND p.employee_number = $1 AND t.used_at IS NULL AND t.revoked_at IS NULL "
		"RETURNING p.uid, t.created_by", 2, p, &st, &err);
	if (r == NULL)
		goto dbfail;
	if (PQntuples(r) == 0) {
		PQclear(r);
		fail(o, 404, "not_found", "employee_number", "%s has no outstanding set-password token", employee_number);
		goto fail;
	}
	char uid[80];
	snprintf(uid, sizeof(uid), "%s", PQgetvalue(r, 0, 0));
	json_t *after = json_pack("{s:s, s:b}", "issued_by", PQgetvalue(r, 0, 1), "revoked", 1);
	PQclear(r);
	struct cl_entry e = { me, role ? role : "tim_tech", 0, employee_number, "workflow", "password.token_revoke",
			      uid, NULL, after, "ok", NULL };
	st = changelog_append(&e, &err);
	json_decref(after);
	if (st != DB_OK || (st = db_commit(&err)) != DB_OK)
		goto dbfail;
	log_info("set-password token for %s revoked by %s", uid, me);
	o->status = 200;
	o->body = json_pack("{s:s, s:s, s:s}", "employee_number", employee_number, "uid", uid, "state", "revoked");
	return;
dbfail:
	txn_fail(o, st, err);
	return;
fail:
	txn_fail(o, DB_ERROR, NULL);
}

void people_set_password(const struct conf *c, json_t *body, struct outcome *o)
{
	static const char *const keys[] = { "token", "new_password", NULL };
	struct json_err je;
	const char *token, *pw;
	char *err = NULL, hash[65];
	enum db_status st;
	memset(o, 0, sizeof(*o));
	if (json_check_keys(body, keys, &je) < 0 || !(token = json_get_string(body, "token", 1, 100, &je)) ||
	    !(pw = json_get_string(body, "new_password", 1, 256, &je))) {
		fail_json(o, &je);
		return;
	}
	if (utf8_length(pw) < c->password_min_length) {
		fail(o, 400, "invalid_field", "new_password", "the password must have at least %d characters",
		     c->password_min_length);
		return;
	}
	crypto_sha256_hex(token, strlen(token), hash);
	if ((st = db_begin(&err)) != DB_OK) {
		fail_db(o, st, err);
		return;
	}
	const char *p1[1] = { hash };
	PGresult *r = db_query("password.token_use",
			       "SELECT t.id::text, p.uid, p.employee_number, t.created_by, t.delivery, p.mail "
			       "FROM password_tokens t JOIN people p ON p.id = t.person_id "
			       "WHERE t.token_hash = $1 AND t.used_at IS NULL AND t.revoked_at IS NULL AND t.expires_at > now() "
			       "AND p.status = 'active' FOR UPDATE OF t", 1, p1, &st, &err);
	if (r == NULL)
		goto dbfail;
	if (PQntuples(r) != 1) {
		PQclear(r);
		db_rollback();
		fail(o, 403, "forbidden", "token", "the token is unknown, used, revoked or expired");
		return;
	}
	char tid[32], uid[80], emp[64], issuer[160], delivery[16], mail[256];
	snprintf(tid, sizeof(tid), "%s", PQgetvalue(r, 0, 0));
	snprintf(uid, sizeof(uid), "%s", PQgetvalue(r, 0, 1));
	snprintf(emp, sizeof(emp), "%s", PQgetvalue(r, 0, 2));
	snprintf(issuer, sizeof(issuer), "%s", PQgetvalue(r, 0, 3));
	snprintf(delivery, sizeof(delivery), "%s", PQgetvalue(r, 0, 4));
	snprintf(mail, sizeof(mail), "%s", PQgetvalue(r, 0, 5));
	PQclear(r);
	char *dn = dir_child_dn(c->ldap_login_attr, uid, c->ldap_people_dn);
	int rc = dn ? dir_set_password(c, dn, pw, &err) : -1;
	if (rc < 0) {
		db_rollback();
		if (rc == -2)
			fail(o, 503, "unavailable", NULL, "the directory is unavailable: %s", err ? err : "");
		else
			fail(o, 409, "conflict", NULL, "cannot set the password of %s: %s (has provisioning created the "
			     "account?)", uid, err ? err : "bad DN");
		free(err);
		free(dn);
		return;
	}
	const char *p2[1] = { tid };
	if ((st = db_exec("password.token_used", "UPDATE password_tokens SET used_at = now() WHERE id = $1::bigint",
			  1, p2, &err)) != DB_OK)
		goto dbfail_dn;
	json_t *after = json_pack("{s:s, s:s}", "token_issued_by", issuer, "delivery", delivery);
	struct cl_entry e = { uid, "employee", 0, emp, "directory", "password.set", dn, NULL, after, "ok", NULL };
	st = changelog_append(&e, &err);
	json_decref(after);
	if (st != DB_OK)
		goto dbfail_dn;
	char subject[160];
	text_format(subject, sizeof(subject), "Password set for %s", uid);
	st = notify_security(c, mail, subject, &err, "The password of %s (%s) was set with the one-time token "
			     "issued by %s (delivery: %s).\nIf it was not the owner of the account, tell the head of "
			     "TIM at once.\n", uid, emp, issuer, delivery);
	if (st != DB_OK || (st = db_commit(&err)) != DB_OK)
		goto dbfail_dn;
	free(dn);
	log_info("password set for %s with a one-time token issued by %s", uid, issuer);
	o->status = 200;
	o->body = json_pack("{s:s, s:s}", "uid", uid, "status", "password set");
	return;
dbfail_dn:
	free(dn);
dbfail:
	txn_fail(o, st, err);
}

/* ---- reconciliation ------------------------------------------------------------ */

/* What provisiond believes a person's accounts should be: enabled with the
 * birthright groups (intent update) when active, disabled when disabled.
 * Each plugin instance is asked, as a dry run, what it would change to get
 * there: NOOP means the target agrees; anything it would change is drift
 * (an account re-enabled by hand after an exit, a membership added outside
 * the workflow), reported with before and after. */
static const char *wanted_intent(const char *status)
{
	return strcmp(status, "active") == 0 ? "update" : strcmp(status, "disabled") == 0 ? "disable" : NULL;
}

static int in_sync(const char *intent, enum pvd_status st)
{
	return st == PVD_NOOP || (st == PVD_NOTFOUND && strcmp(intent, "disable") == 0);
}

static json_t *run_reconcile(json_t *person, int repair, const struct principal *who, int *drift_r,
			     struct outcome *o)
{
	const char *status = json_string_value(json_object_get(person, "status"));
	const char *intent = wanted_intent(status ? status : "");
	const char *emp = json_string_value(json_object_get(person, "employee_number"));
	json_t *out = json_array();
	*drift_r = 0;
	if (intent == NULL)
		return out;
	for (int i = 0; i < plugins_count(); i++) {
		if (!plugins_takes(i, intent))
			continue;	/* the grace setting: what it gave is meant to stay */
		struct pvd_op op = { 0, 0, intent, person, NULL, 1, 1 };
		struct pvd_result res;
		plugins_run(i, &op, &res);
		if (in_sync(intent, res.status)) {
			json_decref(res.before);
			json_decref(res.after);
			continue;
		}
		const char *what = res.status == PVD_RETRY ? "unchecked" : "drift";
		if (res.status != PVD_RETRY)
			(*drift_r)++;
		json_t *item = json_pack("{s:s, s:O, s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "kind", what,
			"employee_number", json_object_get(person, "employee_number"), "instance", plugins_get(i)->name,
			"intent", intent, "status", pvd_status_name(res.status), "message", res.message,
			"object", res.object, "before", res.before ? res.before : json_null(),
			"after", res.after ? res.after : json_null());
		if (repair && res.status == PVD_OK) {
			struct pvd_op fix = { 0, 0, intent, person, NULL, 1, 0 };
			struct pvd_result done;
			char me[160], action[48], *err = NULL;
			plugins_run(i, &fix, &done);
			actor_id(who, me);
			snprintf(action, sizeof(action), "reconcile.%s", intent);
			int good = done.status == PVD_OK || done.status == PVD_NOOP;
			const char *role = acting_role(who, ROLE_BIT(ROLE_TIM_TECH));
			struct cl_entry e = { me, role ? role : "tim_tech", 0, emp, plugins_get(i)->name, action,
					      done.object[0] ? done.object : NULL, done.before, done.after,
					      good ? pvd_status_name(done.status) : "failed", good ? NULL : done.message };
			if (changelog_append(&e, &err) != DB_OK) {
				log_error("reconcile of %s on %s done but not logged: %s", emp, plugins_get(i)->name,
					  err ? err : "?");
				free(err);
			}
			json_object_set_new(item, "repair", json_pack("{s:s, s:s}", "status",
					    pvd_status_name(done.status), "message", done.message));
			json_decref(done.before);
			json_decref(done.after);
		}
		json_array_append_new(out, item);
	}
	(void)o;
	return out;
}

/* The provisioned people (one, or all when employee_number is NULL). */
static PGresult *provisioned_people(const char *employee_number, struct outcome *o)
{
	char *err = NULL;
	enum db_status st;
	const char *params[1] = { employee_number };
	char *sql = xasprintf("SELECT %s FROM people p WHERE p.uid IS NOT NULL AND p.status <> 'pending' "
			      "AND ($1::text IS NULL OR p.employee_number = $1) ORDER BY p.id", PERSON_COLS);
	PGresult *r = db_query("reconcile.people", sql, 1, params, &st, &err);
	free(sql);
	if (r == NULL) {
		fail_db(o, st, err);
		return NULL;
	}
	if (employee_number != NULL && PQntuples(r) == 0) {
		PQclear(r);
		fail(o, 404, "not_found", "employee_number", "no provisioned person with employee_number %s",
		     employee_number);
		return NULL;
	}
	return r;
}

void reconcile_report(const struct principal *who, const char *employee_number, struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	PGresult *r = provisioned_people(employee_number, o);
	if (r == NULL)
		return;
	json_t *items = json_array();
	int drift_total = 0, n = PQntuples(r);
	for (int i = 0; i < n; i++) {
		json_t *person = row_object(r, i, 0, PQnfields(r) - 1);
		int drift;
		json_t *found = run_reconcile(person, 0, who, &drift, o);
		drift_total += drift;
		json_array_extend(items, found);
		json_decref(found);
		json_decref(person);
	}
	PQclear(r);
	o->status = 200;
	o->body = json_pack("{s:i, s:i, s:i, s:o}", "people_checked", n, "instances", plugins_count(),
			    "drift", drift_total, "items", items);
}

void reconcile_repair(const struct principal *who, json_t *body, struct outcome *o)
{
	static const char *const keys[] = { "employee_number", NULL };
	struct json_err je;
	const char *emp;
	memset(o, 0, sizeof(*o));
	if (json_check_keys(body, keys, &je) < 0 || !(emp = json_get_string(body, "employee_number", 1, 32, &je))) {
		fail_json(o, &je);
		return;
	}
	PGresult *r = provisioned_people(emp, o);
	if (r == NULL)
		return;
	json_t *person = row_object(r, 0, 0, PQnfields(r) - 1);
	PQclear(r);
	int drift;
	json_t *items = run_reconcile(person, 1, who, &drift, o);
	json_decref(person);
	char me[160];
	actor_id(who, me);
	log_info("reconcile repair of %s by %s: %d drift(s)", emp, me, drift);
	o->status = 200;
	o->body = json_pack("{s:s, s:i, s:o}", "employee_number", emp, "drift", drift, "items", items);
}

/* ---- the scheduler's step ------------------------------------------------------- */

/* Inside the caller's transaction: starts scheduled exit id if it is still
 * scheduled and due (a reschedule or cancel that committed first wins).
 * *started_r = 1 when it was started. */
enum db_status requests_start_scheduled(const struct conf *c, long long id, int *started_r, char **error_r)
{
	struct txn t;
	enum db_status st;
	*started_r = 0;
	memset(&t, 0, sizeof(t));
	t.conf = c;
	t.request_id = id;
	snprintf(t.actor, sizeof(t.actor), "system");
	t.role = "system";
	int found = load_txn(&t, &st, error_r);
	if (found <= 0)
		return found < 0 ? st : DB_OK;
	time_t now = time(NULL);
	if (t.type != WF_EXIT || strcmp(t.state, "scheduled") != 0 || !t.has_effective || t.effective_t > now)
		return DB_OK;
	const struct wf_transition *tr = wf_transition_find(WF_EXIT, "scheduled", "start");
	char note[160], due[32];
	format_timestamp(t.effective_t, due);
	long late = (long)(now - t.effective_t);
	if (late <= 1)
		snprintf(note, sizeof(note), "started by the scheduler at its effective time %s", due);
	else
		snprintf(note, sizeof(note), "started by the scheduler %ld s after its effective time %s "
			 "(the service was not running then)", late, due);
	if ((st = transition(&t, tr, note, error_r)) != DB_OK)
		return st;
	*started_r = 1;
	return run_auto_steps(&t, error_r);
}

/* ---- contracts ------------------------------------------------------------------- */

/* Inside the caller's transaction: opens an automatic exit, as "system",
 * for one active consultant whose contract end date has passed with no
 * extension and no open request, and takes it straight to disabling (the
 * same steps and report as any exit). *created_r = 1 when one was made. */
enum db_status requests_contract_end_exit(const struct conf *c, int *created_r, char **error_r)
{
	enum db_status st;
	*created_r = 0;
	PGresult *r = db_query("contract.due",
		"SELECT p.id::text, p.employee_number, to_char(p.end_date, 'YYYY-MM-DD'), "
		"to_char((p.end_date + 1)::timestamp, 'YYYY-MM-DD\"T\"00:00:00\"Z\"') FROM people p "
		"WHERE p.status = 'active' AND p.contract_type = 'consultant' AND p.end_date < current_date "
		"AND NOT EXISTS (SELECT 1 FROM requests r WHERE r.person_id = p.id "
		"                AND r.state NOT IN ('closed', 'cancelled', 'rejected')) "
		"ORDER BY p.end_date, p.id LIMIT 1 FOR UPDATE OF p SKIP LOCKED", 0, NULL, &st, error_r);
	if (r == NULL)
		return st;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return DB_OK;
	}
	struct txn t;
	memset(&t, 0, sizeof(t));
	t.conf = c;
	t.type = WF_EXIT;
	t.person_id = atoll(PQgetvalue(r, 0, 0));
	snprintf(t.employee_number, sizeof(t.employee_number), "%s", PQgetvalue(r, 0, 1));
	char end[16], eff[32], reason[96];
	snprintf(end, sizeof(end), "%s", PQgetvalue(r, 0, 2));
	snprintf(eff, sizeof(eff), "%s", PQgetvalue(r, 0, 3));
	PQclear(r);
	snprintf(t.actor, sizeof(t.actor), "system");
	t.role = "system";
	snprintf(t.submitted_by, sizeof(t.submitted_by), "system");
	snprintf(reason, sizeof(reason), "consultant contract ended on %s without an extension", end);
	json_t *payload = json_pack("{s:s, s:s, s:s}", "employee_number", t.employee_number, "effective_at", eff,
				    "reason", reason);
	char *pl = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(payload);
	char pid[32];
	snprintf(pid, sizeof(pid), "%lld", t.person_id);
	const char *params[3] = { pid, pl, eff };
	r = db_query("contract.exit",
		     "INSERT INTO requests (type, state, person_id, payload, effective_at, submitted_by, submitted_role, "
		     "submitted_owner) VALUES ('exit', 'submitted', $1::bigint, $2::jsonb, $3::timestamptz, 'system', "
		     "'system', 'system') RETURNING id",
		     3, params, &st, error_r);
	free(pl);
	if (r == NULL)
		return st;
	t.request_id = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	parse_timestamp(eff, &t.effective_t);
	t.has_effective = 1;
	snprintf(t.state, sizeof(t.state), "submitted");
	if ((st = log_step(&t, "submit", NULL, "submitted", reason, error_r)) != DB_OK)
		return st;
	/* the contract is the approval: no one reviews the end of a contract */
	const struct wf_transition *tr = wf_transition_find(WF_EXIT, "submitted", "approve");
	if ((st = transition(&t, tr, "contract end: approved by the service", error_r)) != DB_OK)
		return st;
	if ((st = run_auto_steps(&t, error_r)) != DB_OK)
		return st;
	*created_r = 1;
	log_info("contract of %s ended on %s: exit request %lld opened by the service", t.employee_number, end,
		 t.request_id);
	return DB_OK;
}

void contracts_ending(const struct conf *c, const char *days_s, struct outcome *o)
{
	char *err = NULL, days[16];
	enum db_status st;
	memset(o, 0, sizeof(*o));
	long d = c->contract_warning_days;
	if (days_s != NULL) {
		char *end;
		d = strtol(days_s, &end, 10);
		if (*days_s == '\0' || *end != '\0' || d < 0 || d > 3650) {
			fail(o, 400, "invalid_field", "days", "days must be a number from 0 to 3650, not '%s'", days_s);
			return;
		}
	}
	snprintf(days, sizeof(days), "%ld", d);
	const char *params[1] = { days };
	PGresult *r = db_query("contract.ending",
		"SELECT employee_number, given_names, family_names, unit, position, to_char(end_date, 'YYYY-MM-DD'), "
		"(end_date - current_date)::text FROM people WHERE status = 'active' AND contract_type = 'consultant' "
		"AND end_date <= current_date + $1::int ORDER BY end_date, employee_number", 1, params, &st, &err);
	if (r == NULL) {
		fail_db(o, st, err);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i}",
			"employee_number", PQgetvalue(r, i, 0), "given_names", PQgetvalue(r, i, 1),
			"family_names", PQgetvalue(r, i, 2), "unit", PQgetvalue(r, i, 3), "position", PQgetvalue(r, i, 4),
			"end_date", PQgetvalue(r, i, 5), "days_left", atoi(PQgetvalue(r, i, 6))));
	PQclear(r);
	o->status = 200;
	o->body = json_pack("{s:i, s:o}", "days", (int)d, "items", items);
}

/* HR extends a consultant's contract (a new end date), in time to stop
 * the automatic exit. */
void contracts_extend(const struct principal *who, const char *employee_number, json_t *body, struct outcome *o)
{
	static const char *const keys[] = { "end_date", NULL };
	struct json_err je;
	const char *end;
	long days;
	char *err = NULL;
	enum db_status st;
	struct txn t;
	memset(o, 0, sizeof(*o));
	if (json_check_keys(body, keys, &je) < 0 || !(end = json_get_string(body, "end_date", 1, 10, &je))) {
		fail_json(o, &je);
		return;
	}
	if (check_date(o, "end_date", end, &days) < 0)
		return;
	memset(&t, 0, sizeof(t));
	actor_id(who, t.actor);
	t.role = "hr";
	snprintf(t.employee_number, sizeof(t.employee_number), "%s", employee_number);
	if ((st = db_begin(&err)) != DB_OK) {
		fail_db(o, st, err);
		return;
	}
	const char *p1[2] = { employee_number, end };
	PGresult *r = db_query("contract.lock",
			       "SELECT id::text, contract_type, status, ($2::date >= start_date), "
			       "($2::date >= current_date) FROM people WHERE employee_number = $1 FOR UPDATE",
			       2, p1, &st, &err);
	if (r == NULL)
		goto dbfail;
	if (PQntuples(r) != 1) {
		PQclear(r);
		fail(o, 404, "not_found", "employee_number", "no person with employee_number %s", employee_number);
		goto fail;
	}
	t.person_id = atoll(PQgetvalue(r, 0, 0));
	int consultant = strcmp(PQgetvalue(r, 0, 1), "consultant") == 0;
	int disabled = strcmp(PQgetvalue(r, 0, 2), "disabled") == 0;
	int after_start = PQgetvalue(r, 0, 3)[0] == 't', future = PQgetvalue(r, 0, 4)[0] == 't';
	PQclear(r);
	if (!consultant || disabled) {
		fail(o, 409, "conflict", "employee_number", "%s is %s: only an active consultant's contract can be extended",
		     employee_number, disabled ? "disabled" : "staff");
		goto fail;
	}
	if (!after_start || !future) {
		fail(o, 400, "invalid_field", "end_date", "end_date %s must be today or later and not before the start date",
		     end);
		goto fail;
	}
	char pid[32];
	snprintf(pid, sizeof(pid), "%lld", t.person_id);
	const char *p2[2] = { pid, end };
	if ((st = person_update(&t, "person.extend", "UPDATE people SET end_date = $2::date, updated_at = now() "
				"WHERE id = $1::bigint", 2, p2, &err)) != DB_OK)
		goto dbfail;
	o->body = person_json_by_id(t.person_id, &err, &st);
	if (o->body == NULL)
		goto dbfail;
	if ((st = db_commit(&err)) != DB_OK)
		goto dbfail;
	o->status = 200;
	log_info("contract of %s extended to %s by %s", employee_number, end, t.actor);
	return;
dbfail:
	txn_fail(o, st, err);
	return;
fail:
	txn_fail(o, DB_ERROR, NULL);
}

/* ---- manual tasks ---------------------------------------------------------------- */

void tasks_list(const struct principal *who, const char *state, const char *role, struct outcome *o)
{
	char *err = NULL;
	enum db_status st;
	memset(o, 0, sizeof(*o));
	if (state && strcmp(state, "open") != 0 && strcmp(state, "done") != 0) {
		fail(o, 400, "invalid_field", "state", "state must be open or done, not '%s'", state);
		return;
	}
	enum role rr;
	if (role && role_parse(role, &rr) < 0) {
		fail(o, 400, "invalid_field", "role", "unknown role '%s'", role);
		return;
	}
	(void)who;
	const char *params[2] = { state ? state : "open", role };
	PGresult *r = db_query("task.list",
		"SELECT t.id, t.request_id, q.type, p.employee_number, t.name, t.title, t.role, t.checklist::text, t.state, "
		"t.done_by, t.note, " TS("t.created_at") " AS created_at FROM tasks t JOIN requests q ON q.id = t.request_id "
		"JOIN people p ON p.id = q.person_id WHERE t.state = $1 AND ($2::text IS NULL OR t.role = $2) "
		"ORDER BY t.id LIMIT 500", 2, params, &st, &err);
	if (r == NULL) {
		fail_db(o, st, err);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < PQntuples(r); i++) {
		json_t *tk = row_object(r, i, 2, PQnfields(r) - 1);
		json_object_set_new(tk, "id", json_integer(atoll(PQgetvalue(r, i, 0))));
		json_object_set_new(tk, "request_id", json_integer(atoll(PQgetvalue(r, i, 1))));
		json_object_set_new(tk, "checklist", json_loads(PQgetvalue(r, i, 7), 0, NULL));
		json_array_append_new(items, tk);
	}
	PQclear(r);
	o->status = 200;
	o->body = json_pack("{s:o}", "items", items);
}

/* Marks a task done: by someone holding its role, with a note; when it
 * was the last thing the step waited for, the request moves on. */
void tasks_done(const struct conf *c, const struct principal *who, long long id, json_t *body, struct outcome *o)
{
	static const char *const keys[] = { "note", NULL };
	struct json_err je;
	char *err = NULL, tid[32], me[160];
	enum db_status st;
	memset(o, 0, sizeof(*o));
	const char *note;
	if (json_check_keys(body, keys, &je) < 0 || !(note = json_get_string(body, "note", 1, 2000, &je))) {
		fail_json(o, &je);
		return;
	}
	snprintf(tid, sizeof(tid), "%lld", id);
	actor_id(who, me);
	if ((st = db_begin(&err)) != DB_OK) {
		fail_db(o, st, err);
		return;
	}
	const char *p1[1] = { tid };
	PGresult *r = db_query("task.lock",
		"SELECT t.request_id::text, t.round, t.name, t.role, t.state, p.employee_number, q.provisioning_mode "
		"FROM tasks t JOIN requests q ON q.id = t.request_id JOIN people p ON p.id = q.person_id "
		"WHERE t.id = $1::bigint FOR UPDATE OF q, t", 1, p1, &st, &err);
	if (r == NULL)
		goto dbfail;
	if (PQntuples(r) != 1) {
		PQclear(r);
		fail(o, 404, "not_found", "id", "no task %lld", id);
		goto fail;
	}
	long long rid = atoll(PQgetvalue(r, 0, 0));
	int round = atoi(PQgetvalue(r, 0, 1));
	char name[80], role[32], emp[64], mode[16];
	snprintf(name, sizeof(name), "%s", PQgetvalue(r, 0, 2));
	snprintf(role, sizeof(role), "%s", PQgetvalue(r, 0, 3));
	snprintf(emp, sizeof(emp), "%s", PQgetvalue(r, 0, 5));
	snprintf(mode, sizeof(mode), "%s", PQgetvalue(r, 0, 6));
	int open = strcmp(PQgetvalue(r, 0, 4), "open") == 0;
	PQclear(r);
	enum role need;
	if (role_parse(role, &need) < 0 || !(who->roles & ROLE_BIT(need))) {
		fail(o, 403, "forbidden", NULL, "task %lld (%s) is done by the role %s", id, name, role);
		goto fail;
	}
	if (!open) {
		fail(o, 409, "conflict", NULL, "task %lld (%s) is already done", id, name);
		goto fail;
	}
	const char *p2[4] = { tid, me, role, note };
	if ((st = db_exec("task.done", "UPDATE tasks SET state = 'done', done_by = $2, done_role = $3, done_at = now(), "
			  "note = $4 WHERE id = $1::bigint", 4, p2, &err)) != DB_OK)
		goto dbfail;
	char obj[120];
	snprintf(obj, sizeof(obj), "task/%s", name);
	json_t *after = json_pack("{s:s, s:s}", "state", "done", "note", note);
	struct cl_entry e = { me, role, rid, emp, "workflow", "task.done", obj, NULL, after, "ok", NULL };
	st = changelog_append(&e, &err);
	json_decref(after);
	if (st != DB_OK)
		goto dbfail;
	/* with plugins the step ends when the last piece of work does */
	if (strcmp(mode, "queued") == 0 && (st = requests_round_done(c, rid, round, &err)) != DB_OK)
		goto dbfail;
	if ((st = db_commit(&err)) != DB_OK)
		goto dbfail;
	log_info("task %lld (%s) of request %lld done by %s", id, name, rid, me);
	o->status = 200;
	o->body = json_pack("{s:I, s:s, s:I, s:s}", "id", (json_int_t)id, "name", name, "request_id", (json_int_t)rid,
			    "state", "done");
	return;
dbfail:
	txn_fail(o, st, err);
	return;
fail:
	txn_fail(o, DB_ERROR, NULL);
}
