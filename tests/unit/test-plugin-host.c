/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The plugin host (plugin_host.c) with tests/plugins/fake-plugin.c: the
 * "after" edges, ABI 1.2 configuration checked once per instance, plugins
 * built for ABI 1.1, capabilities (dry run, call codes, shared handles)
 * and the intent table. */
#include "config.h"
#include "plugin_host.h"
#include "buf.h"
#include "conf.h"
#include "log.h"
#include "tpool.h"
#include "unit.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>

#ifndef FAKE_PLUGIN
#error FAKE_PLUGIN: the path of the built tests/plugins/fake.so
#endif

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

/* A configuration of plugin lines only: "inst.key=value;..." on lines 1, 2, ...
 * "FAKE" in a value is the fake plugin's path. */
static struct conf *conf_of(const char *lines)
{
	struct conf *c = xcalloc(1, sizeof(*c));
	char *copy = xstrdup(lines), *save = NULL;
	c->path = xstrdup("t.conf");
	c->plugin_dir = xstrdup("/nonexistent");
	for (char *p = strtok_r(copy, ";", &save); p; p = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(p, '=');
		*eq = '\0';
		c->plugin_kv = xrealloc(c->plugin_kv, sizeof(*c->plugin_kv) * (size_t)(c->plugin_kv_count + 1));
		struct conf_kv *kv = &c->plugin_kv[c->plugin_kv_count];
		kv->key = xasprintf("plugin.%s", p);
		kv->value = xstrdup(strcmp(eq + 1, "FAKE") == 0 ? FAKE_PLUGIN : eq + 1);
		kv->line = ++c->plugin_kv_count;
	}
	free(copy);
	return c;
}

static void conf_free(struct conf *c)
{
	for (int i = 0; i < c->plugin_kv_count; i++) {
		free(c->plugin_kv[i].key);
		free(c->plugin_kv[i].value);
	}
	free(c->plugin_kv);
	free(c->path);
	free(c->plugin_dir);
	free(c);
}

/* plugins_load of lines with PVD_FAKE = variant: its return, *error_r. */
static int load(const char *variant, const char *lines, const char **error_r)
{
	struct conf *c = conf_of(lines);
	if (variant)
		setenv("PVD_FAKE", variant, 1);
	else
		unsetenv("PVD_FAKE");
	*error_r = NULL;
	int rc = plugins_load(c, error_r);
	conf_free(c);	/* the host keeps copies */
	return rc;
}

static const char *broken(int i)
{
	const struct plugin_instance *pi = plugins_get(i);
	return pi && pi->plugin == NULL ? pi->error : NULL;
}

/* Runs intent on instance i: the status, the message in msg. */
static enum pvd_status run(int i, const char *intent, int dry, char *msg, size_t size)
{
	json_t *person = json_pack("{s:s}", "uid", "ana");
	struct pvd_op op = { 0, 1, intent, person, NULL, 1, dry };
	struct pvd_result res;
	enum pvd_status st = plugins_run(i, &op, &res);
	snprintf(msg, size, "%s", res.message);
	json_decref(res.before);
	json_decref(res.after);
	json_decref(person);
	return st;
}

static int counter(const char *msg, const char *name)
{
	char *key = xasprintf(" %s=", name);
	const char *p = strstr(msg, key);
	free(key);
	return p ? atoi(strchr(p, '=') + 1) : -1;
}

struct in_thread {
	int instance;
	char msg[1024];
};

static void *thread_run(void *arg)
{
	struct in_thread *t = arg;
	run(t->instance, "create", 0, t->msg, sizeof(t->msg));
	plugins_thread_close();
	return NULL;
}

static void run_in_thread(int i, char *msg, size_t size)
{
	struct in_thread t = { i, "" };
	pthread_t th;
	pthread_create(&th, NULL, thread_run, &t);
	pthread_join(th, NULL);
	snprintf(msg, size, "%s", t.msg);
}

/* A cycle, or a missing instance, reached through any edge of "after",
 * not only the first one named. */
static void test_after_edges(void)
{
	static const struct { const char *name, *lines, *want; } cases[] = {
		{ "cycle through the second edge",
		  "a.library=FAKE;a.after=b;b.library=FAKE;b.after=c, a;c.library=FAKE",
		  "t.conf: plugin.a.after makes a cycle" },
		{ "cycle through the third edge of another instance",
		  "a.library=FAKE;b.library=FAKE;b.after=a c d;c.library=FAKE;d.library=FAKE;d.after=a,b",
		  "t.conf: plugin.b.after makes a cycle" },
		{ "unknown instance on the second edge",
		  "a.library=FAKE;a.after=b, nobody;b.library=FAKE",
		  "t.conf: plugin.a.after: no plugin instance named 'nobody'" },
		{ "no cycle: a diamond", "a.library=FAKE;a.greeting=x;b.library=FAKE;b.greeting=x;b.after=a;"
		  "c.library=FAKE;c.greeting=x;c.after=a;d.library=FAKE;d.greeting=x;d.after=b, c", NULL },
	};
	for (size_t i = 0; i < NCASES(cases); i++) {
		const char *err = NULL;
		int rc = load(NULL, cases[i].lines, &err);
		if (cases[i].want == NULL)
			CHECK(rc == 0, "%s: got %d (%s) want 0", cases[i].name, rc, err ? err : "");
		else
			CHECK(rc == -1 && err != NULL && strcmp(err, cases[i].want) == 0, "%s: got %d '%s' want '%s'",
			      cases[i].name, rc, err ? err : "(null)", cases[i].want);
		plugins_unload();
	}
}

/* ABI 1.2: the host checks the lines once, configure() runs once per
 * instance, open() once per thread (plus the try at load). */
static void test_configured_once(void)
{
	char msg[1024], msg2[1024];
	const char *err = NULL;
	CHECK_INT(load(NULL, "a.library=FAKE;a.greeting=hi;a.unit.tim=x", &err), 0);
	CHECK(broken(0) == NULL, "loads: %s", broken(0) ? broken(0) : "");
	CHECK_INT(plugins_get(0)->abi_minor, 2);
	CHECK_INT(run(0, "create", 0, msg, sizeof(msg)), PVD_OK);
	CHECK(strncmp(msg, "apply create greeting=hi ", 25) == 0, "got '%s'", msg);
	run_in_thread(0, msg2, sizeof(msg2));
	CHECK_INT(counter(msg2, "configure"), counter(msg, "configure"));
	CHECK_INT(counter(msg2, "open"), counter(msg, "open") + 1);
	CHECK_INT(counter(msg2, "detach"), counter(msg, "detach"));
	run_in_thread(0, msg, sizeof(msg));
	CHECK_INT(counter(msg, "configure"), counter(msg2, "configure"));
	CHECK_INT(counter(msg, "detach"), counter(msg2, "detach") + 1);	/* the other thread's, at its end */
	CHECK_INT(counter(msg, "instantiate"), 0);
	plugins_unload();
}

static void test_refused_configuration(void)
{
	static const struct { const char *name, *lines, *want; } cases[] = {
		{ "unknown key", "a.library=FAKE;a.greeting=hi;a.colour=blue",
		  "t.conf: plugin key 'colour' (line 3) is not known to fake (greeting, count, unit.<unit>)" },
		{ "bad value", "a.library=FAKE;a.count=10;a.greeting=hi",
		  "t.conf: plugin key 'count' (line 2): '10' is not a number from 1 to 9" },
		{ "missing", "a.library=FAKE", "t.conf: plugin key 'greeting' is required: what the fake says" },
		{ "configure refuses", "a.library=FAKE;a.count=7;a.greeting=hi", "t.conf: plugin key 'count' (line 2): 7 is unlucky" },
		{ "configure refuses (no line)", "a.library=FAKE;a.greeting=broken", "t.conf: greeting: broken" },
		{ "open refuses", "a.library=FAKE;a.greeting=noopen", "t.conf: cannot open" },
		{ "host keys are not the plugin's", "a.library=FAKE;a.greeting=hi;a.on_exit=keep;a.call_codes=no", NULL },
	};
	for (size_t i = 0; i < NCASES(cases); i++) {
		const char *err = NULL;
		char msg[1024];
		CHECK(load(NULL, cases[i].lines, &err) == 0, "%s: a plugin's refusal is not the host's: %s",
		      cases[i].name, err ? err : "");
		const char *why = broken(0);
		if (cases[i].want == NULL)
			CHECK(why == NULL, "%s: broken: %s", cases[i].name, why);
		else {
			CHECK(why != NULL && strcmp(why, cases[i].want) == 0, "%s: got '%s' want '%s'", cases[i].name,
			      why ? why : "(loaded)", cases[i].want);
			/* a broken instance's operations wait */
			CHECK_INT(run(0, "create", 0, msg, sizeof(msg)), PVD_RETRY);
		}
		plugins_unload();
	}
}

/* A plugin built for ABI 1.1 (no abi_minor; members after remove are not
 * its own) still loads and parses its raw lines on every thread. */
static void test_old_abi(void)
{
	char msg[1024], msg2[1024];
	const char *err = NULL;
	CHECK_INT(load("old", "a.library=FAKE;a.greeting=hola", &err), 0);
	CHECK(broken(0) == NULL, "a 1.1 plugin loads: %s", broken(0) ? broken(0) : "");
	CHECK_INT(plugins_get(0)->abi_minor, 0);
	CHECK_INT(plugins_get(0)->flags, PVD_PLUGIN_DRY_RUN | PVD_PLUGIN_CALL_CODES);
	CHECK_INT(run(0, "update", 0, msg, sizeof(msg)), PVD_OK);
	CHECK(strncmp(msg, "apply update greeting=hola ", 27) == 0, "got '%s'", msg);
	run_in_thread(0, msg2, sizeof(msg2));
	CHECK_INT(counter(msg2, "instantiate"), counter(msg, "instantiate") + 1);
	CHECK_INT(counter(msg2, "open"), 0);
	CHECK_INT(run(0, "read", 1, msg, sizeof(msg)), PVD_OK);	/* 1.1 plugins plan */
	CHECK_INT(plugins_get(0)->call_codes, 0);	/* only when marked */
	plugins_unload();

	CHECK_INT(load("old", "a.library=FAKE;a.greeting=hola;a.call_codes=yes", &err), 0);
	CHECK_INT(plugins_get(0)->call_codes, 1);
	plugins_unload();

	CHECK_INT(load("old", "a.library=FAKE;a.colour=blue", &err), 0);
	CHECK_STR(broken(0), "t.conf: plugin key 'colour' (line 2) is not known to fake-old");
	plugins_unload();
}

/* What a 1.0/1.1 host would do with a 1.2 plugin: call instantiate(),
 * which says why it will not run there. */
static void test_new_plugin_in_old_host(void)
{
	unsetenv("PVD_FAKE");
	void *dl = dlopen(FAKE_PLUGIN, RTLD_NOW | RTLD_LOCAL);
	CHECK(dl != NULL, "dlopen: %s", dlerror());
	if (dl == NULL)
		return;
	const struct pvd_plugin *(*entry)(void);
	*(void **)&entry = dlsym(dl, PVD_PLUGIN_ENTRY);
	const struct pvd_plugin *p = entry();
	void *inst = (void *)1;
	char *err = NULL;
	CHECK_INT(p->instantiate(NULL, "a", NULL, 0, &inst, &err), -1);
	CHECK(inst == NULL, "no handle");
	CHECK_STR(err, "this plugin needs a provisiond with plugin ABI 1.2 or later");
	free(err);
	dlclose(dl);
}

static void test_dry_run_capability(void)
{
	char msg[1024];
	const char *err = NULL;
	CHECK_INT(load("nodry", "a.library=FAKE;a.greeting=hi", &err), 0);
	CHECK_INT(run(0, "create", 1, msg, sizeof(msg)), PVD_FAIL);
	CHECK_STR(msg, "plugin fake cannot plan: it does not do dry runs");
	CHECK_INT(run(0, "create", 0, msg, sizeof(msg)), PVD_OK);
	plugins_unload();
	CHECK_INT(load(NULL, "a.library=FAKE;a.greeting=hi", &err), 0);
	CHECK_INT(run(0, "create", 1, msg, sizeof(msg)), PVD_OK);
	CHECK(strstr(msg, " dry=1") != NULL, "the plan was the plugin's: '%s'", msg);
	plugins_unload();
}

static void test_call_codes(void)
{
	/* want: the instance that takes call codes (-1: none); or a broken one */
	static const struct { const char *name, *variant, *lines; int want; const char *broken; } cases[] = {
		/* as before ABI 1.2: being able to is not being asked to */
		{ "declares it, not marked: none", NULL, "a.library=FAKE;a.greeting=x", -1, NULL },
		{ "declares it, marked", NULL, "a.library=FAKE;a.greeting=x;a.call_codes=yes", 0, NULL },
		{ "two declare it: none", NULL, "a.library=FAKE;a.greeting=x;b.library=FAKE;b.greeting=x", -1, NULL },
		{ "two declare it, one marked", NULL,
		  "a.library=FAKE;a.greeting=x;b.library=FAKE;b.greeting=x;b.call_codes=yes", 1, NULL },
		{ "marked no", NULL, "a.library=FAKE;a.greeting=x;a.call_codes=no", -1, NULL },
		{ "does not declare it", "nocall", "a.library=FAKE;a.greeting=x", -1, NULL },
		{ "marked, cannot", "nocall", "a.library=FAKE;a.greeting=x;a.call_codes=yes", 0,
		  "t.conf: plugin.a.call_codes = yes, but fake does not take call codes" },
	};
	for (size_t i = 0; i < NCASES(cases); i++) {
		const char *err = NULL;
		CHECK(load(cases[i].variant, cases[i].lines, &err) == 0, "%s: %s", cases[i].name, err ? err : "");
		int got = -1;
		for (int k = 0; k < plugins_count(); k++)
			if (plugins_takes(k, "call_code"))
				got = k;
		CHECK(got == cases[i].want, "%s: got instance %d want %d", cases[i].name, got, cases[i].want);
		CHECK_INT(plugins_any_takes("call_code"), cases[i].want >= 0);
		const char *why = broken(0);
		CHECK(cases[i].broken ? why && strcmp(why, cases[i].broken) == 0 : why == NULL,
		      "%s: got '%s' want '%s'", cases[i].name, why ? why : "(loaded)", cases[i].broken ? cases[i].broken : "(loaded)");
		plugins_unload();
	}
}

/* PVD_PLUGIN_SHARED: one handle, made at load, for every thread. */
static void test_shared(void)
{
	char msg[1024], msg2[1024];
	const char *err = NULL;
	CHECK_INT(load("shared", "a.library=FAKE;a.greeting=hi", &err), 0);
	CHECK(broken(0) == NULL, "loads: %s", broken(0) ? broken(0) : "");
	CHECK_INT(run(0, "create", 0, msg, sizeof(msg)), PVD_OK);
	run_in_thread(0, msg2, sizeof(msg2));
	CHECK_INT(counter(msg2, "open"), counter(msg, "open"));
	CHECK_INT(counter(msg2, "detach"), counter(msg, "detach"));	/* not detached at the thread's end */
	plugins_unload();
}

/* Each intent runs the plugin's operation its row names. */
static void test_intents(void)
{
	static const struct { const char *intent; enum pvd_status want; const char *message; } cases[] = {
		{ "create", PVD_OK, "apply create" },
		{ "update", PVD_OK, "apply update" },
		{ "call_code", PVD_OK, "apply call_code" },
		{ "disable", PVD_OK, "disable disable" },
		{ "enable", PVD_OK, "enable enable" },
		{ "read", PVD_OK, "read read" },
		{ "remove", PVD_FAIL, "plugin fake does not support 'remove'" },
		{ "delete", PVD_FAIL, "plugin fake does not support 'delete'" },
	};
	char msg[1024];
	const char *err = NULL;
	CHECK_INT(load(NULL, "a.library=FAKE;a.greeting=hi;b.library=FAKE;b.greeting=hi;b.on_exit=keep", &err), 0);
	for (size_t i = 0; i < NCASES(cases); i++) {
		enum pvd_status st = run(0, cases[i].intent, 0, msg, sizeof(msg));
		CHECK(st == cases[i].want, "%s: got %s want %s", cases[i].intent, pvd_status_name(st),
		      pvd_status_name(cases[i].want));
		CHECK(strncmp(msg, cases[i].message, strlen(cases[i].message)) == 0, "%s: got '%s' want '%s...'",
		      cases[i].intent, msg, cases[i].message);
	}
	CHECK_INT(plugins_takes(0, "disable"), 1);
	CHECK_INT(plugins_takes(1, "disable"), 0);	/* on_exit = keep */
	CHECK_INT(plugins_takes(1, "create"), 1);
	CHECK_INT(plugins_takes(1, "call_code"), 0);	/* two declare it */
	CHECK_INT(run(7, "create", 0, msg, sizeof(msg)), PVD_FAIL);
	CHECK_STR(msg, "no plugin instance 7");
	plugins_unload();
	for (int k = 0; k < PLUGIN_INTENT_COUNT; k++)
		CHECK_INT(plugin_intent_parse(plugin_intent_name(k)), k);
	CHECK_INT(plugin_intent_parse("disable"), PLUGIN_INTENT_DISABLE);
	CHECK_INT(plugin_intent_parse("nothing"), -1);
	CHECK_INT(plugin_intent_parse(NULL), -1);
	CHECK_STR(plugin_intent_name(PLUGIN_INTENT_CALL_CODE), "call_code");
	CHECK(plugin_intent_name(PLUGIN_INTENT_COUNT) == NULL, "no name past the table");
}

int main(void)
{
	log_setup("test-plugin-host", LOG_LVL_WARN, 0);
	unsigned frame = t_push();	/* the refusals' messages (tpool.h) */
	test_after_edges();
	test_configured_once();
	test_refused_configuration();
	test_old_abi();
	test_new_plugin_in_old_host();
	test_dry_run_capability();
	test_call_codes();
	test_shared();
	test_intents();
	t_pop(frame);
	return unit_done("test-plugin-host");
}
