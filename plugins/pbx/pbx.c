/*
 * NAME
 *	pbx - IP-PBX extensions and call codes (UIT-PR01), Kamailio backend
 * SYNOPSIS
 *	plugin.pbx.library = pbx
 *	plugin.pbx.call_codes = yes
 *	plugin.pbx.after = mail
 *	plugin.pbx.backend = kamailio
 *	plugin.pbx.conninfo = host=pbx.example.org dbname=pbx user=provisioner
 *	plugin.pbx.realm = pbx.example.org
 *	plugin.pbx.range = 2000-2999
 *	plugin.pbx.level = local
 *	plugin.pbx.level.unit.tributaria = mobile
 *	plugin.pbx.level.position.jefe-tributaria = national
 *	plugin.pbx.code_length = 6
 *	plugin.pbx.code_pepper_file = /etc/provisiond/pbx-pepper
 * DESCRIPTION
 *	A hired person gets the lowest free number of the range, for good:
 *	the number stays theirs when they leave (disabled) and comes back,
 *	with the same credentials, when they are hired again; it is never
 *	given to anybody else. The SIP password is made here (getrandom),
 *	stored only as the digest hashes Kamailio checks (ha1, ha1b) and
 *	handed to host->deliver_secret, which mails it to the person.
 *
 *	The calling level (local < mobile < national < international) comes
 *	from the rules: level.position.<position>, else level.unit.<unit>,
 *	else level. A call code (intent call_code, UIT-PR01) lifts one
 *	person to a higher level when they dial it: "*<code>*<number>". The
 *	code is random digits, never trivial (callcode.c), stored only as the
 *	SHA-256 of "<pepper>:<code>", and mailed through deliver_secret.
 *
 *	create/update	assign an extension, or bring caller id and level up
 *			to date (create also enables it again: a rehire)
 *	disable		extension and its call code off
 *	enable		extension on (a revoked code stays revoked)
 *	read		the extension and whether a code is active
 *	call_code	params {"call_code":{"action":"issue","level":L}} or
 *			{"call_code":{"action":"revoke"}}
 *
 *	Each operation is one transaction; a secret is handed over before
 *	COMMIT, and when the host cannot take it (the person has no mail
 *	address) the transaction is rolled back: nothing changes and the
 *	operation FAILs. A secret never goes into a message, a result, a log
 *	line or the database.
 *
 *	The PBX's schema is a backend's business (pbx.h, struct pbx_backend;
 *	backend-kamailio.c): this file decides, the backend stores.
 * DIAGNOSTICS
 *	RETRY when the database cannot be reached; CONFIG when its tables are
 *	missing (naming the file to apply) or the host is too old to deliver
 *	secrets; FAIL for what the request cannot have (no enabled extension
 *	for a code, an unknown level, the range exhausted).
 */
#include "config.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pbx.h"

#define EXPORT __attribute__((visibility("default")))

#ifndef PBX_SQL_DIR
#define PBX_SQL_DIR "/usr/share/provisiond/pbx"
#endif

/* draws of a call code before giving up on finding one no other code has */
#define CODE_TRIES 20

static const struct pbx_backend *const backends[] = { &pbx_backend_kamailio };

struct level_rule {
	int position;		/* 1: level.position.<match>, 0: level.unit.<match> */
	char *match;
	int rank;
};

struct inst {
	const struct pvd_host *host;
	char *name;
	const struct pbx_backend *be;
	char *conninfo;
	char *realm;
	char first[16], last[16];	/* the range, as written */
	unsigned long long lo, hi;
	int default_rank;
	struct level_rule *rules;
	int nrules;
	int code_length;
	char *pepper;
	int can_deliver;		/* the host has deliver_secret (ABI 1.1) */
	char hint[400];			/* what to do when the tables are missing */
	struct pbx_db db;
};

/* ---- helpers shared with the backends ---- */

void pbx_set(struct pvd_result *res, enum pvd_status st, const char *fmt, ...)
{
	va_list ap;
	res->status = st;
	va_start(ap, fmt);
	vsnprintf(res->message, sizeof(res->message), fmt, ap);
	va_end(ap);
}

PGresult *pbx_sql(struct pbx_db *db, struct pvd_result *res, const char *what, const char *sql, int n,
		  const char *const *params)
{
	db->sqlstate[0] = '\0';
	PGresult *r = PQexecParams(db->conn, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(r);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return r;
	/* the primary message only: DETAIL may quote a row, digests included */
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char m[400];
	snprintf(m, sizeof(m), "%s", primary ? primary : PQerrorMessage(db->conn));
	m[strcspn(m, "\n")] = '\0';
	snprintf(db->sqlstate, sizeof(db->sqlstate), "%s", state ? state : "");
	if (PQstatus(db->conn) != CONNECTION_OK || state == NULL || strncmp(state, "08", 2) == 0 ||
	    strncmp(state, "40", 2) == 0 || strncmp(state, "53", 2) == 0 || strncmp(state, "57", 2) == 0)
		pbx_set(res, PVD_RETRY, "%s failed: %s", what, m);	/* connection, deadlock, shutdown */
	else if (strcmp(state, "42P01") == 0 || strcmp(state, "42703") == 0)
		pbx_set(res, PVD_CONFIG, "%s failed: %s: %s", what, m, db->schema_hint);
	else
		pbx_set(res, PVD_FAIL, "%s failed: %s", what, m);
	PQclear(r);
	return NULL;
}

int pbx_sql_do(struct pbx_db *db, struct pvd_result *res, const char *what, const char *sql, int n,
	       const char *const *params)
{
	PGresult *r = pbx_sql(db, res, what, sql, n, params);
	if (r == NULL)
		return -1;
	PQclear(r);
	return 0;
}

void pbx_free_list(char **list, int n)
{
	for (int i = 0; list != NULL && i < n; i++)
		free(list[i]);
	free(list);
}

/* ---- configuration ---- */

static char *dupstr(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (p == NULL)
		abort();
	memcpy(p, s, n);
	return p;
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, f);
	vsnprintf(buf, sizeof(buf), f, ap);
	va_end(ap);
	return dupstr(buf);
}

static void free_inst(struct inst *in)
{
	if (in == NULL)
		return;
	if (in->db.conn != NULL)
		PQfinish(in->db.conn);
	for (int i = 0; i < in->nrules; i++)
		free(in->rules[i].match);
	free(in->rules);
	if (in->pepper != NULL) {
		explicit_bzero(in->pepper, strlen(in->pepper));
		free(in->pepper);
	}
	free(in->conninfo);
	free(in->realm);
	free(in->name);
	free(in);
}

static int all_digits(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* "2000-2999": digits, the same length (1..15), start <= end; NULL or why not */
static const char *parse_range(struct inst *in, const char *v)
{
	const char *dash = strchr(v, '-');
	if (dash == NULL)
		return "is not START-END (e.g. 2000-2999)";
	size_t a = (size_t)(dash - v), b = strlen(dash + 1);
	if (!all_digits(v, a) || !all_digits(dash + 1, b))
		return "START and END must be digits only (e.g. 2000-2999)";
	if (a != b)
		return "START and END must have the same number of digits";
	if (a > 15)
		return "numbers of more than 15 digits are not extensions";
	memcpy(in->first, v, a);
	in->first[a] = '\0';
	memcpy(in->last, dash + 1, b);
	in->last[b] = '\0';
	in->lo = strtoull(in->first, NULL, 10);
	in->hi = strtoull(in->last, NULL, 10);
	if (in->lo > in->hi)
		return "START is after END";
	return NULL;
}

static int parse_level(const char *v, int *rank_r)
{
	*rank_r = pbx_level_rank(v);
	return *rank_r > 0 ? 0 : -1;
}

/* The pepper is written into kamailio.cfg as a string: keep it to
 * characters that need no quoting there (hex or base64 do). */
static const char *check_pepper(const char *p)
{
	size_t n = strlen(p);
	if (n == 0)
		return "is empty";
	if (n < 16)
		return "is shorter than 16 characters (make one with: openssl rand -hex 32)";
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || strchr("+/=_-.", c)))
			return "may hold only letters, digits and + / = _ - . (it is copied into the routing script)";
	}
	return NULL;
}

static int valid_realm(const char *r)
{
	size_t n = strlen(r);
	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = r[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '-'))
			return 0;
	}
	return 1;
}

static int instantiate(const struct pvd_host *host, const char *instance, const struct pvd_kv *kv, int nkv,
		       void **inst_r, char **error_r)
{
	struct inst *in = calloc(1, sizeof(*in));
	if (in == NULL)
		abort();
	in->host = host;
	in->name = dupstr(instance);
	in->default_rank = 1;
	in->code_length = 6;
	in->can_deliver = host->size >= offsetof(struct pvd_host, deliver_secret) + sizeof(void *) &&
			  host->deliver_secret != NULL;
	const char *why = NULL;
	char *error = NULL;
	int pepper_line = 0;
	const char *pepper_file = NULL;
	for (int i = 0; i < nkv && error == NULL; i++) {
		const char *k = kv[i].key, *v = kv[i].value;
		int rank;
		if (strcmp(k, "backend") == 0) {
			in->be = NULL;
			for (size_t b = 0; b < sizeof(backends) / sizeof(backends[0]); b++)
				if (strcmp(v, backends[b]->name) == 0)
					in->be = backends[b];
			if (in->be == NULL)
				error = fmt("plugin key 'backend' (line %d): '%s' is not a pbx backend (kamailio)",
					       kv[i].line, v);
		} else if (strcmp(k, "conninfo") == 0) {
			free(in->conninfo);
			in->conninfo = dupstr(v);
		} else if (strcmp(k, "realm") == 0) {
			if (!valid_realm(v))
				error = fmt("plugin key 'realm' (line %d): '%s' is not a SIP domain "
					       "(letters, digits, dots and hyphens, at most 64)", kv[i].line, v);
			free(in->realm);
			in->realm = dupstr(v);
		} else if (strcmp(k, "range") == 0) {
			if ((why = parse_range(in, v)) != NULL)
				error = fmt("plugin key 'range' (line %d): '%s' %s", kv[i].line, v, why);
		} else if (strcmp(k, "level") == 0) {
			if (parse_level(v, &in->default_rank) < 0)
				error = fmt("plugin key 'level' (line %d): '%s' is not a calling level (%s)",
					       kv[i].line, v, PBX_LEVEL_LIST);
		} else if ((strncmp(k, "level.unit.", 11) == 0 && k[11]) ||
			   (strncmp(k, "level.position.", 15) == 0 && k[15])) {
			if (parse_level(v, &rank) < 0) {
				error = fmt("plugin key '%s' (line %d): '%s' is not a calling level (%s)", k,
					       kv[i].line, v, PBX_LEVEL_LIST);
				break;
			}
			struct level_rule *r = realloc(in->rules, sizeof(*r) * (size_t)(in->nrules + 1));
			if (r == NULL)
				abort();
			in->rules = r;
			int pos = k[6] == 'p';
			in->rules[in->nrules].position = pos;
			in->rules[in->nrules].match = dupstr(k + (pos ? 15 : 11));
			in->rules[in->nrules].rank = rank;
			in->nrules++;
		} else if (strcmp(k, "code_length") == 0) {
			char *end = NULL;
			long n = strtol(v, &end, 10);
			if (end == v || *end != '\0' || n < PBX_CODE_MIN || n > PBX_CODE_MAX)
				error = fmt("plugin key 'code_length' (line %d): '%s' is not a number from %d to %d",
					       kv[i].line, v, PBX_CODE_MIN, PBX_CODE_MAX);
			in->code_length = (int)n;
		} else if (strcmp(k, "code_pepper_file") == 0) {
			pepper_file = v;
			pepper_line = kv[i].line;
		} else {
			error = fmt("plugin key '%s' (line %d) is not known to pbx (backend, conninfo, realm, range, level, "
				       "level.unit.<unit>, level.position.<position>, code_length, code_pepper_file)",
				       k, kv[i].line);
		}
	}
	if (error == NULL) {
		if (in->be == NULL)
			error = dupstr("plugin key 'backend' is required: kamailio");
		else if (in->conninfo == NULL || in->conninfo[0] == '\0')
			error = dupstr("plugin key 'conninfo' is required: the libpq string of the PBX's database");
		else if (in->realm == NULL)
			error = dupstr("plugin key 'realm' is required: the SIP domain of the extensions (pbx.example.org)");
		else if (in->first[0] == '\0')
			error = dupstr("plugin key 'range' is required: the extension numbers to give, e.g. 2000-2999");
		else if (pepper_file == NULL)
			error = dupstr("plugin key 'code_pepper_file' is required: a file holding the secret that "
					  "call codes are hashed with (the routing script has the same)");
	}
	if (error == NULL) {
		char *err = NULL;
		in->pepper = host->read_secret_file(pepper_file, &err);
		if (in->pepper == NULL) {
			error = fmt("plugin key 'code_pepper_file' (line %d): %s", pepper_line, err ? err : "unreadable");
			free(err);
		} else if ((why = check_pepper(in->pepper)) != NULL) {
			error = fmt("plugin key 'code_pepper_file' (line %d): the pepper in %s %s", pepper_line,
				       pepper_file, why);
		}
	}
	if (error != NULL) {
		*error_r = error;
		free_inst(in);
		return -1;
	}
	snprintf(in->hint, sizeof(in->hint), "apply %s/%s to the PBX database (after Kamailio's standard-create.sql "
		 "and usrloc-create.sql)", PBX_SQL_DIR, in->be->schema_file);
	in->db.schema_hint = in->hint;
	*inst_r = in;
	return 0;
}

static void detach(void *p) { free_inst(p); }

/* ---- connection and transactions ---- */

static int connect_db(struct inst *in, struct pvd_result *res)
{
	if (in->db.conn != NULL && PQstatus(in->db.conn) == CONNECTION_OK) {
		if (PQtransactionStatus(in->db.conn) != PQTRANS_IDLE)
			PQclear(PQexec(in->db.conn, "ROLLBACK"));	/* never inherit a half transaction */
		return 0;
	}
	if (in->db.conn != NULL)
		PQfinish(in->db.conn);
	in->db.conn = PQconnectdb(in->conninfo);
	if (PQstatus(in->db.conn) != CONNECTION_OK) {
		char m[512];
		snprintf(m, sizeof(m), "%s", PQerrorMessage(in->db.conn));
		m[strcspn(m, "\n")] = '\0';
		pbx_set(res, PVD_RETRY, "connect to the PBX database failed: %s", m);
		PQfinish(in->db.conn);
		in->db.conn = NULL;
		return -1;
	}
	return 0;
}

static int begin(struct inst *in, struct pvd_result *res)
{
	return pbx_sql_do(&in->db, res, "BEGIN", "BEGIN", 0, NULL);
}

static void rollback(struct inst *in)
{
	if (in->db.conn != NULL && PQstatus(in->db.conn) == CONNECTION_OK &&
	    PQtransactionStatus(in->db.conn) != PQTRANS_IDLE)
		PQclear(PQexec(in->db.conn, "ROLLBACK"));
}

static int commit(struct inst *in, struct pvd_result *res)
{
	struct pvd_result c;
	memset(&c, 0, sizeof(c));
	if (pbx_sql_do(&in->db, &c, "COMMIT", "COMMIT", 0, NULL) < 0) {
		res->status = c.status;
		memcpy(res->message, c.message, sizeof(res->message));
		rollback(in);
		return -1;
	}
	return 0;
}

/* A failed step: the transaction goes back, the after state is dropped. */
static enum pvd_status undo(struct inst *in, struct pvd_result *res)
{
	rollback(in);
	json_decref(res->after);
	res->after = NULL;
	return res->status;
}

/* Connects, opens the operation's transaction (not in a dry run; lock_numbers
 * also takes the number-range lock) and reads the owner's extension, locked.
 * 1 found, 0 none (transaction still open), -1 failed (res set, undone). */
static int load_owner(struct inst *in, const struct pvd_op *op, const char *owner, int lock_numbers,
		      struct pbx_ext *have, struct pvd_result *res)
{
	if (connect_db(in, res) < 0)
		return -1;
	if (!op->dry_run && (begin(in, res) < 0 || (lock_numbers && in->be->lock_numbers(&in->db, res) < 0))) {
		undo(in, res);
		return -1;
	}
	int found = in->be->get(&in->db, owner, !op->dry_run, have, res);
	if (found < 0)
		undo(in, res);
	return found;
}

/* ---- digests ---- */

static int digest_hex(const EVP_MD *md, const char *data, size_t len, char *out, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned dl = 0;
	if (EVP_Digest(data, len, d, &dl, md, NULL) != 1 || size < (size_t)dl * 2 + 1)
		return -1;
	for (unsigned i = 0; i < dl; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[2 * dl] = '\0';
	return 0;
}

/* ha1 = md5(ext:realm:pw), ha1b = md5(ext@realm:realm:pw), as auth_db has them */
static int make_cred(struct inst *in, const char *ext, const char *pw, long long op_id, struct pbx_cred *c)
{
	char buf[512];
	int n1 = snprintf(buf, sizeof(buf), "%s:%s:%s", ext, in->realm, pw);
	int ok = n1 > 0 && (size_t)n1 < sizeof(buf) && digest_hex(EVP_md5(), buf, (size_t)n1, c->ha1, sizeof(c->ha1)) == 0;
	int n2 = snprintf(buf, sizeof(buf), "%s@%s:%s:%s", ext, in->realm, in->realm, pw);
	ok = ok && n2 > 0 && (size_t)n2 < sizeof(buf) &&
	     digest_hex(EVP_md5(), buf, (size_t)n2, c->ha1b, sizeof(c->ha1b)) == 0;
	explicit_bzero(buf, sizeof(buf));
	c->op_id = op_id;
	return ok ? 0 : -1;
}

/* lower-case hex SHA-256 of "<pepper>:<code>" */
static int code_hash(struct inst *in, const char *code, char *out, size_t size)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf), "%s:%s", in->pepper, code);
	int ok = n > 0 && (size_t)n < sizeof(buf) && digest_hex(EVP_sha256(), buf, (size_t)n, out, size) == 0;
	explicit_bzero(buf, sizeof(buf));
	return ok ? 0 : -1;
}

/* ---- the person ---- */

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static const char *owner_of(const struct pvd_op *op, struct pvd_result *res)
{
	const char *emp = str(op->person, "employee_number");
	if (emp[0] == '\0') {
		pbx_set(res, PVD_FAIL, "the person has no employee_number: an extension's owner is one");
		return NULL;
	}
	return emp;
}

/* "Given Family", cut at a character boundary to fit */
static void caller_id(json_t *person, char *out, size_t size)
{
	const char *given = str(person, "given_names"), *family = str(person, "family_names");
	snprintf(out, size, "%s%s%s", given, given[0] && family[0] ? " " : "", family);
	size_t n = strlen(out);
	if (n == size - 1) {
		/* cut: the last multi-byte character may be incomplete; it goes entirely */
		while (n > 0 && ((unsigned char)out[n - 1] & 0xC0) == 0x80)
			n--;
		if (n > 0 && ((unsigned char)out[n - 1] & 0x80))
			n--;
		out[n] = '\0';
	}
}

/* position's rule, else unit's, else the default */
static int person_rank(struct inst *in, json_t *person)
{
	const char *unit = str(person, "unit"), *pos = str(person, "position");
	int by_unit = 0, by_pos = 0;
	for (int i = 0; i < in->nrules; i++) {
		struct level_rule *r = &in->rules[i];
		if (r->position && strcmp(r->match, pos) == 0)
			by_pos = r->rank;
		else if (!r->position && strcmp(r->match, unit) == 0)
			by_unit = r->rank;
	}
	return by_pos ? by_pos : by_unit ? by_unit : in->default_rank;
}

/* {"active": true, "level": "national"} or {"active": false}: never the hash */
static json_t *code_shown(const struct pbx_ext *e)
{
	json_t *o = json_pack("{s:b}", "active", e->code_active);
	if (e->code_active)
		json_object_set_new(o, "level", json_string(e->code_level));
	return o;
}

static json_t *shown(const struct pbx_ext *e, int with_code)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b}", "extension", e->extension, "realm", e->realm, "caller_id",
			      e->caller_id, "level", e->level, "enabled", e->enabled);
	if (with_code)
		json_object_set_new(o, "call_code", code_shown(e));
	return o;
}

/* ---- operations ---- */

static enum pvd_status no_deliver(struct pvd_result *res)
{
	pbx_set(res, PVD_CONFIG, "this provisiond cannot deliver secrets (plugin host without deliver_secret, "
		"ABI 1.1): the pbx plugin needs a newer provisiond");
	return res->status;
}

/* The lowest number of the range nobody has: 0 and *out, or -1 (res). */
static int allocate(struct inst *in, char *out, size_t size, struct pvd_result *res)
{
	char **nums = NULL;
	int n = 0;
	if (in->be->assigned(&in->db, in->first, in->last, &nums, &n, res) < 0)
		return -1;
	unsigned long long next = in->lo;
	for (int i = 0; i < n; i++) {
		unsigned long long v = strtoull(nums[i], NULL, 10);
		if (v == next)
			next++;
		else if (v > next)
			break;
	}
	pbx_free_list(nums, n);
	if (next > in->hi) {
		pbx_set(res, PVD_FAIL, "extension range %s-%s exhausted: all %llu numbers are assigned", in->first,
			in->last, in->hi - in->lo + 1);
		return -1;
	}
	snprintf(out, size, "%0*llu", (int)strlen(in->first), next);
	return 0;
}

/* A new password for extension e: digests into cred, the password to the
 * host. 0, or -1 with res (nothing is changed by this function). */
static int new_password(struct inst *in, const struct pvd_op *op, const struct pbx_ext *e, struct pbx_cred *cred,
			char *pw, size_t size, struct pvd_result *res)
{
	if (pbx_make_password(pw, size) < 0) {
		pbx_set(res, PVD_RETRY, "making a SIP password failed: getrandom: %s", strerror(errno));
		return -1;
	}
	if (make_cred(in, e->extension, pw, op->id, cred) < 0) {
		pbx_set(res, PVD_FAIL, "computing the digest credentials of extension %s failed (OpenSSL MD5)",
			e->extension);
		return -1;
	}
	return 0;
}

static int deliver(struct inst *in, const struct pvd_op *op, const char *what, const char *secret, const char *note,
		   struct pvd_result *res)
{
	char *err = NULL;
	if (in->host->deliver_secret(op, what, secret, note, &err) < 0) {
		pbx_set(res, PVD_FAIL, "%s; nothing was changed", err ? err : "deliver_secret failed");
		free(err);
		return -1;
	}
	return 0;
}

static enum pvd_status assign(struct inst *in, const struct pvd_op *op, const char *owner, struct pbx_ext *want,
			      struct pvd_result *res)
{
	char pw[PBX_PASSWORD_LENGTH + 1], note[300];
	struct pbx_cred cred;
	if (allocate(in, want->extension, sizeof(want->extension), res) < 0)
		return undo(in, res);
	snprintf(res->object, sizeof(res->object), "%s", want->extension);
	want->enabled = 1;
	if (new_password(in, op, want, &cred, pw, sizeof(pw), res) < 0)
		return undo(in, res);
	snprintf(note, sizeof(note), "Extension %s (sip:%s@%s), calling level %s", want->extension, want->extension,
		 in->realm, want->level);
	int ok = in->be->insert(&in->db, owner, want, &cred, res) == 0 &&
		 deliver(in, op, "sip_password", pw, note, res) == 0;
	explicit_bzero(pw, sizeof(pw));
	explicit_bzero(&cred, sizeof(cred));
	if (!ok || commit(in, res) < 0)
		return undo(in, res);
	res->after = shown(want, 0);
	pbx_set(res, PVD_OK, "extension %s assigned to %s (sip:%s@%s), calling level %s; the SIP password goes to "
		"the person by mail", want->extension, owner, want->extension, in->realm, want->level);
	return PVD_OK;
}

static enum pvd_status apply_person(struct inst *in, const struct pvd_op *op, struct pvd_result *res)
{
	const char *owner = owner_of(op, res);
	if (owner == NULL)
		return res->status;
	int create = strcmp(op->intent, "create") == 0;
	int person_disabled = strcmp(str(op->person, "status"), "disabled") == 0;
	struct pbx_ext want, have;
	memset(&want, 0, sizeof(want));
	caller_id(op->person, want.caller_id, sizeof(want.caller_id));
	snprintf(want.level, sizeof(want.level), "%s", pbx_level_name(person_rank(in, op->person)));
	snprintf(want.realm, sizeof(want.realm), "%s", in->realm);
	int found = load_owner(in, op, owner, 1, &have, res);
	if (found < 0)
		return res->status;
	if (!found) {
		if (!create && person_disabled) {
			rollback(in);
			pbx_set(res, PVD_NOOP, "%s has no extension and is disabled: none assigned", owner);
			return res->status;
		}
		if (!in->can_deliver) {
			rollback(in);
			return no_deliver(res);
		}
		if (op->dry_run) {
			if (allocate(in, want.extension, sizeof(want.extension), res) < 0)
				return res->status;
			snprintf(res->object, sizeof(res->object), "%s", want.extension);
			want.enabled = 1;
			res->after = shown(&want, 0);
			pbx_set(res, PVD_OK, "would assign extension %s to %s (the lowest free number of %s-%s), calling "
				"level %s", want.extension, owner, in->first, in->last, want.level);
			return res->status;
		}
		return assign(in, op, owner, &want, res);
	}

	/* the owner has an extension: keep number and credentials */
	snprintf(res->object, sizeof(res->object), "%s", have.extension);
	struct pbx_ext next = have;
	memcpy(next.caller_id, want.caller_id, sizeof(next.caller_id));
	memcpy(next.level, want.level, sizeof(next.level));
	if (create)
		next.enabled = 1;
	int cid = strcmp(have.caller_id, next.caller_id) != 0, lvl = strcmp(have.level, next.level) != 0;
	int en = have.enabled != next.enabled;
	/* delivered again after a crash that lost the record of this very
	 * operation: its password was never mailed, so make a new one */
	int redeliver = op->attempt > 1 && have.password_op == op->id && in->can_deliver;
	res->before = shown(&have, 0);
	res->after = shown(&next, 0);
	if (!cid && !lvl && !en && !redeliver) {
		rollback(in);
		pbx_set(res, PVD_NOOP, "extension %s of %s already as it should be", have.extension, owner);
		return res->status;
	}
	char changes[200];
	snprintf(changes, sizeof(changes), "%s%s%.24s%s%.24s%s%s", cid ? ", caller id" : "", lvl ? ", level " : "",
		 lvl ? have.level : "", lvl ? " -> " : "", lvl ? next.level : "", en ? ", enabled again" : "",
		 redeliver ? ", new SIP password (redelivered operation)" : "");
	if (op->dry_run) {
		pbx_set(res, PVD_OK, "would change extension %s of %s: %s", have.extension, owner, changes + 2);
		return res->status;
	}
	if ((cid || lvl || en) && in->be->update(&in->db, owner, &next, res) < 0)
		return undo(in, res);
	if (redeliver) {
		char pw[PBX_PASSWORD_LENGTH + 1], note[300];
		struct pbx_cred cred;
		if (new_password(in, op, &next, &cred, pw, sizeof(pw), res) < 0)
			return undo(in, res);
		snprintf(note, sizeof(note), "Extension %s (sip:%s@%s), calling level %s", next.extension,
			 next.extension, next.realm, next.level);
		int ok = in->be->set_credentials(&in->db, owner, &cred, res) == 0 &&
			 deliver(in, op, "sip_password", pw, note, res) == 0;
		explicit_bzero(pw, sizeof(pw));
		explicit_bzero(&cred, sizeof(cred));
		if (!ok)
			return undo(in, res);
	}
	if (commit(in, res) < 0)
		return undo(in, res);
	pbx_set(res, PVD_OK, "extension %s of %s changed: %s", have.extension, owner, changes + 2);
	return PVD_OK;
}

static enum pvd_status code_issue(struct inst *in, const struct pvd_op *op, const char *owner, const char *level,
				  struct pvd_result *res)
{
	if (pbx_level_rank(level) == 0) {
		pbx_set(res, PVD_FAIL, "'%s' is not a calling level for a call code (%s)", level, PBX_LEVEL_LIST);
		return res->status;
	}
	if (!in->can_deliver)
		return no_deliver(res);
	struct pbx_ext have;
	int found = load_owner(in, op, owner, 0, &have, res);
	if (found < 0)
		return res->status;
	if (!found || !have.enabled) {
		rollback(in);
		pbx_set(res, PVD_FAIL, "%s has no enabled extension: a call code needs one", owner);
		return res->status;
	}
	snprintf(res->object, sizeof(res->object), "%s", have.extension);
	res->before = code_shown(&have);
	json_object_set_new(res->before, "extension", json_string(have.extension));
	res->after = json_pack("{s:s, s:s, s:b}", "extension", have.extension, "level", level, "issued", 1);
	if (op->dry_run) {
		pbx_set(res, PVD_OK, "would issue a call code at level %s for extension %s of %s%s", level,
			have.extension, owner, have.code_active ? ", replacing the active one" : "");
		return res->status;
	}
	char code[PBX_CODE_MAX + 1], hash[65], note[300];
	int r = 1, tries = 0;
	for (; r == 1 && tries < CODE_TRIES; tries++) {
		if (pbx_make_code(code, sizeof(code), in->code_length, have.extension) < 0) {
			pbx_set(res, PVD_RETRY, "making a call code failed: %s", strerror(errno));
			return undo(in, res);
		}
		if (code_hash(in, code, hash, sizeof(hash)) < 0) {
			explicit_bzero(code, sizeof(code));
			pbx_set(res, PVD_FAIL, "hashing the call code failed (OpenSSL SHA-256)");
			return undo(in, res);
		}
		r = in->be->code_issue(&in->db, owner, hash, level, op->request_id, res);
	}
	if (r != 0) {
		explicit_bzero(code, sizeof(code));
		if (r == 1)
			pbx_set(res, PVD_FAIL, "no unused call code found in %d draws: code_length %d is too short for "
				"the codes in use", CODE_TRIES, in->code_length);
		return undo(in, res);
	}
	if (tries > 1)
		in->host->log(PVD_LOG_INFO, in->name, "call code for %s: %d draws collided with codes in use", owner,
			      tries - 1);
	snprintf(note, sizeof(note), "Calling level %s, from extension %s or any other: dial *<code>*<number>, "
		 "e.g. *<code>*71234567; this code replaces any earlier one", level, have.extension);
	int ok = deliver(in, op, "call_code", code, note, res) == 0;
	explicit_bzero(code, sizeof(code));
	explicit_bzero(hash, sizeof(hash));
	if (!ok || commit(in, res) < 0)
		return undo(in, res);
	pbx_set(res, PVD_OK, "call code issued for extension %s of %s at level %s%s; it goes to the person by mail",
		have.extension, owner, level, have.code_active ? " (the earlier code no longer works)" : "");
	return PVD_OK;
}

static enum pvd_status code_revoke(struct inst *in, const struct pvd_op *op, const char *owner,
				   struct pvd_result *res)
{
	struct pbx_ext have;
	int found = load_owner(in, op, owner, 0, &have, res);
	if (found < 0)
		return res->status;
	if (!found || !have.code_active) {
		rollback(in);
		if (found)
			snprintf(res->object, sizeof(res->object), "%s", have.extension);
		pbx_set(res, PVD_NOOP, "%s has no active call code", owner);
		return res->status;
	}
	snprintf(res->object, sizeof(res->object), "%s", have.extension);
	res->before = json_pack("{s:s, s:b, s:s}", "extension", have.extension, "active", 1, "level", have.code_level);
	res->after = json_pack("{s:s, s:b}", "extension", have.extension, "active", 0);
	if (op->dry_run) {
		pbx_set(res, PVD_OK, "would revoke the call code (level %s) of %s", have.code_level, owner);
		return res->status;
	}
	int r = in->be->code_revoke(&in->db, owner, res);
	if (r < 0 || commit(in, res) < 0)
		return undo(in, res);
	pbx_set(res, PVD_OK, "call code (level %s) of %s revoked", have.code_level, owner);
	return PVD_OK;
}

static enum pvd_status call_code(struct inst *in, const struct pvd_op *op, struct pvd_result *res)
{
	const char *owner = owner_of(op, res);
	if (owner == NULL)
		return res->status;
	json_t *cc = op->params ? json_object_get(op->params, "call_code") : NULL;
	const char *action = json_string_value(json_object_get(cc, "action"));
	if (action == NULL) {
		pbx_set(res, PVD_FAIL, "params.call_code.action is missing: issue or revoke");
		return res->status;
	}
	if (strcmp(action, "issue") == 0) {
		const char *level = json_string_value(json_object_get(cc, "level"));
		if (level == NULL) {
			pbx_set(res, PVD_FAIL, "params.call_code.level is missing: the calling level of the code (%s)",
				PBX_LEVEL_LIST);
			return res->status;
		}
		return code_issue(in, op, owner, level, res);
	}
	if (strcmp(action, "revoke") == 0)
		return code_revoke(in, op, owner, res);
	pbx_set(res, PVD_FAIL, "params.call_code.action '%s' is not issue or revoke", action);
	return res->status;
}

static enum pvd_status op_apply(void *p, const struct pvd_op *op, struct pvd_result *res)
{
	memset(res, 0, sizeof(*res));
	if (strcmp(op->intent, "call_code") == 0)
		return call_code(p, op, res);
	return apply_person(p, op, res);
}

static enum pvd_status set_enabled(struct inst *in, const struct pvd_op *op, int on, struct pvd_result *res)
{
	memset(res, 0, sizeof(*res));
	const char *owner = owner_of(op, res);
	if (owner == NULL)
		return res->status;
	struct pbx_ext have;
	int found = load_owner(in, op, owner, 0, &have, res);
	if (found < 0)
		return res->status;
	if (!found) {
		rollback(in);
		pbx_set(res, PVD_NOTFOUND, "%s has no extension", owner);
		return res->status;
	}
	snprintf(res->object, sizeof(res->object), "%s", have.extension);
	struct pbx_ext next = have;
	next.enabled = on;
	if (!on)
		next.code_active = 0;	/* an exit takes the code too; enable gives it not back */
	int change = next.enabled != have.enabled, revoke = have.code_active && !next.code_active;
	res->before = shown(&have, 1);
	res->after = shown(&next, 1);
	if (!change && !revoke) {
		rollback(in);
		pbx_set(res, PVD_NOOP, "extension %s of %s already %s", have.extension, owner, on ? "enabled" : "disabled");
		return res->status;
	}
	if (op->dry_run) {
		pbx_set(res, PVD_OK, "would %s extension %s of %s%s", on ? "enable" : "disable", have.extension, owner,
			revoke ? " and revoke its call code" : "");
		return res->status;
	}
	if (change && in->be->update(&in->db, owner, &next, res) < 0)
		return undo(in, res);
	if (revoke && in->be->code_revoke(&in->db, owner, res) < 0)
		return undo(in, res);
	if (commit(in, res) < 0)
		return undo(in, res);
	pbx_set(res, PVD_OK, "extension %s of %s %s%s", have.extension, owner, on ? "enabled" : "disabled",
		revoke ? ", call code revoked" : "");
	return PVD_OK;
}

static enum pvd_status op_disable(void *p, const struct pvd_op *op, struct pvd_result *res)
{
	return set_enabled(p, op, 0, res);
}

static enum pvd_status op_enable(void *p, const struct pvd_op *op, struct pvd_result *res)
{
	return set_enabled(p, op, 1, res);
}

static enum pvd_status op_read(void *p, const struct pvd_op *op, struct pvd_result *res)
{
	struct inst *in = p;
	memset(res, 0, sizeof(*res));
	const char *owner = owner_of(op, res);
	if (owner == NULL || connect_db(in, res) < 0)
		return res->status;
	struct pbx_ext have;
	int found = in->be->get(&in->db, owner, 0, &have, res);
	if (found < 0)
		return res->status;
	if (!found) {
		pbx_set(res, PVD_NOTFOUND, "%s has no extension", owner);
		return res->status;
	}
	snprintf(res->object, sizeof(res->object), "%s", have.extension);
	res->after = shown(&have, 1);
	pbx_set(res, PVD_OK, "extension %s of %s (%s)%s", have.extension, owner, have.enabled ? "enabled" : "disabled",
		have.code_active ? ", call code active" : "");
	return PVD_OK;
}

static enum pvd_status check(void *p, char *message, size_t size)
{
	struct inst *in = p;
	struct pvd_result res;
	memset(&res, 0, sizeof(res));
	if (!in->can_deliver) {
		no_deliver(&res);
		snprintf(message, size, "%s", res.message);
		return res.status;
	}
	if (connect_db(in, &res) < 0) {
		snprintf(message, size, "%s", res.message);
		return PVD_RETRY;
	}
	return in->be->check(&in->db, message, size);
}

static const struct pvd_plugin plugin = {
	.abi_major = PVD_PLUGIN_ABI_MAJOR,
	.size = sizeof(struct pvd_plugin),
	.name = "pbx",
	.version = PACKAGE_VERSION,
	.instantiate = instantiate,
	.detach = detach,
	.check = check,
	.read = op_read,
	.apply = op_apply,
	.disable = op_disable,
	.enable = op_enable,
	.remove = NULL,
};

EXPORT const struct pvd_plugin *pvd_plugin_entry(void)
{
	return &plugin;
}
