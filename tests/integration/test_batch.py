#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bulk intake: POST /v1/hires/batch and /v1/exits/batch. Each row is filed
through the single POST's path in its own transaction and answered on its
own (a bad row never blocks the others); with an Idempotency-Key a batch
sent again files nobody twice; roles and body limits as for a single POST.

Run: python3 tests/integration/test_batch.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ok, expect, expect_error, main, HR, HEAD  # noqa: E402


def hire(num, family):
    return {"employee_number": num, "national_id": "CI-" + num, "given_names": "Lote", "family_names": family,
            "unit": "tim", "position": "tecnico-soporte", "contract_type": "staff", "start_date": "2026-01-01"}


def count(t, sql):
    return int(t.stack.psql(sql).strip())


def test_rows_are_answered_one_by_one(t):
    items = [hire("B00001", "Uno"), {"employee_number": "B00002"}, hire("B00003", "Tres"), "not an object",
             hire("B00001", "Uno Otra Vez")]
    js = ok(t.request("POST", "/v1/hires/batch", basic=HR, body={"items": items}))
    st = [r["status"] for r in js["results"]]
    expect(st[0] == 201 and st[2] == 201 and st[1] == 400 and st[3] == 400 and st[4] == 409,
           "per-row statuses: %r", js["results"])
    expect(js["filed"] == 2 and js["refused"] == 3 and js["replayed"] == 0, "counts %r", js)
    expect(js["results"][1]["error"]["code"] == "missing_field" and js["results"][3]["error"]["field"] == "items[3]",
           "errors name the field: %r", js["results"][1:4])
    expect(js["results"][0]["body"]["state"] == "submitted" and js["results"][0]["body"]["type"] == "hire",
           "a filed row answers the request: %r", js["results"][0]["body"])
    expect(count(t, "SELECT count(*) FROM requests WHERE type = 'hire' AND person_id IN (SELECT id FROM people "
                    "WHERE employee_number IN ('B00001', 'B00002', 'B00003'))") == 2, "two hires filed, no more")
    # the same policy: the head of TIM approves them one by one, as always
    ok(t.request("POST", "/v1/requests/%d/approve" % js["results"][0]["body"]["id"], basic=HEAD))


def test_a_batch_sent_again_files_nobody_twice(t):
    items = [hire("B00101", "Cien"), hire("B00102", "Cientouno")]
    hd = {"Idempotency-Key": "import-2026-12-02"}
    first = ok(t.request("POST", "/v1/hires/batch", basic=HR, body={"items": items[:1]}, headers=hd))
    expect(first["filed"] == 1, "first attempt, interrupted after one row: %r", first)
    again = ok(t.request("POST", "/v1/hires/batch", basic=HR, body={"items": items}, headers=hd))
    expect(again["replayed"] == 1 and again["filed"] == 1 and again["results"][0]["replayed"] is True
           and again["results"][0]["body"]["id"] == first["results"][0]["body"]["id"], "replayed, then filed: %r",
           again)
    expect(count(t, "SELECT count(*) FROM requests r JOIN people p ON p.id = r.person_id WHERE p.employee_number "
                    "IN ('B00101', 'B00102')") == 2, "each person once")
    # the same key with a different row 0 is refused for that row only
    items[0] = hire("B00103", "Otro")
    js = ok(t.request("POST", "/v1/hires/batch", basic=HR, body={"items": items}, headers=hd))
    expect(js["results"][0]["error"]["code"] == "idempotency_key_reused" and js["results"][1]["replayed"] is True,
           "a reused key with other content: %r", js["results"])


def test_refusals(t):
    expect_error(t.request("POST", "/v1/hires/batch", basic=HEAD, body={"items": [hire("B00201", "X")]}), 403,
                 "forbidden")
    for body, field in (({}, "items"), ({"items": []}, "items"), ({"items": {}}, "items"),
                        ({"items": [hire("B00202", "Y")] * 1001}, "items"), ({"items": [], "colour": 1}, "colour")):
        st, _, b, js = t.request("POST", "/v1/hires/batch", basic=HR, body=body)
        expect(st in (400, 413) and (st == 413 or js["error"]["field"] == field), "%r refused: %s %r", list(body), st,
               b[:200])
    js = ok(t.request("POST", "/v1/exits/batch", basic=HR, body={"items": [{"employee_number": "NOPE1",
                                                                              "reason": "resignation"}]}))
    expect(js["results"][0]["status"] in (400, 404, 409), "an exit for nobody is refused: %r", js["results"])


if __name__ == "__main__":
    main(globals())
