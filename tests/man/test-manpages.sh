#!/bin/sh
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
# test-manpages.sh - the man pages are clean roff, and provisiond.conf(5)
# documents exactly the keys the daemon knows.
#
# provisiond --print-config-keys prints the configuration table
# (conf_sections.c) as "key TAB type TAB sighup|restart TAB default". Every
# key of docs/man/provisiond.conf.5 is the three lines
#     .TP
#     .B key
#     (type; default VALUE | no default | derived default; SIGHUP | restart)
# and both lists must agree on the keys, the type, when a change applies and
# the default (a build-time path, which the page writes as pkgdatadir/sql,
# by what follows the directory). Then groff and man(1) must find nothing
# to warn about in any page of docs/man.
#
# Prints TAP; run by make check, or by hand from the build folder:
# sh ../tests/man/test-manpages.sh. Environment (make check sets them):
# abs_top_srcdir, PROVISIOND_BIN; PVD_KEEP_TMP=1 keeps the temporary folder.

srcdir=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${PROVISIOND_BIN:-$(pwd)/provisiond/provisiond}
page="$srcdir/docs/man/provisiond.conf.5"

if [ ! -x "$bin" ]; then
	echo "1..0 # SKIP $bin is not built"
	exit 77
fi
# groff is in groff-base, which man-db needs: every Debian with man pages
# has it (contrib/dev/devstack installs man-db)
if ! command -v groff >/dev/null 2>&1; then
	echo "1..0 # SKIP groff is not installed (apt-get install groff-base man-db)"
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pvd-man.XXXXXX") || exit 1
if [ "${PVD_KEEP_TMP:-}" = 1 ]; then
	echo "# kept: $tmp"
else
	trap 'rm -rf "$tmp"' EXIT
fi

pages=$(ls "$srcdir"/docs/man/*.[1-8] 2>/dev/null)
npages=$(echo "$pages" | wc -w)
echo "1..$((5 + 2 * npages))"
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
	[ -s "$tmp/out" ] && sed 's/^/# /' "$tmp/out"
}
# check NAME: ok when $tmp/out is empty
check() { if [ -s "$tmp/out" ]; then not_ok "$1"; else ok "$1"; fi; }

# the table, sorted by key
if "$bin" --print-config-keys >"$tmp/keys.raw" 2>"$tmp/out" && [ -s "$tmp/keys.raw" ]; then
	: >"$tmp/out"
	ok "provisiond --print-config-keys lists $(wc -l <"$tmp/keys.raw") keys"
else
	not_ok "provisiond --print-config-keys lists the keys"
fi
sort "$tmp/keys.raw" >"$tmp/keys"

# the page, as the same four fields: roff escapes taken out first
sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\&//g' "$page" | awk '
	prev2 == ".TP" && prev1 ~ /^\.B [^ ]+$/ {
		key = substr(prev1, 4)
		if (!match($0, /^\(.*\)$/)) {
			printf "%s\t(no \"(type; default; when)\" line)\t\t\n", key
		} else {
			n = split(substr($0, 2, length($0) - 2), f, "; ")
			def = f[2]
			if (def == "no default" || def == "derived default")
				def = ""
			else if (def ~ /^default /)
				def = substr(def, 9)
			else
				def = "(bad default: " def ")"
			when = f[3] == "SIGHUP" ? "sighup" : f[3] == "restart" ? "restart" : "(bad: " f[3] ")"
			if (n != 3)
				when = "(not three fields)"
			printf "%s\t%s\t%s\t%s\n", key, f[1], when, def
		}
	}
	{ prev2 = prev1; prev1 = $0 }
' | sort >"$tmp/page"

cut -f1 "$tmp/keys" >"$tmp/keys.names"
cut -f1 "$tmp/page" >"$tmp/page.names"
comm -23 "$tmp/keys.names" "$tmp/page.names" | sed 's/^/missing from the page: /' >"$tmp/out"
check "every key of the configuration table is in provisiond.conf(5)"
comm -13 "$tmp/keys.names" "$tmp/page.names" | sed 's/^/not a key of provisiond: /' >"$tmp/out"
uniq -d "$tmp/page.names" | sed 's/^/described twice: /' >>"$tmp/out"
check "provisiond.conf(5) describes no key the daemon does not know"

# key by key: type, when, default (a path default by its last component)
join -t "$(printf '\t')" "$tmp/keys" "$tmp/page" | awk -F '\t' '
	# "pkgdatadir/sql" stands for the configured path ending in "/sql"
	function same_default(table, page,    rest) {
		if (match(page, /^(pkgdatadir|pkglibdir|localstatedir)/)) {
			rest = substr(page, RLENGTH + 1)
			return table ~ /^\// && substr(table, length(table) - length(rest) + 1) == rest
		}
		return table == page
	}
	{
		if ($2 != $5)
			printf "%s: type is \"%s\", the page says \"%s\"\n", $1, $2, $5
		if ($3 != $6)
			printf "%s: applied on %s, the page says %s\n", $1, $3, $6
		if (!same_default($4, $7))
			printf "%s: default is \"%s\", the page says \"%s\"\n", $1, $4, $7
	}' >"$tmp/out"
check "provisiond.conf(5) gives each key its type, default and when it applies"

# the EXAMPLE of provisiond-plugin(3) is a plugin that builds with the
# source tree's header, warning-free
CC=${CC:-cc}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
sed -n '/compiles from here/,/^\.fi/p' "$srcdir/docs/man/provisiond-plugin.3" | sed -e '1d' -e '$d' \
	-e 's/\\-/-/g' -e 's/\\e/\\/g' >"$tmp/example.c"
if [ -s "$tmp/example.c" ] &&
	$CC -std=c11 -Wall -Wextra -Werror -shared -fPIC -fvisibility=hidden -I"$srcdir/plugins/include" \
		$($PKG_CONFIG --cflags jansson) "$tmp/example.c" -o "$tmp/example.so" \
		$($PKG_CONFIG --libs jansson) >"$tmp/out" 2>&1 &&
	nm -D --defined-only "$tmp/example.so" | grep -q ' T pvd_plugin_entry$'; then
	: >"$tmp/out"
	ok "the example plugin of provisiond-plugin(3) builds and exports pvd_plugin_entry"
else
	not_ok "the example plugin of provisiond-plugin(3) builds and exports pvd_plugin_entry"
fi

for p in $pages; do
	name=${p##*/}
	groff -man -ww -z "$p" >"$tmp/out" 2>&1
	check "groff -man -ww -z $name: no warnings"
	# man(1) adds its own checks (and a line too long for the terminal)
	MANWIDTH=80 man --warnings -l "$p" 2>"$tmp/out" >/dev/null
	check "man --warnings -l $name: no warnings"
done
[ "$failed" -eq 0 ]
