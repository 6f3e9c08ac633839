/*
 * NAME
 *	workflow - state and transition tables (see workflow.h)
 */
#include "config.h"
#include "workflow.h"
#include "buf.h"

#include <string.h>

#define R(r) ROLE_BIT(ROLE_##r)

static const char *const type_names[WF_TYPE_COUNT] = { "hire", "exit", "transfer", "access", "call_code" };

static const struct wf_state states[] = {
	/* hire: PR05 + new mail user + access security */
	{ WF_HIRE, "submitted", "PR05 step 2: the head of TIM checks the data is complete, approves or returns it", 1, WF_AUTO_REVIEW, "approve" },
	{ WF_HIRE, "returned", "PR05 step 1: HR corrects the data and resubmits", 1, 0, NULL },
	{ WF_HIRE, "provisioning", "PR05 steps 4-5: the technician creates the accounts, groups, access levels, mail and extension", 1, 0, NULL },
	{ WF_HIRE, "verification", "access security step 6: TIM or the person verifies the access works, or rejects it", 1, WF_AUTO_VERIFICATION, "confirm" },
	{ WF_HIRE, "report_review", "PR05 steps 6-7: the technical report is reviewed and approved by the TIM lead", 1, WF_AUTO_REPORT, "approve" },
	{ WF_HIRE, "concluding", "PR05 step 8: the head of TIM registers the position and writes the conclusion note", 1, WF_AUTO_CONCLUSION, "approve" },
	{ WF_HIRE, "concluded", "PR05 step 9: HR receives the conclusion note and closes the flow", 1, WF_AUTO_CLOSE, "confirm" },
	{ WF_HIRE, "rolling_back", "TIM undoes what provisioning did (accounts are disabled, never deleted)", 1, 0, NULL },
	{ WF_HIRE, "closed", "closed", 0, 0, NULL },
	{ WF_HIRE, "cancelled", "cancelled", 0, 0, NULL },

	/* exit: PR06 (+ PR04 desktop backup as a manual task) */
	{ WF_EXIT, "submitted", "PR06 step 2: the head of TIM checks the data is complete, approves or returns it", 1, WF_AUTO_REVIEW, "approve" },
	{ WF_EXIT, "returned", "PR06 step 1: HR corrects the data and resubmits", 1, 0, NULL },
	{ WF_EXIT, "scheduled", "approved; waits for the effective time (can be moved or cancelled until then)", 1, 0, NULL },
	{ WF_EXIT, "disabling", "PR06 steps 4-5: the technician disables every account (never deletes)", 1, 0, NULL },
	{ WF_EXIT, "report_review", "PR06 step 6: the technical report is reviewed and approved by the TIM lead", 1, WF_AUTO_REPORT, "approve" },
	{ WF_EXIT, "concluding", "PR06 step 7: the head of TIM inactivates the person in the document system and writes the conclusion note", 1, WF_AUTO_CONCLUSION, "approve" },
	{ WF_EXIT, "concluded", "PR06 step 8: HR receives the conclusion note and closes the flow", 1, WF_AUTO_CLOSE, "confirm" },
	{ WF_EXIT, "rolling_back", "TIM undoes the disabling (accounts are enabled again)", 1, 0, NULL },
	{ WF_EXIT, "closed", "closed", 0, 0, NULL },
	{ WF_EXIT, "cancelled", "cancelled", 0, 0, NULL },

	/* transfer: a change of unit or position, reviewed like a hire */
	{ WF_TRANSFER, "submitted", "the head of TIM checks the change of unit or position, approves or returns it", 1, WF_AUTO_REVIEW, "approve" },
	{ WF_TRANSFER, "returned", "HR corrects the data and resubmits", 1, 0, NULL },
	{ WF_TRANSFER, "provisioning", "the technician recomputes groups and access levels for the new unit and position", 1, 0, NULL },
	{ WF_TRANSFER, "verification", "TIM or the person verifies the new access works, or rejects it", 1, WF_AUTO_VERIFICATION, "confirm" },
	{ WF_TRANSFER, "report_review", "the technical report is reviewed and approved by the TIM lead", 1, WF_AUTO_REPORT, "approve" },
	{ WF_TRANSFER, "concluding", "the head of TIM writes the conclusion note", 1, WF_AUTO_CONCLUSION, "approve" },
	{ WF_TRANSFER, "concluded", "HR receives the conclusion note and closes the flow", 1, WF_AUTO_CLOSE, "confirm" },
	{ WF_TRANSFER, "rolling_back", "TIM puts back the access of the old unit and position", 1, 0, NULL },
	{ WF_TRANSFER, "closed", "closed", 0, 0, NULL },
	{ WF_TRANSFER, "cancelled", "cancelled", 0, 0, NULL },

	/* access: "La seguridad de acceso a la información institucional" */
	{ WF_ACCESS, "submitted", "step 3: the head of TIM specifies the request with the unit head, approves or returns it", 1, WF_AUTO_REVIEW, "approve" },
	{ WF_ACCESS, "returned", "step 2: the unit head corrects the request and sends it again", 1, 0, NULL },
	{ WF_ACCESS, "provisioning", "steps 4-5: the technician creates the groups and access levels to applications and databases", 1, 0, NULL },
	{ WF_ACCESS, "verification", "step 6: the users verify the access given; if it is wrong, back to step 4", 1, WF_AUTO_VERIFICATION, "confirm" },
	{ WF_ACCESS, "concluding", "step 7: TIM informs the unit head of the access given (the change log is updated)", 1, WF_AUTO_CONCLUSION, "approve" },
	{ WF_ACCESS, "rolling_back", "TIM undoes what provisioning did (grants taken away, revocations given back)", 1, 0, NULL },
	{ WF_ACCESS, "closed", "closed", 0, 0, NULL },
	{ WF_ACCESS, "cancelled", "cancelled", 0, 0, NULL },

	/* call_code: PR01 (a revocation skips the approvals: it only takes away) */
	{ WF_CALLCODE, "submitted", "PR01 steps 2-3: the unit head reviews the request, approves it or returns it for correction", 1, 0, NULL },
	{ WF_CALLCODE, "returned", "PR01 step 1: the requester corrects the request and sends it again", 1, 0, NULL },
	{ WF_CALLCODE, "tim_review", "PR01 steps 4-5: the head of TIM approves it and routes it to networks and telecommunications", 1, WF_AUTO_REVIEW, "approve" },
	{ WF_CALLCODE, "provisioning", "PR01 step 6: the code is generated in the IP PBX and mailed to its owner (a revocation: the code is disabled)", 1, 0, NULL },
	{ WF_CALLCODE, "concluding", "PR01 steps 7-9: TIM writes and approves the confirmation note to the unit head", 1, WF_AUTO_CONCLUSION, "approve" },
	{ WF_CALLCODE, "rolling_back", "TIM takes back the code (it is disabled)", 1, 0, NULL },
	{ WF_CALLCODE, "closed", "closed", 0, 0, NULL },
	{ WF_CALLCODE, "cancelled", "cancelled", 0, 0, NULL },
};

#define NOTE WF_NOTE_REQUIRED
#define SOD WF_NOT_SUBMITTER

static const struct wf_transition transitions[] = {
	/* hire and transfer share PR05's shape */
#define PR05(T) \
	{ T, "submitted", "approve", R(TIM_HEAD), SOD, "provisioning" }, \
	{ T, "submitted", "return", R(TIM_HEAD), NOTE | SOD, "returned" }, \
	{ T, "submitted", "cancel", R(HR) | R(TIM_HEAD), 0, "cancelled" }, \
	{ T, "returned", "resubmit", R(HR), 0, "submitted" }, \
	{ T, "returned", "cancel", R(HR) | R(TIM_HEAD), 0, "cancelled" }, \
	{ T, "provisioning", "confirm", R(TIM_TECH), SOD | WF_MANUAL_ONLY, "verification" }, \
	{ T, "verification", "confirm", R(TIM_TECH), SOD | WF_THE_PERSON, "report_review" }, \
	{ T, "verification", "reject", R(TIM_TECH), NOTE | SOD | WF_THE_PERSON, "provisioning" }, \
	{ T, "report_review", "approve", R(TIM_LEAD), SOD, "concluding" }, \
	{ T, "report_review", "return", R(TIM_LEAD), NOTE | SOD, "provisioning" }, \
	{ T, "concluding", "approve", R(TIM_HEAD), NOTE | SOD, "concluded" }, \
	{ T, "concluded", "confirm", R(HR), 0, "closed" }, \
	{ T, "provisioning", "rollback", R(TIM_HEAD), NOTE | SOD, "rolling_back" }, \
	{ T, "rolling_back", "confirm", R(TIM_TECH), SOD | WF_MANUAL_ONLY, "cancelled" }
	PR05(WF_HIRE),
	PR05(WF_TRANSFER),
#undef PR05
	{ WF_ACCESS, "submitted", "approve", R(TIM_HEAD), SOD, "provisioning" },
	{ WF_ACCESS, "submitted", "return", R(TIM_HEAD), NOTE | SOD, "returned" },
	{ WF_ACCESS, "submitted", "cancel", R(UNIT_HEAD) | R(TIM_HEAD), WF_UNIT_HEAD_OF_PERSON, "cancelled" },
	{ WF_ACCESS, "returned", "resubmit", R(UNIT_HEAD) | R(TIM_HEAD) | R(TIM_LEAD) | R(TIM_TECH), WF_UNIT_HEAD_OF_PERSON,
	  "submitted" },
	{ WF_ACCESS, "returned", "cancel", R(UNIT_HEAD) | R(TIM_HEAD), WF_UNIT_HEAD_OF_PERSON, "cancelled" },
	{ WF_ACCESS, "provisioning", "confirm", R(TIM_TECH), WF_MANUAL_ONLY, "verification" },
	{ WF_ACCESS, "verification", "confirm", R(TIM_TECH), WF_THE_PERSON, "concluding" },
	{ WF_ACCESS, "verification", "reject", R(TIM_TECH), NOTE | WF_THE_PERSON, "provisioning" },
	{ WF_ACCESS, "concluding", "approve", R(TIM_TECH) | R(TIM_HEAD), NOTE, "closed" },
	{ WF_ACCESS, "provisioning", "rollback", R(TIM_HEAD), NOTE | SOD, "rolling_back" },
	{ WF_ACCESS, "rolling_back", "confirm", R(TIM_TECH), WF_MANUAL_ONLY, "cancelled" },
	{ WF_CALLCODE, "submitted", "approve", R(UNIT_HEAD), SOD | WF_UNIT_HEAD_OF_PERSON, "tim_review" },
	{ WF_CALLCODE, "submitted", "return", R(UNIT_HEAD), NOTE | SOD | WF_UNIT_HEAD_OF_PERSON, "returned" },
	{ WF_CALLCODE, "submitted", "cancel", R(UNIT_HEAD) | R(TIM_HEAD), WF_THE_PERSON | WF_UNIT_HEAD_OF_PERSON,
	  "cancelled" },
	{ WF_CALLCODE, "submitted", "start", 0, WF_SYSTEM_ONLY, "provisioning" },	/* a revocation */
	{ WF_CALLCODE, "returned", "resubmit", R(UNIT_HEAD), WF_THE_PERSON | WF_UNIT_HEAD_OF_PERSON, "submitted" },
	{ WF_CALLCODE, "returned", "cancel", R(UNIT_HEAD) | R(TIM_HEAD), WF_THE_PERSON | WF_UNIT_HEAD_OF_PERSON,
	  "cancelled" },
	{ WF_CALLCODE, "tim_review", "approve", R(TIM_HEAD), SOD, "provisioning" },
	{ WF_CALLCODE, "tim_review", "return", R(TIM_HEAD), NOTE | SOD, "returned" },
	{ WF_CALLCODE, "tim_review", "cancel", R(TIM_HEAD), 0, "cancelled" },
	{ WF_CALLCODE, "provisioning", "confirm", R(TIM_TECH), WF_MANUAL_ONLY, "concluding" },
	{ WF_CALLCODE, "concluding", "approve", R(TIM_TECH) | R(TIM_LEAD) | R(TIM_HEAD), NOTE, "closed" },
	{ WF_CALLCODE, "provisioning", "rollback", R(TIM_HEAD), NOTE | SOD, "rolling_back" },
	{ WF_CALLCODE, "rolling_back", "confirm", R(TIM_TECH), WF_MANUAL_ONLY, "cancelled" },
	{ WF_EXIT, "submitted", "approve", R(TIM_HEAD), SOD, "scheduled" },	/* or disabling when due */
	{ WF_EXIT, "submitted", "return", R(TIM_HEAD), NOTE | SOD, "returned" },
	{ WF_EXIT, "submitted", "cancel", R(HR) | R(TIM_HEAD), 0, "cancelled" },
	{ WF_EXIT, "returned", "resubmit", R(HR), 0, "submitted" },
	{ WF_EXIT, "returned", "cancel", R(HR) | R(TIM_HEAD), 0, "cancelled" },
	{ WF_EXIT, "scheduled", "reschedule", R(HR) | R(TIM_HEAD), 0, "scheduled" },	/* or disabling when due */
	{ WF_EXIT, "scheduled", "cancel", R(HR) | R(TIM_HEAD), 0, "cancelled" },
	{ WF_EXIT, "scheduled", "start", 0, WF_SYSTEM_ONLY, "disabling" },	/* scheduler.c */
	{ WF_EXIT, "disabling", "confirm", R(TIM_TECH), SOD | WF_MANUAL_ONLY, "report_review" },
	{ WF_EXIT, "report_review", "approve", R(TIM_LEAD), SOD, "concluding" },
	{ WF_EXIT, "report_review", "return", R(TIM_LEAD), NOTE | SOD, "disabling" },
	{ WF_EXIT, "concluding", "approve", R(TIM_HEAD), NOTE | SOD, "concluded" },
	{ WF_EXIT, "concluded", "confirm", R(HR), 0, "closed" },
	{ WF_EXIT, "disabling", "rollback", R(TIM_HEAD), NOTE | SOD, "rolling_back" },
	{ WF_EXIT, "rolling_back", "confirm", R(TIM_TECH), SOD | WF_MANUAL_ONLY, "cancelled" },
};

#define NSTATES (sizeof(states) / sizeof(states[0]))
#define NTRANS (sizeof(transitions) / sizeof(transitions[0]))

const char *wf_type_name(enum wf_type t)
{
	return (unsigned)t < WF_TYPE_COUNT ? type_names[t] : "?";
}

int wf_type_parse(const char *s, enum wf_type *t_r)
{
	for (int i = 0; i < WF_TYPE_COUNT; i++)
		if (strcmp(s, type_names[i]) == 0) {
			*t_r = (enum wf_type)i;
			return 0;
		}
	return -1;
}

const struct wf_state *wf_state_find(enum wf_type t, const char *name)
{
	for (size_t i = 0; i < NSTATES; i++)
		if (states[i].type == t && strcmp(states[i].name, name) == 0)
			return &states[i];
	return NULL;
}

const struct wf_transition *wf_transition_find(enum wf_type t, const char *from, const char *action)
{
	for (size_t i = 0; i < NTRANS; i++)
		if (transitions[i].type == t && strcmp(transitions[i].from, from) == 0 &&
		    strcmp(transitions[i].action, action) == 0)
			return &transitions[i];
	return NULL;
}

void wf_transitions_from(enum wf_type t, const char *from,
			 void (*fn)(const struct wf_transition *tr, void *arg), void *arg)
{
	for (size_t i = 0; i < NTRANS; i++)
		if (transitions[i].type == t && strcmp(transitions[i].from, from) == 0)
			fn(&transitions[i], arg);
}

int wf_action_known(const char *action)
{
	for (size_t i = 0; i < NTRANS; i++)
		if (strcmp(transitions[i].action, action) == 0)
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

int wf_auto_parse(const char *list, unsigned *bits_r, char **error_r)
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
			*error_r = xasprintf("unknown step '%.*s' (steps: review, verification, report, "
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
				if (transitions[k].type != (enum wf_type)t ||
				    strcmp(transitions[k].from, states[i].name) != 0)
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
					"action", transitions[k].action, "roles", roles,
					"to", transitions[k].to,
					"note_required", (transitions[k].rules & WF_NOTE_REQUIRED) != 0));
			}
			json_array_append_new(st, json_pack("{s:s, s:s, s:b, s:o}", "state", states[i].name,
				"step", states[i].step, "final", !states[i].open, "actions", tr));
		}
		json_object_set_new(out, type_names[t], st);
	}
	return out;
}
