#!/usr/bin/env python3
"""provisionctl, the command line for TIM and auditors, against the real
daemon over its REST API: list and act on requests, query, export and
verify the change log, with bearer tokens and directory logins, and clear
errors (with exit status) for refusals, bad input and an unreachable server.

Run: python3 tests/integration/test_provisionctl.py
"""
import csv
import io
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BUILDDIR, expect, main  # noqa: E402

CTL = os.environ.get("PROVISIONCTL_BIN") or os.path.join(BUILDDIR, "provisionctl", "provisionctl")


def ctl(t, *args, login=None, token=None, password="dev-password", url=None):
    env = dict(os.environ)
    env.pop("PROVISIONCTL_TOKEN", None)
    env["PROVISIONCTL_URL"] = url or t.daemon.base_url
    cmd = [CTL]
    if token:
        cmd += ["-t", token]
    if login:
        cmd += ["-U", login]
        env["PROVISIONCTL_PASSWORD"] = password
    p = subprocess.run(cmd + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                       stdin=subprocess.DEVNULL, timeout=60)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def test_requests_from_the_command_line(t):
    hr = t.token("hr")
    body = {"employee_number": "CTL001", "national_id": "CI-1", "given_names": "Línea", "family_names": "Comando",
            "unit": "tim", "position": "tecnico-soporte", "contract_type": "staff", "start_date": "2026-12-01"}
    st, _, b, js = t.request("POST", "/v1/hires", body=body, token=hr)
    expect(st == 201, "hire %s %r", st, b)
    rid = str(js["id"])
    rc, out, err = ctl(t, "requests", "list", "--type", "hire", login="tim.mendoza")
    expect(rc == 0 and any(i["id"] == js["id"] for i in json.loads(out)["items"]), "list: %s %s", rc, err)
    rc, out, err = ctl(t, "requests", "act", rid, "return", login="tim.mendoza")
    expect(rc == 1 and "missing_field" in err and "note" in err, "a refusal says why: %r", err)
    rc, out, err = ctl(t, "requests", "act", rid, "approve", login="aaf.ramos")
    expect(rc == 1 and "403 forbidden" in err and "tim_head" in err, "a wrong role says which: %r", err)
    rc, out, err = ctl(t, "requests", "act", rid, "return", "--note", "falta el cargo", login="tim.mendoza")
    expect(rc == 0 and json.loads(out)["state"] == "returned", "acted: %s %r", rc, err)
    rc, out, err = ctl(t, "requests", "show", rid, token=hr)
    expect(rc == 0 and json.loads(out)["steps"][-1]["note"] == "falta el cargo", "show with a token: %r", err)


def test_changelog_from_the_command_line(t):
    rc, out, err = ctl(t, "changelog", "query", "--employee", "CTL001", "--order", "asc", login="control.rojas")
    items = json.loads(out)["items"] if rc == 0 else []
    expect(rc == 0 and [i["action"] for i in items][:2] == ["person.create", "hire.submit"], "query: %r %r", items, err)
    rc, out, err = ctl(t, "changelog", "query", "--format", "csv", "--employee", "CTL001", login="control.rojas")
    rows = list(csv.reader(io.StringIO(out)))
    expect(rc == 0 and rows[0][0] == "seq" and len(rows) == len(items) + 1, "csv export: %d rows, %r", len(rows), err)
    rc, out, err = ctl(t, "changelog", "verify", login="control.rojas")
    expect(rc == 0 and json.loads(out)["ok"] is True, "verify: %r", err)
    rc, out, err = ctl(t, "changelog", "verify", login="aaf.ramos")
    expect(rc == 1 and "403" in err, "HR may not read the log: %r", err)
    rc, out, err = ctl(t, "changelog", "query", "--since", "yesterday", login="control.rojas")
    expect(rc == 1 and "since" in err, "bad input is named: %r", err)
    rc, out, err = ctl(t, "changelog", "verify", login="control.rojas", password="wrong-password")
    expect(rc == 1 and "401" in err, "wrong password: %r", err)
    expect("wrong-password" not in t.daemon.log_text() and "dev-password" not in t.daemon.log_text(),
           "no password in the daemon's log")


def test_token_from_a_file_not_the_command_line(t):
    """A token in argv is visible to every user of the machine (ps): -T FILE
    reads it from a file; -t still works but warns."""
    hr = t.token("hr")
    path = os.path.join(t.stack.dir, "ctl.token")
    with open(path, "w") as f:
        f.write(hr + "\n")
    os.chmod(path, 0o600)
    rc, out, err = ctl(t, "-T", path, "requests", "list")
    expect(rc == 0 and "items" in json.loads(out) and err == "", "-T FILE: %s %r", rc, err)
    rc, out, err = ctl(t, "requests", "list", token=hr)
    expect(rc == 0 and "warning" in err and "-T" in err, "-t warns: %s %r", rc, err)
    rc, out, err = ctl(t, "-T", path + ".missing", "requests", "list")
    expect(rc == 2 and ".missing" in err, "a missing file is named: %s %r", rc, err)


def test_usage_and_unreachable(t):
    rc, out, err = ctl(t, "frobnicate")
    expect(rc == 2 and "usage" in err, "usage: %r", err)
    rc, out, err = ctl(t, "health", url="http://127.0.0.1:1")
    expect(rc == 3 and "connect" in err.lower(), "unreachable: %r", err)


if __name__ == "__main__":
    if not os.access(CTL, os.X_OK):
        print("1..0 # SKIP provisionctl is not built")
        sys.exit(77)
    main(globals())
