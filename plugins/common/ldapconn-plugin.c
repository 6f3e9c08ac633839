/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	ldapconn-plugin - the instance lifecycle the LDAP plugins share
 * DESCRIPTION
 *	What ldap-account, ldap-group, access-level and mail-ldap did alike
 *	around their operations: checking a DN key, making a thread's
 *	handle, closing it, checking the server, freeing what lc_configure()
 *	read. Their tables point at these; each plugin keeps only what is
 *	its own (its keys, its open, which says whose handle it is). See
 *	ldapconn.h for the layout these rely on.
 */
#include "config.h"
#include "ldapconn.h"

#include <stdlib.h>
#include <string.h>

int lc_check_dn(const char *key, const char *dn, char **error_r)
{
	/* a DN is equal to itself only when libldap can parse it */
	if (lc_dn_equal(dn, dn))
		return 0;
	*error_r = lc_asprintf("plugin key '%s': '%s' is not a DN", key, dn);
	return -1;
}

void lc_plugin_unconfigure(void *conf)
{
	lc_unconfigure(conf);	/* the configuration's first member */
}

void *lc_plugin_open(const struct pvd_host *host, const char *instance, const char *plugin,
		     const struct lc_conf *cc, size_t size, void **inst_r, char **error_r)
{
	struct ldapconn **h = lc_xmalloc(size);
	(void)error_r;		/* making the handle cannot fail: the connection waits for the first use */
	memset(h, 0, size);
	*h = lc_new(host, instance, plugin, cc);
	*inst_r = h;
	return h;
}

void lc_plugin_detach(void *inst)
{
	if (inst == NULL)
		return;
	lc_free(inst);		/* the handle's first member */
	free(inst);
}

enum pvd_status lc_plugin_check(void *inst, char *message, size_t size)
{
	return lc_check(*(struct ldapconn **)inst, message, size);
}
