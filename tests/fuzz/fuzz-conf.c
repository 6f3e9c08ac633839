/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	fuzz-conf - the configuration file parser and its whole-file checks
 * DESCRIPTION
 *	Input: the text of a provisiond.conf. It is parsed as it is, and
 *	again after the three required lines, so that the checks which need
 *	a complete file (templates, catalogue, addresses, proxies, policy)
 *	see every input too.
 *
 *	Invariants: a refusal says why ("name:line: key: reason") and leaves
 *	nothing allocated; an accepted file parsed twice gives the same
 *	settings (conf_restart_needed finds nothing between the two), its
 *	templates pass naming_template_check, and conf_put frees it all.
 *
 *	Inputs naming files under dev/, proc/ or sys/ are skipped: a
 *	password file is read when the file is parsed, and /dev/stdin would
 *	wait for ever.
 */
#include "config.h"
#include "buf.h"
#include "conf.h"
#include "naming.h"
#include "tpool.h"
#include "fuzz.h"

const char fuzz_target_name[] = "fuzz-conf";

#define BASE "db_conninfo = dbname=fuzz\nldap_uri = ldapi://%2Ftmp%2Fx\nldap_base_dn = dc=example,dc=org\n"

static void check_one(const char *text)
{
	const char *err = NULL, *err2 = NULL, *why = NULL;
	struct conf *c = conf_parse("fuzz.conf", text, &err);
	if (c == NULL) {
		FUZZ_CHECK(err != NULL && strncmp(err, "fuzz.conf", 9) == 0, "refused as '%s'", err ? err : "(null)");
		return;
	}
	FUZZ_CHECK(err == NULL, "accepted with an error '%s'", err);
	FUZZ_CHECK(c->refcount == 1, "refcount %d", c->refcount);
	struct conf *c2 = conf_parse("fuzz.conf", text, &err2);
	FUZZ_CHECK(c2 != NULL, "accepted once, then refused: %s", err2);
	char *diff = conf_restart_needed(c, c2);
	FUZZ_CHECK(diff == NULL, "two parses of one file differ in %s", diff);
	FUZZ_CHECK(naming_template_check(c->login_template, &why) == 0, "login_template '%s' accepted: %s",
		   c->login_template, why);
	conf_put(&c2);
	conf_put(&c);
	FUZZ_CHECK(c == NULL && c2 == NULL, "conf_put did not NULL the pointer");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	if (strstr(text, "dev/") || strstr(text, "proc/") || strstr(text, "sys/")) {
		free(text);
		return 0;
	}
	unsigned frame = t_push();	/* the errors' strings (tpool.h), one input at a time */
	check_one(text);
	struct buf b = BUF_INIT;
	buf_puts(&b, BASE);
	buf_puts(&b, text);
	check_one(buf_str(&b));
	buf_free(&b);
	free(text);
	t_pop(frame);
	return 0;
}
