/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	tasks - manual tasks: the open (or done) list, and marking one done
 */
#ifndef PVD_TASKS_H
#define PVD_TASKS_H

#include <jansson.h>
#include "auth.h"
#include "conf.h"
#include "outcome.h"

void tasks_list(const struct principal *who, const char *state, const char *role, struct outcome *o);
/* The tasks in state (open, done) whose role is in *only (NULL: any
 * role), as GET /v1/tasks shows them: {"items": [...]}. */
void tasks_of(const char *state, const role_mask *only, struct outcome *o);
/* By someone holding the task's role, with a note; when it was the last
 * thing the step waited for, the request moves on. */
void tasks_done(const struct conf *c, const struct principal *who, long long id, json_t *body, struct outcome *o);

#endif
