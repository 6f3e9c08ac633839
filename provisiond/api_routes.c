/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	api_routes - every route of the REST API with the roles that may call it
 * DESCRIPTION
 *	The one table (api.h): http.c checks the role here before a handler
 *	runs, and the contract test compares it with api/openapi.yaml.
 */
#include "config.h"
#include "api.h"
#include "scim/scim.h"

#define R(r) ROLE_BIT(ROLE_##r)

const struct route api_routes[] = {
	{ "GET", "/v1/health", ROUTE_PUBLIC, 0, api_health },
	{ "GET", "/metrics", R(MONITOR) | R(ADMIN), 0, api_metrics },
	/* public: the contract is no secret, and tools fetch it without credentials */
	{ "GET", "/openapi.yaml", ROUTE_PUBLIC, 0, api_openapi },
	{ "GET", "/v1/whoami", ROLES_ANY, 0, api_whoami },
	/* the console's sign-in: public, the password in the body is the credential */
	{ "POST", "/v1/session", ROUTE_PUBLIC, ROUTE_JSON_BODY, api_session_create },
	{ "GET", "/v1/session", ROLES_ANY, 0, api_session_get },
	{ "DELETE", "/v1/session", ROLES_ANY, 0, api_session_delete },
	{ "GET", "/v1/inbox", ROLES_ANY, 0, api_inbox },
	{ "GET", "/v1/dashboard", R(TIM_HEAD) | R(TIM_LEAD) | R(ADMIN) | R(MONITOR), 0, api_dashboard },
	/* HR, TIM and auditors see any unit; a unit head their own (checked in people.c) */
	{ "GET", "/v1/people", R(HR) | R(TIM_HEAD) | R(TIM_LEAD) | R(TIM_TECH) | R(AUDITOR) | R(ADMIN) | R(UNIT_HEAD), 0,
	  api_people_list },
	{ "GET", "/v1/tokens", R(ADMIN), 0, api_tokens_list },
	{ "POST", "/v1/tokens", R(ADMIN), ROUTE_JSON_BODY, api_tokens_create },
	{ "DELETE", "/v1/tokens/{name}", R(ADMIN), 0, api_tokens_revoke },
	{ "POST", "/v1/hires", R(HR), ROUTE_JSON_BODY, api_hires_create },
	{ "POST", "/v1/exits", R(HR), ROUTE_JSON_BODY, api_exits_create },
	{ "POST", "/v1/hires/batch", R(HR), ROUTE_JSON_BODY, api_hires_batch },
	{ "POST", "/v1/exits/batch", R(HR), ROUTE_JSON_BODY, api_exits_batch },
	{ "POST", "/v1/transfers", R(HR), ROUTE_JSON_BODY, api_transfers_create },
	{ "POST", "/v1/access-requests", R(UNIT_HEAD) | R(TIM_HEAD) | R(TIM_LEAD) | R(TIM_TECH), ROUTE_JSON_BODY,
	  api_access_requests_create },
	{ "GET", "/v1/access-catalogue", ROLES_ANY, 0, api_access_catalogue },
	/* the person or the head of their unit (checked against the person) */
	{ "POST", "/v1/call-code-requests", ROLES_ANY, ROUTE_JSON_BODY, api_call_code_requests_create },
	{ "GET", "/v1/outbox", R(TIM_TECH) | R(TIM_LEAD) | R(TIM_HEAD) | R(ADMIN) | R(MONITOR), 0, api_outbox },
	{ "GET", "/v1/requests", ROLES_ANY, 0, api_requests_list },
	{ "GET", "/v1/requests/{id}", ROLES_ANY, 0, api_requests_get },
	/* every role may try; the workflow's table decides per state */
	{ "POST", "/v1/requests/{id}/{action}", ROLES_ANY, ROUTE_JSON_OPTIONAL, api_requests_act },
	{ "GET", "/v1/requests/{id}/report", ROLES_ANY, 0, api_requests_report },
	{ "GET", "/v1/people/{employee_number}", ROLES_ANY, 0, api_people_get },
	{ "GET", "/v1/workflows", ROLES_ANY, 0, api_workflows },
	{ "GET", "/v1/requests/{id}/plan", ROLES_ANY, 0, api_requests_plan },
	{ "GET", "/v1/queue", R(TIM_TECH) | R(TIM_LEAD) | R(TIM_HEAD) | R(ADMIN), 0, api_queue },
	{ "POST", "/v1/operations/{id}/retry", R(TIM_TECH), ROUTE_JSON_OPTIONAL, api_operation_retry },
	{ "POST", "/v1/operations/{id}/resolve", R(TIM_TECH), ROUTE_JSON_BODY, api_operation_resolve },
	{ "POST", "/v1/people/{employee_number}/password-token", R(TIM_TECH) | R(TIM_HEAD), ROUTE_JSON_OPTIONAL,
	  api_people_password_token },
	{ "DELETE", "/v1/people/{employee_number}/password-token", R(TIM_TECH) | R(TIM_HEAD), 0,
	  api_people_password_token_revoke },
	{ "GET", "/v1/reconcile", R(TIM_TECH) | R(TIM_LEAD) | R(TIM_HEAD) | R(AUDITOR) | R(ADMIN), 0, api_reconcile },
	{ "POST", "/v1/reconcile/repair", R(TIM_TECH), ROUTE_JSON_BODY, api_reconcile_repair },
	{ "GET", "/v1/changelog", R(AUDITOR) | R(TIM_HEAD) | R(TIM_LEAD), 0, api_changelog_list },
	{ "GET", "/v1/changelog/verify", R(AUDITOR) | R(TIM_HEAD) | R(TIM_LEAD), 0, api_changelog_verify },
	{ "GET", "/v1/changelog/head", R(AUDITOR) | R(TIM_HEAD) | R(TIM_LEAD), 0, api_changelog_head },
	{ "GET", "/v1/people/{employee_number}/access", R(AUDITOR) | R(TIM_HEAD) | R(TIM_LEAD) | R(TIM_TECH), 0,
	  api_people_access },
	{ "GET", "/v1/tasks", R(TIM_TECH) | R(TIM_LEAD) | R(TIM_HEAD) | R(HR) | R(AUDITOR), 0, api_tasks_list },
	/* any signed-in caller may try; the task's own role decides */
	{ "POST", "/v1/tasks/{id}/done", ROLES_ANY, ROUTE_JSON_BODY, api_tasks_done },
	{ "GET", "/v1/contracts/ending", R(HR) | R(TIM_HEAD) | R(TIM_LEAD) | R(TIM_TECH) | R(AUDITOR), 0,
	  api_contracts_ending },
	{ "POST", "/v1/people/{employee_number}/contract", R(HR), ROUTE_JSON_BODY, api_contracts_extend },
	{ "GET", "/v1/access/holders", R(AUDITOR) | R(TIM_HEAD) | R(TIM_LEAD) | R(TIM_TECH), 0, api_access_holders },
	/* public: the person has no password yet; the one-time token is the credential */
	{ "POST", "/v1/password", ROUTE_PUBLIC, ROUTE_JSON_BODY, api_password_set },
	/* SCIM 2.0 (scim/scim.h): HR's systems write; whoever reads people may read */
#define SCIM_READ R(HR) | R(AUDITOR) | R(TIM_HEAD) | R(TIM_LEAD) | R(TIM_TECH) | R(ADMIN)
	{ "GET", "/scim/v2/ServiceProviderConfig", ROLES_ANY, 0, api_scim_service_provider_config },
	{ "GET", "/scim/v2/ResourceTypes", ROLES_ANY, 0, api_scim_resource_types },
	{ "GET", "/scim/v2/ResourceTypes/{name}", ROLES_ANY, 0, api_scim_resource_type },
	{ "GET", "/scim/v2/Schemas", ROLES_ANY, 0, api_scim_schemas },
	{ "GET", "/scim/v2/Schemas/{urn}", ROLES_ANY, 0, api_scim_schema },
	{ "GET", "/scim/v2/Users", SCIM_READ, 0, api_scim_users_list },
	{ "POST", "/scim/v2/Users", R(HR), ROUTE_JSON_BODY, api_scim_users_create },
	{ "POST", "/scim/v2/Users/.search", SCIM_READ, ROUTE_JSON_BODY, api_scim_users_search },
	{ "GET", "/scim/v2/Users/{id}", SCIM_READ, 0, api_scim_user_get },
	{ "PUT", "/scim/v2/Users/{id}", R(HR), ROUTE_JSON_BODY, api_scim_user_put },
	{ "PATCH", "/scim/v2/Users/{id}", R(HR), ROUTE_JSON_BODY, api_scim_user_patch },
	{ "DELETE", "/scim/v2/Users/{id}", R(HR), 0, api_scim_user_delete },
	{ "GET", "/scim/v2/Groups", SCIM_READ, 0, api_scim_groups_list },
	{ "POST", "/scim/v2/Groups", R(HR), 0, api_scim_groups_write },
	{ "GET", "/scim/v2/Groups/{id}", SCIM_READ, 0, api_scim_group_get },
	{ "PUT", "/scim/v2/Groups/{id}", R(HR), 0, api_scim_groups_write },
	{ "PATCH", "/scim/v2/Groups/{id}", R(HR), 0, api_scim_groups_write },
	{ "DELETE", "/scim/v2/Groups/{id}", R(HR), 0, api_scim_groups_write },
	{ "POST", "/scim/v2/Bulk", R(HR), ROUTE_JSON_BODY, api_scim_bulk },
};
const size_t api_route_count = sizeof(api_routes) / sizeof(api_routes[0]);
