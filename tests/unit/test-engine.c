/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	test-engine - requests_create and requests_act without servers
 * DESCRIPTION
 *	The engine runs against fake-db (scripted answers by statement name,
 *	every statement recorded), fake-directory (a catalogue table) and
 *	fake-plugin (a module the real plugin host loads, which records the
 *	operations it is given and answers scripted statuses). Each scenario
 *	is a table: what the database answers, who acts, what must come out
 *	(status, code, field) and which statements must be written, with
 *	which parameters.
 *
 *	  hire     HR files it; the head of TIM approves; the step queues one
 *	           operation per plugin instance; the queue's worker runs
 *	           them through the plugins (one answers retry first) and,
 *	           when the last is done, moves the request to verification
 *	  intents  what each procedure's provisioning step asks the plugins
 *	           for, and which instances get it
 *	  refusals wrong role, separation of duties, wrong state (409), a
 *	           missing note, requests one may not see: nothing written
 *	  filing   who may file what for whom, and the checks that need the
 *	           directory or the database
 *	What a state machine allows is test-workflow's; the input checks are
 *	test-procedures'.
 */
#include "config.h"
#include "engine/engine.h"
#include "procedures/registry.h"
#include "auth.h"
#include "conf.h"
#include "log.h"
#include "plugin_host.h"
#include "queue.h"
#include "requests.h"
#include "tpool.h"
#include "fake-db.h"
#include "fake-directory.h"
#include "fake-plugin.h"
#include "unit.h"

#include <dlfcn.h>
#include <jansson.h>
#include <stdlib.h>
#include <time.h>

#ifndef FAKE_PLUGIN_SO
#error "FAKE_PLUGIN_SO: the path of the fake plugin's .so (Makefile.am sets it)"
#endif

static const char conf_fmt[] =
	"db_conninfo = dbname=unit\n"
	"ldap_uri = ldapi://%%2Ftmp%%2Fx\n"
	"ldap_base_dn = dc=example,dc=org\n"
	"access.tributario.levels = read, write, admin\n"
	"queue_workers = 1\n"
	"task.backup.title = Desktop backup\n"
	"task.backup.role = tim_tech\n"
	"task.backup.on = exit\n"
	"task.backup.checklist = copy the files; check the mail\n"
	"plugin.accounts.library = %s\n"
	"plugin.groups.library = %s\n"
	"plugin.groups.after = accounts\n"
	"plugin.groups.answers = retry ok\n"
	"plugin.pbx.library = %s\n"
	"plugin.pbx.call_codes = yes\n"
	"plugin.pbx.on_exit = keep\n";

static const struct fake_dir_entry catalogue[] = {
	{ "ou=units,dc=example,dc=org", "ou", "tributaria", 0 },
	{ "ou=units,dc=example,dc=org", "ou", "control", 0 },
	{ "ou=positions,dc=example,dc=org", "cn", "analista-tributario", 0 },
	{ "ou=positions,dc=example,dc=org", "cn", "jefe-tributario", 1 },
	{ "ou=groups,dc=example,dc=org", "cn", "tim-staff", 0 },
};

/* ---- rows as the database would give them ------------------------------- */

#define PERSON_COLS "employee_number,national_id,given_names,family_names,unit,position,contract_type," \
	"start_date,end_date,status,uid,uid_number,mail,extension"
#define ANA(status) "E100|CI-100|María José|de la Cruz O'Brien|tributaria|analista-tributario|staff|2026-12-01|\\N|" \
	status "|maria.cruz|10001|maria.cruz@example.org|\\N"

#define REQUEST_COLS "id,type,state,payload,effective_at,submitted_by,submitted_role,provisioning_mode,conclusion," \
	"created_at,updated_at,closed_at,submitted_owner,version," PERSON_COLS
#define REQUEST(type, state, mode) "42|" type "|" state "|{}|\\N|hr.ana|hr|" mode "|\\N|2026-01-05T10:00:00Z|" \
	"2026-01-05T10:00:00Z|\\N|hr.ana|1|" ANA("pending")

/* request.lock: the request row and its person's, as the rules need them */
#define LOCK_COLS "type,state,submitted_by,person_id,employee_number,uid,provisioning_mode,effective_epoch," \
	"provisioning_round,submitted_owner,unit,version"
#define LOCK(type, state, by, mode, epoch, round) type "|" state "|" by "|7|E100|maria.cruz|" mode "|" epoch "|" \
	round "|" by "|tributaria|1"

#define CLAIM_COLS "id,request_id,round,instance,intent,person,params,attempts,more"
#define CLAIM(id, instance, attempts) id "|42|1|" instance "|create|{\"employee_number\": \"E100\", " \
	"\"uid\": \"maria.cruz\", \"mail\": \"maria.cruz@example.org\"}|{\"groups\": [], \"levels\": []}|" attempts "|f"

/* ---- who acts ------------------------------------------------------------- */

static struct principal user(const char *login, role_mask roles, const char *unit)
{
	struct principal p;
	memset(&p, 0, sizeof(p));
	p.kind = PRINCIPAL_USER;
	snprintf(p.subject, sizeof(p.subject), "%s", login);
	snprintf(p.owner, sizeof(p.owner), "%s", login);
	snprintf(p.unit, sizeof(p.unit), "%s", unit);
	snprintf(p.mail, sizeof(p.mail), "%s@example.org", login);
	p.roles = roles;
	return p;
}

static struct principal token(const char *name, const char *owner, role_mask roles)
{
	struct principal p;
	memset(&p, 0, sizeof(p));
	p.kind = PRINCIPAL_TOKEN;
	snprintf(p.subject, sizeof(p.subject), "%s", name);
	snprintf(p.owner, sizeof(p.owner), "%s", owner);
	p.roles = roles;
	return p;
}

#define R(r) ROLE_BIT(ROLE_##r)

static struct principal hr, boss, vice, tech, lead, auditor, stranger, head_tributaria, head_control, ana;

static void people(void)
{
	hr = user("hr.ana", R(HR), "");
	boss = user("boss", R(TIM_HEAD), "tim");
	vice = user("vice", R(TIM_HEAD), "tim");
	tech = user("tech.luis", R(TIM_TECH), "tim");
	lead = user("lead.rosa", R(TIM_LEAD), "tim");
	auditor = user("audit.eva", R(AUDITOR), "");
	stranger = user("pablo", R(EMPLOYEE), "aaf");
	head_tributaria = user("jefa.trib", R(UNIT_HEAD), "tributaria");
	head_control = user("jefe.ctrl", R(UNIT_HEAD), "control");
	ana = user("maria.cruz", R(EMPLOYEE), "tributaria");	/* the person of the requests */
}

/* ---- helpers ---------------------------------------------------------------- */

static json_t *parse(const char *s)
{
	json_error_t je;
	json_t *j = json_loads(s, JSON_DECODE_ANY, &je);
	if (j == NULL) {
		fprintf(stderr, "test JSON does not parse: %s: %s\n", s, je.text);
		exit(2);
	}
	return j;
}

#define SCRIPT(a) fake_db_script(a, sizeof(a) / sizeof(a[0]))

/* The outcome: a success (code NULL) with a body, or the error named. */
static int expect_outcome(const char *what, const struct outcome *o, int status, const char *code,
			  const char *field, const char *says)
{
	int ok = code == NULL ? o->status == status && o->code == NULL && o->body != NULL
			      : o->status == status && o->code != NULL && strcmp(o->code, code) == 0 &&
				o->body == NULL && strcmp(o->field, field) == 0 && strstr(o->message, says) != NULL;
	CHECK(ok, "%s: got %d %s field '%s' '%s', want %d %s field '%s' saying '%s'", what, o->status,
	      o->code ? o->code : "(body)", o->field, o->message, status, code ? code : "(body)", field ? field : "",
	      says ? says : "");
	if (!ok)
		fake_db_dump();
	return ok;
}

/* A refusal writes nothing: no COMMIT and none of the writes; the
 * transaction, when one was begun, ends in ROLLBACK. */
static void expect_nothing_written(const char *what)
{
	static const char *const writes[] = { "person.create", "person.rehire", "login", "request.create", "request.state",
		"request.step", "changelog.append", "queue.insert", "request.mode", "task.open", "COMMIT", NULL };
	for (int i = 0; writes[i]; i++)
		CHECK(fake_db_count(writes[i]) == 0, "%s: %s was written", what, writes[i]);
	int n = fake_db_ncalls(), begin = fake_db_find("BEGIN", 0);
	if (begin >= 0 && !fake_db_call(begin)->failed)
		CHECK(n > 0 && strcmp(fake_db_call(n - 1)->name, "ROLLBACK") == 0, "%s: the transaction does not end "
		      "in ROLLBACK (%s)", what, n > 0 ? fake_db_call(n - 1)->name : "nothing");
}

static void expect_in_order(const char *what, const char *const *names)
{
	const char *missing = NULL;
	int ok = fake_db_in_order(names, &missing);
	CHECK(ok, "%s: statement %s missing or out of order", what, missing ? missing : "?");
	if (!ok)
		fake_db_dump();
}

static void expect_all_used(const char *what)
{
	int n = fake_db_unused();
	CHECK(n == 0, "%s: %d scripted answer(s) never used: the engine did not ask what the scenario expects", what, n);
}

/* The n-th call named name (0 first), or -1. */
static int nth(const char *name, int n)
{
	int i = fake_db_find(name, 0);
	while (i >= 0 && n-- > 0)
		i = fake_db_find(name, i + 1);
	return i;
}

/* The change-log append whose action ($6) is action, or -1. */
static int changelog_of(const char *action, int from)
{
	for (int i = fake_db_find("changelog.append", from); i >= 0; i = fake_db_find("changelog.append", i + 1))
		if (fake_db_param(i, 5) && strcmp(fake_db_param(i, 5), action) == 0)
			return i;
	return -1;
}

/* The JSON array of strings as "a b c". */
static void words(json_t *a, char *out, size_t size)
{
	size_t i, off = 0;
	json_t *v;
	out[0] = '\0';
	json_array_foreach(a, i, v)
		off += (size_t)snprintf(out + off, off < size ? size - off : 0, "%s%s", i ? " " : "",
					json_string_value(v) ? json_string_value(v) : "?");
}

static const char *member(const char *json_text, const char *key, char *out, size_t size)
{
	json_t *j = json_text ? json_loads(json_text, 0, NULL) : NULL;
	json_t *v = json_object_get(j, key);
	if (json_is_string(v))
		snprintf(out, size, "%s", json_string_value(v));
	else if (v == NULL)
		snprintf(out, size, "(none)");
	else {
		char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
		snprintf(out, size, "%s", s ? s : "?");
		free(s);
	}
	json_decref(j);
	return out;
}

/* ---- the hire, from filing to the plugins' work ----------------------------------- */

static const struct fake_answer hire_filed[] = {
	FAKE_NONE("person.lock", "id,status,uid"),		/* nobody has E100 yet */
	FAKE_ROWS("person.create", "id", "7"),
	FAKE_FAIL("login", DB_CONFLICT),			/* maria.cruz is someone else's */
	FAKE_ROWS("person.get", PERSON_COLS, ANA("pending")),
	FAKE_ROWS("request.create", "id", "42"),
	FAKE_ROWS("request.get", REQUEST_COLS, REQUEST("hire", "submitted", "manual")),
};

static void test_hire_filed(const struct conf *c)
{
	SCRIPT(hire_filed);
	json_t *body = parse("{\"employee_number\": \"E100\", \"national_id\": \"CI-100\", "
			     "\"given_names\": \"  María   José \", \"family_names\": \"de la Cruz O'Brien\", "
			     "\"unit\": \"TRIBUTARIA \", \"position\": \"analista-tributario\", \"contract_type\": \"staff\", "
			     "\"start_date\": \"2026-12-01\", \"private_email\": \"ana.paz@correo.example\"}");
	struct outcome o;
	int asked = fake_dir_lookups();
	requests_create(c, &hr, WF_HIRE, body, NULL, &o);
	expect_outcome("hire filed", &o, 201, NULL, NULL, NULL);
	CHECK_INT(fake_dir_lookups() - asked, 2);	/* the unit and the position */
	char got[512];
	words(json_object_get(o.body, "your_actions"), got, sizeof(got));
	CHECK_STR(got, "cancel");	/* HR may cancel; approving is the head of TIM's */
	CHECK_INT(json_array_size(json_object_get(o.body, "actions")), 3);
	json_decref(o.body);

	static const char *const order[] = { "BEGIN", "person.lock", "person.create", "savepoint", "login",
		"rollback to savepoint", "login", "mail address", "person.get", "changelog.append", "request.create",
		"request.step", "changelog.append", "request.get", "COMMIT", NULL };
	expect_in_order("hire filed", order);
	CHECK_INT(fake_db_count("ROLLBACK"), 0);
	CHECK_INT(fake_db_count("queue.insert"), 0);	/* nothing is provisioned before the review */

	/* the person as stored: names tidied, the catalogue's spelling */
	int pc = fake_db_find("person.create", 0);
	CHECK_STR(fake_db_param(pc, 0), "E100");
	CHECK_STR(fake_db_param(pc, 2), "María José");
	CHECK_STR(fake_db_param(pc, 4), "tributaria");
	CHECK_STR(fake_db_param(pc, 8), NULL);		/* no end date */
	CHECK_STR(fake_db_param(pc, 9), "ana.paz@correo.example");
	/* the login: the first free candidate, and the mail made from it */
	CHECK_STR(fake_db_param(nth("login", 0), 1), "maria.cruz");
	CHECK_STR(fake_db_param(nth("login", 1), 1), "maria.cruz2");
	CHECK_STR(fake_db_param(nth("login", 1), 0), "7");
	CHECK_STR(fake_db_param(fake_db_find("mail address", 0), 1), "maria.cruz2@example.org");
	/* the change log has the person without the national id */
	int cl = changelog_of("person.create", 0);
	CHECK(cl >= 0 && fake_db_param(cl, 8) && strstr(fake_db_param(cl, 8), "CI-100") == NULL &&
	      strstr(fake_db_param(cl, 8), "maria.cruz") != NULL, "person.create logged without the national id: %s",
	      fake_db_param(cl, 8) ? fake_db_param(cl, 8) : "(none)");
	CHECK_STR(fake_db_param(cl, 0), "hr.ana");
	CHECK_STR(fake_db_param(cl, 1), "hr");
	/* the request: its payload without the private address */
	int rc = fake_db_find("request.create", 0);
	char v[256];
	CHECK_STR(fake_db_param(rc, 0), "hire");
	CHECK_STR(fake_db_param(rc, 1), "7");
	CHECK_STR(member(fake_db_param(rc, 2), "private_email", v, sizeof(v)), "(none)");
	CHECK_STR(member(fake_db_param(rc, 2), "unit", v, sizeof(v)), "tributaria");
	CHECK_STR(member(fake_db_param(rc, 2), "given_names", v, sizeof(v)), "María José");
	CHECK_STR(fake_db_param(rc, 3), NULL);		/* no effective time */
	CHECK_STR(fake_db_param(rc, 4), "hr.ana");
	CHECK_STR(fake_db_param(rc, 5), "hr");
	CHECK_STR(fake_db_param(rc, 6), "hr.ana@example.org");
	CHECK_STR(fake_db_param(rc, 7), "hr.ana");
	/* the first step */
	int st = fake_db_find("request.step", 0);
	CHECK_STR(fake_db_param(st, 0), "42");
	CHECK_STR(fake_db_param(st, 1), "submit");
	CHECK_STR(fake_db_param(st, 2), NULL);
	CHECK_STR(fake_db_param(st, 3), "submitted");
	CHECK_STR(fake_db_param(st, 4), "hr.ana");
	CHECK(changelog_of("hire.submit", st) > st, "the submit step is in the change log");
	expect_all_used("hire filed");
	json_decref(body);
}

static const struct fake_answer hire_approved[] = {
	FAKE_ROWS("request.lock", LOCK_COLS, LOCK("hire", "submitted", "hr.ana", "manual", "\\N", "0")),
	FAKE_ROWS("person.get", PERSON_COLS, ANA("pending")),
	FAKE_ROWS("queue.round", "provisioning_round", "1"),
	FAKE_ROWS("request.get", REQUEST_COLS, REQUEST("hire", "provisioning", "queued")),
};

static void test_hire_approved(const struct conf *c, fake_plugin_ops_fn *plugin_ops)
{
	SCRIPT(hire_approved);
	json_t *body = json_object();
	struct outcome o;
	requests_act(c, &boss, 42, "approve", body, NULL, NULL, &o);
	json_decref(body);
	expect_outcome("hire approved", &o, 200, NULL, NULL, NULL);
	char got[512];
	words(json_object_get(o.body, "your_actions"), got, sizeof(got));
	CHECK_STR(got, "rollback");	/* confirming is the technician's, and the plugins' here */
	json_decref(o.body);

	static const char *const order[] = { "BEGIN", "request.lock", "request.state", "person.get", "grants.snapshot",
		"grants.revoked_by", "queue.round", "queue.insert", "queue.insert", "queue.insert", "queue.notify",
		"request.mode", "request.step", "changelog.append", "request.get", "COMMIT", NULL };
	expect_in_order("hire approved", order);
	int s = fake_db_find("request.state", 0);
	CHECK_STR(fake_db_param(s, 1), "provisioning");
	CHECK_STR(fake_db_param(s, 2), "f");
	/* one operation per instance, in configuration order; groups waits for accounts */
	static const char *const instance[] = { "accounts", "groups", "pbx" };
	static const char *const depends[] = { "{}", "{accounts}", "{}" };
	CHECK_INT(fake_db_count("queue.insert"), 3);
	for (int i = 0; i < 3; i++) {
		int q = nth("queue.insert", i);
		char v[256];
		CHECK_STR(fake_db_param(q, 0), "42");
		CHECK_STR(fake_db_param(q, 1), "1");
		CHECK_STR(fake_db_param(q, 2), instance[i]);
		CHECK_STR(fake_db_param(q, 3), "create");
		CHECK_STR(member(fake_db_param(q, 4), "uid", v, sizeof(v)), "maria.cruz");
		CHECK_STR(member(fake_db_param(q, 4), "unit", v, sizeof(v)), "tributaria");
		CHECK_STR(member(fake_db_param(q, 5), "levels", v, sizeof(v)), "[]");
		CHECK_STR(fake_db_param(q, 6), depends[i]);
	}
	CHECK_STR(fake_db_param(fake_db_find("request.mode", 0), 1), "queued");
	int st = fake_db_find("request.step", 0);
	CHECK_STR(fake_db_param(st, 1), "approve");
	CHECK_STR(fake_db_param(st, 2), "submitted");
	CHECK_STR(fake_db_param(st, 3), "provisioning");
	CHECK_STR(fake_db_param(st, 4), "boss");
	CHECK_STR(fake_db_param(st, 5), "tim_head");
	CHECK_INT(fake_db_count("task.open"), 0);	/* the backup task is the exit's */
	const struct fake_plugin_op *ops;
	CHECK_INT(plugin_ops(&ops), 0);			/* the queue runs them, not the request */
	expect_all_used("hire approved");
}

/* The queue's worker: accounts, groups (retry, then ok on the second
 * attempt) and pbx; the last done operation moves the request on. */
static const struct fake_answer hire_worked[] = {
	FAKE_ROWS("queue.claim", CLAIM_COLS, CLAIM("501", "accounts", "1")),
	FAKE_ROWS("queue.claim", CLAIM_COLS, CLAIM("502", "groups", "1")),
	FAKE_ROWS("queue.claim", CLAIM_COLS, CLAIM("503", "pbx", "1")),
	FAKE_ROWS("queue.claim", CLAIM_COLS, CLAIM("502", "groups", "2")),
	FAKE_ALWAYS("queue.lock_op", "held", "1"),	/* the request and the operation, one statement */
	FAKE_ROWS("request.round_left", "left,total,tasks", "2|3|0"),	/* after accounts */
	FAKE_ROWS("request.round_left", "left,total,tasks", "1|3|0"),	/* after pbx (groups' retry asks nothing) */
	FAKE_ROWS("request.round_left", "left,total,tasks", "0|3|0"),	/* after groups */
	FAKE_ROWS("request.lock", LOCK_COLS, LOCK("hire", "provisioning", "hr.ana", "queued", "\\N", "1")),
	FAKE_ROWS("person.get", PERSON_COLS, ANA("pending")),	/* before; the after is not read again */
};

static void test_hire_worked(struct conf *c, fake_plugin_ops_fn *plugin_ops, fake_plugin_instantiations_fn *made)
{
	SCRIPT(hire_worked);
	const char *err = NULL;
	int made0, detached0;
	made("accounts", &made0, &detached0);
	CHECK(queue_start(c, &err) == 0, "queue_start: %s", err ? err : "?");
	int done = fake_db_wait("COMMIT", 4, 20000);
	queue_stop();
	CHECK(done == 0, "the worker finished 4 operations (got %d commits)", fake_db_count("COMMIT"));

	const struct fake_plugin_op *ops;
	int n = plugin_ops(&ops);
	static const struct { const char *instance; int attempt; enum pvd_status answered; long long id; } want[] = {
		{ "accounts", 1, PVD_OK, 501 }, { "groups", 1, PVD_RETRY, 502 }, { "pbx", 1, PVD_OK, 503 },
		{ "groups", 2, PVD_OK, 502 },
	};
	CHECK_INT(n, 4);
	for (int i = 0; i < n && i < 4; i++) {
		CHECK_STR(ops[i].instance, want[i].instance);
		CHECK_STR(ops[i].fn, "apply");
		CHECK_STR(ops[i].intent, "create");
		CHECK_INT(ops[i].attempt, want[i].attempt);
		CHECK_INT(ops[i].answered, want[i].answered);
		CHECK_INT(ops[i].id, want[i].id);
		CHECK_INT(ops[i].request_id, 42);
		CHECK_INT(ops[i].dry_run, 0);
		CHECK_STR(ops[i].employee_number, "E100");
		CHECK_STR(ops[i].uid, "maria.cruz");
		CHECK_STR(ops[i].params, "{\"groups\":[],\"levels\":[]}");
	}
	/* the worker's own instance, made on first use and detached when it stopped */
	int made1, detached1;
	made("accounts", &made1, &detached1);
	CHECK_INT(made1 - made0, 1);
	CHECK_INT(detached1 - detached0, 1);

	/* the retry waits with a delay and writes no change-log entry */
	int f = nth("queue.finish", 1);
	CHECK_STR(fake_db_param(f, 0), "502");
	CHECK_STR(fake_db_param(f, 1), "pending");
	CHECK_STR(fake_db_param(f, 2), "retry");
	CHECK(fake_db_param(f, 5) && atoi(fake_db_param(f, 5)) > 0, "a retry waits: delay %s",
	      fake_db_param(f, 5) ? fake_db_param(f, 5) : "(none)");
	f = nth("queue.finish", 3);
	CHECK_STR(fake_db_param(f, 0), "502");
	CHECK_STR(fake_db_param(f, 1), "done");
	CHECK_STR(fake_db_param(f, 2), "ok");
	CHECK_STR(fake_db_param(f, 4), "fake:groups/maria.cruz");
	CHECK_STR(fake_db_param(f, 5), "0");
	int groups_logged = 0;
	for (int i = changelog_of("create", 0); i >= 0; i = changelog_of("create", i + 1)) {
		groups_logged += fake_db_param(i, 4) && strcmp(fake_db_param(i, 4), "groups") == 0;
		CHECK_STR(fake_db_param(i, 0), "system");
		CHECK_STR(fake_db_param(i, 9), "ok");
	}
	CHECK_INT(groups_logged, 1);
	CHECK_INT(fake_db_count("request.round_left"), 3);

	/* the last one: the request moves on by itself, and the person is active */
	static const char *const order[] = { "queue.finish", "queue.finish", "queue.finish", "queue.finish",
		"request.round_left", "request.lock", "request.state", "person.get", "person.activate",
		"changelog.append", "request.step", "changelog.append", "queue.notify", "COMMIT", NULL };
	expect_in_order("hire worked", order);
	CHECK_STR(fake_db_param(fake_db_find("request.state", 0), 1), "verification");
	CHECK_STR(fake_db_param(fake_db_find("person.activate", 0), 1), "active");
	int st = fake_db_find("request.step", 0);
	CHECK_STR(fake_db_param(st, 1), "confirm");
	CHECK_STR(fake_db_param(st, 2), "provisioning");
	CHECK_STR(fake_db_param(st, 3), "verification");
	CHECK_STR(fake_db_param(st, 4), "system");
	CHECK_STR(fake_db_param(st, 6), "provisioned by plugins: 3 operation(s) done");
	int pa = changelog_of("person.activate", 0);
	char v[64];
	CHECK_STR(member(fake_db_param(pa, 7), "status", v, sizeof(v)), "pending");
	CHECK_STR(member(fake_db_param(pa, 8), "status", v, sizeof(v)), "active");
	expect_all_used("hire worked");
}

/* ---- what each provisioning step asks the plugins for ------------------------------ */

struct intent_case {
	const char *name;
	const struct principal *who;
	const char *action;
	const char *body;
	struct fake_answer answers[6];	/* besides person.get, queue.round and request.get */
	const char *state;		/* the state entered */
	const char *intent;		/* NULL: nothing queued */
	const char *instances;		/* the instances that get it, in order */
	const char *param_key;		/* a member of the operations' params */
	const char *param_value;
	const char *tasks;		/* the manual tasks opened */
};

static const struct intent_case intent_cases[] = {
	{ "hire", &boss, "approve", "{}",
	  { FAKE_ROWS("request.lock", LOCK_COLS, LOCK("hire", "submitted", "hr.ana", "manual", "\\N", "0")) },
	  "provisioning", "create", "accounts groups pbx", "revoke_levels", "[]", "" },
	/* an exit due now disables at once; the PBX keeps what it gave (on_exit = keep) */
	{ "exit due", &boss, "approve", "{}",
	  { FAKE_ROWS("request.lock", LOCK_COLS, LOCK("exit", "submitted", "hr.ana", "manual", "1000000000", "0")) },
	  "disabling", "disable", "accounts groups", "levels", "[]", "backup" },
	/* an exit due later waits for the scheduler */
	{ "exit later", &boss, "approve", "{}",
	  { FAKE_ROWS("request.lock", LOCK_COLS, LOCK("exit", "submitted", "hr.ana", "manual", "4102444800", "0")) },
	  "scheduled", NULL, "", NULL, NULL, "" },
	/* a transfer's operations see the person in the new unit */
	{ "transfer", &vice, "approve", "{}",
	  { FAKE_ROWS("request.lock", LOCK_COLS, LOCK("transfer", "submitted", "hr.ana", "manual", "\\N", "0")),
	    FAKE_ROWS("request.transfer_target", "unit,position", "control|auditor-interno") },
	  "provisioning", "update", "accounts groups pbx", NULL, NULL, "" },
	/* a call code goes to the PBX alone, with the level asked for */
	{ "call code", &boss, "approve", "{}",
	  { FAKE_ROWS("request.lock", LOCK_COLS, LOCK("call_code", "tim_review", "maria.cruz", "manual", "\\N", "0")),
	    FAKE_ROWS("request.payload", "action,level", "issue|mobile") },
	  "provisioning", "call_code", "pbx", "call_code", "{\"action\":\"issue\",\"level\":\"mobile\"}", "" },
	/* a hire rolled back: its accounts are disabled, never deleted */
	{ "hire rollback", &boss, "rollback", "{\"note\": \"wrong person\"}",
	  { FAKE_ROWS("request.lock", LOCK_COLS, LOCK("hire", "provisioning", "hr.ana", "queued", "\\N", "1")),
	    FAKE_ROWS("queue.round", "provisioning_round", "2") },
	  "rolling_back", "disable", "accounts groups", NULL, NULL, "" },
};

static void test_intents(const struct conf *c)
{
	for (size_t k = 0; k < sizeof(intent_cases) / sizeof(intent_cases[0]); k++) {
		const struct intent_case *ic = &intent_cases[k];
		static const struct fake_answer common[] = {
			FAKE_ALWAYS("person.get", PERSON_COLS, ANA("active")),
			FAKE_ROWS("queue.round", "provisioning_round", "1"),
			FAKE_ROWS("request.get", REQUEST_COLS, REQUEST("hire", "provisioning", "queued")),
		};
		int na = 0;
		while (na < 6 && ic->answers[na].name != NULL)
			na++;
		fake_db_script(ic->answers, (size_t)na);
		fake_db_append(common, sizeof(common) / sizeof(common[0]));
		json_t *body = parse(ic->body);
		struct outcome o;
		requests_act(c, ic->who, 42, ic->action, body, NULL, NULL, &o);
		json_decref(body);
		expect_outcome(ic->name, &o, 200, NULL, NULL, NULL);
		json_decref(o.body);
		CHECK(fake_db_param(fake_db_find("request.state", 0), 1) &&
		      strcmp(fake_db_param(fake_db_find("request.state", 0), 1), ic->state) == 0,
		      "%s: entered %s, want %s", ic->name, fake_db_param(fake_db_find("request.state", 0), 1), ic->state);
		char got[256] = "";
		size_t off = 0;
		for (int i = fake_db_find("queue.insert", 0); i >= 0; i = fake_db_find("queue.insert", i + 1)) {
			off += (size_t)snprintf(got + off, sizeof(got) - off, "%s%s", off ? " " : "", fake_db_param(i, 2));
			CHECK(ic->intent && strcmp(fake_db_param(i, 3), ic->intent) == 0, "%s: intent %s, want %s", ic->name,
			      fake_db_param(i, 3), ic->intent ? ic->intent : "none");
			if (ic->param_key != NULL) {
				char v[256];
				member(fake_db_param(i, 5), ic->param_key, v, sizeof(v));
				CHECK(strcmp(v, ic->param_value) == 0, "%s: params %s = %s, want %s", ic->name, ic->param_key,
				      v, ic->param_value);
			}
			if (strcmp(ic->name, "transfer") == 0) {
				char v[64];
				CHECK_STR(member(fake_db_param(i, 4), "unit", v, sizeof(v)), "control");
				CHECK_STR(member(fake_db_param(i, 4), "position", v, sizeof(v)), "auditor-interno");
			}
		}
		CHECK(strcmp(got, ic->instances) == 0, "%s: queued for '%s', want '%s'", ic->name, got, ic->instances);
		CHECK_INT(fake_db_count("queue.round"), ic->intent ? 1 : 0);
		char tasks[128] = "";
		off = 0;
		for (int i = fake_db_find("task.open", 0); i >= 0; i = fake_db_find("task.open", i + 1)) {
			off += (size_t)snprintf(tasks + off, sizeof(tasks) - off, "%s%s", off ? " " : "",
						fake_db_param(i, 2));
			CHECK_STR(fake_db_param(i, 4), "tim_tech");
			CHECK_STR(fake_db_param(i, 5), "[\"copy the files\",\"check the mail\"]");
		}
		CHECK(strcmp(tasks, ic->tasks) == 0, "%s: tasks '%s', want '%s'", ic->name, tasks, ic->tasks);
		CHECK(fake_db_count("COMMIT") == 1, "%s: committed", ic->name);
	}
}

/* The two special effects, checked on their own: an exit ends every grant;
 * a rollback abandons what its round still had waiting. */
static void test_effects(const struct conf *c)
{
	static const struct fake_answer exit_due[] = {
		FAKE_ROWS("request.lock", LOCK_COLS, LOCK("exit", "submitted", "hr.ana", "manual", "1000000000", "0")),
		FAKE_ROWS("grants.snapshot", "kind,name", "level|tributario:read"),
		FAKE_NONE("grants.snapshot", "kind,name"),
		FAKE_ROWS("person.get", PERSON_COLS, ANA("active")),
		FAKE_ROWS("queue.round", "provisioning_round", "1"),
		FAKE_ROWS("request.get", REQUEST_COLS, REQUEST("exit", "disabling", "queued")),
	};
	SCRIPT(exit_due);
	json_t *body = json_object();
	struct outcome o;
	requests_act(c, &boss, 42, "approve", body, NULL, NULL, &o);
	expect_outcome("exit due", &o, 200, NULL, NULL, NULL);
	json_decref(o.body);
	static const char *const order[] = { "request.state", "grants.snapshot", "grants.end_all", "grants.snapshot",
		"changelog.append", "person.get", "queue.round", NULL };
	expect_in_order("exit due", order);
	int cl = changelog_of("access.end_all", 0);
	char v[128];
	CHECK_STR(member(fake_db_param(cl, 7), "levels", v, sizeof(v)), "[\"tributario:read\"]");
	CHECK_STR(member(fake_db_param(cl, 8), "levels", v, sizeof(v)), "[]");
	CHECK_STR(fake_db_param(cl, 6), "person/E100/access");

	static const struct fake_answer rollback[] = {
		FAKE_ROWS("request.lock", LOCK_COLS, LOCK("hire", "provisioning", "hr.ana", "queued", "\\N", "3")),
		FAKE_ROWS("person.get", PERSON_COLS, ANA("pending")),
		FAKE_ROWS("queue.round", "provisioning_round", "4"),
		FAKE_ROWS("request.get", REQUEST_COLS, REQUEST("hire", "rolling_back", "queued")),
	};
	SCRIPT(rollback);
	json_object_set_new(body, "note", json_string("filed for the wrong person"));
	requests_act(c, &boss, 42, "rollback", body, NULL, NULL, &o);
	json_decref(body);
	expect_outcome("rollback", &o, 200, NULL, NULL, NULL);
	json_decref(o.body);
	int ab = fake_db_find("request.abandon_round", 0);
	CHECK_STR(fake_db_param(ab, 0), "42");
	CHECK_STR(fake_db_param(ab, 1), "3");		/* the round being abandoned, not the new one */
	static const char *const rb_order[] = { "request.state", "request.abandon_round", "grants.snapshot",
		"grants.undo_revoke", "grants.undo_grant", "grants.snapshot", "queue.round", "queue.insert",
		"request.step", "COMMIT", NULL };
	expect_in_order("rollback", rb_order);
	CHECK_INT(changelog_of("access.undo", 0), -1);	/* held nothing: nothing to record */
	CHECK_STR(fake_db_param(fake_db_find("request.step", 0), 6), "filed for the wrong person");
}

/* ---- refusals: nothing is written ------------------------------------------------ */

struct refusal {
	const char *name;
	const struct principal *who;
	const char *lock;		/* request.lock's row; NULL: no such request */
	const char *action;
	const char *body;
	const char *tasks;		/* task.open_count's row, or NULL */
	int status;
	const char *code, *field, *says;
	int begins;			/* 0: refused before the transaction */
};

#define SUBMITTED_HIRE LOCK("hire", "submitted", "hr.ana", "manual", "\\N", "0")

static const struct refusal refusals[] = {
	/* the role the step needs */
	{ "a technician approves", &tech, SUBMITTED_HIRE, "approve", "{}", NULL,
	  403, "forbidden", "action", "'approve' here needs the role tim_head", 1 },
	{ "HR approves", &hr, SUBMITTED_HIRE, "approve", "{}", NULL, 403, "forbidden", "action", "needs the role tim_head", 1 },
	{ "the lead confirms a verification", &lead, LOCK("hire", "verification", "hr.ana", "queued", "\\N", "1"),
	  "confirm", "{}", NULL, 403, "forbidden", "action",
	  "needs the role tim_tech or to be the person the request is about", 1 },
	{ "a person starts a scheduled exit", &boss, LOCK("exit", "scheduled", "hr.ana", "manual", "4102444800", "0"),
	  "start", "{}", NULL, 403, "forbidden", "action", "is taken by the service itself", 1 },
	/* separation of duties: people, not credentials */
	{ "the head of TIM approves what they filed", &boss, LOCK("hire", "submitted", "boss", "manual", "\\N", "0"),
	  "approve", "{}", NULL, 403, "forbidden", "action",
	  "separation of duties: boss submitted this request and cannot approve it", 1 },
	{ "the technician confirms what they filed", &tech, LOCK("hire", "provisioning", "tech.luis", "manual", "\\N", "1"),
	  "confirm", "{}", NULL, 403, "forbidden", "action", "separation of duties", 1 },
	/* the state */
	{ "approve in verification", &boss, LOCK("hire", "verification", "hr.ana", "queued", "\\N", "1"), "approve", "{}",
	  NULL, 409, "conflict", "action",
	  "hire request 42 is verification: 'approve' is not possible now; possible: confirm (tim_tech, the person), "
	  "reject (tim_tech, the person)", 1 },
	{ "approve a closed hire", &boss, LOCK("hire", "closed", "hr.ana", "queued", "\\N", "1"), "approve", "{}", NULL,
	  409, "conflict", "action", "possible: nothing (final state)", 1 },
	{ "resubmit what was not returned", &hr, SUBMITTED_HIRE, "resubmit", "{\"data\": {}}", NULL,
	  409, "conflict", "action", "'resubmit' is not possible now", 1 },
	{ "confirm what the plugins run", &tech, LOCK("hire", "provisioning", "hr.ana", "queued", "\\N", "1"), "confirm",
	  "{}", NULL, 409, "conflict", "action", "is run by plugins and moves on by itself", 1 },
	{ "confirm with a task open", &tech, LOCK("exit", "disabling", "hr.ana", "manual", "1000000000", "1"), "confirm",
	  "{}", "backup|tim_tech", 409, "conflict", "action", "waits for 1 manual task(s): backup (tim_tech)", 1 },
	/* notes */
	{ "return without a note", &boss, SUBMITTED_HIRE, "return", "{}", NULL,
	  400, "missing_field", "note", "'return' needs a note saying why", 1 },
	{ "return with an empty note", &boss, SUBMITTED_HIRE, "return", "{\"note\": \"\"}", NULL,
	  400, "missing_field", "note", "needs a note", 1 },
	{ "conclude without a note", &boss, LOCK("hire", "concluding", "hr.ana", "queued", "\\N", "1"), "approve", "{}",
	  NULL, 400, "missing_field", "note", "(the conclusion note HR will read)", 1 },
	/* what one may not see does not exist */
	{ "no such request", &boss, NULL, "approve", "{}", NULL, 404, "not_found", "", "no request 42", 1 },
	{ "a stranger's look", &stranger, SUBMITTED_HIRE, "approve", "{}", NULL, 404, "not_found", "", "no request 42", 1 },
	{ "another unit's head", &head_control, LOCK("call_code", "submitted", "maria.cruz", "manual", "\\N", "0"),
	  "approve", "{}", NULL, 404, "not_found", "", "no request 42", 1 },
	/* refused before the database is asked */
	{ "an unknown action", &boss, NULL, "fly", "{}", NULL, 404, "not_found", "action", "unknown action 'fly'", 0 },
	{ "an unknown member", &boss, NULL, "approve", "{\"colour\": \"red\"}", NULL,
	  400, "invalid_field", "colour", "unknown field 'colour'", 0 },
	{ "a note that is no string", &boss, NULL, "return", "{\"note\": 5}", NULL,
	  400, "invalid_field", "note", "must be a string", 0 },
};

static void test_refusals(const struct conf *c)
{
	for (size_t k = 0; k < sizeof(refusals) / sizeof(refusals[0]); k++) {
		const struct refusal *rf = &refusals[k];
		struct fake_answer a[2] = {
			FAKE_ROWS("request.lock", LOCK_COLS, rf->lock),
			FAKE_ROWS("task.open_count", "name,role", rf->tasks),
		};
		fake_db_script(a, rf->tasks ? 2 : 1);
		json_t *body = parse(rf->body);
		struct outcome o;
		requests_act(c, rf->who, 42, rf->action, body, NULL, NULL, &o);
		json_decref(body);
		expect_outcome(rf->name, &o, rf->status, rf->code, rf->field, rf->says);
		expect_nothing_written(rf->name);
		CHECK(rf->begins ? fake_db_count("BEGIN") == 1 : fake_db_ncalls() == 0, "%s: %d statements", rf->name,
		      fake_db_ncalls());
		json_decref(o.body);
	}
}

/* Separation of duties with what the engine itself recorded: the head of
 * TIM files a hire, then neither they nor their token may approve it;
 * another head of TIM may. */
static void test_separation_of_duties(const struct conf *c)
{
	SCRIPT(hire_filed);
	json_t *body = parse("{\"employee_number\": \"E100\", \"national_id\": \"CI-100\", \"given_names\": \"María José\", "
			     "\"family_names\": \"de la Cruz O'Brien\", \"unit\": \"tributaria\", "
			     "\"position\": \"analista-tributario\", \"contract_type\": \"staff\", \"start_date\": \"2026-12-01\"}");
	struct outcome o;
	requests_create(c, &boss, WF_HIRE, body, NULL, &o);
	json_decref(body);
	expect_outcome("the head of TIM files", &o, 201, NULL, NULL, NULL);
	json_decref(o.body);
	int rc = fake_db_find("request.create", 0);
	char by[160], owner[160], role[32];
	snprintf(by, sizeof(by), "%s", fake_db_param(rc, 4) ? fake_db_param(rc, 4) : "?");
	snprintf(role, sizeof(role), "%s", fake_db_param(rc, 5) ? fake_db_param(rc, 5) : "?");
	snprintf(owner, sizeof(owner), "%s", fake_db_param(rc, 7) ? fake_db_param(rc, 7) : "?");
	CHECK_STR(by, "boss");
	CHECK_STR(role, "tim_head");
	CHECK_STR(owner, "boss");

	char lock[512];
	snprintf(lock, sizeof(lock), "hire|submitted|%s|7|E100|maria.cruz|manual|\\N|0|%s|tributaria|1", by, owner);
	struct principal bot = token("head-bot", "boss", R(TIM_HEAD));
	static const struct { const struct principal *who; int status; const char *says; } tries[] = {
		{ &boss, 403, "separation of duties: boss submitted this request and cannot approve it" },
		{ NULL, 403, "separation of duties: token:head-bot acts for boss, who submitted this request" },
		{ &vice, 200, NULL },
	};
	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		struct fake_answer a[] = {
			FAKE_ROWS("request.lock", LOCK_COLS, lock),
			FAKE_ROWS("person.get", PERSON_COLS, ANA("pending")),
			FAKE_ROWS("queue.round", "provisioning_round", "1"),
			FAKE_ROWS("request.get", REQUEST_COLS, REQUEST("hire", "provisioning", "queued")),
		};
		SCRIPT(a);
		body = json_object();
		requests_act(c, tries[i].who ? tries[i].who : &bot, 42, "approve", body, NULL, NULL, &o);
		json_decref(body);
		if (tries[i].status == 200) {
			expect_outcome("another head of TIM approves", &o, 200, NULL, NULL, NULL);
			CHECK_STR(fake_db_param(fake_db_find("request.step", 0), 4), "vice");
		} else {
			expect_outcome("the filer approves", &o, 403, "forbidden", "action", tries[i].says);
			expect_nothing_written("the filer approves");
		}
		json_decref(o.body);
	}
}

/* ---- filing: who for whom, and what the directory and database say ----------------------- */

struct filing {
	const char *name;
	const struct principal *who;
	enum wf_type type;
	const char *body;
	struct fake_answer answers[3];
	int dir_down;
	int status;
	const char *code, *field, *says;
};

#define HIRE_BODY(unit, position) "{\"employee_number\": \"E100\", \"national_id\": \"CI-100\", " \
	"\"given_names\": \"María José\", \"family_names\": \"de la Cruz O'Brien\", \"unit\": \"" unit "\", " \
	"\"position\": \"" position "\", \"contract_type\": \"staff\", \"start_date\": \"2026-12-01\"}"
#define EXIT_BODY "{\"employee_number\": \"E100\", \"effective_at\": \"2026-12-01T18:00:00Z\", \"reason\": \"leaves\"}"
#define ACCESS_BODY(part) "{\"employee_number\": \"E100\", \"justification\": \"needs it\", " part "}"
#define CC_BODY "{\"employee_number\": \"E100\", \"level\": \"mobile\", \"justification\": \"suppliers\"}"
#define PERSON(status) FAKE_ROWS("person.lock", "id,status,uid", "7|" status "|maria.cruz")
#define NO_ANSWERS { { .name = NULL } }
#define NOBODY FAKE_NONE("person.lock", "id,status,uid")

static const struct filing filings[] = {
	/* the directory's catalogue, asked before any transaction */
	{ "a unit not in the catalogue", &hr, WF_HIRE, HIRE_BODY("nowhere", "analista-tributario"), NO_ANSWERS, 0,
	  400, "invalid_field", "unit", "unknown unit 'nowhere': there is no ou=nowhere under ou=units,dc=example,dc=org" },
	{ "a position not in the catalogue", &hr, WF_HIRE, HIRE_BODY("tributaria", "astronaut"), NO_ANSWERS, 0,
	  400, "invalid_field", "position", "unknown position 'astronaut'" },
	{ "the directory is down", &hr, WF_HIRE, HIRE_BODY("tributaria", "analista-tributario"), NO_ANSWERS, 1,
	  503, "unavailable", "unit", "cannot check unit 'tributaria' against the directory" },
	{ "a group not in the directory", &boss, WF_ACCESS, ACCESS_BODY("\"grant\": {\"groups\": [\"no-such-group\"]}"),
	  NO_ANSWERS, 0, 400, "invalid_field", "grant.groups[0]", "unknown group 'no-such-group'" },
	{ "input is checked first", &hr, WF_EXIT, "{\"employee_number\": \"E100\"}", NO_ANSWERS, 0,
	  400, "missing_field", "effective_at", "is required" },
	/* the person's state */
	{ "a hire of someone active", &hr, WF_HIRE, HIRE_BODY("tributaria", "analista-tributario"), { PERSON("active") }, 0,
	  409, "conflict", "employee_number", "E100 is already active: a hire needs an exit first" },
	{ "an exit of nobody", &hr, WF_EXIT, EXIT_BODY, { NOBODY }, 0,
	  404, "not_found", "employee_number", "no person with employee_number E100" },
	{ "a transfer of someone disabled", &hr, WF_TRANSFER,
	  "{\"employee_number\": \"E100\", \"unit\": \"control\", \"position\": \"analista-tributario\"}",
	  { PERSON("disabled") }, 0, 409, "conflict", "employee_number", "E100 is disabled, not active: there is nothing "
	  "to disable or move" },
	{ "an exit while the hire is open", &hr, WF_EXIT, EXIT_BODY,
	  { PERSON("active"), FAKE_ROWS("request.open", "id,type,state", "40|hire|verification") }, 0,
	  409, "conflict", "employee_number", "E100 has an open hire request (40, state verification): finish or cancel "
	  "it first" },
	{ "a second exit", &hr, WF_EXIT, EXIT_BODY,
	  { PERSON("active"), FAKE_ROWS("request.open", "id,type,state", "41|exit|scheduled") }, 0,
	  409, "conflict", "employee_number", "E100 already has an open exit request (41, state scheduled)" },
	{ "a position held by one person at a time", &hr, WF_HIRE, HIRE_BODY("tributaria", "jefe-tributario"),
	  { NOBODY, FAKE_ROWS("position.holder", "employee_number,uid,what", "E050|jefe.uno|holds it") }, 0,
	  409, "conflict", "position", "position jefe-tributario is held by one person at a time (pvdSingleHolder in the "
	  "catalogue), and E050 (jefe.uno) holds it" },
	/* who may file for whom */
	{ "access asked by another unit's head", &head_control, WF_ACCESS, ACCESS_BODY("\"grant\": {\"groups\": [\"tim-staff\"]}"),
	  { PERSON("active"), FAKE_ROWS("person.unit", "unit", "tributaria") }, 0,
	  403, "forbidden", "employee_number", "as head of unit control you may ask access only for the people of your "
	  "unit, and E100 is not one of them" },
	/* the same answer when there is no such person: nothing is told */
	{ "access asked for nobody", &head_control, WF_ACCESS, ACCESS_BODY("\"grant\": {\"groups\": [\"tim-staff\"]}"),
	  { NOBODY }, 0, 403, "forbidden", "employee_number", "as head of unit control you may ask access only for the "
	  "people of your unit, and E100 is not one of them" },
	{ "revoking what is not held", &boss, WF_ACCESS,
	  ACCESS_BODY("\"revoke\": {\"levels\": [{\"system\": \"tributario\", \"level\": \"read\"}]}"),
	  { PERSON("active"), FAKE_NONE("grants.held", "held") }, 0,
	  409, "conflict", "revoke", "E100 holds no level 'tributario:read' granted by a request: nothing to revoke" },
	{ "a call code asked by an auditor", &auditor, WF_CALLCODE, CC_BODY, { PERSON("active") }, 0,
	  403, "forbidden", "employee_number", "a call code for E100 is asked by that person or by the head of their unit" },
	{ "a call code asked by another unit's head", &head_control, WF_CALLCODE, CC_BODY,
	  { PERSON("active"), FAKE_ROWS("person.unit", "unit", "tributaria") }, 0,
	  403, "forbidden", "employee_number", "as head of unit control you may ask a call code only for the people" },
	/* the database */
	{ "the database is down", &hr, WF_EXIT, EXIT_BODY, { FAKE_FAIL("BEGIN", DB_UNAVAILABLE) }, 0,
	  503, "unavailable", "", "the database is unavailable" },
};

static void test_filings(const struct conf *c)
{
	for (size_t k = 0; k < sizeof(filings) / sizeof(filings[0]); k++) {
		const struct filing *f = &filings[k];
		int na = 0;
		while (na < 3 && f->answers[na].name != NULL)
			na++;
		fake_db_script(f->answers, (size_t)na);
		fake_dir_down(f->dir_down);
		json_t *body = parse(f->body);
		struct outcome o;
		requests_create(c, f->who, f->type, body, NULL, &o);
		json_decref(body);
		fake_dir_down(0);
		expect_outcome(f->name, &o, f->status, f->code, f->field, f->says);
		expect_nothing_written(f->name);
		if (f->status == 400 || f->dir_down)
			CHECK(fake_db_ncalls() == 0, "%s: refused before the database, yet %d statements", f->name,
			      fake_db_ncalls());
		else
			expect_all_used(f->name);
		json_decref(o.body);
	}
}

/* A unit head's own filing of a call code is their approval (PR01 step 3);
 * the person's own filing waits for that unit head. */
static void test_call_code_filed(const struct conf *c)
{
	static const struct { const char *name; const struct principal *who; const char *role; const char *steps; } cases[] = {
		{ "by the person", &ana, "employee", "submit" },
		{ "by their unit head", &head_tributaria, "unit_head", "submit approve" },
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct fake_answer a[] = {
			PERSON("active"),
			FAKE_ROWS("person.unit", "unit", "tributaria"),
			FAKE_ROWS("request.create", "id", "42"),
			FAKE_ROWS("request.get", REQUEST_COLS, REQUEST("call_code", "submitted", "manual")),
		};
		fake_db_script(a, cases[k].who == &ana ? 1 : 2);
		fake_db_append(a + 2, 2);
		json_t *body = parse(CC_BODY);
		struct outcome o;
		requests_create(c, cases[k].who, WF_CALLCODE, body, NULL, &o);
		expect_outcome(cases[k].name, &o, 201, NULL, NULL, NULL);
		json_decref(o.body);
		char v[64];
		int rc = fake_db_find("request.create", 0);
		CHECK_STR(fake_db_param(rc, 5), cases[k].role);
		CHECK_STR(member(fake_db_param(rc, 2), "action", v, sizeof(v)), "issue");	/* the default, stored */
		char steps[128] = "";
		size_t off = 0;
		for (int i = fake_db_find("request.step", 0); i >= 0; i = fake_db_find("request.step", i + 1))
			off += (size_t)snprintf(steps + off, sizeof(steps) - off, "%s%s", off ? " " : "", fake_db_param(i, 1));
		CHECK(strcmp(steps, cases[k].steps) == 0, "call code %s: steps '%s', want '%s'", cases[k].name, steps,
		      cases[k].steps);
		if (cases[k].who == &head_tributaria) {
			CHECK_STR(fake_db_param(fake_db_find("request.state", 0), 1), "tim_review");
			/* the approving unit head hears how it ends */
			CHECK_STR(fake_db_param(fake_db_find("request.notify_add", 0), 1), "jefa.trib@example.org");
		} else
			CHECK_INT(fake_db_count("request.state"), 0);
		json_decref(body);
	}
}

int main(void)
{
	procedures_register_all();	/* as main() does: the procedures, and the queue telling the engine */
	queue_on_done(engine_operation_done);
	log_set_level(getenv("UNIT_VERBOSE") ? LOG_LVL_DEBUG : LOG_LVL_ERROR);
	people();
	fake_dir_set(catalogue, sizeof(catalogue) / sizeof(catalogue[0]));

	unsigned frame = t_push();	/* the errors' strings (tpool.h) */
	char text[2048];
	const char *err = NULL;
	snprintf(text, sizeof(text), conf_fmt, FAKE_PLUGIN_SO, FAKE_PLUGIN_SO, FAKE_PLUGIN_SO);
	struct conf *c = conf_parse("engine.conf", text, &err);
	if (c == NULL) {
		fprintf(stderr, "test-engine: the configuration is refused: %s\n", err ? err : "?");
		return 1;
	}
	if (plugins_load(c, &err) < 0) {
		fprintf(stderr, "test-engine: %s\n", err ? err : "plugins_load failed");
		return 1;
	}
	for (int i = 0; i < plugins_count(); i++)
		if (plugins_get(i)->plugin == NULL) {
			fprintf(stderr, "test-engine: plugin %s did not load: %s (make check builds %s)\n",
				plugins_get(i)->name, plugins_get(i)->error, FAKE_PLUGIN_SO);
			return 1;
		}
	CHECK_INT(plugins_count(), 3);
	/* the copy the host loaded: what it records, and how often it was made */
	void *dl = dlopen(FAKE_PLUGIN_SO, RTLD_NOW | RTLD_NOLOAD);
	fake_plugin_ops_fn *plugin_ops = NULL;
	fake_plugin_instantiations_fn *made = NULL;
	if (dl != NULL) {
		*(void **)&plugin_ops = dlsym(dl, FAKE_PLUGIN_OPS);
		*(void **)&made = dlsym(dl, FAKE_PLUGIN_INSTANTIATIONS);
	}
	if (plugin_ops == NULL || made == NULL) {
		fprintf(stderr, "test-engine: %s exports no %s/%s\n", FAKE_PLUGIN_SO, FAKE_PLUGIN_OPS,
			FAKE_PLUGIN_INSTANTIATIONS);
		return 1;
	}
	int m, d;
	made("groups", &m, &d);
	CHECK(m == 1 && d == 1, "the host checked the instance's keys once: made %d, detached %d", m, d);
	conf_set_current(c);	/* the queue's worker takes it from there */

	test_hire_filed(c);
	test_hire_approved(c, plugin_ops);
	test_hire_worked(c, plugin_ops, made);
	test_intents(c);
	test_effects(c);
	test_refusals(c);
	test_separation_of_duties(c);
	test_filings(c);
	test_call_code_filed(c);

	fake_db_script(NULL, 0);
	plugins_unload();
	if (dl != NULL)
		dlclose(dl);
	conf_set_current(NULL);	/* drops c */
	t_pop(frame);
	return unit_done("test-engine");
}
