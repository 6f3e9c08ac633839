/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	workflow - the procedures as state machines: hires (PR05), exits
 *	(PR06), transfers, access requests, call codes (PR01)
 * DESCRIPTION
 *	Each request type is a table of states (each one a step of the
 *	written procedure, with who acts there) and transitions {from,
 *	action, roles, rules, to}. Every rule of the procedure is a row or a
 *	flag here, not an if in a handler:
 *
 *	  hire / transfer (PR05)
 *	    submitted    --approve (tim_head)------> provisioning
 *	    submitted    --return (tim_head, note)-> returned --resubmit (hr)--> submitted
 *	    provisioning --confirm (tim_tech)------> verification    [manual provisioning]
 *	    verification --confirm (tim_tech, the person)--> report_review
 *	    verification --reject (tim_tech, the person, note)--> provisioning
 *	    report_review --approve (tim_lead)-----> concluding
 *	    report_review --return (tim_lead, note)-> provisioning
 *	    concluding   --approve (tim_head, note = conclusion)--> concluded
 *	    concluded    --confirm (hr)------------> closed
 *	    submitted, returned --cancel (hr, tim_head)--> cancelled
 *
 *	  exit (PR06)
 *	    submitted --approve (tim_head)--> scheduled (effective later) or disabling
 *	    scheduled --reschedule (hr, tim_head) / cancel (hr, tim_head)
 *	    scheduled --start (the scheduler, at effective_at)--> disabling
 *	    disabling --confirm (tim_tech)--> report_review --> concluding --> concluded --> closed
 *
 *	  call_code (PR01)
 *	    submitted  --approve (unit head of the person's unit)--> tim_review
 *	    submitted  --return (that unit head, note)--> returned --resubmit (the person, unit head)--> submitted
 *	    tim_review --approve (tim_head)--> provisioning --(code issued and mailed)--> concluding
 *	    concluding --approve (TIM, note = confirmation to the unit head)--> closed
 *	    A unit head's own filing is their approval; a revocation starts
 *	    provisioning at once ("start", by the service): it only takes away.
 *
 *	  provisioning / disabling --rollback (tim_head, note)--> rolling_back
 *	    --(the undo is done)--> cancelled
 *
 *	Nobody approves, confirms or rejects what they submitted. Steps listed
 *	in workflow_auto_<type> are taken at once by the actor "system".
 *	Provisioning goes through provision.h: in manual mode a technician
 *	confirms the work; when plugins run it, the queue moves the request on.
 */
#ifndef PVD_WORKFLOW_H
#define PVD_WORKFLOW_H

#include <jansson.h>
#include "roles.h"

enum wf_type { WF_HIRE, WF_EXIT, WF_TRANSFER, WF_ACCESS, WF_CALLCODE, WF_TYPE_COUNT };

/* The states and actions of every procedure. The API and the database
 * speak their names; inside the daemon they are these. */
enum wf_state_id {
	WS_SUBMITTED, WS_RETURNED, WS_TIM_REVIEW, WS_SCHEDULED, WS_PROVISIONING, WS_DISABLING, WS_VERIFICATION,
	WS_REPORT_REVIEW, WS_CONCLUDING, WS_CONCLUDED, WS_ROLLING_BACK, WS_CLOSED, WS_CANCELLED,
	WS_COUNT,
	WS_ANY = WS_COUNT	/* in effect tables: whatever the state */
};

enum wf_action_id {
	WA_SUBMIT, WA_APPROVE, WA_RETURN, WA_RESUBMIT, WA_CANCEL, WA_CONFIRM, WA_REJECT, WA_ROLLBACK,
	WA_RESCHEDULE, WA_START,
	WA_COUNT,
	WA_NONE = WA_COUNT,	/* a state with no automatic action */
	WA_ANY = WA_COUNT	/* in effect tables: whatever the action */
};

/* Steps a policy may make automatic. */
enum wf_auto {
	WF_AUTO_REVIEW = 1u << 0,	/* submitted -> approve */
	WF_AUTO_VERIFICATION = 1u << 1,	/* verification -> confirm */
	WF_AUTO_REPORT = 1u << 2,	/* report_review -> approve */
	WF_AUTO_CONCLUSION = 1u << 3,	/* concluding -> approve */
	WF_AUTO_CLOSE = 1u << 4,	/* concluded -> confirm */
};

/* Transition rules */
#define WF_NOTE_REQUIRED	(1u << 0)	/* a reason/note must be given */
#define WF_NOT_SUBMITTER	(1u << 1)	/* separation of duties */
#define WF_THE_PERSON		(1u << 2)	/* the person the request is about may act */
#define WF_MANUAL_ONLY		(1u << 3)	/* only while provisioning is manual */
#define WF_SYSTEM_ONLY		(1u << 4)	/* taken by the service itself (the scheduler) */
#define WF_UNIT_HEAD_OF_PERSON	(1u << 5)	/* a unit head acts only for people of their unit */

struct wf_state {
	enum wf_type type;
	enum wf_state_id id;
	const char *step;	/* the procedure's words for this step */
	int open;		/* 0: final state */
	unsigned auto_bit;	/* policy bit that makes this step automatic */
	enum wf_action_id auto_action;
};

struct wf_transition {
	enum wf_type type;
	enum wf_state_id from;
	enum wf_action_id action;
	role_mask roles;
	unsigned rules;
	enum wf_state_id to;
};

const char *wf_type_name(enum wf_type t);
const char *wf_state_name(enum wf_state_id s);
const char *wf_action_name(enum wf_action_id a);
/* 0, or -1 when s names nothing */
int wf_type_parse(const char *s, enum wf_type *t_r);
int wf_state_parse(const char *s, enum wf_state_id *s_r);
int wf_action_parse(const char *s, enum wf_action_id *a_r);

/* The state's row, or NULL when the procedure has no such state. */
const struct wf_state *wf_state_of(enum wf_type t, enum wf_state_id id);
const struct wf_state *wf_state_find(enum wf_type t, const char *name);
/* The transition for action in state, or NULL. */
const struct wf_transition *wf_transition_of(enum wf_type t, enum wf_state_id from, enum wf_action_id action);
const struct wf_transition *wf_transition_find(enum wf_type t, const char *from, const char *action);
/* Calls fn for each transition leaving state. */
void wf_transitions_from(enum wf_type t, enum wf_state_id from,
			 void (*fn)(const struct wf_transition *tr, void *arg), void *arg);
/* Is a an action some transition takes (submit is not one a person can ask for)? */
int wf_action_taken(enum wf_action_id a);

/* "review, report" -> bits. 0 or -1 + *error_r naming the bad word. */
int wf_auto_parse(const char *list, unsigned *bits_r, const char **error_r);

/* Every state and transition, for the API contract and documentation. */
json_t *wf_describe(void);

#endif
