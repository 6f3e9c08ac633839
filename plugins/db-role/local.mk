# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
# plugins/db-role/local.mk - the db-role plugin (PostgreSQL roles)

pkglib_LTLIBRARIES += %reldir%/db-role.la
%canon_reldir%_db_role_la_SOURCES = %reldir%/db-role.c $(PLUGIN_PGCONN_SOURCES) $(PLUGIN_HEADER)
%canon_reldir%_db_role_la_CFLAGS = $(PLUGIN_CFLAGS)
%canon_reldir%_db_role_la_LDFLAGS = $(PLUGIN_LDFLAGS)
%canon_reldir%_db_role_la_LIBADD = $(PQ_LIBS) $(JANSSON_LIBS)

EXTRA_DIST += %reldir%/README.md
