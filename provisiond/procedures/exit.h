/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	procedures/exit - what the scheduler asks of the exit procedure (PR06)
 */
#ifndef PVD_PROCEDURES_EXIT_H
#define PVD_PROCEDURES_EXIT_H

#include "conf.h"
#include "db.h"

/* Inside the caller's transaction: starts scheduled exit id if it is still
 * scheduled and due (a reschedule or cancel that committed first wins).
 * *started_r = 1 when it was started. */
enum db_status exit_start_scheduled(const struct conf *c, long long id, int *started_r, const char **error_r);

#endif
