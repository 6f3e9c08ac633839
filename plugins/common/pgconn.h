/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	pgconn - the PostgreSQL connection of the db-role and pbx plugins
 * SYNOPSIS
 *	#include "pgconn.h"
 *
 *	if (pgconn_connect(&h->conn, conf->conninfo, "the application database", res) < 0)
 *		return res->status;		// RETRY, res->message says why
 *	check():	return pgconn_check(&h->conn, conf->conninfo, "the application database", message, size);
 *	detach():	pgconn_close(&h->conn);
 * DESCRIPTION
 *	Compiled into each plugin that talks to PostgreSQL (as ldapconn is
 *	into the LDAP ones). One connection per handle, made on first use
 *	and kept while it is up; a broken one is made anew on the next use.
 *	A kept connection never hands a half-done transaction to the next
 *	operation: it is rolled back first.
 * DIAGNOSTICS
 *	"connect to <what> failed: <libpq's first line>", as RETRY.
 */
#ifndef PVD_PGCONN_H
#define PVD_PGCONN_H

#include <stddef.h>
#include <libpq-fe.h>
#include <provisiond-plugin.h>

/* *conn connected to conninfo (kept, or made anew): 0, or -1 with res
 * RETRY and *conn NULL. what names the database in the message. */
int pgconn_connect(PGconn **conn, const char *conninfo, const char *what, struct pvd_result *res);
/* A plugin's check() of the connection: OK "connected", or RETRY with
 * pgconn_connect's message. */
enum pvd_status pgconn_check(PGconn **conn, const char *conninfo, const char *what, char *message, size_t size);
/* Closes *conn (if open); *conn NULL. */
void pgconn_close(PGconn **conn);

#endif
