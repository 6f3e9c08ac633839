# ---- provisionctl: its man page and shell completion ----
dist_man_MANS += docs/man/provisionctl.1

# the bash completion, found by bash-completion under the command's own name
bashcompletiondir = $(datadir)/bash-completion/completions
dist_bashcompletion_DATA = contrib/completion/provisionctl
