/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	workflow - state and transition tables (see workflow.h)
 */
#include "config.h"
#include "workflow.h"
#include "buf.h"
#include "tpool.h"

#include <string.h>

#define R(r) ROLE_BIT(ROLE_##r)

static const char *const type_names[WF_TYPE_COUNT] = { "hire", "exit", "transfer", "access", "call_code" };

static const char *const state_names[WS_COUNT] = {
	"submitted", "returned", "tim_review", "scheduled", "provisioning", "disabling", "verification",
	"report_review", "concluding", "concluded", "rolling_back", "closed", "cancelled",
};

static const char *const action_names[WA_COUNT] = {
	"submit", "approve", "return", "resubmit", "cancel", "confirm", "reject", "rollback", "reschedule", "start",
};

static const struct wf_state states[] = {
	/* hire: PR05 + new mail user + access security */
	{ WF_HIRE, WS_SUBMITTED, "PR05 step 2: the head of TIM checks the data is complete, approves or returns it", 1, WF_AUTO_REVIEW, WA_APPROVE },
	{ WF_HIRE, WS_RETURNED, "PR05 step 1: HR corrects the data and resubmits", 1, 0, WA_NONE },
	{ WF_HIRE, WS_PROVISIONING, "PR05 steps 4-5: the technician creates the accounts, groups, access levels, mail and extension", 1, 0, WA_NONE },
	{ WF_HIRE, WS_VERIFICATION, "access security step 6: TIM or the person verifies the access works, or rejects it", 1, WF_AUTO_VERIFICATION, WA_CONFIRM },
	{ WF_HIRE, WS_REPORT_REVIEW, "PR05 steps 6-7: the technical report is reviewed and approved by the TIM lead", 1, WF_AUTO_REPORT, WA_APPROVE },
	{ WF_HIRE, WS_CONCLUDING, "PR05 step 8: the head of TIM registers the position and writes the conclusion note", 1, WF_AUTO_CONCLUSION, WA_APPROVE },
	{ WF_HIRE, WS_CONCLUDED, "PR05 step 9: HR receives the conclusion note and closes the flow", 1, WF_AUTO_CLOSE, WA_CONFIRM },
	{ WF_HIRE, WS_ROLLING_BACK, "TIM undoes what provisioning did (accounts are disabled, never deleted)", 1, 0, WA_NONE },
	{ WF_HIRE, WS_CLOSED, "closed", 0, 0, WA_NONE },
	{ WF_HIRE, WS_CANCELLED, "cancelled", 0, 0, WA_NONE },

	/* exit: PR06 (+ PR04 desktop backup as a manual task) */
	{ WF_EXIT, WS_SUBMITTED, "PR06 step 2: the head of TIM checks the data is complete, approves or returns it", 1, WF_AUTO_REVIEW, WA_APPROVE },
	{ WF_EXIT, WS_RETURNED, "PR06 step 1: HR corrects the data and resubmits", 1, 0, WA_NONE },
	{ WF_EXIT, WS_SCHEDULED, "approved; waits for the effective time (can be moved or cancelled until then)", 1, 0, WA_NONE },
	{ WF_EXIT, WS_DISABLING, "PR06 steps 4-5: the technician disables every account (never deletes)", 1, 0, WA_NONE },
	{ WF_EXIT, WS_REPORT_REVIEW, "PR06 step 6: the technical report is reviewed and approved by the TIM lead", 1, WF_AUTO_REPORT, WA_APPROVE },
	{ WF_EXIT, WS_CONCLUDING, "PR06 step 7: the head of TIM inactivates the person in the document system and writes the conclusion note", 1, WF_AUTO_CONCLUSION, WA_APPROVE },
	{ WF_EXIT, WS_CONCLUDED, "PR06 step 8: HR receives the conclusion note and closes the flow", 1, WF_AUTO_CLOSE, WA_CONFIRM },
	{ WF_EXIT, WS_ROLLING_BACK, "TIM undoes the disabling (accounts are enabled again)", 1, 0, WA_NONE },
	{ WF_EXIT, WS_CLOSED, "closed", 0, 0, WA_NONE },
	{ WF_EXIT, WS_CANCELLED, "cancelled", 0, 0, WA_NONE },

	/* transfer: a change of unit or position, reviewed like a hire */
	{ WF_TRANSFER, WS_SUBMITTED, "the head of TIM checks the change of unit or position, approves or returns it", 1, WF_AUTO_REVIEW, WA_APPROVE },
	{ WF_TRANSFER, WS_RETURNED, "HR corrects the data and resubmits", 1, 0, WA_NONE },
	{ WF_TRANSFER, WS_PROVISIONING, "the technician recomputes groups and access levels for the new unit and position", 1, 0, WA_NONE },
	{ WF_TRANSFER, WS_VERIFICATION, "TIM or the person verifies the new access works, or rejects it", 1, WF_AUTO_VERIFICATION, WA_CONFIRM },
	{ WF_TRANSFER, WS_REPORT_REVIEW, "the technical report is reviewed and approved by the TIM lead", 1, WF_AUTO_REPORT, WA_APPROVE },
	{ WF_TRANSFER, WS_CONCLUDING, "the head of TIM writes the conclusion note", 1, WF_AUTO_CONCLUSION, WA_APPROVE },
	{ WF_TRANSFER, WS_CONCLUDED, "HR receives the conclusion note and closes the flow", 1, WF_AUTO_CLOSE, WA_CONFIRM },
	{ WF_TRANSFER, WS_ROLLING_BACK, "TIM puts back the access of the old unit and position", 1, 0, WA_NONE },
	{ WF_TRANSFER, WS_CLOSED, "closed", 0, 0, WA_NONE },
	{ WF_TRANSFER, WS_CANCELLED, "cancelled", 0, 0, WA_NONE },

	/* access: "La seguridad de acceso a la información institucional" */
	{ WF_ACCESS, WS_SUBMITTED, "step 3: the head of TIM specifies the request with the unit head, approves or returns it", 1, WF_AUTO_REVIEW, WA_APPROVE },
	{ WF_ACCESS, WS_RETURNED, "step 2: the unit head corrects the request and sends it again", 1, 0, WA_NONE },
	{ WF_ACCESS, WS_PROVISIONING, "steps 4-5: the technician creates the groups and access levels to applications and databases", 1, 0, WA_NONE },
	{ WF_ACCESS, WS_VERIFICATION, "step 6: the users verify the access given; if it is wrong, back to step 4", 1, WF_AUTO_VERIFICATION, WA_CONFIRM },
	{ WF_ACCESS, WS_CONCLUDING, "step 7: TIM informs the unit head of the access given (the change log is updated)", 1, WF_AUTO_CONCLUSION, WA_APPROVE },
	{ WF_ACCESS, WS_ROLLING_BACK, "TIM undoes what provisioning did (grants taken away, revocations given back)", 1, 0, WA_NONE },
	{ WF_ACCESS, WS_CLOSED, "closed", 0, 0, WA_NONE },
	{ WF_ACCESS, WS_CANCELLED, "cancelled", 0, 0, WA_NONE },

	/* call_code: PR01 (a revocation skips the approvals: it only takes away) */
	{ WF_CALLCODE, WS_SUBMITTED, "PR01 steps 2-3: the unit head reviews the request, approves it or returns it for correction", 1, 0, WA_NONE },
	{ WF_CALLCODE, WS_RETURNED, "PR01 step 1: the requester corrects the request and sends it again", 1, 0, WA_NONE },
	{ WF_CALLCODE, WS_TIM_REVIEW, "PR01 steps 4-5: the head of TIM approves it and routes it to networks and telecommunications", 1, WF_AUTO_REVIEW, WA_APPROVE },
	{ WF_CALLCODE, WS_PROVISIONING, "PR01 step 6: the code is generated in the IP PBX and mailed to its owner (a revocation: the code is disabled)", 1, 0, WA_NONE },
	{ WF_CALLCODE, WS_CONCLUDING, "PR01 steps 7-9: TIM writes and approves the confirmation note to the unit head", 1, WF_AUTO_CONCLUSION, WA_APPROVE },
	{ WF_CALLCODE, WS_ROLLING_BACK, "TIM takes back the code (it is disabled)", 1, 0, WA_NONE },
	{ WF_CALLCODE, WS_CLOSED, "closed", 0, 0, WA_NONE },
	{ WF_CALLCODE, WS_CANCELLED, "cancelled", 0, 0, WA_NONE },
};

#define NOTE WF_NOTE_REQUIRED
#define SOD WF_NOT_SUBMITTER

static const struct wf_transition transitions[] = {
	/* hire and transfer share PR05's shape */
#define PR05(T) \
	{ T, WS_SUBMITTED, WA_APPROVE, R(TIM_HEAD), SOD, WS_PROVISIONING }, \
	{ T, WS_SUBMITTED, WA_RETURN, R(TIM_HEAD), NOTE | SOD, WS_RETURNED }, \
	{ T, WS_SUBMITTED, WA_CANCEL, R(HR) | R(TIM_HEAD), 0, WS_CANCELLED }, \
	{ T, WS_RETURNED, WA_RESUBMIT, R(HR), 0, WS_SUBMITTED }, \
	{ T, WS_RETURNED, WA_CANCEL, R(HR) | R(TIM_HEAD), 0, WS_CANCELLED }, \
	{ T, WS_PROVISIONING, WA_CONFIRM, R(TIM_TECH), SOD | WF_MANUAL_ONLY, WS_VERIFICATION }, \
	{ T, WS_VERIFICATION, WA_CONFIRM, R(TIM_TECH), SOD | WF_THE_PERSON, WS_REPORT_REVIEW }, \
	{ T, WS_VERIFICATION, WA_REJECT, R(TIM_TECH), NOTE | SOD | WF_THE_PERSON, WS_PROVISIONING }, \
	{ T, WS_REPORT_REVIEW, WA_APPROVE, R(TIM_LEAD), SOD, WS_CONCLUDING }, \
	{ T, WS_REPORT_REVIEW, WA_RETURN, R(TIM_LEAD), NOTE | SOD, WS_PROVISIONING }, \
	{ T, WS_CONCLUDING, WA_APPROVE, R(TIM_HEAD), NOTE | SOD, WS_CONCLUDED }, \
	{ T, WS_CONCLUDED, WA_CONFIRM, R(HR), 0, WS_CLOSED }, \
	{ T, WS_PROVISIONING, WA_ROLLBACK, R(TIM_HEAD), NOTE | SOD, WS_ROLLING_BACK }, \
	{ T, WS_ROLLING_BACK, WA_CONFIRM, R(TIM_TECH), SOD | WF_MANUAL_ONLY, WS_CANCELLED }
	PR05(WF_HIRE),
	PR05(WF_TRANSFER),
#undef PR05
	{ WF_ACCESS, WS_SUBMITTED, WA_APPROVE, R(TIM_HEAD), SOD, WS_PROVISIONING },
	{ WF_ACCESS, WS_SUBMITTED, WA_RETURN, R(TIM_HEAD), NOTE | SOD, WS_RETURNED },
	{ WF_ACCESS, WS_SUBMITTED, WA_CANCEL, R(UNIT_HEAD) | R(TIM_HEAD), WF_UNIT_HEAD_OF_PERSON, WS_CANCELLED },
	{ WF_ACCESS, WS_RETURNED, WA_RESUBMIT, R(UNIT_HEAD) | R(TIM_HEAD) | R(TIM_LEAD) | R(TIM_TECH), WF_UNIT_HEAD_OF_PERSON,
	  WS_SUBMITTED },
	{ WF_ACCESS, WS_RETURNED, WA_CANCEL, R(UNIT_HEAD) | R(TIM_HEAD), WF_UNIT_HEAD_OF_PERSON, WS_CANCELLED },
	{ WF_ACCESS, WS_PROVISIONING, WA_CONFIRM, R(TIM_TECH), WF_MANUAL_ONLY, WS_VERIFICATION },
	{ WF_ACCESS, WS_VERIFICATION, WA_CONFIRM, R(TIM_TECH), WF_THE_PERSON, WS_CONCLUDING },
	{ WF_ACCESS, WS_VERIFICATION, WA_REJECT, R(TIM_TECH), NOTE | WF_THE_PERSON, WS_PROVISIONING },
	{ WF_ACCESS, WS_CONCLUDING, WA_APPROVE, R(TIM_TECH) | R(TIM_HEAD), NOTE, WS_CLOSED },
	{ WF_ACCESS, WS_PROVISIONING, WA_ROLLBACK, R(TIM_HEAD), NOTE | SOD, WS_ROLLING_BACK },
	{ WF_ACCESS, WS_ROLLING_BACK, WA_CONFIRM, R(TIM_TECH), WF_MANUAL_ONLY, WS_CANCELLED },
	{ WF_CALLCODE, WS_SUBMITTED, WA_APPROVE, R(UNIT_HEAD), SOD | WF_UNIT_HEAD_OF_PERSON, WS_TIM_REVIEW },
	{ WF_CALLCODE, WS_SUBMITTED, WA_RETURN, R(UNIT_HEAD), NOTE | SOD | WF_UNIT_HEAD_OF_PERSON, WS_RETURNED },
	{ WF_CALLCODE, WS_SUBMITTED, WA_CANCEL, R(UNIT_HEAD) | R(TIM_HEAD), WF_THE_PERSON | WF_UNIT_HEAD_OF_PERSON,
	  WS_CANCELLED },
	{ WF_CALLCODE, WS_SUBMITTED, WA_START, 0, WF_SYSTEM_ONLY, WS_PROVISIONING },	/* a revocation */
	{ WF_CALLCODE, WS_RETURNED, WA_RESUBMIT, R(UNIT_HEAD), WF_THE_PERSON | WF_UNIT_HEAD_OF_PERSON, WS_SUBMITTED },
	{ WF_CALLCODE, WS_RETURNED, WA_CANCEL, R(UNIT_HEAD) | R(TIM_HEAD), WF_THE_PERSON | WF_UNIT_HEAD_OF_PERSON,
	  WS_CANCELLED },
	{ WF_CALLCODE, WS_TIM_REVIEW, WA_APPROVE, R(TIM_HEAD), SOD, WS_PROVISIONING },
	{ WF_CALLCODE, WS_TIM_REVIEW, WA_RETURN, R(TIM_HEAD), NOTE | SOD, WS_RETURNED },
	{ WF_CALLCODE, WS_TIM_REVIEW, WA_CANCEL, R(TIM_HEAD), 0, WS_CANCELLED },
	{ WF_CALLCODE, WS_PROVISIONING, WA_CONFIRM, R(TIM_TECH), WF_MANUAL_ONLY, WS_CONCLUDING },
	{ WF_CALLCODE, WS_CONCLUDING, WA_APPROVE, R(TIM_TECH) | R(TIM_LEAD) | R(TIM_HEAD), NOTE, WS_CLOSED },
	{ WF_CALLCODE, WS_PROVISIONING, WA_ROLLBACK, R(TIM_HEAD), NOTE | SOD, WS_ROLLING_BACK },
	{ WF_CALLCODE, WS_ROLLING_BACK, WA_CONFIRM, R(TIM_TECH), WF_MANUAL_ONLY, WS_CANCELLED },
	{ WF_EXIT, WS_SUBMITTED, WA_APPROVE, R(TIM_HEAD), SOD, WS_SCHEDULED },	/* or disabling when due */
	{ WF_EXIT, WS_SUBMITTED, WA_RETURN, R(TIM_HEAD), NOTE | SOD, WS_RETURNED },
	{ WF_EXIT, WS_SUBMITTED, WA_CANCEL, R(HR) | R(TIM_HEAD), 0, WS_CANCELLED },
	{ WF_EXIT, WS_RETURNED, WA_RESUBMIT, R(HR), 0, WS_SUBMITTED },
	{ WF_EXIT, WS_RETURNED, WA_CANCEL, R(HR) | R(TIM_HEAD), 0, WS_CANCELLED },
	{ WF_EXIT, WS_SCHEDULED, WA_RESCHEDULE, R(HR) | R(TIM_HEAD), 0, WS_SCHEDULED },	/* or disabling when due */
	{ WF_EXIT, WS_SCHEDULED, WA_CANCEL, R(HR) | R(TIM_HEAD), 0, WS_CANCELLED },
	{ WF_EXIT, WS_SCHEDULED, WA_START, 0, WF_SYSTEM_ONLY, WS_DISABLING },	/* scheduler.c */
	{ WF_EXIT, WS_DISABLING, WA_CONFIRM, R(TIM_TECH), SOD | WF_MANUAL_ONLY, WS_REPORT_REVIEW },
	{ WF_EXIT, WS_REPORT_REVIEW, WA_APPROVE, R(TIM_LEAD), SOD, WS_CONCLUDING },
	{ WF_EXIT, WS_REPORT_REVIEW, WA_RETURN, R(TIM_LEAD), NOTE | SOD, WS_DISABLING },
	{ WF_EXIT, WS_CONCLUDING, WA_APPROVE, R(TIM_HEAD), NOTE | SOD, WS_CONCLUDED },
	{ WF_EXIT, WS_CONCLUDED, WA_CONFIRM, R(HR), 0, WS_CLOSED },
	{ WF_EXIT, WS_DISABLING, WA_ROLLBACK, R(TIM_HEAD), NOTE | SOD, WS_ROLLING_BACK },
	{ WF_EXIT, WS_ROLLING_BACK, WA_CONFIRM, R(TIM_TECH), SOD | WF_MANUAL_ONLY, WS_CANCELLED },
};

#define NSTATES (sizeof(states) / sizeof(states[0]))
#define NTRANS (sizeof(transitions) / sizeof(transitions[0]))

const char *wf_type_name(enum wf_type t)
{
	return (unsigned)t < WF_TYPE_COUNT ? type_names[t] : "?";
}

const char *wf_state_name(enum wf_state_id s)
{
	return (unsigned)s < WS_COUNT ? state_names[s] : "?";
}

const char *wf_action_name(enum wf_action_id a)
{
	return (unsigned)a < WA_COUNT ? action_names[a] : "?";
}

/* Names to enums, at the boundary (API paths, database rows). */
static int name_index(const char *const *names, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

int wf_type_parse(const char *s, enum wf_type *t_r)
{
	int i = name_index(type_names, WF_TYPE_COUNT, s);
	if (i >= 0)
		*t_r = (enum wf_type)i;
	return i < 0 ? -1 : 0;
}

int wf_state_parse(const char *s, enum wf_state_id *s_r)
{
	int i = name_index(state_names, WS_COUNT, s);
	if (i >= 0)
		*s_r = (enum wf_state_id)i;
	return i < 0 ? -1 : 0;
}

int wf_action_parse(const char *s, enum wf_action_id *a_r)
{
	int i = name_index(action_names, WA_COUNT, s);
	if (i >= 0)
		*a_r = (enum wf_action_id)i;
	return i < 0 ? -1 : 0;
}

const struct wf_state *wf_state_of(enum wf_type t, enum wf_state_id id)
{
	for (size_t i = 0; i < NSTATES; i++)
		if (states[i].type == t && states[i].id == id)
			return &states[i];
	return NULL;
}

const struct wf_state *wf_state_find(enum wf_type t, const char *name)
{
	enum wf_state_id id;
	return wf_state_parse(name, &id) < 0 ? NULL : wf_state_of(t, id);
}

const struct wf_transition *wf_transition_of(enum wf_type t, enum wf_state_id from, enum wf_action_id action)
{
	for (size_t i = 0; i < NTRANS; i++)
		if (transitions[i].type == t && transitions[i].from == from && transitions[i].action == action)
			return &transitions[i];
	return NULL;
}

const struct wf_transition *wf_transition_find(enum wf_type t, const char *from, const char *action)
{
	enum wf_state_id f;
	enum wf_action_id a;
	if (wf_state_parse(from, &f) < 0 || wf_action_parse(action, &a) < 0)
		return NULL;
	return wf_transition_of(t, f, a);
}

void wf_transitions_from(enum wf_type t, enum wf_state_id from,
			 void (*fn)(const struct wf_transition *tr, void *arg), void *arg)
{
	for (size_t i = 0; i < NTRANS; i++)
		if (transitions[i].type == t && transitions[i].from == from)
			fn(&transitions[i], arg);
}

int wf_action_taken(enum wf_action_id a)
{
	for (size_t i = 0; i < NTRANS; i++)
		if (transitions[i].action == a)
			return 1;
	return 0;
}

static const struct { const char *name; unsigned bit; } auto_names[] = {
	{ "review", WF_AUTO_REVIEW },
	{ "verification", WF_AUTO_VERIFICATION },
	{ "report", WF_AUTO_REPORT },
	{ "conclusion", WF_AUTO_CONCLUSION },
	{ "close", WF_AUTO_CLOSE },
};

int wf_auto_parse(const char *list, unsigned *bits_r, const char **error_r)
{
	unsigned bits = 0;
	const char *p = list;
	*bits_r = 0;
	while (*p) {
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		size_t n = strcspn(p, " ,\t");
		size_t i;
		for (i = 0; i < sizeof(auto_names) / sizeof(auto_names[0]); i++)
			if (strlen(auto_names[i].name) == n && strncmp(auto_names[i].name, p, n) == 0)
				break;
		if (i == sizeof(auto_names) / sizeof(auto_names[0])) {
			*error_r = t_printf("unknown step '%.*s' (steps: review, verification, report, "
					    "conclusion, close)", (int)n, p);
			return -1;
		}
		bits |= auto_names[i].bit;
		p += n;
	}
	*bits_r = bits;
	return 0;
}

json_t *wf_describe(void)
{
	json_t *out = json_object();
	for (int t = 0; t < WF_TYPE_COUNT; t++) {
		json_t *st = json_array();
		for (size_t i = 0; i < NSTATES; i++) {
			if (states[i].type != (enum wf_type)t)
				continue;
			json_t *tr = json_array();
			for (size_t k = 0; k < NTRANS; k++) {
				if (transitions[k].type != (enum wf_type)t || transitions[k].from != states[i].id)
					continue;
				json_t *roles = json_array();
				for (int r = 0; r < ROLE_COUNT; r++)
					if (transitions[k].roles & ROLE_BIT(r))
						json_array_append_new(roles, json_string(role_name((enum role)r)));
				if (transitions[k].rules & WF_THE_PERSON)
					json_array_append_new(roles, json_string("the person"));
				if (transitions[k].rules & WF_SYSTEM_ONLY)
					json_array_append_new(roles, json_string("system"));
				json_array_append_new(tr, json_pack("{s:s, s:o, s:s, s:b}",
					"action", wf_action_name(transitions[k].action), "roles", roles,
					"to", wf_state_name(transitions[k].to),
					"note_required", (transitions[k].rules & WF_NOTE_REQUIRED) != 0));
			}
			json_array_append_new(st, json_pack("{s:s, s:s, s:b, s:o}", "state", wf_state_name(states[i].id),
				"step", states[i].step, "final", !states[i].open, "actions", tr));
		}
		json_object_set_new(out, type_names[t], st);
	}
	return out;
}
