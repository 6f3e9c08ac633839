/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	pbx-extension - a person's extension: assign, bring up to date, enable, disable, read
 * DESCRIPTION
 *	The number is the lowest free one of the range and stays the
 *	person's for good; the calling level comes from the rules
 *	(position, else unit, else the default). pbx.c describes each
 *	intent; this file decides, the backend stores.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pbx.h"

/* "Given Family", cut at a character boundary to fit */
static void caller_id(json_t *person, char *out, size_t size)
{
	const char *given = pbx_str(person, "given_names"), *family = pbx_str(person, "family_names");
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
static int person_rank(struct pbx_inst *in, json_t *person)
{
	const char *unit = pbx_str(person, "unit"), *pos = pbx_str(person, "position");
	int by_unit = 0, by_pos = 0;
	for (int i = 0; i < in->cf->nrules; i++) {
		struct pbx_level_rule *r = &in->cf->rules[i];
		if (r->position && strcmp(r->match, pos) == 0)
			by_pos = r->rank;
		else if (!r->position && strcmp(r->match, unit) == 0)
			by_unit = r->rank;
	}
	return by_pos ? by_pos : by_unit ? by_unit : in->cf->default_rank;
}

static json_t *shown(const struct pbx_ext *e, int with_code)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b}", "extension", e->extension, "realm", e->realm, "caller_id",
			      e->caller_id, "level", e->level, "enabled", e->enabled);
	if (with_code)
		json_object_set_new(o, "call_code", pbx_code_shown(e));
	return o;
}

/* The lowest number of the range nobody has: 0 and *out, or -1 (res). */
static int allocate(struct pbx_inst *in, char *out, size_t size, struct pvd_result *res)
{
	char **nums = NULL;
	int n = 0;
	if (in->cf->be->assigned(&in->db, in->cf->first, in->cf->last, &nums, &n, res) < 0)
		return -1;
	unsigned long long next = in->cf->lo;
	for (int i = 0; i < n; i++) {
		unsigned long long v = strtoull(nums[i], NULL, 10);
		if (v == next)
			next++;
		else if (v > next)
			break;
	}
	pbx_free_list(nums, n);
	if (next > in->cf->hi) {
		pbx_set(res, PVD_FAIL, "extension range %s-%s exhausted: all %llu numbers are assigned", in->cf->first,
			in->cf->last, in->cf->hi - in->cf->lo + 1);
		return -1;
	}
	snprintf(out, size, "%0*llu", (int)strlen(in->cf->first), next);
	return 0;
}

static enum pvd_status assign(struct pbx_inst *in, const struct pvd_op *op, const char *owner, struct pbx_ext *want,
			      struct pvd_result *res)
{
	char pw[PBX_PASSWORD_LENGTH + 1], note[300];
	struct pbx_cred cred;
	if (allocate(in, want->extension, sizeof(want->extension), res) < 0)
		return pbx_undo(in, res);
	snprintf(res->object, sizeof(res->object), "%s", want->extension);
	want->enabled = 1;
	if (pbx_new_password(in, op, want, &cred, pw, sizeof(pw), res) < 0)
		return pbx_undo(in, res);
	snprintf(note, sizeof(note), "Extension %s (sip:%s@%s), calling level %s", want->extension, want->extension,
		 in->cf->realm, want->level);
	int ok = in->cf->be->insert(&in->db, owner, want, &cred, res) == 0 &&
		 pbx_deliver(in, op, "sip_password", pw, note, res) == 0;
	explicit_bzero(pw, sizeof(pw));
	explicit_bzero(&cred, sizeof(cred));
	if (!ok || pbx_commit(in, res) < 0)
		return pbx_undo(in, res);
	res->after = shown(want, 0);
	pbx_set(res, PVD_OK, "extension %s assigned to %s (sip:%s@%s), calling level %s; the SIP password goes to "
		"the person by mail", want->extension, owner, want->extension, in->cf->realm, want->level);
	return PVD_OK;
}

enum pvd_status pbx_apply_person(struct pbx_inst *in, const struct pvd_op *op, struct pvd_result *res)
{
	const char *owner = pbx_owner_of(op, res);
	if (owner == NULL)
		return res->status;
	int create = strcmp(op->intent, "create") == 0;
	int person_disabled = strcmp(pbx_str(op->person, "status"), "disabled") == 0;
	struct pbx_ext want, have;
	memset(&want, 0, sizeof(want));
	caller_id(op->person, want.caller_id, sizeof(want.caller_id));
	snprintf(want.level, sizeof(want.level), "%s", pbx_level_name(person_rank(in, op->person)));
	snprintf(want.realm, sizeof(want.realm), "%s", in->cf->realm);
	int found = pbx_load_owner(in, op, owner, 1, &have, res);
	if (found < 0)
		return res->status;
	if (!found) {
		if (!create && person_disabled) {
			pbx_rollback(in);
			pbx_set(res, PVD_NOOP, "%s has no extension and is disabled: none assigned", owner);
			return res->status;
		}
		if (op->dry_run) {
			if (allocate(in, want.extension, sizeof(want.extension), res) < 0)
				return res->status;
			snprintf(res->object, sizeof(res->object), "%s", want.extension);
			want.enabled = 1;
			res->after = shown(&want, 0);
			pbx_set(res, PVD_OK, "would assign extension %s to %s (the lowest free number of %s-%s), calling "
				"level %s", want.extension, owner, in->cf->first, in->cf->last, want.level);
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
	int redeliver = op->attempt > 1 && have.password_op == op->id;
	res->before = shown(&have, 0);
	res->after = shown(&next, 0);
	if (!cid && !lvl && !en && !redeliver) {
		pbx_rollback(in);
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
	if ((cid || lvl || en) && in->cf->be->update(&in->db, owner, &next, res) < 0)
		return pbx_undo(in, res);
	if (redeliver) {
		char pw[PBX_PASSWORD_LENGTH + 1], note[300];
		struct pbx_cred cred;
		if (pbx_new_password(in, op, &next, &cred, pw, sizeof(pw), res) < 0)
			return pbx_undo(in, res);
		snprintf(note, sizeof(note), "Extension %s (sip:%s@%s), calling level %s", next.extension,
			 next.extension, next.realm, next.level);
		int ok = in->cf->be->set_credentials(&in->db, owner, &cred, res) == 0 &&
			 pbx_deliver(in, op, "sip_password", pw, note, res) == 0;
		explicit_bzero(pw, sizeof(pw));
		explicit_bzero(&cred, sizeof(cred));
		if (!ok)
			return pbx_undo(in, res);
	}
	if (pbx_commit(in, res) < 0)
		return pbx_undo(in, res);
	pbx_set(res, PVD_OK, "extension %s of %s changed: %s", have.extension, owner, changes + 2);
	return PVD_OK;
}

enum pvd_status pbx_set_enabled(struct pbx_inst *in, const struct pvd_op *op, int on, struct pvd_result *res)
{
	memset(res, 0, sizeof(*res));
	const char *owner = pbx_owner_of(op, res);
	if (owner == NULL)
		return res->status;
	struct pbx_ext have;
	int found = pbx_load_owner(in, op, owner, 0, &have, res);
	if (found < 0)
		return res->status;
	if (!found) {
		pbx_rollback(in);
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
		pbx_rollback(in);
		pbx_set(res, PVD_NOOP, "extension %s of %s already %s", have.extension, owner, on ? "enabled" : "disabled");
		return res->status;
	}
	if (op->dry_run) {
		pbx_set(res, PVD_OK, "would %s extension %s of %s%s", on ? "enable" : "disable", have.extension, owner,
			revoke ? " and revoke its call code" : "");
		return res->status;
	}
	if (change && in->cf->be->update(&in->db, owner, &next, res) < 0)
		return pbx_undo(in, res);
	if (revoke && in->cf->be->code_revoke(&in->db, owner, res) < 0)
		return pbx_undo(in, res);
	if (pbx_commit(in, res) < 0)
		return pbx_undo(in, res);
	pbx_set(res, PVD_OK, "extension %s of %s %s%s", have.extension, owner, on ? "enabled" : "disabled",
		revoke ? ", call code revoked" : "");
	return PVD_OK;
}

enum pvd_status pbx_read(struct pbx_inst *in, const struct pvd_op *op, struct pvd_result *res)
{
	memset(res, 0, sizeof(*res));
	const char *owner = pbx_owner_of(op, res);
	if (owner == NULL || pbx_connect(in, res) < 0)
		return res->status;
	struct pbx_ext have;
	int found = in->cf->be->get(&in->db, owner, 0, &have, res);
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
