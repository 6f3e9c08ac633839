#!/bin/bash
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
# test-devstack.sh - the development stack's own tools: contrib/dev/mailsink
# takes mail the way the outbox sends it (libcurl's SMTP client, here curl)
# into a Maildir, and contrib/dev/devstack refuses bad or taken ports at
# once, before installing or compiling anything. Prints TAP.
#
# Environment: abs_top_srcdir (make check sets it); PVD_KEEP_TMP=1 keeps
# the temporary folder.

# make check runs .sh tests with /bin/sh; this one needs bash (/dev/tcp)
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

srcdir=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
sink="$srcdir/contrib/dev/mailsink"
devstack="$srcdir/contrib/dev/devstack"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pvd-devstack.XXXXXX") || exit 1
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	[ "${PVD_KEEP_TMP:-}" = 1 ] && echo "# kept: $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT

echo "1..7"
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
	[ -s "$tmp/out" ] && sed 's/^/# /' "$tmp/out"
}
check() { if "$@" >>"$tmp/out" 2>&1; then ok "$desc"; else not_ok "$desc"; fi; : >"$tmp/out"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

port=$(free_port)
"$sink" --port "$port" --maildir "$tmp/mail" --pid-file "$tmp/sink.pid" >"$tmp/sink.log" 2>&1 &
pid=$!
for _ in $(seq 1 50); do in_use "$port" && break; sleep 0.1; done

# a message as the outbox writes one: UTF-8, a line starting with a dot
printf 'From: provisiond@example.org\r\nTo: aaf.ramos@example.org\r\nSubject: =?UTF-8?Q?Conclusi=C3=B3n?=\r\n\r\nAlta concluida: Luc\303\255a.\r\n.line that starts with a dot\r\n' \
	>"$tmp/msg"
sent() {
	curl -sS --max-time 10 "smtp://127.0.0.1:$port" --mail-from provisiond@example.org \
		--mail-rcpt aaf.ramos@example.org --mail-rcpt tim.mendoza@example.org -T "$tmp/msg" &&
	files=$(ls "$tmp/mail/new") && [ "$(echo "$files" | wc -l)" -eq 1 ] &&
	[ -z "$(ls "$tmp/mail/tmp")" ]
}
desc="curl (libcurl's SMTP, as the outbox) delivers one message into new/"; check sent

delivered() {
	f="$tmp/mail/new/$(ls "$tmp/mail/new")"
	grep -q '^X-Mailsink-To: aaf.ramos@example.org, tim.mendoza@example.org' "$f" &&
	grep -q '^Return-Path: <provisiond@example.org>' "$f" &&
	grep -q 'Alta concluida: Lucía\.' "$f" &&
	grep -q '^\.line that starts with a dot' "$f" && ! grep -q '^\.\.line' "$f"
}
desc="the message is whole: envelope, UTF-8 body, dot-stuffing undone"; check delivered

dialogue() {
	out=$(printf 'EHLO t\r\nRCPT TO:<x@y>\r\nDATA\r\nFOO\r\nQUIT\r\n' | python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
s.sendall(sys.stdin.buffer.read()); s.shutdown(socket.SHUT_WR)
data = b""
while True:
    b = s.recv(4096)
    if not b: break
    data += b
print(data.decode())' "$port")
	echo "$out"
	echo "$out" | grep -q '^503 MAIL first' && echo "$out" | grep -q '^503 RCPT first' &&
	echo "$out" | grep -q '^502 ' && echo "$out" | grep -q '^221 '
}
desc="out-of-order and unknown commands get 503 and 502, QUIT 221"; check dialogue

loopback_only() {
	! python3 -c 'import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 2)' \
		"$(hostname -I 2>/dev/null | awk '{print $1}' | grep . || echo 192.0.2.1)" "$port" 2>/dev/null
}
desc="it listens on 127.0.0.1 only"; check loopback_only

stops() {
	kill -TERM "$pid" && for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	! kill -0 "$pid" 2>/dev/null && [ ! -e "$tmp/sink.pid" ] && pid=""
}
desc="SIGTERM stops it and removes its pid file"; check stops

# devstack: the port checks come before anything is installed or built
refused() {
	local t0=$SECONDS out
	out=$(env "$@" PVD_DEVSTACK_DIR="$tmp/ds" "$devstack" start 2>&1) && return 1
	echo "$out"
	[ $((SECONDS - t0)) -le 5 ] && echo "$out" | grep -q "$want" && [ ! -e "$tmp/ds" ]
}
want="PVD_PG_PORT='x1' is not a port number"
desc="devstack start: a port that is not a number is refused at once"; check refused PVD_PG_PORT=x1

taken=$(free_port)
python3 -c 'import socket,time,sys; s=socket.socket(); s.bind(("127.0.0.1",int(sys.argv[1]))); s.listen(); time.sleep(20)' \
	"$taken" >/dev/null 2>&1 &
holder=$!
for _ in $(seq 1 50); do in_use "$taken" && break; sleep 0.1; done
want="port $taken (slapd) on 127.0.0.1 is taken by another program; choose another with PVD_LDAP_PORT=PORT"
desc="devstack start: a port another program holds is named, with the variable to change it"
check refused PVD_LDAP_PORT="$taken"
kill "$holder" 2>/dev/null

[ "$failed" -eq 0 ] && echo "# $n passed" || echo "# $failed of $n failed"
exit $((failed > 0))
