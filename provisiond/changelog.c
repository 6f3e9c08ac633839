/*
 * NAME
 *	changelog - change-log appends (see changelog.h)
 */
#include "config.h"
#include "changelog.h"
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>

enum db_status changelog_append(const struct cl_entry *e, const char **error_r)
{
	char req[32];
	char *before = e->before ? json_dumps(e->before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *after = e->after ? json_dumps(e->after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	snprintf(req, sizeof(req), "%lld", e->request_id);
	const char *params[11] = {
		e->actor, e->actor_role, e->request_id ? req : NULL, e->employee_number, e->system,
		e->action, e->object, before, after, e->outcome ? e->outcome : "ok", e->error,
	};
	enum db_status st = db_exec("changelog.append",
		"SELECT changelog_append($1, $2, $3::bigint, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10, $11)",
		11, params, error_r);
	free(before);
	free(after);
	return st;
}
