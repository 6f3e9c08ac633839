/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	pbx.h - the parts of the pbx plugin and the backend table between them
 * DESCRIPTION
 *	pbx.c		the plugin's table: the operations, their dispatch,
 *			check, what they share (the person, code state)
 *	pbx-conf.c	the configuration rows, their checks, configure/open
 *	pbx-db.c	PostgreSQL: statements for the backends, the
 *			connection (plugins/common/pgconn.c, as db-role's),
 *			each operation's transaction
 *	pbx-secret.c	digests of SIP passwords and codes; deliver_secret
 *	pbx-extension.c	extensions: assign (the number range policy), bring
 *			up to date, enable, disable, read
 *	pbx-codes.c	call codes: issue, revoke
 *	callcode.c	calling levels, SIP passwords and call codes from
 *			getrandom(2), the trivial-code rules (no libpq, no
 *			OpenSSL: the unit test links it alone)
 *	backend-*.c	one PBX's schema: the SQL behind struct pbx_backend
 *
 *	A backend stores what pbx.c decided; it decides nothing. Every
 *	backend function runs inside the transaction pbx.c opened (BEGIN ...
 *	COMMIT/ROLLBACK are pbx.c's), returns -1 with res set on failure
 *	(FAIL, RETRY when the connection broke, CONFIG when the schema is
 *	missing), and never sees a secret: only digests and hashes.
 */
#ifndef PVD_PBX_H
#define PVD_PBX_H

#include <libpq-fe.h>
#include <stddef.h>

#include "provisiond-plugin.h"
#include "pgconn.h"

/* ---- calling levels (callcode.c) ----
 * Ordered: a level allows the calls of every level below it. The routing
 * script compares ranks (pvd_extension.level_rank, pvd_call_code.level_rank). */
#define PBX_LEVEL_MAX 4
int pbx_level_rank(const char *name);	/* 1 local .. 4 international; 0 unknown */
const char *pbx_level_name(int rank);	/* NULL outside 1..4 */
#define PBX_LEVEL_LIST "local, mobile, national, international"

/* ---- secrets (callcode.c) ---- */
#define PBX_PASSWORD_LENGTH 20
#define PBX_CODE_MIN 4
#define PBX_CODE_MAX 12
/* Alphabet of SIP passwords: letters and digits that cannot be mistaken
 * for one another when read from a mail (no 0 O o 1 l I i). */
#define PBX_PASSWORD_ALPHABET "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"

/* n uniformly random values in [0, bound) (bound <= 256) from getrandom(2),
 * by rejection sampling (no modulo bias). 0, or -1 with errno. */
int pbx_random_below(unsigned char *out, size_t n, unsigned bound);
/* PBX_PASSWORD_LENGTH characters of PBX_PASSWORD_ALPHABET into out
 * (size > PBX_PASSWORD_LENGTH). 0, or -1 with errno. */
int pbx_make_password(char *out, size_t size);
/* NULL when code (digits) is acceptable for the owner of extension (may be
 * NULL), else why not: "all one digit", "a run of consecutive digits",
 * "a repeated group of digits", "the extension", "contains the extension". */
const char *pbx_code_trivial(const char *code, const char *extension);
/* A code of digits digits (PBX_CODE_MIN..PBX_CODE_MAX), uniform over the
 * codes pbx_code_trivial() accepts, into out (size > digits).
 * 0, or -1 with errno (EINVAL: bad length; EAGAIN: no acceptable code in
 * 1000 draws, which only a degenerate extension could cause). */
int pbx_make_code(char *out, size_t size, int digits, const char *extension);

/* ---- PostgreSQL helpers for backends (pbx.c) ---- */
#define PBX_DATABASE "the PBX database"	/* in messages */
struct pbx_db {
	PGconn *conn;
	const char *schema_hint;	/* "apply .../kamailio.sql to the PBX database" */
	char sqlstate[6];		/* of the last failed statement, "" if none */
};
/* Runs a parameterized statement. On failure sets res ("<what> failed:
 * <primary message>"; RETRY when the connection broke, CONFIG when a
 * table or column is missing, with the schema hint, else FAIL), records
 * db->sqlstate and returns NULL. The caller PQclear()s the result. */
PGresult *pbx_sql(struct pbx_db *db, struct pvd_result *res, const char *what, const char *sql, int n,
		  const char *const *params);
/* pbx_sql for statements whose rows do not matter: 0 or -1. */
int pbx_sql_do(struct pbx_db *db, struct pvd_result *res, const char *what, const char *sql, int n,
	       const char *const *params);
void pbx_set(struct pvd_result *res, enum pvd_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- the backend table ---- */

/* An extension as stored, with its owner's call code. */
struct pbx_ext {
	char extension[24];
	char realm[128];
	char caller_id[256];
	char level[24];
	int enabled;
	long long password_op;		/* -1 when none recorded */
	int code_active;		/* the owner's code is enabled */
	char code_level[24];		/* of the owner's code, "" when none ever */
};

/* Digest credentials: md5("ext:realm:password"), md5("ext@realm:realm:password"). */
struct pbx_cred {
	char ha1[33];
	char ha1b[33];
	long long op_id;		/* the operation that made the password */
};

struct pbx_backend {
	const char *name;		/* the value of plugin.X.backend */
	const char *schema_file;	/* installed under $(pkgdatadir)/pbx */
	/* OK when every table and view the backend and the PBX need is
	 * there, else CONFIG naming the first one missing; msg set. */
	enum pvd_status (*check)(struct pbx_db *db, char *msg, size_t size);
	/* Keeps every other number allocation out until this transaction
	 * ends (readers, the PBX itself, are not blocked). */
	int (*lock_numbers)(struct pbx_db *db, struct pvd_result *res);
	/* The owner's extension: 1 (e filled; with lock, the row stays
	 * locked until the transaction ends), 0 none, -1 error. */
	int (*get)(struct pbx_db *db, const char *owner, int lock, struct pbx_ext *e, struct pvd_result *res);
	/* Every number from first to last (same length) that is assigned, to
	 * anyone, enabled or not, ascending; *nums_r is freed by the caller
	 * (pbx_free_list). 0 or -1. */
	int (*assigned)(struct pbx_db *db, const char *first, const char *last, char ***nums_r, int *n_r,
			struct pvd_result *res);
	/* A new extension for owner from e (extension, realm, caller_id,
	 * level, enabled) and cred. 0 or -1. */
	int (*insert)(struct pbx_db *db, const char *owner, const struct pbx_ext *e, const struct pbx_cred *cred,
		      struct pvd_result *res);
	/* caller_id, level and enabled of owner's extension from e. 0 or -1. */
	int (*update)(struct pbx_db *db, const char *owner, const struct pbx_ext *e, struct pvd_result *res);
	/* New digest credentials for owner's extension. 0 or -1. */
	int (*set_credentials)(struct pbx_db *db, const char *owner, const struct pbx_cred *cred,
			       struct pvd_result *res);
	/* Owner's call code becomes hash at level (replacing any earlier
	 * one), enabled. 0, 1 when another code already has that hash (the
	 * transaction is intact: make another code), -1 error. */
	int (*code_issue)(struct pbx_db *db, const char *owner, const char *hash, const char *level,
			  long long request_id, struct pvd_result *res);
	/* Owner's enabled call code off: 1 revoked, 0 there was none, -1. */
	int (*code_revoke)(struct pbx_db *db, const char *owner, struct pvd_result *res);
};

extern const struct pbx_backend pbx_backend_kamailio;

void pbx_free_list(char **list, int n);

/* ---- the plugin's own parts, between its files ---- */

struct pbx_level_rule {
	int position;		/* 1: level.position.<match>, 0: level.unit.<match> */
	char *match;
	int rank;
};

/* The instance's configuration: the rows' (pbx-conf.c), then what
 * pbx_configure made of them. */
struct pbx_conf {
	char *backend, *conninfo, *realm, *range, *level;
	struct pvd_conf_list level_lines;	/* level.unit.<unit>, level.position.<position> */
	int code_length;
	char *pepper_file;

	const struct pbx_backend *be;
	char first[16], last[16];	/* the range, as written */
	unsigned long long lo, hi;
	int default_rank;
	struct pbx_level_rule *rules;
	int nrules;
	char *pepper;			/* wiped by pbx_unconfigure */
	char hint[400];			/* what to do when the tables are missing */
};

/* One thread's handle: the instance's configuration and a connection. */
struct pbx_inst {
	const struct pvd_host *host;
	char *name;
	const struct pbx_conf *cf;
	struct pbx_db db;
};

/* pbx-conf.c: the rows and the plugin's configure, unconfigure, open, detach */
extern const struct pvd_conf_row pbx_conf_rows[];
int pbx_configure(const struct pvd_host *host, const char *instance, void *conf, const int *lines, char **error_r);
void pbx_unconfigure(void *conf);
int pbx_open(const struct pvd_host *host, const char *instance, const void *conf, void **inst_r, char **error_r);
void pbx_detach(void *inst);

/* pbx-db.c. Connects (or keeps the connection; never inherits a half
 * transaction): 0, or -1 with res RETRY. */
int pbx_connect(struct pbx_inst *in, struct pvd_result *res);
void pbx_rollback(struct pbx_inst *in);
/* COMMIT: 0, or -1 with res set and the transaction rolled back. */
int pbx_commit(struct pbx_inst *in, struct pvd_result *res);
/* A failed step: the transaction goes back, the after state is dropped;
 * returns res->status. */
enum pvd_status pbx_undo(struct pbx_inst *in, struct pvd_result *res);
/* Connects, opens the operation's transaction (not in a dry run;
 * lock_numbers also takes the number-range lock) and reads the owner's
 * extension, locked. 1 found, 0 none (transaction still open), -1 failed
 * (res set, undone). */
int pbx_load_owner(struct pbx_inst *in, const struct pvd_op *op, const char *owner, int lock_numbers,
		   struct pbx_ext *have, struct pvd_result *res);

/* pbx-secret.c */
int pbx_make_cred(struct pbx_inst *in, const char *ext, const char *pw, long long op_id, struct pbx_cred *c);
/* lower-case hex SHA-256 of "<pepper>:<code>": 0 or -1 */
int pbx_code_hash(struct pbx_inst *in, const char *code, char *out, size_t size);
/* A new password for extension e: digests into cred, the password into
 * pw. 0, or -1 with res (nothing is changed). */
int pbx_new_password(struct pbx_inst *in, const struct pvd_op *op, const struct pbx_ext *e, struct pbx_cred *cred,
		     char *pw, size_t size, struct pvd_result *res);
/* host->deliver_secret: 0, or -1 with res FAIL ("...; nothing was changed"). */
int pbx_deliver(struct pbx_inst *in, const struct pvd_op *op, const char *what, const char *secret,
		const char *note, struct pvd_result *res);

/* pbx.c */
const char *pbx_str(json_t *o, const char *k);	/* "" when absent */
/* The person's employee_number (an extension's owner), or NULL with res FAIL. */
const char *pbx_owner_of(const struct pvd_op *op, struct pvd_result *res);
/* {"active": true, "level": "national"} or {"active": false}: never the hash */
json_t *pbx_code_shown(const struct pbx_ext *e);

/* pbx-extension.c: the intents create/update, disable/enable and read */
enum pvd_status pbx_apply_person(struct pbx_inst *in, const struct pvd_op *op, struct pvd_result *res);
enum pvd_status pbx_set_enabled(struct pbx_inst *in, const struct pvd_op *op, int on, struct pvd_result *res);
enum pvd_status pbx_read(struct pbx_inst *in, const struct pvd_op *op, struct pvd_result *res);

/* pbx-codes.c: the intent call_code */
enum pvd_status pbx_call_code(struct pbx_inst *in, const struct pvd_op *op, struct pvd_result *res);

#endif
