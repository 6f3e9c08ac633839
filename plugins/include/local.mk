# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
# plugins/include/local.mk - the plugin interface, for the plugins built
# here and for those built elsewhere
#
# Installed as $(includedir)/provisiond/provisiond-plugin.h with
# $(libdir)/pkgconfig/provisiond-plugin.pc, so an out-of-tree plugin builds
# with "cc $(pkg-config --cflags provisiond-plugin) ..." and goes into
# "$(pkg-config --variable=plugindir provisiond-plugin)"
# (tests/plugins/test-sdk.sh does exactly that).

# (PLUGIN_HEADER: plugins/common/local.mk)
pkginclude_HEADERS = $(PLUGIN_HEADER)
pkgconfig_DATA = %reldir%/provisiond-plugin.pc
