/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	fake-plugin - records operations, answers scripted statuses (see fake-plugin.h)
 */
#include "fake-plugin.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))
#define MAX_OPS 256
#define MAX_INSTANCES 8
#define MAX_ANSWERS 8

/* Shared by every thread's copy of an instance: the script and the record
 * are the instance's, not the thread's. */
struct script {
	char name[32];
	enum pvd_status answers[MAX_ANSWERS];
	int nanswers;
	int next;
	int made, detached;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct fake_plugin_op ops[MAX_OPS];
static int nops;
static struct script scripts[MAX_INSTANCES];
static int nscripts;

struct inst {
	struct script *s;
	const struct pvd_host *host;
};

static const char *const status_names[] = { "ok", "noop", "notfound", "conflict", "retry", "fail", "config" };

/* Under the lock. */
static struct script *script_of(const char *name)
{
	for (int i = 0; i < nscripts; i++)
		if (strcmp(scripts[i].name, name) == 0)
			return &scripts[i];
	if (nscripts == MAX_INSTANCES)
		return NULL;
	struct script *s = &scripts[nscripts++];
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	return s;
}

static char *copy(const char *s)
{
	char *d = strdup(s);
	if (d == NULL)
		abort();
	return d;
}

static int parse_answers(const char *v, enum pvd_status *out, int *n_r, char **error_r)
{
	char *list = copy(v), *save = NULL;
	int n = 0;
	for (char *w = strtok_r(list, " ,", &save); w; w = strtok_r(NULL, " ,", &save)) {
		int k;
		for (k = 0; k < (int)(sizeof(status_names) / sizeof(status_names[0])); k++)
			if (strcmp(w, status_names[k]) == 0)
				break;
		if (k == (int)(sizeof(status_names) / sizeof(status_names[0])) || n == MAX_ANSWERS) {
			char msg[160];
			snprintf(msg, sizeof(msg), "answers: '%.40s' is not a status (ok, noop, notfound, conflict, "
				 "retry, fail, config), or more than %d of them", w, MAX_ANSWERS);
			*error_r = copy(msg);
			free(list);
			return -1;
		}
		out[n++] = (enum pvd_status)k;
	}
	free(list);
	*n_r = n;
	return 0;
}

static int fake_instantiate(const struct pvd_host *host, const char *instance, const struct pvd_kv *kv, int nkv,
			    void **inst_r, char **error_r)
{
	enum pvd_status answers[MAX_ANSWERS] = { PVD_OK };
	int nanswers = 1;
	for (int i = 0; i < nkv; i++) {
		if (strcmp(kv[i].key, "answers") == 0) {
			if (parse_answers(kv[i].value, answers, &nanswers, error_r) < 0)
				return -1;
		} else if (strcmp(kv[i].key, "refuse") == 0) {
			char msg[160];
			snprintf(msg, sizeof(msg), "refuse: %.120s", kv[i].value);
			*error_r = copy(msg);
			return -1;
		} else {
			char msg[160];
			snprintf(msg, sizeof(msg), "unknown key '%.60s' (answers, refuse)", kv[i].key);
			*error_r = copy(msg);
			return -1;
		}
	}
	pthread_mutex_lock(&lock);
	struct script *s = script_of(instance);
	if (s != NULL && s->made == 0) {	/* the first instantiation sets the script */
		memcpy(s->answers, answers, sizeof(answers));
		s->nanswers = nanswers > 0 ? nanswers : 1;
	}
	if (s != NULL)
		s->made++;
	pthread_mutex_unlock(&lock);
	if (s == NULL) {
		*error_r = copy("too many instances for the fake plugin");
		return -1;
	}
	struct inst *in = calloc(1, sizeof(*in));
	if (in == NULL)
		abort();
	in->s = s;
	in->host = host;
	*inst_r = in;
	return 0;
}

static void fake_detach(void *p)
{
	struct inst *in = p;
	pthread_mutex_lock(&lock);
	in->s->detached++;
	pthread_mutex_unlock(&lock);
	free(in);
}

static enum pvd_status fake_check(void *p, char *message, size_t size)
{
	struct inst *in = p;
	snprintf(message, size, "fake %s: nothing to reach", in->s->name);
	return PVD_OK;
}

static enum pvd_status run(struct inst *in, const char *fn, const struct pvd_op *op, struct pvd_result *res)
{
	const char *emp = json_string_value(json_object_get(op->person, "employee_number"));
	const char *uid = json_string_value(json_object_get(op->person, "uid"));
	char *params = op->params ? json_dumps(op->params, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	pthread_mutex_lock(&lock);
	struct script *s = in->s;
	enum pvd_status st = s->answers[s->next < s->nanswers ? s->next : s->nanswers - 1];
	s->next++;
	if (nops < MAX_OPS) {
		struct fake_plugin_op *r = &ops[nops++];
		memset(r, 0, sizeof(*r));
		snprintf(r->instance, sizeof(r->instance), "%s", s->name);
		snprintf(r->fn, sizeof(r->fn), "%s", fn);
		snprintf(r->intent, sizeof(r->intent), "%s", op->intent ? op->intent : "");
		r->id = op->id;
		r->request_id = op->request_id;
		r->attempt = op->attempt;
		r->dry_run = op->dry_run;
		snprintf(r->employee_number, sizeof(r->employee_number), "%s", emp ? emp : "");
		snprintf(r->uid, sizeof(r->uid), "%s", uid ? uid : "");
		snprintf(r->params, sizeof(r->params), "%s", params ? params : "");
		r->answered = st;
	}
	pthread_mutex_unlock(&lock);
	free(params);
	res->status = st;
	snprintf(res->message, sizeof(res->message), "fake %s: %s %s answered %s", s->name, fn,
		 op->intent ? op->intent : "", status_names[st]);
	snprintf(res->object, sizeof(res->object), "fake:%s/%s", s->name, uid ? uid : "");
	if (strcmp(fn, "read") != 0)
		res->before = json_pack("{s:s}", "state", "before");
	res->after = json_pack("{s:s, s:s}", "state", fn, "intent", op->intent ? op->intent : "");
	return st;
}

static enum pvd_status fake_read(void *p, const struct pvd_op *op, struct pvd_result *res)
{
	return run(p, "read", op, res);
}

static enum pvd_status fake_apply(void *p, const struct pvd_op *op, struct pvd_result *res)
{
	return run(p, "apply", op, res);
}

static enum pvd_status fake_disable(void *p, const struct pvd_op *op, struct pvd_result *res)
{
	return run(p, "disable", op, res);
}

static enum pvd_status fake_enable(void *p, const struct pvd_op *op, struct pvd_result *res)
{
	return run(p, "enable", op, res);
}

static enum pvd_status fake_remove(void *p, const struct pvd_op *op, struct pvd_result *res)
{
	return run(p, "remove", op, res);
}

static const struct pvd_plugin plugin = {
	.abi_major = PVD_PLUGIN_ABI_MAJOR,
	.size = sizeof(struct pvd_plugin),
	.name = "fake",
	.version = "test",
	.instantiate = fake_instantiate,
	.detach = fake_detach,
	.check = fake_check,
	.read = fake_read,
	.apply = fake_apply,
	.disable = fake_disable,
	.enable = fake_enable,
	.remove = fake_remove,
};

EXPORT const struct pvd_plugin *pvd_plugin_entry(void)
{
	return &plugin;
}

/* what test-engine finds with dlsym (the host sees only pvd_plugin_entry) */
EXPORT fake_plugin_ops_fn fake_plugin_ops;
EXPORT fake_plugin_instantiations_fn fake_plugin_instantiations;

EXPORT int fake_plugin_ops(const struct fake_plugin_op **ops_r)
{
	pthread_mutex_lock(&lock);
	int n = nops;
	pthread_mutex_unlock(&lock);
	*ops_r = ops;
	return n;
}

EXPORT void fake_plugin_instantiations(const char *instance, int *made_r, int *detached_r)
{
	pthread_mutex_lock(&lock);
	struct script *s = NULL;
	for (int i = 0; i < nscripts; i++)
		if (strcmp(scripts[i].name, instance) == 0)
			s = &scripts[i];
	*made_r = s ? s->made : 0;
	*detached_r = s ? s->detached : 0;
	pthread_mutex_unlock(&lock);
}
