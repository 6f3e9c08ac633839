"""Integration test harness for provisiond: real slapd + PostgreSQL + daemon.

Python 3 standard library only.

    from harness import Stack, Daemon, main

    def test_health(t):
        st, hdr, body, js = t.request("GET", "/v1/health")
        assert st == 200, (st, body)

    if __name__ == "__main__":
        main(globals())

main() starts one Stack (contrib/stack/pvd-stack: a private PostgreSQL and
slapd with the example organisation) and one Daemon, then runs every
test_* function of the file in definition order with a Context `t`, and
prints TAP lines (`ok N - name` / `not ok N - name`), then the plan and a
summary line "N passed, N failed". Exit status: 0 all passed, 1 some
failed, 77 (skip) only when the daemon binary does not exist.

Environment:
    PROVISIOND_BIN     the daemon (default <builddir>/provisiond/provisiond)
    abs_top_builddir   set by automake's test driver; else the repo root
    abs_top_srcdir     set by automake's test driver; else found from here
    PVD_KEEP_TMP=1     keep the temporary folders (logs, configs, data)
    PVD_VALGRIND=1     run the daemon under valgrind; a definite leak or a
                       memory error fails the test that stops the daemon
    PVD_PG_BIN         PostgreSQL client folder or psql binary
    PVD_TEST_ONLY=re   run only the tests whose name matches the regex
    PVD_TEST_VERBOSE=1 print the daemon log of a failed test in full
    PVD_TEST_CONFIG_FORM=cnconfig  build slapd from cn=config instead of slapd.conf
"""

import atexit
import base64
import http.client
import json
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
import traceback
import urllib.error
import urllib.request

__all__ = [
    "REPO", "BUILDDIR", "DAEMON_BIN", "PVD_STACK", "VALGRIND", "TIME_SCALE",
    "Stack", "Daemon", "Context", "TestFailure", "main", "free_port",
    "request", "raw_http", "wait_until", "parse_prometheus", "PASSWORD",
    "expect", "expect_error", "letters", "ok", "act", "THROTTLE_RELAXED",
]

HERE = os.path.dirname(os.path.abspath(__file__))


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
PASSWORD = "dev-password"
THROTTLE_RELAXED = {"auth_free_failures": "1000", "auth_free_failures_per_address": "100000",
                    "auth_login_max_failures": "1000"}


class TestFailure(AssertionError):
    pass


def log(msg):
    """A TAP diagnostic line (ignored by TAP consumers, read by humans)."""
    for line in str(msg).splitlines() or [""]:
        sys.stdout.write("# " + line + "\n")
    sys.stdout.flush()


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


def wait_until(fn, timeout, interval=0.05, what="condition"):
    """Calls fn until it returns a true value; returns it, or raises."""
    deadline = time.monotonic() + timeout * TIME_SCALE
    last_exc = None
    while True:
        try:
            v = fn()
            if v:
                return v
        except Exception as e:  # noqa: BLE001
            last_exc = e
        if time.monotonic() > deadline:
            raise TestFailure("timed out after %.1f s waiting for %s%s" % (
                timeout * TIME_SCALE, what, (": last error %r" % last_exc) if last_exc else ""))
        time.sleep(interval)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def basic_header(user, password):
    raw = ("%s:%s" % (user, password)).encode("utf-8")
    return "Basic " + base64.b64encode(raw).decode("ascii")


def request(base_url, method, path, body=None, raw=None, headers=None, token=None,
            basic=None, timeout=10):
    """One HTTP request, redirects not followed.

    body: a dict/list (sent as JSON with Content-Type application/json);
    raw: bytes sent as they are (set Content-Type in headers yourself);
    token: bearer token; basic: (user, password).
    Returns (status, headers with lower-case names, body bytes, parsed JSON or None).
    """
    hdrs = {}
    data = None
    if body is not None:
        data = json.dumps(body).encode("utf-8")
        hdrs["Content-Type"] = "application/json"
    if raw is not None:
        data = raw
    if token is not None:
        hdrs["Authorization"] = "Bearer " + token
    if basic is not None:
        hdrs["Authorization"] = basic_header(*basic)
    for k, v in (headers or {}).items():
        # None removes a header the helper would have added
        for existing in [h for h in hdrs if h.lower() == k.lower()]:
            del hdrs[existing]
        if v is not None:
            hdrs[k] = v
    req = urllib.request.Request(base_url + path, data=data, headers=hdrs, method=method)
    if data is not None and not any(h.lower() == "content-type" for h in hdrs):
        # urllib would add application/x-www-form-urlencoded by itself
        req.add_unredirected_header("Content-type", "application/octet-stream")
    try:
        resp = _opener.open(req, timeout=timeout * TIME_SCALE)
        status, rh, rb = resp.status, resp.headers, resp.read()
        resp.close()
    except urllib.error.HTTPError as e:
        status, rh, rb = e.code, e.headers, e.read()
        e.close()
    hd = {}
    for k, v in rh.items():
        k = k.lower()
        hd[k] = hd[k] + ", " + v if k in hd else v
    js = None
    if rb and "json" in hd.get("content-type", ""):
        try:
            js = json.loads(rb.decode("utf-8"))
        except ValueError:
            js = None
    return status, hd, rb, js


def raw_http(host, port, data, timeout=10, read=True, source=None):
    """Sends bytes on a fresh connection (from the loopback address source,
    when given: 127.0.0.2 is another client) and returns what comes back
    until the server closes it (or timeout)."""
    s = socket.create_connection((host, port), timeout=timeout * TIME_SCALE,
                                 source_address=(source, 0) if source else None)
    try:
        s.sendall(data)
        if not read:
            return b""
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            out += chunk
        return out
    finally:
        s.close()


def parse_http_response(raw):
    """(status, headers lower-case, body) of one raw HTTP/1.1 response."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("iso-8859-1").split("\r\n")
    status = int(lines[0].split()[1])
    hd = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        hd[k.strip().lower()] = v.strip()
    return status, hd, body


_PROM_LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\d+)?$')
_PROM_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*')


def parse_prometheus(text):
    """[(name, {label: value}, float)] from Prometheus text format;
    raises TestFailure on a line that is not valid."""
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            if line.startswith("# TYPE") or line.startswith("# HELP"):
                if len(line.split(None, 3)) < 3:
                    raise TestFailure("metrics line %d malformed: %r" % (n, line))
            continue
        m = _PROM_LINE.match(line)
        if not m:
            raise TestFailure("metrics line %d is not Prometheus text: %r" % (n, line))
        labels = {}
        if m.group(3):
            rest = m.group(3)
            pos = 0
            while pos < len(rest):
                lm = _PROM_LABEL.match(rest, pos)
                if not lm:
                    raise TestFailure("metrics line %d has bad labels: %r" % (n, line))
                labels[lm.group(1)] = lm.group(2)
                pos = lm.end()
        out.append((m.group(1), labels, float(m.group(4))))
    return out


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


# ---------------------------------------------------------------- config files

def read_conf(path):
    """key -> value of a provisiond.conf (quotes removed)."""
    out = {}
    with open(path) as f:
        for line in f:
            s = line.strip()
            if not s or s.startswith("#") or "=" not in s:
                continue
            k, _, v = s.partition("=")
            v = v.strip()
            if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
                v = v[1:-1]
            out[k.strip()] = v
    return out


def _conf_value(v):
    v = str(v)
    if v != v.strip():
        return '"%s"' % v
    return v


def write_conf(src, dst, overrides):
    """Copies the config src to dst with keys replaced; a key whose value is
    None is removed; keys not in src are appended. Keys appear once."""
    overrides = dict(overrides)
    lines = []
    if src:
        with open(src) as f:
            for line in f:
                s = line.strip()
                if s and not s.startswith("#") and "=" in s:
                    k = s.partition("=")[0].strip()
                    if k in overrides:
                        v = overrides.pop(k)
                        if v is not None:
                            lines.append("%s = %s\n" % (k, _conf_value(v)))
                        continue
                lines.append(line if line.endswith("\n") else line + "\n")
    for k, v in overrides.items():
        if v is not None:
            lines.append("%s = %s\n" % (k, _conf_value(v)))
    with open(dst, "w") as f:
        f.writelines(lines)
    return dst


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

    def __init__(self, stack, overrides=None, name=None, wait=True, start_timeout=30):
        self.stack = stack
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
                                     preexec_fn=_pdeathsig)
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


# ---------------------------------------------------------------- test runner

class Context:
    """What a test function gets: the stack, the shared daemon and shortcuts."""

    def __init__(self, stack, daemon):
        self.stack = stack
        self.daemon = daemon
        self.secrets = []    # tokens/passwords the daemon must never log
        self._tokens = {}

    def request(self, *a, **kw):
        return self.daemon.request(*a, **kw)

    def get(self, path, **kw):
        return self.daemon.request("GET", path, **kw)

    def as_user(self, user, password=PASSWORD):
        return (user, password)

    def admin_token(self):
        """A bearer token with role admin (created once per daemon run)."""
        return self.token("admin")

    def token(self, role):
        if role not in self._tokens:
            name = "t-%s-%d" % (role.replace("_", "-"), len(self._tokens))
            tok = self.daemon.create_token(role, name)
            self.secrets.append(tok)
            self._tokens[role] = tok
        return self._tokens[role]

    def new_daemon(self, overrides=None, **kw):
        return Daemon(self.stack, overrides=overrides, **kw)

    def ensure_daemon(self):
        """Restarts the shared daemon if a test left it stopped."""
        if not self.daemon.alive():
            self.daemon.start()


def expect(cond, msg, *args):
    if not cond:
        raise TestFailure(msg % args if args else msg)


def expect_error(resp, status, code=None, field=None, message_re=None):
    """Checks an error answer: status and the error envelope."""
    st, hd, body, js = resp
    text = body.decode("utf-8", errors="replace")
    expect(st == status, "status %s, want %s; body %s", st, status, text)
    expect("x-request-id" in hd, "no X-Request-Id header on the %s answer", st)
    expect(isinstance(js, dict) and isinstance(js.get("error"), dict),
           "no error envelope in %s (content-type %s)", text, hd.get("content-type"))
    err = js["error"]
    for k in ("code", "message", "field"):
        expect(k in err, "error envelope lacks %r: %s", k, text)
    expect(isinstance(err["message"], str) and err["message"], "empty error message: %s", text)
    if code is not None:
        expect(err["code"] == code, "error code %r, want %r: %s", err["code"], code, text)
    if field is not None:
        expect(err["field"] == field, "error field %r, want %r: %s", err["field"], field, text)
    if message_re is not None:
        expect(re.search(message_re, err["message"], re.I),
               "error message %r does not match /%s/", err["message"], message_re)
    return err



# ---------------------------------------------------------------- shared test helpers

def letters(i):
    """A name part from a number (names may not hold digits): 0 -> A, 25 -> Z, 26 -> Aa."""
    s, i = "", i + 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(ord("a") + r) + s
    return s.capitalize()


def ok(resp, status=200):
    """Expects an answer's status; returns its JSON (or body when not JSON)."""
    st, hd, body, js = resp
    expect(st == status, "status %s want %s: %s", st, status, body.decode(errors="replace")[:800])
    return js if js is not None else body


def act(d, rid, action, who, **body):
    """POST /v1/requests/{rid}/{action} as who (login, password), body fields as keywords."""
    return d.request("POST", "/v1/requests/%d/%s" % (rid, action), body=body or None, basic=who)


def _tests_of(module_globals):
    only = os.environ.get("PVD_TEST_ONLY")
    tests = [(n, f) for n, f in module_globals.items()
             if n.startswith("test_") and callable(f)]
    if only:
        tests = [(n, f) for n, f in tests if re.search(only, n)]
    return tests


def main(module_globals, daemon_overrides=None, config_form=None, need_daemon=True):
    """Runs the file's test_* functions in one Stack + Daemon; exits."""
    tests = _tests_of(module_globals)
    config_form = config_form or os.environ.get("PVD_TEST_CONFIG_FORM") or None
    if not os.access(DAEMON_BIN, os.X_OK):
        print("1..0 # SKIP the daemon %s is not built" % DAEMON_BIN)
        sys.exit(77)

    results = []
    n = 0

    def report(name, ok, detail=None):
        nonlocal n
        n += 1
        print("%s %d - %s" % ("ok" if ok else "not ok", n, name))
        if detail:
            log(detail)
        sys.stdout.flush()
        results.append(ok)

    t0 = time.monotonic()
    try:
        with Stack(config_form=config_form) as stack:
            log("stack in %s (pg %d, ldap %d)" % (stack.dir, stack.pg_port, stack.ldap_port))
            d = Daemon(stack, overrides=daemon_overrides, name="main")
            with d:
                t = Context(stack, d)
                for name, fn in tests:
                    try:
                        t.ensure_daemon()
                    except Exception:  # noqa: BLE001
                        report(name, False, "the shared daemon could not be restarted:\n"
                               + traceback.format_exc())
                        continue
                    ts = time.monotonic()
                    try:
                        fn(t)
                        if d.proc is not None and d.proc.poll() is not None:
                            raise TestFailure("the daemon died during the test (exit %s); log:\n%s"
                                              % (d.proc.returncode, d.log_tail()))
                        report("%s (%.2fs)" % (name, time.monotonic() - ts), True)
                    except Exception:  # noqa: BLE001
                        det = traceback.format_exc()
                        if os.environ.get("PVD_TEST_VERBOSE") == "1":
                            det += "\nlog of %s:\n%s" % (d.name, d.log_text())
                        else:
                            det += "\nlast lines of the daemon log:\n%s" % d.log_tail(15)
                        report(name, False, det)
                # the shared daemon must stop cleanly (and valgrind-clean)
                try:
                    if d.alive():
                        d.stop()
                    leak = [ln for ln in d.log_text().splitlines() if "left a database transaction open" in ln]
                    if leak:
                        raise TestFailure("a code path left a transaction open: %s" % leak[0])
                    report("shared daemon stops cleanly on SIGTERM", True)
                except Exception:  # noqa: BLE001
                    report("shared daemon stops cleanly on SIGTERM", False, traceback.format_exc())
    except Exception:  # noqa: BLE001
        report("stack and daemon set-up", False, traceback.format_exc())

    passed = sum(1 for r in results if r)
    failed = len(results) - passed
    print("1..%d" % n)
    log("%.1f s" % (time.monotonic() - t0))
    print("%d passed, %d failed" % (passed, failed))
    sys.stdout.flush()
    sys.exit(1 if failed else 0)
