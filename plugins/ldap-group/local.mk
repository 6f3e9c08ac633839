# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
# plugins/ldap-group/local.mk - the ldap-group and access-level plugins
#
# access-level is ldap-group's engine built for access-level entries
# (-DPVD_ACCESS_LEVEL): one set of sources, two modules, so both live here.

pkglib_LTLIBRARIES += %reldir%/ldap-group.la plugins/access-level/access-level.la
%canon_reldir%_ldap_group_la_SOURCES = %reldir%/ldap-group.c %reldir%/ldap-group-conf.c %reldir%/ldap-group.h \
	$(PLUGIN_LDAPCONN_SOURCES) $(PLUGIN_HEADER)
%canon_reldir%_ldap_group_la_CFLAGS = $(PLUGIN_CFLAGS)
%canon_reldir%_ldap_group_la_LDFLAGS = $(PLUGIN_LDFLAGS)
%canon_reldir%_ldap_group_la_LIBADD = $(LDAP_LIBS) $(JANSSON_LIBS)

plugins_access_level_access_level_la_SOURCES = $(%canon_reldir%_ldap_group_la_SOURCES)
plugins_access_level_access_level_la_CFLAGS = $(PLUGIN_CFLAGS) -DPVD_ACCESS_LEVEL
plugins_access_level_access_level_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_access_level_access_level_la_LIBADD = $(LDAP_LIBS) $(JANSSON_LIBS)

EXTRA_DIST += %reldir%/README.md plugins/access-level/README.md
