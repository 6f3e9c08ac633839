/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	pgconn - the PostgreSQL connection of the db-role and pbx plugins
 * DESCRIPTION
 *	See pgconn.h.
 */
#include "config.h"
#include "pgconn.h"

#include <stdio.h>
#include <string.h>

int pgconn_connect(PGconn **conn, const char *conninfo, const char *what, struct pvd_result *res)
{
	if (*conn != NULL && PQstatus(*conn) == CONNECTION_OK) {
		if (PQtransactionStatus(*conn) != PQTRANS_IDLE)
			PQclear(PQexec(*conn, "ROLLBACK"));	/* never inherit a half transaction */
		return 0;
	}
	pgconn_close(conn);
	*conn = PQconnectdb(conninfo);
	if (PQstatus(*conn) != CONNECTION_OK) {
		char m[512];
		snprintf(m, sizeof(m), "%s", PQerrorMessage(*conn));
		m[strcspn(m, "\n")] = '\0';
		res->status = PVD_RETRY;
		snprintf(res->message, sizeof(res->message), "connect to %s failed: %s", what, m);
		pgconn_close(conn);
		return -1;
	}
	return 0;
}

enum pvd_status pgconn_check(PGconn **conn, const char *conninfo, const char *what, char *message, size_t size)
{
	struct pvd_result res;
	memset(&res, 0, sizeof(res));
	if (pgconn_connect(conn, conninfo, what, &res) < 0) {
		snprintf(message, size, "%s", res.message);
		return PVD_RETRY;
	}
	snprintf(message, size, "connected");
	return PVD_OK;
}

void pgconn_close(PGconn **conn)
{
	if (*conn != NULL)
		PQfinish(*conn);
	*conn = NULL;
}
