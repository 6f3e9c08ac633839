/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pvd-plugin-run - run one operation of a configured plugin instance, the
 * way the daemon's workers do, and print the result as one JSON line.
 *
 *   pvd-plugin-run -c CONF -i INSTANCE -o INTENT -p PERSON.json [-P PARAMS.json] [-a ATTEMPT] [-n]
 *   pvd-plugin-run -c CONF -i INSTANCE --check
 *
 * INTENT: create, update, disable, enable, read, remove. -n: dry run.
 * Output: {"status":"ok|noop|...","message":..,"object":..,"before":..,"after":..,
 *          "secrets":[{"what":..,"secret":..,"rcpt":..,"note":..}]}
 * (secrets: what the plugin handed to deliver_secret, which the daemon
 * would mail; printed here so tests can use them -- a test tool only)
 * Exit: 0 when the operation ran (whatever its status), 2 on usage or load errors.
 * Used by the plugin integration tests against real servers.
 */
#include "config.h"
#include "conf.h"
#include "log.h"
#include "plugin_host.h"
#include "tpool.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	static const struct option opts[] = { { "check", no_argument, NULL, 'k' }, { NULL, 0, NULL, 0 } };
	const char *conf_path = NULL, *instance = NULL, *intent = NULL, *person_path = NULL, *params_path = NULL;
	int attempt = 1, dry = 0, check = 0, opt;
	while ((opt = getopt_long(argc, argv, "c:i:o:p:P:a:n", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': conf_path = optarg; break;
		case 'i': instance = optarg; break;
		case 'o': intent = optarg; break;
		case 'p': person_path = optarg; break;
		case 'P': params_path = optarg; break;
		case 'a': attempt = atoi(optarg); break;
		case 'n': dry = 1; break;
		case 'k': check = 1; break;
		default: return 2;
		}
	}
	if (conf_path == NULL || instance == NULL || (!check && (intent == NULL || person_path == NULL))) {
		fprintf(stderr, "usage: pvd-plugin-run -c CONF -i INSTANCE (-o INTENT -p PERSON.json [-P PARAMS.json] [-a N] [-n] | --check)\n");
		return 2;
	}
	log_setup("pvd-plugin-run", LOG_LVL_WARN, 0);
	unsigned frame = t_push();	/* the errors' strings (tpool.h) */
	const char *err = NULL;
	struct conf *c = conf_load(conf_path, &err);
	if (c == NULL) {
		fprintf(stderr, "%s\n", err);
		t_pop(frame);
		return 2;
	}
	int ret = 0;
	/* every exit path frees what it made: the sanitizer build's leak
	 * checker runs over this program and the plugins it loads */
	if (plugins_load(c, &err) < 0) {
		fprintf(stderr, "%s\n", err);
		ret = 2;
		goto out;
	}
	int i = plugins_find(instance);
	if (i < 0) {
		fprintf(stderr, "no plugin instance %s in %s\n", instance, conf_path);
		ret = 2;
		goto out;
	}
	if (plugins_get(i)->plugin == NULL) {
		fprintf(stderr, "%s\n", plugins_get(i)->error);
		ret = 2;
		goto out;
	}
	if (check) {
		const char *msg = NULL;
		enum pvd_status st = plugins_check(i, &msg);
		json_t *m = json_string(msg);
		char *ms = json_dumps(m, JSON_ENCODE_ANY);
		printf("{\"status\":\"%s\",\"message\":%s}\n", pvd_status_name(st), ms ? ms : "null");
		free(ms);
		json_decref(m);
	} else {
		json_error_t je;
		json_t *person = json_load_file(person_path, 0, &je);
		json_t *params = params_path ? json_load_file(params_path, 0, &je) : NULL;
		if (person == NULL) {
			fprintf(stderr, "%s: %s\n", person_path, je.text);
			json_decref(params);
			ret = 2;
			goto out;
		}
		struct pvd_op op = { 0, 0, intent, person, params, attempt, dry };
		struct pvd_result res;
		plugins_run(i, &op, &res);
		json_t *out = json_pack("{s:s, s:s, s:s, s:o, s:o}", "status", pvd_status_name(res.status),
					"message", res.message, "object", res.object,
					"before", res.before ? res.before : json_null(),
					"after", res.after ? res.after : json_null());
		const struct plugin_secret *sec;
		int nsec = plugins_secrets(&sec);
		json_t *arr = json_array();
		for (int k = 0; k < nsec; k++)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s}", "what", sec[k].what, "secret",
							     sec[k].secret, "rcpt", sec[k].rcpt, "note", sec[k].note));
		plugins_secrets_clear();
		json_object_set_new(out, "secrets", arr);
		char *s = json_dumps(out, JSON_COMPACT);
		printf("%s\n", s);
		free(s);
		json_decref(out);
		json_decref(person);
		json_decref(params);
	}
out:
	plugins_unload();
	conf_put(&c);
	t_pop(frame);
	return ret;
}
