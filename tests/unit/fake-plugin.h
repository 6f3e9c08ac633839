/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	fake-plugin - a provisioning plugin that touches nothing: it records
 *	the operations the host gives it and answers scripted statuses
 * SYNOPSIS
 *	plugin.accounts.library = /path/to/tests/unit/.libs/fake-plugin.so
 *	plugin.accounts.answers = retry ok	# one status per operation; the last repeats
 *
 *	void *dl = dlopen(path, RTLD_NOW | RTLD_NOLOAD);	// the copy the host loaded
 *	fake_plugin_ops_fn *ops = (fake_plugin_ops_fn *)dlsym(dl, FAKE_PLUGIN_OPS);
 *	const struct fake_plugin_op *op;
 *	int n = ops(&op);
 * DESCRIPTION
 *	Built as a loadable module (check_LTLIBRARIES), loaded by the real
 *	plugin host the way every plugin is (ABI check, instantiate once to
 *	check the keys, then one instance per thread), so a test of the
 *	engine and the queue runs the host's side of the ABI too. Dovecot's
 *	driver-test is the model.
 *
 *	Keys: answers (ok, noop, notfound, conflict, retry, fail, config;
 *	default ok), refuse (any value: instantiate fails with it, as a
 *	wrong configuration would). Any other key is refused, as real plugins
 *	refuse unknown keys. The answers are counted per instance over all
 *	threads, in the order operations arrive.
 *
 *	check() answers OK. Every operation (read, apply, disable, enable,
 *	remove) is recorded with what it carried; apply also fills object,
 *	before and after, so the change log has something to show.
 */
#ifndef PVD_FAKE_PLUGIN_H
#define PVD_FAKE_PLUGIN_H

#include "provisiond-plugin.h"

#define FAKE_PLUGIN_OPS "fake_plugin_ops"
#define FAKE_PLUGIN_INSTANTIATIONS "fake_plugin_instantiations"

struct fake_plugin_op {
	char instance[32];
	char fn[16];			/* read, apply, disable, enable, remove */
	char intent[16];
	long long id, request_id;
	int attempt, dry_run;
	char employee_number[40];
	char uid[64];
	char params[512];		/* op->params as compact JSON, "" for none */
	enum pvd_status answered;
};

/* The operations recorded so far (in arrival order) and their number. */
typedef int fake_plugin_ops_fn(const struct fake_plugin_op **ops_r);
/* How many times instance was instantiated and detached. */
typedef void fake_plugin_instantiations_fn(const char *instance, int *made_r, int *detached_r);

#endif
