#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Manual tasks: steps people do outside the system (PR04's desktop backup
before an exit, the document system) open with the provisioning step and
hold it until someone with the task's role marks them done, with a note;
with plugins, the last task done moves the request on.

Run: python3 tests/integration/test_tasks.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ok, act, file_hire, take_steps, BUILDDIR, expect, expect_error, main, wait_until  # noqa: E402
from harness import HR, HEAD, LEAD, TECH  # noqa: E402

TASKS = {"task.backup.title": "Respaldo del equipo de escritorio en srv-bareos (PR04)",
         "task.backup.role": "tim_tech", "task.backup.on": "exit",
         "task.backup.checklist": "copiar el perfil; verificar el respaldo; registrar la ubicación",
         "task.docsys.title": "Inactivar el cargo en el sistema de documentos (PR06 paso 7)",
         "task.docsys.role": "tim_head", "task.docsys.on": "exit"}
_seq = [0]




def active(d, unit="tim", position="tecnico-soporte"):
    _seq[0] += 1
    num = "T%05d" % _seq[0]
    rid = file_hire(d, num, "Tarea", "Manual" + "abcdefghij"[_seq[0] % 10], unit=unit, position=position)["id"]
    ok(act(d, rid, "approve", HEAD))
    if ok(d.request("GET", "/v1/requests/%d" % rid, basic=HEAD))["provisioning_mode"] == "manual":
        ok(act(d, rid, "confirm", TECH, note="hecho"))
    wait_until(lambda: ok(d.request("GET", "/v1/requests/%d" % rid, basic=HEAD))["state"] == "verification", 20,
               what="the hire to be provisioned")
    take_steps(d, rid, (("confirm", TECH, "ok"), ("approve", LEAD, None), ("approve", HEAD, "fin"),
                        ("confirm", HR, None)))
    return num


def exit_of(d, num):
    js = ok(d.request("POST", "/v1/exits", basic=HR, body={"employee_number": num,
                                                          "effective_at": "2026-01-01T00:00:00Z", "reason": "fin"}), 201)
    ok(act(d, js["id"], "approve", HEAD))
    return js["id"]


def test_backup_task_holds_a_manual_exit(t):
    with t.new_daemon(overrides=TASKS) as d:
        rid = exit_of(d, active(d))
        js = ok(d.request("GET", "/v1/requests/%d" % rid, basic=HEAD))
        tasks = {x["name"]: x for x in js["tasks"]}
        expect(js["state"] == "disabling" and set(tasks) == {"backup", "docsys"}
               and tasks["backup"]["checklist"] == ["copiar el perfil", "verificar el respaldo",
                                                   "registrar la ubicación"], "tasks opened: %r", js["tasks"])
        err = expect_error(act(d, rid, "confirm", TECH, note="cuentas deshabilitadas"), 409, "conflict")
        expect("backup (tim_tech)" in err["message"] and "docsys (tim_head)" in err["message"],
               "the step says what it waits for: %r", err["message"])
        lst = ok(d.request("GET", "/v1/tasks?role=tim_tech", basic=TECH))["items"]
        mine = [x for x in lst if x["request_id"] == rid]
        expect(len(mine) == 1 and mine[0]["name"] == "backup", "the technician's list: %r", lst)
        bid, did = tasks["backup"]["id"], tasks["docsys"]["id"]
        expect_error(d.request("POST", "/v1/tasks/%d/done" % bid, body={"note": "x"}, basic=HR), 403, "forbidden")
        expect_error(d.request("POST", "/v1/tasks/%d/done" % bid, body={}, basic=TECH), 400, "missing_field", "note")
        ok(d.request("POST", "/v1/tasks/%d/done" % bid, body={"note": "respaldo en srv-bareos:/bk/2026"}, basic=TECH))
        expect_error(d.request("POST", "/v1/tasks/%d/done" % bid, body={"note": "again"}, basic=TECH), 409, "conflict")
        expect_error(act(d, rid, "confirm", TECH, note="x"), 409, "conflict")
        ok(d.request("POST", "/v1/tasks/%d/done" % did, body={"note": "cargo inactivado"}, basic=HEAD))
        js = ok(act(d, rid, "confirm", TECH, note="cuentas deshabilitadas"))
        expect(js["state"] == "report_review", "the exit moves on once the tasks are done: %r", js["state"])
        done = {x["name"]: x for x in js["tasks"]}
        expect(done["backup"]["done_by"] == "tim.flores" and done["backup"]["note"] == "respaldo en srv-bareos:/bk/2026",
               "who and what: %r", done["backup"])
        rows = t.stack.psql("SELECT actor, action, object FROM changelog WHERE request_id = %d AND action = 'task.done' "
                            "ORDER BY seq" % rid).split()
        expect(rows == ["tim.flores|task.done|task/backup", "tim.mendoza|task.done|task/docsys"], "logged %r", rows)
        expect_error(d.request("GET", "/v1/tasks?state=pending", basic=TECH), 400, "invalid_field", "state")


def test_last_task_moves_a_queued_exit(t):
    base = t.stack.env.get("PVD_LDAP_BASE", "dc=example,dc=org")
    ov = dict(TASKS)
    ov.update({"plugin_dir": os.path.join(BUILDDIR, "plugins"), "plugin.acct.library": "ldap-account",
               "plugin.acct.uri": t.stack.ldapi_url(), "plugin.acct.people_dn": "ou=people," + base})
    del ov["task.docsys.title"], ov["task.docsys.role"], ov["task.docsys.on"]
    with t.new_daemon(overrides=ov) as d:
        rid = exit_of(d, active(d))

        def req():
            return ok(d.request("GET", "/v1/requests/%d" % rid, basic=HEAD))
        wait_until(lambda: req()["operations"] and req()["operations"][-1]["state"] == "done", 20,
                   what="the account to be disabled")
        expect(req()["state"] == "disabling", "the plugins are done but the backup is not: %r", req()["state"])
        bid = req()["tasks"][0]["id"]
        ok(d.request("POST", "/v1/tasks/%d/done" % bid, body={"note": "respaldado"}, basic=TECH))
        expect(req()["state"] == "report_review", "the last task moves it on: %r", req()["state"])


def test_bad_task_config(t):
    import subprocess
    from harness import DAEMON_BIN
    for key, val, word in (("task.x.role", "janitor", b"janitor"), ("task.x.on", "party", b"party"),
                           ("task.x.colour", "red", b"colour")):
        d = t.new_daemon(overrides={key: val})
        p = subprocess.run([DAEMON_BIN, "-c", d.write_config(), "--check-config"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        expect(p.returncode == 1 and word in p.stderr, "%s = %s refused: %r", key, val, p.stderr)
    d = t.new_daemon(overrides={"task.x.title": "half"})
    p = subprocess.run([DAEMON_BIN, "-c", d.write_config(), "--check-config"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    expect(p.returncode == 1 and b"needs title, role and on" in p.stderr, "incomplete task: %r", p.stderr)


if __name__ == "__main__":
    main(globals())
