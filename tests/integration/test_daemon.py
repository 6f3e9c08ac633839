#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The daemon as a process: --check-config, --print-routes, SIGHUP reloads,
SIGTERM draining requests in flight, detaching with a pid file, starting
while slapd is down, and both ways of reaching the directory (SASL EXTERNAL
over ldapi, SIMPLE over StartTLS).

Run: python3 tests/integration/test_daemon.py   (see harness.py for the env)
"""
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (DAEMON_BIN, REPO, TIME_SCALE, VALGRIND, Daemon, TestFailure,  # noqa: E402
                     expect, expect_error, main, parse_http_response, wait_until, write_conf)

PW = "dev-password"


def conf_file(t, name, overrides, src=None):
    path = os.path.join(t.stack.dir, name)
    write_conf(src or t.daemon.conf_path, path, overrides)
    return path


def check_config(path):
    return subprocess.run([DAEMON_BIN, "-c", path, "--check-config"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, timeout=30)


def line_of(path, key):
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if line.strip().startswith(key) and line.partition("=")[0].strip() == key:
                return n
    raise TestFailure("%s not in %s" % (key, path))


def expect_conf_error(t, name, overrides, key, with_line=True, src=None):
    path = conf_file(t, name, overrides, src=src)
    p = check_config(path)
    expect(p.returncode == 1, "--check-config on %s (%r) exited %d: %r %r", name, overrides,
           p.returncode, p.stdout, p.stderr)
    err = p.stderr.strip()
    expect(err and "\n" not in err, "want a one-line error, got %r", p.stderr)
    if with_line:
        want = "%s:%d: %s:" % (path, line_of(path, key), key)
    else:
        want = "%s" % key
    expect(want in err, "error %r should contain %r", err, want)
    expect(path in err, "error %r should name the file", err)
    return err


def health(d, **kw):
    return d.request("GET", "/v1/health", **kw)


# ------------------------------------------------------------------ command line

def test_check_config_ok(t):
    p = check_config(t.daemon.conf_path)
    expect(p.returncode == 0, "--check-config exited %d: %r", p.returncode, p.stderr)
    expect(p.stdout.strip() == "%s: ok" % t.daemon.conf_path, "stdout %r", p.stdout)
    p = check_config(t.stack.conf_path)
    expect(p.returncode == 0, "the stack's own provisiond.conf: %d %r", p.returncode, p.stderr)


def test_check_config_unknown_key(t):
    expect_conf_error(t, "bad-unknown.conf", {"no_such_key": "1"}, "no_such_key")


def test_check_config_bad_numbers(t):
    expect_conf_error(t, "bad-port.conf", {"listen_port": "eighty"}, "listen_port")
    expect_conf_error(t, "bad-port2.conf", {"listen_port": "70000"}, "listen_port")
    expect_conf_error(t, "bad-port3.conf", {"listen_port": "80x"}, "listen_port")
    expect_conf_error(t, "bad-body.conf", {"http_max_body": "-1"}, "http_max_body")
    expect_conf_error(t, "bad-threads.conf", {"http_threads": "99999999999999999999"}, "http_threads")


def test_check_config_bad_enums(t):
    expect_conf_error(t, "bad-level.conf", {"log_level": "loud"}, "log_level")
    expect_conf_error(t, "bad-target.conf", {"log_target": "printer"}, "log_target")
    expect_conf_error(t, "bad-auth.conf", {"ldap_auth": "kerberos"}, "ldap_auth")
    expect_conf_error(t, "bad-tls.conf", {"ldap_starttls": "maybe"}, "ldap_starttls")


def test_check_config_key_set_twice(t):
    path = os.path.join(t.stack.dir, "twice.conf")
    with open(t.daemon.conf_path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(text + "\nlog_level = debug\n")
    p = check_config(path)
    n = len((text + "\nlog_level = debug\n").splitlines())
    expect(p.returncode == 1 and ("%s:%d: log_level:" % (path, n)) in p.stderr,
           "a key set twice: %d %r", p.returncode, p.stderr)


def test_check_config_syntax_and_missing(t):
    path = os.path.join(t.stack.dir, "syntax.conf")
    with open(t.daemon.conf_path) as f:
        lines = f.read().splitlines()
    lines.insert(3, "this line has no equals sign")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    p = check_config(path)
    expect(p.returncode == 1 and ("%s:4:" % path) in p.stderr, "syntax error: %d %r",
           p.returncode, p.stderr)
    p = check_config(os.path.join(t.stack.dir, "does-not-exist.conf"))
    expect(p.returncode == 1 and "does-not-exist.conf" in p.stderr, "missing file: %d %r",
           p.returncode, p.stderr)
    expect_conf_error(t, "no-db.conf", {"db_conninfo": None}, "db_conninfo", with_line=False)


def test_check_config_simple_bind_needs_tls(t):
    env = t.stack.env
    expect_conf_error(t, "simple-plain.conf", {
        "ldap_uri": t.stack.ldap_url(), "ldap_auth": "simple",
        "ldap_bind_dn": env["PVD_LDAP_SERVICE_DN"],
        "ldap_bind_password_file": env["PVD_LDAP_SERVICE_PW_FILE"],
        "ldap_starttls": "no"}, "ldap_auth", with_line=False)
    expect_conf_error(t, "simple-nopw.conf", {
        "ldap_uri": t.stack.ldap_url(), "ldap_auth": "simple",
        "ldap_bind_dn": env["PVD_LDAP_SERVICE_DN"],
        "ldap_bind_password_file": os.path.join(t.stack.dir, "nope.pw")},
        "ldap_bind_password_file", with_line=False)


def test_unknown_command_and_usage(t):
    p = subprocess.run([DAEMON_BIN, "-c", t.daemon.conf_path, "frobnicate"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True, timeout=30)
    expect(p.returncode == 1 and "frobnicate" in p.stderr, "unknown command: %d %r", p.returncode,
           p.stderr)
    p = subprocess.run([DAEMON_BIN, "--no-such-option"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True, timeout=30)
    expect(p.returncode == 1, "unknown option exited %d", p.returncode)


def test_print_routes_match_contract(t):
    p = subprocess.run([DAEMON_BIN, "--print-routes"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True, timeout=30)
    expect(p.returncode == 0, "--print-routes exited %d", p.returncode)
    routes = set(p.stdout.split("\n")) - {""}
    want = {"GET /v1/health", "GET /metrics", "GET /v1/whoami", "GET /v1/tokens",
            "POST /v1/tokens", "DELETE /v1/tokens/{name}"}
    expect(want <= routes, "routes %r lack %r", routes, want - routes)
    # api/openapi.yaml documents exactly the served routes
    doc = set()
    path = None
    in_paths = False
    with open(os.path.join(REPO, "api", "openapi.yaml")) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("paths:"):
                in_paths = True
                continue
            if not in_paths:
                continue
            if line and not line.startswith((" ", "#")):
                break
            m = re.match(r"^  (/\S*):\s*$", line)
            if m:
                path = m.group(1)
                continue
            m = re.match(r"^    (get|post|put|patch|delete):\s*$", line)
            if m and path:
                doc.add("%s %s" % (m.group(1).upper(), path))
    # (exact equality both ways is the unit test test-openapi's job)
    expect(want <= doc, "api/openapi.yaml lacks the issue-2 routes %r", want - doc)
    expect(doc <= routes, "api/openapi.yaml documents routes the daemon does not serve: %r",
           doc - routes)


# ------------------------------------------------------------------ SIGHUP

@contextlib.contextmanager
def reloaded(d, after, **keys):
    """The block runs once d has reloaded (SIGHUP) its config with keys set;
    then, whatever happened, the settings of after are written and reloaded."""
    d.write_config(**keys)
    try:
        d.sighup()
        yield d
    finally:
        d.write_config(**after)
        d.sighup()


def _access_lines_after(d, mark, path):
    return [ln for ln in d.log_text()[mark:].splitlines() if path in ln]


def test_sighup_log_level_error_hides_info(t):
    d = t.daemon
    with reloaded(d, {"log_level": "info"}, log_level="error"):
        mark = len(d.log_text())
        rid = "hup-error-%d" % os.getpid()
        expect(health(d, headers={"X-Request-Id": rid})[0] == 200, "health after SIGHUP")
        time.sleep(0.3)
        expect(not d.log_lines_for(rid), "info access line logged at log_level=error: %r",
               d.log_lines_for(rid))
        expect(" info: " not in d.log_text()[mark:], "info lines at log_level=error:\n%s",
               d.log_text()[mark:])
    rid = "hup-info-%d" % os.getpid()
    health(d, headers={"X-Request-Id": rid})
    wait_until(lambda: d.log_lines_for(rid), 5, what="the access line back at log_level=info")


def test_sighup_log_level_debug_shows_debug(t):
    d = t.daemon
    mark = len(d.log_text())
    with reloaded(d, {"log_level": "info"}, log_level="debug"):
        expect(d.alive(), "the daemon died on SIGHUP")
        rid = "hup-debug-%d" % os.getpid()
        expect(health(d, headers={"X-Request-Id": rid})[0] == 200, "health after SIGHUP")
        st, _, _, _ = d.request("GET", "/v1/whoami", basic=("aaf.ramos", PW),
                                headers={"X-Request-Id": rid + "-w"})
        expect(st == 200, "whoami after SIGHUP: %s", st)
        d.request("GET", "/v1/whoami", token=t.admin_token(), headers={"X-Request-Id": rid + "-t"})
        wait_until(lambda: " debug: " in d.log_text()[mark:], 5,
                   what="debug lines after SIGHUP with log_level = debug (health, a sign-in and "
                        "a token request were made)")
    mark = len(d.log_text())
    health(d)
    d.request("GET", "/v1/whoami", basic=("aaf.ramos", PW))
    time.sleep(0.3)
    expect(" debug: " not in d.log_text()[mark:], "debug lines after going back to info")


def test_sighup_bad_config_is_refused(t):
    d = t.daemon
    with reloaded(d, {"no_such_key": None}, no_such_key="x"):
        expect(d.alive(), "the daemon died on a SIGHUP with a bad file")
        expect(re.search(r"reload refused.*no_such_key", d.log_text()),
               "no 'reload refused' naming the key in the log:\n%s", d.log_tail(5))
        expect(health(d)[0] == 200, "health after a refused reload")


def test_sighup_restart_only_keys_named(t):
    d = t.daemon
    with reloaded(d, {"http_threads": None}, http_threads="2"):
        expect(re.search(r"http_threads.*restart", d.log_text()),
               "the log should say http_threads needs a restart:\n%s", d.log_tail(5))
        expect(health(d)[0] == 200, "health after SIGHUP")


def test_sighup_role_groups_apply(t):
    """role_group_* are reloadable: point hr at the auditors' group."""
    d = t.daemon
    old = d.conf()["role_group_hr"]
    with reloaded(d, {"role_group_hr": old}, role_group_hr=d.conf()["role_group_auditor"]):
        st, _, _, js = d.request("GET", "/v1/whoami", basic=("control.rojas", PW))
        expect(st == 200 and "hr" in js["roles"], "control.rojas after moving role hr: %r", js)
        st, _, _, js = d.request("GET", "/v1/whoami", basic=("aaf.ramos", PW))
        expect(st == 200 and "hr" not in js["roles"], "aaf.ramos after moving role hr: %r", js)
    st, _, _, js = d.request("GET", "/v1/whoami", basic=("aaf.ramos", PW))
    expect(st == 200 and "hr" in js["roles"], "aaf.ramos after restoring: %r", js)


# ------------------------------------------------------------------ SIGTERM

def _slow_post(d, token, name, first=5):
    """Sends the headers and the first bytes of a POST /v1/tokens body;
    returns (socket, rest of the body)."""
    body = json.dumps({"name": name, "role": "hr"}).encode()
    head = ("POST /v1/tokens HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
            "Content-Length: %d\r\n\r\n" % (token, len(body))).encode()
    s = socket.create_connection(("127.0.0.1", d.port), timeout=10 * TIME_SCALE)
    s.sendall(head + body[:first])
    return s, body[first:]


def _read_all(s):
    out = b""
    while True:
        try:
            c = s.recv(65536)
        except (socket.timeout, ConnectionResetError):
            break
        if not c:
            break
        out += c
    return out


def test_sigterm_drains_request_in_flight(t):
    with t.new_daemon({"shutdown_timeout": "20"}, name="drain") as d:
        s, rest = _slow_post(d, t.admin_token(), "drained-token")
        try:
            time.sleep(0.3 * TIME_SCALE)
            t0 = time.monotonic()
            d.signal(signal.SIGTERM)
            time.sleep(0.5 * TIME_SCALE)
            expect(d.alive(), "the daemon exited with a request in flight; log:\n%s", d.log_tail())
            # no new connections while draining
            try:
                c = socket.create_connection(("127.0.0.1", d.port), timeout=2)
                c.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                got = _read_all(c)
                c.close()
                expect(not got, "a new connection was served while draining: %r", got[:80])
            except (ConnectionRefusedError, ConnectionResetError, socket.timeout):
                pass
            s.sendall(rest)
            raw = _read_all(s)
        finally:
            s.close()
        expect(raw, "no answer to the request in flight")
        st, hd, body = parse_http_response(raw)
        expect(st == 201, "the request in flight got %s %r, want 201", st, body)
        t.secrets.append(json.loads(body)["token"])
        d.proc.wait(10 * TIME_SCALE)
        expect(d.stop() == 0, "exit status")
        took = time.monotonic() - t0
        expect(took < 5 * TIME_SCALE, "stopping took %.1f s", took)
        expect(re.search(r"drained 1 request", d.log_text()),
               "the log should say it drained 1 request:\n%s", d.log_tail(6))


def test_sigterm_gives_up_after_shutdown_timeout(t):
    with t.new_daemon({"shutdown_timeout": "1"}, name="give-up") as d:
        s, rest = _slow_post(d, t.admin_token(), "never-finished")
        try:
            time.sleep(0.3 * TIME_SCALE)
            t0 = time.monotonic()
            d.signal(signal.SIGTERM)
            try:
                d.proc.wait(8 * TIME_SCALE)
            except subprocess.TimeoutExpired:
                raise TestFailure("shutdown_timeout = 1 but the daemon still runs after 8 s")
            took = time.monotonic() - t0
        finally:
            s.close()
        expect(d.stop() == 0, "exit status")
        expect(0.8 <= took < 5 * TIME_SCALE, "stopping took %.1f s with shutdown_timeout = 1", took)
        expect(re.search(r"still running", d.log_text()),
               "the log should say a request was still running:\n%s", d.log_tail(6))


def test_sigterm_idle_exits_promptly(t):
    for sig in (signal.SIGTERM, signal.SIGINT):
        with t.new_daemon(name="idle-%d" % sig) as d:
            expect(health(d)[0] == 200, "health")
            t0 = time.monotonic()
            d.signal(sig)
            d.proc.wait(10 * TIME_SCALE)
            took = time.monotonic() - t0
            expect(d.stop() == 0, "exit status after signal %d" % sig)
            expect(took < 2 * TIME_SCALE, "signal %d: stopping took %.1f s", sig, took)
            text = d.log_text()
            expect("drained" in text and "stopped" in text,
                   "the log should say it drained and stopped:\n%s", d.log_tail(5))


def test_detach_writes_pid_file(t):
    if VALGRIND:
        return  # valgrind does not follow the double fork without --trace-children
    d = Daemon(t.stack, name="detached")
    pid_file = d.conf()["pid_file"]
    with open(d.log_path, "ab") as log:
        p = subprocess.run([DAEMON_BIN, "-c", d.conf_path], stdin=subprocess.DEVNULL,
                           stdout=log, stderr=log, timeout=30)
    expect(p.returncode == 0, "the parent exited %d", p.returncode)
    pid = None
    try:
        wait_until(lambda: os.path.exists(pid_file) and open(pid_file).read().strip(), 10,
                   what="the pid file")
        pid = int(open(pid_file).read().strip())
        wait_until(lambda: health(d)[0] == 200, 10, what="the detached daemon's health")
        expect(os.getsid(pid) != os.getsid(0), "the detached daemon is still in our session")
        expect(open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()[1] != str(os.getpid()),
               "the detached daemon is still our child")
        os.kill(pid, signal.SIGTERM)
        wait_until(lambda: not os.path.exists("/proc/%d" % pid) or
                   open("/proc/%d/stat" % pid).read().split()[2] == "Z", 10,
                   what="the detached daemon to exit")
        pid = None
        expect(not os.path.exists(pid_file), "the pid file was not removed")
    finally:
        if pid is not None:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


# ------------------------------------------------------------------ systemd (sd_notify)

def _notify_socket(t, name):
    path = os.path.join(t.stack.dir, name)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    return s, path


def _next_notification(s, want, timeout):
    """The first datagram holding `want` within timeout; all seen before it."""
    seen = []
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        s.settimeout(max(0.05, end - time.monotonic()))
        try:
            msg = s.recv(4096).decode()
        except socket.timeout:
            break
        seen.append(msg)
        if want in msg.split("\n"):
            return msg, seen
    raise TestFailure("no %s from the daemon in %.1f s; got %r" % (want, timeout, seen))


def test_systemd_notify_ready_reload_watchdog_stop(t):
    version = subprocess.run([DAEMON_BIN, "--version"], stdout=subprocess.PIPE,
                             universal_newlines=True, timeout=10).stdout
    expect(re.match(r"provisiond \S+ \([+-]systemd\)$", version.strip()), "--version: %r", version)
    s, path = _notify_socket(t, "notify.sock")
    env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC=str(int(600000 * TIME_SCALE)))
    try:
        with t.new_daemon(name="notified", env=env, wait=False) as d:
            if "+systemd" not in version:
                d.wait_ready()
                s.settimeout(1)
                with contextlib.suppress(socket.timeout):
                    raise TestFailure("built without systemd, yet it notified %r" % s.recv(4096))
                return
            msg, _ = _next_notification(s, "READY=1", 30 * TIME_SCALE)
            # READY=1 means the API answers: systemd starts what comes After= us then
            expect(health(d)[0] == 200, "health right after READY=1")
            expect(re.search(r"^STATUS=serving on 127\.0\.0\.1:%d$" % d.port, msg, re.M),
                   "READY=1 without a STATUS naming the address: %r", msg)
            # WatchdogSec=0.6 s: pinged at half of it, from the signal loop
            t0 = time.monotonic()
            _next_notification(s, "WATCHDOG=1", 2 * TIME_SCALE)
            _next_notification(s, "WATCHDOG=1", 2 * TIME_SCALE)
            expect(time.monotonic() - t0 < 2 * TIME_SCALE, "two watchdog pings took too long")
            d.signal(signal.SIGHUP)
            msg, _ = _next_notification(s, "RELOADING=1", 5 * TIME_SCALE)
            expect(re.search(r"^MONOTONIC_USEC=\d+$", msg, re.M), "RELOADING=1 without MONOTONIC_USEC: %r", msg)
            _next_notification(s, "READY=1", 5 * TIME_SCALE)
            d.signal(signal.SIGTERM)
            _next_notification(s, "STOPPING=1", 10 * TIME_SCALE)
            d.proc.wait(20 * TIME_SCALE)
            expect(d.stop() == 0, "exit status")
    finally:
        s.close()


def test_systemd_start_timeout_extended_while_waiting_for_postgresql(t):
    version = subprocess.run([DAEMON_BIN, "--version"], stdout=subprocess.PIPE,
                             universal_newlines=True, timeout=10).stdout
    if "+systemd" not in version:
        return  # covered by the case above: nothing is sent without libsystemd
    s, path = _notify_socket(t, "notify-wait.sock")
    env = dict(os.environ, NOTIFY_SOCKET=path)
    # a port where no PostgreSQL listens: the daemon waits, as at boot
    conf = t.daemon.conf()
    bad = re.sub(r"port=\d+", "port=%d" % socket_free_port(), conf["db_conninfo"])
    try:
        with t.new_daemon(name="waiting", env=env, wait=False, overrides={"db_conninfo": bad}) as d:
            end = time.monotonic() + 15 * TIME_SCALE
            got = None
            while got is None and time.monotonic() < end:
                s.settimeout(1)
                with contextlib.suppress(socket.timeout):
                    m = s.recv(4096).decode()
                    if m.startswith("STATUS=waiting for PostgreSQL"):
                        got = m
            expect(got is not None, "no STATUS=waiting for PostgreSQL while the database is down")
            expect(re.search(r"^EXTEND_TIMEOUT_USEC=\d{8,}$", got, re.M),
                   "the start-up timeout is not extended: %r", got)
            expect("READY=1" not in got, "READY=1 before the database answered: %r", got)
            # stopping while waiting is what was asked for, not a failure
            expect(d.stop() == 0, "exit status when stopped while waiting")
    finally:
        s.close()


def socket_free_port():
    with socket.socket() as x:
        x.bind(("127.0.0.1", 0))
        return x.getsockname()[1]


# ------------------------------------------------------------------ directory connection

def test_start_with_slapd_down(t):
    t.stack.stop_ldap()
    try:
        with t.new_daemon(name="no-ldap") as d:
            st, _, body, js = health(d, timeout=30)
            expect(st == 503 and js["directory"]["status"] == "down", "health: %s %r", st, body)
            text = d.log_text()
            expect(re.search(r"directory.*(not reachable|unreachable|down)", text, re.I),
                   "no clear log message about the directory:\n%s", d.log_tail(10))
            time.sleep(1)
            expect(d.alive(), "the daemon exited with slapd down")
            expect_error(d.request("GET", "/v1/whoami", basic=("aaf.ramos", PW), timeout=30), 503,
                         "unavailable")
            # tokens do not need the directory
            st, _, body, _ = d.request("GET", "/v1/whoami", token=t.admin_token())
            expect(st == 200, "token auth with slapd down: %s %r", st, body)
            t.stack.start_ldap()
            wait_until(lambda: health(d)[0] == 200, 20, what="health 200 once slapd is back")
            st, _, body, _ = d.request("GET", "/v1/whoami", basic=("aaf.ramos", PW))
            expect(st == 200, "sign-in once slapd is back: %s %r", st, body)
    finally:
        t.stack.start_ldap()


def test_sasl_external_over_ldapi(t):
    uri = t.stack.ldapi_url()
    expect(uri, "the stack gives no ldapi:// URI: %r", t.stack.env)
    with t.new_daemon({"ldap_uri": uri, "ldap_auth": "sasl_external"}, name="ldapi") as d:
        st, _, body, js = health(d)
        expect(st == 200, "health over ldapi: %s %r", st, body)
        st, _, body, js = d.request("GET", "/v1/whoami", basic=("tim.mendoza", PW))
        expect(st == 200 and {"tim_head", "unit_head"} <= set(js["roles"]), "whoami: %s %r", st, body)
        expect_error(d.request("GET", "/v1/whoami", basic=("locked.user", PW)), 401, "account_locked")


def _simple(t, **more):
    env = t.stack.env
    ov = {"ldap_uri": t.stack.ldap_url(), "ldap_auth": "simple",
          "ldap_bind_dn": env["PVD_LDAP_SERVICE_DN"],
          "ldap_bind_password_file": env["PVD_LDAP_SERVICE_PW_FILE"],
          "ldap_ca_file": env["PVD_LDAP_CA_FILE"], "ldap_starttls": "yes"}
    ov.update(more)
    return ov


def test_simple_bind_over_starttls(t):
    ov = _simple(t)
    path = conf_file(t, "starttls-check.conf", ov)
    p = check_config(path)
    expect(p.returncode == 0, "--check-config with simple over StartTLS: %r", p.stderr)
    with t.new_daemon(ov, name="starttls") as d:
        st, _, body, js = health(d)
        expect(st == 200, "health with simple over StartTLS: %s %r", st, body)
        st, _, body, js = d.request("GET", "/v1/whoami", basic=("tim.mendoza", PW))
        expect(st == 200 and {"tim_head", "unit_head"} <= set(js["roles"]), "whoami: %s %r", st, body)
        st, _, body, js = d.request("GET", "/v1/whoami", basic=("trib.nunez", PW))
        expect(st == 200 and js["roles"] == ["employee"], "whoami: %s %r", st, body)
        expect_error(d.request("GET", "/v1/whoami", basic=("aaf.ramos", "nope")), 401, "unauthorized")
        expect_error(d.request("GET", "/v1/whoami", basic=("locked.user", PW)), 401, "account_locked")
        expect_error(d.request("GET", "/v1/whoami", basic=("*)(uid=*", PW)), 401)
        # the service password never reaches the log
        with open(t.stack.env["PVD_LDAP_SERVICE_PW_FILE"]) as f:
            spw = f.readline().strip()
        expect(spw not in d.log_text(), "the service password is in the log")
        expect(PW not in d.log_text(), "a user password is in the log")
        # slapd saw StartTLS from the daemon
        slog = t.stack.env.get("PVD_SLAPD_LOG")
        if slog and os.path.exists(slog):
            with open(slog, errors="replace") as f:
                expect("STARTTLS" in f.read(), "slapd's log shows no STARTTLS")


def test_simple_bind_wrong_ca_is_refused(t):
    bundle = "/etc/ssl/certs/ca-certificates.crt"
    if not os.path.exists(bundle):
        bundle = os.path.join(t.stack.dir, "empty-ca.pem")
        open(bundle, "w").close()
    with t.new_daemon(_simple(t, ldap_ca_file=bundle), name="wrong-ca") as d:
        # why is for operators; the directory is down, so a token (PostgreSQL) signs in
        st, _, body, js = health(d, timeout=30, token=d.create_token("admin", "wrong-ca-admin"))
        expect(st == 503 and js["directory"]["status"] == "down",
               "slapd's certificate is not from that CA, want 503: %s %r", st, body)
        expect(re.search(r"tls|certificate|ssl|connect", js["directory"].get("error", ""), re.I),
               "the directory error should say why: %r", js["directory"])
        expect_error(d.request("GET", "/v1/whoami", basic=("aaf.ramos", PW), timeout=30), 503,
                     "unavailable")


def test_simple_bind_wrong_service_password(t):
    pw = os.path.join(t.stack.dir, "wrong-service.pw")
    with open(pw, "w") as f:
        f.write("not-the-password\n")
    os.chmod(pw, 0o600)
    with t.new_daemon(_simple(t, ldap_bind_password_file=pw), name="wrong-svc-pw") as d:
        st, _, body, js = health(d, timeout=30)
        expect(st == 503 and js["directory"]["status"] == "down",
               "a wrong service password, want 503: %s %r", st, body)
        expect("not-the-password" not in d.log_text(), "the service password is in the log")


def test_directory_in_cn_config_form(t):
    """The same directory built from the cn=config form of the schema and
    overlays (pvd-stack --config-form cnconfig) serves the daemon alike."""
    from harness import Stack
    with Stack(config_form="cnconfig") as st2:
        with Daemon(st2, name="cnconfig") as d:
            st, _, body, _ = health(d)
            expect(st == 200, "health on the cn=config stack: %s %r", st, body)
            st, _, body, js = d.request("GET", "/v1/whoami", basic=("tim.mendoza", PW))
            expect(st == 200 and {"tim_head", "unit_head"} <= set(js["roles"]), "whoami: %s %r",
                   st, body)
            expect_error(d.request("GET", "/v1/whoami", basic=("locked.user", PW)), 401,
                         "account_locked")
            expect_error(d.request("GET", "/v1/whoami", basic=("aaf.ramos", "nope")), 401,
                         "unauthorized")


if __name__ == "__main__":
    main(globals())
