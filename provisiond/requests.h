/*
 * NAME
 *	requests - hires, exits and transfers: create, act, read, report
 * DESCRIPTION
 *	Every change runs in one PostgreSQL transaction that also writes the
 *	step, the change-log entries and (with an Idempotency-Key) the answer
 *	to replay. The request row is locked (SELECT ... FOR UPDATE) before
 *	its state is checked, so of two concurrent actions exactly one wins
 *	and the other is told what the state has become (409).
 */
#ifndef PVD_REQUESTS_H
#define PVD_REQUESTS_H

#include <jansson.h>
#include "auth.h"
#include "conf.h"
#include "workflow.h"

/* What a call produced: an HTTP status and either a body or an error. */
struct outcome {
	int status;
	json_t *body;		/* success body (owned) */
	const char *code;	/* error code when body is NULL */
	char field[64];
	char message[768];
};

struct idem {
	const char *key;	/* NULL: no Idempotency-Key header */
	char fingerprint[65];
};

void requests_create(const struct conf *c, const struct principal *who, enum wf_type type,
		     json_t *payload, const struct idem *idem, struct outcome *o);
void requests_act(const struct conf *c, const struct principal *who, long long id,
		  const char *action, json_t *body, const struct idem *idem, struct outcome *o);
void requests_get(const struct principal *who, long long id, struct outcome *o);
void requests_list(const struct principal *who, const char *const *filters, struct outcome *o);
void requests_report(const struct principal *who, long long id, int as_text, struct outcome *o,
		     char **text_r);
void people_get(const struct principal *who, const char *employee_number, struct outcome *o);

/* Inside the caller's transaction (request row locked): when every
 * operation of the request's round is done, take the provisioning step's
 * confirm as "system" and move on. No-op otherwise. */
enum db_status requests_round_done(const struct conf *c, long long request_id, int round, char **error_r);

/* Inside the caller's transaction: starts a scheduled exit that is due. */
enum db_status requests_start_scheduled(const struct conf *c, long long id, int *started_r, char **error_r);

/* Contracts: the service's automatic exit at a consultant's contract end
 * (inside the caller's transaction), HR's warning list and extensions. */
enum db_status requests_contract_end_exit(const struct conf *c, int *created_r, char **error_r);
void contracts_ending(const struct conf *c, const char *days, struct outcome *o);
void contracts_extend(const struct principal *who, const char *employee_number, json_t *body, struct outcome *o);

/* Dry run: what each plugin would change for this request now. */
void requests_plan(const struct principal *who, long long id, struct outcome *o);

/* Set-password flow: a one-time token for a person (delivered as
 * password_token_delivery says), its revocation, and its use. */
void people_password_token(const struct conf *c, const struct principal *who, const char *employee_number,
			   struct outcome *o);
void people_password_token_revoke(const struct principal *who, const char *employee_number, struct outcome *o);
void people_set_password(const struct conf *c, json_t *body, struct outcome *o);

/* Reconciliation: what the targets hold against what provisiond believes
 * (all provisioned people, or one), and repairing one person's drift. */
void reconcile_report(const struct principal *who, const char *employee_number, struct outcome *o);
void reconcile_repair(const struct principal *who, json_t *body, struct outcome *o);

/* Manual tasks: the open (or done) list, and marking one done. */
void tasks_list(const struct principal *who, const char *state, const char *role, struct outcome *o);
void tasks_done(const struct conf *c, const struct principal *who, long long id, json_t *body, struct outcome *o);

/* The checks of a request's body that need only the body and the
 * configuration (no directory, no database): 0, or the HTTP status with
 * the field and message. For the fuzz targets and unit tests. */
int requests_check_input(const struct conf *c, enum wf_type t, json_t *payload, char *field_r, size_t field_size,
			 char *message_r, size_t message_size);

/* The actor string recorded for who: the login, or "token:<name>". */
void actor_id(const struct principal *who, char out[160]);

/* Indexes of filters[] for requests_list */
enum { LF_TYPE, LF_STATE, LF_EMPLOYEE, LF_SUBMITTED_BY, LF_AFTER, LF_BEFORE, LF_LIMIT, LF_CURSOR, LF_COUNT };

#endif
