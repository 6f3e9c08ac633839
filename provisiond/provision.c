/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	provision - provisioning entry point (see provision.h)
 * DESCRIPTION
 *	With plugins configured, every provisioning step becomes one queued
 *	operation per plugin instance that takes it (plugins_takes); the queue
 *	moves the request on when they are all done. When none takes it (no
 *	plugins, no PBX for call codes) the step is manual: a technician does
 *	the work and confirms it with a note that goes into the report.
 */
#include "config.h"
#include "provision.h"
#include "plugin_host.h"
#include "queue.h"

int provision_begin(const struct provision_request *r, enum provision_mode *mode_r, const char **error_r)
{
	int round;
	/* no plugin does this (no PBX issues call codes): the technician does it by hand */
	if (!plugins_any_takes(plugin_intent_name(r->intent))) {
		*mode_r = PROVISION_MANUAL;
		return 0;
	}
	if (queue_enqueue(r->request_id, plugin_intent_name(r->intent), r->person, r->params, &round, error_r) != DB_OK)
		return -1;
	*mode_r = PROVISION_QUEUED;
	return 0;
}
