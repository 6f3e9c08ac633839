/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	pbx-conf - the pbx plugin's configuration keys and their checks
 * DESCRIPTION
 *	The keys are rows the host checks once per instance, naming a wrong
 *	one with its line: "plugin key 'range' (line 12): '2999-2000' START
 *	is after END". pbx_configure() then turns them into what the
 *	operations use (the backend, the range, the level rules) and reads
 *	the pepper file, checking that it can go into the routing script.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pbx.h"

#ifndef PBX_SQL_DIR
#define PBX_SQL_DIR "/usr/share/provisiond/pbx"
#endif

static const struct pbx_backend *const backends[] = { &pbx_backend_kamailio };

static const struct pbx_backend *find_backend(const char *name)
{
	for (size_t b = 0; b < sizeof(backends) / sizeof(backends[0]); b++)
		if (strcmp(name, backends[b]->name) == 0)
			return backends[b];
	return NULL;
}

static int all_digits(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* "2000-2999": digits, the same length (1..15), start <= end; NULL or why not */
static const char *parse_range(struct pbx_conf *in, const char *v)
{
	const char *dash = strchr(v, '-');
	if (dash == NULL)
		return "is not START-END (e.g. 2000-2999)";
	size_t a = (size_t)(dash - v), b = strlen(dash + 1);
	if (!all_digits(v, a) || !all_digits(dash + 1, b))
		return "START and END must be digits only (e.g. 2000-2999)";
	if (a != b)
		return "START and END must have the same number of digits";
	if (a > 15)
		return "numbers of more than 15 digits are not extensions";
	memcpy(in->first, v, a);
	in->first[a] = '\0';
	memcpy(in->last, dash + 1, b);
	in->last[b] = '\0';
	in->lo = strtoull(in->first, NULL, 10);
	in->hi = strtoull(in->last, NULL, 10);
	if (in->lo > in->hi)
		return "START is after END";
	return NULL;
}

/* ---- the rows' value checks ---- */

static const char *check_backend(const char *v)
{
	return find_backend(v) ? NULL : "is not a pbx backend (kamailio)";
}

static const char *check_realm(const char *r)
{
	size_t n = strlen(r);
	int ok = n > 0 && n <= 64;
	for (size_t i = 0; ok && i < n; i++) {
		char c = r[i];
		ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '-';
	}
	return ok ? NULL : "is not a SIP domain (letters, digits, dots and hyphens, at most 64)";
}

static const char *check_range(const char *v)
{
	struct pbx_conf tmp;
	return parse_range(&tmp, v);
}

static const char *check_level(const char *v)
{
	return pbx_level_rank(v) > 0 ? NULL : "is not a calling level (" PBX_LEVEL_LIST ")";
}

#define K(m) offsetof(struct pbx_conf, m)
const struct pvd_conf_row pbx_conf_rows[] = {
	{ .name = "backend", .type = PVD_CONF_STRING, .offset = K(backend), .flags = PVD_CONF_REQUIRED,
	  .check = check_backend, .help = "kamailio" },
	{ .name = "conninfo", .type = PVD_CONF_STRING, .offset = K(conninfo), .flags = PVD_CONF_REQUIRED,
	  .help = "the libpq string of the PBX's database" },
	{ .name = "realm", .type = PVD_CONF_STRING, .offset = K(realm), .flags = PVD_CONF_REQUIRED,
	  .check = check_realm, .help = "the SIP domain of the extensions (pbx.example.org)" },
	{ .name = "range", .type = PVD_CONF_STRING, .offset = K(range), .flags = PVD_CONF_REQUIRED,
	  .check = check_range, .help = "the extension numbers to give, e.g. 2000-2999" },
	{ .name = "level", .type = PVD_CONF_STRING, .offset = K(level), .def = "local", .check = check_level },
	{ .name = "level.unit.", .type = PVD_CONF_LIST, .offset = K(level_lines), .check = check_level,
	  .shown = "level.unit.<unit>" },
	{ .name = "level.position.", .type = PVD_CONF_LIST, .offset = K(level_lines), .check = check_level,
	  .shown = "level.position.<position>" },
	{ .name = "code_length", .type = PVD_CONF_INT, .offset = K(code_length), .def = "6", .min = PBX_CODE_MIN,
	  .max = PBX_CODE_MAX },
	{ .name = "code_pepper_file", .type = PVD_CONF_STRING, .offset = K(pepper_file), .flags = PVD_CONF_REQUIRED,
	  .help = "a file holding the secret that call codes are hashed with (the routing script has the same)" },
	{ .name = NULL },
};
enum { ROW_BACKEND, ROW_CONNINFO, ROW_REALM, ROW_RANGE, ROW_LEVEL, ROW_LEVEL_UNIT, ROW_LEVEL_POSITION,
       ROW_CODE_LENGTH, ROW_PEPPER };

/* The pepper is written into kamailio.cfg as a string: keep it to
 * characters that need no quoting there (hex or base64 do). */
static const char *check_pepper(const char *p)
{
	size_t n = strlen(p);
	if (n == 0)
		return "is empty";
	if (n < 16)
		return "is shorter than 16 characters (make one with: openssl rand -hex 32)";
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || strchr("+/=_-.", c)))
			return "may hold only letters, digits and + / = _ - . (it is copied into the routing script)";
	}
	return NULL;
}

int pbx_configure(const struct pvd_host *host, const char *instance, void *conf, const int *lines, char **error_r)
{
	struct pbx_conf *c = conf;
	const char *why;
	char *err = NULL;
	(void)instance;

	c->be = find_backend(c->backend);
	parse_range(c, c->range);
	c->default_rank = pbx_level_rank(c->level);
	for (int i = 0; i < c->level_lines.n; i++) {
		const struct pvd_conf_item *it = &c->level_lines.v[i];
		c->rules = host->mem_realloc(c->rules, sizeof(*c->rules) * (size_t)(c->nrules + 1));
		c->rules[c->nrules].position = it->row == ROW_LEVEL_POSITION;
		c->rules[c->nrules].match = host->str_dup(it->name);
		c->rules[c->nrules].rank = pbx_level_rank(it->value);
		c->nrules++;
	}
	c->pepper = host->read_secret_file(c->pepper_file, &err);
	if (c->pepper == NULL) {
		*error_r = host->str_format("plugin key 'code_pepper_file' (line %d): %s", lines[ROW_PEPPER],
					    err ? err : "unreadable");
		free(err);
		return -1;
	}
	if ((why = check_pepper(c->pepper)) != NULL) {
		*error_r = host->str_format("plugin key 'code_pepper_file' (line %d): the pepper in %s %s",
					    lines[ROW_PEPPER], c->pepper_file, why);
		return -1;
	}
	snprintf(c->hint, sizeof(c->hint), "apply %s/%s to the PBX database (after Kamailio's standard-create.sql "
		 "and usrloc-create.sql)", PBX_SQL_DIR, c->be->schema_file);
	return 0;
}

void pbx_unconfigure(void *conf)
{
	struct pbx_conf *c = conf;
	for (int i = 0; i < c->nrules; i++)
		free(c->rules[i].match);
	free(c->rules);
	c->rules = NULL;
	c->nrules = 0;
	if (c->pepper != NULL) {
		explicit_bzero(c->pepper, strlen(c->pepper));
		free(c->pepper);
		c->pepper = NULL;
	}
}

int pbx_open(const struct pvd_host *host, const char *instance, const void *conf, void **inst_r, char **error_r)
{
	const struct pbx_conf *c = conf;
	struct pbx_inst *in = host->mem_alloc(sizeof(*in));
	(void)error_r;
	in->host = host;
	in->name = host->str_dup(instance);
	in->cf = c;
	in->db.schema_hint = c->hint;
	*inst_r = in;
	return 0;
}

void pbx_detach(void *p)
{
	struct pbx_inst *in = p;
	if (in == NULL)
		return;
	pgconn_close(&in->db.conn);
	free(in->name);
	free(in);
}
