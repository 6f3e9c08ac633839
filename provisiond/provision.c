/*
 * NAME
 *	provision - provisioning entry point (see provision.h)
 * DESCRIPTION
 *	No plugin host yet: every provisioning step is manual, done by a
 *	technician who confirms it with a note that goes into the report.
 */
#include "config.h"
#include "provision.h"

int provision_begin(const struct provision_request *r, enum provision_mode *mode_r, char **error_r)
{
	(void)r;
	(void)error_r;
	*mode_r = PROVISION_MANUAL;
	return 0;
}
