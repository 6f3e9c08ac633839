/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	plugin_conf - a plugin instance's configuration, checked against its rows
 * SYNOPSIS
 *	#include "plugin_conf.h"
 *
 *	void *conf;
 *	int *lines;
 *	if (plugin_conf_parse(p->name, p->conf_rows, p->conf_size, kv, nkv,
 *			      &conf, &lines, &error) < 0) ...
 *	p->configure(host, instance, conf, lines, &error);
 *	free(lines);
 *	...
 *	plugin_conf_free(p->conf_rows, &conf);
 * DESCRIPTION
 *	The host side of the configuration rows of plugin ABI 1.2
 *	(struct pvd_conf_row in provisiond-plugin.h), the FreeRADIUS
 *	CONF_PARSER idea: the plugin says what its keys are, the host checks
 *	an instance's lines once, when it loads the instance, and hands the
 *	plugin a filled struct instead of key/value pairs.
 *
 *	plugin_conf_parse() first checks the rows themselves (a plugin's
 *	bug: a field outside conf_size, an unknown type, a name twice), then
 *	takes the lines in file order: a line whose key is a row's name (or
 *	starts with a LIST row's prefix, the longest prefix winning) is
 *	converted and checked; any other key is refused with the list of the
 *	known ones. Then defaults, then required keys in row order.
 * DIAGNOSTICS
 *	Every refusal names the key and, when it is in the file, its line:
 *	    plugin key 'colour' (line 7) is not known to pbx (backend, conninfo, ...)
 *	    plugin key 'timeout' (line 9): 'soon' is not a number from 1 to 300
 *	    plugin key 'level' (line 4): 'premium' is not a calling level (...)
 *	    plugin key 'unit.' (line 5): name the unit after 'unit.'
 *	    plugin key 'realm' is required: the SIP domain of the extensions
 *	    plugin key 'people_dn' is missing: ldap-account needs it
 *	Nothing here logs.
 */
#ifndef PVD_PLUGIN_CONF_H
#define PVD_PLUGIN_CONF_H

#include <stddef.h>
#include "provisiond-plugin.h"

/* 0 with *conf_r (conf_size zeroed bytes, filled) and *lines_r (one int
 * per row: the line that set it, or a LIST's first line; 0 when not in
 * the file; free() it), or -1 with *error_r (in the caller's frame,
 * tpool.h). */
int plugin_conf_parse(const char *plugin, const struct pvd_conf_row *rows, size_t conf_size,
		      const struct pvd_kv *kv, int nkv, void **conf_r, int **lines_r, const char **error_r);
/* Frees what the rows put into *conf_r, then the struct; NULLs it. */
void plugin_conf_free(const struct pvd_conf_row *rows, void **conf_r);
/* "backend, conninfo, level.unit.<unit>, ..." (malloc'd) */
char *plugin_conf_known_keys(const struct pvd_conf_row *rows);

#endif
