#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The web console's server side over real HTTP against the real directory
and database: sign-in sessions (cookie flags, the person as the directory
spells them, throttling, sign-out, idle and absolute expiry, a locked
account or a lost role taking effect at once), protection against
cross-site requests, the console's files (types, CSP, no framing, nothing
outside console_dir), the inbox, the dashboard and a unit's people.

Run: python3 tests/integration/test_session.py   (see harness.py for the env)
"""
import gzip
import hashlib
import os
import re
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TestFailure, expect, ok, act, main, raw_http, wait_until  # noqa: E402
from harness import HR, HEAD, TECH, TRIB_HEAD, EMPLOYEE, AUDITOR  # noqa: E402
from test_queue import ldap_admin, plugin_conf  # noqa: E402
from test_hardening import THROTTLE_DEFAULTS, make_user, hire_body, number, family  # noqa: E402

# the console files this file serves (a folder of its own, not console/:
# what is checked here is the server, whatever the console holds)
FILES = {"index.html": b"<!doctype html><title>t</title><script type=module src=/app.js></script>",
         "app.js": b"export const x = 1;\n", "css/style.css": b"body{}\n",
         "big.js": b"".join(b"export const line%d = 'una linea de la consola';\n" % i for i in range(400)),
         "logo.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8}
_console = []


def console_dir():
    if not _console:
        d = tempfile.mkdtemp(prefix="pvd-console-")
        for name, data in FILES.items():
            os.makedirs(os.path.dirname(os.path.join(d, "www", name)), exist_ok=True)
            with open(os.path.join(d, "www", name), "wb") as f:
                f.write(data)
        # beside the folder: must never be served
        with open(os.path.join(d, "secret.html"), "wb") as f:
            f.write(b"SECRET")
        with open(os.path.join(d, "www", ".hidden.js"), "wb") as f:
            f.write(b"HIDDEN")
        _console.append(d)
    return os.path.join(_console[0], "www")


class Browser:
    """The cookie jar and CSRF token of one signed-in browser."""

    def __init__(self, d, who, origin=True):
        self.d = d
        self.cookie = None
        self.csrf = None
        self.origin = origin
        st, hd, body, js = self.sign_in(who)
        expect(st == 201, "sign-in as %s: %s %r", who[0], st, body)
        self.me = js

    def headers(self, extra=None, csrf=True):
        h = {"Cookie": self.cookie} if self.cookie else {}
        if csrf and self.csrf:
            h["X-CSRF-Token"] = self.csrf
        if self.origin:
            h["Origin"] = self.d.base_url
            h["Sec-Fetch-Site"] = "same-origin"
        h.update(extra or {})
        return h

    def sign_in(self, who):
        r = self.d.request("POST", "/v1/session", body={"login": who[0], "password": who[1]},
                           headers=self.headers(csrf=False))
        st, hd, body, js = r
        if st == 201:
            self.set_cookie = hd.get("set-cookie", "")
            self.cookie = self.set_cookie.split(";", 1)[0]
            self.csrf = js["csrf_token"]
        return r

    def request(self, method, path, body=None, headers=None, csrf=True):
        return self.d.request(method, path, body=body, headers=self.headers(headers, csrf))


def count_requests(t):
    return int(t.stack.psql("SELECT count(*) FROM requests").strip())


# ------------------------------------------------------------------ sign-in

def test_sign_in_gives_an_httponly_strict_cookie_for_the_directory_person(t):
    b = Browser(t.daemon, (" TIM.Mendoza", HEAD[1]))
    expect(b.me["login"] == "tim.mendoza", "the session is the directory's spelling: %r", b.me)
    expect(set(b.me["roles"]) >= {"tim_head"}, "roles from the groups: %r", b.me)
    c = b.set_cookie
    expect(c.startswith("pvd_session="), "cookie name: %r", c)
    for flag in ("HttpOnly", "SameSite=Strict", "Path=/"):
        expect(flag in c, "cookie without %s: %r", flag, c)
    expect("Secure" not in c, "plain HTTP: no Secure flag (the browser would drop it): %r", c)
    expect(len(b.csrf) == 43 and b.csrf not in c, "a CSRF token apart from the cookie: %r", b.me)
    # the same person and roles as Basic
    st, _, _, js = b.request("GET", "/v1/whoami")
    expect(st == 200 and js["subject"] == "tim.mendoza", "whoami by cookie: %s %r", st, js)
    basic = ok(t.get("/v1/whoami", basic=HEAD))
    expect(sorted(js["roles"]) == sorted(basic["roles"]), "roles %r vs Basic %r", js["roles"], basic["roles"])
    st, _, _, js = b.request("GET", "/v1/session")
    expect(st == 200 and js["csrf_token"] == b.csrf and js["login"] == "tim.mendoza", "GET /v1/session: %r", js)
    # only the hash is stored
    sid = b.cookie.split("=", 1)[1]
    dump = t.stack.psql("SELECT * FROM sessions")
    expect(sid not in dump and b.csrf not in dump, "the session id or CSRF token is stored in clear")
    expect(hashlib.sha256(sid.encode()).hexdigest() in dump, "the table keeps the id's SHA-256")
    expect(sid not in t.daemon.log_text() and b.csrf not in t.daemon.log_text(), "the session id is in the log")


def test_wrong_password_gets_401_and_no_cookie_then_429(t):
    with t.new_daemon(overrides=THROTTLE_DEFAULTS) as d:
        user = make_user(t, "console.guess")
        got = []
        for _ in range(7):
            st, hd, body, js = d.request("POST", "/v1/session", body={"login": user, "password": "wrong"})
            expect("set-cookie" not in hd, "a refused sign-in sets a cookie: %r", hd)
            got.append((st, js["error"]["code"] if js else None, hd.get("retry-after")))
        expect(got[0][:2] == (401, "unauthorized"), "a wrong password: %r", got[0])
        expect(any(s == 429 and code == "too_many_attempts" and ra for s, code, ra in got),
               "guessing in the form is throttled as Basic is: %r", got)
        st, _, _, js = d.request("POST", "/v1/session", body={"login": "nobody.here", "password": "x"})
        expect(st in (401, 429), "unknown login: %s", st)


def test_sign_in_checks_its_body(t):
    for body, field in (({"login": "x"}, "password"), ({"password": "x"}, "login"),
                        ({"login": "x", "password": "y", "remember": True}, "remember"),
                        ({"login": "", "password": "y"}, "login")):
        st, hd, raw, js = t.daemon.request("POST", "/v1/session", body=body)
        expect(st == 400 and js["error"].get("field") == field, "%r: %s %r", body, st, raw)
    st, _, _, js = t.daemon.request("POST", "/v1/session", raw=b"login=x&password=y",
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    expect(st == 415, "a form post (what another site's page sends) is refused: %s", st)


# ------------------------------------------------------------------ cross-site requests

def test_state_changing_calls_need_the_csrf_token_and_this_origin(t):
    b = Browser(t.daemon, HR)
    before = count_requests(t)

    def hire():
        return hire_body(number("S"), family=family(900 + count_requests(t)))
    cases = [("no token", {}, False), ("a wrong token", {"X-CSRF-Token": "A" * 43}, False),
             ("another origin", {"Origin": "http://evil.example:8080"}, True),
             ("another site by fetch metadata", {"Sec-Fetch-Site": "cross-site"}, True),
             ("the same site, another origin", {"Sec-Fetch-Site": "same-site"}, True)]
    for what, extra, with_token in cases:
        st, _, raw, js = b.request("POST", "/v1/hires", body=hire(), headers=extra, csrf=with_token)
        expect(st == 403 and js["error"]["code"] == "csrf", "%s: %s %r", what, st, raw)
    expect(count_requests(t) == before, "a refused cross-site POST filed something")
    # the console itself: token and origin
    st, _, raw, js = b.request("POST", "/v1/hires", body=hire())
    expect(st == 201, "the console's own POST: %s %r", st, raw)
    # scripts with Basic or a token need no CSRF token; a cookie sent with
    # an Authorization header is not used
    ok(t.daemon.request("POST", "/v1/hires", body=hire(), basic=HR), 201)
    st, _, _, js = t.daemon.request("GET", "/v1/whoami", basic=AUDITOR, headers={"Cookie": b.cookie})
    expect(js["subject"] == AUDITOR[0], "Authorization wins over a cookie: %r", js)


def test_sign_in_from_another_site_is_refused(t):
    st, hd, raw, js = t.daemon.request("POST", "/v1/session", body={"login": HR[0], "password": HR[1]},
                                       headers={"Origin": "http://evil.example"})
    expect(st == 403 and js["error"]["code"] == "csrf" and "set-cookie" not in hd, "%s %r", st, raw)


# ------------------------------------------------------------------ the end of a session

def test_sign_out_revokes_the_session(t):
    b = Browser(t.daemon, TECH)
    st, _, raw, _ = b.request("DELETE", "/v1/session", csrf=False)
    expect(st == 403, "sign-out without the token (another site could sign you out): %s %r", st, raw)
    st, hd, raw, _ = b.request("DELETE", "/v1/session")
    expect(st == 204, "sign-out: %s %r", st, raw)
    expect("Max-Age=0" in hd.get("set-cookie", ""), "the cookie is cleared: %r", hd.get("set-cookie"))
    st, hd, raw, js = b.request("GET", "/v1/whoami")
    expect(st == 401 and js["error"]["code"] == "session_expired", "a signed-out cookie: %s %r", st, raw)
    expect("www-authenticate" not in hd, "no Basic challenge for a browser (it would pop up a dialog)")
    sid = hashlib.sha256(b.cookie.split("=", 1)[1].encode()).hexdigest()
    row = t.stack.psql("SELECT revoked_at IS NOT NULL FROM sessions WHERE id_hash = '%s'" % sid).strip()
    expect(row == "t", "revoked_at is set: %r", row)


def test_idle_and_absolute_expiry(t):
    with t.new_daemon(overrides={"session_idle_timeout": "3"}) as d:
        b = Browser(d, AUDITOR)
        for _ in range(3):      # kept alive by use
            time.sleep(1.2)
            st, _, _, _ = b.request("GET", "/v1/whoami")
            expect(st == 200, "a session in use stays: %s", st)
        time.sleep(4)
        st, _, _, js = b.request("GET", "/v1/whoami")
        expect(st == 401 and js["error"]["code"] == "session_expired", "idle for 4 s of 3: %s %r", st, js)
        # absolute: the end does not move, however busy the session
        b = Browser(d, AUDITOR)
        sid = hashlib.sha256(b.cookie.split("=", 1)[1].encode()).hexdigest()
        ok(b.request("GET", "/v1/whoami"))
        t.stack.psql("UPDATE sessions SET expires_at = now() - interval '1 second', "
                     "created_at = created_at - interval '1 hour' WHERE id_hash = '%s'" % sid)
        st, _, _, js = b.request("GET", "/v1/whoami")
        expect(st == 401 and js["error"]["code"] == "session_expired", "past its absolute end: %s %r", st, js)


def test_ended_sessions_are_removed_after_a_day(t):
    live = Browser(t.daemon, AUDITOR)
    for i, (created, ends, revoked) in enumerate((("now() - interval '3 days'", "now() - interval '2 days'", "NULL"),
                                                  ("now() - interval '2 days'", "now() + interval '1 hour'",
                                                   "now() - interval '30 hours'"),
                                                  ("now() - interval '2 hours'", "now() - interval '1 hour'", "NULL"))):
        t.stack.psql("INSERT INTO sessions (id_hash, login, dn, client_addr, created_at, last_seen_at, expires_at, "
                     "revoked_at) VALUES ('%s', 'old.%d', 'uid=x', '127.0.0.1', %s, %s, %s, %s)"
                     % (hashlib.sha256(b"old%d" % i).hexdigest(), i, created, created, ends, revoked))
    with t.new_daemon():        # its scheduler's first round
        wait_until(lambda: t.stack.psql("SELECT count(*) FROM sessions WHERE login LIKE 'old.%'").strip() == "1",
                   10, what="the sessions that ended over a day ago are removed")
    left = t.stack.psql("SELECT login FROM sessions WHERE login LIKE 'old.%'").strip()
    expect(left == "old.2", "a session that ended an hour ago stays (for an incident): %r", left)
    ok(live.request("GET", "/v1/whoami"))


def auditors_group(t):
    return t.daemon.conf()["role_group_auditor"]


def test_a_lost_role_or_a_locked_account_counts_at_once(t):
    uid = make_user(t, "console.auditor")
    dn = "uid=%s,ou=people,%s" % (uid, t.stack.env.get("PVD_LDAP_BASE", "dc=example,dc=org"))
    group = auditors_group(t)
    ldap_admin(t.stack, "ldapmodify", input_="dn: %s\nchangetype: modify\nadd: member\nmember: %s\n" % (group, dn))
    b = Browser(t.daemon, (uid, "dev-password"))
    expect("auditor" in b.me["roles"], "signed in as an auditor: %r", b.me)
    ok(b.request("GET", "/v1/changelog?limit=1"))
    ldap_admin(t.stack, "ldapmodify", input_="dn: %s\nchangetype: modify\ndelete: member\nmember: %s\n" % (group, dn))
    st, _, raw, _ = b.request("GET", "/v1/changelog?limit=1")
    expect(st == 403, "removed from the auditors' group, the same session: %s %r", st, raw)
    ldap_admin(t.stack, "ldapmodify", input_="dn: %s\nchangetype: modify\nadd: pwdAccountLockedTime\n"
               "pwdAccountLockedTime: 000001010000Z\n" % dn)
    st, _, raw, js = b.request("GET", "/v1/whoami")
    expect(st == 401 and js["error"]["code"] == "account_locked", "a locked account's session: %s %r", st, raw)
    ldap_admin(t.stack, "ldapmodify", input_="dn: %s\nchangetype: modify\ndelete: pwdAccountLockedTime\n" % dn)
    st, _, _, _ = b.request("GET", "/v1/whoami")
    expect(st == 401, "the session stays ended after the account is unlocked: %s", st)


def test_secure_cookie_over_tls(t):
    with t.new_daemon(overrides={"session_cookie_secure": "yes"}) as d:
        b = Browser(d, AUDITOR)
        c = b.set_cookie
        expect(c.startswith("__Host-pvd_session=") and "; Secure" in c and "Domain" not in c,
               "over TLS: __Host- prefix, Secure, no Domain: %r", c)
        ok(b.request("GET", "/v1/whoami"))
    with t.new_daemon(overrides={"http_trusted_proxies": "127.0.0.1"}) as d:
        st, hd, _, _ = d.request("POST", "/v1/session", body={"login": AUDITOR[0], "password": AUDITOR[1]},
                                 headers={"X-Forwarded-Proto": "https"})
        expect(st == 201 and hd["set-cookie"].startswith("__Host-") and "Secure" in hd["set-cookie"],
               "a trusted proxy that says https: %r", hd.get("set-cookie"))
    st, hd, _, _ = t.daemon.request("POST", "/v1/session", body={"login": AUDITOR[0], "password": AUDITOR[1]},
                                    headers={"X-Forwarded-Proto": "https"})
    expect(st == 201 and "Secure" not in hd["set-cookie"], "anyone else saying https is not believed: %r",
           hd.get("set-cookie"))


# ------------------------------------------------------------------ the console's files

def get_raw(d, path, extra=""):
    out = raw_http("127.0.0.1", d.port, ("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%s\r\n"
                                         % (path, extra)).encode())
    head, _, body = out.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    hd = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        hd[k.strip().lower()] = v.strip()
    return int(lines[0].split()[1]), hd, body


def test_console_files_are_served_with_a_strict_policy(t):
    d = t.daemon
    st, hd, body = get_raw(d, "/")
    expect(st == 200 and body == FILES["index.html"], "/ is index.html: %s %r", st, body[:80])
    expect(hd["content-type"].startswith("text/html"), "type: %r", hd)
    csp = hd.get("content-security-policy", "")
    for part in ("default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'",
                 "base-uri 'none'", "form-action 'self'"):
        expect(part in csp, "CSP lacks %s: %r", part, csp)
    expect("unsafe-inline" not in csp and "unsafe-eval" not in csp, "CSP allows inline or eval: %r", csp)
    expect(hd.get("x-frame-options") == "DENY", "framing: %r", hd)
    st, hd, body = get_raw(d, "/app.js")
    expect(st == 200 and hd["content-type"].startswith("text/javascript"), "a module: %s %r", st, hd)
    st, hd2, _ = get_raw(d, "/css/style.css")
    expect(st == 200 and hd2["content-type"].startswith("text/css"), "a style sheet in a folder: %s", st)
    # revalidation is cheap
    st, hd3, body = get_raw(d, "/app.js", "If-None-Match: %s\r\n" % hd["etag"])
    expect(st == 304 and body == b"", "If-None-Match: %s %r", st, body)
    # nothing outside the folder, nothing hidden, no listing
    for path in ("/../secret.html", "/%2e%2e/secret.html", "/css/../../secret.html", "/.hidden.js",
                 "/css/", "/css", "//secret.html", "/app.js%00.html", "/nothing.js", "/app.JS.bak"):
        st, _, body = get_raw(d, path)
        expect(st == 404 and b"SECRET" not in body and b"HIDDEN" not in body, "%s: %s %r", path, st, body[:80])
    # the API's answers are data: framed by nobody, scripts run by nobody
    st, hd, _ = get_raw(d, "/v1/health")
    expect("sandbox" in hd.get("content-security-policy", "") and hd.get("x-frame-options") == "DENY",
           "API headers: %r", hd)
    st, _, _ = get_raw(d, "/v1/nothing")
    expect(st == 404, "an unknown API path is not a console file: %s", st)
    with t.new_daemon(overrides={"console_dir": ""}) as d2:
        st, _, _ = get_raw(d2, "/")
        expect(st == 404, "console_dir empty: no console: %s", st)


def test_text_answers_are_gzipped_for_browsers_that_accept_it(t):
    d = t.daemon
    plain = FILES["big.js"]
    st, hd, body = get_raw(d, "/big.js", "Accept-Encoding: gzip, deflate, br\r\n")
    expect(st == 200 and hd.get("content-encoding") == "gzip", "gzip asked for: %s %r", st, hd)
    expect(gzip.decompress(body) == plain and len(body) < len(plain) / 4, "%d bytes for %d", len(body), len(plain))
    expect(hd.get("vary") == "Accept-Encoding", "caches keep the variants apart: %r", hd.get("vary"))
    st, hd2, body2 = get_raw(d, "/big.js")
    expect(st == 200 and "content-encoding" not in hd2 and body2 == plain, "not asked for: %r", hd2)
    expect(hd["etag"] == hd2["etag"] and hd["etag"].startswith("W/"), "one weak ETag: %r %r", hd["etag"], hd2["etag"])
    st, _, _ = get_raw(d, "/big.js", "Accept-Encoding: gzip\r\nIf-None-Match: %s\r\n" % hd["etag"])
    expect(st == 304, "revalidating the gzip variant: %s", st)
    st, hd, _ = get_raw(d, "/big.js", "Accept-Encoding: gzip;q=0\r\n")
    expect("content-encoding" not in hd, "gzip refused with q=0: %r", hd)
    st, hd, body = get_raw(d, "/logo.png", "Accept-Encoding: gzip\r\n")
    expect(st == 200 and "content-encoding" not in hd and body == FILES["logo.png"], "a PNG as it is: %r", hd)
    # the API's JSON too
    st, hd, raw, js = d.request("GET", "/v1/workflows", basic=AUDITOR, headers={"Accept-Encoding": "gzip"})
    expect(st == 200 and hd.get("content-encoding") == "gzip", "JSON gzipped: %s %r", st, hd)
    # answers with a secret never (BREACH)
    st, hd, _, _ = d.request("POST", "/v1/session", body={"login": AUDITOR[0], "password": AUDITOR[1]},
                             headers={"Accept-Encoding": "gzip"})
    expect(st == 201 and "content-encoding" not in hd, "the session's CSRF token compressed: %r", hd)


# ------------------------------------------------------------------ inbox, dashboard, people

def test_the_inbox_holds_what_the_caller_may_do_oldest_first(t):
    first = ok(t.daemon.request("POST", "/v1/hires", body=hire_body(number("I"), family=family(700)), basic=HR), 201)
    time.sleep(1.1)
    second = ok(t.daemon.request("POST", "/v1/hires", body=hire_body(number("I"), family=family(701)), basic=HR), 201)
    head = Browser(t.daemon, HEAD)
    js = ok(head.request("GET", "/v1/inbox"))
    ids = [it["request"]["id"] for it in js["items"]]
    expect(first["id"] in ids and second["id"] in ids, "both hires wait for the head of TIM: %r", ids)
    expect(ids.index(first["id"]) < ids.index(second["id"]), "oldest first: %r", ids)
    item = js["items"][ids.index(first["id"])]
    expect("approve" in item["request"]["your_actions"] and item["age_seconds"] >= 1, "item: %r", item)
    expect("steps" not in item["request"] and item["waiting_since"], "item shape: %r", item)
    # what the inbox offers is what acting allows
    emp = Browser(t.daemon, EMPLOYEE)
    js = ok(emp.request("GET", "/v1/inbox"))
    expect(first["id"] not in [it["request"]["id"] for it in js["items"]], "an employee has nothing to do here")
    st, _, _, _ = emp.request("POST", "/v1/requests/%d/approve" % first["id"], body={})
    expect(st in (403, 404), "and cannot approve it: %s", st)
    ok(act(t.daemon, first["id"], "approve", HEAD))
    js = ok(head.request("GET", "/v1/inbox"))
    for it in js["items"]:
        if it["request"]["id"] == first["id"]:
            expect("approve" not in it["request"]["your_actions"], "approved already: %r", it)


def test_your_actions_leave_out_what_acting_would_refuse(t):
    """While plugins provision a request (no worker runs them here), its
    step 'confirm' is the queue's to take: the technician is not offered
    it (it would answer 409), in the request or in the inbox."""
    with t.new_daemon(overrides=plugin_conf(t.stack, queue_workers="0")) as d:
        js = ok(d.request("POST", "/v1/hires", body=hire_body(number("Q"), family=family(750)), basic=HR), 201)
        ok(act(d, js["id"], "approve", HEAD))
        req = ok(d.request("GET", "/v1/requests/%d" % js["id"], basic=TECH))
        expect(req["state"] == "provisioning" and req["provisioning_mode"] == "queued", "queued: %r", req)
        st, _, raw, _ = act(d, js["id"], "confirm", TECH)
        expect(st == 409, "confirming a queued provisioning: %s %r", st, raw)
        expect("confirm" not in req["your_actions"], "offered what acting refuses: %r", req["your_actions"])
        inbox = ok(d.request("GET", "/v1/inbox", basic=TECH))
        expect(js["id"] not in [it["request"]["id"] for it in inbox["items"]],
               "the technician's inbox holds a request with nothing to do: %r", inbox["items"])


def test_the_dashboard_is_for_the_head_of_tim(t):
    ok(t.daemon.request("POST", "/v1/hires", body=hire_body(number("D"), family=family(800)), basic=HR), 201)
    js = ok(t.get("/v1/dashboard", basic=HEAD))
    sub = [r for r in js["requests"] if r["type"] == "hire" and r["state"] == "submitted"]
    expect(sub and sub[0]["count"] >= 1 and sub[0]["oldest_age_seconds"] >= 0, "open hires: %r", js)
    want = int(t.stack.psql("SELECT count(*) FROM requests WHERE type = 'hire' AND state = 'submitted' "
                            "AND closed_at IS NULL").strip())
    expect(sub[0]["count"] == want, "count %r, the table says %d", sub[0], want)
    for k in ("pending", "running", "dead", "retrying"):
        expect(isinstance(js["queue"][k], int), "queue.%s: %r", k, js["queue"])
    expect(isinstance(js["outbox"]["pending"], int), "outbox: %r", js["outbox"])
    for who in (EMPLOYEE, AUDITOR, HR):
        st, _, _, _ = t.get("/v1/dashboard", basic=who)
        expect(st == 403, "%s sees the dashboard: %s", who[0], st)


def test_unit_heads_list_their_own_unit(t):
    ok(t.daemon.request("POST", "/v1/hires", body=hire_body(number("U"), family=family(600)), basic=HR), 201)
    ok(t.daemon.request("POST", "/v1/hires", body=hire_body(number("U"), family=family(601), unit="tim",
                                                            position="tecnico-soporte"), basic=HR), 201)
    js = ok(t.get("/v1/people?unit=Tributaria", basic=TRIB_HEAD))
    expect(js["items"] and all(p["unit"] == "tributaria" for p in js["items"]), "their unit: %r", js)
    expect(all("national_id" not in p for p in js["items"]), "no national ids for a unit head")
    js2 = ok(t.get("/v1/people", basic=TRIB_HEAD))
    expect([p["employee_number"] for p in js2["items"]] == [p["employee_number"] for p in js["items"]][:50],
           "no unit: their own")
    st, _, _, js = t.get("/v1/people?unit=tim", basic=TRIB_HEAD)
    expect(st == 403 and js["error"]["field"] == "unit", "another unit: %s %r", st, js)
    st, _, _, _ = t.get("/v1/people", basic=EMPLOYEE)
    expect(st == 403, "an employee: %s", st)
    js = ok(t.get("/v1/people?limit=1", basic=HR))
    expect(len(js["items"]) == 1 and "national_id" in js["items"][0] and js["next_cursor"], "HR pages: %r", js)
    nxt = ok(t.get("/v1/people?limit=1&cursor=%s" % js["next_cursor"], basic=HR))
    expect(nxt["items"][0]["employee_number"] != js["items"][0]["employee_number"], "the next page moves on")
    for q in ("limit=0", "cursor=x", "sort=name"):
        st, _, _, _ = t.get("/v1/people?" + q, basic=HR)
        expect(st == 400, "%s: %s", q, st)
    # the head of the person's unit sees the person
    num = js["items"][0]["employee_number"]
    unit = js["items"][0]["unit"]
    st, _, _, _ = t.get("/v1/people/%s" % num, basic=TRIB_HEAD)
    expect(st == (200 if unit == "tributaria" else 404), "unit head and person of %s: %s", unit, st)


if __name__ == "__main__":
    try:
        main(globals(), daemon_overrides={"console_dir": console_dir()})
    finally:
        for d in _console:
            shutil.rmtree(d, ignore_errors=True)
