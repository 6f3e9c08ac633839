/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	pbx-db - the PBX database: statements, the connection, transactions
 * DESCRIPTION
 *	pbx_sql() runs one parameterized statement and turns a failure into a
 *	result (RETRY, CONFIG with the schema hint, FAIL) for the backends;
 *	the rest opens the connection (pgconn.c, shared with db-role) and
 *	the one transaction of each operation, in which the backends
 *	(backend-*.c) run.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pbx.h"

void pbx_set(struct pvd_result *res, enum pvd_status st, const char *fmt, ...)
{
	va_list ap;
	res->status = st;
	va_start(ap, fmt);
	vsnprintf(res->message, sizeof(res->message), fmt, ap);
	va_end(ap);
}

PGresult *pbx_sql(struct pbx_db *db, struct pvd_result *res, const char *what, const char *sql, int n,
		  const char *const *params)
{
	db->sqlstate[0] = '\0';
	PGresult *r = PQexecParams(db->conn, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(r);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return r;
	/* the primary message only: DETAIL may quote a row, digests included */
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char m[400];
	snprintf(m, sizeof(m), "%s", primary ? primary : PQerrorMessage(db->conn));
	m[strcspn(m, "\n")] = '\0';
	snprintf(db->sqlstate, sizeof(db->sqlstate), "%s", state ? state : "");
	if (PQstatus(db->conn) != CONNECTION_OK || state == NULL || strncmp(state, "08", 2) == 0 ||
	    strncmp(state, "40", 2) == 0 || strncmp(state, "53", 2) == 0 || strncmp(state, "57", 2) == 0)
		pbx_set(res, PVD_RETRY, "%s failed: %s", what, m);	/* connection, deadlock, shutdown */
	else if (strcmp(state, "42P01") == 0 || strcmp(state, "42703") == 0)
		pbx_set(res, PVD_CONFIG, "%s failed: %s: %s", what, m, db->schema_hint);
	else
		pbx_set(res, PVD_FAIL, "%s failed: %s", what, m);
	PQclear(r);
	return NULL;
}

int pbx_sql_do(struct pbx_db *db, struct pvd_result *res, const char *what, const char *sql, int n,
	       const char *const *params)
{
	PGresult *r = pbx_sql(db, res, what, sql, n, params);
	if (r == NULL)
		return -1;
	PQclear(r);
	return 0;
}

void pbx_free_list(char **list, int n)
{
	for (int i = 0; list != NULL && i < n; i++)
		free(list[i]);
	free(list);
}

int pbx_connect(struct pbx_inst *in, struct pvd_result *res)
{
	return pgconn_connect(&in->db.conn, in->cf->conninfo, PBX_DATABASE, res);
}

static int begin(struct pbx_inst *in, struct pvd_result *res)
{
	return pbx_sql_do(&in->db, res, "BEGIN", "BEGIN", 0, NULL);
}

void pbx_rollback(struct pbx_inst *in)
{
	if (in->db.conn != NULL && PQstatus(in->db.conn) == CONNECTION_OK &&
	    PQtransactionStatus(in->db.conn) != PQTRANS_IDLE)
		PQclear(PQexec(in->db.conn, "ROLLBACK"));
}

int pbx_commit(struct pbx_inst *in, struct pvd_result *res)
{
	struct pvd_result c;
	memset(&c, 0, sizeof(c));
	if (pbx_sql_do(&in->db, &c, "COMMIT", "COMMIT", 0, NULL) < 0) {
		res->status = c.status;
		memcpy(res->message, c.message, sizeof(res->message));
		pbx_rollback(in);
		return -1;
	}
	return 0;
}

/* A failed step: the transaction goes back, the after state is dropped. */
enum pvd_status pbx_undo(struct pbx_inst *in, struct pvd_result *res)
{
	pbx_rollback(in);
	json_decref(res->after);
	res->after = NULL;
	return res->status;
}

/* Connects, opens the operation's transaction (not in a dry run; lock_numbers
 * also takes the number-range lock) and reads the owner's extension, locked.
 * 1 found, 0 none (transaction still open), -1 failed (res set, undone). */
int pbx_load_owner(struct pbx_inst *in, const struct pvd_op *op, const char *owner, int lock_numbers,
		      struct pbx_ext *have, struct pvd_result *res)
{
	if (pbx_connect(in, res) < 0)
		return -1;
	if (!op->dry_run && (begin(in, res) < 0 || (lock_numbers && in->cf->be->lock_numbers(&in->db, res) < 0))) {
		pbx_undo(in, res);
		return -1;
	}
	int found = in->cf->be->get(&in->db, owner, !op->dry_run, have, res);
	if (found < 0)
		pbx_undo(in, res);
	return found;
}
