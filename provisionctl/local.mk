# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
# ---- provisionctl: its man page and shell completion ----
dist_man_MANS += docs/man/provisionctl.1

# the bash completion, found by bash-completion under the command's own name
bashcompletiondir = $(datadir)/bash-completion/completions
dist_bashcompletion_DATA = contrib/completion/provisionctl

# ---- provisionctl import: the CSV reader and the import (SHA-256 for its keys) ----
provisionctl_provisionctl_SOURCES += provisionctl/ctl.h provisionctl/csv.c provisionctl/csv.h provisionctl/import.c
provisionctl_provisionctl_CFLAGS += $(CRYPTO_CFLAGS)
provisionctl_provisionctl_LDADD += $(CRYPTO_LIBS)
