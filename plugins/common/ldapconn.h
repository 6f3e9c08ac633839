/*
 * NAME
 *	ldapconn - configuration, connection and operations shared by the LDAP plugins
 * SYNOPSIS
 *	#include "ldapconn.h"
 *
 *	struct ldapconn *lc = lc_new(host, instance, "ldap-account");
 *	if (lc_configure(lc, kv, nkv, my_keys, &my_conf, my_other_key, &error) < 0) ...
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
 *	lists). The connection itself is pvd-ldap.c, shared with the daemon.
 *
 *	Configuration. lc_configure() reads the instance's "plugin.<i>.<key>"
 *	lines: the connection keys below, then the plugin's own table of keys,
 *	then (optionally) a callback for keys the plugin recognises by pattern.
 *	A key nobody knows is an error that names it and its line:
 *	"plugin key 'foo' (line 12) is not known to ldap-account".
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

enum lc_type {
	LC_STRING,		/* char * (malloc'd; lc_keys_free releases it) */
	LC_INT,			/* int within [min, max] */
	LC_BOOL,		/* int: yes/true/on/1 -> 1, no/false/off/0 -> 0 */
};

/* One row of a plugin's key table; the table ends with a NULL name. */
struct lc_key {
	const char *name;
	enum lc_type type;
	size_t offset;		/* of the field in the plugin's config struct */
	const char *def;	/* default as text; NULL: none (field stays NULL/0) */
	int required;
	int min, max;		/* LC_INT only */
};

/* Called for a key in neither table: 1 taken, 0 not known, -1 and *error_r
 * (malloc'd) when it was the plugin's but its value is wrong. */
typedef int lc_other_key_fn(void *conf, const struct pvd_kv *kv, char **error_r);

enum lc_auth { LC_AUTH_SASL_EXTERNAL, LC_AUTH_SIMPLE };

struct ldapconn {
	const struct pvd_host *host;
	char *instance;
	const char *plugin;	/* "ldap-account", for messages */

	/* configuration (after lc_configure) */
	char *uri;
	enum lc_auth auth;
	char *bind_dn;
	char *bind_password;	/* read from bind_password_file; wiped on free */
	int starttls;
	char *ca_file;
	int timeout;

	LDAP *ld;		/* NULL until the first operation */
	int last_rc;		/* LDAP result code of the last failure */
	int config_error;	/* the failure says the configuration is wrong (bind refused, TLS setup) */
	char error[1024];	/* message of the last failure */
};

/* Does the host give the helpers these plugins use? 0, or -1 and *error_r. */
int lc_host_ok(const struct pvd_host *host, const char *plugin, char **error_r);
struct ldapconn *lc_new(const struct pvd_host *host, const char *instance, const char *plugin);
void lc_free(struct ldapconn **lc);

/* Parses kv: connection keys, then keys (into conf), then other (may be
 * NULL). Applies defaults, checks required keys and the connection
 * settings, reads the bind password. 0, or -1 and *error_r (malloc'd). */
int lc_configure(struct ldapconn *lc, const struct pvd_kv *kv, int nkv, const struct lc_key *keys,
		 void *conf, lc_other_key_fn *other, char **error_r);
/* Frees the LC_STRING fields of conf that keys describes. */
void lc_keys_free(const struct lc_key *keys, void *conf);
/* The message for a key nobody knows (malloc'd). */
char *lc_unknown_key(const char *plugin, const struct pvd_kv *kv);

/* ---- operations ---------------------------------------------------- */

int lc_search(struct ldapconn *lc, const char *base, int scope, const char *filter, char **attrs,
	      int sizelimit, LDAPMessage **res_r);
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

/* ---- small helpers ---------------------------------------------------- */

/* printf into res->message; returns status (and sets res->status). */
enum pvd_status lc_set(struct pvd_result *res, enum pvd_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void *lc_xmalloc(size_t n);
void *lc_xrealloc(void *p, size_t n);
char *lc_strdup(const char *s);
char *lc_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
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
