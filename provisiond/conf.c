/*
 * NAME
 *	conf - provisiond.conf parser (see conf.h)
 * DESCRIPTION
 *	Table driven: each known key is a row {name, type, offset, default,
 *	limits, reloadable}. Adding a setting is adding a row and a field.
 */
#include "config.h"
#include "conf.h"
#include "buf.h"
#include "log.h"
#include "naming.h"
#include "workflow.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum conf_type { T_STR, T_INT, T_BOOL, T_LOGLEVEL, T_LOGTARGET, T_LDAPAUTH };

struct conf_row {
	const char *name;
	enum conf_type type;
	size_t offset;
	const char *def;	/* NULL: no default (empty string or 0) */
	long min, max;		/* T_INT limits */
	int reloadable;
	int secret;		/* mask in dumps */
};

#define S(f) offsetof(struct conf, f)
static const struct conf_row rows[] = {
	{ "listen_address", T_STR, S(listen_address), "127.0.0.1", 0, 0, 0, 0 },
	{ "listen_port", T_INT, S(listen_port), "8080", 1, 65535, 0, 0 },
	{ "http_threads", T_INT, S(http_threads), "4", 1, 256, 0, 0 },
	{ "http_max_body", T_INT, S(http_max_body), "1048576", 1024, 64 * 1024 * 1024, 1, 0 },
	{ "http_max_connections", T_INT, S(http_max_connections), "256", 1, 65536, 0, 0 },
	{ "http_timeout", T_INT, S(http_timeout), "30", 1, 3600, 0, 0 },
	{ "http_max_connections_per_client", T_INT, S(http_max_connections_per_client), "32", 1, 65536, 0, 0 },
	{ "http_header_timeout", T_INT, S(http_header_timeout), "10", 1, 3600, 1, 0 },
	{ "http_trusted_proxies", T_STR, S(http_trusted_proxies), "", 0, 0, 1, 0 },
	{ "auth_free_failures", T_INT, S(auth_free_failures), "3", 1, 1000, 1, 0 },
	{ "auth_free_failures_per_address", T_INT, S(auth_free_failures_per_address), "20", 1, 100000, 1, 0 },
	{ "auth_login_max_failures", T_INT, S(auth_login_max_failures), "5", 1, 1000, 1, 0 },
	{ "auth_backoff_max", T_INT, S(auth_backoff_max), "300", 1, 86400, 1, 0 },
	{ "auth_failure_window", T_INT, S(auth_failure_window), "900", 1, 86400, 1, 0 },
	{ "shutdown_timeout", T_INT, S(shutdown_timeout), "30", 0, 3600, 1, 0 },
	{ "log_level", T_LOGLEVEL, S(log_level), "info", 0, 0, 1, 0 },
	{ "log_target", T_LOGTARGET, S(log_target), "stderr", 0, 0, 1, 0 },
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
	{ "contract_warning_days", T_INT, S(contract_warning_days), "15", 0, 3650, 1, 0 },
	{ "queue_workers", T_INT, S(queue_workers), "2", 0, 64, 0, 0 },
	{ "queue_lease_seconds", T_INT, S(queue_lease_seconds), "60", 1, 3600, 1, 0 },
	{ "queue_max_attempts", T_INT, S(queue_max_attempts), "10", 1, 1000, 1, 0 },
	{ "queue_backoff_base", T_INT, S(queue_backoff_base), "2", 1, 3600, 1, 0 },
	{ "queue_backoff_max", T_INT, S(queue_backoff_max), "300", 1, 86400, 1, 0 },
	{ "password_token_hours", T_INT, S(password_token_hours), "72", 1, 720, 1, 0 },
	{ "password_min_length", T_INT, S(password_min_length), "10", 8, 128, 1, 0 },
	{ "ldap_units_dn", T_STR, S(ldap_units_dn), "", 0, 0, 1, 0 },
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
};
#undef S
#define NROWS (sizeof(rows) / sizeof(rows[0]))

static pthread_mutex_t cur_lock = PTHREAD_MUTEX_INITIALIZER;
static struct conf *cur;

static char *conf_err(const char *file, int line, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static char *conf_err(const char *file, int line, const char *key, const char *fmt, ...)
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
	return buf_steal(&b);
}

static int parse_value(const struct conf_row *r, struct conf *c, const char *value,
		       const char *file, int line, char **error_r)
{
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
	case T_BOOL:
		if (strcasecmp(value, "yes") == 0 || strcasecmp(value, "true") == 0 ||
		    strcmp(value, "1") == 0)
			*(int *)field = 1;
		else if (strcasecmp(value, "no") == 0 || strcasecmp(value, "false") == 0 ||
			 strcmp(value, "0") == 0)
			*(int *)field = 0;
		else {
			*error_r = conf_err(file, line, r->name, "'%s' is not yes or no", value);
			return -1;
		}
		return 0;
	case T_LOGLEVEL: {
		enum log_level lvl;
		if (log_level_parse(value, &lvl) < 0) {
			*error_r = conf_err(file, line, r->name,
					    "'%s' is not one of debug, info, warning, error", value);
			return -1;
		}
		*(int *)field = (int)lvl;
		return 0;
	}
	case T_LOGTARGET:
		if (strcmp(value, "stderr") == 0)
			*(int *)field = LOG_TARGET_STDERR;
		else if (strcmp(value, "syslog") == 0)
			*(int *)field = LOG_TARGET_SYSLOG;
		else {
			*error_r = conf_err(file, line, r->name, "'%s' is not stderr or syslog", value);
			return -1;
		}
		return 0;
	case T_LDAPAUTH:
		if (strcmp(value, "sasl_external") == 0)
			*(int *)field = LDAP_AUTH_SASL_EXTERNAL;
		else if (strcmp(value, "simple") == 0)
			*(int *)field = LDAP_AUTH_SIMPLE;
		else {
			*error_r = conf_err(file, line, r->name,
					    "'%s' is not sasl_external or simple", value);
			return -1;
		}
		return 0;
	}
	return -1;
}

static void conf_free(struct conf *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < NROWS; i++)
		if (rows[i].type == T_STR)
			free(*(char **)((char *)c + rows[i].offset));
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

/* An empty DN setting means "<rdn>,<base>". */
static void default_dn(char **field, const char *rdn, const char *base)
{
	if ((*field)[0] != '\0')
		return;
	free(*field);
	*field = xasprintf("%s,%s", rdn, base);
}

/* Checks that need the whole file: required keys, combinations. */
static int conf_check(struct conf *c, const char *file, char **error_r)
{
	if (c->db_conninfo[0] == '\0') {
		*error_r = conf_err(file, 0, "db_conninfo", "is required (a libpq connection string)");
		return -1;
	}
	if (c->ldap_uri[0] == '\0') {
		*error_r = conf_err(file, 0, "ldap_uri", "is required (ldapi://, ldap:// or ldaps://)");
		return -1;
	}
	if (strncmp(c->ldap_uri, "ldapi://", 8) != 0 && strncmp(c->ldap_uri, "ldap://", 7) != 0 &&
	    strncmp(c->ldap_uri, "ldaps://", 8) != 0) {
		*error_r = conf_err(file, 0, "ldap_uri", "'%s' is not an ldapi://, ldap:// or ldaps:// URI",
				    c->ldap_uri);
		return -1;
	}
	if (c->ldap_base_dn[0] == '\0') {
		*error_r = conf_err(file, 0, "ldap_base_dn", "is required (for example dc=example,dc=org)");
		return -1;
	}
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
	default_dn(&c->ldap_people_dn, "ou=people", c->ldap_base_dn);
	default_dn(&c->ldap_groups_dn, "ou=groups", c->ldap_base_dn);
	default_dn(&c->ldap_units_dn, "ou=units", c->ldap_base_dn);
	default_dn(&c->ldap_positions_dn, "ou=positions", c->ldap_base_dn);
	const char *err = NULL;
	if (naming_template_check(c->login_template, &err) < 0) {
		*error_r = conf_err(file, 0, "login_template", "%s", err);
		return -1;
	}
	if (strstr(c->login_template, "{login}") != NULL) {
		*error_r = conf_err(file, 0, "login_template", "{login} cannot be used in the login itself");
		return -1;
	}
	{
		char *m = str_replace_all(c->mail_template, "{login}", "login");
		int bad = naming_template_check(m, &err) < 0;
		free(m);
		if (bad) {
			*error_r = conf_err(file, 0, "mail_template", "%s", err);
			return -1;
		}
	}
	for (int i = 0; i < c->ntasks; i++) {
		struct task_def *t = &c->tasks[i];
		if (t->title == NULL || t->role < 0 || t->on == 0) {
			*error_r = conf_err(file, t->line, "task", "task %s needs title, role and on", t->name);
			return -1;
		}
	}
	for (int i = 0; i < c->nsystems; i++) {
		if (c->systems[i].nlevels == 0) {
			*error_r = conf_err(file, c->systems[i].line, "access", "access system %s needs "
					    "access.%s.levels (a comma-separated list)", c->systems[i].name,
					    c->systems[i].name);
			return -1;
		}
	}
	const char *autos[WF_TYPE_COUNT] = { c->workflow_auto_hire, c->workflow_auto_exit, c->workflow_auto_transfer,
					     c->workflow_auto_access, c->workflow_auto_call_code };
	static const char *const auto_keys[WF_TYPE_COUNT] = { "workflow_auto_hire", "workflow_auto_exit",
							      "workflow_auto_transfer", "workflow_auto_access",
							      "workflow_auto_call_code" };
	if (c->smtp_from[0] == '\0') {
		free(c->smtp_from);
		c->smtp_from = xasprintf("provisiond@%s", c->mail_domain);
	}
	if (c->smtp_username[0] != '\0' && c->smtp_password_file[0] == '\0') {
		*error_r = conf_err(file, 0, "smtp_password_file", "smtp_username is set: the password file is needed too");
		return -1;
	}
	if (c->notify_hr[0] != '\0' && strchr(c->notify_hr, '@') == NULL) {
		*error_r = conf_err(file, 0, "notify_hr", "'%s' is not a mail address", c->notify_hr);
		return -1;
	}
	if (c->notify_tim_head[0] != '\0' && strchr(c->notify_tim_head, '@') == NULL) {
		*error_r = conf_err(file, 0, "notify_tim_head", "'%s' is not a mail address", c->notify_tim_head);
		return -1;
	}
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
	if (strcmp(c->password_token_delivery, "letter") != 0 && strcmp(c->password_token_delivery, "mail") != 0) {
		*error_r = conf_err(file, 0, "password_token_delivery", "'%s' is not letter or mail",
				    c->password_token_delivery);
		return -1;
	}
	if (c->outbox_retry_max < c->outbox_retry_base) {
		*error_r = conf_err(file, 0, "outbox_retry_max", "%d is less than outbox_retry_base (%d)",
				    c->outbox_retry_max, c->outbox_retry_base);
		return -1;
	}
	for (int t = 0; t < WF_TYPE_COUNT; t++) {
		if (wf_auto_parse(autos[t], &c->auto_steps[t], &err) < 0) {
			*error_r = conf_err(file, 0, auto_keys[t], "%s", err);
			return -1;
		}
	}
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

/* task.<name>.{title,role,on,checklist} */
static int parse_task_key(struct conf *c, const char *k, const char *v, const char *file, int line,
			  char **error_r)
{
	const char *n = k + 5, *dot = strchr(n, '.');
	if (dot == NULL || dot == n || dot[1] == '\0' || dot - n > 63) {
		*error_r = conf_err(file, line, k, "task keys are task.<name>.<title|role|on|checklist>");
		return -1;
	}
	for (const char *q = n; q < dot; q++)
		if (!isalnum((unsigned char)*q) && *q != '-' && *q != '_') {
			*error_r = conf_err(file, line, k, "a task name is letters, digits, '-' and '_'");
			return -1;
		}
	struct task_def *t = NULL;
	for (int i = 0; i < c->ntasks; i++)
		if (strlen(c->tasks[i].name) == (size_t)(dot - n) && strncmp(c->tasks[i].name, n, (size_t)(dot - n)) == 0)
			t = &c->tasks[i];
	if (t == NULL) {
		c->tasks = xrealloc(c->tasks, sizeof(*c->tasks) * (size_t)(c->ntasks + 1));
		t = &c->tasks[c->ntasks++];
		memset(t, 0, sizeof(*t));
		t->name = xstrndup(n, (size_t)(dot - n));
		t->role = -1;
		t->line = line;
	}
	const char *sub = dot + 1;
	if (strcmp(sub, "title") == 0) {
		free(t->title);
		t->title = xstrdup(v);
	} else if (strcmp(sub, "checklist") == 0) {
		free(t->checklist);
		t->checklist = xstrdup(v);
	} else if (strcmp(sub, "role") == 0) {
		enum role r;
		if (role_parse(v, &r) < 0) {
			*error_r = conf_err(file, line, k, "unknown role '%s'", v);
			return -1;
		}
		t->role = (int)r;
	} else if (strcmp(sub, "on") == 0) {
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
	} else {
		*error_r = conf_err(file, line, k, "unknown task key '%s' (title, role, on, checklist)", sub);
		return -1;
	}
	return 0;
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

/* access.<system>.{levels,title} */
static int parse_access_key(struct conf *c, const char *k, const char *v, const char *file, int line,
			    char **error_r)
{
	const char *n = k + 7, *dot = strchr(n, '.');
	if (dot == NULL || dot[1] == '\0') {
		*error_r = conf_err(file, line, k, "access keys are access.<system>.<levels|title>");
		return -1;
	}
	if (!catalogue_name_ok(n, (size_t)(dot - n))) {
		*error_r = conf_err(file, line, k, "a system name is 1-48 of a-z, 0-9, '-' and '_'");
		return -1;
	}
	struct access_system *as = NULL;
	for (int i = 0; i < c->nsystems; i++)
		if (strlen(c->systems[i].name) == (size_t)(dot - n) && strncmp(c->systems[i].name, n, (size_t)(dot - n)) == 0)
			as = &c->systems[i];
	if (as == NULL) {
		c->systems = xrealloc(c->systems, sizeof(*c->systems) * (size_t)(c->nsystems + 1));
		as = &c->systems[c->nsystems++];
		memset(as, 0, sizeof(*as));
		as->name = xstrndup(n, (size_t)(dot - n));
		as->line = line;
	}
	const char *sub = dot + 1;
	if (strcmp(sub, "title") == 0) {
		free(as->title);
		as->title = xstrdup(v);
	} else if (strcmp(sub, "levels") == 0) {
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
	} else {
		*error_r = conf_err(file, line, k, "unknown access key '%s' (levels, title)", sub);
		return -1;
	}
	return 0;
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

struct conf *conf_parse(const char *name, const char *text, char **error_r)
{
	struct conf *c = xcalloc(1, sizeof(*c));
	int set_line[NROWS];
	const char *p = text;
	int lineno = 0;
	struct buf line = BUF_INIT;

	c->refcount = 1;
	c->path = xstrdup(name);
	memset(set_line, 0, sizeof(set_line));
	for (size_t i = 0; i < NROWS; i++) {
		if (rows[i].type == T_STR)
			*(char **)((char *)c + rows[i].offset) = xstrdup(rows[i].def ? rows[i].def : "");
		else if (rows[i].def != NULL && parse_value(&rows[i], c, rows[i].def, name, 0, error_r) < 0)
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
		if (strncmp(k, "task.", 5) == 0) {
			if (parse_task_key(c, k, v, name, lineno, error_r) < 0)
				goto fail;
			continue;
		}
		if (strncmp(k, "access.", 7) == 0) {
			if (parse_access_key(c, k, v, name, lineno, error_r) < 0)
				goto fail;
			continue;
		}
		if (strncmp(k, "plugin.", 7) == 0) {
			if (!valid_plugin_key(k)) {
				*error_r = conf_err(name, lineno, k,
						    "plugin keys are plugin.<instance>.<key>");
				goto fail;
			}
			for (int i = 0; i < c->plugin_kv_count; i++) {
				if (strcmp(c->plugin_kv[i].key, k) == 0) {
					*error_r = conf_err(name, lineno, k, "set twice (first at line %d)",
							    c->plugin_kv[i].line);
					goto fail;
				}
			}
			c->plugin_kv = xrealloc(c->plugin_kv, sizeof(*c->plugin_kv) * (size_t)(c->plugin_kv_count + 1));
			c->plugin_kv[c->plugin_kv_count].key = xstrdup(k);
			c->plugin_kv[c->plugin_kv_count].value = xstrdup(v);
			c->plugin_kv[c->plugin_kv_count].line = lineno;
			c->plugin_kv_count++;
			continue;
		}
		size_t i;
		for (i = 0; i < NROWS; i++)
			if (strcmp(rows[i].name, k) == 0)
				break;
		if (i == NROWS) {
			*error_r = conf_err(name, lineno, k, "unknown key");
			goto fail;
		}
		if (set_line[i] != 0) {
			*error_r = conf_err(name, lineno, k, "set twice (first at line %d)", set_line[i]);
			goto fail;
		}
		set_line[i] = lineno;
		if (parse_value(&rows[i], c, v, name, lineno, error_r) < 0)
			goto fail;
	}
	buf_free(&line);
	if (conf_check(c, name, error_r) < 0) {
		conf_free(c);
		return NULL;
	}
	return c;
fail:
	buf_free(&line);
	conf_free(c);
	return NULL;
}

struct conf *conf_load(const char *path, char **error_r)
{
	FILE *fp = fopen(path, "r");
	struct buf text = BUF_INIT;
	char chunk[4096];
	size_t n;

	if (fp == NULL) {
		*error_r = xasprintf("%s: open failed: %s", path, strerror(errno));
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_append(&text, chunk, n);
	if (ferror(fp)) {
		*error_r = xasprintf("%s: read failed: %s", path, strerror(errno));
		fclose(fp);
		buf_free(&text);
		return NULL;
	}
	fclose(fp);
	if (text.len != strlen(buf_str(&text))) {
		*error_r = xasprintf("%s: file contains a NUL byte", path);
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

static void value_str(const struct conf_row *r, const struct conf *c, struct buf *out)
{
	const void *field = (const char *)c + r->offset;
	switch (r->type) {
	case T_STR:
		buf_puts(out, *(char *const *)field);
		break;
	case T_INT:
		buf_printf(out, "%d", *(const int *)field);
		break;
	case T_BOOL:
		buf_puts(out, *(const int *)field ? "yes" : "no");
		break;
	case T_LOGLEVEL: {
		static const char *const n[] = { "debug", "info", "warning", "error" };
		buf_puts(out, n[*(const int *)field]);
		break;
	}
	case T_LOGTARGET:
		buf_puts(out, *(const int *)field == LOG_TARGET_SYSLOG ? "syslog" : "stderr");
		break;
	case T_LDAPAUTH:
		buf_puts(out, *(const int *)field == LDAP_AUTH_SIMPLE ? "simple" : "sasl_external");
		break;
	}
}

char *conf_restart_needed(const struct conf *a, const struct conf *b)
{
	struct buf out = BUF_INIT, va = BUF_INIT, vb = BUF_INIT;
	for (size_t i = 0; i < NROWS; i++) {
		if (rows[i].reloadable)
			continue;
		buf_reset(&va);
		buf_reset(&vb);
		value_str(&rows[i], a, &va);
		value_str(&rows[i], b, &vb);
		if (strcmp(buf_str(&va), buf_str(&vb)) != 0)
			buf_printf(&out, "%s%s", out.len ? ", " : "", rows[i].name);
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
	for (size_t i = 0; i < NROWS; i++) {
		buf_reset(&v);
		value_str(&rows[i], c, &v);
		if (rows[i].secret)
			printf("%s = (set, not shown)\n", rows[i].name);
		else
			printf("%s = %s\n", rows[i].name, buf_str(&v));
	}
	for (int i = 0; i < c->plugin_kv_count; i++)
		printf("%s = %s\n", c->plugin_kv[i].key, c->plugin_kv[i].value);
	buf_free(&v);
}
