/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	ldap-group-conf - the configuration of ldap-group and access-level
 * DESCRIPTION
 *	The keys as rows (the connection's, the base DNs, "all" and the rule
 *	lines unit.<unit>, unit_<unit>, position.<position>,
 *	position_<position>), checked by the host once per instance;
 *	grp_configure() turns the rule lines into rules, refusing one that
 *	names nothing, is set twice, or (access-level) names something that
 *	is not system:level. grp_open() makes a thread's handle.
 */
#include "config.h"
#include "ldap-group.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define K(m) offsetof(struct grp_conf, m)
const struct pvd_conf_row grp_rows[] = {
	LC_CONF_ROWS(struct grp_conf, conn),
	{ .name = BASE_KEY, .type = PVD_CONF_STRING, .offset = K(groups_dn), .flags = PVD_CONF_REQUIRED },
	{ .name = "people_dn", .type = PVD_CONF_STRING, .offset = K(people_dn), .flags = PVD_CONF_REQUIRED },
	{ .name = "all", .type = PVD_CONF_STRING, .offset = K(all_line) },
	{ .name = "unit.", .type = PVD_CONF_LIST, .offset = K(rule_lines), .shown = "unit.<unit>" },
	{ .name = "unit_", .type = PVD_CONF_LIST, .offset = K(rule_lines), .shown = "unit_<unit>" },
	{ .name = "position.", .type = PVD_CONF_LIST, .offset = K(rule_lines), .shown = "position.<position>" },
	{ .name = "position_", .type = PVD_CONF_LIST, .offset = K(rule_lines), .shown = "position_<position>" },
	{ .name = NULL },
};
enum { ROW_ALL = LC_NROWS + 2, ROW_UNIT_DOT, ROW_UNIT_US, ROW_POSITION_DOT, ROW_POSITION_US };

/* ---- instance ------------------------------------------------------------------- */

void grp_unconfigure(void *conf)
{
	struct grp_conf *g = conf;
	lc_unconfigure(&g->conn);
	for (int i = 0; i < g->nrules; i++) {
		free(g->rules[i].key);
		lc_strs_free(&g->rules[i].groups);
	}
	free(g->rules);
	g->rules = NULL;
	g->nrules = 0;
	lc_strs_free(&g->all);
	lc_strs_free(&g->rule_groups);
}

/* One rule line (unit.x, unit_x, position.y, position_y; key NULL: the
 * "all" line): 0, or -1 and *error_r. */
static int add_rule(struct grp_conf *g, const char *line_key, enum rule_kind kind, const char *key,
		    const char *value, int line, char **error_r)
{
	if (key != NULL) {
		for (int i = 0; i < g->nrules; i++) {
			if (g->rules[i].kind == kind && strcasecmp(g->rules[i].key, key) == 0) {
				*error_r = lc_asprintf("plugin key '%s' (line %d): the rule for %s '%s' is set twice",
						       line_key, line, kind == RULE_UNIT ? "unit" : "position", key);
				return -1;
			}
		}
	}
	struct lc_strs groups = { NULL, 0 };
	lc_strs_add_list(&groups, value);
	if (groups.n == 0) {
		*error_r = lc_asprintf("plugin key '%s' (line %d) names no " THING, line_key, line);
		return -1;
	}
#ifdef PVD_ACCESS_LEVEL
	for (int i = 0; i < groups.n; i++) {
		const char *colon = strchr(groups.v[i], ':');
		if (colon == NULL || colon == groups.v[i] || colon[1] == '\0' || strchr(colon + 1, ':') != NULL) {
			*error_r = lc_asprintf("plugin key '%s' (line %d): '%s' is not system:level", line_key,
					       line, groups.v[i]);
			lc_strs_free(&groups);
			return -1;
		}
	}
#endif
	if (key == NULL) {
		for (int i = 0; i < groups.n; i++)
			if (!lc_strs_has(&g->all, groups.v[i]))
				lc_strs_add(&g->all, groups.v[i]);
		lc_strs_free(&groups);
		return 0;
	}
	g->rules = lc_xrealloc(g->rules, sizeof(*g->rules) * (size_t)(g->nrules + 1));
	g->rules[g->nrules].kind = kind;
	g->rules[g->nrules].key = lc_strdup(key);
	g->rules[g->nrules].groups = groups;
	g->nrules++;
	return 0;
}

int grp_configure(const struct pvd_host *host, const char *instance, void *conf, const int *lines,
			 char **error_r)
{
	struct grp_conf *g = conf;
	(void)instance;
	if (lc_configure(host, &g->conn, lines, error_r) < 0)
		return -1;
	if (lc_check_dn(BASE_KEY, g->groups_dn, error_r) < 0 || lc_check_dn("people_dn", g->people_dn, error_r) < 0)
		return -1;
	if (g->all_line != NULL && add_rule(g, "all", RULE_UNIT, NULL, g->all_line, lines[ROW_ALL], error_r) < 0)
		return -1;
	for (int i = 0; i < g->rule_lines.n; i++) {
		const struct pvd_conf_item *it = &g->rule_lines.v[i];
		enum rule_kind kind = it->row == ROW_UNIT_DOT || it->row == ROW_UNIT_US ? RULE_UNIT : RULE_POSITION;
		if (add_rule(g, it->key, kind, it->name, it->value, it->line, error_r) < 0)
			return -1;
	}
	for (int i = 0; i < g->all.n; i++)
		if (!lc_strs_has(&g->rule_groups, g->all.v[i]))
			lc_strs_add(&g->rule_groups, g->all.v[i]);
	for (int r = 0; r < g->nrules; r++)
		for (int i = 0; i < g->rules[r].groups.n; i++)
			if (!lc_strs_has(&g->rule_groups, g->rules[r].groups.v[i]))
				lc_strs_add(&g->rule_groups, g->rules[r].groups.v[i]);
	return 0;
}

int grp_open(const struct pvd_host *host, const char *instance, const void *conf, void **inst_r,
		    char **error_r)
{
	struct grp *g = lc_plugin_open(host, instance, PLUGIN_NAME, conf, sizeof(*g), inst_r, error_r);
	g->c = conf;
	return 0;
}
