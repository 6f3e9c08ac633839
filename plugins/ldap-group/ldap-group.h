/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	ldap-group.h - between ldap-group.c (the operations) and
 *	ldap-group-conf.c (the configuration) of ldap-group and access-level
 */
#ifndef PVD_LDAP_GROUP_H
#define PVD_LDAP_GROUP_H

#include "ldapconn.h"

/* One source, two plugins. Built with PVD_ACCESS_LEVEL it is access-level:
 * the entries are access levels (groupOfNames + pvdAccessLevel, named
 * cn=<system>-<level> with pvdSystem and pvdLevel) under levels_dn, and
 * rules and params name them "system:level". */
#ifdef PVD_ACCESS_LEVEL
#define PLUGIN_NAME "access-level"
#define BASE_KEY "levels_dn"
#define THINGS "levels"			/* params, before/after */
#define REVOKED "revoke_levels"
#define THING "access level"
#else
#define PLUGIN_NAME "ldap-group"
#define BASE_KEY "groups_dn"
#define THINGS "groups"
#define REVOKED "revoke_groups"
#define THING "group"
#endif

enum rule_kind { RULE_UNIT, RULE_POSITION };

struct rule {
	enum rule_kind kind;
	char *key;		/* unit or position key */
	struct lc_strs groups;
};

/* The instance's configuration: the rows', then what grp_configure
 * made of the rule lines. */
struct grp_conf {
	struct lc_conf conn;			/* first, for lc_plugin_* */
	char *groups_dn;
	char *people_dn;
	char *all_line;			/* the "all" key */
	struct pvd_conf_list rule_lines;	/* unit.<u>, unit_<u>, position.<p>, position_<p> */
	struct rule *rules;
	int nrules;
	struct lc_strs all;		/* groups of everyone */
	struct lc_strs rule_groups;	/* every group any rule names */
};

/* One thread's handle: its connection (first, for lc_plugin_*) and the
 * instance's configuration. */
struct grp {
	struct ldapconn *lc;
	const struct grp_conf *c;
};

extern const struct pvd_conf_row grp_rows[];
int grp_configure(const struct pvd_host *host, const char *instance, void *conf, const int *lines, char **error_r);
void grp_unconfigure(void *conf);
int grp_open(const struct pvd_host *host, const char *instance, const void *conf, void **inst_r, char **error_r);

#endif
