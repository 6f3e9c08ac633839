/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	conf - provisiond.conf: parse, check, share, reload
 * SYNOPSIS
 *	struct conf *c = conf_load(path, &err);   // NULL + err on error
 *	conf_set_current(c);                      // publish
 *	struct conf *c = conf_get();              // take a reference
 *	conf_put(&c);                             // drop it
 * DESCRIPTION
 *	The file is lines of "key = value". Blank lines and lines whose first
 *	non-blank character is '#' are comments. A value may be wrapped in
 *	double quotes to keep leading or trailing spaces. Keys are known
 *	(a typo is an error), each set at most once. Errors name the file,
 *	the line and the key: "provisiond.conf:12: listen_port: not a number".
 *
 *	Configurations are reference counted so SIGHUP can publish a new one
 *	while requests still hold the old one.
 *
 *	Keys named plugin.<instance>.<key> are collected as-is for the plugin
 *	host, which checks them itself.
 */
#ifndef PVD_CONF_H
#define PVD_CONF_H

#include <stdio.h>

#include "roles.h"
#include "workflow.h"

enum ldap_auth_method { LDAP_AUTH_SASL_EXTERNAL, LDAP_AUTH_SIMPLE };
enum log_target { LOG_TARGET_STDERR, LOG_TARGET_SYSLOG };

struct conf_kv {
	char *key;
	char *value;
	int line;
};

/* A manual task: a step people do outside the system (the desktop backup
 * before an exit, the document system), opened when a request of the
 * listed types enters its provisioning step; the step waits for it. */
struct task_def {
	char *name;
	char *title;
	char *checklist;	/* "item; item; item" */
	int role;		/* enum role that marks it done */
	unsigned on;		/* bit per enum wf_type */
	int line;
};

/* An application or network service whose access levels people may be
 * granted: access.<name>.levels = read, write, admin. Requests naming a
 * system or level not here are refused when they are filed. */
struct access_system {
	char *name;
	char *title;
	char **levels;
	int nlevels;
	int line;
};

struct conf {
	int refcount;
	char *path;

	/* http */
	char *listen_address;
	int listen_port;
	int http_threads;
	int http_max_body;
	int http_max_connections;
	int http_timeout;
	int http_max_connections_per_client;
	int http_header_timeout;	/* seconds to send a whole request header */
	char *http_trusted_proxies;	/* reverse proxies whose X-Forwarded-For is believed */

	/* the web console (console.h, sessions.h) */
	char *console_dir;		/* its files; "" serves none */
	char *openapi_file;		/* the contract GET /openapi.yaml serves; "" none */
	int session_idle_timeout;	/* seconds without a request */
	int session_max_age;		/* seconds from sign-in, whatever happens */
	int session_cookie_secure;	/* Secure + __Host- (also when a trusted proxy says https) */

	/* sign-in throttling (throttle.h) */
	int auth_free_failures;
	int auth_free_failures_per_address;
	int auth_login_max_failures;
	int auth_backoff_max;
	int auth_failure_window;
	int shutdown_timeout;

	/* logging */
	int log_level;		/* enum log_level */
	int log_target;		/* enum log_target */
	int log_format;		/* enum log_format (log.h): text or json lines */
	char *pid_file;

	/* store */
	char *db_conninfo;	/* may hold a password: never log it */
	char *schema_dir;

	/* directory */
	char *ldap_uri;
	int ldap_auth;		/* enum ldap_auth_method */
	char *ldap_bind_dn;
	char *ldap_bind_password_file;
	char *ldap_bind_password;	/* read from the file; never logged */
	int ldap_starttls;
	char *ldap_ca_file;
	int ldap_timeout;
	char *ldap_base_dn;
	char *ldap_people_dn;
	char *ldap_groups_dn;
	char *ldap_login_attr;
	char *ldap_unit_attr;		/* on a signed-in user: their unit (unit heads) */
	char *role_group[ROLE_COUNT];	/* group DN whose members hold the role */
	char *ldap_units_dn;		/* organizationalUnit entries: the units */
	char *ldap_positions_dn;	/* organizationalRole entries: the positions */

	/* identifiers */
	char *login_template;
	int login_max_length;
	char *mail_template;
	char *mail_domain;

	/* workflow policy: steps done by "system" instead of a person */
	char *workflow_auto_hire;
	char *workflow_auto_exit;
	char *workflow_auto_transfer;
	char *workflow_auto_access;
	char *workflow_auto_call_code;
	unsigned auto_steps[WF_TYPE_COUNT];	/* parsed: bit per enum wf_auto, per type */

	char *plugin_dir;		/* where plugin libraries are */
	int scheduler_interval_ms;
	int scheduler_threads;		/* threads starting a large batch of due exits */
	int ldap_catalogue_cache_seconds;	/* units and positions found: kept this long */
	int contract_warning_days;	/* how far ahead GET /v1/contracts/ending looks */	/* 0: this daemon does not run scheduled exits */
	int queue_workers;
	int queue_lease_seconds;
	int queue_max_attempts;
	int queue_backoff_base;
	int queue_backoff_max;
	/* outgoing mail (outbox.h) */
	char *smtp_url;			/* smtp://relay:25 or smtps://...; "" keeps mail waiting */
	char *smtp_from;		/* default provisiond@<mail_domain> */
	int smtp_timeout;
	int smtp_starttls;		/* require STARTTLS on smtp:// */
	char *smtp_username;
	char *smtp_password_file;
	int outbox_sender;		/* this daemon runs the sender thread */
	int outbox_retry_base;
	int outbox_retry_max;
	char *notify_hr;		/* conclusion notes for HR; "" = the HR person who filed */
	char *notify_tim_head;		/* security notices; "" = the tim_head role group's members */
	char *password_token_delivery;	/* letter (shown once, for printing) or mail (private address) */
	int password_token_hours;
	int password_min_length;

	/* the change log's sealing (sealer.h) */
	char *changelog_key_file;	/* Ed25519 signing key; made when missing */
	int changelog_sealer;		/* this daemon runs a sealer thread */
	int changelog_seal_interval_ms;
	char *changelog_heads_to;	/* "" = the auditor role group's members */
	int changelog_heads_every;	/* seconds between head mails; 0: none */

	struct task_def *tasks;		/* task.<name>.<key> lines */
	int ntasks;
	struct access_system *systems;	/* access.<system>.<key> lines: the catalogue */
	int nsystems;

	/* plugin.<instance>.<key> lines, in file order */
	struct conf_kv *plugin_kv;
	int plugin_kv_count;
};

/* Loads and checks a file. On error returns NULL and sets *error_r to a
 * "file:line: key: reason" message in the caller's frame (tpool.h). */
struct conf *conf_load(const char *path, const char **error_r);
/* Same, from a string (for tests); name is used in messages. */
struct conf *conf_parse(const char *name, const char *text, const char **error_r);

void conf_set_current(struct conf *c);	/* takes ownership of one reference */
struct conf *conf_get(void);		/* new reference to the current one */
void conf_put(struct conf **c);		/* drop a reference, NULL the pointer */

/* Lists settings that differ between a and b but need a restart
 * ("listen_port, db_conninfo"); NULL if none. Caller frees. */
char *conf_restart_needed(const struct conf *a, const struct conf *b);

/* The catalogue entry for system, or NULL; level known to it: 1/0. */
const struct access_system *conf_access_system(const struct conf *c, const char *system);
int conf_access_level_known(const struct access_system *s, const char *level);

/* Writes every setting with its value (secrets masked) to stdout. */
void conf_dump(const struct conf *c);

/* Writes every key the file may hold, one a line, to fp:
 * "name<TAB>type<TAB>sighup|restart<TAB>default" (provisiond
 * --print-config-keys; the test of provisiond.conf(5) compares the page
 * with it). Section keys are shown as task.<name>.title. */
void conf_print_keys(FILE *fp);

#endif
