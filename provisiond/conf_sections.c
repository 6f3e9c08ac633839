/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	conf_sections - the keys of provisiond.conf (see conf_sections.h)
 * DESCRIPTION
 *	Everything here is a table: the settings, the words a typed value
 *	may be, the sections and their sub-keys, the schemes an LDAP URI
 *	may have, the whole-file checks in the order they run. Adding a key
 *	is adding a row.
 */
#include "config.h"
#include <stdarg.h>
#include "tpool.h"
#include "conf_sections.h"
#include "buf.h"
#include "log.h"
#include "naming.h"
#include "workflow.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *conf_err(const char *file, int line, const char *key, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	if (line > 0)
		buf_printf(&b, "%s:%d: ", file, line);
	else
		buf_printf(&b, "%s: ", file);
	if (key != NULL)
		buf_printf(&b, "%s: ", key);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	const char *msg = t_strdup(buf_str(&b));
	buf_free(&b);
	return msg;
}

/* ---- the settings ---- */

#define S(f) offsetof(struct conf, f)
const struct conf_row conf_rows[] = {
	{ "listen_address", T_STR, S(listen_address), "127.0.0.1", 0, 0, 0, 0 },
	{ "listen_port", T_INT, S(listen_port), "8080", 1, 65535, 0, 0 },
	{ "http_threads", T_INT, S(http_threads), "4", 1, 256, 0, 0 },
	{ "http_max_body", T_INT, S(http_max_body), "1048576", 1024, 64 * 1024 * 1024, 1, 0 },
	{ "http_max_connections", T_INT, S(http_max_connections), "256", 1, 65536, 0, 0 },
	{ "http_timeout", T_INT, S(http_timeout), "30", 1, 3600, 0, 0 },
	{ "http_max_connections_per_client", T_INT, S(http_max_connections_per_client), "32", 1, 65536, 0, 0 },
	{ "http_header_timeout", T_INT, S(http_header_timeout), "10", 1, 3600, 1, 0 },
	{ "http_trusted_proxies", T_STR, S(http_trusted_proxies), "", 0, 0, 1, 0 },
	{ "console_dir", T_STR, S(console_dir), PVD_CONSOLE_DIR, 0, 0, 1, 0 },
	{ "openapi_file", T_STR, S(openapi_file), PVD_OPENAPI_FILE, 0, 0, 1, 0 },
	{ "session_idle_timeout", T_INT, S(session_idle_timeout), "1800", 1, 86400, 1, 0 },
	{ "session_max_age", T_INT, S(session_max_age), "43200", 60, 604800, 1, 0 },
	{ "session_cookie_secure", T_BOOL, S(session_cookie_secure), "no", 0, 0, 1, 0 },
	{ "auth_free_failures", T_INT, S(auth_free_failures), "3", 1, 1000, 1, 0 },
	{ "auth_free_failures_per_address", T_INT, S(auth_free_failures_per_address), "20", 1, 100000, 1, 0 },
	{ "auth_login_max_failures", T_INT, S(auth_login_max_failures), "5", 1, 1000, 1, 0 },
	{ "auth_backoff_max", T_INT, S(auth_backoff_max), "300", 1, 86400, 1, 0 },
	{ "auth_failure_window", T_INT, S(auth_failure_window), "900", 1, 86400, 1, 0 },
	{ "shutdown_timeout", T_INT, S(shutdown_timeout), "30", 0, 3600, 1, 0 },
	{ "log_level", T_LOGLEVEL, S(log_level), "info", 0, 0, 1, 0 },
	{ "log_target", T_LOGTARGET, S(log_target), "stderr", 0, 0, 1, 0 },
	{ "log_format", T_LOGFORMAT, S(log_format), "text", 0, 0, 1, 0 },
	{ "pid_file", T_STR, S(pid_file), "", 0, 0, 0, 0 },
	{ "db_conninfo", T_STR, S(db_conninfo), NULL, 0, 0, 0, 1 },
	{ "schema_dir", T_STR, S(schema_dir), PVD_SCHEMA_DIR, 0, 0, 0, 0 },
	{ "ldap_uri", T_STR, S(ldap_uri), NULL, 0, 0, 1, 0 },
	{ "ldap_auth", T_LDAPAUTH, S(ldap_auth), "sasl_external", 0, 0, 1, 0 },
	{ "ldap_bind_dn", T_STR, S(ldap_bind_dn), "", 0, 0, 1, 0 },
	{ "ldap_bind_password_file", T_STR, S(ldap_bind_password_file), "", 0, 0, 1, 0 },
	{ "ldap_starttls", T_BOOL, S(ldap_starttls), "yes", 0, 0, 1, 0 },
	{ "ldap_ca_file", T_STR, S(ldap_ca_file), "", 0, 0, 1, 0 },
	{ "ldap_timeout", T_INT, S(ldap_timeout), "5", 1, 300, 1, 0 },
	{ "ldap_base_dn", T_STR, S(ldap_base_dn), NULL, 0, 0, 1, 0 },
	{ "ldap_people_dn", T_STR, S(ldap_people_dn), "", 0, 0, 1, 0 },
	{ "ldap_groups_dn", T_STR, S(ldap_groups_dn), "", 0, 0, 1, 0 },
	{ "ldap_login_attr", T_STR, S(ldap_login_attr), "uid", 0, 0, 1, 0 },
	{ "ldap_unit_attr", T_STR, S(ldap_unit_attr), "pvdUnit", 0, 0, 1, 0 },
	{ "role_group_hr", T_STR, S(role_group[ROLE_HR]), "", 0, 0, 1, 0 },
	{ "role_group_unit_head", T_STR, S(role_group[ROLE_UNIT_HEAD]), "", 0, 0, 1, 0 },
	{ "role_group_tim_head", T_STR, S(role_group[ROLE_TIM_HEAD]), "", 0, 0, 1, 0 },
	{ "role_group_tim_lead", T_STR, S(role_group[ROLE_TIM_LEAD]), "", 0, 0, 1, 0 },
	{ "role_group_tim_tech", T_STR, S(role_group[ROLE_TIM_TECH]), "", 0, 0, 1, 0 },
	{ "role_group_employee", T_STR, S(role_group[ROLE_EMPLOYEE]), "", 0, 0, 1, 0 },
	{ "role_group_auditor", T_STR, S(role_group[ROLE_AUDITOR]), "", 0, 0, 1, 0 },
	{ "role_group_admin", T_STR, S(role_group[ROLE_ADMIN]), "", 0, 0, 1, 0 },
	{ "role_group_monitor", T_STR, S(role_group[ROLE_MONITOR]), "", 0, 0, 1, 0 },
	{ "plugin_dir", T_STR, S(plugin_dir), PVD_PLUGIN_DIR, 0, 0, 0, 0 },
	{ "scheduler_interval_ms", T_INT, S(scheduler_interval_ms), "1000", 0, 60000, 1, 0 },
	{ "scheduler_threads", T_INT, S(scheduler_threads), "4", 1, 32, 1, 0 },
	{ "contract_warning_days", T_INT, S(contract_warning_days), "15", 0, 3650, 1, 0 },
	{ "queue_workers", T_INT, S(queue_workers), "2", 0, 64, 0, 0 },
	{ "queue_lease_seconds", T_INT, S(queue_lease_seconds), "60", 1, 3600, 1, 0 },
	{ "queue_max_attempts", T_INT, S(queue_max_attempts), "10", 1, 1000, 1, 0 },
	{ "queue_backoff_base", T_INT, S(queue_backoff_base), "2", 1, 3600, 1, 0 },
	{ "queue_backoff_max", T_INT, S(queue_backoff_max), "300", 1, 86400, 1, 0 },
	{ "password_token_hours", T_INT, S(password_token_hours), "72", 1, 720, 1, 0 },
	{ "password_min_length", T_INT, S(password_min_length), "10", 8, 128, 1, 0 },
	{ "ldap_units_dn", T_STR, S(ldap_units_dn), "", 0, 0, 1, 0 },
	{ "ldap_catalogue_cache_seconds", T_INT, S(ldap_catalogue_cache_seconds), "60", 0, 3600, 1, 0 },
	{ "ldap_positions_dn", T_STR, S(ldap_positions_dn), "", 0, 0, 1, 0 },
	{ "login_template", T_STR, S(login_template), "{g1}.{f1}", 0, 0, 1, 0 },
	{ "login_max_length", T_INT, S(login_max_length), "32", 3, 64, 1, 0 },
	{ "mail_template", T_STR, S(mail_template), "{login}", 0, 0, 1, 0 },
	{ "mail_domain", T_STR, S(mail_domain), "example.org", 0, 0, 1, 0 },
	{ "workflow_auto_hire", T_STR, S(workflow_auto_hire), "", 0, 0, 1, 0 },
	{ "workflow_auto_exit", T_STR, S(workflow_auto_exit), "", 0, 0, 1, 0 },
	{ "workflow_auto_transfer", T_STR, S(workflow_auto_transfer), "", 0, 0, 1, 0 },
	{ "workflow_auto_access", T_STR, S(workflow_auto_access), "", 0, 0, 1, 0 },
	{ "workflow_auto_call_code", T_STR, S(workflow_auto_call_code), "", 0, 0, 1, 0 },
	{ "smtp_url", T_STR, S(smtp_url), "", 0, 0, 0, 0 },	/* starts the sender */
	{ "smtp_from", T_STR, S(smtp_from), "", 0, 0, 1, 0 },
	{ "smtp_timeout", T_INT, S(smtp_timeout), "30", 1, 600, 1, 0 },
	{ "smtp_starttls", T_BOOL, S(smtp_starttls), "no", 0, 0, 1, 0 },
	{ "smtp_username", T_STR, S(smtp_username), "", 0, 0, 1, 0 },
	{ "smtp_password_file", T_STR, S(smtp_password_file), "", 0, 0, 1, 0 },
	{ "outbox_sender", T_BOOL, S(outbox_sender), "yes", 0, 0, 0, 0 },
	{ "outbox_retry_base", T_INT, S(outbox_retry_base), "30", 1, 3600, 1, 0 },
	{ "outbox_retry_max", T_INT, S(outbox_retry_max), "1800", 1, 86400, 1, 0 },
	{ "notify_hr", T_STR, S(notify_hr), "", 0, 0, 1, 0 },
	{ "notify_tim_head", T_STR, S(notify_tim_head), "", 0, 0, 1, 0 },
	{ "password_token_delivery", T_STR, S(password_token_delivery), "letter", 0, 0, 1, 0 },
	{ "changelog_key_file", T_STR, S(changelog_key_file), PVD_STATE_DIR "/changelog.key", 0, 0, 0, 0 },
	{ "changelog_sealer", T_BOOL, S(changelog_sealer), "yes", 0, 0, 0, 0 },
	{ "changelog_seal_interval_ms", T_INT, S(changelog_seal_interval_ms), "200", 10, 5000, 1, 0 },
	{ "changelog_heads_to", T_STR, S(changelog_heads_to), "", 0, 0, 1, 0 },
	{ "changelog_heads_every", T_INT, S(changelog_heads_every), "86400", 0, 2678400, 1, 0 },
};
#undef S
const size_t conf_nrows = sizeof(conf_rows) / sizeof(conf_rows[0]);

const struct conf_row *conf_row_find(const char *key)
{
	for (size_t i = 0; i < conf_nrows; i++)
		if (strcmp(conf_rows[i].name, key) == 0)
			return &conf_rows[i];
	return NULL;
}

/* ---- typed values ---- */

/* The words a setting of a closed set may be; the first word of a value
 * is the one dumps print. */
struct conf_word {
	const char *word;
	int value;
};

static const struct conf_word bool_words[] = {
	{ "yes", 1 }, { "true", 1 }, { "1", 1 }, { "no", 0 }, { "false", 0 }, { "0", 0 }, { NULL, 0 },
};
static const struct conf_word logtarget_words[] = {
	{ "stderr", LOG_TARGET_STDERR }, { "syslog", LOG_TARGET_SYSLOG }, { NULL, 0 },
};
static const struct conf_word logformat_words[] = {
	{ "text", LOG_FORMAT_TEXT }, { "json", LOG_FORMAT_JSON }, { NULL, 0 },
};
static const struct conf_word ldapauth_words[] = {
	{ "sasl_external", LDAP_AUTH_SASL_EXTERNAL }, { "simple", LDAP_AUTH_SIMPLE }, { NULL, 0 },
};
static const char *const log_level_names[] = { "debug", "info", "warning", "error" };

/* Per enum conf_type: its words (NULL: not a closed set), whether case
 * matters, and what a refusal says it should have been. */
static const struct conf_type_def {
	const struct conf_word *words;
	int nocase;
	const char *expected;
} conf_types[] = {
	[T_STR] = { NULL, 0, NULL },
	[T_INT] = { NULL, 0, NULL },
	[T_BOOL] = { bool_words, 1, "yes or no" },
	[T_LOGLEVEL] = { NULL, 0, "one of debug, info, warning, error" },
	[T_LOGTARGET] = { logtarget_words, 0, "stderr or syslog" },
	[T_LOGFORMAT] = { logformat_words, 0, "text or json" },
	[T_LDAPAUTH] = { ldapauth_words, 0, "sasl_external or simple" },
};

static const struct conf_word *word_find(const struct conf_word *w, int nocase, const char *s)
{
	for (; w->word != NULL; w++)
		if ((nocase ? strcasecmp(w->word, s) : strcmp(w->word, s)) == 0)
			return w;
	return NULL;
}

static const char *word_name(const struct conf_word *w, int value)
{
	for (; w->word != NULL; w++)
		if (w->value == value)
			return w->word;
	return "";
}

int conf_value_parse(const struct conf_row *r, struct conf *c, const char *value,
		     const char *file, int line, const char **error_r)
{
	const struct conf_type_def *t = &conf_types[r->type];
	void *field = (char *)c + r->offset;
	char *end;
	long n;

	switch (r->type) {
	case T_STR:
		free(*(char **)field);
		*(char **)field = xstrdup(value);
		return 0;
	case T_INT:
		errno = 0;
		n = strtol(value, &end, 10);
		if (*value == '\0' || *end != '\0' || errno != 0) {
			*error_r = conf_err(file, line, r->name, "'%s' is not a whole number", value);
			return -1;
		}
		if (n < r->min || n > r->max) {
			*error_r = conf_err(file, line, r->name, "%ld is out of range (%ld to %ld)",
					    n, r->min, r->max);
			return -1;
		}
		*(int *)field = (int)n;
		return 0;
	case T_LOGLEVEL: {
		enum log_level lvl;
		if (log_level_parse(value, &lvl) < 0)
			break;
		*(int *)field = (int)lvl;
		return 0;
	}
	case T_BOOL:
	case T_LOGTARGET:
	case T_LOGFORMAT:
	case T_LDAPAUTH: {
		const struct conf_word *w = word_find(t->words, t->nocase, value);
		if (w == NULL)
			break;
		*(int *)field = w->value;
		return 0;
	}
	}
	*error_r = conf_err(file, line, r->name, "'%s' is not %s", value, t->expected);
	return -1;
}

void conf_value_format(const struct conf_row *r, const struct conf *c, struct buf *out)
{
	const void *field = (const char *)c + r->offset;
	switch (r->type) {
	case T_STR:
		buf_puts(out, *(char *const *)field);
		break;
	case T_INT:
		buf_printf(out, "%d", *(const int *)field);
		break;
	case T_LOGLEVEL:
		buf_puts(out, log_level_names[*(const int *)field]);
		break;
	case T_BOOL:
	case T_LOGTARGET:
	case T_LOGFORMAT:
	case T_LDAPAUTH:
		buf_puts(out, word_name(conf_types[r->type].words, *(const int *)field));
		break;
	}
}

/* ---- sections: task.*, access.*, plugin.* ---- */

/* A sub-key of a section entry: task.<name>.title sets the title of the
 * struct task_def named <name>. set is given the entry and the offset. */
struct conf_subkey {
	const char *name;
	const char *type;	/* as conf_print_keys() shows it */
	size_t offset;
	int (*set)(void *entry, size_t offset, const char *key, const char *value,
		   const char *file, int line, const char **error_r);
};

/* The index of the entry named n[0..len) among count entries of size bytes
 * each (struct task_def, struct access_system: the name is the first
 * member), or -1. */
static int entry_named(const void *entries, int count, size_t size, const char *n, size_t len)
{
	for (int i = 0; i < count; i++) {
		const char *name = *(char *const *)((const char *)entries + (size_t)i * size);
		if (strlen(name) == len && strncmp(name, n, len) == 0)
			return i;
	}
	return -1;
}

static int set_string(void *entry, size_t offset, const char *key, const char *value,
		      const char *file, int line, const char **error_r)
{
	char **field = (char **)((char *)entry + offset);
	free(*field);
	*field = xstrdup(value);
	return 0;
}

static int subkey_set(const struct conf_subkey *keys, const char *section, const char *list,
		      void *entry, const char *sub, const char *key, const char *value,
		      const char *file, int line, const char **error_r)
{
	for (; keys->name != NULL; keys++)
		if (strcmp(keys->name, sub) == 0)
			return keys->set(entry, keys->offset, key, value, file, line, error_r);
	*error_r = conf_err(file, line, key, "unknown %s key '%s' (%s)", section, sub, list);
	return -1;
}

static int task_set_role(void *entry, size_t offset, const char *k, const char *v,
			 const char *file, int line, const char **error_r)
{
	struct task_def *t = entry;
	enum role r;
	if (role_parse(v, &r) < 0) {
		*error_r = conf_err(file, line, k, "unknown role '%s'", v);
		return -1;
	}
	t->role = (int)r;
	return 0;
}

static int task_set_on(void *entry, size_t offset, const char *k, const char *v,
		       const char *file, int line, const char **error_r)
{
	struct task_def *t = entry;
	char *list = xstrdup(v), *save = NULL;
	t->on = 0;
	for (char *w = strtok_r(list, " ,", &save); w; w = strtok_r(NULL, " ,", &save)) {
		enum wf_type wt;
		if (wf_type_parse(w, &wt) < 0) {
			*error_r = conf_err(file, line, k, "'%s' is not hire, exit, transfer or access", w);
			free(list);
			return -1;
		}
		t->on |= 1u << wt;
	}
	free(list);
	return 0;
}

static const struct conf_subkey task_keys[] = {
	{ "title", "string", offsetof(struct task_def, title), set_string },
	{ "checklist", "string", offsetof(struct task_def, checklist), set_string },
	{ "role", "role", 0, task_set_role },
	{ "on", "list", 0, task_set_on },
	{ NULL, NULL, 0, NULL },
};

/* task.<name>.{title,role,on,checklist} */
static int parse_task_key(struct conf *c, const char *k, const char *v, const char *file, int line,
			  const char **error_r)
{
	const char *n = k + strlen("task."), *dot = strchr(n, '.');
	if (dot == NULL || dot == n || dot[1] == '\0' || dot - n > 63) {
		*error_r = conf_err(file, line, k, "task keys are task.<name>.<title|role|on|checklist>");
		return -1;
	}
	for (const char *q = n; q < dot; q++)
		if (!isalnum((unsigned char)*q) && *q != '-' && *q != '_') {
			*error_r = conf_err(file, line, k, "a task name is letters, digits, '-' and '_'");
			return -1;
		}
	size_t len = (size_t)(dot - n);
	int i = entry_named(c->tasks, c->ntasks, sizeof(*c->tasks), n, len);
	if (i < 0) {
		c->tasks = xrealloc(c->tasks, sizeof(*c->tasks) * (size_t)(c->ntasks + 1));
		i = c->ntasks++;
		c->tasks[i] = (struct task_def){ .name = xstrndup(n, len), .role = -1, .line = line };
	}
	struct task_def *t = &c->tasks[i];
	return subkey_set(task_keys, "task", "title, role, on, checklist", t, dot + 1, k, v, file, line,
			  error_r);
}

/* A catalogue name: what a system or level may be called (it becomes part
 * of directory entry names and database role names). */
static int catalogue_name_ok(const char *s, size_t len)
{
	if (len == 0 || len > 48)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-' || s[i] == '_'))
			return 0;
	return 1;
}

static int access_set_levels(void *entry, size_t offset, const char *k, const char *v,
			     const char *file, int line, const char **error_r)
{
	struct access_system *as = entry;
	if (as->nlevels > 0) {
		*error_r = conf_err(file, line, k, "set twice");
		return -1;
	}
	char *list = xstrdup(v), *save = NULL;
	for (char *w = strtok_r(list, " ,", &save); w; w = strtok_r(NULL, " ,", &save)) {
		if (!catalogue_name_ok(w, strlen(w))) {
			*error_r = conf_err(file, line, k, "level '%s': a level name is 1-48 of a-z, 0-9, "
					    "'-' and '_'", w);
			free(list);
			return -1;
		}
		if (conf_access_level_known(as, w)) {
			*error_r = conf_err(file, line, k, "level '%s' listed twice", w);
			free(list);
			return -1;
		}
		as->levels = xrealloc(as->levels, sizeof(char *) * (size_t)(as->nlevels + 1));
		as->levels[as->nlevels++] = xstrdup(w);
	}
	free(list);
	return 0;
}

static const struct conf_subkey access_keys[] = {
	{ "title", "string", offsetof(struct access_system, title), set_string },
	{ "levels", "list", 0, access_set_levels },
	{ NULL, NULL, 0, NULL },
};

/* access.<system>.{levels,title} */
static int parse_access_key(struct conf *c, const char *k, const char *v, const char *file, int line,
			    const char **error_r)
{
	const char *n = k + strlen("access."), *dot = strchr(n, '.');
	if (dot == NULL || dot[1] == '\0') {
		*error_r = conf_err(file, line, k, "access keys are access.<system>.<levels|title>");
		return -1;
	}
	size_t len = (size_t)(dot - n);
	if (!catalogue_name_ok(n, len)) {
		*error_r = conf_err(file, line, k, "a system name is 1-48 of a-z, 0-9, '-' and '_'");
		return -1;
	}
	int i = entry_named(c->systems, c->nsystems, sizeof(*c->systems), n, len);
	if (i < 0) {
		c->systems = xrealloc(c->systems, sizeof(*c->systems) * (size_t)(c->nsystems + 1));
		i = c->nsystems++;
		c->systems[i] = (struct access_system){ .name = xstrndup(n, len), .line = line };
	}
	struct access_system *as = &c->systems[i];
	return subkey_set(access_keys, "access", "levels, title", as, dot + 1, k, v, file, line, error_r);
}

const struct access_system *conf_access_system(const struct conf *c, const char *system)
{
	for (int i = 0; i < c->nsystems; i++)
		if (strcmp(c->systems[i].name, system) == 0)
			return &c->systems[i];
	return NULL;
}

int conf_access_level_known(const struct access_system *s, const char *level)
{
	for (int i = 0; i < s->nlevels; i++)
		if (strcmp(s->levels[i], level) == 0)
			return 1;
	return 0;
}

/* plugin.<instance>.<key>: instance of [A-Za-z0-9_-], key of [A-Za-z0-9_.-]
 * (keys may hold dots, like "unit.tributaria" for a rule). */
static int valid_plugin_key(const char *key)
{
	const char *p = key + strlen("plugin.");
	const char *dot = strchr(p, '.');
	if (dot == NULL || dot == p || dot[1] == '\0' || dot - p > 63)
		return 0;
	for (const char *q = p; q < dot; q++)
		if (!isalnum((unsigned char)*q) && *q != '_' && *q != '-')
			return 0;
	for (const char *q = dot + 1; *q; q++)
		if (!isalnum((unsigned char)*q) && *q != '_' && *q != '-' && *q != '.')
			return 0;
	return 1;
}

/* Collected as they are, in file order: the plugin host checks them. */
static int parse_plugin_key(struct conf *c, const char *k, const char *v, const char *file, int line,
			    const char **error_r)
{
	if (!valid_plugin_key(k)) {
		*error_r = conf_err(file, line, k, "plugin keys are plugin.<instance>.<key>");
		return -1;
	}
	for (int i = 0; i < c->plugin_kv_count; i++) {
		if (strcmp(c->plugin_kv[i].key, k) == 0) {
			*error_r = conf_err(file, line, k, "set twice (first at line %d)", c->plugin_kv[i].line);
			return -1;
		}
	}
	c->plugin_kv = xrealloc(c->plugin_kv, sizeof(*c->plugin_kv) * (size_t)(c->plugin_kv_count + 1));
	c->plugin_kv[c->plugin_kv_count].key = xstrdup(k);
	c->plugin_kv[c->plugin_kv_count].value = xstrdup(v);
	c->plugin_kv[c->plugin_kv_count].line = line;
	c->plugin_kv_count++;
	return 0;
}

/* Only listed (conf_print_keys): plugin lines are collected as they are
 * and plugin_host.c plugins_load() reads these four itself; "<key>" is
 * any key the instance's plugin declares. Keep the two in step. */
static const struct conf_subkey plugin_host_keys[] = {
	{ "library", "string", 0, NULL },
	{ "after", "list", 0, NULL },
	{ "on_exit", "disable|keep", 0, NULL },
	{ "call_codes", "yes|no", 0, NULL },
	{ "<key>", "plugin", 0, NULL },
	{ NULL, NULL, 0, NULL },
};

/* Tasks and the access catalogue apply on SIGHUP; plugins keep the lines
 * they were loaded with (conf_restart_needed). */
static const struct conf_section sections[] = {
	{ "task.", parse_task_key, "<name>", task_keys, 1 },
	{ "access.", parse_access_key, "<system>", access_keys, 1 },
	{ "plugin.", parse_plugin_key, "<instance>", plugin_host_keys, 0 },
};

const struct conf_section *conf_section_find(const char *key)
{
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (strncmp(key, sections[i].prefix, strlen(sections[i].prefix)) == 0)
			return &sections[i];
	return NULL;
}

/* ---- the list of keys (provisiond --print-config-keys) ---- */

/* "integer 1-65535", "boolean", "debug|info|warning|error" */
static void type_format(const struct conf_row *r, struct buf *out)
{
	const struct conf_type_def *t = &conf_types[r->type];
	switch (r->type) {
	case T_STR:
		buf_puts(out, "string");
		return;
	case T_INT:
		buf_printf(out, "integer %ld-%ld", r->min, r->max);
		return;
	case T_BOOL:
		buf_puts(out, "boolean");
		return;
	case T_LOGLEVEL:
		for (size_t i = 0; i < sizeof(log_level_names) / sizeof(log_level_names[0]); i++)
			buf_printf(out, "%s%s", i ? "|" : "", log_level_names[i]);
		return;
	case T_LOGTARGET:
	case T_LOGFORMAT:
	case T_LDAPAUTH:
		for (const struct conf_word *w = t->words; w->word != NULL; w++)
			buf_printf(out, "%s%s", w == t->words ? "" : "|", w->word);
		return;
	}
}

void conf_print_keys(FILE *fp)
{
	struct buf type = BUF_INIT;
	for (size_t i = 0; i < conf_nrows; i++) {
		buf_reset(&type);
		type_format(&conf_rows[i], &type);
		fprintf(fp, "%s\t%s\t%s\t%s\n", conf_rows[i].name, buf_str(&type),
			conf_rows[i].reloadable ? "sighup" : "restart", conf_rows[i].def ? conf_rows[i].def : "");
	}
	buf_free(&type);
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		for (const struct conf_subkey *k = sections[i].keys; k->name != NULL; k++)
			fprintf(fp, "%s%s.%s\t%s\t%s\t\n", sections[i].prefix, sections[i].entry, k->name,
				k->type, sections[i].reloadable ? "sighup" : "restart");
}

/* ---- whole-file checks, in the order they run ---- */

#define FIELD(c, off) (*(char **)((char *)(c) + (off)))

static int check_db(struct conf *c, const char *file, const char **error_r)
{
	if (c->db_conninfo[0] == '\0') {
		*error_r = conf_err(file, 0, "db_conninfo", "is required (a libpq connection string)");
		return -1;
	}
	return 0;
}

static const char *const ldap_schemes[] = { "ldapi://", "ldap://", "ldaps://" };

static int check_ldap_uri(struct conf *c, const char *file, const char **error_r)
{
	if (c->ldap_uri[0] == '\0') {
		*error_r = conf_err(file, 0, "ldap_uri", "is required (ldapi://, ldap:// or ldaps://)");
		return -1;
	}
	for (size_t i = 0; i < sizeof(ldap_schemes) / sizeof(ldap_schemes[0]); i++)
		if (strncmp(c->ldap_uri, ldap_schemes[i], strlen(ldap_schemes[i])) == 0)
			return 0;
	*error_r = conf_err(file, 0, "ldap_uri", "'%s' is not an ldapi://, ldap:// or ldaps:// URI", c->ldap_uri);
	return -1;
}

static int check_ldap_base(struct conf *c, const char *file, const char **error_r)
{
	if (c->ldap_base_dn[0] == '\0') {
		*error_r = conf_err(file, 0, "ldap_base_dn", "is required (for example dc=example,dc=org)");
		return -1;
	}
	return 0;
}

static int check_ldap_auth(struct conf *c, const char *file, const char **error_r)
{
	if (c->ldap_auth == LDAP_AUTH_SIMPLE) {
		if (c->ldap_bind_dn[0] == '\0' || c->ldap_bind_password_file[0] == '\0') {
			*error_r = conf_err(file, 0, "ldap_auth",
					    "simple needs ldap_bind_dn and ldap_bind_password_file");
			return -1;
		}
		/* A password must not cross the network in clear text. */
		if (strncmp(c->ldap_uri, "ldap://", 7) == 0 && !c->ldap_starttls) {
			*error_r = conf_err(file, 0, "ldap_auth",
					    "simple bind over ldap:// needs ldap_starttls = yes");
			return -1;
		}
		char *why = NULL;
		c->ldap_bind_password = read_secret_file(c->ldap_bind_password_file, &why);
		if (c->ldap_bind_password == NULL) {
			*error_r = conf_err(file, 0, "ldap_bind_password_file", "%s", why);
			free(why);
			return -1;
		}
	} else if (strncmp(c->ldap_uri, "ldapi://", 8) != 0) {
		*error_r = conf_err(file, 0, "ldap_auth",
				    "sasl_external needs an ldapi:// ldap_uri (or use simple)");
		return -1;
	}
	return 0;
}

/* An empty DN setting means "<rdn>,<base>". */
static const struct {
	size_t offset;
	const char *rdn;
} default_dns[] = {
	{ offsetof(struct conf, ldap_people_dn), "ou=people" },
	{ offsetof(struct conf, ldap_groups_dn), "ou=groups" },
	{ offsetof(struct conf, ldap_units_dn), "ou=units" },
	{ offsetof(struct conf, ldap_positions_dn), "ou=positions" },
};

static int fill_default_dns(struct conf *c, const char *file, const char **error_r)
{
	for (size_t i = 0; i < sizeof(default_dns) / sizeof(default_dns[0]); i++) {
		char **field = &FIELD(c, default_dns[i].offset);
		if ((*field)[0] != '\0')
			continue;
		free(*field);
		*field = xasprintf("%s,%s", default_dns[i].rdn, c->ldap_base_dn);
	}
	return 0;
}

static int check_templates(struct conf *c, const char *file, const char **error_r)
{
	const char *err = NULL;
	if (naming_template_check(c->login_template, &err) < 0) {
		*error_r = conf_err(file, 0, "login_template", "%s", err);
		return -1;
	}
	if (strstr(c->login_template, "{login}") != NULL) {
		*error_r = conf_err(file, 0, "login_template", "{login} cannot be used in the login itself");
		return -1;
	}
	char *m = str_replace_all(c->mail_template, "{login}", "login");
	int bad = naming_template_check(m, &err) < 0;
	free(m);
	if (bad) {
		*error_r = conf_err(file, 0, "mail_template", "%s", err);
		return -1;
	}
	return 0;
}

static int check_tasks(struct conf *c, const char *file, const char **error_r)
{
	for (int i = 0; i < c->ntasks; i++) {
		struct task_def *t = &c->tasks[i];
		if (t->title == NULL || t->role < 0 || t->on == 0) {
			*error_r = conf_err(file, t->line, "task", "task %s needs title, role and on", t->name);
			return -1;
		}
	}
	return 0;
}

static int check_systems(struct conf *c, const char *file, const char **error_r)
{
	for (int i = 0; i < c->nsystems; i++) {
		if (c->systems[i].nlevels == 0) {
			*error_r = conf_err(file, c->systems[i].line, "access", "access system %s needs "
					    "access.%s.levels (a comma-separated list)", c->systems[i].name,
					    c->systems[i].name);
			return -1;
		}
	}
	return 0;
}

static int check_smtp(struct conf *c, const char *file, const char **error_r)
{
	if (c->smtp_from[0] == '\0') {
		free(c->smtp_from);
		c->smtp_from = xasprintf("provisiond@%s", c->mail_domain);
	}
	if (c->smtp_username[0] != '\0' && c->smtp_password_file[0] == '\0') {
		*error_r = conf_err(file, 0, "smtp_password_file", "smtp_username is set: the password file is needed too");
		return -1;
	}
	return 0;
}

/* Settings that, when set, are a mail address. */
static const struct {
	const char *key;
	size_t offset;
} address_keys[] = {
	{ "notify_hr", offsetof(struct conf, notify_hr) },
	{ "notify_tim_head", offsetof(struct conf, notify_tim_head) },
	{ "changelog_heads_to", offsetof(struct conf, changelog_heads_to) },
};

static int check_addresses(struct conf *c, const char *file, const char **error_r)
{
	for (size_t i = 0; i < sizeof(address_keys) / sizeof(address_keys[0]); i++) {
		const char *v = FIELD(c, address_keys[i].offset);
		if (v[0] != '\0' && strchr(v, '@') == NULL) {
			*error_r = conf_err(file, 0, address_keys[i].key, "'%s' is not a mail address", v);
			return -1;
		}
	}
	return 0;
}

static int check_proxies(struct conf *c, const char *file, const char **error_r)
{
	for (const char *p = c->http_trusted_proxies; *p;) {
		p += strspn(p, ", ");
		size_t w = strcspn(p, ", ");
		char ip[64];
		unsigned char bin[16];
		snprintf(ip, sizeof(ip), "%.*s", (int)(w < 63 ? w : 63), p);
		if (w > 0 && inet_pton(AF_INET, ip, bin) != 1 && inet_pton(AF_INET6, ip, bin) != 1) {
			*error_r = conf_err(file, 0, "http_trusted_proxies", "'%s' is not an IPv4 or IPv6 address", ip);
			return -1;
		}
		p += w;
	}
	return 0;
}

static const struct conf_word token_delivery_words[] = { { "letter", 0 }, { "mail", 1 }, { NULL, 0 } };

static int check_token_delivery(struct conf *c, const char *file, const char **error_r)
{
	if (word_find(token_delivery_words, 0, c->password_token_delivery) == NULL) {
		*error_r = conf_err(file, 0, "password_token_delivery", "'%s' is not letter or mail",
				    c->password_token_delivery);
		return -1;
	}
	return 0;
}

static int check_outbox(struct conf *c, const char *file, const char **error_r)
{
	if (c->outbox_retry_max < c->outbox_retry_base) {
		*error_r = conf_err(file, 0, "outbox_retry_max", "%d is less than outbox_retry_base (%d)",
				    c->outbox_retry_max, c->outbox_retry_base);
		return -1;
	}
	return 0;
}

/* workflow_auto_<type>: the steps of that type done by "system". */
static const struct {
	enum wf_type type;
	const char *key;
	size_t offset;
} auto_keys[] = {
	{ WF_HIRE, "workflow_auto_hire", offsetof(struct conf, workflow_auto_hire) },
	{ WF_EXIT, "workflow_auto_exit", offsetof(struct conf, workflow_auto_exit) },
	{ WF_TRANSFER, "workflow_auto_transfer", offsetof(struct conf, workflow_auto_transfer) },
	{ WF_ACCESS, "workflow_auto_access", offsetof(struct conf, workflow_auto_access) },
	{ WF_CALLCODE, "workflow_auto_call_code", offsetof(struct conf, workflow_auto_call_code) },
};

static int check_auto_steps(struct conf *c, const char *file, const char **error_r)
{
	const char *err = NULL;
	for (size_t i = 0; i < sizeof(auto_keys) / sizeof(auto_keys[0]); i++) {
		if (wf_auto_parse(FIELD(c, auto_keys[i].offset), &c->auto_steps[auto_keys[i].type], &err) < 0) {
			*error_r = conf_err(file, 0, auto_keys[i].key, "%s", err);
			return -1;
		}
	}
	return 0;
}

/* The order is part of the behaviour: a file with two faults is told
 * about the first of these. */
static int (*const checks[])(struct conf *, const char *, const char **) = {
	check_db, check_ldap_uri, check_ldap_base, check_ldap_auth, fill_default_dns,
	check_templates, check_tasks, check_systems, check_smtp, check_addresses,
	check_proxies, check_token_delivery, check_outbox, check_auto_steps,
};

int conf_check(struct conf *c, const char *file, const char **error_r)
{
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		if (checks[i](c, file, error_r) < 0)
			return -1;
	return 0;
}
