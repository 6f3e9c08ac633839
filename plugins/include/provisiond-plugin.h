/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	provisiond-plugin.h - the interface between provisiond and its plugins
 * SYNOPSIS
 *	#include <provisiond-plugin.h>
 *	static const struct pvd_plugin plugin = { .abi_major = PVD_PLUGIN_ABI_MAJOR, ... };
 *	static const struct pvd_plugin plugin = { PVD_PLUGIN_1_2("hello", "1.0"), .open = ..., ... };
 *	PVD_PLUGIN_EXPORT(plugin)	// pvd_plugin_entry(), the one exported symbol
 * DESCRIPTION
 *	A plugin is a shared object in plugins/<name>/ that provisiond dlopen()s
 *	when the configuration names it:
 *
 *	    plugin.accounts.library = ldap-account      # plugins/ldap-account/ldap-account.so
 *	    plugin.accounts.uri = ldapi://...
 *	    plugin.groups.library = ldap-group
 *	    plugin.groups.after = accounts              # run after the account exists
 *
 *	Every "plugin.<instance>.<key>" line except the host's own keys
 *	(library, after, on_exit, call_codes) belongs to the plugin. Several
 *	instances of one plugin may be configured.
 *
 *	The one exported symbol. A plugin defines one const struct pvd_plugin
 *	and exports it with PVD_PLUGIN_EXPORT(that_struct), which defines
 *	pvd_plugin_entry(); the build exports nothing else.
 *
 *	Versioning. The struct starts with abi_major and size. The host
 *	refuses a plugin whose abi_major differs from PVD_PLUGIN_ABI_MAJOR,
 *	naming both versions. Within one major version structs only grow at
 *	the end: the host reads a member only if size says the plugin has it
 *	(and, for members since 1.2, abi_minor says so), and a plugin reads a
 *	host member only if host->size says the host has it. So a plugin
 *	built for ABI 1.0 or 1.1 (no abi_minor) loads in a 1.2 host, and a
 *	1.2 plugin in a 1.0/1.1 host refuses itself through its instantiate
 *	(pvd_plugin_instantiate_needs_1_2).
 *	    1.0  instantiate() with the raw key/value lines, once per thread
 *	    1.1  host->deliver_secret
 *	    1.2  abi_minor, capability flags, configuration rows checked by
 *	         the host once per instance, configure/unconfigure/open;
 *	         host->abi_minor and the host's allocator
 *
 *	Configuration (since 1.2). The plugin describes its keys as rows
 *	(struct pvd_conf_row: name, type, offset in the plugin's
 *	configuration struct, default, required, range, a value check). The
 *	host checks the instance's lines against them once, when it loads
 *	the instance, naming the key and its line in every refusal
 *	("plugin key 'timeout' (line 12): 'soon' is not a number from 1 to
 *	300", "plugin key 'colour' (line 7) is not known to ldap-account
 *	(uri, auth, ...)"), fills a zeroed struct of conf_size bytes, and
 *	calls configure() once for what rows cannot say (keys that go
 *	together, files to read). open() then makes a handle from that
 *	checked, read-only configuration: once per thread, or once for all
 *	threads (PVD_PLUGIN_SHARED). unconfigure() frees what configure()
 *	added; the host frees what the rows put there.
 *	A 1.0/1.1 plugin gets the raw lines (struct pvd_kv) in instantiate(),
 *	once per thread, and checks them itself.
 *
 *	Threads. Without PVD_PLUGIN_SHARED each thread (every worker, and an
 *	HTTP thread that asks for a dry-run plan) gets its own handle, so it
 *	holds its own connection and needs no locking; operations on one
 *	handle never run concurrently. With PVD_PLUGIN_SHARED one handle
 *	serves every thread at once and the plugin does its own locking.
 *
 *	Capabilities (since 1.2, flags): PVD_PLUGIN_DRY_RUN, the plugin
 *	honours op->dry_run (without it the host never asks it for a plan);
 *	PVD_PLUGIN_CALL_CODES, it takes intent "call_code" (a PBX);
 *	PVD_PLUGIN_SHARED, the thread model above. Plugins older than 1.2
 *	are taken to honour dry runs, to be per thread, and may be given
 *	call codes by the host key call_codes = yes.
 *
 *	Operations. apply/disable/enable/remove make the target match the
 *	desired state and must be idempotent: after a crash between the write
 *	and the host's commit, the same operation is delivered again and must
 *	answer NOOP, never create a duplicate or fail. An entry that exists but
 *	was not created by provisiond is CONFLICT, never overwritten.
 *	With op->dry_run set, nothing is changed: the result says what would be.
 *
 *	Call codes. The one instance that takes call codes (its plugin has
 *	PVD_PLUGIN_CALL_CODES and it is the only such instance, or it is
 *	configured with plugin.X.call_codes = yes) also gets intent
 *	"call_code" through apply, with params
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
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#define PVD_PLUGIN_ABI_MAJOR 1
#define PVD_PLUGIN_ABI_MINOR 2
#define PVD_PLUGIN_ENTRY "pvd_plugin_entry"

/* Capability flags (struct pvd_plugin.flags, since 1.2). */
#define PVD_PLUGIN_DRY_RUN	(1u << 0)	/* honours op->dry_run: plans, changes nothing */
#define PVD_PLUGIN_CALL_CODES	(1u << 1)	/* takes intent call_code (a PBX) */
#define PVD_PLUGIN_SHARED	(1u << 2)	/* one handle for every thread; the plugin locks */

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

/* One configuration line of the instance: plugin.<instance>.<key> = value
 * (what instantiate() gets; rows of 1.2 plugins are filled from these) */
struct pvd_kv {
	const char *key;	/* the part after "plugin.<instance>." */
	const char *value;
	int line;		/* in the configuration file, for messages */
};

/* ---- configuration rows (since 1.2) ---------------------------------- */

enum pvd_conf_type {
	PVD_CONF_STRING,	/* char *, the host's; "" when given empty */
	PVD_CONF_INT,		/* int within [min, max] */
	PVD_CONF_BOOL,		/* int: yes/true/on/1 -> 1, no/false/off/0 -> 0 */
	PVD_CONF_LIST,		/* struct pvd_conf_list: every key that starts with name
				 * (a prefix such as "unit."), in file order; rows of one
				 * list field may share it (unit. and unit_) */
};

#define PVD_CONF_REQUIRED	(1u << 0)	/* a STRING given and not empty; a LIST not empty */

/* One key of the plugin; a table of them ends with a row whose name is
 * NULL. The host refuses a table whose fields do not fit conf_size. This
 * struct does not change within ABI 1.x. */
struct pvd_conf_row {
	const char *name;		/* the key after "plugin.<instance>."; a LIST's prefix */
	enum pvd_conf_type type;
	size_t offset;			/* of the field in the configuration struct */
	const char *def;		/* the default as text, NULL: none (the field stays NULL/0) */
	unsigned flags;			/* PVD_CONF_REQUIRED */
	int min, max;			/* PVD_CONF_INT */
	/* optional: NULL when a value (each item's, for a LIST) is good, else
	 * why not, told as "plugin key 'K' (line N): 'VALUE' <why>" */
	const char *(*check)(const char *value);
	/* what a missing required key is told: "plugin key 'K' is required:
	 * <help>"; NULL: "plugin key 'K' is missing: <plugin> needs it" */
	const char *help;
	/* how the list of known keys shows it ("unit.<unit>"); NULL: name.
	 * For a LIST the word in <> names what follows the prefix, as in
	 * "plugin key 'unit.' (line N): name the unit after 'unit.'" */
	const char *shown;
};

/* One line a LIST row took. */
struct pvd_conf_item {
	const char *key;		/* "unit.tributaria" */
	const char *name;		/* what follows the prefix: "tributaria" (never empty) */
	const char *value;
	int line;
	int row;			/* index of the row that took it */
};

struct pvd_conf_list {
	const struct pvd_conf_item *v;
	int n;
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

	/* ---- since ABI 1.2 ---- */
	unsigned abi_minor;
	/* The host's allocator: these never return NULL (out of memory the
	 * host logs and aborts), and what they return is released with
	 * mem_free, as is every *error_r a plugin hands the host. */
	void *(*mem_alloc)(size_t size);		/* zeroed */
	void *(*mem_realloc)(void *p, size_t size);
	void (*mem_free)(void *p);
	char *(*str_dup)(const char *s);
	char *(*str_format)(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
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

	/* ABI 1.0/1.1: the raw lines, once per thread. 0 and *inst_r, or -1
	 * and *error_r (malloc'd): "uri: missing". A 1.2 plugin sets open
	 * and points this at pvd_plugin_instantiate_needs_1_2. */
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

	/* ---- since ABI 1.2 (a plugin with them sets abi_minor) ---- */
	unsigned abi_minor;		/* PVD_PLUGIN_ABI_MINOR */
	unsigned flags;			/* PVD_PLUGIN_DRY_RUN | PVD_PLUGIN_CALL_CODES | PVD_PLUGIN_SHARED */
	const struct pvd_conf_row *conf_rows;	/* NULL: the plugin has no keys */
	size_t conf_size;		/* of the configuration struct the rows fill */
	/* Optional: once per instance, after the host filled conf from the
	 * rows; lines[r] is the line of row r (0: not in the file). What the
	 * rows cannot check (keys that go together, files to read). 0, or -1
	 * and *error_r. */
	int (*configure)(const struct pvd_host *host, const char *instance, void *conf, const int *lines,
			 char **error_r);
	/* Optional: frees what configure() added to conf (also after a
	 * configure() that failed half way). */
	void (*unconfigure)(void *conf);
	/* A handle on the instance from its checked configuration (once per
	 * thread, or once: PVD_PLUGIN_SHARED); detach() closes it. With open
	 * set the host never calls instantiate. 0 and *inst_r, or -1 and
	 * *error_r. */
	int (*open)(const struct pvd_host *host, const char *instance, const void *conf, void **inst_r,
		    char **error_r);
};

/* The one symbol a plugin exports. */
const struct pvd_plugin *pvd_plugin_entry(void);

/* Defines pvd_plugin_entry() returning &plugin, the only symbol a plugin
 * exports: PVD_PLUGIN_EXPORT(my_plugin) */
#define PVD_PLUGIN_EXPORT(plugin) \
	__attribute__((visibility("default"))) const struct pvd_plugin *pvd_plugin_entry(void) \
	{ \
		return &(plugin); \
	}

/* The instantiate of a 1.2 plugin (which the host configures and opens):
 * only a 1.0 or 1.1 host calls it, and is told why the plugin will not
 * run there. */
static inline int pvd_plugin_instantiate_needs_1_2(const struct pvd_host *host, const char *instance,
						   const struct pvd_kv *kv, int nkv, void **inst_r,
						   char **error_r)
{
	static const char why[] = "this plugin needs a provisiond with plugin ABI 1.2 or later";
	(void)host; (void)instance; (void)kv; (void)nkv;
	*inst_r = NULL;
	*error_r = malloc(sizeof(why));
	if (*error_r != NULL)
		memcpy(*error_r, why, sizeof(why));
	return -1;
}

/* The members every 1.2 plugin's table starts with, the same in each:
 * the versions, the size, the name, and the instantiate that refuses an
 * older host (SYNOPSIS). */
#define PVD_PLUGIN_1_2(plugin_name, plugin_version) \
	.abi_major = PVD_PLUGIN_ABI_MAJOR, .abi_minor = PVD_PLUGIN_ABI_MINOR, .size = sizeof(struct pvd_plugin), \
	.name = (plugin_name), .version = (plugin_version), .instantiate = pvd_plugin_instantiate_needs_1_2

#endif
