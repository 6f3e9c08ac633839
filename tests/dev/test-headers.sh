#!/bin/sh
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
# test-headers.sh - every source file names its licence (SPDX), as
# debian/copyright says: GPL-3.0-or-later. The SQL migrations are left as
# they are: an applied one's checksum must never change (migrate.c).
# Prints TAP. Environment: abs_top_srcdir (make check sets it).

srcdir=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$srcdir" || exit 1

# the tracked files in a checkout, every file in a tarball
if [ -d .git ] && command -v git >/dev/null 2>&1; then
	list() { git ls-files; }
else
	list() { find . -type f ! -path './.build*' ! -path '*/node_modules/*' | sed 's|^\./||'; }
fi

missing=$(list | grep -E '\.(c|h|css|js|mjs|py|sh|mk|am|ac|in|yml|yaml)$|^contrib/dev/(check-dist|devstack|mailsink)$|^contrib/stack/pvd-stack$|^tests/fuzz/fuzz-run$|^contrib/completion/provisionctl$' |
	grep -v -E '^tests/fuzz/corpus/|^schema/sql/|(^|/)(build-aux|m4|autom4te\.cache)/|^(aclocal\.m4|configure|Makefile\.in|config\.h\.in)$|/Makefile\.in$' |
	while read -r f; do
		[ -f "$f" ] || continue
		head -n 6 "$f" | grep -q 'SPDX-License-Identifier: GPL-3.0-or-later' || echo "$f"
	done)

echo "1..1"
if [ -z "$missing" ]; then
	echo "ok 1 - every source file carries SPDX-License-Identifier: GPL-3.0-or-later"
else
	echo "not ok 1 - source files without SPDX-License-Identifier: GPL-3.0-or-later in their first lines"
	echo "$missing" | sed 's/^/# /'
	exit 1
fi
