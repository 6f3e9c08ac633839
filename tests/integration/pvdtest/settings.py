# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Paths and switches from the environment, read once at import.

    REPO         the source tree (abs_top_srcdir, else found from here)
    BUILDDIR     abs_top_builddir, else REPO
    DAEMON_BIN   PROVISIOND_BIN, else BUILDDIR/provisiond/provisiond
    PVD_STACK    REPO/contrib/stack/pvd-stack
    VALGRIND     PVD_VALGRIND=1; then TIME_SCALE stretches every timeout
    KEEP_TMP     PVD_KEEP_TMP=1
"""

import os

# tests/integration (this package's parent folder)
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _find_repo():
    src = os.environ.get("abs_top_srcdir")
    if src and os.path.isfile(os.path.join(src, "configure.ac")):
        return os.path.abspath(src)
    d = HERE
    while d != "/":
        if os.path.isfile(os.path.join(d, "configure.ac")) and os.path.isdir(os.path.join(d, "provisiond")):
            return d
        d = os.path.dirname(d)
    return os.path.abspath(os.path.join(HERE, "..", ".."))


REPO = _find_repo()
BUILDDIR = os.path.abspath(os.environ.get("abs_top_builddir") or REPO)
DAEMON_BIN = os.environ.get("PROVISIOND_BIN") or os.path.join(BUILDDIR, "provisiond", "provisiond")
PVD_STACK = os.path.join(REPO, "contrib", "stack", "pvd-stack")
VALGRIND = os.environ.get("PVD_VALGRIND") == "1"
KEEP_TMP = os.environ.get("PVD_KEEP_TMP") == "1"
# Everything is slower under valgrind: stretch every timeout.
TIME_SCALE = 15.0 if VALGRIND else 1.0
VALGRIND_CMD = ["valgrind", "--leak-check=full", "--errors-for-leak-kinds=definite",
                "--error-exitcode=99", "--show-leak-kinds=definite", "--num-callers=30"]
VALGRIND_ERROR_EXIT = 99
