#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Call codes (PR01, UIT-M01 section 8.1).

test_call_code_rules: the procedure's steps and every refusal, with no PBX
plugin configured (the technician generates the code by hand and confirms):
the person asks, the head of their unit approves, then the head of TIM;
the confirmation note closes it and is mailed (outbox) to the person and the
unit head. Refused: unknown or missing levels, a request for someone else by
someone who is not the head of their unit, a unit head of another unit, a
disabled person, a second open request.

test_call_code_end_to_end (real Kamailio, Dovecot, Postfix, PostgreSQL,
slapd): a hire gets an extension whose SIP password reaches the person's
mailbox through the outbox; it REGISTERs. A national code is issued after
both approvals, mailed once, and works on the example routing script: calls
at each level are allowed or refused as the code and the extension's own
level say. No code or SIP password appears in the daemon's log, the change
log, the outbox after sending, or any API answer. A revocation stops the
code; the exit stops the extension.

Run: python3 tests/integration/test_callcode.py
"""
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ok, act, expect, expect_error, main, wait_until, _register_cleanup  # noqa: E402
from harness import HR, HEAD, TECH, TRIB_HEAD, AUDITOR  # noqa: E402
from test_queue import wait_state, hire_body, plugin_conf  # noqa: E402
from test_mail import dovecot, postfix, maildir_messages, give_mailbox, conf as mail_conf  # noqa: E402
from kamailio import create_pbx_db, Kamailio, SipUas, register, call  # noqa: E402

PASSWORD = "Clave-de-acceso-1"


def hire(t, d, num, given, unit="tributaria"):
    js = ok(d.request("POST", "/v1/hires", body=hire_body(num, given=given, family="Quiroga", unit=unit),
                      basic=HR), 201)
    wait_state(d, js["id"], "closed")
    tok = ok(d.request("POST", "/v1/people/%s/password-token" % num, basic=TECH), 201)["token"]
    ok(d.request("POST", "/v1/password", body={"token": tok, "new_password": PASSWORD}))
    return js["person"]


def ask(d, who, body):
    return d.request("POST", "/v1/call-code-requests", body=body, basic=who)


def test_call_code_rules(t):
    c = plugin_conf(t.stack, workflow_auto_hire="review verification report conclusion close")
    with t.new_daemon(overrides=c) as d:
        p = hire(t, d, "CC0001", "Elena")
        me = (p["uid"], PASSWORD)
        other = hire(t, d, "CC0002", "Pablo", unit="aaf")

        # bad input first: nothing is filed
        expect_error(ask(d, me, {"employee_number": "CC0001", "level": "galactic", "justification": "x"}),
                     400, "invalid_field", "level")
        expect_error(ask(d, me, {"employee_number": "CC0001", "justification": "x"}), 400, "missing_field", "level")
        expect_error(ask(d, me, {"employee_number": "CC0001", "level": "mobile"}), 400, "missing_field",
                     "justification")
        expect_error(ask(d, me, {"employee_number": "CC0001", "action": "revoke", "level": "mobile",
                                 "justification": "x"}), 400, "invalid_field", "level")
        expect_error(ask(d, me, {"employee_number": "CC0001", "level": "mobile", "justification": "x",
                                 "code": "1234"}), 400, "invalid_field", "code")
        expect_error(ask(d, me, {"employee_number": "CC0002", "level": "mobile", "justification": "x"}),
                     403, "forbidden", "employee_number")
        expect_error(ask(d, AUDITOR, {"employee_number": "CC0001", "level": "mobile", "justification": "x"}),
                     403, "forbidden")
        expect_error(ask(d, TRIB_HEAD, {"employee_number": "CC0002", "level": "mobile", "justification": "x"}),
                     403, "forbidden", "employee_number")
        # whether ZZ9999 exists is not told to someone who may not ask for them
        expect_error(ask(d, me, {"employee_number": "ZZ9999", "level": "mobile", "justification": "x"}), 403,
                     "forbidden", "employee_number")
        n = t.stack.psql("SELECT count(*) FROM requests WHERE type = 'call_code'").strip()
        expect(n == "0", "nothing filed by bad input: %s", n)

        # PR01: the person asks; the head of their unit, then the head of TIM approve
        js = ok(ask(d, me, {"employee_number": "CC0001", "level": "national",
                            "justification": "coordina con las oficinas departamentales"}), 201)
        rid = js["id"]
        expect(js["type"] == "call_code" and js["state"] == "submitted" and js["submitted_role"] == "employee",
               "filed by the person: %r", js)
        expect_error(ask(d, me, {"employee_number": "CC0001", "level": "mobile", "justification": "x"}),
                     409, "conflict", "employee_number")
        expect_error(act(d, rid, "approve", me), 403, "forbidden")
        expect_error(act(d, rid, "approve", HEAD), 403, "forbidden")    # head of unit tim, not tributaria
        expect_error(act(d, rid, "return", TRIB_HEAD), 400, "missing_field", "note")
        ok(act(d, rid, "return", TRIB_HEAD, note="falta justificar las llamadas nacionales"))
        ok(act(d, rid, "resubmit", me, data={"employee_number": "CC0001", "level": "national",
                                            "justification": "coordina con Santa Cruz y Cochabamba"}))
        js = ok(act(d, rid, "approve", TRIB_HEAD))
        expect(js["state"] == "tim_review", "the unit head approved: %s", js["state"])
        expect_error(act(d, rid, "approve", TRIB_HEAD), 403, "forbidden")
        js = ok(act(d, rid, "approve", HEAD))
        expect(js["state"] == "provisioning" and js["provisioning_mode"] == "manual",
               "no PBX plugin: the technician makes the code: %r", js)
        js = ok(act(d, rid, "confirm", TECH, note="código generado en la central"))
        expect(js["state"] == "concluding", "then the confirmation note: %s", js["state"])
        js = ok(act(d, rid, "approve", HEAD, note="código nacional entregado por correo"))
        expect(js["state"] == "closed", "closed: %s", js["state"])
        rows = t.stack.psql("SELECT rcpt FROM outbox WHERE request_id = %d AND kind = 'conclusion' ORDER BY rcpt"
                            % rid).split()
        expect(rows == [p["mail"], "trib.pena@example.org"] or rows == sorted([p["mail"], "trib.pena@example.org"]),
               "the note goes to the person and the unit head who approved: %r", rows)
        steps = t.stack.psql("SELECT action || ':' || actor FROM changelog WHERE request_id = %d AND "
                             "system = 'workflow' ORDER BY seq" % rid).split()
        expect(steps[:3] == ["call_code.submit:" + p["uid"], "call_code.return:trib.pena",
                             "call_code.resubmit:" + p["uid"]], "the steps are logged: %r", steps)

        # a unit head's own filing is their approval; a revocation needs none
        js = ok(ask(d, TRIB_HEAD, {"employee_number": "CC0001", "level": "mobile", "justification": "x"}), 201)
        expect(js["state"] == "tim_review" and js["submitted_role"] == "unit_head", "filed and approved: %r", js)
        ok(act(d, js["id"], "cancel", HEAD))
        js = ok(ask(d, me, {"employee_number": "CC0001", "action": "revoke", "justification": "ya no lo uso"}), 201)
        expect(js["state"] == "provisioning", "a revocation starts at once: %s", js["state"])
        expect([s["actor"] for s in js["steps"]][-1] == "system", "started by the service: %r", js["steps"])

        # a disabled person gets no code
        ex = ok(d.request("POST", "/v1/exits", body={"employee_number": "CC0002", "effective_at": "2026-01-01T00:00:00Z",
                                                     "reason": "renuncia"}, basic=HR), 201)
        ok(act(d, ex["id"], "approve", HEAD))
        wait_state(d, ex["id"], "report_review")
        expect_error(ask(d, HEAD, {"employee_number": "CC0002", "action": "revoke", "justification": "x"}),
                     409, "conflict", "employee_number")


def wait_mail(dv, address, subject):
    """The text of the first message with that subject in address's Maildir."""
    def found():
        return [m for m in maildir_messages(dv, address) if "Subject: %s" % subject in m]
    return wait_until(found, 60, interval=0.2, what="'%s' in %s's mailbox" % (subject, address))[0]


def test_call_code_end_to_end(t):
    dv = dovecot(t)
    pf = postfix(t, dv)
    give_mailbox(t, dv, "trib.pena", "trib.pena@example.org")
    tmp = tempfile.mkdtemp(prefix="pvd-cc-")
    _register_cleanup("cc-tmp", lambda: shutil.rmtree(tmp, ignore_errors=True))
    pepper = hashlib.sha256(os.urandom(32)).hexdigest()
    pepper_file = os.path.join(tmp, "pepper")
    with open(pepper_file, "w") as f:
        f.write(pepper + "\n")
    db = create_pbx_db(t.stack, "pbx_e2e")
    gw = SipUas(name="gateway")
    kam = Kamailio(db, "pbx.example.org", pepper, gw.hostport).start()
    c = mail_conf(t, dv, smtp_url="smtp://127.0.0.1:%d" % pf["port"], outbox_retry_base="1", outbox_retry_max="1")
    c.update({"plugin.pbx.library": "pbx", "plugin.pbx.call_codes": "yes", "plugin.pbx.after": "mail",
              "plugin.pbx.backend": "kamailio", "plugin.pbx.conninfo": db["conninfo"],
              "plugin.pbx.realm": "pbx.example.org", "plugin.pbx.range": "2000-2099", "plugin.pbx.level": "local",
              "plugin.pbx.code_length": "6", "plugin.pbx.code_pepper_file": pepper_file})
    try:
        with t.new_daemon(overrides=c) as d:
            run_end_to_end(t, d, dv, kam, gw)
    finally:
        kam.stop()
        gw.stop()



def run_end_to_end(t, d, dv, kam, gw):
    # the hire: a mailbox, an extension, its SIP password mailed through the outbox
    p = hire(t, d, "CE0001", "Irene")
    mail, me = p["mail"], (p["uid"], PASSWORD)
    text = wait_mail(dv, mail, "Your IP telephone account")
    ext = re.search(r"Extension (\d+)", text).group(1)
    sip_pw = re.search(r"Your SIP password: (\S+)", text).group(1)
    expect(register(kam, ext, sip_pw) == 0, "the extension REGISTERs with the mailed password")
    pr = ok(d.request("GET", "/v1/people/CE0001", basic=HEAD))
    expect(pr.get("extension") == ext, "the identity record shows the extension: %r", pr)
    expect(register(kam, ext, sip_pw + "x") != 0, "a wrong password is refused")
    expect(call(kam, ext, sip_pw, "2123456") == 200, "local calls at the extension's own level")
    expect(call(kam, ext, sip_pw, "022123456") == 403, "national needs a code")

    # PR01: the person asks, the unit head and the head of TIM approve, the code is mailed
    js = ok(ask(d, me, {"employee_number": "CE0001", "level": "national", "justification": "coordina con La Paz"}), 201)
    rid = js["id"]
    ok(act(d, rid, "approve", TRIB_HEAD))
    plan = ok(d.request("GET", "/v1/requests/%d/plan" % rid, basic=HEAD))
    expect([(s["instance"], s["intent"], s["status"]) for s in plan["plan"]] == [("pbx", "call_code", "ok")],
           "the dry run asks only the PBX, for a code: %r", plan)
    js = ok(act(d, rid, "approve", HEAD))
    expect(js["provisioning_mode"] == "queued", "the PBX plugin issues it: %r", js)
    wait_state(d, rid, "concluding")
    text = wait_mail(dv, mail, "Your telephone call code")
    code = re.search(r"Your call code: (\d+)", text).group(1)
    expect(len(code) == 6 and code != ext and len(set(code)) > 1, "a 6-digit, non-trivial code: %s", code)
    gw.clear()
    expect(call(kam, ext, sip_pw, "*%s*022123456" % code) == 200, "national with the code")
    expect(gw.ruris and gw.ruris[-1].startswith("sip:022123456@") and code not in "".join(gw.ruris),
           "the gateway gets the bare number: %r", gw.ruris)
    expect(call(kam, ext, sip_pw, "*%s*71234567" % code) == 200, "mobile is below national: allowed")
    expect(call(kam, ext, sip_pw, "*%s*0049301234567" % code) == 403, "international is above: refused")
    ok(act(d, rid, "approve", TECH, note="código entregado al interesado por correo institucional"))
    note = wait_mail(dv, "trib.pena@example.org", "Conclusion of call_code request %d" % rid)
    expect("código entregado" in note, "the unit head gets the confirmation note: %r", note)
    expect("Technical report (informe técnico), request %d" % rid in note and "call_code" in note,
           "with the technical report (what was done where): %r", note)
    wait_mail(dv, mail, "Conclusion of call_code request %d" % rid)

    # the code and the SIP password are nowhere but in the person's mailbox
    answers = [d.request("GET", "/v1/requests/%d" % rid, basic=HEAD), d.request("GET", "/v1/people/CE0001", basic=HEAD),
               d.request("GET", "/v1/outbox", basic=HEAD), d.request("GET", "/v1/requests/%d/report" % rid, basic=HEAD),
               d.request("GET", "/v1/changelog?employee_number=CE0001&limit=1000", basic=AUDITOR),
               d.request("GET", "/v1/changelog?system=outbox&limit=1000", basic=AUDITOR),
               d.request("GET", "/v1/requests/%d" % rid, basic=me)]
    for a in answers:
        expect(a[0] == 200, "answer %d: %s", a[0], a[2][:200])
    blob = "".join(a[2].decode(errors="replace") for a in answers)
    for secret, what in ((code, "call code"), (sip_pw, "SIP password")):
        expect(secret not in blob, "no %s in any API answer", what)
        expect(secret not in d.log_text(), "no %s in the daemon's log", what)
        for table in ("changelog", "outbox", "operations", "request_steps", "requests"):
            n = t.stack.psql("SELECT count(*) FROM %s x WHERE x::text LIKE '%%%s%%'" % (table, secret)).strip()
            expect(n == "0", "no %s in table %s: %s rows", what, table, n)
    row = t.stack.psql("SELECT count(*) FROM changelog WHERE system = 'pbx' AND action = 'call_code' AND "
                       "after->>'level' = 'national' AND employee_number = 'CE0001'").strip()
    expect(row == "1", "the change log says a national code was issued to CE0001: %s", row)
    sent = json.loads(answers[2][2])["messages"]
    expect(all(m["state"] == "sent" for m in sent if m["kind"] in ("call_code", "sip_password")),
           "secrets were sent: %r", sent)

    # revocation on request: the code stops working at once
    js = ok(ask(d, me, {"employee_number": "CE0001", "action": "revoke", "justification": "ya no lo necesito"}), 201)
    wait_state(d, js["id"], "concluding")
    expect(call(kam, ext, sip_pw, "*%s*022123456" % code) == 403, "a revoked code is refused")
    expect(call(kam, ext, sip_pw, "2123456") == 200, "the extension itself still works")
    ok(act(d, js["id"], "approve", TECH, note="código revocado"))

    # the exit: the extension is refused
    ex = ok(d.request("POST", "/v1/exits", body={"employee_number": "CE0001", "effective_at": "2026-01-01T00:00:00Z",
                                                 "reason": "renuncia"}, basic=HR), 201)
    ok(act(d, ex["id"], "approve", HEAD))
    wait_state(d, ex["id"], "report_review")
    expect(register(kam, ext, sip_pw) != 0, "REGISTER refused after the exit")
    expect(call(kam, ext, sip_pw, "2123456") != 200, "no calls after the exit")


if __name__ == "__main__":
    main(globals())
