#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The plugin host and the durable queue with the ldap-account and ldap-group
plugins, against real slapd (memberof, refint, ppolicy) and PostgreSQL:
hire -> account and groups exist and the person can bind with the password
they set; exit -> bind refused, groups removed and recorded; a crash between
the LDAP write and the commit; slapd down during a batch of 200 hires; two
daemons on one queue; failed operations, retry and resolve; the dry run;
broken and foreign-ABI plugins.

Run: python3 tests/integration/test_queue.py
"""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (letters, ok, act, BUILDDIR, DAEMON_BIN, REPO, TestFailure, expect, expect_error, main,  # noqa: E402
                     wait_until)
from harness import HR, HEAD, LEAD, TECH  # noqa: E402


_seq = [0]


def plugin_conf(stack, **extra):
    base = stack.env.get("PVD_LDAP_BASE", "dc=example,dc=org")
    conf = {
        "plugin_dir": os.path.join(BUILDDIR, "plugins"),
        "queue_workers": "2",
        "queue_lease_seconds": "3",
        "queue_backoff_base": "1",
        "queue_backoff_max": "2",
        "queue_max_attempts": "200",
        "plugin.acct.library": "ldap-account",
        "plugin.acct.uri": stack.ldapi_url(),
        "plugin.acct.auth": "sasl_external",
        "plugin.acct.people_dn": "ou=people," + base,
        "plugin.grp.library": "ldap-group",
        "plugin.grp.after": "acct",
        "plugin.grp.uri": stack.ldapi_url(),
        "plugin.grp.auth": "sasl_external",
        "plugin.grp.groups_dn": "ou=groups," + base,
        "plugin.grp.people_dn": "ou=people," + base,
        "plugin.grp.unit.tributaria": "tributaria, tributario-users",
        "plugin.grp.unit.tim": "tim",
        "plugin.grp.all": "staff",
    }
    conf.update(extra)
    return conf


def number():
    _seq[0] += 1
    return "Q%05d" % _seq[0]



def hire_body(num, given="Lucía", family="Fernández", unit="tributaria", position="analista-tributario"):
    return {"employee_number": num, "national_id": "CI-" + num, "given_names": given,
            "family_names": family, "unit": unit, "position": position,
            "contract_type": "staff", "start_date": "2026-12-01"}




def wait_state(d, rid, states, timeout=30, who=HEAD):
    if isinstance(states, str):
        states = (states,)
    last = {}

    def reached():
        js = ok(d.request("GET", "/v1/requests/%d" % rid, basic=who))
        last["js"] = js
        return js["state"] in states
    try:
        wait_until(reached, timeout, interval=0.1, what="request %d to reach %s" % (rid, "/".join(states)))
    except TestFailure:
        js = last.get("js") or {}
        raise TestFailure("request %d stuck in %s (provisioning %s, round %s); operations %r; tasks %r; "
                          "steps %r; log:\n%s" % (
                              rid, js.get("state"), js.get("provisioning_mode"), js.get("round"),
                              js.get("operations"), js.get("tasks"),
                              [(s.get("action"), s.get("to_state"), s.get("actor")) for s in js.get("steps") or []],
                              d.log_tail(30)))
    return last["js"]


def close_from_report(d, rid):
    ok(act(d, rid, "approve", LEAD))
    ok(act(d, rid, "approve", HEAD, note="concluido"))
    ok(act(d, rid, "confirm", HR))


def ldap_admin(stack, *args, input_=None, check=True):
    env = stack.env
    pw = open(env["PVD_LDAP_ADMIN_PW_FILE"]).read().strip()
    cmd = [args[0], "-x", "-H", stack.ldapi_url(), "-D", env["PVD_LDAP_ADMIN_DN"], "-w", pw] + list(args[1:])
    p = subprocess.run(cmd, input=input_.encode() if input_ else None, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if check and p.returncode != 0:
        raise TestFailure("%s failed (%d): %s" % (args[0], p.returncode, p.stderr.decode()))
    return p.stdout.decode()


def search(stack, base, filt, *attrs):
    return ldap_admin(stack, "ldapsearch", "-LLL", "-o", "ldif-wrap=no", "-b", base, filt, *attrs)


def can_bind(stack, dn, password):
    p = subprocess.run(["ldapwhoami", "-x", "-H", stack.ldapi_url(), "-D", dn, "-w", password],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode


def person_dn(stack, uid):
    return "uid=%s,ou=people,%s" % (uid, stack.env.get("PVD_LDAP_BASE", "dc=example,dc=org"))


def hr_token(t, d):
    key = ("hr", d.name)
    if key not in t._tokens:
        t._tokens[key] = d.create_token("hr", "hr-%s" % d.name)
        t.secrets.append(t._tokens[key])
    return t._tokens[key]


def new_daemon(t, **extra):
    return t.new_daemon(overrides=plugin_conf(t.stack, **extra))


# ------------------------------------------------------------------ hire and exit

def test_hire_creates_account_and_groups_and_bind_works(t):
    with new_daemon(t) as d:
        st, hd, body, health = d.request("GET", "/v1/health")
        expect(st == 200 and health["plugins"]["acct"]["status"] == "up"
               and health["plugins"]["grp"]["status"] == "up", "health with plugins %s %r", st, health)
        num = number()
        js = ok(d.request("POST", "/v1/hires", body=hire_body(num, "José", "Núñez Peña"), basic=HR), 201)
        rid = js["id"]
        plan = ok(d.request("GET", "/v1/requests/%d/plan" % rid, basic=HEAD))
        expect([(p["instance"], p["status"]) for p in plan["plan"]] == [("acct", "ok"), ("grp", "ok")],
               "the plan says what would change: %r", plan["plan"])
        uid = js["person"]["uid"]
        dn = person_dn(t.stack, uid)
        out = ldap_admin(t.stack, "ldapsearch", "-LLL", "-b", dn, "-s", "base", "(objectClass=*)", check=False)
        expect("uid:" not in out, "the dry run wrote nothing: %r", out)

        js = ok(act(d, rid, "approve", HEAD))
        expect(js["provisioning_mode"] == "queued", "queued provisioning %r", js["provisioning_mode"])
        js = wait_state(d, rid, "verification")
        ops = {o["instance"]: o for o in js["operations"]}
        expect(ops["acct"]["state"] == "done" and ops["acct"]["outcome"] == "ok"
               and ops["grp"]["state"] == "done", "operations %r", js["operations"])
        expect(js["person"]["status"] == "active", "active after provisioning: %r", js["person"]["status"])
        entry = search(t.stack, dn, "(objectClass=*)", "uid", "uidNumber", "mail", "employeeNumber",
                       "objectClass", "memberOf", "pvdManaged")
        for want in ("uid: %s" % uid, "uidNumber: %d" % js["person"]["uid_number"], "employeeNumber: %s" % num,
                     "objectClass: posixAccount", "objectClass: shadowAccount", "pvdManaged: TRUE",
                     "memberOf: cn=tributaria,", "memberOf: cn=staff,"):
            expect(want in entry, "entry lacks %r:\n%s", want, entry)

        # the person sets a password with a one-time token and can then bind
        tok = ok(d.request("POST", "/v1/people/%s/password-token" % num, basic=TECH), 201)
        t.secrets.append(tok["token"])
        expect_error(d.request("POST", "/v1/password", body={"token": tok["token"], "new_password": "short"}),
                     400, "invalid_field", "new_password")
        ok(d.request("POST", "/v1/password", body={"token": tok["token"], "new_password": "Un-secreto-largo-1"}))
        t.secrets.append("Un-secreto-largo-1")
        expect_error(d.request("POST", "/v1/password", body={"token": tok["token"], "new_password": "Otro-secreto-2x"}),
                     403, "forbidden", "token")
        expect(can_bind(t.stack, dn, "Un-secreto-largo-1") == 0, "the new person cannot bind")
        st, hd, body, who = d.request("GET", "/v1/whoami", basic=(uid, "Un-secreto-largo-1"))
        expect(st == 200 and who["roles"] == ["employee"], "the person signs in to the API: %s %r", st, who)

        # the person verifies their own access; the report lists what plugins did
        ok(act(d, rid, "confirm", (uid, "Un-secreto-largo-1"), note="todo funciona"))
        rep = ok(d.request("GET", "/v1/requests/%d/report" % rid, basic=LEAD))
        systems = [(o["system"], o["action"], o["outcome"]) for o in rep["operations"]]
        expect(("acct", "create", "ok") in systems and ("grp", "create", "ok") in systems, "report %r", systems)
        acct = [o for o in rep["operations"] if o["system"] == "acct"][0]
        expect(acct["object"] == dn and acct["after"] and acct["before"] is None,
               "before/after recorded for the account: %r", acct)
        expect("userPassword" not in str(acct["after"]), "no password in the change log")
        close_from_report(d, rid)

        # exit: disabled, never deleted; groups removed and recorded
        js = ok(d.request("POST", "/v1/exits", body={"employee_number": num, "effective_at": "2026-01-01T00:00:00Z",
                                                      "reason": "fin"}, basic=HR), 201)
        erid = js["id"]
        ok(act(d, erid, "approve", HEAD))
        js = wait_state(d, erid, "report_review")
        expect(js["person"]["status"] == "disabled", "disabled %r", js["person"]["status"])
        expect(can_bind(t.stack, dn, "Un-secreto-largo-1") == 49, "a departed person's bind must be refused (49)")
        entry = search(t.stack, dn, "(objectClass=*)", "uid", "pwdAccountLockedTime", "shadowExpire", "memberOf")
        expect("uid: %s" % uid in entry and "pwdAccountLockedTime" in entry and "memberOf" not in entry,
               "disabled, not deleted, no groups:\n%s", entry)
        rows = t.stack.psql("SELECT system, action, before::text FROM changelog WHERE request_id = %d "
                            "AND system = 'grp'" % erid)
        expect("tributaria" in rows and "staff" in rows, "removed memberships are recorded: %r", rows)
        st, _, _, _ = d.request("GET", "/v1/whoami", basic=(uid, "Un-secreto-largo-1"))
        expect(st == 401, "a departed person cannot sign in to the API: %s", st)
        close_from_report(d, erid)

        # rehire: same uid, account enabled again
        js = ok(d.request("POST", "/v1/hires", body=hire_body(num, "José", "Núñez Peña", unit="tim",
                                                             position="tecnico-soporte"), basic=HR), 201)
        ok(act(d, js["id"], "approve", HEAD))
        js = wait_state(d, js["id"], "verification")
        expect(js["person"]["uid"] == uid, "same uid on rehire")
        expect(can_bind(t.stack, dn, "Un-secreto-largo-1") == 0, "a rehired person can bind again")
        entry = search(t.stack, dn, "(objectClass=*)", "memberOf")
        expect("cn=tim," in entry and "cn=tributaria," not in entry, "rehire gets the new unit's groups:\n%s", entry)


def test_conflict_is_dead_and_resolved_by_tim(t):
    base = t.stack.env.get("PVD_LDAP_BASE", "dc=example,dc=org")
    with new_daemon(t) as d:
        num = number()
        # someone created this login by hand: not ours, never overwritten
        ldap_admin(t.stack, "ldapadd", input_=(
            "dn: uid=rosa.vaca,ou=people,%s\nobjectClass: inetOrgPerson\nuid: rosa.vaca\ncn: Rosa Vaca\n"
            "sn: Vaca\ndescription: made by hand\n" % base))
        js = ok(d.request("POST", "/v1/hires", body=hire_body(num, "Rosa", "Vaca"), basic=HR), 201)
        rid = js["id"]
        ok(act(d, rid, "approve", HEAD))

        def dead():
            js = ok(d.request("GET", "/v1/requests/%d" % rid, basic=HEAD))
            return [o for o in js["operations"] if o["state"] == "dead"]
        wait_until(lambda: dead(), 20, what="the conflicting operation to fail")
        op = dead()[0]
        expect(op["instance"] == "acct" and op["outcome"] == "conflict", "conflict %r", op)
        js = ok(d.request("GET", "/v1/requests/%d" % rid, basic=HEAD))
        expect(js["state"] == "provisioning", "the request waits, nothing silently half-done: %r", js["state"])
        grp = [o for o in js["operations"] if o["instance"] == "grp"][0]
        expect(grp["state"] == "pending" and grp["attempts"] == 0, "groups wait for the account: %r", grp)
        entry = search(t.stack, "uid=rosa.vaca,ou=people," + base, "(objectClass=*)", "description")
        expect("made by hand" in entry, "the foreign entry is untouched")
        q = ok(d.request("GET", "/v1/queue", basic=TECH))
        expect(any(f["id"] == op["id"] for f in q["failed"]) and q["dead"] >= 1, "queue shows the failure %r", q)
        expect_error(d.request("GET", "/v1/queue", basic=HR), 403, "forbidden")
        expect_error(d.request("POST", "/v1/operations/%d/resolve" % op["id"], body={}, basic=TECH),
                     400, "missing_field", "note")
        expect_error(d.request("POST", "/v1/operations/%d/retry" % op["id"], body={}, basic=HEAD), 403, "forbidden")
        # retry: still a conflict
        ok(d.request("POST", "/v1/operations/%d/retry" % op["id"], body={}, basic=TECH))
        wait_until(lambda: dead(), 20, what="the retried operation to fail again")
        # TIM fixes it by hand and resolves: the rest runs, the request moves on
        ldap_admin(t.stack, "ldapmodify", input_=(
            "dn: uid=rosa.vaca,ou=people,%s\nchangetype: modify\nadd: objectClass\nobjectClass: pvdPerson\n"
            "-\nadd: pvdManaged\npvdManaged: TRUE\n" % base))
        ok(d.request("POST", "/v1/operations/%d/resolve" % dead()[0]["id"],
                     body={"note": "la cuenta existente fue adoptada"}, basic=TECH))
        js = wait_state(d, rid, "verification")
        rows = t.stack.psql("SELECT actor, outcome FROM changelog WHERE request_id = %d AND system = 'acct' "
                            "ORDER BY seq" % rid)
        expect("conflict" in rows or "failed" in rows, "the failure is in the change log: %r", rows)
        expect("tim.flores|resolved" in rows, "the resolution is in the change log: %r", rows)


def test_rollback_after_a_permanent_failure(t):
    base = t.stack.env.get("PVD_LDAP_BASE", "dc=example,dc=org")
    # the groups plugin points at a folder that does not exist: it fails for good
    with new_daemon(t, **{"plugin.grp.groups_dn": "ou=nowhere," + base}) as d:
        num = number()
        js = ok(d.request("POST", "/v1/hires", body=hire_body(num, "Rolo", "Atrás"), basic=HR), 201)
        rid, uid = js["id"], js["person"]["uid"]
        ok(act(d, rid, "approve", HEAD))

        def ops():
            return {o["instance"]: o for o in ok(d.request("GET", "/v1/requests/%d" % rid, basic=HEAD))["operations"]}
        wait_until(lambda: ops().get("grp", {}).get("state") == "dead", 20, what="the group operation to fail")
        o = ops()
        expect(o["acct"]["state"] == "done" and o["acct"]["outcome"] == "ok", "the account was made: %r", o)
        js = ok(d.request("GET", "/v1/requests/%d" % rid, basic=HEAD))
        expect(js["state"] == "provisioning", "half-done is visible, not hidden: %r", js["state"])
        expect_error(act(d, rid, "rollback", HEAD), 400, "missing_field", "note")
        expect_error(act(d, rid, "rollback", TECH, note="x"), 403, "forbidden")
        js = ok(act(d, rid, "rollback", HEAD, note="el área de grupos no existe; se deshace el alta"))
        expect(js["state"] == "rolling_back", "rolling back %r", js["state"])
        # the broken groups instance cannot undo either: TIM resolves that step by hand
        wait_until(lambda: any(o["round"] == 2 and o["instance"] == "grp" and o["state"] == "dead"
                               for o in ok(d.request("GET", "/v1/requests/%d" % rid, basic=HEAD))["operations"]),
                   20, what="the groups undo to fail as well")
        dead = [o for o in ok(d.request("GET", "/v1/requests/%d" % rid, basic=HEAD))["operations"]
                if o["round"] == 2 and o["state"] == "dead"][0]
        ok(d.request("POST", "/v1/operations/%d/resolve" % dead["id"],
                     body={"note": "no group memberships were ever made"}, basic=TECH))
        js = wait_state(d, rid, "cancelled")
        rounds = [(o["round"], o["instance"], o["intent"], o["state"], o["outcome"]) for o in js["operations"]]
        expect((1, "grp", "create", "dead", "cancelled") in rounds and (2, "acct", "disable", "done", "ok") in rounds,
               "the undo disabled the account and abandoned the failed step: %r", rounds)
        entry = search(t.stack, person_dn(t.stack, uid), "(objectClass=*)", "pwdAccountLockedTime")
        expect("pwdAccountLockedTime" in entry, "the account is disabled, not deleted:\n%s", entry)
        q = ok(d.request("GET", "/v1/queue", basic=TECH))
        expect(all(f["request_id"] != rid for f in q["failed"]), "abandoned operations are not failures to fix")
        expect(js["person"]["status"] == "pending", "the person was never activated: %r", js["person"]["status"])


def test_grace_setting_keeps_memberships_on_exit(t):
    with new_daemon(t, **{"plugin.grp.on_exit": "keep"}) as d:
        num = number()
        js = ok(d.request("POST", "/v1/hires", body=hire_body(num, "Gracia", "Plazo"), basic=HR), 201)
        rid, uid = js["id"], js["person"]["uid"]
        ok(act(d, rid, "approve", HEAD))
        wait_state(d, rid, "verification")
        ok(act(d, rid, "confirm", TECH, note="ok"))
        close_from_report(d, rid)
        js = ok(d.request("POST", "/v1/exits", body={"employee_number": num, "effective_at": "2026-01-01T00:00:00Z",
                                                      "reason": "fin"}, basic=HR), 201)
        ok(act(d, js["id"], "approve", HEAD))
        js = wait_state(d, js["id"], "report_review")
        expect([o["instance"] for o in js["operations"]] == ["acct"], "only the account is disabled: %r",
               js["operations"])
        entry = search(t.stack, person_dn(t.stack, uid), "(objectClass=*)", "pwdAccountLockedTime", "memberOf")
        expect("pwdAccountLockedTime" in entry and "memberOf: cn=tributaria," in entry,
               "disabled, memberships kept:\n%s", entry)
        rec = ok(d.request("GET", "/v1/reconcile?employee_number=%s" % num, basic=TECH))
        expect(rec["drift"] == 0, "kept memberships are not drift: %r", rec)
    d = new_daemon(t, **{"plugin.grp.on_exit": "forever"})
    p = subprocess.run([DAEMON_BIN, "-c", d.write_config(), "--check-config"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    expect(p.returncode == 1 and b"on_exit" in p.stderr, "bad on_exit refused: %r", p.stderr)


def test_crash_between_ldap_write_and_commit(t):
    d = new_daemon(t, queue_workers="1")
    os.environ["PROVISIOND_TEST_CRASH_AFTER_APPLY"] = "acct"
    try:
        d.start()
    finally:
        del os.environ["PROVISIOND_TEST_CRASH_AFTER_APPLY"]
    try:
        num = number()
        js = ok(d.request("POST", "/v1/hires", body=hire_body(num, "Kiko", "Crash"), basic=HR), 201)
        rid = js["id"]
        try:
            ok(act(d, rid, "approve", HEAD))
        except OSError:
            pass    # the worker may kill the daemon before the approval's answer is sent
        wait_until(lambda: not d.alive(), 20, what="the daemon to die after the LDAP write")
        expect(t.stack.psql("SELECT state FROM requests WHERE id = %d" % rid).strip() == "provisioning",
               "the approval was committed before the crash")
        uid = js["person"]["uid"]
        entry = search(t.stack, person_dn(t.stack, uid), "(objectClass=*)", "uid")
        expect("uid: %s" % uid in entry, "the LDAP write happened before the crash")
        row = t.stack.psql("SELECT state FROM operations WHERE request_id = %d AND instance = 'acct'" % rid).strip()
        expect(row == "running", "the operation was not committed: %r", row)
        d.start()   # without the crash switch; the lease expires and the work runs again
        js = wait_state(d, rid, "verification", timeout=40)
        acct = [o for o in js["operations"] if o["instance"] == "acct"][0]
        expect(acct["outcome"] == "noop" and acct["attempts"] == 2,
               "redelivery finds the work done: %r", acct)
        n = search(t.stack, "ou=people," + t.stack.env.get("PVD_LDAP_BASE", "dc=example,dc=org"),
                   "(uid=%s)" % uid, "dn").count("dn:")
        expect(n == 1, "exactly one entry, not %d", n)
    finally:
        d.stop(expect_status=None) if d.alive() else None


def test_slapd_down_during_200_hires(t):
    auto = "verification, report, conclusion, close"
    with new_daemon(t, workflow_auto_hire=auto, queue_workers="4") as d:
        tok = hr_token(t, d)
        # made by a person (admin.vargas) while the directory is up: the
        # operator behind the command-line hr token may not approve what
        # it files (separation of duties counts people, not tokens)
        head = ok(d.request("POST", "/v1/tokens", body={"name": "head-%s" % d.name, "role": "tim_head"},
                            basic=("admin.vargas", "dev-password")), 201)["token"]
        t.secrets.append(head)
        ids = []
        for i in range(200):
            js = ok(d.request("POST", "/v1/hires", body=hire_body(number(), "Ana", "Batch" + letters(i)), token=tok), 201)
            ids.append(js["id"])
        # slapd goes away while the batch is approved and provisioned
        t.stack.stop_ldap()
        try:
            for rid in ids:
                ok(d.request("POST", "/v1/requests/%d/approve" % rid, token=head))
            time.sleep(3)
            lst = ",".join(map(str, ids))
            retrying = int(t.stack.psql("SELECT count(*) FROM operations WHERE request_id = ANY('{%s}'::bigint[]) "
                                        "AND state = 'pending' AND attempts > 0" % lst).strip())
            expect(retrying > 0, "operations wait for slapd (RETRY with backoff)")
            expect(int(t.stack.psql("SELECT count(*) FROM operations WHERE state = 'dead' AND request_id = "
                                    "ANY('{%s}'::bigint[])" % lst).strip()) == 0,
                   "nothing is given up while slapd is down")
        finally:
            t.stack.start_ldap()

        def all_closed():
            n = t.stack.psql("SELECT count(*) FROM requests WHERE id = ANY('{%s}'::bigint[]) AND state = 'closed'"
                             % lst).strip()
            return int(n) == 200
        try:
            wait_until(all_closed, 180, interval=0.5, what="200 hires to complete after slapd came back")
        except TestFailure:
            raise TestFailure("%s\n%s" % (t.stack.psql(
                "SELECT state, outcome, count(*) FROM operations GROUP BY 1, 2"), d.log_tail(20)))
        dups = t.stack.psql("SELECT request_id, system, count(*) FROM changelog WHERE request_id = "
                            "ANY('{%s}'::bigint[]) AND system IN ('acct', 'grp') GROUP BY 1, 2 HAVING count(*) > 1"
                            % lst).strip()
        expect(dups == "", "every operation recorded once: %r", dups)
        n = int(search(t.stack, "ou=people," + t.stack.env.get("PVD_LDAP_BASE", "dc=example,dc=org"),
                       "(sn=Batch*)", "dn").count("dn:"))
        expect(n == 200, "200 accounts in the directory, found %d", n)


def test_two_daemons_share_the_queue(t):
    auto = "review, verification, report, conclusion, close"
    with new_daemon(t, workflow_auto_hire=auto, queue_workers="2") as d1, \
            new_daemon(t, workflow_auto_hire=auto, queue_workers="2") as d2:
        tok = hr_token(t, d1)
        ids = []
        for i in range(60):
            d = d1 if i % 2 else d2
            js = ok(d.request("POST", "/v1/hires", body=hire_body(number(), "Dos", "Demonios" + letters(i)), token=tok), 201)
            ids.append(js["id"])
        lst = ",".join(map(str, ids))

        def done():
            return int(t.stack.psql("SELECT count(*) FROM requests WHERE id = ANY('{%s}'::bigint[]) "
                                    "AND state = 'closed'" % lst).strip()) == 60
        wait_until(done, 90, interval=0.3, what="60 hires through two daemons")
        rows = t.stack.psql("SELECT attempts, outcome, count(*) FROM operations WHERE request_id = "
                            "ANY('{%s}'::bigint[]) GROUP BY 1, 2" % lst).strip().splitlines()
        expect(rows == ["1|ok|120"], "every operation ran exactly once, first time, with ok: %r", rows)
        workers = d1.log_text().count("operation ") > 0 and d2.log_text().count("operation ") > 0
        expect(workers, "both daemons worked the queue")


def test_reconcile_reports_and_repairs_drift(t):
    base = t.stack.env.get("PVD_LDAP_BASE", "dc=example,dc=org")
    with new_daemon(t) as d:
        num = number()
        js = ok(d.request("POST", "/v1/hires", body=hire_body(num, "Drift", "Mano", unit="tim",
                                                             position="tecnico-soporte"), basic=HR), 201)
        rid, uid = js["id"], js["person"]["uid"]
        dn = person_dn(t.stack, uid)
        ok(act(d, rid, "approve", HEAD))
        wait_state(d, rid, "verification")
        rec = ok(d.request("GET", "/v1/reconcile?employee_number=%s" % num, basic=TECH))
        expect(rec["drift"] == 0 and rec["items"] == [], "freshly provisioned is in sync: %r", rec)
        # a membership added outside the workflow, in a group the rules manage
        present = "dn:" in search(t.stack, "ou=groups," + base, "(cn=tributaria)", "dn")
        if present:
            ldap_admin(t.stack, "ldapmodify", input_="dn: cn=tributaria,ou=groups,%s\nchangetype: modify\n"
                       "add: member\nmember: %s\n" % (base, dn))
        else:
            ldap_admin(t.stack, "ldapadd", input_="dn: cn=tributaria,ou=groups,%s\nobjectClass: groupOfNames\n"
                       "objectClass: pvdManagedObject\ncn: tributaria\npvdManaged: TRUE\nmember: %s\n" % (base, dn))
        rec = ok(d.request("GET", "/v1/reconcile?employee_number=%s" % num, basic=control()))
        items = [(i["instance"], i["kind"], i["status"]) for i in rec["items"]]
        expect(items == [("grp", "drift", "ok")] and "tributaria" in str(rec["items"][0]["before"]),
               "group drift reported: %r", rec["items"])
        ok(act(d, rid, "confirm", TECH, note="ok"))
        close_from_report(d, rid)
        # the person leaves; someone re-enables the account by hand
        js = ok(d.request("POST", "/v1/exits", body={"employee_number": num, "effective_at": "2026-01-01T00:00:00Z",
                                                      "reason": "fin"}, basic=HR), 201)
        ok(act(d, js["id"], "approve", HEAD))
        wait_state(d, js["id"], "report_review")
        ldap_admin(t.stack, "ldapmodify", input_="dn: %s\nchangetype: modify\ndelete: pwdAccountLockedTime\n"
                   "-\ndelete: shadowExpire\n" % dn)
        rec = ok(d.request("GET", "/v1/reconcile", basic=TECH))
        mine = [i for i in rec["items"] if i["employee_number"] == num]
        expect([(i["instance"], i["intent"], i["status"]) for i in mine] == [("acct", "disable", "ok")],
               "re-enabled account reported as drift: %r", mine)
        expect(rec["people_checked"] >= 1, "people checked %r", rec["people_checked"])
        expect_error(d.request("POST", "/v1/reconcile/repair", body={"employee_number": num}, basic=HEAD),
                     403, "forbidden")
        rep = ok(d.request("POST", "/v1/reconcile/repair", body={"employee_number": num}, basic=TECH))
        expect(rep["items"][0]["repair"]["status"] == "ok", "repaired %r", rep)
        entry = search(t.stack, dn, "(objectClass=*)", "pwdAccountLockedTime")
        expect("pwdAccountLockedTime" in entry, "locked again:\n%s", entry)
        rec = ok(d.request("GET", "/v1/reconcile?employee_number=%s" % num, basic=TECH))
        expect(rec["drift"] == 0, "in sync after repair: %r", rec)
        rows = t.stack.psql("SELECT actor, system, action, outcome FROM changelog WHERE employee_number = '%s' "
                            "AND action LIKE 'reconcile.%%'" % num)
        expect("tim.flores|acct|reconcile.disable|ok" in rows, "repair logged: %r", rows)
        expect_error(d.request("GET", "/v1/reconcile?employee_number=NOPE", basic=TECH), 404, "not_found")
        expect_error(d.request("GET", "/v1/reconcile?who=x", basic=TECH), 400, "invalid_field", "who")


def now_utc():
    import datetime
    time.sleep(1.1)   # the log keeps microseconds; step past the last entry
    t = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    time.sleep(1.1)
    return t


def test_point_in_time_access(t):
    with new_daemon(t) as d:
        num = number()
        before_hire = now_utc()
        js = ok(d.request("POST", "/v1/hires", body=hire_body(num, "Tiempo", "Punto"), basic=HR), 201)
        rid = js["id"]
        ok(act(d, rid, "approve", HEAD))
        wait_state(d, rid, "verification")
        ok(act(d, rid, "confirm", TECH, note="ok"))
        close_from_report(d, rid)
        t1 = now_utc()
        js = ok(d.request("POST", "/v1/transfers", body={"employee_number": num, "unit": "tim",
                                                        "position": "tecnico-soporte"}, basic=HR), 201)
        ok(act(d, js["id"], "approve", HEAD))
        wait_state(d, js["id"], "verification")
        t2 = now_utc()
        ok(act(d, js["id"], "confirm", TECH, note="ok"))
        close_from_report(d, js["id"])
        js = ok(d.request("POST", "/v1/exits", body={"employee_number": num, "effective_at": "2026-01-01T00:00:00Z",
                                                      "reason": "fin"}, basic=HR), 201)
        ok(act(d, js["id"], "approve", HEAD))
        wait_state(d, js["id"], "report_review")
        close_from_report(d, js["id"])
        t3 = now_utc()
        js = ok(d.request("POST", "/v1/hires", body=hire_body(num, "Tiempo", "Punto"), basic=HR), 201)
        ok(act(d, js["id"], "approve", HEAD))
        wait_state(d, js["id"], "verification")
        t4 = now_utc()

        def access(at):
            return ok(d.request("GET", "/v1/people/%s/access?at=%s" % (num, at), basic=control()))
        a0, a1, a2, a3, a4 = access(before_hire), access(t1), access(t2), access(t3), access(t4)
        expect(a0["systems"] == {} and a0["groups"] == [] and a0["account_enabled"] is None, "nothing before: %r", a0)
        expect(a1["account_enabled"] is True and sorted(a1["groups"]) == ["staff", "tributaria", "tributario-users"]
               and a1["person_status"] == "active", "after the hire: %r", a1)
        expect(sorted(a2["groups"]) == ["staff", "tim"], "after the transfer (t2=%s): %r", t2, a2)
        expect(a3["account_enabled"] is False and a3["groups"] == [] and a3["person_status"] == "disabled",
               "after the exit: %r", a3)
        expect(a4["account_enabled"] is True and sorted(a4["groups"]) == ["staff", "tributaria", "tributario-users"],
               "after the rehire: %r", a4)

        def holders(group, at):
            js = ok(d.request("GET", "/v1/access/holders?system=grp&group=%s&at=%s" % (group, at), basic=control()))
            return [h["employee_number"] for h in js["holders"]]
        expect(num in holders("tributaria", t1) and num not in holders("tributaria", t2)
               and num in holders("tim", t2) and num not in holders("tim", t3) and num in holders("tributaria", t4),
               "who held tributaria/tim across grant, revoke, exit and rehire")
        expect_error(d.request("GET", "/v1/people/%s/access?at=yesterday" % num, basic=control()), 400,
                     "invalid_field", "at")
        expect_error(d.request("GET", "/v1/access/holders?system=grp", basic=control()), 400, "missing_field", "group")
        expect_error(d.request("GET", "/v1/people/%s/access" % num, basic=HR), 403, "forbidden")


def control():
    return ("control.rojas", "dev-password")


# ------------------------------------------------------------------ configuration faults

def test_the_catalogue_is_remembered_for_a_bounded_time(t):
    """Filing reads a unit from slapd once per ldap_catalogue_cache_seconds:
    a unit removed from the directory is still accepted while it is
    remembered, and refused at once with the cache off."""
    base = t.stack.env.get("PVD_LDAP_BASE", "dc=example,dc=org")
    dn = "ou=cacheada,ou=units," + base
    ldap_admin(t.stack, "ldapadd", input_="dn: %s\nobjectClass: organizationalUnit\nou: cacheada\n" % dn)
    try:
        with t.new_daemon(overrides={"ldap_catalogue_cache_seconds": "3600"}) as d, \
                t.new_daemon(overrides={"ldap_catalogue_cache_seconds": "0"}) as d0:
            for who, n in ((d, "CC0001"), (d0, "CC0002")):
                ok(who.request("POST", "/v1/hires", basic=HR, body=hire_body(n, family="Cache" + "ab"[int(n[-1]) - 1],
                                                                               unit="CACHEADA")), 201)
            ldap_admin(t.stack, "ldapdelete", dn)
            js = ok(d.request("POST", "/v1/hires", basic=HR, body=hire_body("CC0003", family="Cachec",
                                                                           unit="CACHEADA")), 201)
            expect(js["person"]["unit"] == "cacheada", "the directory's spelling, remembered: %r", js["person"])
            expect_error(d0.request("POST", "/v1/hires", basic=HR, body=hire_body("CC0004", family="Cached",
                                                                                  unit="cacheada")),
                         400, "invalid_field", "unit")
    finally:
        ldap_admin(t.stack, "ldapdelete", dn, check=False)


def test_broken_plugin_is_reported(t):
    with new_daemon(t, **{"plugin.mail.library": "no-such-plugin", "plugin.mail.uri": "x"}) as d:
        st, _, _, js = d.request("GET", "/v1/health", basic=("admin.vargas", "dev-password"))
        expect(st == 503 and js["plugins"]["mail"]["status"] == "broken"
               and "no-such-plugin" in js["plugins"]["mail"]["error"], "health names the broken plugin: %r", js)
        expect("no-such-plugin" in d.log_text(), "the start-up log names it")
        p = subprocess.run([DAEMON_BIN, "-c", d.conf_path, "--check-config"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        expect(p.returncode == 1 and b"no-such-plugin" in p.stderr, "check-config: %r", p.stderr)


def test_foreign_abi_is_refused(t):
    src = os.path.join(tempfile.mkdtemp(prefix="pvd-abi-"), "old.c")
    with open(src, "w") as f:
        f.write('#include <provisiond-plugin.h>\n'
                'static const struct pvd_plugin p = { 99, sizeof(struct pvd_plugin), "old", "0" };\n'
                'const struct pvd_plugin *pvd_plugin_entry(void) { return &p; }\n')
    so = src[:-2] + ".so"
    inc = os.path.join(REPO, "plugins", "include")
    cflags = subprocess.run(["pkg-config", "--cflags", "jansson"], stdout=subprocess.PIPE).stdout.decode().split()
    subprocess.run(["cc", "-shared", "-fPIC", "-I", inc] + cflags + ["-o", so, src], check=True)
    with new_daemon(t, **{"plugin.old.library": so}) as d:
        st, _, _, js = d.request("GET", "/v1/health", basic=("admin.vargas", "dev-password"))
        err = js["plugins"]["old"].get("error", "")
        expect(st == 503 and "ABI 99" in err and "ABI 1" in err, "names both versions: %r", err)


def test_bad_plugin_keys(t):
    d = new_daemon(t, **{"plugin.acct.colour": "blue"})
    p = subprocess.run([DAEMON_BIN, "-c", d.write_config(), "--check-config"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    expect(p.returncode == 1 and b"colour" in p.stderr, "unknown plugin key: %r", p.stderr)
    d = new_daemon(t, **{"plugin.grp.after": "nobody"})
    p = subprocess.run([DAEMON_BIN, "-c", d.write_config(), "--check-config"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    expect(p.returncode == 1 and b"nobody" in p.stderr, "after names an unknown instance: %r", p.stderr)


if __name__ == "__main__":
    main(globals())
