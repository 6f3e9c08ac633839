/*
 * NAME
 *	provisiond-plugin.h - the interface between provisiond and its plugins
 * SYNOPSIS
 *	#include <provisiond-plugin.h>
 *	const struct pvd_plugin *pvd_plugin_entry(void);   // the one exported symbol
 * DESCRIPTION
 *	A plugin is a shared object in plugins/<name>/ that provisiond dlopen()s
 *	when the configuration names it:
 *
 *	    plugin.accounts.library = ldap-account      # plugins/ldap-account/ldap-account.so
 *	    plugin.accounts.uri = ldapi://...
 *	    plugin.groups.library = ldap-group
 *	    plugin.groups.after = accounts              # run after the account exists
 *
 *	Every "plugin.<instance>.<key>" line except library and after is handed
 *	to the plugin's instantiate() as-is; the plugin checks its own keys and
 *	refuses unknown ones. Several instances of one plugin may be configured.
 *
 *	Versioning. The struct returned by pvd_plugin_entry() starts with
 *	abi_major and size. The host refuses a plugin whose abi_major differs
 *	from PVD_PLUGIN_ABI_MAJOR, naming both versions. Within one major
 *	version structs only grow at the end: the host reads a member only if
 *	size says the plugin has it, and a plugin reads a host member only if
 *	host->size says the host has it.
 *
 *	Threads. instantiate() is called once per worker thread (and once per
 *	HTTP thread that asks for a dry-run plan), so each instance holds its
 *	own connection and needs no locking. Operations on one instance never
 *	run concurrently.
 *
 *	Operations. apply/disable/enable/remove make the target match the
 *	desired state and must be idempotent: after a crash between the write
 *	and the host's commit, the same operation is delivered again and must
 *	answer NOOP, never create a duplicate or fail. An entry that exists but
 *	was not created by provisiond is CONFLICT, never overwritten.
 *	With op->dry_run set, nothing is changed: the result says what would be.
 *
 *	Call codes. The one instance configured with plugin.X.call_codes = yes
 *	(a PBX) also gets intent "call_code" through apply, with params
 *	{"call_code": {"action": "issue", "level": "national"}} or
 *	{"call_code": {"action": "revoke"}}; an issued code goes to the person
 *	through host->deliver_secret, never into the result.
 *
 *	Results. Every operation fills a struct pvd_result: status, a message
 *	for people ("ldap_add(dn=uid=jperez,ou=people,dc=example,dc=org) failed:
 *	Already exists"), the object touched (a DN, an address) and the state
 *	before and after as JSON, which go to the change log. Never put a
 *	secret in before, after or message.
 */
#ifndef PROVISIOND_PLUGIN_H
#define PROVISIOND_PLUGIN_H

#include <stddef.h>
#include <jansson.h>

#define PVD_PLUGIN_ABI_MAJOR 1
#define PVD_PLUGIN_ENTRY "pvd_plugin_entry"

enum pvd_status {
	PVD_OK = 0,		/* changed as asked */
	PVD_NOOP,		/* already so: nothing to do */
	PVD_NOTFOUND,		/* the object is not there (read, disable of nothing) */
	PVD_CONFLICT,		/* exists and is not ours: refused, not overwritten */
	PVD_RETRY,		/* transient: server down, timeout; try again later */
	PVD_FAIL,		/* permanent: bad input, refused by the target */
	PVD_CONFIG,		/* the instance's configuration is wrong */
};

enum pvd_log_level { PVD_LOG_DEBUG, PVD_LOG_INFO, PVD_LOG_WARN, PVD_LOG_ERROR };

/* One configuration line of the instance: plugin.<instance>.<key> = value */
struct pvd_kv {
	const char *key;	/* the part after "plugin.<instance>." */
	const char *value;
	int line;		/* in the configuration file, for messages */
};

/* What the host gives plugins. */
struct pvd_op;

struct pvd_host {
	unsigned abi_major;
	size_t size;
	void (*log)(enum pvd_log_level level, const char *instance, const char *fmt, ...)
		__attribute__((format(printf, 3, 4)));
	/* libldap escaping (ldap_bv2escaped_filter_value); caller frees */
	char *(*ldap_filter_value)(const char *value);
	/* "attr=value,parent" with value escaped by libldap (LDAPAVA +
	 * ldap_dn2str); NULL when it cannot be built; caller frees */
	char *(*ldap_child_dn)(const char *attr, const char *value, const char *parent);
	/* reads the first line of a file holding a secret; NULL + *error_r */
	char *(*read_secret_file)(const char *path, char **error_r);
	/* Since ABI 1.1 (read it only when host->size covers it). A secret the
	 * plugin generated for the person of op (a SIP password, a call code)
	 * goes to the host, which mails it to the person's institutional
	 * address from its outbox if and only if the operation is recorded as
	 * done, and never logs it, returns it or puts it in the change log.
	 * what: "sip_password" or "call_code"; note: one line for the
	 * message without the secret ("Extension 2001 (sip:2001@pbx.example.org)").
	 * 0, or -1 with *error_r (malloc'd) when it cannot be delivered (the
	 * person has no mail address): the plugin then changes nothing, FAIL. */
	int (*deliver_secret)(const struct pvd_op *op, const char *what, const char *secret,
			      const char *note, char **error_r);
};

/* An operation. The person is the identity record as the API shows it
 * (employee_number, given_names, family_names, unit, position,
 * contract_type, start_date, end_date, status, uid, uid_number, mail,
 * extension). */
struct pvd_op {
	long long id;			/* operation id (0 for a dry-run plan) */
	long long request_id;
	const char *intent;		/* create, update, disable, enable, call_code */
	json_t *person;
	json_t *params;			/* extra, intent-specific input (may be NULL) */
	int attempt;			/* 1 on first delivery */
	int dry_run;
};

struct pvd_result {
	enum pvd_status status;
	char message[1024];
	char object[512];		/* DN, address, extension, ... */
	json_t *before;			/* set by the plugin; the host takes them */
	json_t *after;
};

typedef enum pvd_status pvd_op_fn(void *inst, const struct pvd_op *op, struct pvd_result *res);

struct pvd_plugin {
	unsigned abi_major;		/* PVD_PLUGIN_ABI_MAJOR */
	size_t size;			/* sizeof(struct pvd_plugin) */
	const char *name;		/* "ldap-account" */
	const char *version;		/* the plugin's own version, for logs */

	/* 0 and *inst_r, or -1 and *error_r (malloc'd): "uri: missing". */
	int (*instantiate)(const struct pvd_host *host, const char *instance,
			   const struct pvd_kv *kv, int nkv, void **inst_r, char **error_r);
	void (*detach)(void *inst);
	/* can the target be reached? OK, RETRY (down) or CONFIG; message set */
	enum pvd_status (*check)(void *inst, char *message, size_t size);

	pvd_op_fn *read;		/* observed state into res->after; NOTFOUND */
	pvd_op_fn *apply;		/* make it so (create, update) */
	pvd_op_fn *disable;		/* exit: refuse access, delete nothing */
	pvd_op_fn *enable;		/* undo disable */
	pvd_op_fn *remove;		/* optional: actually delete; may be NULL */
};

/* The one symbol a plugin exports. */
const struct pvd_plugin *pvd_plugin_entry(void);

#endif
