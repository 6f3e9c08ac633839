#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Access requests (the access security procedure) with the access-level,
ldap-group and db-role plugins against real slapd and PostgreSQL: a unit
head asks for access for a person of their unit; the head of TIM approves;
the plugins provision it; the person rejects it with a reason (something was
lost), it goes back to provisioning and is fixed; the person confirms; TIM
informs the unit head; every step is in the change log. The person uses the
application database with the level granted and nothing more; a revocation
takes it away; after the exit the connection is refused and the grants are
ended. Bad input: levels not in the catalogue, a person outside the unit
head's unit, revoking what the person does not hold, granting twice.

Run: python3 tests/integration/test_access.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ok, act, expect, expect_error, main  # noqa: E402
from harness import HR, HEAD, LEAD, TECH, TRIB_HEAD  # noqa: E402
from test_queue import ldap_admin, search, wait_state, hire_body, person_dn, plugin_conf  # noqa: E402
from test_dbrole import setup_app_db, as_person  # noqa: E402

PASSWORD = "Clave-de-acceso-1"


def catalogue_and_levels(stack):
    """The access catalogue and the access-level plugin instance (lvl)
    every access test configures."""
    base = stack.env.get("PVD_LDAP_BASE", "dc=example,dc=org")
    return {"access.tributario.title": "Sistema tributario",
            "access.tributario.levels": "read, write, admin",
            "access.network.levels": "internet-internal, internet-external, vpn, remote-desktop",
            "plugin.lvl.library": "access-level", "plugin.lvl.after": "acct",
            "plugin.lvl.uri": stack.ldapi_url(), "plugin.lvl.auth": "sasl_external",
            "plugin.lvl.levels_dn": "ou=access," + base,
            "plugin.lvl.people_dn": "ou=people," + base,
            "plugin.lvl.all": "network:internet-internal"}


def conf(t, **extra):
    s = setup_app_db(t)
    c = plugin_conf(t.stack,
                    **catalogue_and_levels(t.stack),
                    **{"workflow_auto_hire": "review verification report conclusion close",
                       "plugin.db.library": "db-role", "plugin.db.after": "acct",
                       "plugin.db.conninfo": s["app"], "plugin.db.system": "tributario",
                       "plugin.db.level.read": "tributario_read", "plugin.db.level.write": "tributario_write"})
    c.update(extra)
    return c


def hire(t, d, num, unit="tributaria", position="analista-tributario", given="Ana"):
    js = ok(d.request("POST", "/v1/hires", body=hire_body(num, given=given, family="Quiroga", unit=unit,
                                                          position=position), basic=HR), 201)
    wait_state(d, js["id"], "closed")
    uid = js["person"]["uid"]
    tok = ok(d.request("POST", "/v1/people/%s/password-token" % num, basic=TECH), 201)["token"]
    ok(d.request("POST", "/v1/password", body={"token": tok, "new_password": PASSWORD}))
    return uid


def members(t, cn):
    base = t.stack.env.get("PVD_LDAP_BASE", "dc=example,dc=org")
    ou = "groups" if cn in ("staff",) else "access"
    out = search(t.stack, "cn=%s,ou=%s,%s" % (cn, ou, base), "(objectClass=*)", "member", "pvdSystem", "pvdLevel")
    return out


def access(d, who, body, status=201):
    return d.request("POST", "/v1/access-requests", body=body, basic=who)


def test_access_request_cycle(t):
    with t.new_daemon(overrides=conf(t)) as d:
        cat = ok(d.request("GET", "/v1/access-catalogue", basic=TRIB_HEAD))
        expect({"system": "tributario", "title": "Sistema tributario", "levels": ["read", "write", "admin"]}
               in cat["systems"], "catalogue: %r", cat)
        uid = hire(t, d, "AC0001")
        dn = person_dn(t.stack, uid)
        # birthright: everyone browses the internal network; no application level yet
        expect(dn in members(t, "network-internet-internal"), "birthright level: %s",
               members(t, "network-internet-internal"))
        rc, out, err = as_person(t, uid, PASSWORD, "SELECT sum(monto) FROM tributos")
        expect(rc != 0 and "permission denied" in err, "no level, no data: %r %r", out, err)

        body = {"employee_number": "AC0001", "justification": "atenderá reclamos de contribuyentes",
                "grant": {"levels": [{"system": "tributario", "level": "read"}, {"system": "network", "level": "vpn"}]}}
        js = ok(access(d, TRIB_HEAD, body), 201)
        rid = js["id"]
        expect(js["type"] == "access" and js["state"] == "submitted" and js["submitted_role"] == "unit_head",
               "filed by the unit head: %r", js)
        expect_error(act(d, rid, "approve", TECH), 403)
        ok(act(d, rid, "approve", HEAD))
        js = wait_state(d, rid, "verification")
        outcomes = {o["instance"]: o["outcome"] for o in js["operations"]}
        expect(outcomes.get("lvl") == "ok" and outcomes.get("db") == "ok", "provisioned: %r", js["operations"])
        vpn = members(t, "network-vpn")
        expect(dn in vpn and "pvdSystem: network" in vpn and "pvdLevel: vpn" in vpn, "vpn level entry: %s", vpn)
        expect(dn in members(t, "tributario-read"), "tributario-read")
        rc, out, err = as_person(t, uid, PASSWORD, "SELECT sum(monto) FROM tributos")
        expect(rc == 0 and out == "30", "the read level reads: %r %r", out, err)
        rc, out, err = as_person(t, uid, PASSWORD, "INSERT INTO tributos (monto) VALUES (1)")
        expect(rc != 0 and "permission denied" in err, "and cannot write: %r", err)

        # something went wrong before the person checked: the VPN membership is gone
        base = t.stack.env.get("PVD_LDAP_BASE", "dc=example,dc=org")
        ldap_admin(t.stack, "ldapmodify", input_="dn: cn=network-vpn,ou=access,%s\nchangetype: modify\n"
                   "add: member\nmember: cn=placeholder\n-\ndelete: member\nmember: %s\n" % (base, dn))
        expect(dn not in members(t, "network-vpn"), "vpn membership lost")
        expect_error(act(d, rid, "reject", (uid, PASSWORD)), 400, "missing_field", "note")
        js = ok(act(d, rid, "reject", (uid, PASSWORD), note="la VPN no me deja entrar"))
        js = wait_state(d, rid, "verification")
        rejects = [s for s in js["steps"] if s["action"] == "reject"]
        expect(rejects and rejects[0]["note"] == "la VPN no me deja entrar" and rejects[0]["actor_role"] == "employee",
               "the reason is on the request: %r", rejects)
        expect(dn in members(t, "network-vpn"), "fixed by the second provisioning round")
        rounds = sorted({(o["round"], o["instance"], o["outcome"]) for o in js["operations"]})
        expect(("lvl", "ok") in [(i, o) for r, i, o in rounds if r == max(x[0] for x in rounds)],
               "the second round re-added the level: %r", rounds)
        ok(act(d, rid, "confirm", (uid, PASSWORD), note="ahora entro a la VPN y al tributario"))
        expect_error(act(d, rid, "approve", TECH), 400, "missing_field", "note")
        js = ok(act(d, rid, "approve", TECH, note="Accesos otorgados: tributario lectura y VPN."))
        expect(js["state"] == "closed" and js["conclusion"] == "Accesos otorgados: tributario lectura y VPN.",
               "closed with the note to the unit head: %r", js["state"])
        # the unit head sees their request and its conclusion
        js = ok(d.request("GET", "/v1/requests/%d" % rid, basic=TRIB_HEAD))
        expect(js["conclusion"].startswith("Accesos otorgados"), "unit head reads the conclusion")

        # every step is in the change log
        rows = t.stack.psql("SELECT system || ' ' || action || ' ' || outcome FROM changelog "
                            "WHERE request_id = %d ORDER BY changelog.seq" % rid).split("\n")
        # (a step's effects are logged before the step itself; the system
        # confirms provisioning when the plugins are done). The plugins of
        # one round run on parallel workers, so their order within a round
        # is free: each run of plugin rows is compared sorted.
        want = ["workflow access.submit ok", "workflow access.grant ok", "workflow access.approve ok",
                "db update ok", "lvl update ok", "workflow access.confirm ok", "workflow access.grant noop",
                "workflow access.reject ok", "db update noop", "lvl update ok", "workflow access.confirm ok",
                "workflow access.confirm ok", "workflow access.approve ok"]
        normal, run = [], []
        for row in [r.strip() for r in rows] + ["workflow end"]:
            if row.startswith("workflow "):
                normal += sorted(run) + [row]
                run = []
            else:
                run.append(row)
        pos = 0
        for row in normal:
            if pos < len(want) and row == want[pos]:
                pos += 1
        expect(pos == len(want), "change log has every step in order (stopped at %r): %r",
               want[pos] if pos < len(want) else None, rows)
        grant = t.stack.psql("SELECT after::text FROM changelog WHERE request_id = %d AND action = 'access.grant' "
                             "ORDER BY changelog.seq LIMIT 1" % rid)
        expect("tributario:read" in grant and "network:vpn" in grant, "grant recorded: %r", grant)
        person = ok(d.request("GET", "/v1/people/AC0001", basic=TECH))
        expect(sorted(g["name"] for g in person["access_grants"]) == ["network:vpn", "tributario:read"],
               "the person's grants: %r", person["access_grants"])

        # second request by TIM: write instead of VPN; read again is a NOOP, not an error
        body2 = {"employee_number": "AC0001", "justification": "registrará pagos",
                 "grant": {"levels": [{"system": "tributario", "level": "write"},
                                      {"system": "tributario", "level": "read"}]},
                 "revoke": {"levels": [{"system": "network", "level": "vpn"}]}}
        js = ok(access(d, LEAD, body2), 201)
        expect(js["submitted_role"] == "tim_lead", "filed by TIM: %r", js["submitted_role"])
        ok(act(d, js["id"], "approve", HEAD))
        wait_state(d, js["id"], "verification")
        expect(dn not in members(t, "network-vpn"), "vpn revoked")
        rc, out, err = as_person(t, uid, PASSWORD, "INSERT INTO tributos (monto) VALUES (7) RETURNING monto")
        expect(rc == 0 and out == "7", "write level writes: %r %r", out, err)
        ok(act(d, js["id"], "confirm", (uid, PASSWORD)))
        ok(act(d, js["id"], "approve", HEAD, note="VPN retirada, escritura otorgada"))
        person = ok(d.request("GET", "/v1/people/AC0001", basic=TECH))
        expect(sorted(g["name"] for g in person["access_grants"]) == ["tributario:read", "tributario:write"],
               "grants after the second request: %r", person["access_grants"])
        revoked = t.stack.psql("SELECT count(*) FROM access_grants WHERE name = 'network:vpn' "
                               "AND revoked_request_id = %d" % js["id"]).strip()
        expect(revoked == "1", "the revoked grant is kept as history: %r", revoked)

        # the exit: connection refused, every grant ended, an access request refused
        ex = ok(d.request("POST", "/v1/exits", body={"employee_number": "AC0001",
                                                      "effective_at": "2026-01-01T00:00:00Z", "reason": "renuncia"},
                          basic=HR), 201)
        ok(act(d, ex["id"], "approve", HEAD))
        wait_state(d, ex["id"], "report_review")
        rc, out, err = as_person(t, uid, PASSWORD, "SELECT 1")
        expect(rc != 0, "a departed person cannot connect: %r", out)
        expect(dn not in members(t, "tributario-write"), "levels removed on exit")
        person = ok(d.request("GET", "/v1/people/AC0001", basic=TECH))
        expect(person["access_grants"] == [], "grants ended by the exit: %r", person["access_grants"])
        ended = t.stack.psql("SELECT before::text FROM changelog WHERE request_id = %d AND action = 'access.end_all'"
                             % ex["id"])
        expect("tributario:write" in ended, "ended grants recorded: %r", ended)
        expect_error(access(d, HEAD, body), 409, "conflict", "employee_number", "only to active people")


def test_bad_access_requests(t):
    with t.new_daemon(overrides=conf(t)) as d:
        hire(t, d, "AC0101", given="Beto")
        hire(t, d, "AC0102", unit="control", position="auditor-interno", given="Carla")

        def body(**kw):
            b = {"employee_number": "AC0101", "justification": "x",
                 "grant": {"levels": [{"system": "tributario", "level": "read"}]}}
            b.update(kw)
            return b
        expect_error(access(d, TRIB_HEAD, body(grant={"levels": [{"system": "tributario", "level": "delete"}]})),
                     400, "invalid_field", "grant.levels[0]", "no level 'delete'; its levels: read, write, admin")
        expect_error(access(d, TRIB_HEAD, body(grant={"levels": [{"system": "read", "level": "x"}]})),
                     400, "invalid_field", "grant.levels[0]", "unknown system 'read'")
        expect_error(access(d, TRIB_HEAD, body(grant={"levels": ["tributario:read"]})), 400, "invalid_field",
                     "grant.levels[0]")
        expect_error(access(d, TRIB_HEAD, body(grant={"groups": ["no-such-group"]})), 400, "invalid_field",
                     "grant.groups[0]", "unknown group 'no-such-group'")
        expect_error(access(d, TRIB_HEAD, body(grant={})), 400, "missing_field", "grant")
        expect_error(access(d, TRIB_HEAD, body(justification="")), 400)
        expect_error(access(d, TRIB_HEAD, body(colour="red")), 400)
        expect_error(access(d, TRIB_HEAD, body(revoke={"levels": [{"system": "tributario", "level": "read"}]})),
                     400, "invalid_field", "revoke", "both granted and revoked")
        # revoking what the person does not hold (through a request)
        expect_error(access(d, TRIB_HEAD, body(grant=None, revoke={"levels": [{"system": "tributario",
                                                                               "level": "write"}]})),
                     409, "conflict", "revoke", "holds no level 'tributario:write'")
        # a unit head asks only for the people of their unit; TIM for anyone
        expect_error(access(d, TRIB_HEAD, body(employee_number="AC0102")), 403, "forbidden", "employee_number",
                     "AC0102 is not one of them")
        expect_error(access(d, HR, body()), 403)
        # the same answer for someone who does not exist: nothing is told about them
        expect_error(access(d, TRIB_HEAD, body(employee_number="NOBODY")), 403, "forbidden", "employee_number",
                     "NOBODY is not one of them")
        n = t.stack.psql("SELECT count(*) FROM requests r JOIN people p ON p.id = r.person_id "
                         "WHERE r.type = 'access' AND p.employee_number IN ('AC0101', 'AC0102')").strip()
        expect(n == "0", "nothing written by refused requests: %r", n)
        js = ok(access(d, TECH, body(employee_number="AC0102")), 201)
        # one open access request per person at a time
        expect_error(access(d, TECH, body(employee_number="AC0102")), 409, "conflict", "employee_number")
        # the head of another unit neither cancels nor resubmits it: for
        # them it does not exist (the same 404 as for a request that does not)
        expect_error(act(d, js["id"], "cancel", TRIB_HEAD), 404, "not_found")
        # nor a request they filed once the person is of another unit (a
        # transfer, here written straight to the record): not even offered
        own = ok(access(d, TRIB_HEAD, body()), 201)
        seen = ok(d.request("GET", "/v1/requests/%d" % own["id"], basic=TRIB_HEAD))
        expect("cancel" in seen["your_actions"], "offered while of their unit: %r", seen["your_actions"])
        t.stack.psql("UPDATE people SET unit = 'control' WHERE employee_number = 'AC0101'")
        try:
            seen = ok(d.request("GET", "/v1/requests/%d" % own["id"], basic=TRIB_HEAD))
            expect("cancel" not in seen["your_actions"], "not offered after: %r", seen["your_actions"])
            expect_error(act(d, own["id"], "cancel", TRIB_HEAD), 403, "forbidden", "employee_number",
                         "AC0101 is not one of them")
        finally:
            t.stack.psql("UPDATE people SET unit = 'tributaria' WHERE employee_number = 'AC0101'")
        ok(act(d, own["id"], "cancel", TRIB_HEAD))
        # returned and resubmitted with a correction; a resubmission is checked like a new one
        ok(act(d, js["id"], "return", HEAD, note="¿lectura o escritura?"))
        expect_error(act(d, js["id"], "cancel", TRIB_HEAD), 404, "not_found")
        expect_error(d.request("POST", "/v1/requests/%d/resubmit" % js["id"], basic=TRIB_HEAD,
                               body={"data": body(employee_number="AC0102")}), 404, "not_found")
        expect_error(d.request("POST", "/v1/requests/%d/resubmit" % js["id"], basic=TECH, body={"data": body(
            employee_number="AC0102", grant={"levels": [{"system": "tributario", "level": "root"}]})}),
            400, "invalid_field", "data.grant.levels[0]")
        ok(d.request("POST", "/v1/requests/%d/resubmit" % js["id"], basic=TECH, body={"data": body(
            employee_number="AC0102", grant={"levels": [{"system": "tributario", "level": "write"}]})}))
        ok(act(d, js["id"], "approve", HEAD))
        wait_state(d, js["id"], "verification")
        # rollback is not possible once provisioning is done; a rejected-then-rolled-back request is
        rej = ok(act(d, js["id"], "reject", TECH, note="nivel equivocado"))
        expect(rej["state"] in ("provisioning", "verification"), "back to provisioning: %r", rej["state"])


def test_a_level_gone_from_the_catalogue_is_a_conflict_at_approval(t):
    """Filed while the catalogue had the level; approved after a new
    configuration dropped it: 409 naming the level, the request stays
    where it was, nothing granted; returned and corrected it goes on."""
    with t.new_daemon(overrides=conf(t)) as d:
        hire(t, d, "AC0201", given="Dora")
        js = ok(access(d, TRIB_HEAD, {"employee_number": "AC0201", "justification": "administra el tributario",
                                      "grant": {"levels": [{"system": "tributario", "level": "admin"}]}}), 201)
    with t.new_daemon(overrides=conf(t, **{"access.tributario.levels": "read, write"})) as d:
        expect_error(act(d, js["id"], "approve", HEAD), 409, "conflict", "grant", "no level 'admin'")
        again = ok(d.request("GET", "/v1/requests/%d" % js["id"], basic=HEAD))
        expect(again["state"] == "submitted", "still submitted: %s", again["state"])
        n = t.stack.psql("SELECT count(*) FROM access_grants WHERE granted_request_id = %d" % js["id"]).strip()
        expect(n == "0", "nothing granted: %s", n)
        ok(act(d, js["id"], "return", HEAD, note="el nivel admin ya no existe"))
        ok(d.request("POST", "/v1/requests/%d/resubmit" % js["id"], basic=TRIB_HEAD, body={"data": {
            "employee_number": "AC0201", "justification": "registra pagos",
            "grant": {"levels": [{"system": "tributario", "level": "write"}]}}}))
        ok(act(d, js["id"], "approve", HEAD))
        wait_state(d, js["id"], "verification")


if __name__ == "__main__":
    main(globals())
