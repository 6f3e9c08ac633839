/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	plugin_host - load plugins, hold their instances, run operations
 * DESCRIPTION
 *	plugins_load() reads the plugin.<instance>.* lines of the
 *	configuration, dlopen()s each instance's library (plugin_dir/<name>.so,
 *	or the build tree's plugin_dir/<name>/.libs/<name>.so) and checks the
 *	ABI (provisiond-plugin.h). A plugin of ABI 1.2 has its keys checked
 *	against its configuration rows (plugin_conf.c) and configure()d once
 *	per instance, then is opened once to see that it opens; an older
 *	plugin is instantiated once with the raw lines. A library that will
 *	not load or an instance whose configuration is refused is kept as
 *	"broken" with the reason: logged at start, shown in /v1/health, and
 *	its operations wait (RETRY) instead of being lost.
 *
 *	Host keys of an instance (not passed to the plugin): library, after
 *	(every instance named must finish first; a cycle through any of the
 *	edges is refused), on_exit = disable | keep (the grace setting: keep
 *	leaves what this instance gave in place when a person leaves; their
 *	accounts are still disabled by the other instances, and nothing is
 *	ever deleted), and call_codes = yes | no. Which instance gets
 *	call-code operations: the one marked call_codes = yes, else the one
 *	instance whose plugin declares PVD_PLUGIN_CALL_CODES (and is not
 *	marked no). A mark on a plugin that declares it cannot take them
 *	makes the instance broken.
 *
 *	Capabilities: a plugin without PVD_PLUGIN_DRY_RUN is never given a
 *	dry run (the host answers FAIL: it cannot plan). Handles: each thread
 *	gets its own on first use (so each worker holds its own connections),
 *	detached when the thread ends; a PVD_PLUGIN_SHARED plugin has one
 *	handle for every thread, made at load and detached at unload.
 *
 *	Intents are rows of one table (plugin_intent): the operation of the
 *	plugin that runs it and which instances take it.
 */
#ifndef PVD_PLUGIN_HOST_H
#define PVD_PLUGIN_HOST_H

#include <jansson.h>
#include "conf.h"
#include "provisiond-plugin.h"

struct plugin_instance {
	char *name;			/* the <instance> of plugin.<instance>.* */
	char *library;
	char **after;			/* instances that must finish first */
	int nafter;
	int skip_on_exit;		/* plugin.X.on_exit = keep: exits leave it alone */
	int call_codes;			/* gets call codes: the PBX that issues them */
	int call_codes_key;		/* plugin.X.call_codes: 1 yes, 0 no, -1 not given */
	struct pvd_kv *kv;
	int nkv;
	void *dl;
	const struct pvd_plugin *plugin;	/* NULL when broken */
	char *error;			/* why it is broken */
	unsigned abi_minor;		/* 0: older than 1.2 (no abi_minor member) */
	unsigned flags;			/* PVD_PLUGIN_*: declared, or assumed for older plugins */
	void *conf;			/* the checked configuration (ABI 1.2), else NULL */
	void *shared;			/* the one handle of a PVD_PLUGIN_SHARED plugin */
};

/* 0, or -1 when the plugin lines themselves are malformed (*error_r, in
 * the caller's frame: tpool.h). */
int plugins_load(const struct conf *c, const char **error_r);
void plugins_unload(void);
int plugins_count(void);
const struct plugin_instance *plugins_get(int i);
int plugins_find(const char *name);	/* index or -1 */

/* The intents a plugin is given (pvd_op.intent), one row each in
 * plugin_host.c's table: the plugin's operation that runs it and which
 * instances take it. */
enum plugin_intent {
	PLUGIN_INTENT_CREATE,		/* apply */
	PLUGIN_INTENT_UPDATE,		/* apply */
	PLUGIN_INTENT_DISABLE,		/* disable; not the on_exit = keep instances */
	PLUGIN_INTENT_ENABLE,		/* enable */
	PLUGIN_INTENT_READ,		/* read */
	PLUGIN_INTENT_REMOVE,		/* remove (optional in a plugin) */
	PLUGIN_INTENT_CALL_CODE,	/* apply; only the instance that takes call codes */
	PLUGIN_INTENT_COUNT
};
/* "create" -> PLUGIN_INTENT_CREATE; -1 when no intent is called so. */
int plugin_intent_parse(const char *name);
/* The name of an intent; NULL outside the enum. */
const char *plugin_intent_name(enum plugin_intent intent);

/* Runs op->intent (a name of plugin_intent) of instance i on this
 * thread's handle. Always fills res (RETRY when broken or not
 * instantiable, FAIL for an intent the plugin has no operation for). */
enum pvd_status plugins_run(int i, const struct pvd_op *op, struct pvd_result *res);
/* Does instance i get operations of intent? Not a disable when it is
 * on_exit = keep; a call_code only when it is the call_codes instance;
 * any other intent (also one of no row) every instance. */
int plugins_takes(int i, const char *intent);
/* Does any instance get operations of intent? */
int plugins_any_takes(const char *intent);
/* check() on this thread's instance; *message_r is what it wrote (the
 * ABI's buffer, copied into the caller's frame: tpool.h). */
enum pvd_status plugins_check(int i, const char **message_r);
/* The last check() of instance i if it is at most max_age_ms old, else a
 * new one: /v1/health answers often, and every check is a round trip to
 * the target. */
enum pvd_status plugins_check_cached(int i, int max_age_ms, const char **message_r);
void plugins_thread_close(void);

const char *pvd_status_name(enum pvd_status s);

/* Secrets the plugin handed over (pvd_host.deliver_secret) during this
 * thread's last plugins_run() that answered OK; wiped by the next run or
 * plugins_secrets_clear(). */
struct plugin_secret {
	char what[32];		/* sip_password, call_code */
	char *secret;
	char *rcpt;		/* the person's mail address */
	char *note;
};
int plugins_secrets(const struct plugin_secret **s_r);
void plugins_secrets_clear(void);

#endif
