/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
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
 *	backend-kamailio.c): the plugin decides, the backend stores. This
 *	file is the plugin's table and what every operation shares; pbx.h
 *	lists the other files, one per concern.
 * DIAGNOSTICS
 *	RETRY when the database cannot be reached; CONFIG when its tables are
 *	missing (naming the file to apply); FAIL for what the request cannot
 *	have (no enabled extension for a code, an unknown level, the range
 *	exhausted). The plugin is of ABI 1.2 (configuration rows, pbx-conf.c):
 *	an older provisiond refuses to load it, saying so.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pbx.h"

/* ---- what the operations share: the person ---- */

const char *pbx_str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

const char *pbx_owner_of(const struct pvd_op *op, struct pvd_result *res)
{
	const char *emp = pbx_str(op->person, "employee_number");
	if (emp[0] == '\0') {
		pbx_set(res, PVD_FAIL, "the person has no employee_number: an extension's owner is one");
		return NULL;
	}
	return emp;
}

/* {"active": true, "level": "national"} or {"active": false}: never the hash */
json_t *pbx_code_shown(const struct pbx_ext *e)
{
	json_t *o = json_pack("{s:b}", "active", e->code_active);
	if (e->code_active)
		json_object_set_new(o, "level", json_string(e->code_level));
	return o;
}

/* ---- the operations ---- */

static enum pvd_status op_apply(void *p, const struct pvd_op *op, struct pvd_result *res)
{
	memset(res, 0, sizeof(*res));
	if (strcmp(op->intent, "call_code") == 0)
		return pbx_call_code(p, op, res);
	return pbx_apply_person(p, op, res);
}

static enum pvd_status op_disable(void *p, const struct pvd_op *op, struct pvd_result *res)
{
	return pbx_set_enabled(p, op, 0, res);
}

static enum pvd_status op_enable(void *p, const struct pvd_op *op, struct pvd_result *res)
{
	return pbx_set_enabled(p, op, 1, res);
}

static enum pvd_status op_read(void *p, const struct pvd_op *op, struct pvd_result *res)
{
	return pbx_read(p, op, res);
}

static enum pvd_status check(void *p, char *message, size_t size)
{
	struct pbx_inst *in = p;
	enum pvd_status st = pgconn_check(&in->db.conn, in->cf->conninfo, PBX_DATABASE, message, size);
	return st != PVD_OK ? st : in->cf->be->check(&in->db, message, size);	/* and its tables */
}

static const struct pvd_plugin plugin = {
	PVD_PLUGIN_1_2("pbx", PACKAGE_VERSION),
	.flags = PVD_PLUGIN_DRY_RUN | PVD_PLUGIN_CALL_CODES,
	.conf_rows = pbx_conf_rows,
	.conf_size = sizeof(struct pbx_conf),
	.configure = pbx_configure,
	.unconfigure = pbx_unconfigure,
	.open = pbx_open,
	.detach = pbx_detach,
	.check = check,
	.read = op_read,
	.apply = op_apply,
	.disable = op_disable,
	.enable = op_enable,
	.remove = NULL,
};

PVD_PLUGIN_EXPORT(plugin)
