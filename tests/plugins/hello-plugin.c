/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	hello-plugin - the smallest out-of-tree provisiond plugin
 * SYNOPSIS
 *	cc -shared -fPIC -fvisibility=hidden $(pkg-config --cflags provisiond-plugin) \
 *		hello-plugin.c -o hello.so $(pkg-config --libs provisiond-plugin)
 *
 *	plugin.hi.library = hello
 *	plugin.hi.greeting = Hola
 * DESCRIPTION
 *	Built by tests/plugins/test-sdk.sh against the installed header only
 *	(never the source tree's), then loaded by tests/plugins/pvd-plugin-run:
 *	it proves that what "make install" puts under $(includedir)/provisiond
 *	and $(libdir)/pkgconfig is enough to write a plugin. It touches no
 *	target: check answers with the greeting, apply puts the greeting and
 *	the person's uid in after, the other operations are NOOP.
 */
#define _POSIX_C_SOURCE 200809L	/* strdup; the header itself needs only C11 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <provisiond-plugin.h>

#define EXPORT __attribute__((visibility("default")))

struct hello {
	char *greeting;
};

static char *dup_printf(const char *fmt, const char *arg)
{
	int n = snprintf(NULL, 0, fmt, arg);
	char *s = n < 0 ? NULL : malloc((size_t)n + 1);
	if (s != NULL)
		snprintf(s, (size_t)n + 1, fmt, arg);
	return s;
}

static int instantiate(const struct pvd_host *host, const char *instance, const struct pvd_kv *kv,
		       int nkv, void **inst_r, char **error_r)
{
	const char *greeting = NULL;
	for (int i = 0; i < nkv; i++) {
		if (strcmp(kv[i].key, "greeting") == 0)
			greeting = kv[i].value;
		else {
			*error_r = dup_printf("%s: unknown key", kv[i].key);
			return -1;
		}
	}
	if (greeting == NULL) {
		*error_r = dup_printf("%s: missing", "greeting");
		return -1;
	}
	struct hello *h = calloc(1, sizeof(*h));
	if (h == NULL || (h->greeting = strdup(greeting)) == NULL) {
		free(h);
		*error_r = dup_printf("%s", "out of memory");
		return -1;
	}
	host->log(PVD_LOG_DEBUG, instance, "greeting %s", h->greeting);
	*inst_r = h;
	return 0;
}

static void detach(void *inst)
{
	struct hello *h = inst;
	free(h->greeting);
	free(h);
}

static enum pvd_status check(void *inst, char *message, size_t size)
{
	struct hello *h = inst;
	snprintf(message, size, "%s from an out-of-tree plugin", h->greeting);
	return PVD_OK;
}

static enum pvd_status noop(void *inst, const struct pvd_op *op, struct pvd_result *res)
{
	snprintf(res->message, sizeof(res->message), "nothing to %s", op->intent);
	return res->status = PVD_NOOP;
}

static enum pvd_status apply(void *inst, const struct pvd_op *op, struct pvd_result *res)
{
	struct hello *h = inst;
	const char *uid = json_string_value(json_object_get(op->person, "uid"));
	if (uid == NULL) {
		snprintf(res->message, sizeof(res->message), "the person has no uid");
		return res->status = PVD_FAIL;
	}
	res->after = json_pack("{s:s, s:s}", "greeting", h->greeting, "uid", uid);
	snprintf(res->object, sizeof(res->object), "hello:%s", uid);
	snprintf(res->message, sizeof(res->message), "%s, %s", h->greeting, uid);
	return res->status = PVD_OK;
}

static const struct pvd_plugin plugin = {
	.abi_major = PVD_PLUGIN_ABI_MAJOR,
	.size = sizeof(struct pvd_plugin),
	.name = "hello",
	.version = "1",
	.instantiate = instantiate,
	.detach = detach,
	.check = check,
	.read = noop,
	.apply = apply,
	.disable = noop,
	.enable = noop,
	.remove = NULL,
};

EXPORT const struct pvd_plugin *pvd_plugin_entry(void)
{
	return &plugin;
}
