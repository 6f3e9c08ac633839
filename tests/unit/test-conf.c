/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Config parsing: values, defaults, comments, quotes, and every error
 * naming file, line and key. */
#include "config.h"
#include "conf.h"
#include "log.h"
#include "tpool.h"
#include "unit.h"

#include <stdlib.h>

#define BASE "db_conninfo = host=127.0.0.1 dbname=x\nldap_uri = ldapi://%2Ftmp%2Fs\nldap_base_dn = dc=example,dc=org\n"

static void test_good(void)
{
	const char *err = NULL;
	struct conf *c = conf_parse("t.conf",
		"# a comment\n"
		"   \n"
		BASE
		"listen_port = 9090\n"
		"log_level = debug\n"
		"pid_file = \"  /tmp/x.pid \"\n"
		"role_group_hr = cn=provisiond-hr,ou=roles,dc=example,dc=org\n"
		"plugin.ldap1.uri = ldapi:///\n"
		"plugin.grp.unit.tributaria = a, b\n", &err);
	CHECK(c != NULL, "good config refused: %s", err ? err : "");
	if (c == NULL)
		return;
	CHECK_INT(c->listen_port, 9090);
	CHECK_INT(c->http_threads, 4);		/* default */
	CHECK_INT(c->log_level, 0);		/* debug */
	CHECK_INT(c->log_format, LOG_FORMAT_TEXT);	/* default */
	CHECK_STR(c->pid_file, "  /tmp/x.pid ");
	CHECK_STR(c->listen_address, "127.0.0.1");
	CHECK_STR(c->ldap_people_dn, "ou=people,dc=example,dc=org");
	CHECK_STR(c->role_group[ROLE_HR], "cn=provisiond-hr,ou=roles,dc=example,dc=org");
	CHECK_INT(c->plugin_kv_count, 2);
	CHECK_STR(c->plugin_kv[1].key, "plugin.grp.unit.tributaria");
	CHECK_STR(c->plugin_kv[0].key, "plugin.ldap1.uri");
	CHECK_INT(c->ldap_auth, LDAP_AUTH_SASL_EXTERNAL);
	conf_put(&c);
	CHECK(c == NULL, "conf_put must NULL the pointer");
}

static const struct { const char *name, *text, *want; } bad[] = {
	{ "unknown key", BASE "lissen_port = 1\n", "t.conf:4: lissen_port: unknown key" },
	{ "not a number", BASE "listen_port = 80x\n", "t.conf:4: listen_port: '80x' is not a whole number" },
	{ "out of range", BASE "listen_port = 70000\n", "t.conf:4: listen_port: 70000 is out of range (1 to 65535)" },
	{ "no equals", BASE "listen_port 80\n", "t.conf:4: expected 'key = value', got 'listen_port 80'" },
	{ "twice", BASE "listen_port = 1\nlisten_port = 2\n", "t.conf:5: listen_port: set twice (first at line 4)" },
	{ "bad level", BASE "log_level = loud\n", "t.conf:4: log_level: 'loud' is not one of debug, info, warning, error" },
	{ "bad bool", BASE "ldap_starttls = maybe\n", "t.conf:4: ldap_starttls: 'maybe' is not yes or no" },
	{ "unterminated", BASE "pid_file = \"abc\n", "t.conf:4: pid_file: unterminated quoted value" },
	{ "missing db", "ldap_uri = ldapi:///\nldap_base_dn = dc=x\n", "t.conf: db_conninfo: is required (a libpq connection string)" },
	{ "bad uri", "db_conninfo = x\nldap_uri = http://x\nldap_base_dn = dc=x\n",
	  "t.conf: ldap_uri: 'http://x' is not an ldapi://, ldap:// or ldaps:// URI" },
	{ "external needs ldapi", "db_conninfo = x\nldap_uri = ldap://127.0.0.1\nldap_base_dn = dc=x\n",
	  "t.conf: ldap_auth: sasl_external needs an ldapi:// ldap_uri (or use simple)" },
	{ "simple needs tls", "db_conninfo = x\nldap_uri = ldap://127.0.0.1\nldap_base_dn = dc=x\nldap_auth = simple\n"
	  "ldap_bind_dn = cn=x\nldap_bind_password_file = /nonexistent\nldap_starttls = no\n",
	  "t.conf: ldap_auth: simple bind over ldap:// needs ldap_starttls = yes" },
	{ "password file", "db_conninfo = x\nldap_uri = ldap://127.0.0.1\nldap_base_dn = dc=x\nldap_auth = simple\n"
	  "ldap_bind_dn = cn=x\nldap_bind_password_file = /nonexistent/pw\n",
	  "t.conf: ldap_bind_password_file: open(/nonexistent/pw) failed: No such file or directory" },
	{ "plugin key shape", BASE "plugin.x = 1\n", "t.conf:4: plugin.x: plugin keys are plugin.<instance>.<key>" },
	{ "plugin instance chars", BASE "plugin.a/b.uri = 1\n", "t.conf:4: plugin.a/b.uri: plugin keys are plugin.<instance>.<key>" },
	{ "control char", BASE "pid_file = a\001b\n", "t.conf:4: control character in line" },
	{ "access system name", BASE "access.Trib.levels = read\n",
	  "t.conf:4: access.Trib.levels: a system name is 1-48 of a-z, 0-9, '-' and '_'" },
	{ "access level name", BASE "access.trib.levels = read, wr ite!\n",
	  "t.conf:4: access.trib.levels: level 'ite!': a level name is 1-48 of a-z, 0-9, '-' and '_'" },
	{ "access level twice", BASE "access.trib.levels = read, read\n",
	  "t.conf:4: access.trib.levels: level 'read' listed twice" },
	{ "access key", BASE "access.trib.colour = red\n", "t.conf:4: access.trib.colour: unknown access key 'colour' (levels, title)" },
	{ "access no levels", BASE "access.trib.title = Tributario\n",
	  "t.conf:4: access: access system trib needs access.trib.levels (a comma-separated list)" },
	{ "smtp user without password", BASE "smtp_username = provisiond\n",
	  "t.conf: smtp_password_file: smtp_username is set: the password file is needed too" },
	{ "notify_hr not an address", BASE "notify_hr = recursos humanos\n",
	  "t.conf: notify_hr: 'recursos humanos' is not a mail address" },
	{ "outbox retry order", BASE "outbox_retry_base = 60\noutbox_retry_max = 10\n",
	  "t.conf: outbox_retry_max: 10 is less than outbox_retry_base (60)" },
	{ "log format", BASE "log_format = yaml\n", "t.conf:4: log_format: 'yaml' is not text or json" },
	{ "log format case", BASE "log_format = JSON\n", "t.conf:4: log_format: 'JSON' is not text or json" },
	{ "call code auto step", BASE "workflow_auto_call_code = lunch\n",
	  "t.conf: workflow_auto_call_code: unknown step 'lunch' (steps: review, verification, report, conclusion, close)" },
};

static void test_catalogue(void)
{
	const char *err = NULL;
	struct conf *c = conf_parse("t.conf", BASE "access.tributario.title = Sistema tributario\n"
				    "access.tributario.levels = read, write,admin\n"
				    "access.network.levels = internet-internal vpn\n"
				    "workflow_auto_access = verification\n", &err);
	CHECK(c != NULL, "catalogue refused: %s", err ? err : "");
	if (c == NULL)
		return;
	CHECK_INT(c->nsystems, 2);
	const struct access_system *as = conf_access_system(c, "tributario");
	CHECK(as && as->nlevels == 3 && strcmp(as->title, "Sistema tributario") == 0, "tributario read");
	CHECK(as && conf_access_level_known(as, "admin") && !conf_access_level_known(as, "delete"), "levels known");
	as = conf_access_system(c, "network");
	CHECK(as && as->nlevels == 2 && strcmp(as->levels[1], "vpn") == 0, "network levels");
	CHECK(conf_access_system(c, "nomina") == NULL, "unknown system");
	CHECK_INT(c->auto_steps[WF_ACCESS], WF_AUTO_VERIFICATION);
	CHECK_STR(c->smtp_from, "provisiond@example.org");	/* from mail_domain when not set */
	CHECK_INT(c->smtp_url[0], 0);
	conf_put(&c);
}

static void test_bad(void)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *err = NULL;
		struct conf *c = conf_parse("t.conf", bad[i].text, &err);
		CHECK(c == NULL, "%s: accepted", bad[i].name);
		CHECK(err != NULL && strcmp(err, bad[i].want) == 0, "%s: got '%s' want '%s'",
		      bad[i].name, err ? err : "(null)", bad[i].want);
		conf_put(&c);
	}
}

static void test_restart_needed(void)
{
	const char *err = NULL;
	struct conf *a = conf_parse("a", BASE "listen_port = 1\nlog_level = info\n", &err);
	struct conf *b = conf_parse("b", BASE "listen_port = 2\nlog_level = debug\n", &err);
	char *r = conf_restart_needed(a, b);
	CHECK_STR(r, "listen_port");	/* log_level is reloadable */
	free(r);
	struct conf *j = conf_parse("j", BASE "listen_port = 1\nlog_level = info\nlog_format = json\n", &err);
	CHECK(j != NULL && j->log_format == LOG_FORMAT_JSON, "log_format = json: %s", err ? err : "");
	r = conf_restart_needed(a, j);
	CHECK(r == NULL, "log_format is reloadable, got '%s'", r ? r : "");
	free(r);
	conf_put(&j);
	r = conf_restart_needed(a, a);
	CHECK(r == NULL, "same config needs no restart");
	conf_put(&a);
	conf_put(&b);
}

/* The documented example must stay a valid configuration. */
static void test_example_file(void)
{
	const char *src = getenv("abs_top_srcdir");
	char path[4096];
	const char *err = NULL;
	snprintf(path, sizeof(path), "%s/contrib/provisiond.conf.example", src ? src : ".");
	struct conf *c = conf_load(path, &err);
	CHECK(c != NULL, "example config refused: %s", err ? err : "");
	if (c != NULL)
		CHECK_STR(c->role_group[ROLE_TIM_HEAD], "cn=provisiond-tim-heads,ou=roles,dc=example,dc=org");
	conf_put(&c);
}

int main(void)
{
	unsigned frame = t_push();	/* the errors' strings (tpool.h) */
	test_example_file();
	test_good();
	test_bad();
	test_catalogue();
	test_restart_needed();
	t_pop(frame);
	return unit_done("test-conf");
}
