/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	fuzz-requests - request bodies: JSON parsing and the checks of every
 *	request type
 * DESCRIPTION
 *	Input: one byte that picks the request type (hire, exit, transfer,
 *	access, call code) and one of two configurations, then the body as
 *	it would arrive. The body goes through json_parse_body and, when it
 *	is an object, requests_check_input: everything the service checks
 *	before it asks the directory or the database (json_check_keys,
 *	json_get_string, names, dates, times, the access catalogue, and the
 *	login made from the names with naming_expand).
 *
 *	Invariants: a refusal is 400 with a message, and its field and
 *	message make a valid error envelope (http_error_body: jansson refuses
 *	invalid UTF-8, and the answer would be "null"); an accepted body
 *	holds only text PostgreSQL's jsonb can store (no NUL: jsonb refuses
 *	\u0000, and the INSERT would fail as a 500) and serialises.
 */
#include "config.h"
#include "conf.h"
#include "http.h"
#include "json.h"
#include "outcome.h"
#include "requests.h"
#include "procedures/registry.h"
#include "workflow.h"
#include "tpool.h"
#include "fuzz.h"

const char fuzz_target_name[] = "fuzz-requests";

#define BASE "db_conninfo = dbname=fuzz\nldap_uri = ldapi://%2Ftmp%2Fx\nldap_base_dn = dc=example,dc=org\n" \
	"access.tributario.levels = read, write\naccess.network.levels = vpn, internet-external\n"

/* the default login rule, and a short one that uses every placeholder kind */
static const char *const conf_text[] = {
	BASE,
	BASE "login_template = {gi}{f1}-{f2}.{unit}\nlogin_max_length = 8\n",
};
#define NCONF (sizeof(conf_text) / sizeof(conf_text[0]))
static struct conf *confs[NCONF];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	procedures_register_all();	/* as main() does: the engine finds each procedure's checks */
	unsigned frame = t_push();	/* a refusal's message (tpool.h) */
	for (size_t i = 0; i < NCONF; i++) {
		const char *err = NULL;
		confs[i] = conf_parse("fuzz.conf", conf_text[i], &err);
		if (confs[i] == NULL) {
			fprintf(stderr, "%s: the configuration is refused: %s\n", fuzz_target_name, err);
			abort();
		}
	}
	t_pop(frame);
	return 0;
}

/* 1 if any string in j (values and keys, at any depth) holds a NUL */
static int holds_nul(json_t *j)
{
	const char *k;
	json_t *v;
	size_t i;
	if (json_is_string(j))
		return strlen(json_string_value(j)) != json_string_length(j);
	if (json_is_object(j)) {
		json_object_foreach(j, k, v)
			if (holds_nul(v))
				return 1;
	}
	if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			if (holds_nul(v))
				return 1;
	}
	return 0;
}

static void check_envelope(const char *code, const char *field, const char *message)
{
	char *env = http_error_body(code, field, message);
	json_error_t je;
	json_t *back = json_loads(env, 0, &je);
	FUZZ_CHECK(back != NULL && json_is_object(json_object_get(back, "error")),
		   "the error envelope for field '%s' message '%s' is %s", field, message, env);
	json_decref(back);
	free(env);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	enum wf_type t = (enum wf_type)(data[0] % WF_TYPE_COUNT);
	const struct conf *c = confs[(data[0] / WF_TYPE_COUNT) % NCONF];
	unsigned frame = t_push();	/* the errors' strings (tpool.h) */
	struct outcome refusal;
	memset(&refusal, 0, sizeof(refusal));
	json_t *body = json_parse_body((const char *)data + 1, size - 1, &refusal);
	if (body == NULL) {
		FUZZ_CHECK(refusal.status == 400 && refusal.code != NULL && refusal.message[0] != '\0',
			   "a body refused with %d %s '%s'", refusal.status, refusal.code ? refusal.code : "(null)",
			   refusal.message);
		check_envelope(refusal.code, refusal.field, refusal.message);
		t_pop(frame);
		return 0;
	}
	json_t *original = json_deep_copy(body);	/* the checks tidy names in place */
	struct outcome o;
	int status = requests_check_input(c, t, body, &o);
	const char *field = o.field, *message = o.message;
	if (status != 0) {
		FUZZ_CHECK(status == 400, "type %d refused with %d: %s", (int)t, status, message);
		FUZZ_CHECK(message[0] != '\0', "a refusal without a message (field '%s')", field);
		check_envelope("invalid_field", field, message);
	} else {
		FUZZ_CHECK(!holds_nul(original), "type %d accepted a body with a NUL in a string", (int)t);
		char *s = json_dumps(body, JSON_COMPACT);
		FUZZ_CHECK(s != NULL, "an accepted body does not serialise");
		free(s);
	}
	json_decref(original);
	json_decref(body);
	t_pop(frame);
	return 0;
}
