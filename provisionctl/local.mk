# ---- provisionctl: its man page and shell completion ----
