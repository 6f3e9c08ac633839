/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	ldapconn - connection keys, connection and operations shared by the LDAP plugins
 * SYNOPSIS
 *	#include "ldapconn.h"
 *
 *	struct my_conf { struct lc_conf conn; char *people_dn; };
 *	static const struct pvd_conf_row rows[] = {
 *		LC_CONF_ROWS(struct my_conf, conn),
 *		{ .name = "people_dn", .type = PVD_CONF_STRING, ... },
 *		{ .name = NULL },
 *	};
 *	struct my { struct ldapconn *lc; const struct my_conf *c; };
 *	configure():	lc_configure(host, &conf->conn, lines, &error)
 *	open():		struct my *h = lc_plugin_open(host, instance, "ldap-account", &conf->conn,
 *					      sizeof(*h), inst_r, error_r); h->c = conf;
 *	the table:	.unconfigure = lc_plugin_unconfigure, .detach = lc_plugin_detach,
 *			.check = lc_plugin_check
 *
 *	rc = lc_search(lc, dn, LDAP_SCOPE_BASE, "(objectClass=*)", attrs, 0, &msg);
 *	if (rc != LDAP_SUCCESS)
 *		return lc_result(lc, res);	// message + RETRY or FAIL
 *	lc_free(&lc);
 * DESCRIPTION
 *	Compiled into every LDAP plugin (not a shared library: each plugin is
 *	self-contained and exports only pvd_plugin_entry), one file per
 *	concern: ldapconn-conf.c (the keys and their checks), ldapconn.c
 *	(the connection, operations and results), ldapconn-entry.c (DNs,
 *	entries, modifications), ldapconn-util.c (memory, strings, string
 *	lists), ldapconn-plugin.c (the instance: open, detach, check). The
 *	connection itself is pvd-ldap.c, shared with the daemon.
 *
 *	Configuration. The connection keys below are rows (LC_CONF_ROWS) at
 *	the start of the plugin's own table, checked by the host with the
 *	plugin's keys once per instance (plugin ABI 1.2); lc_configure(),
 *	from the plugin's configure(), checks that they go together and
 *	reads the password file. A key nobody knows is refused by the host,
 *	naming it and its line: "plugin key 'foo' (line 12) is not known to
 *	ldap-account (uri, auth, ...)".
 *
 *	    uri                 ldapi://..., ldap://host:port or ldaps://host:port
 *	    auth                sasl_external (ldapi:// only: the socket's peer
 *	                        credentials are the identity) or simple
 *	    bind_dn             simple only
 *	    bind_password_file  simple only; first line of the file
 *	    starttls            yes/no, ldap:// only; default yes. A simple bind
 *	                        over ldap:// without StartTLS is refused: the
 *	                        password would cross the network in clear.
 *	    ca_file             CA certificates for TLS (default: the system's)
 *	    timeout             seconds for connecting and for every operation
 *	                        (1-300, default 5)
 *
 *	Connection. Made on first use and kept; protocol v3, no referrals,
 *	network and operation timeouts, TLS certificate checking demanded. An
 *	operation that fails with server down, connect error, timeout or
 *	unavailable on a connection that was already open is tried once more
 *	on a new connection (the server may have restarted since); an operation
 *	on a fresh connection is not repeated.
 *
 *	Operations return the LDAP result code. On failure lc->error holds a
 *	message such as "ldap_add(dn=uid=jperez,ou=people,dc=example,dc=org)
 *	failed: Already exists" (plus the server's diagnostic message when it
 *	sent one), and lc_result() copies it into a pvd_result with the status
 *	lc_status() gives: server down, connect error, timeout, time limit,
 *	busy, unavailable -> PVD_RETRY; the service's own bind refused ->
 *	PVD_CONFIG; anything else -> PVD_FAIL.
 * DIAGNOSTICS
 *	Nothing here logs: callers decide what to say.
 */
#ifndef PVD_LDAPCONN_H
#define PVD_LDAPCONN_H

#include <stddef.h>
#include <provisiond-plugin.h>

#define LDAP_DEPRECATED 0
#include <ldap.h>

/* ---- configuration ------------------------------------------------ */

enum lc_auth { LC_AUTH_SASL_EXTERNAL, LC_AUTH_SIMPLE };

/* The connection part of an LDAP plugin's configuration struct. */
struct lc_conf {
	/* filled by the host from LC_CONF_ROWS (the host's memory) */
	char *uri, *auth, *bind_dn, *bind_password_file;
	int starttls;			/* as given; see line[LC_ROW_STARTTLS] */
	char *ca_file;
	int timeout;
	/* filled by lc_configure() */
	enum lc_auth mode;
	int use_starttls;		/* given, else yes on ldap:// */
	char *bind_password;		/* read from bind_password_file; wiped by lc_unconfigure */
};

/* Row checks of uri and auth: NULL, or why the value is wrong. */
const char *lc_check_uri(const char *uri);
const char *lc_check_auth(const char *auth);

/* The connection keys as the first rows of a plugin's table, for the
 * member m (a struct lc_conf) of the plugin's configuration struct T;
 * their indexes in that table are the LC_ROW_* below. */
#define LC_CONF_ROWS(T, m) \
	{ .name = "uri", .type = PVD_CONF_STRING, .offset = offsetof(T, m.uri), .flags = PVD_CONF_REQUIRED, \
	  .check = lc_check_uri, .help = "ldapi://..., ldap://host:port or ldaps://host:port" }, \
	{ .name = "auth", .type = PVD_CONF_STRING, .offset = offsetof(T, m.auth), .check = lc_check_auth }, \
	{ .name = "bind_dn", .type = PVD_CONF_STRING, .offset = offsetof(T, m.bind_dn) }, \
	{ .name = "bind_password_file", .type = PVD_CONF_STRING, .offset = offsetof(T, m.bind_password_file) }, \
	{ .name = "starttls", .type = PVD_CONF_BOOL, .offset = offsetof(T, m.starttls) }, \
	{ .name = "ca_file", .type = PVD_CONF_STRING, .offset = offsetof(T, m.ca_file) }, \
	{ .name = "timeout", .type = PVD_CONF_INT, .offset = offsetof(T, m.timeout), .def = "5", .min = 1, .max = 300 }
enum { LC_ROW_URI, LC_ROW_AUTH, LC_ROW_BIND_DN, LC_ROW_BIND_PW, LC_ROW_STARTTLS, LC_ROW_CA_FILE, LC_ROW_TIMEOUT,
       LC_NROWS };

/* From a plugin's configure(): do the connection keys make sense
 * together? Reads the bind password. line: the plugin's lines[] (the
 * connection rows first). 0, or -1 and *error_r (malloc'd). */
int lc_configure(const struct pvd_host *host, struct lc_conf *cc, const int *line, char **error_r);
/* From a plugin's unconfigure(): wipes and frees the bind password. */
void lc_unconfigure(struct lc_conf *cc);

/* From a plugin's configure(): 0 when dn parses as a DN, else -1 and
 * *error_r: "plugin key '<key>': '<dn>' is not a DN". */
int lc_check_dn(const char *key, const char *dn, char **error_r);

/* ---- an LDAP plugin's instance (ldapconn-plugin.c) ------------------ */

/* What an LDAP plugin's table points at. They take the plugin's own
 * structs, which begin with what ldapconn knows of them (a pointer to a
 * struct points to its first member too): the configuration struct with
 * its struct lc_conf, the thread's handle with its struct ldapconn *. */

/* .unconfigure of a plugin whose configure() adds only lc_configure's */
void lc_plugin_unconfigure(void *conf);
/* From the plugin's open(): a handle of size bytes, zeroed but for its
 * connection (made on first use), also put in *inst_r. Never fails;
 * error_r is open()'s, for a plugin's own checks. */
void *lc_plugin_open(const struct pvd_host *host, const char *instance, const char *plugin,
		     const struct lc_conf *cc, size_t size, void **inst_r, char **error_r);
/* .detach: closes the handle's connection and frees the handle */
void lc_plugin_detach(void *inst);
/* .check: lc_check() on the handle's connection */
enum pvd_status lc_plugin_check(void *inst, char *message, size_t size);

/* ---- the connection ------------------------------------------------ */

struct ldapconn {
	const struct pvd_host *host;
	char *instance;
	const char *plugin;	/* "ldap-account", for messages */

	/* the instance's checked configuration (struct lc_conf) */
	const char *uri;
	enum lc_auth auth;
	const char *bind_dn;
	const char *bind_password;
	int starttls;
	const char *ca_file;	/* NULL: the system's */
	int timeout;

	LDAP *ld;		/* NULL until the first operation */
	int last_rc;		/* LDAP result code of the last failure */
	int config_error;	/* the failure says the configuration is wrong (bind refused, TLS setup) */
	char error[1024];	/* message of the last failure */
};

/* One thread's connection (made on first use) for a configured instance;
 * cc must outlive it. */
struct ldapconn *lc_new(const struct pvd_host *host, const char *instance, const char *plugin,
			const struct lc_conf *cc);
void lc_free(struct ldapconn **lc);

/* ---- operations ---------------------------------------------------- */

int lc_search(struct ldapconn *lc, const char *base, int scope, const char *filter, char **attrs,
	      int sizelimit, LDAPMessage **res_r);
/* The same, returning of each entry's values only those that match
 * values_filter, e.g. "((member=uid=x,...)(member=))" (RFC 3876): what a
 * member list holds of interest, whatever its size. */
int lc_search_values(struct ldapconn *lc, const char *base, int scope, const char *filter, char **attrs,
		     const char *values_filter, int sizelimit, LDAPMessage **res_r);
int lc_add(struct ldapconn *lc, const char *dn, LDAPMod **mods);
int lc_modify(struct ldapconn *lc, const char *dn, LDAPMod **mods);
int lc_delete(struct ldapconn *lc, const char *dn);
/* Reads one entry by DN: LDAP_SUCCESS and *res_r (entry may be absent:
 * then ldap_first_entry is NULL), or the failure code. NO_SUCH_OBJECT is
 * success with no entry. */
int lc_read(struct ldapconn *lc, const char *dn, const char *filter, char **attrs, LDAPMessage **res_r);
/* A base search of the root DSE: is the server there and do we get in? */
int lc_ping(struct ldapconn *lc);
/* A plugin's check(): lc_ping as OK, RETRY or CONFIG with the message. */
enum pvd_status lc_check(struct ldapconn *lc, char *message, size_t size);
void lc_close(struct ldapconn *lc);

int lc_is_down(int rc);
enum pvd_status lc_status(const struct ldapconn *lc);
/* res->message = lc->error; returns and sets res->status = lc_status(). */
enum pvd_status lc_result(const struct ldapconn *lc, struct pvd_result *res);
/* A change that failed: the after state it would have made is dropped
 * (res->after NULL), then lc_result(). */
enum pvd_status lc_undo(const struct ldapconn *lc, struct pvd_result *res);

/* ---- small helpers ---------------------------------------------------- */

/* printf into res->message; returns status (and sets res->status). */
enum pvd_status lc_set(struct pvd_result *res, enum pvd_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void *lc_xmalloc(size_t n);
void *lc_xrealloc(void *p, size_t n);
char *lc_strdup(const char *s);
char *lc_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The string o[key], NULL when absent, not a string or empty. */
const char *lc_jstr(json_t *o, const char *key);
/* Two DNs name the same entry (ldap_dn_normalize, case-insensitive). */
int lc_dn_equal(const char *a, const char *b);
/* Entry e has objectClass cls (case-insensitive, as LDAP compares them). */
int lc_has_class(const struct ldapconn *lc, LDAPMessage *e, const char *cls);
/* Entry e has exactly one value of attr and it is TRUE (pvdManaged). */
int lc_is_true(const struct ldapconn *lc, LDAPMessage *e, const char *attr);
/* The value of the first RDN of dn (malloc'd), NULL when dn is not a DN;
 * with parent_r: 1 when dn is a direct child of parent. */
char *lc_rdn_value(const char *dn, const char *parent, int *is_child_r);

/* A growable list of strings (owned). */
struct lc_strs {
	char **v;
	int n;
};
void lc_strs_add(struct lc_strs *s, const char *value);
int lc_strs_has(const struct lc_strs *s, const char *value);
/* Splits "a, b c" on commas, trims blanks, adds each non-empty name once. */
void lc_strs_add_list(struct lc_strs *s, const char *list);
void lc_strs_sort(struct lc_strs *s);
json_t *lc_strs_json(const struct lc_strs *s);
void lc_strs_free(struct lc_strs *s);

/* A growable NULL-terminated LDAPMod array (LDAP_MOD_BVALUES, values copied). */
struct lc_mods {
	LDAPMod **v;
	int n;
};
/* Adds value to the modification (op, attr), made on first use; value
 * NULL makes a modification without values (delete the attribute). */
void lc_mods_add(struct lc_mods *m, int op, const char *attr, const char *value);
void lc_mods_free(struct lc_mods *m);

/* {attr: "value" | ["v1", "v2"]} of the attributes of e named in attrs
 * (NULL-terminated); absent attributes are left out. */
json_t *lc_entry_json(const struct ldapconn *lc, LDAPMessage *e, const char *const *attrs);

#endif
