/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	pbx-codes - call codes (UIT-PR01): issue and revoke
 * DESCRIPTION
 *	A code is drawn (callcode.c) until the backend finds no other code
 *	with its hash, at most CODE_TRIES times; it is mailed through
 *	deliver_secret before COMMIT, so a code nobody received is never
 *	stored. An issued code replaces any earlier one of the person.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pbx.h"

/* draws of a call code before giving up on finding one no other code has */
#define CODE_TRIES 20

static enum pvd_status code_issue(struct pbx_inst *in, const struct pvd_op *op, const char *owner, const char *level,
				  struct pvd_result *res)
{
	if (pbx_level_rank(level) == 0) {
		pbx_set(res, PVD_FAIL, "'%s' is not a calling level for a call code (%s)", level, PBX_LEVEL_LIST);
		return res->status;
	}
	struct pbx_ext have;
	int found = pbx_load_owner(in, op, owner, 0, &have, res);
	if (found < 0)
		return res->status;
	if (!found || !have.enabled) {
		pbx_rollback(in);
		pbx_set(res, PVD_FAIL, "%s has no enabled extension: a call code needs one", owner);
		return res->status;
	}
	snprintf(res->object, sizeof(res->object), "%s", have.extension);
	res->before = pbx_code_shown(&have);
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
		if (pbx_make_code(code, sizeof(code), in->cf->code_length, have.extension) < 0) {
			pbx_set(res, PVD_RETRY, "making a call code failed: %s", strerror(errno));
			return pbx_undo(in, res);
		}
		if (pbx_code_hash(in, code, hash, sizeof(hash)) < 0) {
			explicit_bzero(code, sizeof(code));
			pbx_set(res, PVD_FAIL, "hashing the call code failed (OpenSSL SHA-256)");
			return pbx_undo(in, res);
		}
		r = in->cf->be->code_issue(&in->db, owner, hash, level, op->request_id, res);
	}
	if (r != 0) {
		explicit_bzero(code, sizeof(code));
		if (r == 1)
			pbx_set(res, PVD_FAIL, "no unused call code found in %d draws: code_length %d is too short for "
				"the codes in use", CODE_TRIES, in->cf->code_length);
		return pbx_undo(in, res);
	}
	if (tries > 1)
		in->host->log(PVD_LOG_INFO, in->name, "call code for %s: %d draws collided with codes in use", owner,
			      tries - 1);
	snprintf(note, sizeof(note), "Calling level %s, from extension %s or any other: dial *<code>*<number>, "
		 "e.g. *<code>*71234567; this code replaces any earlier one", level, have.extension);
	int ok = pbx_deliver(in, op, "call_code", code, note, res) == 0;
	explicit_bzero(code, sizeof(code));
	explicit_bzero(hash, sizeof(hash));
	if (!ok || pbx_commit(in, res) < 0)
		return pbx_undo(in, res);
	pbx_set(res, PVD_OK, "call code issued for extension %s of %s at level %s%s; it goes to the person by mail",
		have.extension, owner, level, have.code_active ? " (the earlier code no longer works)" : "");
	return PVD_OK;
}

static enum pvd_status code_revoke(struct pbx_inst *in, const struct pvd_op *op, const char *owner,
				   struct pvd_result *res)
{
	struct pbx_ext have;
	int found = pbx_load_owner(in, op, owner, 0, &have, res);
	if (found < 0)
		return res->status;
	if (!found || !have.code_active) {
		pbx_rollback(in);
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
	int r = in->cf->be->code_revoke(&in->db, owner, res);
	if (r < 0 || pbx_commit(in, res) < 0)
		return pbx_undo(in, res);
	pbx_set(res, PVD_OK, "call code (level %s) of %s revoked", have.code_level, owner);
	return PVD_OK;
}

enum pvd_status pbx_call_code(struct pbx_inst *in, const struct pvd_op *op, struct pvd_result *res)
{
	const char *owner = pbx_owner_of(op, res);
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
