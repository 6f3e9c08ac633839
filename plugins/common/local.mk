# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
# plugins/common/local.mk - what every plugin's fragment builds on
#
# Included from Makefile.am before the plugins' own fragments. Each plugin
# is a dlopen'd module exporting only pvd_plugin_entry: hidden visibility
# and an export list keep the rest of its symbols out of the host's way.

PLUGIN_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden -I$(top_srcdir)/plugins/include -I$(top_srcdir)/plugins/common
PLUGIN_LDFLAGS = -module -avoid-version -shared -export-symbols-regex '^pvd_plugin_entry$$' $(SAN_LDFLAGS)

# the LDAP plugins' configuration, connection and operations; pvd-ldap.c
# is the connection routine they share with the daemon (directory.c)
PLUGIN_LDAPCONN_SOURCES = %reldir%/ldapconn.h %reldir%/ldapconn-conf.c %reldir%/ldapconn.c \
	%reldir%/ldapconn-entry.c %reldir%/ldapconn-util.c %reldir%/ldapconn-plugin.c \
	%reldir%/pvd-ldap.c %reldir%/pvd-ldap.h

# the PostgreSQL plugins' (db-role, pbx) connection
PLUGIN_PGCONN_SOURCES = %reldir%/pgconn.c %reldir%/pgconn.h

# the plugin interface, the one header the host and every plugin share
PLUGIN_HEADER = plugins/include/provisiond-plugin.h
