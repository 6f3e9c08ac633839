# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a test asserts with: TestFailure, expect, expect_error, ok,
wait_until, and the small shared helpers letters, act, take_steps and
file_hire."""

import re
import time

from .people import HR
from .settings import TIME_SCALE


class TestFailure(AssertionError):
    pass


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


def take_steps(d, rid, steps):
    """Takes each (action, who, note) step of request rid in turn, expecting 200;
    a note of None or "" is not sent."""
    for action, who, note in steps:
        ok(act(d, rid, action, who, **({"note": note} if note else {})))


def file_hire(d, number, given, family, unit="tim", position="tecnico-soporte", contract_type="staff",
              start_date="2026-01-01", **more):
    """HR files a hire (POST /v1/hires, national id CI-<number>; more: further
    fields such as end_date), expecting 201; returns the answer's JSON."""
    body = {"employee_number": number, "national_id": "CI-" + number, "given_names": given,
            "family_names": family, "unit": unit, "position": position,
            "contract_type": contract_type, "start_date": start_date}
    body.update(more)
    return ok(d.request("POST", "/v1/hires", basic=HR, body=body), 201)
