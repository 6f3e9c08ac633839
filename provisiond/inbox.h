/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	inbox - what waits for the signed-in person, and the head of TIM's
 *	dashboard
 */
#ifndef PVD_INBOX_H
#define PVD_INBOX_H

#include "auth.h"
#include "outcome.h"

/* Every open request the caller may act on now (its your_actions is not
 * empty), oldest waiting first, and the open manual tasks of the
 * caller's roles. */
void inbox_list(const struct principal *who, struct outcome *o);

/* Open requests by procedure and state with the oldest's wait, the
 * queue's backlog and dead operations, the outbox's backlog. */
void dashboard_get(struct outcome *o);

#endif
