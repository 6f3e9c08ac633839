/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	api - the route table of the REST API and its handlers
 * DESCRIPTION
 *	One table lists every route with the roles that may call it, so the
 *	role check is in one place (http.c) and the OpenAPI contract test
 *	can compare the table with api/openapi.yaml.
 */
#ifndef PVD_API_H
#define PVD_API_H

#include <stddef.h>
#include "router.h"

extern const struct route api_routes[];
extern const size_t api_route_count;

/* api_system.c */
void api_health(struct http_ctx *ctx);
void api_metrics(struct http_ctx *ctx);
void api_whoami(struct http_ctx *ctx);
void api_tokens_list(struct http_ctx *ctx);
void api_tokens_create(struct http_ctx *ctx);
void api_tokens_revoke(struct http_ctx *ctx);

/* api_contract.c */
void api_openapi(struct http_ctx *ctx);

/* api_console.c */
void api_session_create(struct http_ctx *ctx);
void api_session_get(struct http_ctx *ctx);
void api_session_delete(struct http_ctx *ctx);
void api_inbox(struct http_ctx *ctx);
void api_dashboard(struct http_ctx *ctx);
void api_people_list(struct http_ctx *ctx);

/* api_requests.c */
void api_hires_create(struct http_ctx *ctx);
void api_access_requests_create(struct http_ctx *ctx);
void api_access_catalogue(struct http_ctx *ctx);
void api_call_code_requests_create(struct http_ctx *ctx);
void api_outbox(struct http_ctx *ctx);
void api_exits_create(struct http_ctx *ctx);
void api_hires_batch(struct http_ctx *ctx);
void api_exits_batch(struct http_ctx *ctx);
void api_transfers_create(struct http_ctx *ctx);
void api_requests_list(struct http_ctx *ctx);
void api_requests_get(struct http_ctx *ctx);
void api_requests_act(struct http_ctx *ctx);
void api_requests_report(struct http_ctx *ctx);
void api_people_get(struct http_ctx *ctx);
void api_workflows(struct http_ctx *ctx);
void api_requests_plan(struct http_ctx *ctx);
void api_queue(struct http_ctx *ctx);
void api_operation_retry(struct http_ctx *ctx);
void api_operation_resolve(struct http_ctx *ctx);
void api_people_password_token(struct http_ctx *ctx);
void api_people_password_token_revoke(struct http_ctx *ctx);
void api_password_set(struct http_ctx *ctx);
void api_reconcile(struct http_ctx *ctx);
void api_changelog_list(struct http_ctx *ctx);
void api_changelog_verify(struct http_ctx *ctx);
void api_changelog_head(struct http_ctx *ctx);
void api_people_access(struct http_ctx *ctx);
void api_contracts_ending(struct http_ctx *ctx);
void api_tasks_list(struct http_ctx *ctx);
void api_tasks_done(struct http_ctx *ctx);
void api_contracts_extend(struct http_ctx *ctx);
void api_access_holders(struct http_ctx *ctx);
void api_reconcile_repair(struct http_ctx *ctx);

/* Answers a store failure: 503 when PostgreSQL is unreachable, else 500. */
void api_db_failure(struct http_ctx *ctx, int db_status, const char *error);

#endif
