# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
# plugins/pbx/local.mk - the pbx plugin (IP-phone extensions, call codes)

pkglib_LTLIBRARIES += %reldir%/pbx.la
%canon_reldir%_pbx_la_SOURCES = %reldir%/pbx.c %reldir%/pbx.h %reldir%/pbx-conf.c %reldir%/pbx-db.c \
	%reldir%/pbx-secret.c %reldir%/pbx-extension.c %reldir%/pbx-codes.c %reldir%/callcode.c \
	%reldir%/backend-kamailio.c $(PLUGIN_PGCONN_SOURCES) $(PLUGIN_HEADER)
%canon_reldir%_pbx_la_CFLAGS = $(PLUGIN_CFLAGS) -DPBX_SQL_DIR=\"$(pkgdatadir)/pbx\"
%canon_reldir%_pbx_la_LDFLAGS = $(PLUGIN_LDFLAGS)
%canon_reldir%_pbx_la_LIBADD = $(PQ_LIBS) $(JANSSON_LIBS) $(CRYPTO_LIBS)

# the PBX's schema, applied by its administrator (plugins/pbx/README.md)
pbxsqldir = $(pkgdatadir)/pbx
dist_pbxsql_DATA = %reldir%/kamailio.sql
EXTRA_DIST += %reldir%/README.md
