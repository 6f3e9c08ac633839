# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""A real Kamailio for the integration tests, and the SIP ends around it.

Python 3 standard library only; Kamailio 5.6 (kamailio, kamailio-postgres-
modules), sipsak for REGISTER. Everything runs on 127.0.0.1 and is stopped
by the harness's cleanup even when a test fails.

    from kamailio import create_pbx_db, Kamailio, SipUas, register, call

    db = create_pbx_db(stack)                     # database "pbx": Kamailio's + plugins/pbx/kamailio.sql
    gw = SipUas(name="gateway")                   # the fake PSTN gateway
    kam = Kamailio(db, realm="pbx.example.org", pepper=PEPPER, gateway=gw.hostport).start()
    register(kam, "2000", password)               # -> sipsak's exit status, 0 = registered
    call(kam, "2000", password, "*123456*71234567")   # -> final status, e.g. 200, 403
    gw.ruris                                      # ['sip:71234567@127.0.0.1:...']

Functions and classes:
    create_pbx_db(stack, name)       the PBX database and its two roles
    render_config(path, values)      contrib/kamailio/kamailio.cfg.in with @NAME@ replaced
    Kamailio                         start (waits for an OPTIONS 200), stop, log_text, kamcmd
    register(kam, ext, password)     one REGISTER by sipsak (exit 0: registered)
    register_contact(kam, ext, pw, contact)   a REGISTER of our own, for a contact of ours
    call(kam, ext, password, dialled)         an INVITE with proxy digest auth -> final status
    call_full(...)                   the same -> (status, reason)
    SipUas                           a UDP user agent server: answers INVITE 200, records R-URIs
"""

import hashlib
import os
import pwd
import random
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time

from harness import (REPO, TIME_SCALE, TestFailure, _pdeathsig, _pg_bin, _register_cleanup, _unregister_cleanup,
                     read_log)

KAMAILIO_SQL = "/usr/share/kamailio/postgres"
PBX_SQL = os.path.join(REPO, "plugins", "pbx", "kamailio.sql")
TEMPLATE = os.path.join(REPO, "contrib", "kamailio", "kamailio.cfg.in")

# the roles of create_pbx_db: the plugin's and Kamailio's
PROVISIONER = "pvd_pbx_provisioner"
KAMAILIO_ROLE = "pvd_kamailio"


def _need(binary, package):
    if shutil.which(binary) is None and not os.path.exists("/usr/sbin/" + binary):
        raise TestFailure("%s is not installed (apt-get install %s)" % (binary, package))


def _psql(stack, dbname, sql=None, path=None):
    cmd = [_pg_bin("psql", stack.env), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
           "-d", stack.superuser_conninfo(dbname)]
    cmd += ["-f", path] if path else ["-c", sql]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=60)
    if p.returncode != 0:
        raise TestFailure("psql on %s failed (%d) on %s: %s" % (dbname, p.returncode, path or sql,
                                                              p.stderr.decode(errors="replace")))
    return p.stdout.decode(errors="replace")


def create_pbx_db(stack, name="pbx", schema=True):
    """Creates database `name` in the stack's cluster with Kamailio's
    standard and usrloc tables and plugins/pbx/kamailio.sql (schema=False:
    an empty database), and the roles pvd_pbx_provisioner (what the plugin
    may do) and pvd_kamailio (what Kamailio may do), granted as
    plugins/pbx/README.md says. Returns a dict: name, conninfo (the
    plugin's libpq string), db_url (Kamailio's postgres:// URL),
    superuser (a libpq string as postgres)."""
    _psql(stack, "postgres", "DO $$ BEGIN "
          "IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%s') THEN CREATE ROLE %s LOGIN; END IF; "
          "IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%s') THEN CREATE ROLE %s LOGIN; END IF; "
          "END $$" % (PROVISIONER, PROVISIONER, KAMAILIO_ROLE, KAMAILIO_ROLE))
    _psql(stack, "postgres", 'CREATE DATABASE "%s"' % name)
    if schema:
        _psql(stack, name, path=os.path.join(KAMAILIO_SQL, "standard-create.sql"))
        _psql(stack, name, path=os.path.join(KAMAILIO_SQL, "usrloc-create.sql"))
        _psql(stack, name, path=PBX_SQL)
        _psql(stack, name,
              "GRANT SELECT, INSERT, UPDATE ON pvd_extension, pvd_call_code TO {p}; "
              "GRANT SELECT ON pvd_subscriber, pvd_active_call_code, version TO {k}; "
              "GRANT SELECT, INSERT, UPDATE, DELETE ON location, location_attrs TO {k}; "
              "GRANT USAGE ON SEQUENCE location_id_seq, location_attrs_id_seq TO {k}"
              .format(p=PROVISIONER, k=KAMAILIO_ROLE))
    return {
        "name": name,
        "conninfo": "host=127.0.0.1 port=%d dbname=%s user=%s connect_timeout=5" % (stack.pg_port, name, PROVISIONER),
        "db_url": "postgres://%s@127.0.0.1:%d/%s" % (KAMAILIO_ROLE, stack.pg_port, name),
        "superuser": stack.superuser_conninfo(name),
        "stack": stack,
    }


def render_config(path, values):
    """Writes the template with every @KEY@ of values replaced; fails on a
    placeholder left over."""
    with open(TEMPLATE) as f:
        text = f.read()
    for k, v in values.items():
        text = text.replace("@%s@" % k, str(v))
    left = sorted(set(re.findall(r"@([A-Z_]+)@", text)))
    if left:
        raise TestFailure("kamailio.cfg.in placeholders not given: %s" % ", ".join(left))
    with open(path, "w") as f:
        f.write(text)
    return path


def free_udp_port():
    """A UDP port free on 127.0.0.1 now."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
    finally:
        s.close()


# ---------------------------------------------------------------- SIP messages

def _branch():
    return "z9hG4bK" + "%016x" % random.getrandbits(64)


def _tag():
    return "%08x" % random.getrandbits(32)


def parse_sip(data):
    """(first line, [(name, value)], body) of one SIP message."""
    text = data.decode("utf-8", errors="replace")
    head, _, body = text.partition("\r\n\r\n")
    lines = head.split("\r\n")
    headers = []
    for ln in lines[1:]:
        if ln[:1] in (" ", "\t") and headers:
            headers[-1] = (headers[-1][0], headers[-1][1] + " " + ln.strip())
            continue
        k, _, v = ln.partition(":")
        headers.append((k.strip(), v.strip()))
    return lines[0], headers, body


_COMPACT = {"v": "via", "f": "from", "t": "to", "i": "call-id", "m": "contact", "l": "content-length"}


def header(headers, name, all_values=False):
    name = name.lower()
    vals = [v for k, v in headers if _COMPACT.get(k.lower(), k.lower()) == name]
    if all_values:
        return vals
    return vals[0] if vals else None


def _uri_of(value):
    """The URI in a name-addr (<sip:...>) or addr-spec header value."""
    m = re.search(r"<([^>]*)>", value)
    return m.group(1) if m else value.split(";")[0].strip()


def _hostport(uri):
    """(host, port) of a sip: URI."""
    m = re.match(r"sips?:(?:[^@]*@)?([^;:>]+)(?::(\d+))?", uri)
    if not m:
        raise TestFailure("cannot route to %r" % uri)
    return m.group(1), int(m.group(2) or 5060)


def _digest_params(value):
    value = re.sub(r"^\s*Digest\s+", "", value, flags=re.I)
    return {k.lower(): v1 or v2
            for k, v1, v2 in re.findall(r'([A-Za-z0-9_-]+)\s*=\s*(?:"([^"]*)"|([^\s,]*))', value)}


def digest_header(challenge, user, password, method, uri):
    """The Authorization value answering a Digest challenge (MD5, qop auth if offered)."""
    p = _digest_params(challenge)
    md5 = lambda s: hashlib.md5(s.encode()).hexdigest()  # noqa: E731
    ha1 = md5("%s:%s:%s" % (user, p["realm"], password))
    ha2 = md5("%s:%s" % (method, uri))
    out = 'Digest username="%s", realm="%s", nonce="%s", uri="%s", algorithm=MD5' % (user, p["realm"], p["nonce"], uri)
    if "auth" in [q.strip() for q in p.get("qop", "").split(",")]:
        cnonce, nc = "%016x" % random.getrandbits(64), "00000001"
        resp = md5("%s:%s:%s:%s:auth:%s" % (ha1, p["nonce"], nc, cnonce, ha2))
        out += ', qop=auth, nc=%s, cnonce="%s"' % (nc, cnonce)
    else:
        resp = md5("%s:%s:%s" % (ha1, p["nonce"], ha2))
    out += ', response="%s"' % resp
    if "opaque" in p:
        out += ', opaque="%s"' % p["opaque"]
    return out


class _Uac:
    """One UDP socket sending requests to Kamailio and reading the answers."""

    def __init__(self, kam):
        self.kam = kam
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.call_id = "%016x@127.0.0.1" % random.getrandbits(64)
        self.from_tag = _tag()

    def close(self):
        self.sock.close()

    def request(self, method, ruri, from_user, to_uri, cseq, branch, extra=(), dest=None, to_tag=None,
                contact=None):
        msg = ["%s %s SIP/2.0" % (method, ruri),
               "Via: SIP/2.0/UDP 127.0.0.1:%d;rport;branch=%s" % (self.port, branch),
               "Max-Forwards: 70",
               "From: <sip:%s@%s>;tag=%s" % (from_user, self.kam.realm, self.from_tag),
               "To: <%s>%s" % (to_uri, ";tag=" + to_tag if to_tag else ""),
               "Call-ID: %s" % self.call_id,
               "CSeq: %d %s" % (cseq, method),
               "Contact: <%s>" % (contact or "sip:%s@127.0.0.1:%d" % (from_user, self.port)),
               "User-Agent: pvd-test-uac"]
        msg += list(extra)
        msg += ["Content-Length: 0", "", ""]
        self.sock.sendto("\r\n".join(msg).encode(), dest or ("127.0.0.1", self.kam.port))

    def final(self, resend, cseq, timeout):
        """Waits for the final answer of the transaction cseq, resending the
        request (resend()) every 0.5 s until anything comes back.
        Returns (status, reason, headers) or (408, 'Timeout (test)', [])."""
        deadline = time.monotonic() + timeout * TIME_SCALE
        heard = False
        next_resend = time.monotonic() + 0.5
        while True:
            now = time.monotonic()
            if now > deadline:
                return 408, "Timeout (test)", []
            self.sock.settimeout(max(0.01, min(deadline, next_resend if not heard else deadline) - now))
            try:
                data, _ = self.sock.recvfrom(65535)
            except socket.timeout:
                if not heard and time.monotonic() >= next_resend:
                    resend()
                    next_resend = time.monotonic() + 0.5
                continue
            first, headers, _ = parse_sip(data)
            if not first.startswith("SIP/2.0 "):
                continue
            cs = header(headers, "cseq") or ""
            if not cs.startswith("%d " % cseq):
                continue
            heard = True
            parts = first.split(" ", 2)
            status = int(parts[1])
            if status >= 200:
                return status, parts[2] if len(parts) > 2 else "", headers


def _to_tag(headers):
    m = re.search(r";\s*tag=([^;>\s]+)", header(headers, "to") or "")
    return m.group(1) if m else None


def register_contact(kam, ext, password, contact, expires=300, timeout=8):
    """REGISTERs contact (a sip: URI of ours, e.g. a SipUas's) for ext with
    digest auth. Returns the final status (200 = registered)."""
    uac = _Uac(kam)
    try:
        ruri, to = "sip:%s" % kam.realm, "sip:%s@%s" % (ext, kam.realm)
        cseq, branch = 1, _branch()

        def send(auth=None):
            hdrs = ["Expires: %d" % expires] + ([auth] if auth else [])
            uac.request("REGISTER", ruri, ext, to, cseq, branch, extra=hdrs, contact=contact)
        send_plain = lambda: send()  # noqa: E731
        send_plain()
        st, _, headers = uac.final(send_plain, cseq, timeout)
        if st == 401:
            auth = "Authorization: " + digest_header(header(headers, "www-authenticate"), ext, password,
                                                     "REGISTER", ruri)
            cseq, branch = 2, _branch()
            send_auth = lambda: send(auth)  # noqa: E731
            send_auth()
            st, _, _ = uac.final(send_auth, cseq, timeout)
        return st
    finally:
        uac.close()


def call_full(kam, ext, password, dialled, timeout=10):
    """An INVITE from extension ext to `dialled` (the Request-URI user) with
    proxy digest auth. A 2xx is ACKed and the call hung up at once (BYE);
    a negative answer is ACKed. Returns (final status, reason phrase)."""
    uac = _Uac(kam)
    try:
        ruri = "sip:%s@%s" % (dialled, kam.realm)
        cseq, branch, auth_hdr = 1, _branch(), None
        while True:
            extra = [auth_hdr] if auth_hdr else []
            c, b = cseq, branch
            send = lambda: uac.request("INVITE", ruri, ext, ruri, c, b, extra=extra)  # noqa: E731
            send()
            st, reason, headers = uac.final(send, cseq, timeout)
            if st == 408 and not headers:
                return st, reason
            tag = _to_tag(headers)
            if st >= 300:
                # the ACK of a negative answer is hop by hop, same branch
                uac.request("ACK", ruri, ext, ruri, cseq, branch, to_tag=tag)
                if st == 407 and auth_hdr is None:
                    auth_hdr = "Proxy-Authorization: " + digest_header(
                        header(headers, "proxy-authenticate"), ext, password, "INVITE", ruri)
                    cseq, branch = cseq + 1, _branch()
                    continue
                return st, reason
            # 2xx: ACK and BYE straight to the far end (no Record-Route)
            contact = _uri_of(header(headers, "contact") or "")
            dest = _hostport(contact)
            uac.request("ACK", contact, ext, ruri, cseq, _branch(), to_tag=tag, dest=dest)
            bye_branch = _branch()
            uac.request("BYE", contact, ext, ruri, cseq + 1, bye_branch, to_tag=tag, dest=dest)
            uac.final(lambda: uac.request("BYE", contact, ext, ruri, cseq + 1, bye_branch, to_tag=tag, dest=dest),
                      cseq + 1, 4)
            return st, reason
    finally:
        uac.close()


def call(kam, ext, password, dialled, timeout=10):
    """call_full's final status only: 200, 403, 404, 407, 480, ..."""
    return call_full(kam, ext, password, dialled, timeout)[0]


def register(kam, ext, password, expires=60, timeout=15):
    """One REGISTER of ext by sipsak (usrloc mode, digest auth). Returns
    sipsak's exit status: 0 registered, non-zero refused (a wrong or
    disabled credential gets 401 again: sipsak gives up)."""
    _need("sipsak", "sipsak")
    cmd = ["sipsak", "-U", "-s", "sip:%s@127.0.0.1:%d" % (ext, kam.port), "-H", "127.0.0.1",
           "-u", ext, "-a", password, "-x", str(expires)]
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                           timeout=timeout * TIME_SCALE)
    except subprocess.TimeoutExpired:
        return 124
    register.last_output = p.stdout.decode(errors="replace")
    return p.returncode


register.last_output = ""


# ---------------------------------------------------------------- the fake far ends

class SipUas(threading.Thread):
    """A user agent server on 127.0.0.1 (UDP, its own port): the fake PSTN
    gateway, or a phone registered for an extension. It answers INVITE
    with 200 OK (or `answer`), BYE/CANCEL/OPTIONS with 200, takes ACKs,
    and records what it got.

    Attributes: port, hostport ("127.0.0.1:PORT"), uri (a contact for
    REGISTER), ruris (Request-URIs of the INVITEs, in order), invites
    (their raw text), acks (count)."""

    def __init__(self, name="uas", answer=200):
        super().__init__(daemon=True, name=name)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.hostport = "127.0.0.1:%d" % self.port
        self.uri = "sip:%s@%s" % (name, self.hostport)
        self.answer = answer
        self.ruris = []
        self.invites = []
        self.acks = 0
        self._seen = {}
        self._halt = threading.Event()
        self._lock = threading.Lock()
        _register_cleanup(self, self.stop)
        self.start()

    def clear(self):
        with self._lock:
            self.ruris.clear()
            self.invites.clear()
            self.acks = 0

    def stop(self):
        _unregister_cleanup(self)
        self._halt.set()
        try:
            self.sock.close()
        except OSError:
            pass

    def _reply(self, addr, headers, status, reason, to_tag=None):
        out = ["SIP/2.0 %d %s" % (status, reason)]
        for v in header(headers, "via", all_values=True):
            out.append("Via: " + v)
        to = header(headers, "to") or ""
        if to_tag and ";tag=" not in to:
            to += ";tag=" + to_tag
        out += ["From: " + (header(headers, "from") or ""), "To: " + to,
                "Call-ID: " + (header(headers, "call-id") or ""), "CSeq: " + (header(headers, "cseq") or ""),
                "Contact: <%s>" % self.uri, "Server: pvd-test-uas", "Content-Length: 0", "", ""]
        self.sock.sendto("\r\n".join(out).encode(), addr)

    def run(self):
        while not self._halt.is_set():
            try:
                self.sock.settimeout(0.2)
                data, addr = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            first, headers, _ = parse_sip(data)
            if first.startswith("SIP/2.0"):
                continue
            method, ruri = first.split(" ")[0], first.split(" ")[1]
            if method == "ACK":
                with self._lock:
                    self.acks += 1
                continue
            if method == "INVITE":
                vias = header(headers, "via", all_values=True)
                key = vias[0] if vias else data
                with self._lock:
                    if key not in self._seen:	# a retransmission is answered, not recorded
                        self._seen[key] = _tag()
                        self.ruris.append(ruri)
                        self.invites.append(data.decode(errors="replace"))
                reason = {200: "OK", 486: "Busy Here", 503: "Service Unavailable"}.get(self.answer, "Answer")
                self._reply(addr, headers, self.answer, reason, self._seen[key])
            elif method in ("BYE", "CANCEL", "OPTIONS"):
                self._reply(addr, headers, 200, "OK")
            else:
                self._reply(addr, headers, 405, "Method Not Allowed")


# ---------------------------------------------------------------- Kamailio

class Kamailio:
    """kamailio -f CONF -P PIDFILE -Y RUNDIR -E -u nobody -g nogroup -DD
    (in the foreground, so the harness owns it), from
    contrib/kamailio/kamailio.cfg.in rendered for db (create_pbx_db's
    dict) in a temporary folder readable by nobody.

    Attributes: port (UDP), realm, dir, conf, ctl (the kamcmd socket),
    start_seconds (from exec to the first OPTIONS 200)."""

    def __init__(self, db, realm, pepper, gateway, port=None):
        _need("kamailio", "kamailio kamailio-postgres-modules")
        self.db = db
        self.realm = realm
        self.pepper = pepper
        self.gateway = gateway
        self.port = port or free_udp_port()
        self.dir = tempfile.mkdtemp(prefix="pvd-kamailio-")
        os.chmod(self.dir, 0o755)
        self.rundir = os.path.join(self.dir, "run")
        os.mkdir(self.rundir)
        nobody = pwd.getpwnam("nobody")
        os.chown(self.rundir, nobody.pw_uid, nobody.pw_gid)
        self.ctl = "unix:" + os.path.join(self.rundir, "kamailio_ctl")
        self.conf = os.path.join(self.dir, "kamailio.cfg")
        self.log_path = os.path.join(self.dir, "kamailio.log")
        self.pidfile = os.path.join(self.rundir, "kamailio.pid")
        render_config(self.conf, {"LISTEN": "udp:127.0.0.1:%d" % self.port, "CTL_SOCKET": self.ctl,
                                  "DB_URL": db["db_url"], "REALM": realm, "CODE_PEPPER": pepper,
                                  "GATEWAY": gateway})
        os.chmod(self.conf, 0o644)
        self.proc = None
        self._logf = None
        self.start_seconds = None

    def command(self):
        return ["kamailio", "-f", self.conf, "-P", self.pidfile, "-Y", self.rundir, "-E",
                "-u", "nobody", "-g", "nogroup", "-DD"]

    def check_config(self):
        """kamailio -c: the rendered script parses."""
        p = subprocess.run(["kamailio", "-c", "-f", self.conf], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if p.returncode != 0:
            raise TestFailure("kamailio -c %s failed:\n%s" % (self.conf, p.stdout.decode(errors="replace")))

    def start(self, timeout=20):
        t0 = time.monotonic()
        self._logf = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL, stdout=self._logf,
                                     stderr=subprocess.STDOUT, preexec_fn=_pdeathsig)
        _register_cleanup(self, self.stop)
        deadline = time.monotonic() + timeout * TIME_SCALE
        while True:
            if self.proc.poll() is not None:
                raise TestFailure("kamailio exited with status %s while starting; log:\n%s" % (
                    self.proc.returncode, self.log_tail()))
            if self.ping(0.05) == 200:
                break
            if time.monotonic() > deadline:
                raise TestFailure("kamailio did not answer OPTIONS within %.0f s; log:\n%s" % (
                    timeout * TIME_SCALE, self.log_tail()))
        self.start_seconds = time.monotonic() - t0
        return self

    def ping(self, wait=0.5):
        """An OPTIONS to the server itself: its status, or None."""
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
            msg = ("OPTIONS sip:127.0.0.1:%d SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;rport;branch=%s\r\n"
                   "Max-Forwards: 70\r\nFrom: <sip:ping@127.0.0.1>;tag=%s\r\nTo: <sip:127.0.0.1:%d>\r\n"
                   "Call-ID: %s@ping\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n" % (
                       self.port, port, _branch(), _tag(), self.port, _tag()))
            s.sendto(msg.encode(), ("127.0.0.1", self.port))
            s.settimeout(wait)
            data, _ = s.recvfrom(65535)
            return int(data.split(b" ", 2)[1])
        except (OSError, ValueError, IndexError):
            return None
        finally:
            s.close()

    def kamcmd(self, *args):
        """kamcmd -s CTL ARGS...: its output (e.g. kamcmd('ul.dump'))."""
        p = subprocess.run(["kamcmd", "-s", self.ctl] + list(args), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=10)
        return p.stdout.decode(errors="replace")

    def stop(self, timeout=10, remove=True):
        """SIGTERM and wait (kill -9 after timeout); returns the exit status
        (None if it was not running, -9 if killed). remove=False keeps the
        folder (log, config) until remove()."""
        _unregister_cleanup(self)
        p, status = self.proc, None
        if p is not None:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout * TIME_SCALE)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
            status = p.returncode
        self.proc = None
        if self._logf is not None:
            self._logf.close()
            self._logf = None
        if remove:
            self.remove()
        else:
            _register_cleanup(self, self.remove)
        return status

    def remove(self):
        """Deletes the folder (kept with PVD_KEEP_TMP=1)."""
        _unregister_cleanup(self)
        if os.environ.get("PVD_KEEP_TMP") != "1":
            shutil.rmtree(self.dir, ignore_errors=True)

    def log_text(self):
        return read_log(self.log_path)

    def log_tail(self, n=40):
        return "\n".join(self.log_text().splitlines()[-n:])
