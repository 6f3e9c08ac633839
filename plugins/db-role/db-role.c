/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	db-role - a person's login role in an application's PostgreSQL database
 * SYNOPSIS
 *	plugin.tributario.library = db-role
 *	plugin.tributario.conninfo = host=db.example.org dbname=tributario user=provisioner
 *	plugin.tributario.unit.tributaria = tributario_read
 *	plugin.tributario.position.jefe-tributaria = tributario_write
 *	plugin.tributario.all =
 * DESCRIPTION
 *	Each person gets a LOGIN role named after their login (uid), marked as
 *	provisiond's by its comment ("provisiond:<employee_number>"), and is
 *	granted the group roles (access levels, e.g. tributario_read) that the
 *	rules give their unit and position. How the person authenticates is
 *	the database's business: pg_hba's ldap method against the directory is
 *	the natural choice, so their directory password (and its ppolicy lock)
 *	applies.
 *
 *	create/update  create the role if missing (CONFLICT when a role of that
 *	               name exists and is not ours), LOGIN, grant the levels the
 *	               rules give, revoke rule levels no longer given
 *	disable        NOLOGIN, revoke every rule level (recorded in before),
 *	               end the person's open sessions; the role is never dropped
 *	enable         LOGIN again and the rule levels back
 *	read           the role's state
 *	Every change runs in one transaction: nothing is half-done. Role names
 *	are always quoted with PQescapeIdentifier, values passed as parameters.
 *	A database that cannot be reached is RETRY.
 */
#include "config.h"

#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "provisiond-plugin.h"
#include "pgconn.h"

struct rule {
	char *kind;	/* unit, position, all */
	char *match;	/* unit or position code; "" for all */
	char **roles;
	int nroles;
};

/* system = tributario, level.read = tributario_read: the catalogue's
 * levels of this database, granted by access requests (params.levels
 * holds "tributario:read"). */
struct level_map {
	char *level;
	char *role;
};

/* The instance's configuration: the rows', then what db_configure made
 * of them. */
struct db_conf {
	const struct pvd_host *host;
	char *conninfo;
	struct pvd_conf_list rule_lines;	/* unit.<unit>, position.<position> */
	char *all_line;
	char *system;
	struct pvd_conf_list level_lines;	/* level.<level> */
	struct rule *rules;		/* in file order */
	int nrules;
	struct level_map *levels;
	int nlevels;
};

#define K(m) offsetof(struct db_conf, m)
static const struct pvd_conf_row db_rows[] = {
	{ .name = "conninfo", .type = PVD_CONF_STRING, .offset = K(conninfo), .flags = PVD_CONF_REQUIRED,
	  .help = "the libpq string of the application's database" },
	{ .name = "unit.", .type = PVD_CONF_LIST, .offset = K(rule_lines), .shown = "unit.<unit>" },
	{ .name = "position.", .type = PVD_CONF_LIST, .offset = K(rule_lines), .shown = "position.<position>" },
	{ .name = "all", .type = PVD_CONF_STRING, .offset = K(all_line) },
	{ .name = "system", .type = PVD_CONF_STRING, .offset = K(system) },
	{ .name = "level.", .type = PVD_CONF_LIST, .offset = K(level_lines), .shown = "level.<level>" },
	{ .name = NULL },
};
enum { ROW_CONNINFO, ROW_UNIT, ROW_POSITION, ROW_ALL, ROW_SYSTEM, ROW_LEVEL };

/* One thread's handle: its connection and the instance's configuration. */
struct inst {
	const struct pvd_host *host;
	const struct db_conf *c;
	PGconn *conn;
};

static void set(struct pvd_result *res, enum pvd_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set(struct pvd_result *res, enum pvd_status st, const char *fmt, ...)
{
	va_list ap;
	res->status = st;
	va_start(ap, fmt);
	vsnprintf(res->message, sizeof(res->message), fmt, ap);
	va_end(ap);
}

static void db_unconfigure(void *conf)
{
	struct db_conf *c = conf;
	for (int i = 0; i < c->nrules; i++) {
		for (int k = 0; k < c->rules[i].nroles; k++)
			free(c->rules[i].roles[k]);
		free(c->rules[i].roles);
		free(c->rules[i].kind);
		free(c->rules[i].match);
	}
	free(c->rules);
	c->rules = NULL;
	c->nrules = 0;
	for (int i = 0; i < c->nlevels; i++) {
		free(c->levels[i].level);
		free(c->levels[i].role);
	}
	free(c->levels);
	c->levels = NULL;
	c->nlevels = 0;
}

static void add_rule(struct db_conf *c, const char *kind, const char *match, const char *list)
{
	const struct pvd_host *h = c->host;
	c->rules = h->mem_realloc(c->rules, sizeof(*c->rules) * (size_t)(c->nrules + 1));
	struct rule *r = &c->rules[c->nrules++];
	memset(r, 0, sizeof(*r));
	r->kind = h->str_dup(kind);
	r->match = h->str_dup(match);
	char *copy = h->str_dup(list), *save = NULL;
	for (char *w = strtok_r(copy, " ,", &save); w; w = strtok_r(NULL, " ,", &save)) {
		r->roles = h->mem_realloc(r->roles, sizeof(char *) * (size_t)(r->nroles + 1));
		r->roles[r->nroles++] = h->str_dup(w);
	}
	free(copy);
}

static int db_configure(const struct pvd_host *host, const char *instance, void *conf, const int *lines,
			char **error_r)
{
	struct db_conf *c = conf;
	(void)instance;
	c->host = host;
	/* the rules in file order: "all" goes where its line is */
	int all_done = c->all_line == NULL;
	for (int i = 0; i < c->rule_lines.n; i++) {
		const struct pvd_conf_item *it = &c->rule_lines.v[i];
		if (!all_done && lines[ROW_ALL] < it->line) {
			add_rule(c, "all", "", c->all_line);
			all_done = 1;
		}
		add_rule(c, it->row == ROW_UNIT ? "unit" : "position", it->name, it->value);
	}
	if (!all_done)
		add_rule(c, "all", "", c->all_line);
	for (int i = 0; i < c->level_lines.n; i++) {
		const struct pvd_conf_item *it = &c->level_lines.v[i];
		if (it->value[0] == '\0') {
			*error_r = host->str_format("plugin key '%s' (line %d) names no role", it->key, it->line);
			return -1;
		}
		c->levels = host->mem_realloc(c->levels, sizeof(*c->levels) * (size_t)(c->nlevels + 1));
		c->levels[c->nlevels].level = host->str_dup(it->name);
		c->levels[c->nlevels].role = host->str_dup(it->value);
		c->nlevels++;
	}
	if ((c->nlevels > 0) != (c->system != NULL && c->system[0] != '\0')) {
		*error_r = host->str_dup("plugin keys 'system' and 'level.<level>' go together: the catalogue system "
					 "this database is, and the role of each of its levels");
		return -1;
	}
	return 0;
}

static int db_open(const struct pvd_host *host, const char *instance, const void *conf, void **inst_r,
		   char **error_r)
{
	struct inst *in = host->mem_alloc(sizeof(*in));
	(void)instance;
	(void)error_r;
	in->host = host;
	in->c = conf;
	*inst_r = in;
	return 0;
}

static void detach(void *p)
{
	struct inst *in = p;
	if (in == NULL)
		return;
	pgconn_close(&in->conn);
	in->host->mem_free(in);
}

#define DATABASE "the application database"	/* in messages */

/* The instance's connection, made or remade; NULL and res set when down. */
static PGconn *conn(struct inst *in, struct pvd_result *res)
{
	return pgconn_connect(&in->conn, in->c->conninfo, DATABASE, res) < 0 ? NULL : in->conn;
}

/* Runs sql; on failure sets res (RETRY when the connection broke). */
static PGresult *run(struct inst *in, struct pvd_result *res, const char *what, const char *sql,
		     int n, const char *const *params)
{
	PGresult *r = PQexecParams(in->conn, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(r);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return r;
	char m[600];
	snprintf(m, sizeof(m), "%s", PQresultErrorMessage(r));
	m[strcspn(m, "\n")] = '\0';
	set(res, PQstatus(in->conn) == CONNECTION_OK ? PVD_FAIL : PVD_RETRY, "%s failed: %s", what, m);
	PQclear(r);
	return NULL;
}

static int exec_ok(struct inst *in, struct pvd_result *res, const char *what, const char *sql)
{
	PGresult *r = run(in, res, what, sql, 0, NULL);
	if (r == NULL)
		return -1;
	PQclear(r);
	return 0;
}

static int contains(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
		if (strcmp(json_string_value(v), s) == 0)
			return 1;
	return 0;
}

/* The levels the rules and the person's grants (params.levels) give this
 * person, and every level any rule or the level map names. */
static void wanted(struct inst *in, const struct pvd_op *op, json_t *want, json_t *managed)
{
	json_t *person = op->person;
	json_t *granted = op->params ? json_object_get(op->params, "levels") : NULL;
	size_t sl = in->c->system ? strlen(in->c->system) : 0;
	for (int i = 0; i < in->c->nlevels; i++) {
		const char *role = in->c->levels[i].role;
		if (!contains(managed, role))
			json_array_append_new(managed, json_string(role));
		size_t j;
		json_t *v;
		json_array_foreach(granted, j, v) {
			const char *g = json_string_value(v);
			if (g && strncmp(g, in->c->system, sl) == 0 && g[sl] == ':' &&
			    strcmp(g + sl + 1, in->c->levels[i].level) == 0 && !contains(want, role))
				json_array_append_new(want, json_string(role));
		}
	}
	const char *unit = json_string_value(json_object_get(person, "unit"));
	const char *pos = json_string_value(json_object_get(person, "position"));
	for (int i = 0; i < in->c->nrules; i++) {
		struct rule *r = &in->c->rules[i];
		int applies = strcmp(r->kind, "all") == 0 ||
			      (strcmp(r->kind, "unit") == 0 && unit && strcmp(unit, r->match) == 0) ||
			      (strcmp(r->kind, "position") == 0 && pos && strcmp(pos, r->match) == 0);
		for (int k = 0; k < r->nroles; k++) {
			if (!contains(managed, r->roles[k]))
				json_array_append_new(managed, json_string(r->roles[k]));
			if (applies && !contains(want, r->roles[k]))
				json_array_append_new(want, json_string(r->roles[k]));
		}
	}
}

/* Observed state: {"exists", "ours", "login", "member_of": [...]}. */
static json_t *observe(struct inst *in, const char *role, struct pvd_result *res)
{
	const char *p[1] = { role };
	PGresult *r = run(in, res, "reading the role", "SELECT r.rolcanlogin, coalesce(shobj_description(r.oid, 'pg_authid'), ''), "
			  "coalesce((SELECT json_agg(g.rolname ORDER BY g.rolname) FROM pg_auth_members m JOIN pg_roles g "
			  "ON g.oid = m.roleid WHERE m.member = r.oid), '[]') FROM pg_roles r WHERE r.rolname = $1", 1, p);
	if (r == NULL)
		return NULL;
	json_t *o;
	if (PQntuples(r) == 0)
		o = json_pack("{s:b}", "exists", 0);
	else {
		json_t *members = json_loads(PQgetvalue(r, 0, 2), 0, NULL);
		o = json_pack("{s:b, s:b, s:b, s:o}", "exists", 1,
			      "ours", strncmp(PQgetvalue(r, 0, 1), "provisiond:", 11) == 0,
			      "login", PQgetvalue(r, 0, 0)[0] == 't', "member_of", members ? members : json_array());
	}
	PQclear(r);
	return o;
}

static json_t *shown(json_t *obs)
{
	if (!json_is_true(json_object_get(obs, "exists")))
		return NULL;
	return json_pack("{s:O, s:O}", "login", json_object_get(obs, "login"), "member_of",
			 json_object_get(obs, "member_of"));
}

/* GRANT each role of roles TO id (a quoted role name), or REVOKE it FROM
 * id: 0, or -1 at the first that fails (res set). */
static int change_levels(struct inst *in, struct pvd_result *res, const char *id, json_t *roles, int revoke)
{
	char sql[1024];
	size_t i;
	json_t *v;
	json_array_foreach(roles, i, v) {
		const char *g = json_string_value(v);
		char *gid = PQescapeIdentifier(in->conn, g, strlen(g));
		snprintf(sql, sizeof(sql), revoke ? "REVOKE %s FROM %s" : "GRANT %s TO %s", gid, id);
		PQfreemem(gid);
		if (exec_ok(in, res, revoke ? "REVOKE" : "GRANT", sql) < 0)
			return -1;
	}
	return 0;
}

/* Brings the role to: exists (when create), login flag, exactly the wanted
 * rule levels (other memberships untouched). */
static enum pvd_status converge(struct inst *in, const struct pvd_op *op, struct pvd_result *res, int login,
				int create)
{
	const char *uid = json_string_value(json_object_get(op->person, "uid"));
	const char *emp = json_string_value(json_object_get(op->person, "employee_number"));
	memset(res, 0, sizeof(*res));
	if (uid == NULL || *uid == '\0') {
		set(res, PVD_FAIL, "the person has no login (uid) yet");
		return res->status;
	}
	snprintf(res->object, sizeof(res->object), "role %s", uid);
	if (conn(in, res) == NULL)
		return res->status;
	json_t *obs = observe(in, uid, res);
	if (obs == NULL)
		return res->status;
	int exists = json_is_true(json_object_get(obs, "exists"));
	if (exists && !json_is_true(json_object_get(obs, "ours"))) {
		set(res, PVD_CONFLICT, "role %s exists and was not created by provisiond; not changed", uid);
		json_decref(obs);
		return res->status;
	}
	if (!exists && !create) {
		set(res, PVD_NOTFOUND, "no role %s", uid);
		json_decref(obs);
		return res->status;
	}
	json_t *want = json_array(), *managed = json_array();
	if (login)
		wanted(in, op, want, managed);
	else {
		json_t *none = json_array();	/* disable: keep no rule level */
		wanted(in, op, none, managed);
		json_decref(none);
	}
	json_t *have = exists ? json_object_get(obs, "member_of") : NULL;
	json_t *grant = json_array(), *revoke = json_array(), *v;
	size_t i;
	json_array_foreach(want, i, v)
		if (!have || !contains(have, json_string_value(v)))
			json_array_append(grant, v);
	json_array_foreach(managed, i, v)
		if (have && contains(have, json_string_value(v)) && !contains(want, json_string_value(v)))
			json_array_append(revoke, v);
	int login_change = !exists || json_is_true(json_object_get(obs, "login")) != login;
	res->before = shown(obs);
	/* after: what it will be */
	json_t *after_members = json_array();
	if (have)
		json_array_foreach(have, i, v)
			if (!contains(revoke, json_string_value(v)))
				json_array_append(after_members, v);
	json_array_extend(after_members, grant);
	res->after = json_pack("{s:b, s:o}", "login", login, "member_of", after_members);

	enum pvd_status st = PVD_OK;
	if (exists && !login_change && json_array_size(grant) == 0 && json_array_size(revoke) == 0) {
		set(res, PVD_NOOP, "role %s already as it should be", uid);
		st = PVD_NOOP;
	} else if (op->dry_run) {
		set(res, PVD_OK, "would %s role %s: %zu level(s) to grant, %zu to revoke", exists ? "change" : "create",
		    uid, json_array_size(grant), json_array_size(revoke));
	} else {
		char *id = PQescapeIdentifier(in->conn, uid, strlen(uid));
		char sql[1024];
		int ok = exec_ok(in, res, "BEGIN", "BEGIN") == 0;
		if (ok && !exists) {
			snprintf(sql, sizeof(sql), "CREATE ROLE %s LOGIN", id);
			ok = exec_ok(in, res, "CREATE ROLE", sql) == 0;
			if (ok) {
				/* COMMENT takes no parameters: the value is quoted by libpq */
				char mark[200];
				snprintf(mark, sizeof(mark), "provisiond:%s", emp ? emp : "");
				char *lit = PQescapeLiteral(in->conn, mark, strlen(mark));
				snprintf(sql, sizeof(sql), "COMMENT ON ROLE %s IS %s", id, lit);
				PQfreemem(lit);
				ok = exec_ok(in, res, "COMMENT ON ROLE", sql) == 0;
			}
		} else if (ok && login_change) {
			snprintf(sql, sizeof(sql), "ALTER ROLE %s %s", id, login ? "LOGIN" : "NOLOGIN");
			ok = exec_ok(in, res, "ALTER ROLE", sql) == 0;
		}
		ok = ok && change_levels(in, res, id, grant, 0) == 0 && change_levels(in, res, id, revoke, 1) == 0;
		if (ok)
			ok = exec_ok(in, res, "COMMIT", "COMMIT") == 0;
		if (!ok) {
			/* nothing half-done: the transaction goes back */
			PQclear(PQexec(in->conn, "ROLLBACK"));
			json_decref(res->after);
			res->after = NULL;
			st = res->status;
		} else {
			if (!login) {
				/* a disabled person's open sessions end now, not at logout */
				const char *p[1] = { uid };
				PGresult *t = PQexecParams(in->conn, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
							   "WHERE usename = $1", 1, NULL, p, NULL, NULL, 0);
				PQclear(t);
			}
			set(res, PVD_OK, "%s role %s: %zu level(s) granted, %zu revoked%s", exists ? "changed" : "created",
			    uid, json_array_size(grant), json_array_size(revoke), login ? "" : ", login off");
		}
		PQfreemem(id);
	}
	json_decref(grant);
	json_decref(revoke);
	json_decref(want);
	json_decref(managed);
	json_decref(obs);
	return st;
}

static enum pvd_status op_apply(void *p, const struct pvd_op *op, struct pvd_result *res)
{
	/* a disabled person's update only takes levels away (login stays off) */
	const char *status = json_string_value(json_object_get(op->person, "status"));
	int disabled = status && strcmp(status, "disabled") == 0 && strcmp(op->intent, "update") == 0;
	return converge(p, op, res, !disabled, 1);
}

static enum pvd_status op_disable(void *p, const struct pvd_op *op, struct pvd_result *res)
{
	return converge(p, op, res, 0, 0);
}

static enum pvd_status op_enable(void *p, const struct pvd_op *op, struct pvd_result *res)
{
	return converge(p, op, res, 1, 0);
}

static enum pvd_status op_read(void *p, const struct pvd_op *op, struct pvd_result *res)
{
	struct inst *in = p;
	const char *uid = json_string_value(json_object_get(op->person, "uid"));
	memset(res, 0, sizeof(*res));
	if (uid == NULL || conn(in, res) == NULL)
		return uid == NULL ? (set(res, PVD_FAIL, "no uid"), res->status) : res->status;
	json_t *obs = observe(in, uid, res);
	if (obs == NULL)
		return res->status;
	res->after = shown(obs);
	set(res, res->after ? PVD_OK : PVD_NOTFOUND, res->after ? "role %s" : "no role %s", uid);
	json_decref(obs);
	return res->status;
}

static enum pvd_status check(void *p, char *message, size_t size)
{
	struct inst *in = p;
	return pgconn_check(&in->conn, in->c->conninfo, DATABASE, message, size);
}

static const struct pvd_plugin plugin = {
	PVD_PLUGIN_1_2("db-role", PACKAGE_VERSION),
	.flags = PVD_PLUGIN_DRY_RUN,
	.conf_rows = db_rows,
	.conf_size = sizeof(struct db_conf),
	.configure = db_configure,
	.unconfigure = db_unconfigure,
	.open = db_open,
	.detach = detach,
	.check = check,
	.read = op_read,
	.apply = op_apply,
	.disable = op_disable,
	.enable = op_enable,
	.remove = NULL,
};

PVD_PLUGIN_EXPORT(plugin)
