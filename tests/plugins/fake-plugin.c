/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	fake-plugin - a plugin that touches nothing, for the plugin host's tests
 * DESCRIPTION
 *	One library, several plugins: PVD_FAKE in the environment, read when
 *	the host asks for the entry point, picks which struct it returns.
 *	    (unset)  ABI 1.2: rows, configure, open; dry runs and call codes
 *	    shared   ABI 1.2, PVD_PLUGIN_SHARED (one handle for all threads)
 *	    nodry    ABI 1.2 without PVD_PLUGIN_DRY_RUN
 *	    nocall   ABI 1.2 without PVD_PLUGIN_CALL_CODES
 *	    old      built for ABI 1.1: no abi_minor, instantiate() parses the
 *	             raw lines itself; the members after remove are poison
 *	             that a host reading them would trip over
 *
 *	Each operation answers OK with a message that tells the test what the
 *	host did: "apply create greeting=hi configure=1 open=2 instantiate=0
 *	detach=1 dry=0". Keys (1.2): greeting (required), count (1-9,
 *	default 1), unit.<unit> (a list); configure refuses count = 7 and
 *	greeting "broken", open refuses greeting "noopen".
 */
#include "config.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "provisiond-plugin.h"

static atomic_int n_configure, n_open, n_instantiate, n_detach;

struct fake_conf {
	char *greeting;
	int count;
	struct pvd_conf_list units;
	char *made;		/* what configure added */
};

struct handle {
	const char *greeting;	/* the configuration's, or owned (old ABI) */
	char *owned;
};

static char *dup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (p == NULL)
		abort();
	return memcpy(p, s, n);
}

#define F(m) offsetof(struct fake_conf, m)
static const struct pvd_conf_row rows[] = {
	{ .name = "greeting", .type = PVD_CONF_STRING, .offset = F(greeting), .flags = PVD_CONF_REQUIRED,
	  .help = "what the fake says" },
	{ .name = "count", .type = PVD_CONF_INT, .offset = F(count), .def = "1", .min = 1, .max = 9 },
	{ .name = "unit.", .type = PVD_CONF_LIST, .offset = F(units), .shown = "unit.<unit>" },
	{ .name = NULL },
};

static int configure(const struct pvd_host *host, const char *instance, void *conf, const int *lines,
		     char **error_r)
{
	struct fake_conf *c = conf;
	(void)instance;
	atomic_fetch_add(&n_configure, 1);
	c->made = host->str_format("%s x%d", c->greeting, c->count);
	if (c->count == 7) {
		*error_r = host->str_format("plugin key 'count' (line %d): 7 is unlucky", lines[1]);
		return -1;
	}
	if (strcmp(c->greeting, "broken") == 0) {
		*error_r = host->str_dup("greeting: broken");
		return -1;
	}
	return 0;
}

static void unconfigure(void *conf)
{
	struct fake_conf *c = conf;
	free(c->made);
	c->made = NULL;
}

static int open_handle(const struct pvd_host *host, const char *instance, const void *conf, void **inst_r,
		       char **error_r)
{
	const struct fake_conf *c = conf;
	(void)instance;
	atomic_fetch_add(&n_open, 1);
	if (strcmp(c->greeting, "noopen") == 0) {
		*error_r = host->str_dup("cannot open");
		return -1;
	}
	struct handle *h = host->mem_alloc(sizeof(*h));
	h->greeting = c->greeting;
	*inst_r = h;
	return 0;
}

/* ABI 1.1: the raw lines, every thread */
static int old_instantiate(const struct pvd_host *host, const char *instance, const struct pvd_kv *kv, int nkv,
			   void **inst_r, char **error_r)
{
	(void)host; (void)instance;
	atomic_fetch_add(&n_instantiate, 1);
	struct handle *h = calloc(1, sizeof(*h));
	if (h == NULL)
		abort();
	for (int i = 0; i < nkv; i++) {
		if (strcmp(kv[i].key, "greeting") == 0) {
			free(h->owned);
			h->owned = dup(kv[i].value);
		} else {
			char msg[200];
			snprintf(msg, sizeof(msg), "plugin key '%s' (line %d) is not known to fake-old", kv[i].key, kv[i].line);
			*error_r = dup(msg);
			free(h->owned);
			free(h);
			return -1;
		}
	}
	h->greeting = h->owned ? h->owned : "";
	*inst_r = h;
	return 0;
}

static void detach(void *inst)
{
	struct handle *h = inst;
	atomic_fetch_add(&n_detach, 1);
	free(h->owned);
	free(h);
}

static enum pvd_status check(void *inst, char *message, size_t size)
{
	snprintf(message, size, "fake says %s", ((struct handle *)inst)->greeting);
	return PVD_OK;
}

static enum pvd_status answer(const char *what, void *inst, const struct pvd_op *op, struct pvd_result *res)
{
	snprintf(res->message, sizeof(res->message),
		 "%s %s greeting=%s configure=%d open=%d instantiate=%d detach=%d dry=%d", what, op->intent,
		 ((struct handle *)inst)->greeting, atomic_load(&n_configure), atomic_load(&n_open),
		 atomic_load(&n_instantiate), atomic_load(&n_detach), op->dry_run);
	return res->status = PVD_OK;
}

static enum pvd_status op_read(void *i, const struct pvd_op *op, struct pvd_result *r) { return answer("read", i, op, r); }
static enum pvd_status op_apply(void *i, const struct pvd_op *op, struct pvd_result *r) { return answer("apply", i, op, r); }
static enum pvd_status op_disable(void *i, const struct pvd_op *op, struct pvd_result *r) { return answer("disable", i, op, r); }
static enum pvd_status op_enable(void *i, const struct pvd_op *op, struct pvd_result *r) { return answer("enable", i, op, r); }

/* Whatever the host calls through these, it should not have. */
static int poison_open(const struct pvd_host *host, const char *instance, const void *conf, void **inst_r,
		       char **error_r)
{
	(void)host; (void)instance; (void)conf; (void)inst_r; (void)error_r;
	abort();
}

#define NEW(variant_flags) { \
	.abi_major = PVD_PLUGIN_ABI_MAJOR, .size = sizeof(struct pvd_plugin), .name = "fake", .version = "1", \
	.instantiate = pvd_plugin_instantiate_needs_1_2, .detach = detach, .check = check, .read = op_read, \
	.apply = op_apply, .disable = op_disable, .enable = op_enable, .remove = NULL, \
	.abi_minor = PVD_PLUGIN_ABI_MINOR, .flags = (variant_flags), .conf_rows = rows, \
	.conf_size = sizeof(struct fake_conf), .configure = configure, .unconfigure = unconfigure, \
	.open = open_handle }

static const struct pvd_plugin plain = NEW(PVD_PLUGIN_DRY_RUN | PVD_PLUGIN_CALL_CODES);
static const struct pvd_plugin shared = NEW(PVD_PLUGIN_DRY_RUN | PVD_PLUGIN_SHARED);
static const struct pvd_plugin nodry = NEW(PVD_PLUGIN_CALL_CODES);
static const struct pvd_plugin nocall = NEW(PVD_PLUGIN_DRY_RUN);

/* What a plugin built against the 1.1 header looks like to a 1.2 host:
 * its size ends after remove; beyond it is not its memory. */
static const struct pvd_plugin old = {
	.abi_major = PVD_PLUGIN_ABI_MAJOR,
	.size = offsetof(struct pvd_plugin, remove) + sizeof(pvd_op_fn *),
	.name = "fake-old", .version = "1",
	.instantiate = old_instantiate, .detach = detach, .check = check, .read = op_read,
	.apply = op_apply, .disable = op_disable, .enable = op_enable, .remove = NULL,
	.abi_minor = 77, .flags = PVD_PLUGIN_SHARED, .conf_rows = NULL, .conf_size = 1, .open = poison_open,
};

__attribute__((visibility("default"))) const struct pvd_plugin *pvd_plugin_entry(void)
{
	const char *v = getenv("PVD_FAKE");
	if (v == NULL || *v == '\0')
		return &plain;
	if (strcmp(v, "shared") == 0)
		return &shared;
	if (strcmp(v, "nodry") == 0)
		return &nodry;
	if (strcmp(v, "nocall") == 0)
		return &nocall;
	if (strcmp(v, "old") == 0)
		return &old;
	return NULL;
}
