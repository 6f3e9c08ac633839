/*
 * NAME
 *	pbx-conf - the pbx plugin's configuration keys and their checks
 * DESCRIPTION
 *	Every key is checked when the instance is made, and a wrong one is
 *	named with its line: "plugin key 'range' (line 12): '2999-2000'
 *	START is after END". The pepper file is read here and checked to be
 *	usable in the routing script.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pbx.h"

#ifndef PBX_SQL_DIR
#define PBX_SQL_DIR "/usr/share/provisiond/pbx"
#endif

static const struct pbx_backend *const backends[] = { &pbx_backend_kamailio };

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

static void free_inst(struct pbx_inst *in)
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
static const char *parse_range(struct pbx_inst *in, const char *v)
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

int pbx_instantiate(const struct pvd_host *host, const char *instance, const struct pvd_kv *kv, int nkv,
		       void **inst_r, char **error_r)
{
	struct pbx_inst *in = calloc(1, sizeof(*in));
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
			struct pbx_level_rule *r = realloc(in->rules, sizeof(*r) * (size_t)(in->nrules + 1));
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

void pbx_detach(void *p) { free_inst(p); }
