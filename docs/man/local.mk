# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
# ---- man pages (docs/man) ----
# dist_man_MANS lists the pages; each page is plain roff kept in the tree.
# tests/man/test-manpages.sh checks them (and provisiond.conf.5 against
# provisiond --print-config-keys).
dist_man_MANS = %reldir%/provisiond.8 %reldir%/provisiond.conf.5 %reldir%/provisiond-plugin.3
