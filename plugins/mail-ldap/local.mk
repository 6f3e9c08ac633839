# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
# plugins/mail-ldap/local.mk - the mail-ldap plugin (mailboxes in LDAP)

pkglib_LTLIBRARIES += %reldir%/mail-ldap.la
%canon_reldir%_mail_ldap_la_SOURCES = %reldir%/mail-ldap.c \
	$(PLUGIN_LDAPCONN_SOURCES) $(PLUGIN_HEADER)
%canon_reldir%_mail_ldap_la_CFLAGS = $(PLUGIN_CFLAGS)
%canon_reldir%_mail_ldap_la_LDFLAGS = $(PLUGIN_LDFLAGS)
%canon_reldir%_mail_ldap_la_LIBADD = $(LDAP_LIBS) $(JANSSON_LIBS)

EXTRA_DIST += %reldir%/README.md
