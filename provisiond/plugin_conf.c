/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	plugin_conf - a plugin instance's configuration, checked against its rows
 * DESCRIPTION
 *	See plugin_conf.h. The rows are the plugin's; the memory of the
 *	filled struct (strings, lists) is the host's, allocated here and
 *	released by plugin_conf_free().
 */
#include "config.h"
#include "plugin_conf.h"
#include "buf.h"
#include "tpool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static size_t field_size(enum pvd_conf_type t)
{
	switch (t) {
	case PVD_CONF_STRING: return sizeof(char *);
	case PVD_CONF_INT: return sizeof(int);
	case PVD_CONF_BOOL: return sizeof(int);
	case PVD_CONF_LIST: return sizeof(struct pvd_conf_list);
	}
	return 0;
}

static int nrows(const struct pvd_conf_row *rows)
{
	int n = 0;
	while (rows != NULL && rows[n].name != NULL)
		n++;
	return n;
}

/* A plugin's bug, found before any line is read. */
static int check_rows(const char *plugin, const struct pvd_conf_row *rows, size_t conf_size, const char **error_r)
{
	int n = nrows(rows);
	for (int i = 0; i < n; i++) {
		const struct pvd_conf_row *r = &rows[i];
		size_t fs = field_size(r->type);
		const char *why = NULL;
		if (r->name[0] == '\0')
			why = "has no name";
		else if (fs == 0)
			why = "has an unknown type";
		else if (r->offset > conf_size || fs > conf_size - r->offset)
			why = "lies outside the configuration struct (conf_size)";
		else if (r->type == PVD_CONF_INT && r->min > r->max)
			why = "has min above max";
		for (int k = 0; why == NULL && k < i; k++) {
			if (strcmp(rows[k].name, r->name) == 0)
				why = "is named twice";
			else if (rows[k].offset < r->offset + fs && r->offset < rows[k].offset + field_size(rows[k].type) &&
				 !(r->type == PVD_CONF_LIST && rows[k].type == PVD_CONF_LIST && r->offset == rows[k].offset))
				why = "shares its field with another row";
		}
		if (why != NULL) {
			*error_r = t_printf("%s: configuration row %d ('%s') %s: the plugin is broken", plugin, i,
					    r->name, why);
			return -1;
		}
	}
	return 0;
}

static void *field(void *conf, const struct pvd_conf_row *r)
{
	return (char *)conf + r->offset;
}

char *plugin_conf_known_keys(const struct pvd_conf_row *rows)
{
	struct buf b = BUF_INIT;
	for (int i = 0; rows != NULL && rows[i].name != NULL; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", rows[i].shown ? rows[i].shown : rows[i].name);
	char *s = buf_steal(&b);
	buf_free(&b);
	return s;
}

/* The row a key belongs to: its exact name, else the longest LIST prefix. */
static int find_row(const struct pvd_conf_row *rows, const char *key)
{
	int best = -1;
	size_t best_len = 0;
	for (int i = 0; rows != NULL && rows[i].name != NULL; i++) {
		size_t n = strlen(rows[i].name);
		if (rows[i].type != PVD_CONF_LIST) {
			if (strcmp(rows[i].name, key) == 0)
				return i;
		} else if (strncmp(rows[i].name, key, n) == 0 && n > best_len) {
			best = i;
			best_len = n;
		}
	}
	return best;
}

/* "plugin key 'timeout' (line 7)" or "plugin key 'timeout' (default)" */
static char *where(const char *key, int line)
{
	return line > 0 ? xasprintf("plugin key '%s' (line %d)", key, line)
			: xasprintf("plugin key '%s' (default)", key);
}

static int parse_bool(const char *v, int *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" }, *const no[] = { "no", "false", "off", "0" };
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return *out = 1, 0;
		if (strcasecmp(v, no[i]) == 0)
			return *out = 0, 0;
	}
	return -1;
}

/* The word in <> of a LIST's shown name ("unit.<unit>" -> "unit"), else "name". */
static char *list_word(const struct pvd_conf_row *r)
{
	const char *lt = r->shown ? strchr(r->shown, '<') : NULL;
	const char *gt = lt ? strchr(lt, '>') : NULL;
	return gt ? xstrndup(lt + 1, (size_t)(gt - lt - 1)) : xstrdup("name");
}

/* Converts and stores one value (a line's, or a default with line 0). */
static int set_value(const struct pvd_conf_row *r, int row, void *conf, const char *key, const char *value,
		     int line, const char **error_r)
{
	char *w = NULL;
	const char *why = NULL;
	int rc = -1;

	switch (r->type) {
	case PVD_CONF_STRING:
		if (r->check != NULL && (why = r->check(value)) != NULL)
			break;
		free(*(char **)field(conf, r));
		*(char **)field(conf, r) = xstrdup(value);
		rc = 0;
		break;
	case PVD_CONF_INT: {
		char *end = NULL;
		errno = 0;
		long v = strtol(value, &end, 10);
		if (*value == '\0' || *end != '\0' || errno != 0 || v < r->min || v > r->max) {
			w = where(key, line);
			*error_r = t_printf("%s: '%s' is not a number from %d to %d", w, value, r->min, r->max);
			free(w);
			return -1;
		}
		if (r->check != NULL && (why = r->check(value)) != NULL)
			break;
		*(int *)field(conf, r) = (int)v;
		rc = 0;
		break;
	}
	case PVD_CONF_BOOL:
		if (parse_bool(value, (int *)field(conf, r)) < 0) {
			w = where(key, line);
			*error_r = t_printf("%s: '%s' is not yes or no", w, value);
			free(w);
			return -1;
		}
		rc = 0;
		break;
	case PVD_CONF_LIST: {
		size_t plen = strlen(r->name);
		if (key[plen] == '\0') {
			char *word = list_word(r);
			w = where(key, line);
			*error_r = t_printf("%s: name the %s after '%s'", w, word, key);
			free(word);
			free(w);
			return -1;
		}
		if (r->check != NULL && (why = r->check(value)) != NULL)
			break;
		struct pvd_conf_list *l = field(conf, r);
		struct pvd_conf_item *v = xrealloc((void *)l->v, sizeof(*v) * (size_t)(l->n + 1));
		struct pvd_conf_item *it = &v[l->n];
		it->key = xstrdup(key);
		it->name = it->key + plen;
		it->value = xstrdup(value);
		it->line = line;
		it->row = row;
		l->v = v;
		l->n++;
		rc = 0;
		break;
	}
	}
	if (why != NULL) {
		w = where(key, line);
		*error_r = t_printf("%s: '%s' %s", w, value, why);
		free(w);
	}
	return rc;
}

static int is_missing(const struct pvd_conf_row *r, void *conf, int line)
{
	switch (r->type) {
	case PVD_CONF_STRING: {
		const char *s = *(char **)field(conf, r);
		return s == NULL || *s == '\0';
	}
	case PVD_CONF_LIST:
		return ((struct pvd_conf_list *)field(conf, r))->n == 0;
	default:
		return line == 0 && r->def == NULL;
	}
}

int plugin_conf_parse(const char *plugin, const struct pvd_conf_row *rows, size_t conf_size,
		      const struct pvd_kv *kv, int nkv, void **conf_r, int **lines_r, const char **error_r)
{
	int n = nrows(rows);
	void *conf;
	int *lines;

	*conf_r = NULL;
	*lines_r = NULL;
	if (check_rows(plugin, rows, conf_size, error_r) < 0)
		return -1;
	conf = xcalloc(1, conf_size ? conf_size : 1);
	lines = xcalloc((size_t)n + 1, sizeof(int));
	for (int i = 0; i < nkv; i++) {
		int r = find_row(rows, kv[i].key);
		if (r < 0) {
			char *known = plugin_conf_known_keys(rows);
			*error_r = known[0] ? t_printf("plugin key '%s' (line %d) is not known to %s (%s)", kv[i].key,
							kv[i].line, plugin, known)
					    : t_printf("plugin key '%s' (line %d) is not known to %s (it takes no keys)",
							kv[i].key, kv[i].line, plugin);
			free(known);
			goto fail;
		}
		if (set_value(&rows[r], r, conf, kv[i].key, kv[i].value, kv[i].line, error_r) < 0)
			goto fail;
		if (lines[r] == 0)
			lines[r] = kv[i].line;
	}
	for (int r = 0; r < n; r++)
		if (lines[r] == 0 && rows[r].def != NULL && rows[r].type != PVD_CONF_LIST &&
		    set_value(&rows[r], r, conf, rows[r].name, rows[r].def, 0, error_r) < 0)
			goto fail;
	for (int r = 0; r < n; r++) {
		if ((rows[r].flags & PVD_CONF_REQUIRED) && is_missing(&rows[r], conf, lines[r])) {
			*error_r = rows[r].help ? t_printf("plugin key '%s' is required: %s", rows[r].name, rows[r].help)
						: t_printf("plugin key '%s' is missing: %s needs it", rows[r].name, plugin);
			goto fail;
		}
	}
	*conf_r = conf;
	*lines_r = lines;
	return 0;
fail:
	plugin_conf_free(rows, &conf);
	free(lines);
	return -1;
}

void plugin_conf_free(const struct pvd_conf_row *rows, void **conf_r)
{
	void *conf = *conf_r;
	if (conf == NULL)
		return;
	for (int r = 0; rows != NULL && rows[r].name != NULL; r++) {
		if (rows[r].type == PVD_CONF_STRING) {
			char **sp = field(conf, &rows[r]);
			free(*sp);
			*sp = NULL;
		} else if (rows[r].type == PVD_CONF_LIST) {
			/* rows sharing a list see it emptied by the first */
			struct pvd_conf_list *l = field(conf, &rows[r]);
			for (int i = 0; i < l->n; i++) {
				free((char *)l->v[i].key);
				free((char *)l->v[i].value);
			}
			free((void *)l->v);
			l->v = NULL;
			l->n = 0;
		}
	}
	free(conf);
	*conf_r = NULL;
}
