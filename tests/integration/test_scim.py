#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""SCIM 2.0 at /scim/v2 (RFC 7643/7644): discovery; the request sequences
Entra ID and Okta send (GET ?filter=userName eq "x" before a create, POST,
PATCH replace active "False", PUT), each checked for the SCIM answer and for
what was filed (the request, its state, the change log, the slapd entry once
provisioned); filters, paging, attributes; ETag and If-Match; Bulk with
bulkId and failOnErrors; a resend that files nothing; every malformed call
answered with an RFC 7644 Error, never a 500.

Run: python3 tests/integration/test_scim.py
"""
import json
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ok, expect, main, act, HR, HEAD, LEAD, TECH, AUDITOR, EMPLOYEE  # noqa: E402
from test_queue import plugin_conf, wait_state, search, person_dn  # noqa: E402

CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PVD = "urn:provisiond:params:scim:schemas:extension:provisiond:2.0:User"
PATCHOP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
SCIM_TYPE = "application/scim+json"


def scim(d, method, path, body=None, token=None, headers=None, basic=None, raw=None):
    """A SCIM call: the body as application/scim+json, the answer checked for SCIM's content type."""
    hd = {"Content-Type": SCIM_TYPE} if body is not None or raw is not None else {}
    hd.update(headers or {})
    data = json.dumps(body).encode() if body is not None else raw
    st, rh, rb, js = d.request(method, "/scim/v2" + path, raw=data, headers=hd, token=token, basic=basic)
    if st != 204:
        expect(rh.get("content-type", "").startswith(SCIM_TYPE), "%s %s: content type %r (status %s)",
               method, path, rh.get("content-type"), st)
    return st, rh, rb, js


def scim_error(resp, status, scim_type=None, detail_has=None):
    st, rh, rb, js = resp
    expect(st == status, "status %s want %s: %s", st, status, rb[:400])
    expect(js is not None and js.get("schemas") == [ERROR] and js.get("status") == str(status),
           "an RFC 7644 Error: %r", rb[:400])
    if scim_type is not None:
        expect(js.get("scimType") == scim_type, "scimType %r want %r: %r", js.get("scimType"), scim_type, js)
    if detail_has is not None:
        expect(detail_has in js.get("detail", ""), "detail %r lacks %r", js.get("detail"), detail_has)
    return js


def q(s):
    return urllib.parse.quote(s, safe="")


def user(user_name, num, given="Ana", family="Rivas", unit="tributaria", position="analista-tributario", **ext):
    pvd = {"nationalId": "CI-" + num}
    pvd.update(ext)
    return {"schemas": [CORE, ENT, PVD], "userName": user_name, "externalId": "ext-" + num,
            "name": {"givenName": given, "familyName": family, "formatted": given + " " + family},
            "displayName": given + " " + family, "active": True,
            "emails": [{"value": user_name, "type": "work", "primary": True},
                       {"value": "privado." + num.lower() + "@correo.example", "type": "home"}],
            "title": position, ENT: {"employeeNumber": num, "department": unit, "manager": {"value": "x"}},
            PVD: pvd}


def psql(t, sql):
    return t.stack.psql(sql).strip()


def requests_of(t, num):
    return psql(t, "SELECT string_agg(r.type || ':' || r.state, ',' ORDER BY r.id) FROM requests r JOIN people p "
                   "ON p.id = r.person_id WHERE p.employee_number = '%s'" % num)


def hr(t):
    return t.token("hr")


# who takes each step of a hire after the head of TIM approves it
STEPS = {"provisioning": ("confirm", TECH), "verification": ("confirm", TECH), "report_review": ("approve", LEAD),
         "concluding": ("approve", HEAD), "concluded": ("confirm", HR)}


def close_request(d, rid):
    """Takes the request's steps until it is closed (the hire must be over before an exit or a transfer)."""
    for _ in range(10):
        state = ok(d.request("GET", "/v1/requests/%d" % rid, basic=HEAD))["state"]
        if state == "closed":
            return
        action, who = STEPS[state]
        ok(act(d, rid, action, who, note="hecho"))
    raise AssertionError("request %d did not close" % rid)


# ------------------------------------------------------------------ discovery

def test_discovery_is_truthful(t):
    tok = hr(t)
    spc = ok(scim(t, "GET", "/ServiceProviderConfig", token=tok))
    expect(spc["patch"]["supported"] is True and spc["bulk"]["supported"] is True
           and spc["bulk"]["maxOperations"] == 100 and spc["bulk"]["maxPayloadSize"] > 0
           and spc["filter"] == {"supported": True, "maxResults": 200}
           and spc["changePassword"]["supported"] is False and spc["sort"]["supported"] is False
           and spc["etag"]["supported"] is True
           and spc["authenticationSchemes"][0]["type"] == "oauthbearertoken", "ServiceProviderConfig %r", spc)
    expect("Groups" in spc["authenticationSchemes"][0]["description"], "it says Groups are read-only")
    rts = ok(scim(t, "GET", "/ResourceTypes", token=tok))
    names = sorted(r["name"] for r in rts["Resources"])
    expect(names == ["Group", "User"] and rts["totalResults"] == 2, "resource types %r", names)
    u = [r for r in rts["Resources"] if r["name"] == "User"][0]
    expect(u["endpoint"] == "/Users" and {e["schema"] for e in u["schemaExtensions"]} == {ENT, PVD}, "User %r", u)
    ok(scim(t, "GET", "/ResourceTypes/User", token=tok))
    scim_error(scim(t, "GET", "/ResourceTypes/Robot", token=tok), 404)
    sch = ok(scim(t, "GET", "/Schemas", token=tok))
    ids = {s["id"] for s in sch["Resources"]}
    expect({CORE, ENT, PVD} <= ids, "schemas %r", ids)
    ext = ok(scim(t, "GET", "/Schemas/" + q(PVD), token=tok))
    attrs = {a["name"]: a for a in ext["attributes"]}
    expect(attrs["uid"]["mutability"] == "readOnly" and attrs["exitAt"]["type"] == "dateTime"
           and attrs["openRequest"]["mutability"] == "readOnly", "the provisiond extension %r", sorted(attrs))
    core = ok(scim(t, "GET", "/Schemas/" + q(CORE), token=tok))
    expect([a for a in core["attributes"] if a["name"] == "userName"][0]["uniqueness"] == "server", "userName unique")
    scim_error(scim(t, "GET", "/Schemas/" + q("urn:x:y"), token=tok), 404)


# ------------------------------------------------------------------ Entra ID's sequence

def test_entra_id_sequence_provisions_into_slapd(t):
    """Entra: GET ?filter=userName eq (empty), POST, then PATCH replace active "False", then a PUT."""
    with t.new_daemon(overrides=plugin_conf(t.stack)) as d:
        tok = hr(t)
        num, name = "S10001", "ana.rivas@contoso.example"
        lst = ok(scim(d, "GET", "/Users?filter=" + q('userName eq "%s"' % name), token=tok))
        expect(lst["totalResults"] == 0 and lst["Resources"] == [] and lst["startIndex"] == 1,
               "nobody yet: %r", lst)
        st, hd, body, u = scim(d, "POST", "/Users", user(name, num), token=tok)
        expect(st == 201, "created: %s %s", st, body[:500])
        uid = u[PVD]["uid"]
        expect(u["active"] is False and u["userName"] == name and u["externalId"] == "ext-" + num
               and u[ENT]["employeeNumber"] == num and u[PVD]["status"] == "pending"
               and u[PVD]["openRequestType"] == "hire" and uid and u["meta"]["resourceType"] == "User",
               "a hire's User, inactive until provisioned: %r", u)
        expect(hd["location"] == u["meta"]["location"] and hd["location"].endswith("/scim/v2/Users/" + u["id"])
               and hd["etag"] == u["meta"]["version"] and hd["etag"].startswith('W/"'), "Location, ETag %r", hd)
        rid = u[PVD]["openRequest"]
        req = ok(d.request("GET", "/v1/requests/%d" % rid, basic=HEAD))
        expect(req["type"] == "hire" and req["state"] == "submitted" and req["submitted_role"] == "hr",
               "the hire is filed as HR files it: %r", {k: req.get(k) for k in ("type", "state", "submitted_role")})
        expect(psql(t, "SELECT count(*) FROM changelog WHERE request_id = %d AND action LIKE '%%submit%%'" % rid)
               != "0", "the filing is in the change log")
        # Entra looks it up again: found, by userName without regard to case
        lst = ok(scim(d, "GET", "/Users?filter=" + q('userName eq "%s"' % name.upper()), token=tok))
        expect(lst["totalResults"] == 1 and lst["Resources"][0]["id"] == u["id"], "found again: %r", lst)
        # TIM approves; the plugins create the account
        ok(act(d, rid, "approve", HEAD))
        wait_state(d, rid, "verification")
        u = ok(scim(d, "GET", "/Users/" + u["id"], token=tok))
        expect(u["active"] is True and u[PVD]["status"] == "active", "active once provisioned: %r", u)
        work = [e for e in u["emails"] if e["type"] == "work"]
        expect(work and work[0]["value"].endswith("@example.org"), "the work address is provisiond's: %r", u["emails"])
        entry = search(t.stack, person_dn(t.stack, uid), "(objectClass=*)", "uid", "employeeNumber")
        expect("employeeNumber: %s" % num in entry, "the entry in slapd:\n%s", entry)
        close_request(d, rid)
        # Entra disables: PATCH replace active with the string "False"
        patch = {"schemas": [PATCHOP], "Operations": [{"op": "Replace", "path": "active", "value": "False"}]}
        u2 = ok(scim(d, "PATCH", "/Users/" + u["id"], patch, token=tok))
        expect(u2[PVD]["openRequestType"] == "exit", "an exit is filed: %r", u2[PVD])
        erid = u2[PVD]["openRequest"]
        ex = ok(d.request("GET", "/v1/requests/%d" % erid, basic=HEAD))
        expect(ex["type"] == "exit" and ex["state"] == "submitted", "exit %r", ex["state"])
        # the same PATCH again files nothing
        ok(scim(d, "PATCH", "/Users/" + u["id"], patch, token=tok))
        expect(requests_of(t, num) == "hire:closed,exit:submitted", "nothing more filed: %s",
               requests_of(t, num))
        ok(act(d, erid, "approve", HEAD))
        wait_state(d, erid, "report_review")
        u3 = ok(scim(d, "GET", "/Users/" + u["id"], token=tok))
        expect(u3["active"] is False and u3[PVD]["status"] == "disabled", "disabled: %r", u3[PVD])
        entry = search(t.stack, person_dn(t.stack, uid), "(objectClass=*)", "pwdAccountLockedTime")
        expect("pwdAccountLockedTime" in entry, "the account is locked in slapd:\n%s", entry)
        # a PUT of the same (inactive) User files nothing either
        body = user(name, num)
        body["active"] = False
        body[ENT]["department"] = "TRIBUTARIA"
        ok(scim(d, "PUT", "/Users/" + u["id"], body, token=tok))
        expect(requests_of(t, num) == "hire:closed,exit:report_review", "PUT filed nothing: %s",
               requests_of(t, num))
        # active true again: a rehire, same uid
        patch = {"schemas": [PATCHOP], "Operations": [{"op": "replace", "value": {"active": True}}]}
        u4 = ok(scim(d, "PATCH", "/Users/" + u["id"], patch, token=tok))
        expect(u4[PVD]["openRequestType"] == "hire" and u4[PVD]["uid"] == uid, "a rehire: %r", u4[PVD])
        rows = psql(t, "SELECT count(*) FROM changelog WHERE employee_number = '%s' AND actor LIKE 'token:%%'" % num)
        expect(int(rows) >= 3, "the token is the actor in the change log: %s", rows)


# ------------------------------------------------------------------ Okta's sequence

def test_okta_sequence_and_transfer(t):
    tok = hr(t)
    num, name = "S20001", "luis.paz@okta.example"
    lst = ok(scim(t, "GET", "/Users?filter=" + q('userName eq "%s"' % name) + "&startIndex=1&count=100", token=tok))
    expect(lst["totalResults"] == 0, "empty %r", lst)
    st, hd, body, u = scim(t, "POST", "/Users", user(name, num, "Luis", "Paz"), token=tok)
    expect(st == 201, "created %s %s", st, body[:300])
    # a second POST (a retry) is 409 uniqueness, and files nothing
    scim_error(scim(t, "POST", "/Users", user(name, num, "Luis", "Paz"), token=tok), 409, "uniqueness")
    scim_error(scim(t, "POST", "/Users", user("other@okta.example", num, "Luis", "Paz"), token=tok), 409,
               "uniqueness")
    expect(requests_of(t, num) == "hire:submitted", "one hire: %s", requests_of(t, num))
    rid = u[PVD]["openRequest"]
    ok(act(t.daemon, rid, "approve", HEAD))
    close_request(t.daemon, rid)    # without plugins TIM confirms the provisioning
    u = ok(scim(t, "GET", "/Users/" + u["id"], token=tok))
    expect(u["active"] is True, "active: %r", u[PVD])
    # Okta's PUT with the same User changes nothing
    full = user(name, num, "Luis", "Paz")
    full["id"] = u["id"]
    ok(scim(t, "PUT", "/Users/" + u["id"], full, token=tok))
    expect(requests_of(t, num).count(",") == 0, "nothing filed by an unchanged PUT: %s", requests_of(t, num))
    # a new department: a transfer
    full[ENT]["department"] = "tim"
    full["title"] = "tecnico-soporte"
    full[PVD].pop("nationalId")
    u2 = ok(scim(t, "PUT", "/Users/" + u["id"], full, token=tok))
    expect(u2[PVD]["openRequestType"] == "transfer", "a transfer: %r", u2[PVD])
    tr = ok(t.request("GET", "/v1/requests/%d" % u2[PVD]["openRequest"], basic=HEAD))
    expect(tr["payload"]["unit"] == "tim" and tr["payload"]["position"] == "tecnico-soporte", "to %r", tr["payload"])
    ok(scim(t, "PUT", "/Users/" + u["id"], full, token=tok))
    expect(requests_of(t, num).count("transfer") == 1, "the same PUT again: one transfer: %s", requests_of(t, num))
    ok(t.request("POST", "/v1/requests/%d/cancel" % tr["id"], basic=HR, body={"note": "no"}))
    # Okta deactivates with a PUT active false
    full[ENT]["department"] = "tributaria"
    full["title"] = "analista-tributario"
    full["active"] = False
    u3 = ok(scim(t, "PUT", "/Users/" + u["id"], full, token=tok))
    expect(u3[PVD]["openRequestType"] == "exit", "an exit: %r", u3[PVD])
    # a changed name has no procedure: 400 mutability, nothing filed
    full["name"]["familyName"] = "Paz Otra"
    scim_error(scim(t, "PUT", "/Users/" + u["id"], full, token=tok), 400, "mutability")
    full["name"]["familyName"] = "Paz"
    # DELETE never deletes: the exit is filed already, so 204 and nothing more
    st, _, _, _ = scim(t, "DELETE", "/Users/" + u["id"], token=tok)
    expect(st == 204, "DELETE %s", st)
    expect(requests_of(t, num).count("exit") == 1 and psql(t, "SELECT count(*) FROM people WHERE employee_number = "
                                                             "'%s'" % num) == "1", "kept: %s", requests_of(t, num))


def test_delete_files_an_exit_and_exit_at_schedules_one(t):
    tok = hr(t)
    num = "S30001"
    u = ok(scim(t, "POST", "/Users", user("d1@x.example", num, "Dora", "Luna"), token=tok), 201)
    # an exit while the hire is open is refused by the engine, as REST refuses it
    scim_error(scim(t, "DELETE", "/Users/" + u["id"], token=tok), 409)
    rid = u[PVD]["openRequest"]
    ok(act(t.daemon, rid, "approve", HEAD))
    close_request(t.daemon, rid)
    patch = {"schemas": [PATCHOP], "Operations": [
        {"op": "add", "path": PVD + ":exitAt", "value": "2031-06-30T18:00:00-04:00"}]}
    u2 = ok(scim(t, "PATCH", "/Users/" + u["id"], patch, token=tok))
    expect(u2[PVD]["openRequestType"] == "exit" and u2[PVD]["exitAt"] == "2031-06-30T22:00:00Z"
           and u2["active"] is True, "a scheduled exit: %r", u2[PVD])
    ex = ok(t.request("GET", "/v1/requests/%d" % u2[PVD]["openRequest"], basic=HEAD))
    expect(ex["payload"]["reason"].startswith("SCIM"), "the reason says SCIM: %r", ex["payload"])
    st, _, _, _ = scim(t, "DELETE", "/Users/" + u["id"], token=tok)
    expect(st == 204 and requests_of(t, num).count("exit") == 1, "DELETE with an exit filed: %s", st)


# ------------------------------------------------------------------ reading

def test_filters_paging_and_attributes(t):
    tok = hr(t)
    made = []
    for i in range(3):
        num = "S4000%d" % i
        made.append(ok(scim(t, "POST", "/Users", user("f%d@filter.example" % i, num, "Fil", "Tro"), token=tok), 201))
    ids = [u["id"] for u in made]

    def found(f, **extra):
        qs = "?filter=" + q(f) + "".join("&%s=%s" % kv for kv in extra.items())
        js = ok(scim(t, "GET", "/Users" + qs, token=tok))
        return js, [r["id"] for r in js["Resources"]]
    for f, want in (('userName eq "F1@FILTER.example"', [ids[1]]),
                    ('externalId eq "ext-S40002"', [ids[2]]),
                    ('externalId eq "EXT-S40002"', []),
                    ('emails.value eq "privado.s40000@correo.example"', [ids[0]]),
                    ('emails eq "privado.s40000@correo.example"', [ids[0]]),
                    ('%s:employeeNumber eq "S40001"' % ENT, [ids[1]]),
                    ('employeeNumber eq "S40001"', [ids[1]]),
                    ('userName eq "f0@filter.example" or userName eq "f2@filter.example"', [ids[0], ids[2]]),
                    ('(userName sw "f" and userName ew "@filter.example") and not (externalId eq "ext-S40001")',
                     [ids[0], ids[2]]),
                    ('userName co "filter.example" and (externalId eq "ext-S40000" or externalId eq "ext-S40001")',
                     ids[:2]),
                    ('USERNAME Eq "f1@filter.example" AND active eq false', [ids[1]]),
                    ('%s:userName eq "f1@filter.example"' % CORE, [ids[1]])):
        js, got = found(f)
        expect(got == want and js["totalResults"] == len(want), "%s: got %r want %r", f, got, want)
    js, got = found('userName co "@filter.example"', startIndex=2, count=1)
    expect(js["totalResults"] == 3 and js["itemsPerPage"] == 1 and js["startIndex"] == 2 and got == [ids[1]],
           "page 2 of 1: %r", js)
    js, got = found('userName co "@filter.example"', count=0)
    expect(js["totalResults"] == 3 and got == [], "count=0 counts: %r", js)
    js, _ = found('userName co "@filter.example"', count=5000)
    expect(len(js["Resources"]) == 3, "count is capped, not refused")
    js = ok(scim(t, "GET", "/Users/%s?attributes=userName,%s:employeeNumber" % (ids[0], q(ENT)), token=tok))
    expect(sorted(js) == sorted(["schemas", "id", "userName", ENT]) and js[ENT] == {"employeeNumber": "S40000"},
           "attributes: %r", js)
    js = ok(scim(t, "GET", "/Users/%s?excludedAttributes=emails,name.givenName,%s" % (ids[0], q(PVD)), token=tok))
    expect("emails" not in js and PVD not in js and "givenName" not in js["name"] and "familyName" in js["name"]
           and js["id"] == ids[0], "excludedAttributes: %r", js)
    js = ok(scim(t, "POST", "/Users/.search", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                                                "filter": 'externalId eq "ext-S40001"', "attributes": ["userName"]},
                 token=tok))
    expect(js["totalResults"] == 1 and sorted(js["Resources"][0]) == ["id", "schemas", "userName"], ".search %r", js)
    # auditors may read, and only read
    ok(scim(t, "GET", "/Users/" + ids[0], basic=AUDITOR))
    scim_error(scim(t, "POST", "/Users", user("aud@x.example", "S49999"), basic=AUDITOR), 403)


def test_invalid_filters(t):
    tok = hr(t)
    for f in ('userName eq', 'userName xx "a"', 'nickName eq "a"', 'userName eq "a" and', '(userName eq "a"',
              'userName eq "a")', 'userName eq a', 'active eq "yes"', 'active co true', 'emails[type eq "work"]',
              'userName eq "a" or', 'not userName eq "a"', '"a" eq userName', 'userName eq "\\x"',
              '(' * 20 + 'userName eq "a"' + ')' * 20, 'userName eq "a" ' + 'or userName eq "a" ' * 40,
              'userName eq "' + 'a' * 1100 + '"'):
        scim_error(scim(t, "GET", "/Users?filter=" + q(f), token=tok), 400, "invalidFilter")


# ------------------------------------------------------------------ ETag and If-Match

def test_etag_and_if_match(t):
    tok = hr(t)
    st, hd, _, u = scim(t, "POST", "/Users", user("etag@x.example", "S50001", "Eti", "Queta"), token=tok)
    expect(st == 201, "created")
    v1 = hd["etag"]
    st, hd, _, g = scim(t, "GET", "/Users/" + u["id"], token=tok)
    expect(hd["etag"] == v1 == g["meta"]["version"], "stable version %r %r", hd["etag"], v1)
    patch = {"schemas": [PATCHOP], "Operations": [{"op": "replace", "path": "externalId", "value": "new-ext"}]}
    scim_error(scim(t, "PATCH", "/Users/" + u["id"], patch, token=tok, headers={"If-Match": 'W/"stale"'}), 412)
    st, hd, _, p = scim(t, "PATCH", "/Users/" + u["id"], patch, token=tok, headers={"If-Match": v1})
    expect(st == 200 and p["externalId"] == "new-ext" and hd["etag"] != v1, "patched with the right version: %s", st)
    scim_error(scim(t, "PUT", "/Users/" + u["id"], user("etag@x.example", "S50001", "Eti", "Queta"), token=tok,
                    headers={"If-Match": v1}), 412)
    scim_error(scim(t, "DELETE", "/Users/" + u["id"], token=tok, headers={"If-Match": v1}), 412)
    expect(psql(t, "SELECT scim_external_id FROM people WHERE employee_number = 'S50001'") == "new-ext", "stored")


# ------------------------------------------------------------------ Bulk

def test_bulk_with_bulk_ids_and_fail_on_errors(t):
    tok = hr(t)
    body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": [
        {"method": "POST", "path": "/Users", "bulkId": "a1", "data": user("bulk1@x.example", "S60001", "Bul", "Uno")},
        {"method": "PATCH", "path": "/Users/bulkId:a1", "data": {"schemas": [PATCHOP], "Operations": [
            {"op": "replace", "path": "externalId", "value": "from-bulk"}]}},
        {"method": "POST", "path": "/Users", "bulkId": "a2", "data": {"schemas": [CORE], "userName": "x"}},
        {"method": "PATCH", "path": "/Users/bulkId:nope", "data": {"schemas": [PATCHOP], "Operations": []}},
        {"method": "POST", "path": "/Users", "bulkId": "a3", "data": user("bulk3@x.example", "S60003", "Bul", "Tres")},
    ]}
    js = ok(scim(t, "POST", "/Bulk", body, token=tok))
    st = [r["status"] for r in js["Operations"]]
    expect(st == ["201", "200", "400", "400", "201"], "statuses %r", js["Operations"])
    expect(js["Operations"][0]["bulkId"] == "a1" and "/Users/" in js["Operations"][0]["location"]
           and js["Operations"][2]["response"]["schemas"] == [ERROR], "answers %r", js["Operations"])
    expect(psql(t, "SELECT scim_external_id FROM people WHERE employee_number = 'S60001'") == "from-bulk",
           "the bulkId reference reached the created User")
    body["Operations"] = [dict(body["Operations"][2], bulkId="b%d" % i) for i in range(3)] + [
        {"method": "POST", "path": "/Users", "bulkId": "b9", "data": user("bulk9@x.example", "S60009")}]
    body["failOnErrors"] = 2
    js = ok(scim(t, "POST", "/Bulk", body, token=tok))
    expect(len(js["Operations"]) == 2, "stopped after 2 errors: %r", js["Operations"])
    expect(psql(t, "SELECT count(*) FROM people WHERE employee_number = 'S60009'") == "0", "nothing after the stop")
    scim_error(scim(t, "POST", "/Bulk", {"schemas": ["x"], "Operations": []}, token=tok), 400, "invalidSyntax")
    scim_error(scim(t, "POST", "/Bulk", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
                                         "Operations": [{"method": "DELETE", "path": "/Users/1"}] * 101}, token=tok),
               413, "tooMany")


# ------------------------------------------------------------------ refusals

def test_two_creates_of_one_user_name_at_once_file_one_hire(t):
    """Entra and Okta retry; two of their POSTs with one userName arrive together:
    one is created, the other is 409 uniqueness, and only one hire is filed."""
    import threading
    d, tok = t.daemon, hr(t)
    for round_ in range(4):
        name = "race%d@institucion.example" % round_
        nums = ["SR%d1" % round_, "SR%d2" % round_]
        results = {}

        def post(num):
            results[num] = scim(d, "POST", "/Users", user(name, num, given="Rosa", family="Carrera"), token=tok)
        threads = [threading.Thread(target=post, args=(n,)) for n in nums]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        statuses = sorted(results[n][0] for n in nums)
        expect(statuses == [201, 409], "round %d: two creates of %s answered %r", round_, name, statuses)
        loser = [n for n in nums if results[n][0] == 409][0]
        scim_error(results[loser], 409, "uniqueness")
        filed = psql(t, "SELECT count(*) FROM requests r JOIN people p ON p.id = r.person_id "
                        "WHERE p.employee_number IN ('%s', '%s')" % tuple(nums))
        expect(filed == "1", "round %d: %s hires filed for one userName (want 1)", round_, filed)


def test_malformed_requests_are_rfc_errors(t):
    tok = hr(t)
    u = ok(scim(t, "POST", "/Users", user("bad@x.example", "S70001", "Mal", "Formado"), token=tok), 201)
    path = "/Users/" + u["id"]
    scim_error(scim(t, "POST", "/Users", raw=b'{"schemas": [', token=tok), 400, "invalidSyntax")
    scim_error(scim(t, "POST", "/Users", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                                          "displayName": "g"}, token=tok), 400, "invalidSyntax")
    scim_error(scim(t, "POST", "/Users", {"userName": "noschemas"}, token=tok), 400, "invalidSyntax")
    b = user("new@x.example", "S70002")
    del b[ENT]["employeeNumber"]
    scim_error(scim(t, "POST", "/Users", b, token=tok), 400, "invalidValue", "employeeNumber")
    b = user("new@x.example", "S70002", unit="no-such-unit")
    scim_error(scim(t, "POST", "/Users", b, token=tok), 400, "invalidValue", "department")
    b = user("new@x.example", "S70002", colour="red")
    scim_error(scim(t, "POST", "/Users", b, token=tok), 400, "invalidValue", "colour")
    b = user("new@x.example", "S70002")
    b["active"] = "perhaps"
    scim_error(scim(t, "POST", "/Users", b, token=tok), 400, "invalidValue")
    b = user("new@x.example", "S70002")
    b["userName"] = 7
    scim_error(scim(t, "POST", "/Users", b, token=tok), 400, "invalidValue")
    for ops, typ in (([{"op": "replace", "path": "nickNameX", "value": "x"}], "invalidPath"),
                     ([{"op": "replace", "path": "emails[type eq work].value", "value": "x"}], "invalidPath"),
                     ([{"op": "replace", "path": PVD + ":colour", "value": "x"}], "invalidPath"),
                     ([{"op": "move", "path": "active", "value": False}], "invalidSyntax"),
                     ([{"op": "remove"}], "noTarget"),
                     ([{"op": "replace", "path": "id", "value": "9"}], "mutability"),
                     ([{"op": "replace", "path": PVD + ":uid", "value": "x"}], "mutability"),
                     ([{"op": "replace", "path": ENT + ":employeeNumber", "value": "S79999"}], "mutability"),
                     ([{"op": "replace", "path": "name.givenName", "value": "Otro"}], "mutability"),
                     ([{"op": "replace", "value": "not an object"}], "invalidSyntax"),
                     ([], "invalidSyntax")):
        scim_error(scim(t, "PATCH", path, {"schemas": [PATCHOP], "Operations": ops}, token=tok), 400, typ)
    scim_error(scim(t, "PATCH", path, {"Operations": [{"op": "replace", "path": "active", "value": False}]},
                    token=tok), 400, "invalidSyntax")
    scim_error(scim(t, "PATCH", path, {"schemas": [PATCHOP]}, token=tok), 400, "invalidSyntax")
    for bad in ("999999", "abc", "-1", "1;drop", "9" * 30):
        scim_error(scim(t, "GET", "/Users/" + bad, token=tok), 404)
        scim_error(scim(t, "PATCH", "/Users/" + bad, {"schemas": [PATCHOP], "Operations": [
            {"op": "replace", "path": "active", "value": False}]}, token=tok), 404)
    scim_error(scim(t, "GET", "/Users?startIndex=x", token=tok), 400, "invalidValue")
    scim_error(scim(t, "GET", "/Users?colour=red", token=tok), 400, "invalidValue")
    scim_error(scim(t, "GET", "/Nothing", token=tok), 404)
    scim_error(scim(t, "GET", "/Users"), 401)
    scim_error(scim(t, "GET", "/Users", token="pvd_not_a_token"), 401)
    scim_error(scim(t, "GET", "/Users", basic=EMPLOYEE), 403)
    scim_error(scim(t, "POST", "/Users", user("e@x.example", "S70009"), token=t.token("auditor")), 403)
    scim_error(scim(t, "PATCH", "/Users", {"schemas": [PATCHOP]}, token=tok), 405)
    st, hd, rb, js = t.request("POST", "/scim/v2/Users", raw=b"userName=x", token=tok,
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
    expect(st == 415 and hd["content-type"].startswith(SCIM_TYPE) and js["schemas"] == [ERROR], "415 %s %r", st, rb)
    # application/json is accepted as well
    st, _, _, js = t.request("POST", "/scim/v2/Users", body=user("json@x.example", "S70010"), token=tok)
    expect(st == 201, "application/json accepted: %s", st)
    scim_error(scim(t, "POST", "/Groups", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"]}, token=tok),
               501)
    g = ok(scim(t, "GET", "/Groups", token=tok))
    expect(g["totalResults"] == 0 and g["Resources"] == [], "no groups listed: %r", g)
    log = t.daemon.log_text()
    expect(" 500 " not in log, "no 500 in the log")


if __name__ == "__main__":
    main(globals())
