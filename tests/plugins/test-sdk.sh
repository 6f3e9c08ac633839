#!/bin/sh
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
# test-sdk.sh - the installed plugin interface is enough to write a plugin.
#
# make install into a temporary DESTDIR, then, with nothing but what was
# installed: pkg-config --cflags/--libs provisiond-plugin, build
# tests/plugins/hello-plugin.c as an out-of-tree plugin, put it into the
# plugindir the .pc names and load it with the built pvd-plugin-run (the
# daemon's own plugin host). Prints TAP; run by make check (the TAP driver),
# or by hand from the build folder: sh ../tests/plugins/test-sdk.sh
#
# Environment (make check sets them): abs_top_builddir, abs_top_srcdir,
# MAKE, CC, PKG_CONFIG; PVD_KEEP_TMP=1 keeps the temporary folder.

builddir=${abs_top_builddir:-$(pwd)}
srcdir=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
MAKE=${MAKE:-make}
CC=${CC:-cc}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
run="$builddir/tests/plugins/pvd-plugin-run"

if [ ! -x "$run" ]; then
	echo "1..0 # SKIP $run is not built"
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pvd-sdk.XXXXXX") || exit 1
if [ "${PVD_KEEP_TMP:-}" = 1 ]; then
	echo "# kept: $tmp"
else
	trap 'rm -rf "$tmp"' EXIT
fi
root="$tmp/root"

echo "1..8"
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
	[ -s "$tmp/out" ] && sed 's/^/# /' "$tmp/out"
}
# t NAME COMMAND...: one TAP line; the command's output goes to $tmp/out
t() {
	name=$1; shift
	if "$@" >"$tmp/out" 2>&1; then ok "$name"; else not_ok "$name"; fi
}

# the sub-make is not one of make check's jobs: no jobserver, no
# command-line variables (TESTS=...) of the make that runs this test
echo "# make install DESTDIR=$root"
t "make install into a temporary DESTDIR" env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	$MAKE -C "$builddir" install DESTDIR="$root"

# The .pc names the configured prefix; under DESTDIR its paths are found
# through the sysroot, as for any staged install. (The sysroot also goes in
# front of jansson's -I and -L, which name no folder then: jansson is found
# where the compiler looks anyway.)
pcdir=$(find "$root" -name provisiond-plugin.pc -path '*/pkgconfig/*' 2>/dev/null | head -n 1)
pc() {
	PKG_CONFIG_PATH="${pcdir%/*}" PKG_CONFIG_SYSROOT_DIR="$root" "$PKG_CONFIG" "$@" provisiond-plugin
}
cflags=$(pc --cflags 2>"$tmp/out") && libs=$(pc --libs 2>>"$tmp/out") &&
	plugindir=$(pc --variable=plugindir 2>>"$tmp/out")
# pkgconf puts the sysroot in front of --variable too, pkg-config does not
plugindir=${plugindir#"$root"}
if [ -n "$pcdir" ] && [ -n "$plugindir" ] && [ -f "$root$plugindir/ldap-account.so" ] &&
	case " $libs " in *" -ljansson "*) true ;; *) false ;; esac &&
	[ -f "$(echo "$cflags" | sed -n 's/.*-I\([^ ]*provisiond\).*/\1/p')/provisiond-plugin.h" ]; then
	echo "# cflags $cflags"
	echo "# libs $libs"
	echo "# plugindir $plugindir"
	ok "pkg-config provisiond-plugin: the installed header, jansson, plugindir"
else
	echo "pc ${pcdir:-(not installed)} cflags '$cflags' libs '$libs' plugindir '$plugindir'" >>"$tmp/out"
	find "$root" -type f | sed "s|^$root||" >>"$tmp/out"
	not_ok "pkg-config provisiond-plugin: the installed header, jansson, plugindir"
fi

# nothing of the source tree: only what pkg-config gives, and the plugin's
# source copied out of the tree
cp "$srcdir/tests/plugins/hello-plugin.c" "$tmp/"
t "an out-of-tree plugin builds with the installed header alone" \
	$CC -std=c11 -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter \
	-fPIC -shared -fvisibility=hidden $cflags -o "$tmp/hello.so" "$tmp/hello-plugin.c" $libs

if nm -D --defined-only "$tmp/hello.so" >"$tmp/out" 2>&1 && grep -q ' T pvd_plugin_entry$' "$tmp/out"; then
	ok "it exports pvd_plugin_entry"
else
	not_ok "it exports pvd_plugin_entry"
fi

# installed where the .pc says; the host finds it by its name alone
mkdir -p "$root$plugindir" && cp "$tmp/hello.so" "$root$plugindir/hello.so"
cat >"$tmp/hello.conf" <<EOF
db_conninfo = host=127.0.0.1 dbname=none
ldap_uri = ldapi://%2Fnonexistent
ldap_base_dn = dc=example,dc=org
plugin_dir = $root$plugindir
plugin.hi.library = hello
plugin.hi.greeting = Hola
plugin.bad.library = hello
EOF
echo '{"employee_number": "T0001", "uid": "ana.prueba"}' >"$tmp/person.json"

"$run" -c "$tmp/hello.conf" -i hi --check >"$tmp/out" 2>&1
if grep -q '"status":"ok","message":"Hola from an out-of-tree plugin"' "$tmp/out"; then
	ok "pvd-plugin-run loads it from plugindir: check"
else
	not_ok "pvd-plugin-run loads it from plugindir: check"
fi

"$run" -c "$tmp/hello.conf" -i hi -o create -p "$tmp/person.json" >"$tmp/out" 2>&1
if grep -q '"status":"ok"' "$tmp/out" && grep -q '"object":"hello:ana.prueba"' "$tmp/out" &&
	grep -q '"after":{"greeting":"Hola","uid":"ana.prueba"}' "$tmp/out"; then
	ok "pvd-plugin-run runs an operation: create"
else
	not_ok "pvd-plugin-run runs an operation: create"
fi

"$run" -c "$tmp/hello.conf" -i hi -o disable -p "$tmp/person.json" >"$tmp/out" 2>&1
if grep -q '"status":"noop","message":"nothing to disable"' "$tmp/out"; then
	ok "pvd-plugin-run runs an operation: disable"
else
	not_ok "pvd-plugin-run runs an operation: disable"
fi

# the host hands the instance's keys over: one without greeting is refused
"$run" -c "$tmp/hello.conf" -i bad --check >"$tmp/out" 2>&1
if grep -q 'greeting: missing' "$tmp/out" && ! grep -q '"status":"ok"' "$tmp/out"; then
	ok "an instance without its required key is refused with the plugin's message"
else
	not_ok "an instance without its required key is refused with the plugin's message"
fi

echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
