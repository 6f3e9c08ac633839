/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	plugin_host - plugin loading and per-thread instances (see plugin_host.h)
 */
#include "config.h"
#include "plugin_host.h"
#include "plugin_conf.h"
#include "buf.h"
#include "directory.h"
#include "log.h"
#include "text.h"
#include "tpool.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct check_cache {
	enum pvd_status status;
	char message[512];
	struct timespec at;
	int valid;
};
static struct check_cache *check_cache;
static int ncheck_cache;
static pthread_mutex_t check_lock = PTHREAD_MUTEX_INITIALIZER;

static struct plugin_instance *insts;
static int ninsts;
static pthread_key_t thread_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

struct thread_insts {
	int n;
	void **inst;		/* per plugin_instance, NULL until made */
};

const char *pvd_status_name(enum pvd_status s)
{
	static const char *const n[] = { "ok", "noop", "notfound", "conflict", "retry", "fail", "config" };
	return (unsigned)s < sizeof(n) / sizeof(n[0]) ? n[s] : "?";
}

static void host_log(enum pvd_log_level level, const char *instance, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	text_vformat(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	static const enum log_level map[] = { LOG_LVL_DEBUG, LOG_LVL_INFO, LOG_LVL_WARN, LOG_LVL_ERROR };
	switch (map[(unsigned)level < 4 ? level : 3]) {
	case LOG_LVL_DEBUG: log_debug("plugin %s: %s", instance, msg); break;
	case LOG_LVL_INFO: log_info("plugin %s: %s", instance, msg); break;
	case LOG_LVL_WARN: log_warn("plugin %s: %s", instance, msg); break;
	default: log_error("plugin %s: %s", instance, msg); break;
	}
}

/* ---- secrets handed over by plugins (deliver_secret) ------------------------
 * Held per thread for the operation being run, never logged; the queue
 * worker turns them into outbox mail in the transaction that records the
 * operation as done, then wipes them. */
#define MAX_SECRETS 4
/* the longest message plugins_check() takes from a plugin's check() */
#define CHECK_MESSAGE_MAX 1024
static _Thread_local struct plugin_secret secrets[MAX_SECRETS];
static _Thread_local int nsecrets;
static _Thread_local const struct pvd_op *running_op;

int plugins_secrets(const struct plugin_secret **s_r)
{
	*s_r = secrets;
	return nsecrets;
}

void plugins_secrets_clear(void)
{
	for (int i = 0; i < nsecrets; i++) {
		if (secrets[i].secret != NULL) {
			explicit_bzero(secrets[i].secret, strlen(secrets[i].secret));
			free(secrets[i].secret);
		}
		free(secrets[i].rcpt);
		free(secrets[i].note);
		memset(&secrets[i], 0, sizeof(secrets[i]));
	}
	nsecrets = 0;
}

/* pvd_host.deliver_secret: *error_r is malloc'd, the plugin ABI's way
 * (provisiond-plugin.h), not the daemon's frame */
static int host_deliver_secret(const struct pvd_op *op, const char *what, const char *secret,
			       const char *note, char **error_r)
{
	const char *mail = json_string_value(json_object_get(op ? op->person : NULL, "mail"));
	if (op == NULL || op != running_op || op->dry_run) {
		*error_r = xstrdup("deliver_secret: called outside the operation being run (or in a dry run)");
		return -1;
	}
	if (what == NULL || (strcmp(what, "sip_password") != 0 && strcmp(what, "call_code") != 0)) {
		*error_r = xasprintf("deliver_secret: unknown kind '%s' (sip_password or call_code)", what ? what : "");
		return -1;
	}
	if (secret == NULL || secret[0] == '\0' || strlen(secret) > 128) {
		*error_r = xasprintf("deliver_secret: the %s is empty or longer than 128 characters", what);
		return -1;
	}
	if (mail == NULL || strchr(mail, '@') == NULL) {
		*error_r = xasprintf("the person has no institutional mail address to deliver the %s to "
				     "(configure the mail plugin to run before this one)", what);
		return -1;
	}
	if (nsecrets == MAX_SECRETS) {
		*error_r = xasprintf("deliver_secret: more than %d secrets in one operation", MAX_SECRETS);
		return -1;
	}
	struct plugin_secret *s = &secrets[nsecrets++];
	snprintf(s->what, sizeof(s->what), "%s", what);
	s->secret = xstrdup(secret);
	s->rcpt = xstrdup(mail);
	s->note = xstrdup(note ? note : "");
	return 0;
}

static void *host_alloc(size_t size)
{
	return xcalloc(1, size ? size : 1);
}

/* ---- intents ---------------------------------------------------------------
 * What each intent runs, and who takes it: the table, not a chain of
 * comparisons, says it. */
enum takers {
	TAKEN_BY_ALL,
	TAKEN_UNLESS_KEPT,		/* not by the on_exit = keep instances */
	TAKEN_BY_CALL_CODES,		/* only by the instance that takes call codes */
};

static const struct intent_row {
	const char *name;
	size_t op;			/* offsetof(struct pvd_plugin, <the operation>) */
	enum takers takers;
} intents[PLUGIN_INTENT_COUNT] = {
	[PLUGIN_INTENT_CREATE] = { "create", offsetof(struct pvd_plugin, apply), TAKEN_BY_ALL },
	[PLUGIN_INTENT_UPDATE] = { "update", offsetof(struct pvd_plugin, apply), TAKEN_BY_ALL },
	[PLUGIN_INTENT_DISABLE] = { "disable", offsetof(struct pvd_plugin, disable), TAKEN_UNLESS_KEPT },
	[PLUGIN_INTENT_ENABLE] = { "enable", offsetof(struct pvd_plugin, enable), TAKEN_BY_ALL },
	[PLUGIN_INTENT_READ] = { "read", offsetof(struct pvd_plugin, read), TAKEN_BY_ALL },
	[PLUGIN_INTENT_REMOVE] = { "remove", offsetof(struct pvd_plugin, remove), TAKEN_BY_ALL },
	[PLUGIN_INTENT_CALL_CODE] = { "call_code", offsetof(struct pvd_plugin, apply), TAKEN_BY_CALL_CODES },
};

int plugin_intent_parse(const char *name)
{
	for (int k = 0; name != NULL && k < PLUGIN_INTENT_COUNT; k++)
		if (strcmp(intents[k].name, name) == 0)
			return k;
	return -1;
}

const char *plugin_intent_name(enum plugin_intent intent)
{
	return (unsigned)intent < PLUGIN_INTENT_COUNT ? intents[intent].name : NULL;
}

/* The operation of p that runs the intent, NULL when p has none (or its
 * struct is too old to have that member). */
static pvd_op_fn *intent_op(const struct pvd_plugin *p, int intent)
{
	pvd_op_fn *fn = NULL;
	if (intent < 0 || p->size < intents[intent].op + sizeof(fn))
		return NULL;
	memcpy(&fn, (const char *)p + intents[intent].op, sizeof(fn));
	return fn;
}

static const struct pvd_host host = {
	.abi_major = PVD_PLUGIN_ABI_MAJOR,
	.size = sizeof(struct pvd_host),
	.log = host_log,
	.ldap_filter_value = dir_filter_value,
	.ldap_child_dn = dir_child_dn,
	.read_secret_file = read_secret_file,
	.deliver_secret = host_deliver_secret,
	.abi_minor = PVD_PLUGIN_ABI_MINOR,
	.mem_alloc = host_alloc,
	.mem_realloc = xrealloc,
	.mem_free = free,
	.str_dup = xstrdup,
	.str_format = xasprintf,
};

/* Does the plugin's struct have member m? (It grows at the end.) */
#define HAS_MEMBER(p, m) ((p)->size >= offsetof(struct pvd_plugin, m) + sizeof((p)->m))
/* The capabilities a plugin older than 1.2 was built with: it had to
 * honour dry runs, may be marked call_codes = yes, and is per thread. */
#define LEGACY_FLAGS (PVD_PLUGIN_DRY_RUN | PVD_PLUGIN_CALL_CODES)

/* Is instance i configured by the host (ABI 1.2 with open)? */
static int opens(const struct plugin_instance *pi)
{
	return pi->abi_minor >= 2 && HAS_MEMBER(pi->plugin, open) && pi->plugin->open != NULL;
}

static void thread_destroy(void *p)
{
	struct thread_insts *t = p;
	for (int i = 0; i < t->n; i++)
		if (t->inst[i] != NULL && i < ninsts && insts[i].plugin != NULL)
			insts[i].plugin->detach(t->inst[i]);
	free(t->inst);
	free(t);
}

static void make_key(void) { pthread_key_create(&thread_key, thread_destroy); }

void plugins_thread_close(void)
{
	pthread_once(&key_once, make_key);
	struct thread_insts *t = pthread_getspecific(thread_key);
	if (t != NULL) {
		pthread_setspecific(thread_key, NULL);
		thread_destroy(t);
	}
}

static struct plugin_instance *find_or_add(const char *name)
{
	for (int i = 0; i < ninsts; i++)
		if (strcmp(insts[i].name, name) == 0)
			return &insts[i];
	insts = xrealloc(insts, sizeof(*insts) * (size_t)(ninsts + 1));
	memset(&insts[ninsts], 0, sizeof(*insts));
	insts[ninsts].name = xstrdup(name);
	insts[ninsts].call_codes_key = -1;
	return &insts[ninsts++];
}

static void *open_library(const char *dir, const char *lib, const char **error_r)
{
	char *paths[3];
	int n = 0;
	if (strchr(lib, '/') != NULL)
		paths[n++] = xstrdup(lib);
	else {
		paths[n++] = xasprintf("%s/%s.so", dir, lib);
		paths[n++] = xasprintf("%s/%s/.libs/%s.so", dir, lib, lib);	/* build tree */
		paths[n++] = xasprintf("%s/%s/%s.so", dir, lib, lib);
	}
	void *dl = NULL;
	struct buf tried = BUF_INIT;
	for (int i = 0; i < n; i++) {
		if (dl == NULL && access(paths[i], R_OK) == 0) {
			dl = dlopen(paths[i], RTLD_NOW | RTLD_LOCAL);
			if (dl == NULL)
				buf_printf(&tried, "%sdlopen(%s) failed: %s", tried.len ? "; " : "", paths[i], dlerror());
		} else if (dl == NULL)
			buf_printf(&tried, "%s%s: not found", tried.len ? "; " : "", paths[i]);
		free(paths[i]);
	}
	if (dl == NULL)
		*error_r = t_strdup(buf_str(&tried));
	buf_free(&tried);
	return dl;
}

/* Depth-first walk of the "after" edges (every edge, not only the
 * first): 1 when a cycle is reachable from i. color: 0 unseen, 1 on the
 * current path, 2 done. */
static int after_cycle(int i, unsigned char *color)
{
	if (color[i] == 1)
		return 1;
	if (color[i] == 2)
		return 0;
	color[i] = 1;
	for (int a = 0; a < insts[i].nafter; a++) {
		int next = plugins_find(insts[i].after[a]);
		if (next >= 0 && after_cycle(next, color))
			return 1;
	}
	color[i] = 2;
	return 0;
}

/* A 1.2 plugin: its lines checked against its rows and configure()d,
 * once for the instance; then opened once, which is the shared handle
 * or a try. 0, or -1 and *error_r. */
static int configure_instance(const struct conf *c, struct plugin_instance *pi, const char **error_r)
{
	const struct pvd_plugin *p = pi->plugin;
	const struct pvd_conf_row *rows = HAS_MEMBER(p, conf_rows) ? p->conf_rows : NULL;
	size_t size = HAS_MEMBER(p, conf_size) ? p->conf_size : 0;
	int *lines = NULL;
	const char *why = NULL;	/* the host's checks */
	char *err = NULL;	/* the plugin's: malloc'd, the ABI's way */
	void *inst = NULL;

	if (plugin_conf_parse(p->name, rows, size, pi->kv, pi->nkv, &pi->conf, &lines, &why) < 0)
		goto fail;
	if (HAS_MEMBER(p, configure) && p->configure != NULL &&
	    p->configure(&host, pi->name, pi->conf, lines, &err) < 0)
		goto fail;
	free(lines);
	lines = NULL;
	if (p->open(&host, pi->name, pi->conf, &inst, &err) < 0)
		goto fail;
	if (pi->flags & PVD_PLUGIN_SHARED)
		pi->shared = inst;
	else
		p->detach(inst);
	return 0;
fail:
	if (why == NULL)
		why = err ? t_strdup(err) : "the configuration is refused";
	*error_r = t_printf("%s: %s", c->path, why);
	free(err);
	free(lines);
	if (pi->conf != NULL && HAS_MEMBER(p, unconfigure) && p->unconfigure != NULL)
		p->unconfigure(pi->conf);
	plugin_conf_free(rows, &pi->conf);
	return -1;
}

/* Opens the library, checks its ABI and the instance's configuration.
 * 0 with pi->plugin set, or -1 with pi->error (the instance is broken). */
static int load_instance(const struct conf *c, struct plugin_instance *pi)
{
	const char *why = NULL;
	pi->dl = open_library(c->plugin_dir, pi->library, &why);
	if (pi->dl == NULL) {
		pi->error = xasprintf("library %s: %s", pi->library, why);
		return -1;
	}
	const struct pvd_plugin *(*entry)(void);
	*(void **)&entry = dlsym(pi->dl, PVD_PLUGIN_ENTRY);
	const struct pvd_plugin *p = entry ? entry() : NULL;
	if (p == NULL) {
		pi->error = xasprintf("library %s exports no %s()", pi->library, PVD_PLUGIN_ENTRY);
		return -1;
	}
	if (p->abi_major != PVD_PLUGIN_ABI_MAJOR) {
		pi->error = xasprintf("library %s was built for plugin ABI %u; this provisiond has ABI %u",
				      pi->library, p->abi_major, PVD_PLUGIN_ABI_MAJOR);
		return -1;
	}
	if (p->size < offsetof(struct pvd_plugin, remove)) {
		pi->error = xasprintf("library %s has a plugin struct too small (%zu bytes)", pi->library, p->size);
		return -1;
	}
	/* members since 1.2 are read only when size has them and abi_minor says so */
	pi->plugin = p;
	pi->abi_minor = HAS_MEMBER(p, abi_minor) ? p->abi_minor : 0;
	pi->flags = pi->abi_minor >= 2 && HAS_MEMBER(p, flags) ? p->flags : LEGACY_FLAGS;
	if (pi->call_codes_key == 1 && !(pi->flags & PVD_PLUGIN_CALL_CODES)) {
		pi->error = xasprintf("%s: plugin.%s.call_codes = yes, but %s does not take call codes", c->path,
				      pi->name, p->name);
	} else if (opens(pi)) {
		if (configure_instance(c, pi, &why) < 0)
			pi->error = xstrdup(why);	/* kept until unload, shown in /v1/health */
	} else {
		void *inst = NULL;
		char *err = NULL;	/* the plugin's: malloc'd, the ABI's way */
		if (p->instantiate(&host, pi->name, pi->kv, pi->nkv, &inst, &err) < 0) {
			pi->error = xasprintf("%s: %s", c->path, err ? err : "instantiate failed");
			free(err);
		} else {
			p->detach(inst);
		}
	}
	if (pi->error != NULL) {
		pi->plugin = NULL;
		return -1;
	}
	log_info("plugin %s: %s %s loaded", pi->name, p->name, p->version ? p->version : "");
	return 0;
}

/* The instance that gets call codes: the one marked yes, else the one
 * loaded instance whose plugin declares them (older plugins only when
 * marked) and is not marked no. */
static void choose_call_codes(void)
{
	/* only the instance marked call_codes = yes takes them, as before ABI
	 * 1.2: declaring the capability says it can, not that it should */
	for (int i = 0; i < ninsts; i++)
		insts[i].call_codes = insts[i].call_codes_key == 1;
}

int plugins_load(const struct conf *c, const char **error_r)
{
	/* group the lines by instance */
	for (int i = 0; i < c->plugin_kv_count; i++) {
		const char *k = c->plugin_kv[i].key + strlen("plugin.");
		const char *dot = strchr(k, '.');
		char *name = xstrndup(k, (size_t)(dot - k));
		struct plugin_instance *pi = find_or_add(name);
		free(name);
		const char *sub = dot + 1;
		if (strcmp(sub, "library") == 0) {
			free(pi->library);
			pi->library = xstrdup(c->plugin_kv[i].value);
		} else if (strcmp(sub, "on_exit") == 0) {
			const char *v = c->plugin_kv[i].value;
			if (strcmp(v, "keep") != 0 && strcmp(v, "disable") != 0) {
				*error_r = t_printf("%s:%d: plugin.%s.on_exit: '%s' is not disable or keep", c->path,
						    c->plugin_kv[i].line, pi->name, v);
				return -1;
			}
			pi->skip_on_exit = strcmp(v, "keep") == 0;
		} else if (strcmp(sub, "call_codes") == 0) {
			const char *v = c->plugin_kv[i].value;
			if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0) {
				*error_r = t_printf("%s:%d: plugin.%s.call_codes: '%s' is not yes or no", c->path,
						    c->plugin_kv[i].line, pi->name, v);
				return -1;
			}
			pi->call_codes_key = strcmp(v, "yes") == 0;
		} else if (strcmp(sub, "after") == 0) {
			char *list = xstrdup(c->plugin_kv[i].value), *save = NULL;
			for (char *w = strtok_r(list, " ,", &save); w; w = strtok_r(NULL, " ,", &save)) {
				pi->after = xrealloc(pi->after, sizeof(char *) * (size_t)(pi->nafter + 1));
				pi->after[pi->nafter++] = xstrdup(w);
			}
			free(list);
		} else {
			/* copies: a reload frees the configuration these lines
			 * came from, while worker threads still instantiate
			 * plugins from them */
			pi->kv = xrealloc(pi->kv, sizeof(*pi->kv) * (size_t)(pi->nkv + 1));
			pi->kv[pi->nkv].key = xstrdup(sub);
			pi->kv[pi->nkv].value = xstrdup(c->plugin_kv[i].value);
			pi->kv[pi->nkv].line = c->plugin_kv[i].line;
			pi->nkv++;
		}
	}
	for (int i = 0; i < ninsts; i++) {
		struct plugin_instance *pi = &insts[i];
		if (pi->library == NULL) {
			*error_r = t_printf("%s: plugin.%s.library is missing (which plugin is instance %s?)",
					    c->path, pi->name, pi->name);
			return -1;
		}
		for (int a = 0; a < pi->nafter; a++) {
			int found = 0;
			for (int k = 0; k < ninsts; k++)
				found |= strcmp(insts[k].name, pi->after[a]) == 0 && k != i;
			if (!found) {
				*error_r = t_printf("%s: plugin.%s.after: no plugin instance named '%s'",
						    c->path, pi->name, pi->after[a]);
				return -1;
			}
		}
	}
	int ncc = 0;
	for (int i = 0; i < ninsts; i++)
		ncc += insts[i].call_codes_key == 1;
	if (ncc > 1) {
		*error_r = t_printf("%s: %d plugin instances have call_codes = yes; one PBX issues the codes",
				    c->path, ncc);
		return -1;
	}
	/* a cycle in "after" would leave operations waiting forever */
	unsigned char *color = xcalloc((size_t)ninsts + 1, 1);
	for (int i = 0; i < ninsts; i++)
		if (after_cycle(i, color)) {
			*error_r = t_printf("%s: plugin.%s.after makes a cycle", c->path, insts[i].name);
			free(color);
			return -1;
		}
	free(color);
	for (int i = 0; i < ninsts; i++)
		if (load_instance(c, &insts[i]) < 0)
			log_error("plugin %s: %s", insts[i].name, insts[i].error);
	choose_call_codes();
	return 0;
}

void plugins_unload(void)
{
	plugins_thread_close();
	for (int i = 0; i < ninsts; i++) {
		struct plugin_instance *pi = &insts[i];
		const struct pvd_plugin *p = pi->plugin;
		if (pi->shared != NULL)
			p->detach(pi->shared);
		if (pi->conf != NULL) {
			if (HAS_MEMBER(p, unconfigure) && p->unconfigure != NULL)
				p->unconfigure(pi->conf);
			plugin_conf_free(p->conf_rows, &pi->conf);
		}
		free(pi->name);
		free(pi->library);
		for (int a = 0; a < pi->nafter; a++)
			free(pi->after[a]);
		free(pi->after);
		for (int k = 0; k < pi->nkv; k++) {
			free((char *)pi->kv[k].key);
			free((char *)pi->kv[k].value);
		}
		free(pi->kv);
		free(pi->error);
		if (pi->dl != NULL)
			dlclose(pi->dl);
	}
	free(insts);
	insts = NULL;
	ninsts = 0;
	pthread_mutex_lock(&check_lock);
	free(check_cache);
	check_cache = NULL;
	ncheck_cache = 0;
	pthread_mutex_unlock(&check_lock);
}

int plugins_count(void) { return ninsts; }
const struct plugin_instance *plugins_get(int i) { return i >= 0 && i < ninsts ? &insts[i] : NULL; }

int plugins_find(const char *name)
{
	for (int i = 0; i < ninsts; i++)
		if (strcmp(insts[i].name, name) == 0)
			return i;
	return -1;
}

static void *thread_instance(int i, char *message, size_t size)
{
	pthread_once(&key_once, make_key);
	struct thread_insts *t = pthread_getspecific(thread_key);
	if (t == NULL) {
		t = xcalloc(1, sizeof(*t));
		t->n = ninsts;
		t->inst = xcalloc((size_t)ninsts, sizeof(void *));
		pthread_setspecific(thread_key, t);
	}
	if (insts[i].plugin == NULL) {
		snprintf(message, size, "plugin instance %s is not loaded: %s", insts[i].name,
			 insts[i].error ? insts[i].error : "unknown reason");
		return NULL;
	}
	if (insts[i].shared != NULL)
		return insts[i].shared;
	if (t->inst[i] == NULL) {
		const struct pvd_plugin *p = insts[i].plugin;
		char *err = NULL;
		int rc = opens(&insts[i]) ? p->open(&host, insts[i].name, insts[i].conf, &t->inst[i], &err)
					  : p->instantiate(&host, insts[i].name, insts[i].kv, insts[i].nkv, &t->inst[i], &err);
		if (rc < 0) {
			snprintf(message, size, "plugin instance %s: %s", insts[i].name, err ? err : "instantiate failed");
			free(err);
			t->inst[i] = NULL;
			return NULL;
		}
	}
	return t->inst[i];
}

enum pvd_status plugins_run(int i, const struct pvd_op *op, struct pvd_result *res)
{
	memset(res, 0, sizeof(*res));
	if (i < 0 || i >= ninsts) {
		res->status = PVD_FAIL;
		snprintf(res->message, sizeof(res->message), "no plugin instance %d", i);
		return res->status;
	}
	void *inst = thread_instance(i, res->message, sizeof(res->message));
	if (inst == NULL) {
		res->status = PVD_RETRY;	/* wait for the operator to fix it; nothing is lost */
		return res->status;
	}
	const struct pvd_plugin *p = insts[i].plugin;
	pvd_op_fn *fn = intent_op(p, plugin_intent_parse(op->intent));
	if (fn == NULL) {
		res->status = PVD_FAIL;
		snprintf(res->message, sizeof(res->message), "plugin %s does not support '%s'", p->name, op->intent);
		return res->status;
	}
	if (op->dry_run && !(insts[i].flags & PVD_PLUGIN_DRY_RUN)) {
		/* it would change things: never hand it a plan to make */
		res->status = PVD_FAIL;
		snprintf(res->message, sizeof(res->message), "plugin %s cannot plan: it does not do dry runs", p->name);
		return res->status;
	}
	plugins_secrets_clear();
	running_op = op;
	res->status = fn(inst, op, res);
	running_op = NULL;
	/* what a plugin wrote goes to PostgreSQL and JSON, which refuse
	 * anything but UTF-8: a message cut mid-character must not leave the
	 * operation unrecordable */
	res->message[sizeof(res->message) - 1] = '\0';
	res->object[sizeof(res->object) - 1] = '\0';
	utf8_repair(res->message);
	utf8_repair(res->object);
	if (res->status != PVD_OK)
		plugins_secrets_clear();	/* only a change that happened may announce a secret */
	return res->status;
}

int plugins_takes(int i, const char *intent)
{
	int k = plugin_intent_parse(intent);
	switch (k < 0 ? TAKEN_BY_ALL : intents[k].takers) {
	case TAKEN_UNLESS_KEPT:
		return !insts[i].skip_on_exit;	/* the grace setting: it keeps what it gave */
	case TAKEN_BY_CALL_CODES:
		return insts[i].call_codes;	/* one PBX issues the codes */
	case TAKEN_BY_ALL:
		break;
	}
	return 1;
}

int plugins_any_takes(const char *intent)
{
	for (int i = 0; i < ninsts; i++)
		if (plugins_takes(i, intent))
			return 1;
	return 0;
}

/* check() of the ABI writes into a buffer; the two below copy it into
 * the caller's frame. */
static enum pvd_status check_into(int i, char *message, size_t size)
{
	void *inst = thread_instance(i, message, size);
	if (inst == NULL)
		return PVD_CONFIG;
	return insts[i].plugin->check(inst, message, size);
}

enum pvd_status plugins_check_cached(int i, int max_age_ms, const char **message_r)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&check_lock);
	if (ncheck_cache != ninsts) {
		free(check_cache);
		check_cache = xcalloc((size_t)ninsts + 1, sizeof(*check_cache));
		ncheck_cache = ninsts;
	}
	struct check_cache *cc = &check_cache[i];
	long age_ms = (now.tv_sec - cc->at.tv_sec) * 1000 + (now.tv_nsec - cc->at.tv_nsec) / 1000000;
	if (cc->valid && age_ms <= max_age_ms) {
		enum pvd_status st = cc->status;
		*message_r = t_strdup(cc->message);
		pthread_mutex_unlock(&check_lock);
		return st;
	}
	pthread_mutex_unlock(&check_lock);
	char msg[sizeof(cc->message)] = "";
	enum pvd_status st = check_into(i, msg, sizeof(msg));
	utf8_repair(msg);
	pthread_mutex_lock(&check_lock);
	if (i < ncheck_cache) {
		check_cache[i].status = st;
		text_copy(check_cache[i].message, sizeof(check_cache[i].message), msg);
		check_cache[i].at = now;
		check_cache[i].valid = 1;
	}
	pthread_mutex_unlock(&check_lock);
	*message_r = t_strdup(msg);
	return st;
}

enum pvd_status plugins_check(int i, const char **message_r)
{
	char msg[CHECK_MESSAGE_MAX] = "";
	enum pvd_status st = check_into(i, msg, sizeof(msg));
	msg[sizeof(msg) - 1] = '\0';
	*message_r = t_strdup(msg);
	return st;
}
