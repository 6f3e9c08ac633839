/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	provision - the provisioning step as the workflow sees it
 * DESCRIPTION
 *	When a request enters its provisioning step (provisioning for hires
 *	and transfers, disabling for exits) the workflow calls
 *	provision_begin() inside the same transaction. The answer says how
 *	the work will be done:
 *	  PROVISION_MANUAL  a technician does it and confirms (no plugin is
 *	                    configured for it): the step waits for "confirm";
 *	  PROVISION_QUEUED  operations were queued for plugins; the queue
 *	                    moves the request on when they have all finished.
 *	The workflow does not change when plugins arrive; only this answer does.
 */
#ifndef PVD_PROVISION_H
#define PVD_PROVISION_H

#include <jansson.h>
#include "plugin_host.h"
#include "workflow.h"

enum provision_mode { PROVISION_MANUAL, PROVISION_QUEUED };

struct provision_request {
	long long request_id;
	enum wf_type type;
	enum plugin_intent intent;	/* what the plugins are asked to do */
	json_t *person;		/* the identity record as JSON (borrowed) */
	json_t *params;		/* the person's granted access (grants.h; borrowed, may be NULL) */
};

/* -1 + *error_r when the work cannot be queued (the transaction rolls back). */
int provision_begin(const struct provision_request *r, enum provision_mode *mode_r, const char **error_r);

#endif
