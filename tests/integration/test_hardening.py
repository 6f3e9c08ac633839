#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Regression tests for the security and acceptance review (issue 12), each
against the real stack (slapd, PostgreSQL), each failing on the code before
its fix (commit c454d7d):

  reload then provision (use after free)      login spelled another way
  set-password tokens TIM cannot use unseen   admins acting alone through tokens
  parameters that are not UTF-8 (and %00)     slow clients
  sign-in throttling, lockout, equal timing   authorization before existence
  long names in a conclusion                  unit and position spelling
  a position's alias and its single holder    Markdown report escaping
  control characters in the log               401 before 413/415, public health
  invisible characters and spaces in names

Run: python3 tests/integration/test_hardening.py
"""
import base64
import os
import re
import socket
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (ok, act, expect, expect_error, main, wait_until, parse_prometheus, raw_http)  # noqa: E402
from harness import HR, HEAD, LEAD, TECH, TRIB_HEAD, EMPLOYEE, AUDITOR, ADMIN  # noqa: E402
from test_queue import plugin_conf, wait_state, person_dn, search, ldap_admin  # noqa: E402

PASSWORD = "Clave-de-prueba-1"
# what sign-in throttling is out of the box (the harness relaxes it elsewhere)
THROTTLE_DEFAULTS = {"auth_free_failures": "3", "auth_free_failures_per_address": "20",
                     "auth_login_max_failures": "5"}
AUTO = "verification report conclusion close"
_seq = [0]


def number(prefix="H"):
    _seq[0] += 1
    return "%s%05d" % (prefix, _seq[0])


def hire_body(num, given="Lucía", family="Fernández", unit="tributaria", position="analista-tributario", **kw):
    b = {"employee_number": num, "national_id": "CI-" + num, "given_names": given, "family_names": family,
         "unit": unit, "position": position, "contract_type": "staff", "start_date": "2026-12-01"}
    b.update(kw)
    return b


def family(i):
    """Distinct family names made of letters (names hold no digits)."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(97 + r) + s
    return "Prueba" + s


def manual_active(t, d=None, **kw):
    """A hire walked by hand to an active person in verification (no plugins)."""
    d = d or t.daemon
    num = number()
    kw.setdefault("family", family(_seq[0]))
    js = ok(d.request("POST", "/v1/hires", body=hire_body(num, **kw), basic=HR), 201)
    rid = js["id"]
    ok(act(d, rid, "approve", HEAD))
    ok(act(d, rid, "confirm", TECH, note="cuenta creada a mano"))
    return num, rid, js


def manual_closed(t, **kw):
    """An active person whose hire is closed (an access request may follow)."""
    num, rid, js = manual_active(t, **kw)
    ok(act(t.daemon, rid, "confirm", TECH, note="verificado"))
    ok(act(t.daemon, rid, "approve", LEAD))
    ok(act(t.daemon, rid, "approve", HEAD, note="Alta concluida"))
    ok(act(t.daemon, rid, "confirm", HR))
    return num


GROUP = "hardening-users"


def make_user(t, uid, password="dev-password"):
    """A directory account nobody else in this file signs in with (guessing
    tests must not lock the people the other tests act as)."""
    base = t.stack.env.get("PVD_LDAP_BASE", "dc=example,dc=org")
    dn = "uid=%s,ou=people,%s" % (uid, base)
    ldap_admin(t.stack, "ldapadd", "-c", check=False, input_="dn: %s\nobjectClass: inetOrgPerson\nuid: %s\n"
               "cn: %s\nsn: %s\n" % (dn, uid, uid, uid))
    ldap_admin(t.stack, "ldappasswd", "-s", password, dn)
    return uid


def ensure_group(t):
    """A group access requests may ask for (groups must exist to be asked for)."""
    base = t.stack.env.get("PVD_LDAP_BASE", "dc=example,dc=org")
    ldap_admin(t.stack, "ldapadd", "-c", check=False, input_="dn: cn=%s,ou=groups,%s\nobjectClass: groupOfNames\n"
               "cn: %s\nmember: uid=admin.vargas,ou=people,%s\n" % (GROUP, base, GROUP, base))
    return GROUP


def provisioned(t, d, **kw):
    """A hire provisioned by the plugins and closed."""
    num = number()
    kw.setdefault("family", family(_seq[0]))
    js = ok(d.request("POST", "/v1/hires", body=hire_body(num, **kw), basic=HR), 201)
    ok(act(d, js["id"], "approve", HEAD))
    js = wait_state(d, js["id"], "closed", timeout=60)
    return num, js


def metric(d, name, **labels):
    st, _, body, _ = d.request("GET", "/metrics", basic=ADMIN)
    expect(st == 200, "metrics: %s", st)
    total = 0.0
    for n, lab, v in parse_prometheus(body.decode()):
        if n == name and all(lab.get(k) == w for k, w in labels.items()):
            total += v
    return total


def raw_request(port, data, source="127.0.0.1"):
    return raw_http("127.0.0.1", port, data, source=source)


def basic_raw(login_bytes, password=b"dev-password"):
    return "Basic " + base64.b64encode(login_bytes + b":" + password).decode()


# ------------------------------------------------------------------ 1. reload

def test_reload_then_provision(t):
    """SIGHUP before any plugin ran: instances made afterwards must not read
    the configuration the reload freed (ASan aborted, a plain build stored
    garbage and the hire stayed in provisioning)."""
    with t.new_daemon(overrides=plugin_conf(t.stack, workflow_auto_hire=AUTO)) as d:
        d.sighup()
        num = number()
        js = ok(d.request("POST", "/v1/hires", body=hire_body(num, family="Recarga"), basic=HR), 201)
        ok(act(d, js["id"], "approve", HEAD))
        js = wait_state(d, js["id"], "closed", timeout=60)
        expect(all(o["state"] == "done" for o in js["operations"]), "operations: %r", js["operations"])
        uid = js["person"]["uid"]
        expect("uid: %s" % uid in search(t.stack, person_dn(t.stack, uid), "(objectClass=*)", "uid"),
               "the account exists after the reload")
        # a changed plugin line is named as needing a restart
        d.write_config(**{"plugin.grp.all": "staff, tributario-users"})
        d.sighup()
        wait_until(lambda: "plugin.* settings" in d.log_text(), 10, what="the restart notice for plugins")
        js = ok(d.request("POST", "/v1/hires", body=hire_body(number(), family="Recargados"), basic=HR), 201)
        ok(act(d, js["id"], "approve", HEAD))
        wait_state(d, js["id"], "closed", timeout=60)


# ------------------------------------------------------------------ 2. the login as typed

def test_login_spelling_is_one_person(t):
    num = manual_closed(t)
    body = {"employee_number": num, "justification": "acceso de prueba",
            "grant": {"levels": [], "groups": [ensure_group(t)]}}
    key = {"Idempotency-Key": "spelling-%s" % num}
    js = ok(t.request("POST", "/v1/access-requests", body=body, basic=HEAD, headers=key), 201)
    arid = js["id"]
    # a retry spelled otherwise is the same caller: the first answer again
    again = ok(t.request("POST", "/v1/access-requests", body=body, basic=("TIM.Mendoza ", "dev-password"),
                         headers=key), 201)
    expect(again["id"] == arid, "a replay, not a second filing: %r vs %r", again["id"], arid)
    expect(js["submitted_by"] == "tim.mendoza", "submitted_by %r", js["submitted_by"])
    for spelled in ("TIM.MENDOZA", "Tim.Mendoza", " tim.mendoza", "tim.mendoza ", "  TIM.mendoza  "):
        st, _, b, who = t.get("/v1/whoami", basic=(spelled, "dev-password"))
        expect(st == 200 and who["subject"] == "tim.mendoza", "whoami as %r: %s %r", spelled, st, b)
        expect_error(act(t.daemon, arid, "approve", (spelled, "dev-password")), 403, "forbidden", "action",
                     "separation of duties")
    # the change log sees one person, spelled as the directory spells them
    actors = t.stack.psql("SELECT DISTINCT actor FROM changelog WHERE request_id = %d" % arid).split()
    expect(actors == ["tim.mendoza"], "change-log actors %r", actors)


# ------------------------------------------------------------------ 3. set-password tokens

def outbox(t, where):
    return t.stack.psql("SELECT kind || '|' || rcpt || '|' || subject || '|' || secret FROM outbox WHERE %s "
                        "ORDER BY id" % where).splitlines()


def test_password_token_letter_is_not_silent(t):
    with t.new_daemon(overrides=plugin_conf(t.stack, workflow_auto_hire=AUTO)) as d:
        num = number()
        js = ok(d.request("POST", "/v1/hires", body=hire_body(num, family="Carta"), basic=HR), 201)
        ok(act(d, js["id"], "approve", HEAD))
        js = wait_state(d, js["id"], "closed", timeout=60)
        uid, mail = js["person"]["uid"], js["person"]["mail"]
        before = int(t.stack.psql("SELECT coalesce(max(id), 0) FROM outbox").strip())
        tok = ok(d.request("POST", "/v1/people/%s/password-token" % num, basic=TECH), 201)
        t.secrets.append(tok["token"])
        notes = outbox(t, "id > %d AND kind = 'security'" % before)
        expect(any(n.startswith("security|%s|Set-password token issued for %s" % (mail, uid)) for n in notes)
               and any(n.startswith("security|tim.mendoza@example.org|") for n in notes),
               "the person and the head of TIM are told of the issue: %r", notes)
        # one outstanding at a time: another issue names who holds one
        expect_error(d.request("POST", "/v1/people/%s/password-token" % num, basic=HEAD), 409, "conflict",
                     "employee_number", "issued by tim.flores")
        expect(tok.get("delivery") == "letter" and tok["token"].startswith("pwt_"), "letter: %r", tok)
        ok(d.request("DELETE", "/v1/people/%s/password-token" % num, basic=HEAD))
        expect_error(d.request("POST", "/v1/password", body={"token": tok["token"], "new_password": PASSWORD}),
                     403, "forbidden", "token")
        expect_error(d.request("DELETE", "/v1/people/%s/password-token" % num, basic=HEAD), 404)
        tok2 = ok(d.request("POST", "/v1/people/%s/password-token" % num, basic=TECH), 201)
        t.secrets.append(tok2["token"])
        ok(d.request("POST", "/v1/password", body={"token": tok2["token"], "new_password": PASSWORD}))
        notes = outbox(t, "id > %d AND kind = 'security'" % before)
        expect(any("Password set for %s" % uid in n and n.startswith("security|tim.mendoza@example.org")
                   for n in notes), "the head of TIM hears of the use: %r", notes)
        acts = t.stack.psql("SELECT action || ' ' || actor || ' ' || coalesce(after->>'delivery', '') FROM changelog "
                            "WHERE employee_number = '%s' AND action LIKE 'password.%%' ORDER BY seq" % num).splitlines()
        expect(acts == ["password.token tim.flores letter", "password.token_revoke tim.mendoza ",
                        "password.token tim.flores letter", "password.set %s letter" % uid],
               "issue, revocation and use in the change log: %r", acts)
        dump = t.stack.psql("SELECT string_agg(coalesce(after::text, ''), ' ') FROM changelog")
        expect(tok["token"] not in dump and tok2["token"] not in dump, "no token in the change log")


def test_password_token_by_mail_never_answered(t):
    conf = plugin_conf(t.stack, workflow_auto_hire=AUTO, password_token_delivery="mail")
    with t.new_daemon(overrides=conf) as d:
        num = number()
        js = ok(d.request("POST", "/v1/hires", body=hire_body(num, family="Correo",
                                                                private_email="lucia.fernandez@correo.example"),
                          basic=HR), 201)
        expect("private_email" not in js["payload"], "the private address is not in the request: %r", js["payload"])
        ok(act(d, js["id"], "approve", HEAD))
        wait_state(d, js["id"], "closed", timeout=60)
        res = ok(d.request("POST", "/v1/people/%s/password-token" % num, basic=TECH), 201)
        expect("token" not in res and res["delivery"] == "mail" and res["sent_to"] == "l***@correo.example",
               "mail delivery answers where, never the token: %r", res)
        rows = outbox(t, "kind = 'password_token'")
        expect(rows == ["password_token|lucia.fernandez@correo.example|Your set-password token|true"],
               "the token waits as a secret message to the private address: %r", rows)
        dump = t.stack.psql("SELECT string_agg(coalesce(after::text, '') || coalesce(before::text, ''), ' ') "
                            "FROM changelog")
        expect("lucia.fernandez@correo" not in dump, "the private address is not in the change log")
        # without a private address there is nowhere to send it
        num2 = number()
        js = ok(d.request("POST", "/v1/hires", body=hire_body(num2, family="Sincorreo"), basic=HR), 201)
        ok(act(d, js["id"], "approve", HEAD))
        wait_state(d, js["id"], "closed", timeout=60)
        expect_error(d.request("POST", "/v1/people/%s/password-token" % num2, basic=TECH), 409, "conflict",
                     "employee_number", "no private mail address")
        expect_error(d.request("POST", "/v1/hires", body=hire_body(number(), private_email="no es correo"),
                               basic=HR), 400, "invalid_field", "private_email")


# ------------------------------------------------------------------ 4. tokens and their people

def test_tokens_carry_their_creator(t):
    admin = t.admin_token()
    mk = lambda name, role, **kw: ok(t.request("POST", "/v1/tokens", body={"name": name, "role": role}, **kw), 201)
    hr = mk("sod-hr", "hr", token=admin)
    head = mk("sod-head", "tim_head", token=admin)
    t.secrets += [hr["token"], head["token"]]
    num = number()
    js = ok(t.request("POST", "/v1/hires", body=hire_body(num, family="Solitario"), token=hr["token"]), 201)
    expect_error(t.request("POST", "/v1/requests/%d/approve" % js["id"], token=head["token"]), 403, "forbidden",
                 "action", "separation of duties")
    ok(act(t.daemon, js["id"], "approve", HEAD))     # a real other person may
    expect(hr.get("owner", "").startswith("cli:"), "created through a CLI token: the operator owns it: %r", hr)
    # a person's tokens are that person
    mine = mk("vargas-head", "tim_head", basic=ADMIN)
    t.secrets.append(mine["token"])
    expect(mine.get("owner") == "admin.vargas", "owner %r", mine)
    ok(t.request("DELETE", "/v1/tokens/sod-hr", basic=ADMIN))
    rows = t.stack.psql("SELECT action || ' ' || object || ' ' || actor || ' ' || coalesce(after->>'owner', '') "
                        "FROM changelog WHERE system = 'auth' ORDER BY seq").splitlines()
    by = t.stack.psql("SELECT created_by FROM api_tokens WHERE name = 'sod-hr'").strip()
    want = ["token.create token/sod-hr %s cli:" % by, "token.create token/sod-head",
            "token.create token/vargas-head admin.vargas admin.vargas", "token.revoke token/sod-hr admin.vargas"]
    expect(len(rows) >= 4 and all(any(r.startswith(w) for r in rows) for w in want),
           "token create/revoke in the change log: %r", rows)


# ------------------------------------------------------------------ 5. parameters

def test_parameters_not_utf8_are_400(t):
    tok = {r: t.token(r) for r in ("auditor", "tim_head", "tim_tech", "admin", "hr")}
    cases = [
        ("GET", "/v1/changelog?actor=%ff", "auditor", "actor"),
        ("GET", "/v1/requests?state=%ff", "tim_head", "state"),
        ("GET", "/v1/requests?submitted_by=%ff", "tim_head", "submitted_by"),
        ("GET", "/v1/requests?employee_number=%ff", "tim_head", "employee_number"),
        ("GET", "/v1/people/%ff", "tim_head", "employee_number"),
        ("GET", "/v1/people/%ff/access", "auditor", "employee_number"),
        ("POST", "/v1/people/%ff/password-token", "tim_tech", "employee_number"),
        ("DELETE", "/v1/tokens/%ff", "admin", "name"),
        ("GET", "/v1/access/holders?system=%ff&group=x", "auditor", "system"),
        ("GET", "/v1/reconcile?employee_number=%ff", "auditor", "employee_number"),
        ("GET", "/v1/people/X%00junk", "tim_head", "employee_number"),
        ("GET", "/v1/changelog?actor=a%00b", "auditor", "actor"),
        ("GET", "/v1/changelog?actor=%c3", "auditor", "actor"),
    ]
    for method, path, role, field in cases:
        st, _, body, js = t.request(method, path, token=tok[role])
        text = body.decode("utf-8", "replace")
        expect(st == 400 and js and js["error"]["field"] == field and js["error"]["code"] == "invalid_field",
               "%s %s: %s %s (want 400 naming %s)", method, path, st, text, field)
        expect("ERROR" not in text and "byte sequence" not in text, "SQL text in %s: %s", path, text)
    # POST with a body too
    st, _, body, js = t.request("POST", "/v1/people/%ff/contract", body={"end_date": "2027-01-01"}, token=tok["hr"])
    expect(st == 400 and js["error"]["field"] == "employee_number", "contract: %s %r", st, body)


def test_500_carries_no_sql(t):
    with t.new_daemon() as d:
        t.stack.psql("ALTER TABLE tasks RENAME TO tasks_gone")
        try:
            st, _, body, js = d.request("GET", "/v1/tasks", basic=TECH)
            text = body.decode()
            expect(st == 500 and js["error"]["code"] == "internal", "500: %s %s", st, text)
            expect("tasks" not in text and "relation" not in text and "ERROR" not in text,
                   "the 500 names SQL: %s", text)
            expect(re.search(r"request id [0-9a-f]{8,}", text), "the 500 gives the request id: %s", text)
            expect('relation "tasks" does not exist' in d.log_text(), "the log has the detail")
        finally:
            t.stack.psql("ALTER TABLE tasks_gone RENAME TO tasks")


# ------------------------------------------------------------------ 6. slow clients

def test_slow_clients_do_not_deny_service(t):
    """280 connections from one address sending a header byte every second;
    everybody else keeps being served, and the slow ones are cut."""
    with t.new_daemon(overrides={"http_header_timeout": "3"}) as d:
        attackers = []
        for _ in range(280):
            s = socket.socket()
            s.setblocking(False)
            s.bind(("127.0.0.2", 0))
            s.connect_ex(("127.0.0.1", d.port))
            attackers.append(s)
        time.sleep(0.5)
        t0 = time.monotonic()
        served, failures, cut = 0, [], 0
        while time.monotonic() - t0 < 8:
            for s in attackers:
                try:
                    s.send(b"G")
                except OSError:
                    pass
            try:
                st, _, _, _ = d.request("GET", "/v1/health", timeout=3)
                served += st == 200
            except Exception as e:  # noqa: BLE001
                failures.append(repr(e))
            time.sleep(0.5)
        for s in attackers:
            try:
                s.setblocking(True)
                s.settimeout(0.05)
                if s.recv(1) == b"":
                    cut += 1
            except (OSError, socket.timeout):
                cut += 0
            s.close()
        expect(not failures and served >= 10, "served %d, failed %r", served, failures[:3])
        expect(metric(d, "provisiond_http_connections_cut_total", why="header_timeout") >= 1,
               "slow connections are cut after http_header_timeout")


# ------------------------------------------------------------------ 7. sign-in throttling

def test_guessing_is_throttled_and_cannot_lock_anyone_out(t):
    with t.new_daemon(overrides=THROTTLE_DEFAULTS) as d:
        victim = (make_user(t, "guess.target"), "dev-password")
        ok(d.request("GET", "/v1/whoami", basic=victim))        # the owner's usual address: 127.0.0.1
        statuses = []
        for src in ("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6"):
            for _ in range(4):
                out = raw_request(d.port, ("GET /v1/whoami HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                           "Authorization: %s\r\n\r\n" % basic_raw(b"guess.target", b"wrong"))
                                  .encode(), source=src)
                statuses.append(int(out.split(b" ", 2)[1]))
                if statuses[-1] == 429:
                    expect(re.search(rb"\r\nRetry-After: \d+\r\n", out), "429 says when: %r", out[:300])
        expect(statuses.count(429) >= 10, "guessing is throttled: %r", statuses)
        forwarded = metric(d, "provisiond_auth_failures_total", reason="bad_credentials")
        expect(forwarded <= 5, "at most auth_login_max_failures guesses reach the directory: %s", forwarded)
        expect(metric(d, "provisiond_auth_throttled_total") >= 10, "throttled sign-ins are counted")
        # the owner is not locked out, from where they always sign in
        st, _, body, _ = d.request("GET", "/v1/whoami", basic=victim)
        expect(st == 200, "the owner after 20 guesses by strangers: %s %r", st, body)


def test_behind_a_trusted_proxy_clients_are_told_apart(t):
    """Behind a reverse proxy every connection comes from the proxy: with it
    in http_trusted_proxies the client is the last X-Forwarded-For hop, so
    one client's guesses do not throttle the others; from anyone else the
    header is ignored (a client cannot pick a fresh address per guess)."""
    conf = dict(THROTTLE_DEFAULTS, http_trusted_proxies="127.0.0.1", auth_login_max_failures="100")
    with t.new_daemon(overrides=conf) as d:
        target = make_user(t, "proxy.target")

        def whoami(xff, src="127.0.0.1", password=b"wrong"):
            out = raw_request(d.port, ("GET /v1/whoami HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                       "X-Forwarded-For: %s\r\nAuthorization: %s\r\n\r\n"
                                       % (xff, basic_raw(target.encode(), password))).encode(), source=src)
            return int(out.split(b" ", 2)[1])
        got = [whoami("203.0.113.7") for _ in range(6)]
        expect(got[:4] == [401] * 4 and 429 in got, "one client behind the proxy is throttled: %r", got)
        expect(whoami("198.51.100.9") == 401, "another client behind the proxy is not")
        # the client's own claim before the proxy's hop counts for nothing
        expect(whoami("198.51.100.9, 203.0.113.7") == 429, "the proxy's hop is the one believed")
        # an untrusted peer's header is ignored: counted by its own address
        got = [whoami("192.0.2.%d" % i, src="127.0.0.9") for i in range(6)]
        expect(429 in got, "a header from an untrusted peer does not buy fresh addresses: %r", got)


def test_unknown_login_takes_as_long_as_a_wrong_password(t):
    # the per-login cap would answer the later guesses 429 (and fast)
    with t.new_daemon(overrides=dict(THROTTLE_DEFAULTS, auth_login_max_failures="100")) as d:
        def took(login, src):
            t0 = time.monotonic()
            raw_request(d.port, ("GET /v1/whoami HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: %s"
                                 "\r\n\r\n" % basic_raw(login, b"wrong")).encode(), source=src)
            return time.monotonic() - t0
        target = make_user(t, "timing.target").encode()
        wrong, unknown = [], []
        for i in range(9):
            # a fresh address each time, within the free failures of each;
            # nine wrong passwords stay under the directory's lockout (10)
            wrong.append(took(target, "127.0.1.%d" % (i + 1)))
            unknown.append(took(b"nobody.here%d" % i, "127.0.2.%d" % (i + 1)))
        w, u = statistics.median(wrong[1:]), statistics.median(unknown[1:])
        expect(u >= 0.8 * w, "unknown login %.2f ms vs wrong password %.2f ms", u * 1000, w * 1000)


# ------------------------------------------------------------------ 8. authorization first

def test_who_may_act_is_decided_before_existence(t):
    num, rid, _ = manual_active(t, unit="control", position="auditor-interno")
    # a unit head of another unit: the same 403 for a real person and for nobody
    body = lambda n: {"employee_number": n, "justification": "x", "grant": {"groups": [ensure_group(t)]}}
    a = expect_error(t.request("POST", "/v1/access-requests", body=body(num), basic=TRIB_HEAD), 403, "forbidden",
                     "employee_number")
    b = expect_error(t.request("POST", "/v1/access-requests", body=body("NOBODY1"), basic=TRIB_HEAD), 403,
                     "forbidden", "employee_number")
    expect(a["message"].replace(num, "N") == b["message"].replace("NOBODY1", "N"), "different answers: %r / %r",
           a, b)
    # the person's status (a hire still open) is not told either
    pend = number()
    ok(t.request("POST", "/v1/hires", body=hire_body(pend, family="Pendiente", unit="control",
                                                      position="auditor-interno"), basic=HR), 201)
    expect_error(t.request("POST", "/v1/access-requests", body=body(pend), basic=TRIB_HEAD), 403, "forbidden")
    # anyone signed in asking a call code for someone else
    cc = lambda n: {"employee_number": n, "level": "mobile", "justification": "x"}
    expect_error(t.request("POST", "/v1/call-code-requests", body=cc(num), basic=EMPLOYEE), 403, "forbidden")
    expect_error(t.request("POST", "/v1/call-code-requests", body=cc("NOBODY2"), basic=EMPLOYEE), 403, "forbidden")
    # a request they may not see is not found, as one that does not exist
    expect_error(act(t.daemon, rid, "approve", EMPLOYEE), 404, "not_found")
    expect_error(act(t.daemon, 999999, "approve", EMPLOYEE), 404, "not_found")


# ------------------------------------------------------------------ 9. long names

def test_long_names_conclude(t):
    num, rid, _ = manual_active(t, given="Ñ" * 100, family="Ñ" * 100)
    ok(act(t.daemon, rid, "confirm", TECH, note="verificado"))
    ok(act(t.daemon, rid, "approve", LEAD))
    js = ok(act(t.daemon, rid, "approve", HEAD, note="Alta concluida"))
    expect(js["state"] == "concluded", "state %r", js["state"])
    subj = t.stack.psql("SELECT subject FROM outbox WHERE kind = 'conclusion' AND request_id = %d" % rid).strip()
    expect(subj.endswith("(%s %s)" % ("Ñ" * 100, "Ñ" * 100)), "the whole name in the subject: %r", subj[-60:])


# ------------------------------------------------------------------ 10. unit and position spelling

def test_unit_and_position_stored_as_the_catalogue_spells_them(t):
    for unit, pos in (("TRIBUTARIA", "analista-tributario"), (" tributaria", "Analista-Tributario"),
                      ("tributaria ", " analista-tributario ")):
        js = ok(t.request("POST", "/v1/hires", body=hire_body(number(), family=family(_seq[0]), unit=unit,
                                                               position=pos), basic=HR), 201)
        expect(js["person"]["unit"] == "tributaria" and js["person"]["position"] == "analista-tributario"
               and js["payload"]["unit"] == "tributaria", "stored as %r / %r", js["person"]["unit"],
               js["person"]["position"])
        # the real head of the unit sees the person's requests as theirs
        ok(t.request("GET", "/v1/requests/%d" % js["id"], basic=TRIB_HEAD))


# ------------------------------------------------------------------ 11. a position's alias

def mail_conf(t, **extra):
    base = t.stack.env.get("PVD_LDAP_BASE", "dc=example,dc=org")
    c = plugin_conf(t.stack, workflow_auto_hire=AUTO, workflow_auto_exit="report conclusion close", **{
        "plugin.mail.library": "mail-ldap", "plugin.mail.after": "acct", "plugin.mail.uri": t.stack.ldapi_url(),
        "plugin.mail.people_dn": "ou=people," + base, "plugin.mail.mail_root": "/var/vmail",
        "plugin.mail.position_alias": "yes"})
    c.update(extra)
    return c


def test_position_alias_passes_to_the_next_holder(t):
    with t.new_daemon(overrides=mail_conf(t)) as d:
        alias = "administrador-sistemas@example.org"
        first = provisioned(t, d, unit="tim", position="administrador-sistemas")[1]["person"]
        dn1 = person_dn(t.stack, first["uid"])
        expect(alias in search(t.stack, dn1, "(objectClass=*)", "pvdMailAlias"), "the first holder has the alias")
        ex = ok(d.request("POST", "/v1/exits", body={"employee_number": first["employee_number"],
                                                      "effective_at": "2026-01-01T00:00:00Z", "reason": "renuncia"},
                          basic=HR), 201)
        ok(act(d, ex["id"], "approve", HEAD))
        wait_state(d, ex["id"], "closed", timeout=60)
        num, js = provisioned(t, d, unit="tim", position="administrador-sistemas")
        second = js["person"]
        expect(all(o["state"] == "done" for o in js["operations"]), "no dead operation: %r", js["operations"])
        expect(alias in search(t.stack, person_dn(t.stack, second["uid"]), "(objectClass=*)", "pvdMailAlias"),
               "the next holder has the alias")
        expect(alias not in search(t.stack, dn1, "(objectClass=*)", "pvdMailAlias"), "the departed one has not")
        moved = t.stack.psql("SELECT after->>'pvdMailAliasTakenFrom' FROM changelog WHERE system = 'mail' AND "
                             "employee_number = '%s' AND after ? 'pvdMailAliasTakenFrom'" % num).strip()
        expect(moved.lower() == dn1.lower(), "the change log records where the alias came from: %r", moved)
        # a position held by several: the newcomer has no alias, and nothing is stuck
        num3, js = provisioned(t, d, unit="tim", position="administrador-sistemas")
        expect(all(o["state"] == "done" for o in js["operations"]), "no dead operation: %r", js["operations"])
        third = search(t.stack, person_dn(t.stack, js["person"]["uid"]), "(objectClass=*)", "pvdMailAlias")
        expect(alias not in third, "no alias while another holder's mailbox works: %r", third)


def test_single_holder_positions_refuse_a_second(t):
    # jefe-tim is pvdSingleHolder: TRUE in the example catalogue
    first = number()
    ok(t.request("POST", "/v1/hires", body=hire_body(first, family="Jefatura", unit="tim", position="jefe-tim"),
                 basic=HR), 201)
    expect_error(t.request("POST", "/v1/hires", body=hire_body(number(), family="Otrajefa", unit="tim",
                                                                 position="jefe-tim"), basic=HR),
                 409, "conflict", "position", "held by one person at a time")


# ------------------------------------------------------------------ 12. Markdown

def test_markdown_report_escapes_notes(t):
    num, rid, _ = manual_active(t, given="Ana", family="Pipe")
    evil = "a | b <script>alert(1)</script> [x](javascript:alert(1)) ![i](http://x/i.png)"
    ok(act(t.daemon, rid, "confirm", TECH, note=evil))
    st, _, body, _ = t.get("/v1/requests/%d/report?format=markdown" % rid, basic=LEAD)
    text = body.decode()
    expect(st == 200, "report %s", st)
    expect("<script>" not in text and "](javascript:" not in text and "![i](" not in text,
           "markup passes through: %s", text)
    for line in text.splitlines():
        if line.startswith("| ") and "verification" in line:
            cells = re.split(r"(?<!\\)\|", line)
            expect(len(cells) == 9, "a '|' in a note breaks the table: %r", line)


# ------------------------------------------------------------------ 13. the log

def test_control_characters_do_not_reach_the_log(t):
    for login in (b"evil\x1b[31mRED", b"bell\x07x", b"c1\xc2\x9bz"):
        t.request("GET", "/v1/whoami", headers={"Authorization": basic_raw(login, b"x")})
    text = open(t.daemon.log_path, "rb").read()
    expect(b"\x1b" not in text and b"\x07" not in text and b"\xc2\x9b" not in text,
           "raw control characters in the log")
    expect(b"evil\\x1b[31mRED" in text, "the login is logged, escaped")


# ------------------------------------------------------------------ 16. order of checks, health

def test_unauthenticated_gets_401_before_anything(t):
    big = b"{" + b" " * (2 * 1024 * 1024) + b"}"
    st, _, _, _ = t.request("POST", "/v1/hires", raw=big, headers={"Content-Type": "application/json"})
    expect(st == 401, "a big body without credentials: %s (want 401)", st)
    st, _, _, _ = t.request("POST", "/v1/hires", raw=b"x", headers={"Content-Type": "text/plain"})
    expect(st == 401, "a wrong content type without credentials: %s (want 401)", st)


def test_public_health_tells_no_details(t):
    with t.new_daemon(overrides=plugin_conf(t.stack, **{"plugin.bad.library": "/nonexistent/lib.so"})) as d:
        st, _, body, js = d.request("GET", "/v1/health")
        expect(st == 503 and js["plugins"]["bad"] == {"status": "broken"}, "anonymous: %r", js)
        expect("/nonexistent" not in body.decode() and "ldapi" not in body.decode(), "details: %s", body)
        st, _, body, js = d.request("GET", "/v1/health", basic=TECH)
        expect("/nonexistent/lib.so" in js["plugins"]["bad"]["error"], "an operator gets why: %r", js)


def test_tim_filer_is_recorded_as_tim(t):
    num = manual_closed(t)
    js = ok(t.request("POST", "/v1/access-requests", basic=HEAD, body={
        "employee_number": num, "justification": "x", "grant": {"groups": [ensure_group(t)]}}), 201)
    expect(js["submitted_role"] == "tim_head" and js["steps"][0]["actor_role"] == "tim_head",
           "recorded as %r", js["submitted_role"])


# ------------------------------------------------------------------ 17. names

def test_names_with_invisible_characters_are_refused(t):
    for bad in ("Ana\u200bMaría", "Peña\u202e", "\u2066Luis", "Ana\ufeff"):
        expect_error(t.request("POST", "/v1/hires", body=hire_body(number(), given=bad), basic=HR), 400,
                     "invalid_field", "given_names", "invisible or direction-changing")
    js = ok(t.request("POST", "/v1/hires", body=hire_body(number(), given="  Ana   María ", family=" Paz  Soto"),
                      basic=HR), 201)
    expect(js["person"]["given_names"] == "Ana María" and js["person"]["family_names"] == "Paz Soto",
           "spaces tidied: %r %r", js["person"]["given_names"], js["person"]["family_names"])


if __name__ == "__main__":
    main(globals())
