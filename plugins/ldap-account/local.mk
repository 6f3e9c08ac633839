# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
# plugins/ldap-account/local.mk - the ldap-account plugin (people in LDAP)

pkglib_LTLIBRARIES += %reldir%/ldap-account.la
%canon_reldir%_ldap_account_la_SOURCES = %reldir%/ldap-account.c \
	$(PLUGIN_LDAPCONN_SOURCES) $(PLUGIN_HEADER)
%canon_reldir%_ldap_account_la_CFLAGS = $(PLUGIN_CFLAGS)
%canon_reldir%_ldap_account_la_LDFLAGS = $(PLUGIN_LDFLAGS)
%canon_reldir%_ldap_account_la_LIBADD = $(LDAP_LIBS) $(JANSSON_LIBS)

EXTRA_DIST += %reldir%/README.md
