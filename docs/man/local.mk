# ---- man pages (docs/man) ----
# dist_man_MANS lists the pages; each page is plain roff kept in the tree.
dist_man_MANS =
