/*
 * NAME
 *	plugin_host - load plugins, hold their instances, run operations
 * DESCRIPTION
 *	plugins_load() reads the plugin.<instance>.* lines of the
 *	configuration, dlopen()s each instance's library (plugin_dir/<name>.so,
 *	or the build tree's plugin_dir/<name>/.libs/<name>.so), checks the ABI
 *	and instantiates it once to check the configuration. A library that
 *	will not load or an instance that will not instantiate is kept as
 *	"broken" with the reason: logged at start, shown in /v1/health, and
 *	its operations wait (RETRY) instead of being lost.
 *
 *	Host keys of an instance (not passed to the plugin): library, after,
 *	call_codes = yes (the one instance that gets call-code operations),
 *	and on_exit = disable | keep (the grace setting: keep leaves what this
 *	instance gave in place when a person leaves; their accounts are still
 *	disabled by the other instances, and nothing is ever deleted).
 *
 *	Each thread gets its own instances on first use (so each worker holds
 *	its own connections), detached when the thread ends.
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
	int call_codes;			/* plugin.X.call_codes = yes: the PBX that issues call codes */
	struct pvd_kv *kv;
	int nkv;
	void *dl;
	const struct pvd_plugin *plugin;	/* NULL when broken */
	char *error;			/* why it is broken */
};

/* 0, or -1 when the plugin lines themselves are malformed (error_r). */
int plugins_load(const struct conf *c, char **error_r);
void plugins_unload(void);
int plugins_count(void);
const struct plugin_instance *plugins_get(int i);
int plugins_find(const char *name);	/* index or -1 */

/* Runs intent ("create", "update", "disable", "enable", "read") of instance
 * i on this thread's instance. Always fills res (RETRY when broken or not
 * instantiable). */
enum pvd_status plugins_run(int i, const struct pvd_op *op, struct pvd_result *res);
/* Does instance i get operations of intent? Not a disable when it is
 * on_exit = keep; a call_code only when it is the call_codes instance. */
int plugins_takes(int i, const char *intent);
/* Does any instance get operations of intent? */
int plugins_any_takes(const char *intent);
/* check() on this thread's instance; message filled. */
enum pvd_status plugins_check(int i, char *message, size_t size);
/* The last check() of instance i if it is at most max_age_ms old, else a
 * new one: /v1/health answers often, and every check is a round trip to
 * the target. */
enum pvd_status plugins_check_cached(int i, int max_age_ms, char *message, size_t size);
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
