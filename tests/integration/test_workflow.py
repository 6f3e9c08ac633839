#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Hires, exits and transfers (PR05, PR06) over real HTTP with real
PostgreSQL and slapd: every path of both procedures, return and resubmit,
separation of duties, idempotent retries, concurrent approvals, names with
accents and apostrophes, rehire, transfers, bad input, automatic policy.

Run: python3 tests/integration/test_workflow.py
"""
import os
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import DAEMON_BIN, TestFailure, expect, expect_error, main  # noqa: E402
from harness import HR, HEAD, LEAD, TECH, EMPLOYEE, AUDITOR  # noqa: E402


_seq = [0]


def new_number():
    _seq[0] += 1
    return "E%05d" % (1000 + _seq[0])


def hire_body(number, **over):
    b = {
        "employee_number": number,
        "national_id": "CI-%s" % number,
        "given_names": "María José",
        "family_names": "de la Cruz O'Brien",
        "unit": "tributaria",
        "position": "analista-tributario",
        "contract_type": "staff",
        "start_date": "2026-12-01",
    }
    b.update(over)
    return {k: v for k, v in b.items() if v is not None}


def post(t, path, body, who=HR, headers=None):
    return t.request("POST", path, body=body, basic=who, headers=headers)


def act(t, rid, action, who, note=None, **extra):
    body = dict(extra)
    if note is not None:
        body["note"] = note
    return t.request("POST", "/v1/requests/%d/%s" % (rid, action), body=body if body else None,
                     basic=who)


def ok(resp, status=200):
    st, hd, body, js = resp
    expect(st == status, "status %s want %s: %s", st, status, body.decode(errors="replace"))
    return js


def hire(t, number=None, **over):
    number = number or new_number()
    js = ok(post(t, "/v1/hires", hire_body(number, **over)), 201)
    return number, js


def changelog_actions(t, rid):
    out = t.stack.psql("SELECT action FROM changelog WHERE request_id = %d ORDER BY seq" % rid)
    return [ln for ln in out.splitlines() if ln]


def walk_hire_to_close(t, rid):
    ok(act(t, rid, "approve", HEAD))
    ok(act(t, rid, "confirm", TECH, note="account, groups and mailbox created"))
    ok(act(t, rid, "confirm", TECH, note="checked with the person"))
    ok(act(t, rid, "approve", LEAD))
    ok(act(t, rid, "approve", HEAD, note="Alta concluida; cargo registrado."))
    return ok(act(t, rid, "confirm", HR))


# ------------------------------------------------------------------ hire

def test_hire_full_path(t):
    number, js = hire(t)
    rid = js["id"]
    expect(js["state"] == "submitted" and js["type"] == "hire", "new hire %r", js)
    p = js["person"]
    expect(p["uid"] == "maria.cruz", "login from 'María José' 'de la Cruz O'Brien' is %r", p["uid"])
    expect(p["mail"] == "maria.cruz@example.org", "mail %r", p["mail"])
    expect(isinstance(p["uid_number"], int) and p["uid_number"] >= 20000, "uid_number %r", p["uid_number"])
    expect(p["status"] == "pending", "status %r", p["status"])
    expect(p["given_names"] == "María José" and p["family_names"] == "de la Cruz O'Brien",
           "names must round-trip: %r", p)
    expect(js["your_actions"] == ["cancel"], "HR may only cancel in submitted: %r", js["your_actions"])

    js = ok(act(t, rid, "approve", HEAD))
    expect(js["state"] == "provisioning" and js["provisioning_mode"] == "manual", "after approve %r", js["state"])
    # the report does not exist before provisioning is done
    expect_error(t.request("GET", "/v1/requests/%d/report" % rid, basic=HR), 409, "conflict")
    js = ok(act(t, rid, "confirm", TECH, note="cuenta, grupos y buzón creados"))
    expect(js["state"] == "verification" and js["person"]["status"] == "active", "after provisioning %r", js)
    js = ok(act(t, rid, "confirm", TECH, note="verified"))
    expect(js["state"] == "report_review", "after verification %r", js["state"])

    st, hd, body, rep = t.request("GET", "/v1/requests/%d/report" % rid, basic=LEAD)
    expect(st == 200 and rep["request_id"] == rid and rep["approved"] is None, "report %s %r", st, rep)
    expect(any("cuenta, grupos" in (m.get("note") or "") for m in rep["manual_work"]),
           "the technician's note is in the report: %r", rep["manual_work"])
    js = ok(act(t, rid, "approve", LEAD))
    expect(js["state"] == "concluding", "after report approval %r", js["state"])
    expect_error(act(t, rid, "approve", HEAD), 400, "missing_field", "note")
    js = ok(act(t, rid, "approve", HEAD, note="Alta concluida; cargo registrado."))
    expect(js["state"] == "concluded" and js["conclusion"] == "Alta concluida; cargo registrado.",
           "conclusion %r", js)
    js = ok(act(t, rid, "confirm", HR))
    expect(js["state"] == "closed" and js["open"] is False and js["closed_at"], "closed %r", js)

    steps = [(s["action"], s["actor"], s["actor_role"]) for s in js["steps"]]
    expect(steps == [("submit", "aaf.ramos", "hr"), ("approve", "tim.mendoza", "tim_head"),
                     ("confirm", "tim.flores", "tim_tech"), ("confirm", "tim.flores", "tim_tech"),
                     ("approve", "tim.quispe", "tim_lead"), ("approve", "tim.mendoza", "tim_head"),
                     ("confirm", "aaf.ramos", "hr")], "steps %r", steps)
    st, hd, body, _ = t.request("GET", "/v1/requests/%d/report?format=markdown" % rid, basic=HR)
    text = body.decode()
    expect(st == 200 and hd["content-type"].startswith("text/markdown"), "markdown report %s %r", st, hd)
    expect("Approved by tim.quispe" in text and "Alta concluida" in text and "maria.cruz" in text,
           "markdown report content:\n%s", text)
    # every step wrote a change-log entry in the same transaction
    acts = changelog_actions(t, rid)
    expect(acts == ["hire.submit", "hire.approve", "person.activate", "hire.confirm", "hire.confirm",
                    "hire.approve", "hire.approve", "hire.confirm"], "change log %r", acts)


def test_hire_return_and_resubmit(t):
    number, js = hire(t, given_names="Ana", family_names="Pérez-Soto")
    rid = js["id"]
    expect(js["person"]["uid"] == "ana.perezsoto", "hyphenated family name login %r", js["person"]["uid"])
    expect_error(act(t, rid, "return", HEAD), 400, "missing_field", "note")
    js = ok(act(t, rid, "return", HEAD, note="falta el cargo correcto"))
    expect(js["state"] == "returned", "returned %r", js["state"])
    expect_error(act(t, rid, "approve", HEAD), 409, "conflict", message_re="resubmit")
    # the correction must be about the same person
    expect_error(act(t, rid, "resubmit", HR, data=hire_body("OTHER1")), 400, "invalid_field",
                 "data.employee_number")
    expect_error(act(t, rid, "resubmit", HR, data=hire_body(number, unit="nope")), 400,
                 "invalid_field", "data.unit")
    js = ok(act(t, rid, "resubmit", HR, data=hire_body(number, given_names="Ana",
                                                     family_names="Pérez-Soto", position="tecnico-soporte",
                                                     unit="tim")))
    expect(js["state"] == "submitted" and js["person"]["position"] == "tecnico-soporte"
           and js["person"]["unit"] == "tim", "resubmitted %r", js)
    expect(js["payload"]["position"] == "tecnico-soporte", "payload updated %r", js["payload"])
    js = ok(act(t, rid, "approve", HEAD))
    expect(js["state"] == "provisioning", "approved after resubmit %r", js["state"])


def test_verification_reject_goes_back(t):
    number, js = hire(t, given_names="Luis", family_names="Gómez")
    rid = js["id"]
    ok(act(t, rid, "approve", HEAD))
    ok(act(t, rid, "confirm", TECH, note="done"))
    expect_error(act(t, rid, "reject", TECH), 400, "missing_field", "note")
    js = ok(act(t, rid, "reject", TECH, note="the tributario level is missing"))
    expect(js["state"] == "provisioning", "reject sends back to provisioning: %r", js["state"])
    expect(js["steps"][-1]["note"] == "the tributario level is missing", "reason visible %r", js["steps"][-1])
    ok(act(t, rid, "confirm", TECH, note="level added"))
    js = ok(act(t, rid, "confirm", TECH, note="ok now"))
    expect(js["state"] == "report_review", "state %r", js["state"])


def test_wrong_role_and_out_of_order(t):
    number, js = hire(t, given_names="Rosa", family_names="Flores")
    rid = js["id"]
    err = expect_error(act(t, rid, "approve", HR), 403, "forbidden")
    expect("tim_head" in err["message"], "403 names the role needed: %r", err["message"])
    err = expect_error(act(t, rid, "confirm", TECH), 409, "conflict")
    expect("approve" in err["message"] and "submitted" in err["message"],
           "409 says what is possible now: %r", err["message"])
    expect_error(act(t, rid, "frobnicate", HEAD), 404, "not_found")
    expect_error(act(t, 999999, "approve", HEAD), 404, "not_found")
    expect_error(post(t, "/v1/hires", hire_body(new_number()), who=HEAD), 403, "forbidden")
    # the request is unchanged by refused actions
    js = ok(t.request("GET", "/v1/requests/%d" % rid, basic=HEAD))
    expect(js["state"] == "submitted" and len(js["steps"]) == 1, "unchanged %r", js["state"])
    expect("approve" in js["your_actions"] and "return" in js["your_actions"], "head may %r", js["your_actions"])


def ldapmodify(t, ldif):
    env = t.stack.env
    pw = open(env["PVD_LDAP_ADMIN_PW_FILE"]).read().strip()
    p = subprocess.run(["ldapmodify", "-x", "-H", env.get("PVD_LDAPI_URI") or t.stack.ldapi_url(),
                        "-D", env["PVD_LDAP_ADMIN_DN"], "-w", pw],
                       input=ldif.encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise TestFailure("ldapmodify failed: %s" % p.stderr.decode())


def test_separation_of_duties(t):
    base = t.stack.env.get("PVD_LDAP_BASE", "dc=example,dc=org")
    # tim.mendoza (head of TIM) is also put in HR's group: he may submit,
    # and may approve, but never his own submission.
    ldapmodify(t, "dn: cn=provisiond-hr,ou=roles,%s\nchangetype: modify\nadd: member\n"
               "member: uid=tim.mendoza,ou=people,%s\n" % (base, base))
    try:
        js = ok(post(t, "/v1/hires", hire_body(new_number(), given_names="Iván", family_names="Sáenz"),
                     who=HEAD), 201)
        err = expect_error(act(t, js["id"], "approve", HEAD), 403, "forbidden")
        expect("separation of duties" in err["message"], "message %r", err["message"])
        expect_error(act(t, js["id"], "return", HEAD, note="x"), 403, "forbidden")
        ok(act(t, js["id"], "cancel", HEAD))
    finally:
        ldapmodify(t, "dn: cn=provisiond-hr,ou=roles,%s\nchangetype: modify\ndelete: member\n"
                   "member: uid=tim.mendoza,ou=people,%s\n" % (base, base))


def test_hire_conflicts(t):
    number, js = hire(t, given_names="Pablo", family_names="Ríos")
    # a second hire while one is open
    expect_error(post(t, "/v1/hires", hire_body(number)), 409, "conflict", "employee_number")
    walk_hire_to_close(t, js["id"])
    # the person is active: a hire is refused
    err = expect_error(post(t, "/v1/hires", hire_body(number)), 409, "conflict", "employee_number")
    expect("already active" in err["message"], "message %r", err["message"])
    # exits for unknown people are 404
    expect_error(post(t, "/v1/exits", {"employee_number": "NOBODY", "effective_at": "2026-01-01T00:00:00Z",
                                       "reason": "x"}), 404, "not_found", "employee_number")
    # an exit while a hire is open is refused, naming the hire
    number2, js2 = hire(t, given_names="Clara", family_names="Vidal")
    err = expect_error(post(t, "/v1/exits", {"employee_number": number2,
                                             "effective_at": "2026-01-01T00:00:00Z", "reason": "x"}),
                       409, "conflict")
    expect("pending" in err["message"] or "hire" in err["message"], "message %r", err["message"])


def test_login_collisions_are_deterministic(t):
    a_num, a = hire(t, given_names="Juan", family_names="Pérez")
    b_num, b = hire(t, given_names="Juán", family_names="Perez Lima")
    c_num, c = hire(t, given_names="JUAN", family_names="Pérez")
    expect((a["person"]["uid"], b["person"]["uid"], c["person"]["uid"]) ==
           ("juan.perez", "juan.perez2", "juan.perez3"), "logins %r %r %r",
           a["person"]["uid"], b["person"]["uid"], c["person"]["uid"])
    expect(c["person"]["mail"] == "juan.perez3@example.org", "mail %r", c["person"]["mail"])
    nums = {a["person"]["uid_number"], b["person"]["uid_number"], c["person"]["uid_number"]}
    expect(len(nums) == 3, "uidNumbers must differ: %r", nums)


# ------------------------------------------------------------------ exits

def active_person(t, **over):
    number, js = hire(t, **over)
    walk_hire_to_close(t, js["id"])
    return number, js["person"]


def test_exit_now_full_path(t):
    number, person = active_person(t, given_names="Elena", family_names="Mamani")
    js = ok(post(t, "/v1/exits", {"employee_number": number, "effective_at": "2026-01-15T18:00:00-04:00",
                                  "reason": "fin de contrato"}), 201)
    rid = js["id"]
    expect(js["type"] == "exit" and js["state"] == "submitted", "exit %r", js)
    expect(js["effective_at"] == "2026-01-15T22:00:00Z", "effective_at normalised to UTC: %r", js["effective_at"])
    js = ok(act(t, rid, "approve", HEAD))
    expect(js["state"] == "disabling", "a past effective time disables now: %r", js["state"])
    js = ok(act(t, rid, "confirm", TECH, note="escritorio respaldado, cuentas deshabilitadas"))
    expect(js["state"] == "report_review" and js["person"]["status"] == "disabled", "disabled %r", js)
    ok(act(t, rid, "approve", LEAD))
    ok(act(t, rid, "approve", HEAD, note="Baja concluida."))
    js = ok(act(t, rid, "confirm", HR))
    expect(js["state"] == "closed", "closed %r", js["state"])
    acts = changelog_actions(t, rid)
    expect("person.disable" in acts and acts[0] == "exit.submit" and acts[-1] == "exit.confirm",
           "exit change log %r", acts)
    # a second exit for a disabled person
    expect_error(post(t, "/v1/exits", {"employee_number": number, "effective_at": "2026-01-15T18:00:00Z",
                                       "reason": "x"}), 409, "conflict")


def test_exit_scheduled_moved_and_cancelled(t):
    number, person = active_person(t, given_names="Hugo", family_names="Arce")
    js = ok(post(t, "/v1/exits", {"employee_number": number, "effective_at": "2099-03-01T12:00:00Z",
                                  "reason": "renuncia"}), 201)
    rid = js["id"]
    js = ok(act(t, rid, "approve", HEAD))
    expect(js["state"] == "scheduled", "future exit is scheduled: %r", js["state"])
    expect_error(act(t, rid, "reschedule", HR), 400, "missing_field", "effective_at")
    expect_error(act(t, rid, "reschedule", HR, effective_at="next tuesday"), 400, "invalid_field", "effective_at")
    js = ok(act(t, rid, "reschedule", HR, effective_at="2099-04-01T12:00:00Z"))
    expect(js["state"] == "scheduled" and js["effective_at"] == "2099-04-01T12:00:00Z", "moved %r", js)
    js = ok(act(t, rid, "cancel", HR))
    expect(js["state"] == "cancelled" and js["person"]["status"] == "active", "cancelled %r", js)
    # moving an exit into the past runs it now
    js = ok(post(t, "/v1/exits", {"employee_number": number, "effective_at": "2099-03-01T12:00:00Z",
                                  "reason": "renuncia"}), 201)
    ok(act(t, js["id"], "approve", HEAD))
    js = ok(act(t, js["id"], "reschedule", HEAD, effective_at="2020-01-01T00:00:00Z"))
    expect(js["state"] == "disabling", "a moved-to-now exit starts disabling: %r", js["state"])


def test_rehire_gets_old_identifiers(t):
    number, person = active_person(t, given_names="Nina", family_names="Choque")
    js = ok(post(t, "/v1/exits", {"employee_number": number, "effective_at": "2026-01-01T00:00:00Z",
                                  "reason": "fin"}), 201)
    for a, who, note in (("approve", HEAD, None), ("confirm", TECH, "ok"), ("approve", LEAD, None),
                         ("approve", HEAD, "fin"), ("confirm", HR, None)):
        ok(act(t, js["id"], a, who, note=note))
    # someone else with the same names meanwhile gets another login
    other_num, other = hire(t, given_names="Nina", family_names="Choque")
    expect(other["person"]["uid"] == "nina.choque2", "the old login is never reused: %r", other["person"]["uid"])
    js = ok(post(t, "/v1/hires", hire_body(number, given_names="Nina", family_names="Choque Mamani",
                                           unit="control", position="auditor-interno")), 201)
    p = js["person"]
    expect((p["uid"], p["uid_number"], p["mail"]) == (person["uid"], person["uid_number"], person["mail"]),
           "rehire keeps identifiers: %r vs %r", p, person)
    expect(p["family_names"] == "Choque Mamani" and p["unit"] == "control", "rehire updates data %r", p)
    walk_hire_to_close(t, js["id"])
    js = ok(t.request("GET", "/v1/people/%s" % number, basic=HR))
    expect(js["status"] == "active" and len(js["requests"]) == 3, "person %r", js)


# ------------------------------------------------------------------ transfers

def test_transfer(t):
    number, person = active_person(t, given_names="Raúl", family_names="Ortiz")
    expect_error(post(t, "/v1/transfers", {"employee_number": number, "unit": "tim", "position": "nope"}),
                 400, "invalid_field", "position")
    js = ok(post(t, "/v1/transfers", {"employee_number": number, "unit": "tim",
                                      "position": "tecnico-soporte", "reason": "reasignación"}), 201)
    rid = js["id"]
    ok(act(t, rid, "approve", HEAD))
    js = ok(act(t, rid, "confirm", TECH, note="groups recomputed"))
    expect(js["person"]["unit"] == "tim" and js["person"]["position"] == "tecnico-soporte", "moved %r", js["person"])
    acts = changelog_actions(t, rid)
    expect("person.transfer" in acts, "transfer logged %r", acts)


# ------------------------------------------------------------------ idempotency, races

def test_idempotency_key(t):
    number = new_number()
    body = hire_body(number, given_names="Óscar", family_names="Núñez")
    h = {"Idempotency-Key": "hire-%s" % number}
    a = ok(post(t, "/v1/hires", body, headers=h), 201)
    b = ok(post(t, "/v1/hires", body, headers=h), 201)
    expect(a["id"] == b["id"], "a retried POST returns the first result: %r vs %r", a["id"], b["id"])
    n = t.stack.psql("SELECT count(*) FROM requests r JOIN people p ON p.id = r.person_id "
                     "WHERE p.employee_number = '%s'" % number).strip()
    expect(n == "1", "one request, not %s", n)
    body2 = dict(body, position="tecnico-soporte")
    expect_error(post(t, "/v1/hires", body2, headers=h), 422, "idempotency_key_reused")
    # actions too
    k = {"Idempotency-Key": "approve-%d" % a["id"]}
    x = ok(t.request("POST", "/v1/requests/%d/approve" % a["id"], body={}, basic=HEAD, headers=k))
    y = ok(t.request("POST", "/v1/requests/%d/approve" % a["id"], body={}, basic=HEAD, headers=k))
    expect(x["state"] == y["state"] == "provisioning" and len(y["steps"]) == 2, "replayed approve %r", y["steps"])


def test_concurrent_approvals(t):
    for _ in range(3):
        number, js = hire(t, given_names="Sara", family_names="Quispe")
        rid = js["id"]
        results = []
        barrier = threading.Barrier(2)

        def go():
            barrier.wait()
            results.append(act(t, rid, "approve", HEAD)[0])

        th = [threading.Thread(target=go) for _ in range(2)]
        for x in th:
            x.start()
        for x in th:
            x.join()
        expect(sorted(results) == [200, 409], "exactly one approval wins: %r", results)
        js = ok(t.request("GET", "/v1/requests/%d" % rid, basic=HEAD))
        expect([s["action"] for s in js["steps"]] == ["submit", "approve"], "one approve step %r", js["steps"])


def test_concurrent_hires_same_number(t):
    number = new_number()
    results = []
    barrier = threading.Barrier(3)

    def go():
        barrier.wait()
        results.append(post(t, "/v1/hires", hire_body(number, given_names="Tito", family_names="Paz"))[0])

    th = [threading.Thread(target=go) for _ in range(3)]
    for x in th:
        x.start()
    for x in th:
        x.join()
    expect(sorted(results) == [201, 409, 409], "one hire wins: %r", results)


# ------------------------------------------------------------------ bad input

def test_bad_input_names_the_field(t):
    cases = [
        ({"employee_number": None}, 400, "missing_field", "employee_number"),
        ({"start_date": "2026-02-30"}, 400, "invalid_field", "start_date"),
        ({"start_date": "01/12/2026"}, 400, "invalid_field", "start_date"),
        ({"end_date": "2026-01-01"}, 400, "invalid_field", "end_date"),
        ({"contract_type": "consultant"}, 400, "missing_field", "end_date"),
        ({"contract_type": "intern"}, 400, "invalid_field", "contract_type"),
        ({"unit": "nowhere"}, 400, "invalid_field", "unit"),
        ({"position": "astronaut"}, 400, "invalid_field", "position"),
        ({"given_names": "Ana\u0007"}, 400, "invalid_field", "given_names"),
        ({"given_names": "Ana<script>"}, 400, "invalid_field", "given_names"),
        ({"family_names": "x" * 101}, 400, "invalid_field", "family_names"),
        ({"family_names": 42}, 400, "invalid_field", "family_names"),
        ({"employee_number": "E 1"}, 400, "invalid_field", "employee_number"),
        ({"surprise": 1}, 400, "invalid_field", "surprise"),
        ({"given_names": "😀", "family_names": "😀"}, 400, "invalid_field", "family_names"),
    ]
    before = t.stack.psql("SELECT count(*) FROM requests").strip()
    for over, status, code, field in cases:
        expect_error(post(t, "/v1/hires", hire_body(new_number(), **over)), status, code, field)
    expect_error(post(t, "/v1/exits", {"employee_number": "X1", "effective_at": "2026-13-01T00:00:00Z",
                                       "reason": "r"}), 400, "invalid_field", "effective_at")
    expect_error(post(t, "/v1/exits", {"employee_number": "X1", "effective_at": "2026-01-01T00:00:00",
                                       "reason": "r"}), 400, "invalid_field", "effective_at")
    expect_error(post(t, "/v1/exits", {"employee_number": "X1", "effective_at": "2026-01-01T00:00:00Z"}),
                 400, "missing_field", "reason")
    after = t.stack.psql("SELECT count(*) FROM requests").strip()
    expect(before == after, "refused input wrote nothing: %s -> %s requests", before, after)
    # a consultant with an end date is fine
    ok(post(t, "/v1/hires", hire_body(new_number(), contract_type="consultant", end_date="2027-06-30",
                                      given_names="Vera", family_names="Luna")), 201)


def test_list_filters_and_paging(t):
    st, hd, body, js = t.request("GET", "/v1/requests?type=hire&limit=2", basic=AUDITOR)
    expect(st == 200 and len(js["items"]) == 2 and js["next_cursor"], "page 1 %s %r", st, body[:300])
    ids = [i["id"] for i in js["items"]]
    seen = set(ids)
    cursor = js["next_cursor"]
    pages = 1
    while cursor and pages < 100:
        st, hd, body, js = t.request("GET", "/v1/requests?type=hire&limit=2&cursor=%s" % cursor, basic=AUDITOR)
        expect(st == 200, "page %s", body)
        for i in js["items"]:
            expect(i["id"] not in seen, "id %s seen twice while paging", i["id"])
            expect(i["type"] == "hire", "filter type %r", i["type"])
            seen.add(i["id"])
        cursor = js["next_cursor"]
        pages += 1
    total = t.stack.psql("SELECT count(*) FROM requests WHERE type = 'hire'").strip()
    expect(len(seen) == int(total), "paging saw %d of %s hires", len(seen), total)
    expect_error(t.request("GET", "/v1/requests?cursor=abc", basic=AUDITOR), 400, "invalid_field", "cursor")
    expect_error(t.request("GET", "/v1/requests?limit=0", basic=AUDITOR), 400, "invalid_field", "limit")
    expect_error(t.request("GET", "/v1/requests?colour=red", basic=AUDITOR), 400, "invalid_field", "colour")
    expect_error(t.request("GET", "/v1/requests?type=party", basic=AUDITOR), 400, "invalid_field", "type")
    expect_error(t.request("GET", "/v1/requests?created_after=2026-02-01T00:00:00Z&created_before=2026-01-01T00:00:00Z",
                           basic=AUDITOR), 400, "invalid_field", "created_before")
    # an employee sees only requests about themselves
    st, hd, body, js = t.request("GET", "/v1/requests", basic=EMPLOYEE)
    expect(st == 200 and js["items"] == [], "employee sees nothing of others: %r", js)


def test_policy_automatic_steps(t):
    d = t.new_daemon(overrides={"workflow_auto_hire": "review, verification, report, conclusion, close"})
    with d:
        st, hd, body, js = d.request("POST", "/v1/hires", body=hire_body(new_number(), given_names="Auto",
                                                                          family_names="Mático"), basic=HR)
        expect(st == 201 and js["state"] == "provisioning", "review skipped by policy: %s %r", st, body)
        expect(js["steps"][-1]["actor"] == "system", "automatic steps are by system: %r", js["steps"][-1])
        st, hd, body, js = d.request("POST", "/v1/requests/%d/confirm" % js["id"], body={"note": "done"},
                                     basic=TECH)
        expect(st == 200 and js["state"] == "closed", "the rest ran by itself: %s %r", st, js and js["state"])
    # a bad policy is a configuration error naming the key
    p = subprocess.run([DAEMON_BIN, "-c", d.write_config(workflow_auto_exit="review, lunch"),
                        "--check-config"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    expect(p.returncode == 1 and b"workflow_auto_exit" in p.stderr and b"lunch" in p.stderr,
           "bad policy: %r", p.stderr)


def test_workflows_are_described(t):
    js = ok(t.request("GET", "/v1/workflows", basic=EMPLOYEE))
    states = [s["state"] for s in js["hire"]]
    expect(states[:3] == ["submitted", "returned", "provisioning"] and "closed" in states, "hire states %r", states)
    expect(any(s["state"] == "scheduled" for s in js["exit"]), "exit has scheduled")


if __name__ == "__main__":
    main(globals())
