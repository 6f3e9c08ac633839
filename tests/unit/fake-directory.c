/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	fake-directory - a catalogue table in place of slapd (see fake-directory.h)
 */
#include "config.h"
#include "fake-directory.h"
#include "buf.h"
#include "text.h"
#include "tpool.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct fake_dir_entry *table;
static size_t ntable;
static atomic_int down, lookups;

void fake_dir_set(const struct fake_dir_entry *entries, size_t n)
{
	table = entries;
	ntable = n;
}

void fake_dir_down(int d) { atomic_store(&down, d); }
int fake_dir_lookups(void) { return atomic_load(&lookups); }

static const struct fake_dir_entry *lookup(const char *base, const char *attr, const char *value, const char **error_r)
{
	atomic_fetch_add(&lookups, 1);
	if (atomic_load(&down)) {
		*error_r = t_strdup("fake-directory: the directory is down");
		return NULL;
	}
	for (size_t i = 0; i < ntable; i++)
		if (text_equal_ci(table[i].base, base) && strcmp(table[i].attr, attr) == 0 &&
		    text_equal_ci(table[i].value, value))
			return &table[i];
	return NULL;
}

int dir_catalogue_entry(const struct conf *c, const char *base, const char *attr, const char *value,
			char **canonical_r, int *single_holder_r, const char **error_r)
{
	(void)c;
	*canonical_r = NULL;
	if (single_holder_r)
		*single_holder_r = 0;
	const struct fake_dir_entry *e = lookup(base, attr, value, error_r);
	if (e == NULL)
		return atomic_load(&down) ? -1 : 0;
	*canonical_r = xstrdup(e->value);
	if (single_holder_r)
		*single_holder_r = e->single_holder;
	return 1;
}

int dir_child_exists(const struct conf *c, const char *base, const char *attr, const char *value, const char **error_r)
{
	(void)c;
	const struct fake_dir_entry *e = lookup(base, attr, value, error_r);
	return e != NULL ? 1 : atomic_load(&down) ? -1 : 0;
}

enum dir_auth_result dir_authenticate(const struct conf *c, const char *login, const char *password,
				      struct dir_user *user_r, int *bound_r, const char **error_r)
{
	(void)c, (void)login, (void)password;
	memset(user_r, 0, sizeof(*user_r));
	*bound_r = 0;
	*error_r = t_strdup("fake-directory: no sign-in");
	return DIR_AUTH_UNAVAILABLE;
}

enum dir_auth_result dir_lookup_user(const struct conf *c, const char *login, struct dir_user *user_r,
				     const char **error_r)
{
	(void)c, (void)login;
	memset(user_r, 0, sizeof(*user_r));
	*error_r = t_strdup("fake-directory: no sessions");
	return DIR_AUTH_UNAVAILABLE;
}

void dir_user_free(struct dir_user *u)
{
	free(u->dn);
	free(u->login);
	free(u->display_name);
	free(u->unit);
	free(u->mail);
	memset(u, 0, sizeof(*u));
}

int dir_set_password(const struct conf *c, const char *dn, const char *password, const char **error_r)
{
	(void)c, (void)dn, (void)password;
	*error_r = t_strdup("fake-directory: no passwords");
	return -2;
}

int dir_group_mails(const struct conf *c, const char *group_dn, json_t **mails_r, const char **error_r)
{
	(void)c, (void)group_dn;
	*mails_r = NULL;
	*error_r = t_strdup("fake-directory: no groups");
	return -1;
}

int dir_ping(const struct conf *c, const char **error_r)
{
	(void)c;
	*error_r = t_strdup("fake-directory: no server");
	return -1;
}

void dir_thread_close(void) {}
void dir_conf_changed(void) {}

char *dir_filter_value(const char *value) { return xstrdup(value); }

char *dir_child_dn(const char *attr, const char *value, const char *parent)
{
	return xasprintf("%s=%s,%s", attr, value, parent);
}

char *dir_dn_normalize(const char *dn) { return xstrdup(dn); }

int dir_dn_equal(const char *a, const char *b) { return strcasecmp(a, b) == 0; }
