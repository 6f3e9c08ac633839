/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	conf - provisiond.conf: reading, sharing, comparing (see conf.h)
 * DESCRIPTION
 *	This file reads the text: lines, comments, quotes, "key = value",
 *	"set twice", and hands each key to its row or section; then it runs
 *	the whole-file checks. What the keys are, their types, defaults,
 *	limits and checks is conf_sections.c, all in tables.
 */
#include "config.h"
#include "conf.h"
#include "conf_sections.h"
#include "buf.h"
#include "tpool.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t cur_lock = PTHREAD_MUTEX_INITIALIZER;
static struct conf *cur;

static void conf_free(struct conf *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < conf_nrows; i++)
		if (conf_rows[i].type == T_STR)
			free(*(char **)((char *)c + conf_rows[i].offset));
	if (c->ldap_bind_password != NULL) {
		/* explicit_bzero: the compiler may not drop it as a dead store */
		explicit_bzero(c->ldap_bind_password, strlen(c->ldap_bind_password));
		free(c->ldap_bind_password);
	}
	for (int i = 0; i < c->plugin_kv_count; i++) {
		free(c->plugin_kv[i].key);
		free(c->plugin_kv[i].value);
	}
	free(c->plugin_kv);
	for (int i = 0; i < c->ntasks; i++) {
		free(c->tasks[i].name);
		free(c->tasks[i].title);
		free(c->tasks[i].checklist);
	}
	free(c->tasks);
	for (int i = 0; i < c->nsystems; i++) {
		free(c->systems[i].name);
		free(c->systems[i].title);
		for (int k = 0; k < c->systems[i].nlevels; k++)
			free(c->systems[i].levels[k]);
		free(c->systems[i].levels);
	}
	free(c->systems);
	free(c->path);
	free(c);
}

struct conf *conf_parse(const char *name, const char *text, const char **error_r)
{
	struct conf *c = xcalloc(1, sizeof(*c));
	int *set_line = xcalloc(conf_nrows, sizeof(*set_line));	/* line a row was set on */
	const char *p = text;
	int lineno = 0;
	struct buf line = BUF_INIT;

	c->refcount = 1;
	c->path = xstrdup(name);
	for (size_t i = 0; i < conf_nrows; i++) {
		const struct conf_row *r = &conf_rows[i];
		if (r->type == T_STR)
			*(char **)((char *)c + r->offset) = xstrdup(r->def ? r->def : "");
		else if (r->def != NULL && conf_value_parse(r, c, r->def, name, 0, error_r) < 0)
			goto fail;
	}

	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		lineno++;
		buf_reset(&line);
		buf_append(&line, p, len);
		p += len + (nl ? 1 : 0);

		char *s = line.data;
		for (char *q = s; *q; q++) {
			if ((unsigned char)*q < 0x20 && *q != '\t' && *q != '\r') {
				*error_r = conf_err(name, lineno, NULL, "control character in line");
				goto fail;
			}
		}
		while (isspace((unsigned char)*s))
			s++;
		char *e = s + strlen(s);
		while (e > s && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (*s == '\0' || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (eq == NULL) {
			*error_r = conf_err(name, lineno, NULL, "expected 'key = value', got '%s'", s);
			goto fail;
		}
		char *k = s, *ke = eq;
		while (ke > k && isspace((unsigned char)ke[-1]))
			ke--;
		*ke = '\0';
		char *v = eq + 1;
		while (isspace((unsigned char)*v))
			v++;
		size_t vl = strlen(v);
		if (vl >= 1 && v[0] == '"') {
			if (vl < 2 || v[vl - 1] != '"') {
				*error_r = conf_err(name, lineno, k, "unterminated quoted value");
				goto fail;
			}
			v[vl - 1] = '\0';
			v++;
		}
		if (*k == '\0') {
			*error_r = conf_err(name, lineno, NULL, "missing key before '='");
			goto fail;
		}
		const struct conf_section *sec = conf_section_find(k);
		if (sec != NULL) {
			if (sec->parse(c, k, v, name, lineno, error_r) < 0)
				goto fail;
			continue;
		}
		const struct conf_row *r = conf_row_find(k);
		if (r == NULL) {
			*error_r = conf_err(name, lineno, k, "unknown key");
			goto fail;
		}
		size_t i = (size_t)(r - conf_rows);
		if (set_line[i] != 0) {
			*error_r = conf_err(name, lineno, k, "set twice (first at line %d)", set_line[i]);
			goto fail;
		}
		set_line[i] = lineno;
		if (conf_value_parse(r, c, v, name, lineno, error_r) < 0)
			goto fail;
	}
	buf_free(&line);
	free(set_line);
	if (conf_check(c, name, error_r) < 0) {
		conf_free(c);
		return NULL;
	}
	return c;
fail:
	buf_free(&line);
	free(set_line);
	conf_free(c);
	return NULL;
}

struct conf *conf_load(const char *path, const char **error_r)
{
	FILE *fp = fopen(path, "r");
	struct buf text = BUF_INIT;
	char chunk[4096];
	size_t n;

	if (fp == NULL) {
		*error_r = t_printf("%s: open failed: %s", path, strerror(errno));
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_append(&text, chunk, n);
	if (ferror(fp)) {
		*error_r = t_printf("%s: read failed: %s", path, strerror(errno));
		fclose(fp);
		buf_free(&text);
		return NULL;
	}
	fclose(fp);
	if (text.len != strlen(buf_str(&text))) {
		*error_r = t_printf("%s: file contains a NUL byte", path);
		buf_free(&text);
		return NULL;
	}
	struct conf *c = conf_parse(path, buf_str(&text), error_r);
	buf_free(&text);
	return c;
}

void conf_set_current(struct conf *c)
{
	struct conf *old;
	pthread_mutex_lock(&cur_lock);
	old = cur;
	cur = c;
	pthread_mutex_unlock(&cur_lock);
	conf_put(&old);
}

struct conf *conf_get(void)
{
	struct conf *c;
	pthread_mutex_lock(&cur_lock);
	c = cur;
	if (c != NULL)
		c->refcount++;
	pthread_mutex_unlock(&cur_lock);
	return c;
}

void conf_put(struct conf **cp)
{
	struct conf *c = *cp;
	int last;
	if (c == NULL)
		return;
	*cp = NULL;
	pthread_mutex_lock(&cur_lock);
	last = --c->refcount == 0;
	pthread_mutex_unlock(&cur_lock);
	if (last)
		conf_free(c);
}

char *conf_restart_needed(const struct conf *a, const struct conf *b)
{
	struct buf out = BUF_INIT, va = BUF_INIT, vb = BUF_INIT;
	for (size_t i = 0; i < conf_nrows; i++) {
		if (conf_rows[i].reloadable)
			continue;
		buf_reset(&va);
		buf_reset(&vb);
		conf_value_format(&conf_rows[i], a, &va);
		conf_value_format(&conf_rows[i], b, &vb);
		if (strcmp(buf_str(&va), buf_str(&vb)) != 0)
			buf_printf(&out, "%s%s", out.len ? ", " : "", conf_rows[i].name);
	}
	buf_free(&va);
	buf_free(&vb);
	/* plugins keep the settings they were loaded with (plugin_host.h):
	 * any change to a plugin.* line waits for a restart */
	int same = a->plugin_kv_count == b->plugin_kv_count;
	for (int i = 0; same && i < a->plugin_kv_count; i++)
		same = strcmp(a->plugin_kv[i].key, b->plugin_kv[i].key) == 0 &&
		       strcmp(a->plugin_kv[i].value, b->plugin_kv[i].value) == 0;
	if (!same)
		buf_printf(&out, "%splugin.* settings", out.len ? ", " : "");
	if (out.len == 0) {
		buf_free(&out);
		return NULL;
	}
	return buf_steal(&out);
}

void conf_dump(const struct conf *c)
{
	struct buf v = BUF_INIT;
	for (size_t i = 0; i < conf_nrows; i++) {
		buf_reset(&v);
		conf_value_format(&conf_rows[i], c, &v);
		if (conf_rows[i].secret)
			printf("%s = (set, not shown)\n", conf_rows[i].name);
		else
			printf("%s = %s\n", conf_rows[i].name, buf_str(&v));
	}
	for (int i = 0; i < c->plugin_kv_count; i++)
		printf("%s = %s\n", c->plugin_kv[i].key, c->plugin_kv[i].value);
	buf_free(&v);
}
