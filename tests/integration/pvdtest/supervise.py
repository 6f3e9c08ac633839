# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The servers of a test run and their teardown.

The cleanup registry (run at exit, on an exception and on SIGTERM/SIGINT),
Stack (a private PostgreSQL + slapd by contrib/stack/pvd-stack) and
Daemon (one provisiond -f: config, start, stop, valgrind, log, CLI).
Importing this module installs the SIGTERM/SIGINT handlers.
"""

import atexit
import http.client
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

from .checks import TestFailure, wait_until
from .conffile import read_conf, write_conf
from .httpclient import raw_http, request
from .settings import (DAEMON_BIN, KEEP_TMP, PVD_STACK, TIME_SCALE, VALGRIND, VALGRIND_CMD,
                       VALGRIND_ERROR_EXIT)

from .people import PASSWORD  # noqa: F401 (every person's password in the example organisation)
# sign-in throttling limits written into every Daemon's config (see write_config)
THROTTLE_RELAXED = {"auth_free_failures": "1000", "auth_free_failures_per_address": "100000",
                    "auth_login_max_failures": "1000"}


# ---------------------------------------------------------------- cleanup
# Every Stack and Daemon registers its teardown here, so servers are
# stopped on a normal exit, on an exception, at interpreter exit and on
# SIGTERM/SIGINT. Entries are popped before they run: a signal arriving
# during cleanup never runs one twice.

_cleanups = []
_cleanup_lock = threading.RLock()


def _register_cleanup(key, fn):
    with _cleanup_lock:
        _cleanups.append((key, fn))


def _unregister_cleanup(key):
    with _cleanup_lock:
        for i, (k, _) in enumerate(_cleanups):
            if k is key:
                del _cleanups[i]
                return


def _run_cleanups():
    while True:
        with _cleanup_lock:
            if not _cleanups:
                return
            _, fn = _cleanups.pop()
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - cleanup must go on
            sys.stderr.write("harness: cleanup failed: %s\n" % e)


def _on_signal(signum, frame):
    sys.stderr.write("harness: signal %d: stopping servers\n" % signum)
    _run_cleanups()
    os._exit(128 + signum)


atexit.register(_run_cleanups)
for _sig in (signal.SIGTERM, signal.SIGINT):
    try:
        signal.signal(_sig, _on_signal)
    except ValueError:  # not the main thread (imported from elsewhere)
        pass


def _pdeathsig():
    """preexec_fn: the child gets SIGTERM if the harness dies (even kill -9)."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001
        pass


# ---------------------------------------------------------------- helpers

_given_ports = set()


def read_log(path):
    """A log file's text so far ("" before it exists)."""
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""


def free_port():
    """A TCP port free on 127.0.0.1 now (and not handed out before)."""
    for _ in range(100):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        finally:
            s.close()
        if port not in _given_ports:
            _given_ports.add(port)
            return port
    raise RuntimeError("no free port")



def _pg_bin(name, stack_env=None):
    pb = os.environ.get("PVD_PG_BIN") or (stack_env or {}).get("PVD_PG_BIN")
    if pb:
        if os.path.isdir(pb):
            return os.path.join(pb, name)
        if name == "psql":
            return pb
        return os.path.join(os.path.dirname(pb), name)
    for cand in ("/usr/bin/" + name, "/usr/lib/postgresql/15/bin/" + name):
        if os.path.exists(cand):
            return cand
    return name


# ---------------------------------------------------------------- the stack

class Stack:
    """A private PostgreSQL + slapd in a temp folder, by contrib/stack/pvd-stack.

    Attributes: dir, pg_port, ldap_port, env (stack.env as a dict),
    conf_path (the ready DIR/provisiond.conf), conf (that file as a dict).
    """

    def __init__(self, config_form=None, keep=None):
        self.config_form = config_form
        self.keep = KEEP_TMP if keep is None else keep
        self.dir = None
        self.up_done = False
        self._daemon_seq = 0

    # -- lifecycle
    def __enter__(self):
        try:
            self.up()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def up(self):
        if not os.access(PVD_STACK, os.X_OK):
            raise TestFailure("%s is missing or not executable" % PVD_STACK)
        self.dir = tempfile.mkdtemp(prefix="pvd-test-")
        # PostgreSQL runs as an unprivileged user: it must reach its folder
        os.chmod(self.dir, 0o755)
        _register_cleanup(self, self.close)
        self.pg_port = free_port()
        self.ldap_port = free_port()
        cmd = [PVD_STACK, "up", self.dir, "--pg-port", str(self.pg_port),
               "--ldap-port", str(self.ldap_port)]
        if self.config_form:
            cmd += ["--config-form", self.config_form]
        # a failed "up" may have started one server: "down" runs in any case
        self.up_done = True
        self._stack_cmd(cmd, timeout=120)
        self.env = self._read_env(os.path.join(self.dir, "stack.env"))
        self.conf_path = os.path.join(self.dir, "provisiond.conf")
        if not os.path.isfile(self.conf_path):
            raise TestFailure("pvd-stack up wrote no %s" % self.conf_path)
        self.conf = read_conf(self.conf_path)
        self.conninfo = self.conf.get("db_conninfo") or self.env.get("PVD_DB_CONNINFO")
        return self

    def close(self):
        _unregister_cleanup(self)
        if self.dir is None:
            return
        if self.up_done:
            try:
                self._stack_cmd([PVD_STACK, "down", self.dir], timeout=60)
            except Exception as e:  # noqa: BLE001
                sys.stderr.write("harness: pvd-stack down failed: %s\n" % e)
            self.up_done = False
        if self.keep:
            sys.stderr.write("harness: kept %s (PVD_KEEP_TMP=1)\n" % self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None

    def _stack_cmd(self, cmd, timeout=60):
        env = dict(os.environ, PVD_STACK_FAST="1")
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           stdin=subprocess.DEVNULL, env=env, timeout=timeout)
        if p.returncode != 0:
            raise TestFailure("%s exited %d:\n%s%s" % (
                " ".join(shlex.quote(c) for c in cmd), p.returncode,
                p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")))
        return p.stdout.decode(errors="replace")

    @staticmethod
    def _read_env(path):
        env = {}
        if not os.path.isfile(path):
            raise TestFailure("pvd-stack up wrote no %s" % path)
        with open(path) as f:
            for line in f:
                s = line.strip()
                if not s or s.startswith("#"):
                    continue
                if s.startswith("export "):
                    s = s[len("export "):].strip()
                k, eq, v = s.partition("=")
                if not eq:
                    continue
                try:
                    parts = shlex.split(v)
                    v = parts[0] if len(parts) == 1 else " ".join(parts)
                except ValueError:
                    pass
                env[k.strip()] = v
        return env

    # -- server control (pvd-stack subcommands)
    def stop_ldap(self):
        self._stack_cmd([PVD_STACK, "stop-ldap", self.dir])

    def start_ldap(self):
        self._stack_cmd([PVD_STACK, "start-ldap", self.dir])

    def stop_pg(self):
        self._stack_cmd([PVD_STACK, "stop-pg", self.dir])

    def start_pg(self):
        self._stack_cmd([PVD_STACK, "start-pg", self.dir])

    # -- PostgreSQL
    def conninfo_for(self, dbname):
        """The stack's conninfo with another dbname."""
        ci = self.conninfo or ""
        if re.search(r"(^|\s)dbname\s*=", ci):
            return re.sub(r"(^|\s)dbname\s*=\s*('[^']*'|\S+)", r"\1dbname=%s" % dbname, ci)
        return (ci + " dbname=%s" % dbname).strip()

    def psql(self, sql, conninfo=None, check=True):
        """Runs sql; returns stdout (unaligned, tuples only, '|' separated)."""
        cmd = [_pg_bin("psql", self.env), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
               "-d", conninfo or self.conninfo, "-c", sql]
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           stdin=subprocess.DEVNULL, timeout=30)
        if check and p.returncode != 0:
            raise TestFailure("psql failed (%d) on %r: %s" % (p.returncode, sql,
                                                              p.stderr.decode(errors="replace")))
        return p.stdout.decode(errors="replace")

    def superuser_conninfo(self, dbname="postgres"):
        """The cluster's superuser (the stack's initdb -U postgres)."""
        return "host=127.0.0.1 port=%d dbname=%s user=postgres connect_timeout=10" % (
            self.pg_port, dbname)

    def db_user(self):
        m = re.search(r"(?:^|\s)user\s*=\s*(\S+)", self.conninfo or "")
        return m.group(1) if m else "provisiond"

    def create_database(self, name):
        """A fresh empty database owned by the daemon's role; returns its conninfo."""
        self.psql('CREATE DATABASE "%s" OWNER "%s"' % (name, self.db_user()),
                  conninfo=self.superuser_conninfo())
        return self.conninfo_for(name)

    # -- LDAP
    def ldap_url(self):
        return "ldap://127.0.0.1:%d" % self.ldap_port

    def ldapi_url(self):
        for k in ("PVD_LDAPI_URI", "PVD_LDAP_LDAPI_URI", "PVD_LDAP_URI"):
            if self.env.get(k, "").startswith("ldapi://"):
                return self.env[k]
        uri = self.conf.get("ldap_uri", "")
        return uri if uri.startswith("ldapi://") else None

    def next_name(self, what):
        self._daemon_seq += 1
        return "%s-%d" % (what, self._daemon_seq)


# ---------------------------------------------------------------- the daemon

class Daemon:
    """provisiond -c CONF -f, started from the stack's provisiond.conf with
    listen_port set to a free port and keys overridden by `overrides`."""

    def __init__(self, stack, overrides=None, name=None, wait=True, start_timeout=30, env=None):
        self.stack = stack
        self.env = env  # None: ours; else the whole environment to start it in
        self.name = name or stack.next_name("daemon")
        self.overrides = dict(overrides or {})
        self.wait = wait
        self.start_timeout = start_timeout
        self.port = free_port()
        self.conf_path = os.path.join(stack.dir, self.name + ".conf")
        self.log_path = os.path.join(stack.dir, self.name + ".log")
        self.proc = None
        self.last_exit = None
        self._logf = None
        self.write_config()

    @property
    def base_url(self):
        return "http://127.0.0.1:%d" % self.port

    def write_config(self, **more):
        """(Re)writes the config file; keyword args add to the overrides."""
        self.overrides.update(more)
        ov = {"listen_address": "127.0.0.1", "log_target": "stderr",
              "pid_file": os.path.join(self.stack.dir, self.name + ".pid")}
        # Sign-in throttling would turn the deliberate bad sign-ins of most
        # tests (all from 127.0.0.1) into 429s; test_hardening.py checks it
        # with the defaults (THROTTLE_DEFAULTS there).
        ov.update(THROTTLE_RELAXED)
        ov.update(self.overrides)
        ov["listen_port"] = str(self.port)
        write_conf(self.stack.conf_path, self.conf_path, ov)
        return self.conf_path

    def conf(self):
        return read_conf(self.conf_path)

    # -- lifecycle
    def __enter__(self):
        try:
            self.start(wait=self.wait)
        except BaseException:
            self._kill_quietly()
            raise
        return self

    def __exit__(self, *exc):
        failing = exc[0] is not None
        try:
            self.stop()
        except TestFailure:
            if not failing:
                raise
        return False

    def command(self):
        cmd = [DAEMON_BIN, "-c", self.conf_path, "-f"]
        if VALGRIND:
            cmd = VALGRIND_CMD + ["--log-file=%s.valgrind.%%p" % self.log_path] + cmd
        return cmd

    def start(self, wait=True):
        if self.proc is not None and self.proc.poll() is None:
            raise TestFailure("%s is already running" % self.name)
        self._logf = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL,
                                     stdout=self._logf, stderr=subprocess.STDOUT,
                                     preexec_fn=_pdeathsig, env=self.env)
        _register_cleanup(self, self._kill_quietly)
        if wait:
            self.wait_ready(self.start_timeout)
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def wait_ready(self, timeout=30):
        """Waits until GET /v1/health answers with any status."""
        def ready():
            if not self.alive():
                raise TestFailure("%s exited with status %s while starting; log:\n%s" % (
                    self.name, self.proc.returncode, self.log_tail()))
            try:
                st, _, _, _ = self.request("GET", "/v1/health", timeout=2)
                return st > 0
            except (OSError, http.client.HTTPException):
                return False
        try:
            wait_until(ready, timeout, interval=0.05, what="%s to answer /v1/health" % self.name)
        except TestFailure as e:
            if "exited with status" in str(e):
                raise
            raise TestFailure("%s; log:\n%s" % (e, self.log_tail()))

    def signal(self, sig):
        if not self.alive():
            raise TestFailure("%s is not running (exit %s); log:\n%s" % (
                self.name, self.proc and self.proc.returncode, self.log_tail()))
        self.proc.send_signal(sig)

    def sighup(self, wait_for_reload=True):
        """SIGHUP, then (by default) wait for the 'reloaded'/'refused' log line.
        With log_level error or warning in the new file the 'reloaded' line
        is not logged: then it waits half a second instead."""
        before = self.log_text().count("reload")
        self.signal(signal.SIGHUP)
        quiet = self.conf().get("log_level", "info") in ("error", "warning", "warn")
        if wait_for_reload and quiet:
            time.sleep(0.5 * TIME_SCALE)
        elif wait_for_reload:
            wait_until(lambda: self.log_text().count("reload") > before, 10,
                       what="%s to log the reload" % self.name)

    def stop(self, timeout=20, expect_status=0):
        """SIGTERM and wait; kill -9 after the timeout (then fail). Fails
        when the exit status is not expect_status (valgrind: 99 = error)."""
        _unregister_cleanup(self)
        if self.proc is None:
            return None
        p = self.proc
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout * TIME_SCALE)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
                self._close_log()
                raise TestFailure("%s did not stop within %.0f s of SIGTERM; killed; log:\n%s" % (
                    self.name, timeout * TIME_SCALE, self.log_tail()))
        self._close_log()
        self.last_exit = p.returncode
        self.proc = None
        if expect_status is not None and p.returncode != expect_status:
            why = ""
            if VALGRIND and p.returncode == VALGRIND_ERROR_EXIT:
                why = " (valgrind found errors or definite leaks)\n" + self.valgrind_text()
            raise TestFailure("%s exited with status %s, want %s%s\nlog:\n%s" % (
                self.name, p.returncode, expect_status, why, self.log_tail()))
        return p.returncode

    def restart(self, wait=True, **overrides):
        self.stop()
        if overrides:
            self.write_config(**overrides)
        return self.start(wait=wait)

    def _close_log(self):
        if self._logf is not None:
            self._logf.close()
            self._logf = None

    def _kill_quietly(self):
        _unregister_cleanup(self)
        p = self.proc
        if p is not None and p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(10 * TIME_SCALE)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self._close_log()

    # -- logs
    def log_text(self):
        return read_log(self.log_path)

    def log_lines_for(self, request_id):
        return [ln for ln in self.log_text().splitlines() if request_id in ln]

    def log_tail(self, n=40):
        lines = self.log_text().splitlines()
        return "\n".join(lines[-n:])

    def valgrind_text(self):
        out = []
        d = os.path.dirname(self.log_path)
        pre = os.path.basename(self.log_path) + ".valgrind."
        for fn in sorted(os.listdir(d)):
            if fn.startswith(pre):
                with open(os.path.join(d, fn), errors="replace") as f:
                    out.append(f.read())
        return "\n".join(out)

    # -- HTTP
    def request(self, method, path, body=None, raw=None, headers=None, token=None,
                basic=None, timeout=10):
        return request(self.base_url, method, path, body=body, raw=raw, headers=headers,
                       token=token, basic=basic, timeout=timeout)

    def raw(self, data, timeout=10):
        return raw_http("127.0.0.1", self.port, data, timeout=timeout)

    # -- command line
    def cli(self, *args, check=True, timeout=60):
        """provisiond -c CONF ARGS...; returns CompletedProcess (text)."""
        cmd = [DAEMON_BIN, "-c", self.conf_path] + list(args)
        if VALGRIND:
            cmd = VALGRIND_CMD + ["-q"] + cmd
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           stdin=subprocess.DEVNULL, timeout=timeout * TIME_SCALE,
                           universal_newlines=True)
        if VALGRIND and p.returncode == VALGRIND_ERROR_EXIT:
            raise TestFailure("valgrind found errors in %s:\n%s" % (" ".join(args), p.stderr))
        if check and p.returncode != 0:
            raise TestFailure("provisiond %s exited %d: %s%s" % (
                " ".join(args), p.returncode, p.stdout, p.stderr))
        return p

    def create_token(self, role, name):
        """provisiond token create: returns the token (printed once)."""
        p = self.cli("token", "create", "--role", role, "--name", name)
        tok = p.stdout.strip()
        if not tok or "\n" in tok:
            raise TestFailure("token create printed %r, want one line" % p.stdout)
        return tok
