/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The workflow tables: every transition leads to a known state, every
 * open state can be left, rules are where the procedures put them, and
 * the policy parser names what it does not know. */
#include "config.h"
#include "workflow.h"
#include "unit.h"

#include <stdlib.h>

struct walk { enum wf_type t; int count; int bad; };

static void check_target(const struct wf_transition *tr, void *arg)
{
	struct walk *w = arg;
	w->count++;
	if (wf_state_of(w->t, tr->to) == NULL) {
		w->bad++;
		fprintf(stderr, "transition %s --%s--> %s: unknown target\n", wf_state_name(tr->from),
			wf_action_name(tr->action), wf_state_name(tr->to));
	}
}

/* The transitions leaving the state called name (none when it names no state). */
static void walk_from(enum wf_type t, const char *name, struct walk *w)
{
	enum wf_state_id from;
	if (wf_state_parse(name, &from) == 0)
		wf_transitions_from(t, from, check_target, w);
}

int main(void)
{
	static const char *const hire_states[] = { "submitted", "returned", "provisioning", "verification",
		"report_review", "concluding", "concluded", NULL };
	for (int t = 0; t < WF_CALLCODE; t++)	/* PR01's own shape is checked below */
		for (int i = 0; hire_states[i]; i++) {
			struct walk w = { (enum wf_type)t, 0, 0 };
			const char *s = hire_states[i];
			if (t == WF_EXIT && (strcmp(s, "provisioning") == 0 || strcmp(s, "verification") == 0))
				s = strcmp(s, "provisioning") == 0 ? "disabling" : "scheduled";
			/* the access procedure has no report and ends at the note to the unit head */
			if (t == WF_ACCESS && (strcmp(s, "report_review") == 0 || strcmp(s, "concluded") == 0)) {
				CHECK(wf_state_find(WF_ACCESS, s) == NULL, "access has no state %s", s);
				continue;
			}
			walk_from((enum wf_type)t, s, &w);
			CHECK(w.count > 0, "%s state %s has no way out", wf_type_name((enum wf_type)t), s);
			CHECK_INT(w.bad, 0);
		}
	/* final states have no way out */
	struct walk w = { WF_HIRE, 0, 0 };
	walk_from(WF_HIRE, "closed", &w);
	CHECK_INT(w.count, 0);

	const struct wf_transition *tr = wf_transition_find(WF_HIRE, "submitted", "approve");
	CHECK(tr && tr->roles == ROLE_BIT(ROLE_TIM_HEAD) && (tr->rules & WF_NOT_SUBMITTER), "PR05 step 2: tim_head approves");
	tr = wf_transition_find(WF_HIRE, "submitted", "return");
	CHECK(tr && (tr->rules & WF_NOTE_REQUIRED) && strcmp(wf_state_name(tr->to), "returned") == 0, "return needs a reason");
	tr = wf_transition_find(WF_HIRE, "verification", "reject");
	CHECK(tr && strcmp(wf_state_name(tr->to), "provisioning") == 0 && (tr->rules & WF_THE_PERSON), "rejected access goes back to the technician");
	tr = wf_transition_find(WF_HIRE, "report_review", "approve");
	CHECK(tr && tr->roles == ROLE_BIT(ROLE_TIM_LEAD), "the TIM lead approves the report");
	tr = wf_transition_find(WF_EXIT, "scheduled", "reschedule");
	CHECK(tr != NULL, "a scheduled exit can be moved");
	CHECK(wf_transition_find(WF_EXIT, "disabling", "cancel") == NULL, "a running exit cannot be cancelled");
	CHECK(wf_transition_find(WF_HIRE, "provisioning", "cancel") == NULL, "provisioning cannot be cancelled half-way");
	tr = wf_transition_find(WF_HIRE, "provisioning", "rollback");
	CHECK(tr && tr->roles == ROLE_BIT(ROLE_TIM_HEAD) && (tr->rules & WF_NOTE_REQUIRED) &&
	      strcmp(wf_state_name(tr->to), "rolling_back") == 0, "provisioning is undone by a rollback, with a reason");
	tr = wf_transition_find(WF_EXIT, "rolling_back", "confirm");
	CHECK(tr && strcmp(wf_state_name(tr->to), "cancelled") == 0, "a rolled-back exit ends cancelled");

	/* access security: unit head asks, head of TIM approves, users verify or send it back */
	tr = wf_transition_find(WF_ACCESS, "submitted", "approve");
	CHECK(tr && tr->roles == ROLE_BIT(ROLE_TIM_HEAD) && (tr->rules & WF_NOT_SUBMITTER), "access: tim_head approves");
	tr = wf_transition_find(WF_ACCESS, "verification", "reject");
	CHECK(tr && strcmp(wf_state_name(tr->to), "provisioning") == 0 && (tr->rules & WF_THE_PERSON) && (tr->rules & WF_NOTE_REQUIRED),
	      "access: the user rejects with a reason, back to step 4");
	tr = wf_transition_find(WF_ACCESS, "concluding", "approve");
	CHECK(tr && (tr->roles & ROLE_BIT(ROLE_TIM_TECH)) && (tr->rules & WF_NOTE_REQUIRED) && strcmp(wf_state_name(tr->to), "closed") == 0,
	      "access: TIM informs the unit head with a note, which closes it");
	CHECK(wf_transition_find(WF_ACCESS, "returned", "resubmit") != NULL, "access: a returned request is sent again");

	/* PR01: the person asks; their unit head, then the head of TIM approve;
	 * the code is made and mailed; TIM's confirmation note closes it */
	static const char *const cc_states[] = { "submitted", "returned", "tim_review", "provisioning",
		"concluding", "rolling_back", NULL };
	for (int i = 0; cc_states[i]; i++) {
		struct walk cw = { WF_CALLCODE, 0, 0 };
		walk_from(WF_CALLCODE, cc_states[i], &cw);
		CHECK(cw.count > 0, "call_code state %s has no way out", cc_states[i]);
		CHECK_INT(cw.bad, 0);
	}
	tr = wf_transition_find(WF_CALLCODE, "submitted", "approve");
	CHECK(tr && tr->roles == ROLE_BIT(ROLE_UNIT_HEAD) && (tr->rules & WF_UNIT_HEAD_OF_PERSON) &&
	      (tr->rules & WF_NOT_SUBMITTER) && strcmp(wf_state_name(tr->to), "tim_review") == 0,
	      "PR01 steps 2-3: the head of the person's unit approves first");
	tr = wf_transition_find(WF_CALLCODE, "tim_review", "approve");
	CHECK(tr && tr->roles == ROLE_BIT(ROLE_TIM_HEAD) && strcmp(wf_state_name(tr->to), "provisioning") == 0,
	      "PR01 step 4: then the head of TIM");
	tr = wf_transition_find(WF_CALLCODE, "submitted", "start");
	CHECK(tr && (tr->rules & WF_SYSTEM_ONLY) && strcmp(wf_state_name(tr->to), "provisioning") == 0,
	      "a revocation is started by the service, not approved by a person");
	tr = wf_transition_find(WF_CALLCODE, "returned", "resubmit");
	CHECK(tr && (tr->rules & WF_THE_PERSON), "the person corrects a returned request");
	CHECK(wf_transition_find(WF_CALLCODE, "tim_review", "confirm") == NULL, "no shortcut past TIM's approval");

	unsigned bits = 0;
	const char *err = NULL;
	CHECK_INT(wf_auto_parse("review, report  close", &bits, &err), 0);
	CHECK_INT(bits, WF_AUTO_REVIEW | WF_AUTO_REPORT | WF_AUTO_CLOSE);
	CHECK_INT(wf_auto_parse("", &bits, &err), 0);
	CHECK_INT(bits, 0);
	CHECK_INT(wf_auto_parse("review,lunch", &bits, &err), -1);
	CHECK(err && strstr(err, "'lunch'"), "names the bad step: %s", err ? err : "");

	enum wf_type t;
	CHECK(wf_type_parse("exit", &t) == 0 && t == WF_EXIT, "exit parses");
	CHECK(wf_type_parse("access", &t) == 0 && t == WF_ACCESS, "access parses");
	CHECK(wf_type_parse("party", &t) < 0, "unknown type refused");
	json_t *d = wf_describe();
	CHECK(json_array_size(json_object_get(d, "hire")) == 10, "10 hire states described");
	json_decref(d);
	return unit_done("test-workflow");
}
