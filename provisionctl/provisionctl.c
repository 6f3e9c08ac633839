/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	provisionctl - the administrator's command line, a client of the REST API
 * SYNOPSIS
 *	provisionctl [-u URL] [-T TOKEN_FILE | -U LOGIN] [--json | --table] COMMAND [ARGS] [--OPTION VALUE ...]
 *	provisionctl help [COMMAND [SUBCOMMAND]]	(or --help anywhere)
 *	provisionctl --version
 * DESCRIPTION
 *	Every command is one row of cmds[] below: the words that name it, the
 *	HTTP method and path template, its arguments and options (each with
 *	the check its value gets before anything is sent), and the columns of
 *	its table. Nothing here knows more of the API than those rows; the
 *	server checks everything again and its error is shown as it says it.
 *
 *	Credentials: a bearer token (the first line of -T FILE, or
 *	PROVISIONCTL_TOKEN; -t TOKEN works but warns, since an argument is
 *	visible to ps) or a directory login (-U, the password from
 *	PROVISIONCTL_PASSWORD or asked on the terminal). The token is only ever
 *	sent in the Authorization header, never printed. The URL is -u,
 *	PROVISIONCTL_URL, or http://127.0.0.1:8080.
 *
 *	Output: an aligned table when stdout is a terminal, JSON (indented, the
 *	server's answer) otherwise; --json and --table choose. JSON is the
 *	stable form for scripts; the table is for people and may change.
 *	csv and jsonl change-log exports are copied to stdout as they stream.
 * DIAGNOSTICS
 *	Exit 0 on success; 1 when the server refused (its status, error code
 *	and message on stderr); 2 for a usage error (with a hint); 3 when the
 *	server cannot be reached.
 */
#include "config.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "ctl.h"

/* ------------------------------------------------------------------ the table of commands */

/* What a value must look like before it is sent. */
enum check {
	C_TEXT,		/* anything non-empty, up to 2000 bytes */
	C_NUM,		/* an id or a count: digits only */
	C_CODE,		/* an HR number, a unit, a plugin instance: letters, digits, . _ - */
	C_TOKEN,	/* a token name: [a-z0-9][a-z0-9._-]{0,62} */
	C_WORD,		/* a workflow action: [a-z_]+ */
	C_ENUM,		/* one of values, separated by | */
	C_FILE,		/* a file name: non-empty, up to 4096 bytes */
	C_FLAG,		/* an option that takes no value: given or not */
};

/* Where a value goes: the URL path ({} in the template, in order), the
 * query string, the JSON body, or nowhere (read by the command's run hook). */
enum where { W_PATH, W_QUERY, W_BODY, W_LOCAL };

struct param {
	const char *name;	/* an option's name without "--", or a positional's META */
	const char *key;	/* the query parameter or body field */
	enum where where;
	enum check check;
	const char *values;	/* C_ENUM */
	int required;		/* an option that must be given */
};

struct col {
	const char *head;
	const char *path;	/* dotted: person.employee_number */
	int max;		/* cut longer cells in a table (0: never) */
};

struct section {
	const char *key;	/* an array in the answer, shown as a table under the fields */
	const struct col *cols;
};


struct cmd {
	const char *group, *sub;	/* sub "" for a command of one word */
	const char *method, *path;
	const struct param *args;	/* positionals, in order */
	const struct param *opts;
	const char *list;		/* the array shown as the table; NULL: the answer is one object */
	const struct col *cols;		/* the table's columns, or the object's fields */
	const struct section *sections;
	/* instead of one call: several calls or a filter on the client (NULL: one call) */
	int (*run)(struct ctl *k, const struct invocation *inv, json_t **answer_r);
	const char *help;
};

#define ROLES "hr|unit_head|tim_head|tim_lead|tim_tech|employee|auditor|admin|monitor"
#define END { NULL, NULL, 0, 0, NULL, 0 }

static const struct param a_id[] = { { "ID", NULL, W_PATH, C_NUM, NULL, 1 }, END };
static const struct param a_number[] = { { "EMPLOYEE_NUMBER", NULL, W_PATH, C_CODE, NULL, 1 }, END };
static const struct param a_act[] = { { "ID", NULL, W_PATH, C_NUM, NULL, 1 },
				      { "ACTION", NULL, W_PATH, C_WORD, NULL, 1 }, END };
static const struct param a_token_new[] = { { "NAME", "name", W_BODY, C_TOKEN, NULL, 1 },
					    { "ROLE", "role", W_BODY, C_ENUM, ROLES, 1 }, END };
static const struct param a_token[] = { { "NAME", NULL, W_PATH, C_TOKEN, NULL, 1 }, END };
static const struct param a_repair[] = { { "EMPLOYEE_NUMBER", "employee_number", W_BODY, C_CODE, NULL, 1 }, END };
static const struct param a_search[] = { { "TEXT", NULL, W_LOCAL, C_TEXT, NULL, 1 }, END };
static const struct param a_none[] = { END };
static const struct param a_import[] = { { "FILE", NULL, W_LOCAL, C_FILE, NULL, 1 }, END };

static const struct param o_none[] = { END };
static const struct param o_note[] = { { "note", "note", W_BODY, C_TEXT, NULL, 0 }, END };
static const struct param o_note_required[] = { { "note", "note", W_BODY, C_TEXT, NULL, 1 }, END };
static const struct param o_requests[] = {
	{ "type", "type", W_QUERY, C_ENUM, "hire|exit|transfer|access|call_code", 0 },
	{ "state", "state", W_QUERY, C_WORD, NULL, 0 },
	{ "employee", "employee_number", W_QUERY, C_CODE, NULL, 0 },
	{ "submitted-by", "submitted_by", W_QUERY, C_TEXT, NULL, 0 },
	{ "since", "created_after", W_QUERY, C_TEXT, NULL, 0 },
	{ "until", "created_before", W_QUERY, C_TEXT, NULL, 0 },
	{ "limit", "limit", W_QUERY, C_NUM, NULL, 0 },
	{ "cursor", "cursor", W_QUERY, C_TEXT, NULL, 0 }, END };
static const struct param o_queue[] = {
	{ "state", NULL, W_LOCAL, C_ENUM, "dead|retrying", 0 },
	{ "instance", NULL, W_LOCAL, C_CODE, NULL, 0 },
	{ "request", NULL, W_LOCAL, C_NUM, NULL, 0 }, END };
static const struct param o_tasks[] = {
	{ "state", "state", W_QUERY, C_ENUM, "open|done", 0 },
	{ "role", "role", W_QUERY, C_ENUM, ROLES, 0 }, END };
static const struct param o_reconcile[] = { { "employee", "employee_number", W_QUERY, C_CODE, NULL, 0 }, END };
static const struct param o_people[] = {
	{ "unit", "unit", W_QUERY, C_CODE, NULL, 0 },
	{ "limit", "limit", W_QUERY, C_NUM, NULL, 0 },
	{ "cursor", "cursor", W_QUERY, C_TEXT, NULL, 0 }, END };
static const struct param o_search[] = { { "unit", "unit", W_QUERY, C_CODE, NULL, 0 }, END };
static const struct param o_access[] = { { "at", "at", W_QUERY, C_TEXT, NULL, 0 }, END };
static const struct param o_outbox[] = {
	{ "state", "state", W_QUERY, C_ENUM, "pending|sent", 0 },
	{ "limit", "limit", W_QUERY, C_NUM, NULL, 0 }, END };
static const struct param o_changelog[] = {
	{ "employee", "employee_number", W_QUERY, C_CODE, NULL, 0 },
	{ "system", "system", W_QUERY, C_CODE, NULL, 0 },
	{ "action", "action", W_QUERY, C_TEXT, NULL, 0 },
	{ "actor", "actor", W_QUERY, C_TEXT, NULL, 0 },
	{ "request", "request_id", W_QUERY, C_NUM, NULL, 0 },
	{ "since", "since", W_QUERY, C_TEXT, NULL, 0 },
	{ "until", "until", W_QUERY, C_TEXT, NULL, 0 },
	{ "order", "order", W_QUERY, C_ENUM, "asc|desc", 0 },
	{ "limit", "limit", W_QUERY, C_NUM, NULL, 0 },
	{ "format", "format", W_QUERY, C_ENUM, "json|csv|jsonl", 0 },
	{ "cursor", "cursor", W_QUERY, C_TEXT, NULL, 0 }, END };
static const struct param o_import[] = {
	{ "dry-run", NULL, W_LOCAL, C_FLAG, NULL, 0 },
	{ "map", NULL, W_LOCAL, C_TEXT, NULL, 0 },
	{ "map-file", NULL, W_LOCAL, C_FILE, NULL, 0 },
	{ "separator", NULL, W_LOCAL, C_ENUM, "comma|semicolon", 0 },
	{ "results", NULL, W_LOCAL, C_FILE, NULL, 0 },
	{ "results-format", NULL, W_LOCAL, C_ENUM, "csv|jsonl", 0 },
	{ "chunk", NULL, W_LOCAL, C_NUM, NULL, 0 }, END };
static const struct param o_verify[] = { { "heads", "heads", W_QUERY, C_TEXT, NULL, 0 }, END };

#define COLS_END { NULL, NULL, 0 }
static const struct col c_request[] = {
	{ "ID", "id", 0 }, { "TYPE", "type", 0 }, { "STATE", "state", 0 },
	{ "EMPLOYEE", "person.employee_number", 0 }, { "LOGIN", "person.uid", 0 },
	{ "SUBMITTED_BY", "submitted_by", 0 }, { "CREATED", "created_at", 0 }, { "YOUR_ACTIONS", "your_actions", 0 },
	COLS_END };
static const struct col c_request_fields[] = {
	{ "id", "id", 0 }, { "type", "type", 0 }, { "state", "state", 0 }, { "step", "step", 0 },
	{ "employee", "person.employee_number", 0 }, { "name", "person.given_names", 0 },
	{ "family names", "person.family_names", 0 }, { "login", "person.uid", 0 }, { "unit", "person.unit", 0 },
	{ "submitted by", "submitted_by", 0 }, { "provisioning", "provisioning_mode", 0 },
	{ "effective at", "effective_at", 0 }, { "created", "created_at", 0 }, { "updated", "updated_at", 0 },
	{ "conclusion", "conclusion", 0 }, { "your actions", "your_actions", 0 }, COLS_END };
static const struct col c_step[] = {
	{ "AT", "at", 0 }, { "ACTION", "action", 0 }, { "FROM", "from_state", 0 }, { "TO", "to_state", 0 },
	{ "ACTOR", "actor", 0 }, { "ROLE", "actor_role", 0 }, { "NOTE", "note", 60 }, COLS_END };
static const struct col c_operation[] = {
	{ "ID", "id", 0 }, { "REQUEST", "request_id", 0 }, { "ROUND", "round", 0 }, { "INSTANCE", "instance", 0 },
	{ "INTENT", "intent", 0 }, { "STATE", "state", 0 }, { "ATTEMPTS", "attempts", 0 },
	{ "OUTCOME", "outcome", 0 }, { "NEXT", "next_at", 0 }, { "MESSAGE", "message", 60 }, COLS_END };
static const struct col c_task[] = {
	{ "ID", "id", 0 }, { "REQUEST", "request_id", 0 }, { "EMPLOYEE", "employee_number", 0 },
	{ "NAME", "name", 0 }, { "ROLE", "role", 0 }, { "STATE", "state", 0 }, { "TITLE", "title", 50 }, COLS_END };
static const struct col c_task_fields[] = {
	{ "id", "id", 0 }, { "request", "request_id", 0 }, { "type", "type", 0 },
	{ "employee", "employee_number", 0 }, { "name", "name", 0 }, { "title", "title", 0 }, { "role", "role", 0 },
	{ "checklist", "checklist", 0 }, { "state", "state", 0 }, { "done by", "done_by", 0 },
	{ "note", "note", 0 }, COLS_END };
static const struct section s_request[] = {
	{ "steps", c_step }, { "operations", c_operation }, { "tasks", c_task }, { NULL, NULL } };
static const struct col c_queue_fields[] = {
	{ "pending", "pending", 0 }, { "running", "running", 0 }, { "dead", "dead", 0 },
	{ "next retry", "next_retry_at", 0 }, COLS_END };
static const struct section s_queue[] = { { "failed", c_operation }, { "retrying", c_operation }, { NULL, NULL } };
static const struct col c_op_done[] = { { "id", "id", 0 }, { "state", "state", 0 }, COLS_END };
static const struct col c_task_done[] = {
	{ "id", "id", 0 }, { "name", "name", 0 }, { "request", "request_id", 0 }, { "state", "state", 0 }, COLS_END };
static const struct col c_drift[] = {
	{ "EMPLOYEE", "employee_number", 0 }, { "INSTANCE", "instance", 0 }, { "KIND", "kind", 0 },
	{ "INTENT", "intent", 0 }, { "STATUS", "status", 0 }, { "OBJECT", "object", 40 },
	{ "REPAIR", "repair.status", 0 }, { "MESSAGE", "message", 50 }, COLS_END };
static const struct col c_reconcile_fields[] = {
	{ "people checked", "people_checked", 0 }, { "instances", "instances", 0 }, { "drift", "drift", 0 },
	COLS_END };
static const struct col c_repair_fields[] = {
	{ "employee", "employee_number", 0 }, { "drift", "drift", 0 }, COLS_END };
static const struct section s_drift[] = { { "items", c_drift }, { NULL, NULL } };
static const struct col c_token[] = {
	{ "NAME", "name", 0 }, { "ROLE", "role", 0 }, { "CREATED_BY", "created_by", 0 },
	{ "CREATED", "created_at", 0 }, { "LAST_USED", "last_used_at", 0 }, { "REVOKED", "revoked_at", 0 },
	COLS_END };
static const struct col c_token_new[] = {
	{ "name", "name", 0 }, { "role", "role", 0 }, { "token", "token", 0 }, { "created", "created_at", 0 },
	COLS_END };
static const struct col c_token_revoked[] = { { "name", "name", 0 }, { "revoked", "revoked_at", 0 }, COLS_END };
static const struct col c_person[] = {
	{ "EMPLOYEE", "employee_number", 0 }, { "LOGIN", "uid", 0 }, { "GIVEN_NAMES", "given_names", 30 },
	{ "FAMILY_NAMES", "family_names", 30 }, { "UNIT", "unit", 0 }, { "POSITION", "position", 0 },
	{ "STATUS", "status", 0 }, COLS_END };
static const struct col c_person_fields[] = {
	{ "employee", "employee_number", 0 }, { "login", "uid", 0 }, { "given names", "given_names", 0 },
	{ "family names", "family_names", 0 }, { "unit", "unit", 0 }, { "position", "position", 0 },
	{ "contract", "contract_type", 0 }, { "start", "start_date", 0 }, { "end", "end_date", 0 },
	{ "status", "status", 0 }, { "mail", "mail", 0 }, { "extension", "extension", 0 },
	{ "uid number", "uid_number", 0 }, COLS_END };
static const struct col c_person_request[] = {
	{ "ID", "id", 0 }, { "TYPE", "type", 0 }, { "STATE", "state", 0 }, { "CREATED", "created_at", 0 }, COLS_END };
static const struct col c_grant[] = {
	{ "KIND", "kind", 0 }, { "NAME", "name", 0 }, { "REQUEST", "request_id", 0 },
	{ "GRANTED", "granted_at", 0 }, COLS_END };
static const struct section s_person[] = {
	{ "requests", c_person_request }, { "access_grants", c_grant }, { NULL, NULL } };
static const struct col c_access_fields[] = {
	{ "employee", "employee_number", 0 }, { "at", "at", 0 }, { "status", "person_status", 0 },
	{ "account enabled", "account_enabled", 0 }, { "groups", "groups", 0 }, { "systems", "systems", 0 },
	COLS_END };
static const struct col c_outbox[] = {
	{ "ID", "id", 0 }, { "KIND", "kind", 0 }, { "RCPT", "rcpt", 0 }, { "STATE", "state", 0 },
	{ "ATTEMPTS", "attempts", 0 }, { "REQUEST", "request_id", 0 }, { "CREATED", "created_at", 0 },
	{ "LAST_ERROR", "last_error", 50 }, COLS_END };
static const struct col c_entry[] = {
	{ "SEQ", "seq", 0 }, { "AT", "at", 0 }, { "ACTOR", "actor", 0 }, { "SYSTEM", "system", 0 },
	{ "ACTION", "action", 0 }, { "EMPLOYEE", "employee_number", 0 }, { "REQUEST", "request_id", 0 },
	{ "OBJECT", "object", 40 }, { "OUTCOME", "outcome", 0 }, COLS_END };
static const struct col c_verify[] = {
	{ "ok", "ok", 0 }, { "entries checked", "entries_checked", 0 }, { "head pos", "head_pos", 0 },
	{ "head hash", "head_hash", 0 }, { "seals checked", "seals_checked", 0 },
	{ "signatures checked", "signatures_checked", 0 }, { "unsealed", "unsealed.count", 0 },
	{ "first bad pos", "first_bad.pos", 0 }, { "first bad kind", "first_bad.kind", 0 },
	{ "first bad detail", "first_bad.detail", 0 }, COLS_END };
static const struct col c_head[] = {
	{ "no", "no", 0 }, { "pos", "pos", 0 }, { "hash", "hash", 0 }, { "sealed at", "sealed_at", 0 },
	{ "key id", "key_id", 0 }, { "signature valid", "signature_valid", 0 }, COLS_END };
static const struct col c_health[] = {
	{ "status", "status", 0 }, { "database", "database.status", 0 }, { "database error", "database.error", 0 },
	{ "directory", "directory.status", 0 }, { "directory error", "directory.error", 0 },
	{ "plugins", "plugins", 0 }, { "outbox pending", "outbox.pending", 0 }, COLS_END };
static const struct col c_import_row[] = {
	{ "LINE", "line", 0 }, { "EMPLOYEE", "employee_number", 0 }, { "RESULT", "result", 0 },
	{ "REQUEST", "request_id", 0 }, { "LOGIN", "uid", 0 }, { "STATE", "state", 0 }, { "CODE", "code", 0 },
	{ "MESSAGE", "message", 70 }, COLS_END };
static const struct col c_whoami[] = {
	{ "subject", "subject", 0 }, { "kind", "kind", 0 }, { "name", "display_name", 0 }, { "roles", "roles", 0 },
	COLS_END };

static int run_queue_list(struct ctl *k, const struct invocation *inv, json_t **answer_r);
static int run_task_show(struct ctl *k, const struct invocation *inv, json_t **answer_r);
static int run_people_search(struct ctl *k, const struct invocation *inv, json_t **answer_r);

static const struct cmd cmds[] = {
	{ "health", "", "GET", "/v1/health", a_none, o_none, NULL, c_health, NULL, NULL,
	  "the daemon's database, directory and plugins" },
	{ "whoami", "", "GET", "/v1/whoami", a_none, o_none, NULL, c_whoami, NULL, NULL,
	  "who the credentials are and their roles" },
	{ "queue", "status", "GET", "/v1/queue", a_none, o_none, NULL, c_queue_fields, s_queue, NULL,
	  "depth of the operations queue, with the failed and retrying operations" },
	{ "queue", "list", "GET", "/v1/queue", a_none, o_queue, "items", c_operation, NULL, run_queue_list,
	  "failed (dead) and retrying operations, filtered by state, plugin instance or request" },
	{ "queue", "retry", "POST", "/v1/operations/{}/retry", a_id, o_note, NULL, c_op_done, NULL, NULL,
	  "queue a dead operation again (attempts from zero)" },
	{ "queue", "resolve", "POST", "/v1/operations/{}/resolve", a_id, o_note_required, NULL, c_op_done, NULL,
	  NULL, "mark a dead operation done by hand, saying what was done" },
	{ "tasks", "list", "GET", "/v1/tasks", a_none, o_tasks, "items", c_task, NULL, NULL,
	  "manual tasks (open unless --state done)" },
	{ "tasks", "show", "GET", "/v1/tasks", a_id, o_none, NULL, c_task_fields, NULL, run_task_show,
	  "one manual task with its checklist" },
	{ "tasks", "done", "POST", "/v1/tasks/{}/done", a_id, o_note_required, NULL, c_task_done, NULL, NULL,
	  "mark a manual task done, with a note" },
	{ "reconcile", "check", "GET", "/v1/reconcile", a_none, o_reconcile, NULL, c_reconcile_fields, s_drift,
	  NULL, "dry run: drift between the target systems and provisiond's record" },
	{ "reconcile", "repair", "POST", "/v1/reconcile/repair", a_repair, o_none, NULL, c_repair_fields, s_drift,
	  NULL, "repair one person's drift, for real" },
	{ "tokens", "list", "GET", "/v1/tokens", a_none, o_none, "items", c_token, NULL, NULL,
	  "API tokens, revoked ones included (never the tokens themselves)" },
	{ "tokens", "create", "POST", "/v1/tokens", a_token_new, o_none, NULL, c_token_new, NULL, NULL,
	  "make a token; it is printed this once" },
	{ "tokens", "revoke", "DELETE", "/v1/tokens/{}", a_token, o_none, NULL, c_token_revoked, NULL, NULL,
	  "revoke a token at once" },
	{ "people", "list", "GET", "/v1/people", a_none, o_people, "items", c_person, NULL, NULL,
	  "people of a unit (or everyone), a page at a time" },
	{ "people", "search", "GET", "/v1/people", a_search, o_search, "items", c_person, NULL, run_people_search,
	  "people whose number, login, names or mail contain TEXT (case-insensitive)" },
	{ "people", "show", "GET", "/v1/people/{}", a_number, o_none, NULL, c_person_fields, s_person, NULL,
	  "one person's record, requests and granted access" },
	{ "people", "access", "GET", "/v1/people/{}/access", a_number, o_access, NULL, c_access_fields, NULL, NULL,
	  "what access a person held at a moment (--at TIME, default now)" },
	{ "requests", "list", "GET", "/v1/requests", a_none, o_requests, "items", c_request, NULL, NULL,
	  "requests, newest first" },
	{ "requests", "show", "GET", "/v1/requests/{}", a_id, o_none, NULL, c_request_fields, s_request, NULL,
	  "one request with its steps, operations and tasks" },
	{ "requests", "act", "POST", "/v1/requests/{}/{}", a_act, o_note, NULL, c_request_fields, NULL, NULL,
	  "take a workflow action (approve, return, confirm, ...) on a request" },
	{ "import", "hires", "POST", "/v1/hires/batch", a_import, o_import, "results", c_import_row, NULL, run_import,
	  "file the hires of a CSV staff list, 1000 rows a batch; --dry-run checks every row and keeps nothing" },
	{ "import", "exits", "POST", "/v1/exits/batch", a_import, o_import, "results", c_import_row, NULL, run_import,
	  "file the exits of a CSV list, as import hires does" },
	{ "outbox", "list", "GET", "/v1/outbox", a_none, o_outbox, "messages", c_outbox, NULL, NULL,
	  "mail the service sent or is still trying to send (never the bodies)" },
	{ "changelog", "query", "GET", "/v1/changelog", a_none, o_changelog, "items", c_entry, NULL, NULL,
	  "change-log entries; --format csv or jsonl streams an export" },
	{ "changelog", "verify", "GET", "/v1/changelog/verify", a_none, o_verify, NULL, c_verify, NULL, NULL,
	  "walk the hash chain and its signed heads" },
	{ "changelog", "head", "GET", "/v1/changelog/head", a_none, o_none, NULL, c_head, NULL, NULL,
	  "the newest signed head, for an auditor to keep" },
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

/* ------------------------------------------------------------------ small helpers */

void die_oom(void)
{
	fputs("provisionctl: out of memory\n", stderr);
	exit(EXIT_FAILURE);
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);
	if (p == NULL)
		die_oom();
	return p;
}

void str_init(struct str *b)
{
	b->s = NULL;
	b->len = 0;
	if ((b->fp = open_memstream(&b->s, &b->len)) == NULL)
		die_oom();
}

void str_add(struct str *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(b->fp, fmt, ap);
	va_end(ap);
}

/* Ends the string and hands it over (the caller frees). */
char *str_done(struct str *b)
{
	if (fclose(b->fp) != 0 || b->s == NULL)
		die_oom();
	return b->s;
}

int word_in_list(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; *p;) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && strncmp(p, word, n) == 0)
			return 1;
		p += len + (bar != NULL);
	}
	return 0;
}

/* NULL when v is fine for p; otherwise what it should be. */
static const char *check_value(const struct param *p, const char *v)
{
	size_t n = strlen(v), i;
	switch (p->check) {
	case C_TEXT:
		return n == 0 || n > 2000 ? "some text (up to 2000 bytes)" : NULL;
	case C_NUM:
		for (i = 0; i < n && isdigit((unsigned char)v[i]); i++)
			;
		return n == 0 || n > 18 || i != n ? "a number" : NULL;
	case C_CODE:
		for (i = 0; i < n && (isalnum((unsigned char)v[i]) || strchr("._-", v[i])); i++)
			;
		return n == 0 || n > 64 || i != n ? "letters, digits, '.', '_' and '-'" : NULL;
	case C_TOKEN:
		for (i = 0; i < n && (islower((unsigned char)v[i]) || isdigit((unsigned char)v[i])
				      || (i > 0 && strchr("._-", v[i]))); i++)
			;
		return n == 0 || n > 63 || i != n ? "a token name: lower-case letters, digits, '.', '_', '-'" : NULL;
	case C_WORD:
		for (i = 0; i < n && (islower((unsigned char)v[i]) || v[i] == '_'); i++)
			;
		return n == 0 || n > 32 || i != n ? "a word of lower-case letters and '_'" : NULL;
	case C_ENUM:
		return word_in_list(p->values, v) ? NULL : p->values;
	case C_FILE:
		return n == 0 || n > 4096 ? "a file name" : NULL;
	case C_FLAG:
		return NULL;
	}
	return "?";
}

/* ------------------------------------------------------------------ help */

static void print_synopsis(FILE *fp, const struct cmd *c)
{
	fprintf(fp, "  %s%s%s", c->group, *c->sub ? " " : "", c->sub);
	for (const struct param *a = c->args; a->name; a++)
		fprintf(fp, " %s", a->name);
	for (const struct param *o = c->opts; o->name; o++)
		fprintf(fp, " %s--%s%s%s%s", o->required ? "" : "[", o->name, o->check == C_FLAG ? "" : " ",
			o->check == C_FLAG ? "" : o->check == C_ENUM ? o->values : o->check == C_NUM ? "N"
			: o->check == C_CODE ? "NAME" : o->check == C_FILE ? "FILE" : "TEXT",
			o->required ? "" : "]");
	fputc('\n', fp);
}

static const char usage_line[] =
	"usage: provisionctl [-u URL] [-T TOKEN_FILE | -U LOGIN] [--json | --table] COMMAND [ARGS] [OPTIONS]\n";

/* Every command (group NULL), a group's, or one. */
static void print_help(FILE *fp, const char *group, const char *sub)
{
	int one = group != NULL && sub != NULL;
	fputs(usage_line, fp);
	if (group == NULL)
		fputs("\nOptions:\n"
		      "  -u URL         the daemon (PROVISIONCTL_URL; http://127.0.0.1:8080)\n"
		      "  -T FILE        read the bearer token from the first line of FILE (or PROVISIONCTL_TOKEN)\n"
		      "  -U LOGIN       sign in as LOGIN (password from PROVISIONCTL_PASSWORD or the terminal)\n"
		      "  -t TOKEN       the token as an argument: works, but ps shows it; prefer -T\n"
		      "  --json         print the answer as JSON (the default when stdout is not a terminal)\n"
		      "  --table        print an aligned table (the default on a terminal)\n"
		      "  --help, -h     this help (also: provisionctl help COMMAND)\n"
		      "  --version      print the version\n", fp);
	fputs("\nCommands:\n", fp);
	for (size_t i = 0; i < NCMDS; i++) {
		const struct cmd *c = &cmds[i];
		if ((group && strcmp(group, c->group) != 0) || (one && strcmp(sub, c->sub) != 0))
			continue;
		print_synopsis(fp, c);
		fprintf(fp, "      %s\n", c->help);
	}
	if (group == NULL)
		fputs("\nExit status: 0 done, 1 refused by the server, 2 usage error, 3 server unreachable.\n"
		      "See provisionctl(1).\n", fp);
}

static int usage_error(const char *group, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A message, the usage line and where to read more: exit 2. */
static int usage_error(const char *group, const char *fmt, ...)
{
	va_list ap;
	fputs("provisionctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs(usage_line, stderr);
	fprintf(stderr, "try 'provisionctl %s%s--help'\n", group ? group : "", group ? " " : "");
	return EXIT_USAGE;
}

static void print_values(const char *values)
{
	for (const char *p = values; *p; p++)
		putchar(*p == '|' ? '\n' : *p);
	putchar('\n');
}

static int is_flag(const struct cmd *c, const char *name)
{
	for (const struct param *o = c->opts; o->name; o++)
		if (strcmp(o->name, name) == 0)
			return o->check == C_FLAG;
	return 0;
}

/*
 * For the shell's completion (contrib/completion/provisionctl): the words
 * that may follow the words given, one a line, read from cmds[] so that
 * the completion cannot drift from the commands.
 */
static int complete(int argc, char **argv)
{
	static const char *const global[] = { "-u", "-T", "-U", "--json", "--table", "--help", "--version", NULL };
	const char *group = argc > 0 ? argv[0] : NULL, *sub = argc > 1 ? argv[1] : NULL;
	const char *last = argc > 0 ? argv[argc - 1] : "";
	if (group == NULL) {
		for (size_t i = 0; i < NCMDS; i++)
			if (i == 0 || strcmp(cmds[i].group, cmds[i - 1].group) != 0)
				printf("%s\n", cmds[i].group);
		printf("help\n");
		for (int i = 0; global[i]; i++)
			printf("%s\n", global[i]);
		return 0;
	}
	for (size_t i = 0; i < NCMDS; i++) {
		const struct cmd *c = &cmds[i];
		if (strcmp(c->group, group) != 0)
			continue;
		if (sub == NULL && *c->sub) {
			printf("%s\n", c->sub);
			continue;
		}
		if (*c->sub && strcmp(c->sub, sub) != 0)
			continue;
		/* after an option: its values when they are a list, file names
		 * ("@file" tells the shell's function), else nothing to offer */
		for (const struct param *o = c->opts; o->name; o++)
			if (strncmp(last, "--", 2) == 0 && strcmp(last + 2, o->name) == 0 && o->check != C_FLAG) {
				if (o->check == C_ENUM)
					print_values(o->values);
				else if (o->check == C_FILE)
					printf("@file\n");
				return 0;
			}
		/* the next positional's values when they are a list */
		int npos = 0;
		for (int w = *c->sub ? 2 : 1; w < argc; w++)
			if (strncmp(argv[w], "--", 2) == 0)
				w += strchr(argv[w], '=') == NULL && strcmp(argv[w], "--json") != 0
				     && strcmp(argv[w], "--table") != 0 && !is_flag(c, argv[w] + 2);
			else
				npos++;
		for (int a = 0; c->args[a].name; a++)
			if (a == npos && c->args[a].check == C_ENUM)
				print_values(c->args[a].values);
			else if (a == npos && c->args[a].check == C_FILE)
				printf("@file\n");
		for (const struct param *o = c->opts; o->name; o++)
			printf("--%s\n", o->name);
		printf("--json\n--table\n--help\n");
		return 0;
	}
	return 0;
}

/* ------------------------------------------------------------------ HTTP */

int ctl_bar_open;

void ctl_end_bar(void)
{
	if (ctl_bar_open)
		fputc('\n', stderr);
	ctl_bar_open = 0;
}

struct body {
	CURL *curl;
	char *data;
	size_t len;
	int stream;	/* a successful export goes to stdout as it comes: flat memory */
};

static size_t on_data(char *ptr, size_t size, size_t n, void *arg)
{
	struct body *b = arg;
	size_t len = size * n;
	if (b->stream) {
		long status = 0;
		curl_easy_getinfo(b->curl, CURLINFO_RESPONSE_CODE, &status);
		if (status >= 200 && status < 300)
			return fwrite(ptr, 1, len, stdout);
	}
	char *p = realloc(b->data, b->len + len + 1);
	if (p == NULL)
		return 0;
	b->data = p;
	memcpy(b->data + b->len, ptr, len);
	b->len += len;
	b->data[b->len] = '\0';
	return len;
}

/*
 * One call: METHOD url+path (path already escaped, with its query), the
 * JSON body if any. 0 with *answer_r (NULL when streamed or not JSON);
 * otherwise the error is printed and the exit status returned.
 */
static int http(struct ctl *k, const char *method, const char *path, json_t *json, int stream, const char *header,
		long *status_r, json_t **answer_r)
{
	CURL *c = k->curl;
	struct curl_slist *hdrs = NULL;
	struct str u;
	char *post = NULL, *full;
	int ret;

	*answer_r = NULL;
	str_init(&u);
	str_add(&u, "%s%s", k->url, path);
	full = str_done(&u);
	curl_easy_reset(c);
	if (k->token != NULL) {
		struct str h;
		str_init(&h);
		str_add(&h, "Authorization: Bearer %s", k->token);
		char *line = str_done(&h);
		hdrs = curl_slist_append(hdrs, line);
		memset(line, 0, strlen(line));
		free(line);
	} else if (k->login != NULL) {
		curl_easy_setopt(c, CURLOPT_USERNAME, k->login);
		curl_easy_setopt(c, CURLOPT_PASSWORD, k->password);
	}
	if (header != NULL)
		hdrs = curl_slist_append(hdrs, header);
	if (json != NULL) {
		if ((post = json_dumps(json, JSON_COMPACT)) == NULL)
			die_oom();
		hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, post);
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	struct body b = { c, NULL, 0, stream };
	curl_easy_setopt(c, CURLOPT_URL, full);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "provisionctl/" PACKAGE_VERSION);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	CURLcode rc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (status_r != NULL)
		*status_r = rc == CURLE_OK ? status : 0;
	if (rc != CURLE_OK) {
		ctl_end_bar();
		fprintf(stderr, "provisionctl: %s: %s\n", full, curl_easy_strerror(rc));
		ret = EXIT_UNREACHABLE;
	} else if (status >= 200 && status < 300) {
		*answer_r = stream ? NULL : json_loadb(b.data ? b.data : "", b.len, 0, NULL);
		if (*answer_r == NULL && !stream && b.data != NULL)
			fwrite(b.data, 1, b.len, stdout);	/* not JSON: as it came */
		ret = 0;
	} else {
		json_t *j = json_loadb(b.data ? b.data : "", b.len, 0, NULL);
		json_t *e = json_object_get(j, "error");
		const char *field = json_string_value(json_object_get(e, "field"));
		const char *code = json_string_value(json_object_get(e, "code"));
		const char *msg = json_string_value(json_object_get(e, "message"));
		ctl_end_bar();
		fprintf(stderr, "provisionctl: %ld %s: %s%s%s%s\n", status, code ? code : "error",
			msg ? msg : (b.data ? b.data : ""), field ? " (field " : "", field ? field : "", field ? ")" : "");
		if (status == 401 && k->token == NULL && k->login == NULL)
			fputs("provisionctl: no credentials given: use -T FILE, PROVISIONCTL_TOKEN or -U LOGIN\n", stderr);
		json_decref(j);
		ret = EXIT_REFUSED;
	}
	free(b.data);
	free(full);
	free(post);
	for (struct curl_slist *h = hdrs; h != NULL; h = h->next)
		memset(h->data, 0, strlen(h->data));	/* the Authorization line */
	curl_slist_free_all(hdrs);
	return ret;
}

int http_call(struct ctl *k, const char *method, const char *path, json_t *json, const char *header,
	      long *status_r, json_t **answer_r)
{
	return http(k, method, path, json, 0, header, status_r, answer_r);
}

/* ------------------------------------------------------------------ one invocation */

const char *inv_sub(const struct invocation *inv)
{
	return inv->cmd->sub;
}

const char *inv_path(const struct invocation *inv)
{
	return inv->cmd->path;
}

const char *opt_value(const struct invocation *inv, const char *name)
{
	for (int i = 0; inv->cmd->opts[i].name; i++)
		if (strcmp(inv->cmd->opts[i].name, name) == 0)
			return inv->opt[i];
	return NULL;
}

/* The path with its {} filled (escaped) and the query string. */
static char *build_path(struct ctl *k, const struct invocation *inv, const char *extra_query)
{
	const struct cmd *c = inv->cmd;
	struct str s;
	int n = 0, q = 0;
	str_init(&s);
	for (const char *p = c->path; *p; p++) {
		if (p[0] == '{' && p[1] == '}') {
			while (c->args[n].name && c->args[n].where != W_PATH)
				n++;
			char *e = curl_easy_escape(k->curl, inv->pos[n++], 0);
			if (e == NULL)
				die_oom();
			str_add(&s, "%s", e);
			curl_free(e);
			p++;
		} else
			str_add(&s, "%c", *p);
	}
	for (int i = 0; c->opts[i].name; i++) {
		if (c->opts[i].where != W_QUERY || inv->opt[i] == NULL)
			continue;
		char *e = curl_easy_escape(k->curl, inv->opt[i], 0);
		if (e == NULL)
			die_oom();
		str_add(&s, "%c%s=%s", q++ ? '&' : '?', c->opts[i].key, e);
		curl_free(e);
	}
	if (extra_query != NULL)
		str_add(&s, "%c%s", q ? '&' : '?', extra_query);
	return str_done(&s);
}

/* The JSON body of a POST: options and positionals meant for it. */
static json_t *build_body(const struct invocation *inv)
{
	const struct cmd *c = inv->cmd;
	if (strcmp(c->method, "POST") != 0)
		return NULL;
	json_t *b = json_object();
	for (int i = 0; c->args[i].name; i++)
		if (c->args[i].where == W_BODY)
			json_object_set_new(b, c->args[i].key, json_string(inv->pos[i]));
	for (int i = 0; c->opts[i].name; i++)
		if (c->opts[i].where == W_BODY && inv->opt[i] != NULL)
			json_object_set_new(b, c->opts[i].key, json_string(inv->opt[i]));
	return b;
}

static int run_default(struct ctl *k, const struct invocation *inv, const char *extra_query, json_t **answer_r)
{
	const char *format = opt_value(inv, "format");
	char *path = build_path(k, inv, extra_query);
	json_t *body = build_body(inv);
	int ret = http(k, inv->cmd->method, path, body, format != NULL && strcmp(format, "json") != 0, NULL, NULL,
		       answer_r);
	json_decref(body);
	free(path);
	return ret;
}

/* GET /v1/queue holds the failed and the retrying operations: one list, filtered here. */
static int run_queue_list(struct ctl *k, const struct invocation *inv, json_t **answer_r)
{
	const char *state = opt_value(inv, "state"), *instance = opt_value(inv, "instance");
	const char *request = opt_value(inv, "request");
	static const char *const lists[][2] = { { "failed", "dead" }, { "retrying", "retrying" } };
	json_t *q;
	int ret = run_default(k, inv, NULL, &q);
	if (ret != 0 || q == NULL)
		return ret;
	json_t *items = json_array();
	for (size_t l = 0; l < 2; l++) {
		if (state != NULL && strcmp(state, lists[l][1]) != 0)
			continue;
		size_t i;
		json_t *op;
		json_array_foreach(json_object_get(q, lists[l][0]), i, op) {
			const char *in = json_string_value(json_object_get(op, "instance"));
			json_int_t rid = json_integer_value(json_object_get(op, "request_id"));
			if (instance != NULL && (in == NULL || strcmp(in, instance) != 0))
				continue;
			if (request != NULL && rid != (json_int_t)strtoll(request, NULL, 10))
				continue;
			json_array_append(items, op);
		}
	}
	json_decref(q);
	*answer_r = json_pack("{s:o}", "items", items);
	return 0;
}

/* There is no GET /v1/tasks/{id}: the task is looked for among the open, then the done ones. */
static int run_task_show(struct ctl *k, const struct invocation *inv, json_t **answer_r)
{
	static const char *const states[] = { "state=open", "state=done" };
	json_int_t id = (json_int_t)strtoll(inv->pos[0], NULL, 10);
	for (size_t s = 0; s < 2; s++) {
		json_t *list, *t;
		size_t i;
		int ret = run_default(k, inv, states[s], &list);
		if (ret != 0 || list == NULL)
			return ret ? ret : EXIT_REFUSED;
		json_array_foreach(json_object_get(list, "items"), i, t)
			if (json_integer_value(json_object_get(t, "id")) == id) {
				*answer_r = json_incref(t);
				json_decref(list);
				return 0;
			}
		json_decref(list);
	}
	fprintf(stderr, "provisionctl: 404 not_found: no task %s among the open and done tasks\n", inv->pos[0]);
	return EXIT_REFUSED;
}

static int matches(json_t *person, const char *text)
{
	static const char *const keys[] = { "employee_number", "uid", "given_names", "family_names", "mail" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = json_string_value(json_object_get(person, keys[i]));
		if (v != NULL && strcasestr(v, text) != NULL)
			return 1;
	}
	return 0;
}

/* There is no search on the server: the pages of GET /v1/people, read here (up to 100 of 200). */
static int run_people_search(struct ctl *k, const struct invocation *inv, json_t **answer_r)
{
	json_t *items = json_array();
	char *cursor = NULL;
	for (int page = 0; page < 100; page++) {
		struct str q;
		json_t *ans, *p;
		size_t i;
		str_init(&q);
		str_add(&q, "limit=200");
		if (cursor != NULL) {
			char *e = curl_easy_escape(k->curl, cursor, 0);
			str_add(&q, "&cursor=%s", e ? e : "");
			curl_free(e);
		}
		char *query = str_done(&q);
		int ret = run_default(k, inv, query, &ans);
		free(query);
		free(cursor);
		cursor = NULL;
		if (ret != 0 || ans == NULL) {
			json_decref(items);
			return ret ? ret : EXIT_REFUSED;
		}
		json_array_foreach(json_object_get(ans, "items"), i, p)
			if (matches(p, inv->pos[0]))
				json_array_append(items, p);
		const char *next = json_string_value(json_object_get(ans, "next_cursor"));
		cursor = next ? xstrdup(next) : NULL;
		json_decref(ans);
		if (cursor == NULL)
			break;
	}
	if (cursor != NULL)
		fprintf(stderr, "provisionctl: warning: searched the first 20000 people only\n");
	free(cursor);
	*answer_r = json_pack("{s:o}", "items", items);
	return 0;
}

/* ------------------------------------------------------------------ output */

/* Columns a UTF-8 string takes (one per character; continuation bytes take none). */
static size_t width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

static json_t *get_path(json_t *v, const char *path)
{
	char key[64];
	while (v != NULL && *path) {
		size_t n = strcspn(path, ".");
		snprintf(key, sizeof(key), "%.*s", (int)n, path);
		v = json_object_get(v, key);
		path += n + (path[n] == '.');
	}
	return v;
}

/*
 * A value as a cell: "-" for null or missing, arrays of scalars joined by
 * commas, objects as compact JSON. Control characters (C0, DEL, C1) become
 * '?': a value from the server must not drive the terminal. Cut at max
 * characters (never inside one), with an ellipsis.
 */
static char *cell(json_t *v, int max)
{
	struct str s;
	str_init(&s);
	if (v == NULL || json_is_null(v))
		str_add(&s, "-");
	else if (json_is_string(v))
		str_add(&s, "%s", json_string_value(v));
	else if (json_is_integer(v))
		str_add(&s, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		str_add(&s, "%g", json_real_value(v));
	else if (json_is_boolean(v))
		str_add(&s, "%s", json_is_true(v) ? "yes" : "no");
	else if (json_is_array(v)) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) {
			char *one = json_is_string(e) ? xstrdup(json_string_value(e)) : json_dumps(e, JSON_COMPACT | JSON_ENCODE_ANY);
			str_add(&s, "%s%s", i ? "," : "", one ? one : "?");
			free(one);
		}
		if (json_array_size(v) == 0)
			str_add(&s, "-");
	} else {
		char *one = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
		str_add(&s, "%s", one ? one : "?");
		free(one);
	}
	char *out = str_done(&s);
	unsigned char *p = (unsigned char *)out, *w = p;
	size_t chars = 0;
	while (*p) {
		if (*p < 0x20 || *p == 0x7f) {
			*w++ = '?';
			p++;
		} else if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
			*w++ = '?';
			p += 2;
		} else
			*w++ = *p++;
	}
	*w = '\0';
	if (max > 0 && width(out) > (size_t)max) {
		/* keep max - 1 characters: p stops at the start of the max-th */
		for (p = (unsigned char *)out; *p; p++)
			if ((*p & 0xC0) != 0x80 && ++chars == (size_t)max)
				break;
		size_t keep = (size_t)(p - (unsigned char *)out);
		char *cut = malloc(keep + 4);
		if (cut == NULL)
			die_oom();
		memcpy(cut, out, keep);
		memcpy(cut + keep, "\xE2\x80\xA6", 4);
		free(out);
		out = cut;
	}
	return out;
}

static void print_table(json_t *list, const struct col *cols, const char *indent)
{
	size_t ncol = 0, nrow = json_array_size(list);
	while (cols[ncol].head)
		ncol++;
	char **cells = calloc((nrow + 1) * ncol, sizeof(char *));
	size_t *w = calloc(ncol, sizeof(size_t));
	if (cells == NULL || w == NULL)
		die_oom();
	for (size_t c = 0; c < ncol; c++) {
		cells[c] = xstrdup(cols[c].head);
		for (size_t r = 0; r < nrow; r++)
			cells[(r + 1) * ncol + c] = cell(get_path(json_array_get(list, r), cols[c].path), cols[c].max);
		for (size_t r = 0; r <= nrow; r++)
			if (width(cells[r * ncol + c]) > w[c])
				w[c] = width(cells[r * ncol + c]);
	}
	for (size_t r = 0; r <= nrow; r++) {
		fputs(indent, stdout);
		for (size_t c = 0; c < ncol; c++) {
			const char *s = cells[r * ncol + c];
			if (c + 1 < ncol)
				printf("%s%*s", s, (int)(w[c] - width(s) + 2), "");
			else
				printf("%s\n", s);
			free(cells[r * ncol + c]);
		}
	}
	free(cells);
	free(w);
}

static void print_fields(json_t *obj, const struct col *cols)
{
	size_t w = 0;
	for (const struct col *c = cols; c->head; c++)
		if (strlen(c->head) > w)
			w = strlen(c->head);
	for (const struct col *c = cols; c->head; c++) {
		char *s = cell(get_path(obj, c->path), c->max);
		printf("%-*s  %s\n", (int)w, c->head, s);
		free(s);
	}
}

static void print_answer(const struct cmd *c, json_t *ans, int as_json)
{
	if (as_json) {
		json_dumpf(ans, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		return;
	}
	if (c->list != NULL) {
		json_t *list = json_object_get(ans, c->list);
		print_table(list, c->cols, "");
		const char *next = json_string_value(json_object_get(ans, "next_cursor"));
		if (next != NULL)
			fprintf(stderr, "(more: --cursor %s)\n", next);
		return;
	}
	print_fields(ans, c->cols);
	for (const struct section *s = c->sections; s && s->key; s++) {
		json_t *list = json_object_get(ans, s->key);
		if (!json_is_array(list))
			continue;
		printf("\n%s:%s\n", s->key, json_array_size(list) ? "" : " none");
		if (json_array_size(list))
			print_table(list, s->cols, "  ");
	}
}

/* ------------------------------------------------------------------ credentials */

static char *ask_password(const char *login)
{
	char buf[512];
	struct termios old, quiet;
	fprintf(stderr, "password for %s: ", login);
	int tty = tcgetattr(STDIN_FILENO, &old) == 0;
	if (tty) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
	}
	char *r = fgets(buf, sizeof(buf), stdin);
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
	fputc('\n', stderr);
	if (r == NULL)
		return NULL;
	buf[strcspn(buf, "\r\n")] = '\0';
	char *s = xstrdup(buf);
	memset(buf, 0, sizeof(buf));
	return s;
}

/* The token, wherever it came from: a static buffer, wiped at exit. */
static char token_buf[512];

static void wipe_token(void)
{
	memset(token_buf, 0, sizeof(token_buf));
}

/* The first line of a file holding the token, into token_buf; NULL with a message. */
static const char *read_token_file(const char *path)
{
	FILE *fp = fopen(path, "r");
	if (fp == NULL) {
		fprintf(stderr, "provisionctl: -T %s: %s\n", path, strerror(errno));
		return NULL;
	}
	char *r = fgets(token_buf, sizeof(token_buf), fp);
	fclose(fp);
	token_buf[strcspn(token_buf, "\r\n")] = '\0';
	if (r == NULL || token_buf[0] == '\0') {
		fprintf(stderr, "provisionctl: -T %s: the file is empty\n", path);
		return NULL;
	}
	return token_buf;
}

/* ------------------------------------------------------------------ main */

static const struct cmd *find_cmd(const char *group, const char *sub, int *group_known_r)
{
	*group_known_r = 0;
	for (size_t i = 0; i < NCMDS; i++)
		if (strcmp(cmds[i].group, group) == 0) {
			*group_known_r = 1;
			if (strcmp(cmds[i].sub, sub ? sub : "") == 0 || cmds[i].sub[0] == '\0')
				return &cmds[i];
		}
	return NULL;
}

/*
 * The words after the command: positionals, --name VALUE (or
 * --name=VALUE), --json, --table, --help. 0, or an exit status.
 */
static int parse_args(struct invocation *inv, int argc, char **argv, int *json_r, int *help_r)
{
	const struct cmd *c = inv->cmd;
	int npos = 0, nargs = 0;
	char name[40];
	while (c->args[nargs].name)
		nargs++;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			*help_r = 1;
			return 0;
		}
		if (strcmp(a, "--json") == 0 || strcmp(a, "--table") == 0) {
			*json_r = a[2] == 'j';
			continue;
		}
		if (strncmp(a, "--", 2) != 0) {
			if (npos >= nargs)
				return usage_error(c->group, "'%s %s' takes %d argument%s; '%s' is one too many", c->group,
						   c->sub, nargs, nargs == 1 ? "" : "s", a);
			const char *want = check_value(&c->args[npos], a);
			if (want != NULL)
				return usage_error(c->group, "%s '%s': want %s", c->args[npos].name, a, want);
			inv->pos[npos++] = a;
			continue;
		}
		const char *eq = strchr(a, '=');
		snprintf(name, sizeof(name), "%.*s", (int)(eq ? (size_t)(eq - a - 2) : strlen(a + 2)), a + 2);
		int k;
		for (k = 0; c->opts[k].name && strcmp(c->opts[k].name, name) != 0; k++)
			;
		if (c->opts[k].name == NULL)
			return usage_error(c->group, "'%s %s' has no option --%s", c->group, c->sub, name);
		if (inv->opt[k] != NULL)
			return usage_error(c->group, "--%s given twice", name);
		if (c->opts[k].check == C_FLAG) {
			if (eq != NULL)
				return usage_error(c->group, "--%s takes no value", name);
			inv->opt[k] = "yes";
			continue;
		}
		const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
		if (v == NULL)
			return usage_error(c->group, "--%s needs a value", name);
		const char *want = check_value(&c->opts[k], v);
		if (want != NULL)
			return usage_error(c->group, "--%s '%s': want %s", name, v, want);
		inv->opt[k] = v;
	}
	if (npos < nargs)
		return usage_error(c->group, "'%s %s' needs %s", c->group, c->sub, c->args[npos].name);
	for (int k = 0; c->opts[k].name; k++)
		if (c->opts[k].required && inv->opt[k] == NULL)
			return usage_error(c->group, "'%s %s' needs --%s", c->group, c->sub, c->opts[k].name);
	return 0;
}

int main(int argc, char **argv)
{
	struct ctl k = { NULL, getenv("PROVISIONCTL_URL"), NULL, NULL, NULL };
	int i = 1, as_json = !isatty(STDOUT_FILENO), help = 0;
	atexit(wipe_token);
	if (k.url == NULL || *k.url == '\0')
		k.url = "http://127.0.0.1:8080";
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		int has = i + 1 < argc;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			print_help(stdout, NULL, NULL);
			return 0;
		} else if (strcmp(a, "--version") == 0) {
			printf("provisionctl %s\n", PACKAGE_VERSION);
			return 0;
		} else if (strcmp(a, "--complete") == 0)
			return complete(argc - i - 1, argv + i + 1);
		else if (strcmp(a, "--json") == 0 || strcmp(a, "--table") == 0)
			as_json = a[2] == 'j';
		else if (strcmp(a, "-u") == 0 && has)
			k.url = argv[++i];
		else if (strcmp(a, "-T") == 0 && has) {
			if ((k.token = read_token_file(argv[++i])) == NULL)
				return EXIT_USAGE;
		} else if (strcmp(a, "-t") == 0 && has) {
			fprintf(stderr, "provisionctl: warning: -t shows the token to every user of this machine "
				"(ps, /proc) while the command runs; use -T FILE or PROVISIONCTL_TOKEN\n");
			/* keep a copy and blank the argument: it shortens the window */
			snprintf(token_buf, sizeof(token_buf), "%s", argv[++i]);
			memset(argv[i], 'x', strlen(argv[i]));
			k.token = token_buf;
		} else if (strcmp(a, "-U") == 0 && has)
			k.login = argv[++i];
		else if (a[1] != '\0' && strchr("uTtU", a[1]) && a[2] == '\0')
			return usage_error(NULL, "%s needs a value", a);
		else
			return usage_error(NULL, "unknown option '%s'", a);
	}
	if (k.token != NULL && k.login != NULL)
		return usage_error(NULL, "give a token (-T, -t) or a login (-U), not both");
	/* the environment's token only when the command line names no credential */
	if (k.token == NULL && k.login == NULL)
		k.token = getenv("PROVISIONCTL_TOKEN");
	if (i >= argc)
		return usage_error(NULL, "no command given");
	const char *group = argv[i++];
	if (strcmp(group, "help") == 0) {
		int known = 0;
		if (i < argc && !find_cmd(argv[i], i + 1 < argc ? argv[i + 1] : NULL, &known) && !known)
			return usage_error(NULL, "unknown command '%s'", argv[i]);
		print_help(stdout, i < argc ? argv[i] : NULL, i + 1 < argc ? argv[i + 1] : NULL);
		return 0;
	}
	int known = 0;
	const char *sub = i < argc && argv[i][0] != '-' ? argv[i] : NULL;
	const struct cmd *c = find_cmd(group, sub, &known);
	if (!known)
		return usage_error(NULL, "unknown command '%s'", group);
	if (c == NULL && sub != NULL)
		return usage_error(group, "'%s' has no subcommand '%s'", group, sub);
	if (c == NULL) {
		if (i < argc && (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)) {
			print_help(stdout, group, NULL);
			return 0;
		}
		return usage_error(group, "'%s' needs a subcommand", group);
	}
	if (*c->sub)
		i++;

	struct invocation inv = { c, { NULL }, { NULL } };
	int ret = parse_args(&inv, argc - i, argv + i, &as_json, &help);
	if (ret != 0)
		return ret;
	if (help) {
		print_help(stdout, c->group, c->sub);
		return 0;
	}
	if (k.token == NULL && k.login != NULL) {
		const char *env = getenv("PROVISIONCTL_PASSWORD");
		if ((k.password = env ? xstrdup(env) : ask_password(k.login)) == NULL) {
			fprintf(stderr, "provisionctl: no password for %s (PROVISIONCTL_PASSWORD or the terminal)\n",
				k.login);
			return EXIT_USAGE;
		}
	}

	curl_global_init(CURL_GLOBAL_DEFAULT);
	if ((k.curl = curl_easy_init()) == NULL)
		die_oom();
	json_t *ans = NULL;
	ret = c->run ? c->run(&k, &inv, &ans) : run_default(&k, &inv, NULL, &ans);
	if (ans != NULL) {	/* an import refused in part still answers its rows */
		print_answer(c, ans, as_json);
		if (c->cols == c_token_new)	/* tokens create: the one answer holding a secret */
			fputs("provisionctl: the token is shown only this once: keep it now\n", stderr);
	}
	json_decref(ans);
	if (k.password != NULL) {
		memset(k.password, 0, strlen(k.password));
		free(k.password);
	}
	curl_easy_cleanup(k.curl);
	curl_global_cleanup();
	return ret;
}
