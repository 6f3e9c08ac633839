# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
# ---- the systemd unit (contrib/systemd) ----
# Made from provisiond.service.in with this build's paths; installed where
# systemd looks (configure --with-systemdsystemunitdir, default from
# systemd's pkg-config file, else $(prefix)/lib/systemd/system).
systemdunit_DATA = contrib/systemd/provisiond.service
CLEANFILES += contrib/systemd/provisiond.service
contrib/systemd/provisiond.service: $(srcdir)/contrib/systemd/provisiond.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) contrib/systemd && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
		$(srcdir)/contrib/systemd/provisiond.service.in >$@.tmp && mv $@.tmp $@
