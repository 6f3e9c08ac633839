#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""provisionctl, the administrator's command line, against the real daemon
over its REST API: list and act on requests, query, export and verify the
change log, with bearer tokens and directory logins; the queue (a dead
operation listed, retried and resolved by hand), manual tasks, tokens,
people and reconciliation; tables on a terminal (and with --table), JSON
otherwise; --help and --version on stdout; clear errors (with exit status)
for refusals, bad input and an unreachable server; the bash completion and
the man page.

Run: python3 tests/integration/test_provisionctl.py
"""
import csv
import io
import json
import os
import pty
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BUILDDIR, REPO, TestFailure, act, expect, main, ok, wait_until  # noqa: E402
from harness import ADMIN, HEAD, HR, TECH  # noqa: E402

CTL = os.environ.get("PROVISIONCTL_BIN") or os.path.join(BUILDDIR, "provisionctl", "provisionctl")


def ctl(t, *args, login=None, token=None, password="dev-password", url=None, env_token=None):
    env = dict(os.environ)
    env.pop("PROVISIONCTL_TOKEN", None)
    if env_token:
        env["PROVISIONCTL_TOKEN"] = env_token
    env["PROVISIONCTL_URL"] = url or t.daemon.base_url
    cmd = [CTL]
    if token:
        cmd += ["-t", token]
    if login:
        cmd += ["-U", login]
        env.pop("PROVISIONCTL_PASSWORD", None)
        if password:
            env["PROVISIONCTL_PASSWORD"] = password
    p = subprocess.run(cmd + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                       stdin=subprocess.DEVNULL, timeout=60)
    out, err = p.stdout.decode(), p.stderr.decode()
    # the credential is sent, never shown (a created token is a new one, not this)
    for secret in (token, env_token, password if login else None):
        expect(not secret or (secret not in out and secret not in err), "provisionctl printed its credential")
    return p.returncode, out, err


def ctl_tty(t, *args, login, url=None):
    """provisionctl with stdout on a terminal (a pty): what a person sees."""
    env = dict(os.environ, PROVISIONCTL_URL=url or t.daemon.base_url, PROVISIONCTL_PASSWORD="dev-password")
    env.pop("PROVISIONCTL_TOKEN", None)
    master, slave = pty.openpty()
    try:
        p = subprocess.Popen([CTL, "-U", login] + list(args), stdout=slave, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL, env=env)
        os.close(slave)
        slave = None
        chunks = []
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:        # EIO: the other end is closed
                break
            if not data:
                break
            chunks.append(data)
        err = p.stderr.read().decode()
        p.wait(timeout=60)
    finally:
        os.close(master)
        if slave is not None:
            os.close(slave)
    return p.returncode, b"".join(chunks).decode().replace("\r\n", "\n"), err


def table(out):
    """A table's lines as {header: cell} rows, cut at the header's column starts."""
    lines = [ln for ln in out.splitlines() if ln.strip()]
    expect(lines, "an empty table: %r", out)
    head = lines[0]
    starts = [m.start() for m in re.finditer(r"\S+", head)]
    names = head.split()
    rows = []
    for ln in lines[1:]:
        cells = [ln[a:b].strip() if b else ln[a:].strip() for a, b in zip(starts, starts[1:] + [None])]
        for a in starts[1:]:
            expect(a <= len(ln) and ln[a - 1] == " ", "a cell runs past its column in %r (header %r)", ln, head)
        rows.append(dict(zip(names, cells)))
    return rows


def fields(out):
    """The 'name  value' lines before the first blank line."""
    res = {}
    for ln in out.split("\n\n")[0].splitlines():
        m = re.match(r"^(\S(?:.*?\S)?)  +(.*)$", ln)
        expect(m, "not a field line: %r", ln)
        res[m.group(1)] = m.group(2)
    return res


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
    # a value is one query parameter, whatever it holds
    rc, out, err = ctl(t, "changelog", "query", "--action", "hire.submit&order=sideways", login="control.rojas")
    expect(rc == 0 and json.loads(out)["items"] == [], "values are escaped in the URL: %s %r", rc, err)
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
    rc, out, err = ctl(t, "whoami", env_token=hr)
    expect(rc == 0 and json.loads(out)["subject"].startswith("t-hr"), "PROVISIONCTL_TOKEN: %s %r", rc, err)
    rc, out, err = ctl(t, "whoami", login="tim.mendoza", env_token=hr)
    expect(rc == 0 and json.loads(out)["subject"] == "tim.mendoza", "-U wins over the environment: %s %r", rc, err)
    rc, out, err = ctl(t, "-T", path, "whoami", login="tim.mendoza")
    expect(rc == 2 and "not both" in err, "two credentials on the command line: %s %r", rc, err)
    rc, out, err = ctl(t, "whoami", login="tim.mendoza", password=None)
    expect(rc == 2 and "no password for tim.mendoza" in err, "no password: %s %r", rc, err)


def test_usage_and_unreachable(t):
    rc, out, err = ctl(t, "frobnicate")
    expect(rc == 2 and "usage" in err, "usage: %r", err)
    rc, out, err = ctl(t, "health", url="http://127.0.0.1:1")
    expect(rc == 3 and "connect" in err.lower(), "unreachable: %r", err)


def package_version():
    with open(os.path.join(BUILDDIR, "config.h")) as f:
        return re.search(r'#define PACKAGE_VERSION "([^"]*)"', f.read()).group(1)


def test_help_and_version(t):
    rc, out, err = ctl(t, "--version")
    expect((rc, out, err) == (0, "provisionctl %s\n" % package_version(), ""), "--version: %s %r %r", rc, out, err)
    for args in (["--help"], ["-h"], ["help"]):
        rc, out, err = ctl(t, *args)
        expect(rc == 0 and err == "" and out.startswith("usage: provisionctl")
               and all(c in out for c in ("queue resolve ID --note TEXT", "tokens create NAME ROLE", "tasks done",
                                          "reconcile check", "people search TEXT", "requests show ID",
                                          "Exit status")), "%s on stdout, exit 0: %s %r %r", args, rc, out, err)
    for args in (["queue", "--help"], ["help", "queue"], ["queue", "list", "--help"], ["queue", "list", "-h"],
                 ["help", "queue", "resolve"], ["queue", "resolve", "--help"]):
        rc, out, err = ctl(t, *args)
        one = "list" in args or "resolve" in args
        expect(rc == 0 and err == "" and "queue " in out and "tokens" not in out
               and ("queue retry" not in out) == one, "%s: %s %r %r", args, rc, out, err)
    # --help wins over a bad argument and sends nothing: there is no daemon at this address
    rc, out, err = ctl(t, "queue", "retry", "x", "--help", url="http://127.0.0.1:1")
    expect(rc == 2 and "ID 'x'" in err, "an argument is checked as it comes: %s %r", rc, err)
    rc, out, err = ctl(t, "queue", "retry", "--help", url="http://127.0.0.1:1")
    expect(rc == 0 and "queue retry ID" in out, "COMMAND --help sends nothing: %s %r %r", rc, out, err)


def test_usage_errors_exit_2_with_a_hint(t):
    cases = [
        (["frobnicate"], "unknown command 'frobnicate'", "provisionctl --help"),
        (["queue"], "needs a subcommand", "provisionctl queue --help"),
        (["queue", "flush"], "no subcommand 'flush'", "provisionctl queue --help"),
        (["queue", "retry"], "needs ID", "queue --help"),
        (["queue", "retry", "12x"], "ID '12x': want a number", "queue --help"),
        (["queue", "retry", "-5"], "ID '-5': want a number", "queue --help"),
        (["queue", "retry", "1", "2"], "one too many", "queue --help"),
        (["queue", "resolve", "7"], "needs --note", "queue --help"),
        (["queue", "resolve", "7", "--note"], "--note needs a value", "queue --help"),
        (["queue", "resolve", "7", "--note", ""], "--note '': want some text", "queue --help"),
        (["queue", "list", "--state", "zombie"], "want dead|retrying", "queue --help"),
        (["queue", "list", "--limit", "3"], "has no option --limit", "queue --help"),
        (["queue", "list", "--state", "dead", "--state=dead"], "--state given twice", "queue --help"),
        (["tokens", "create", "Bad Name", "hr"], "NAME 'Bad Name'", "tokens --help"),
        (["tokens", "create", "ok-name", "wizard"], "ROLE 'wizard': want hr|", "tokens --help"),
        (["people", "show", "../tokens"], "EMPLOYEE_NUMBER '../tokens'", "people --help"),
        (["requests", "act", "1", "Approve"], "ACTION 'Approve'", "requests --help"),
        (["tasks", "list", "--role", "root"], "--role 'root'", "tasks --help"),
        (["-u"], "-u needs a value", "provisionctl --help"),
        (["--colour"], "unknown option '--colour'", "provisionctl --help"),
        ([], "no command given", "provisionctl --help"),
    ]
    for args, what, hint in cases:
        # nothing listens there: a usage error must be found before any call
        rc, out, err = ctl(t, *args, url="http://127.0.0.1:1")
        expect(rc == 2 and out == "" and what in err and "usage: provisionctl" in err and hint in err,
               "%r: exit 2 with %r and the hint %r: %s %r %r", args, what, hint, rc, out, err)


def test_tables_on_a_terminal_and_json_elsewhere(t):
    hr = t.token("hr")
    body = {"employee_number": "CTL002", "national_id": "CI-2", "given_names": "Tabla", "family_names": "Alineada",
            "unit": "tim", "position": "tecnico-soporte", "contract_type": "staff", "start_date": "2026-12-01"}
    st, _, b, js = t.request("POST", "/v1/hires", body=body, token=hr)
    expect(st == 201, "hire %s %r", st, b)
    rid = js["id"]
    rc, out, err = ctl(t, "requests", "act", str(rid), "return", "--note", "falta el cargo", login="tim.mendoza")
    expect(rc == 0 and json.loads(out)["state"] == "returned", "acted: %s %r", rc, err)
    rc, out, err = ctl_tty(t, "requests", "list", "--type", "hire", login="tim.mendoza")
    rows = table(out) if rc == 0 else []
    mine = [r for r in rows if r.get("ID") == str(rid)]
    expect(rc == 0 and not out.lstrip().startswith("{") and list(rows[0])[:3] == ["ID", "TYPE", "STATE"]
           and mine and mine[0]["STATE"] == "returned" and mine[0]["EMPLOYEE"] == "CTL002",
           "a table on a terminal: %s %r %r", rc, out, err)
    rc, out, err = ctl_tty(t, "requests", "show", str(rid), login="tim.mendoza")
    f = fields(out) if rc == 0 else {}
    expect(rc == 0 and f.get("id") == str(rid) and f.get("state") == "returned" and f.get("employee") == "CTL002"
           and "\nsteps:\n" in out, "the request's fields and steps: %s %r %r", rc, out, err)
    expect(re.search(r"^  \S+ +return +submitted +returned +tim\.mendoza +tim_head +falta el cargo$", out, re.M),
           "the steps' table: %r", out)
    rc, out2, err = ctl_tty(t, "--json", "requests", "show", str(rid), login="tim.mendoza")
    expect(rc == 0 and json.loads(out2)["id"] == rid, "--json on a terminal: %s %r", rc, out2[:200])
    rc, out3, err = ctl(t, "requests", "show", str(rid), "--table", login="tim.mendoza")
    expect(rc == 0 and fields(out3) == f, "--table off a terminal is the same table: %r", out3)
    rc, out, err = ctl_tty(t, "health", login="tim.mendoza")
    expect(rc == 0 and fields(out).get("database") == "up", "health as fields: %r", out)
    rc, out, err = ctl(t, "whoami", login="tim.mendoza")
    expect(rc == 0 and json.loads(out)["subject"] == "tim.mendoza", "whoami as JSON off a terminal: %r", out)


def test_a_hostile_answer_cannot_drive_the_terminal(t):
    """The daemon refuses control characters in what it stores, but the
    client does not trust that: a value is shown with its control
    characters (C0, DEL, C1) as '?', and a long one cut at a character."""
    import http.server
    import threading
    answer = {"status": "ok\x1b]0;owned\x07", "database": {"status": "up\r\nfake line"},
              "directory": {"status": "up\u009b2J"}, "plugins": {}, "outbox": None}
    ops = {"pending": 0, "running": 0, "dead": 1, "next_retry_at": None, "retrying": [],
           "failed": [{"id": 1, "request_id": 2, "instance": "acct", "state": "dead",
                       "message": "ñ" * 80, "outcome": "fail"}]}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps(answer if self.path == "/v1/health" else ops).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass
    srv = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()
    try:
        url = "http://127.0.0.1:%d" % srv.server_address[1]
        rc, out, err = ctl(t, "health", "--table", url=url)
        expect(rc == 0 and not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f]", out)
               and "ok?]0;owned?" in out and "up??fake line" in out and "up?2J" in out,
               "control characters shown as '?': %r", out)
        rc, out, err = ctl(t, "--json", "health", url=url)
        expect(rc == 0 and json.loads(out) == answer, "JSON keeps the answer as it is: %r", out)
        rc, out, err = ctl(t, "queue", "list", "--table", url=url)
        rows = table(out) if rc == 0 else []
        expect(rows and rows[0]["MESSAGE"] == "ñ" * 59 + "…", "cut at 60 characters, not bytes: %r", out)
    finally:
        srv.shutdown()
        srv.server_close()


def test_people_from_the_command_line(t):
    rc, out, err = ctl(t, "people", "show", "CTL002", login="tim.mendoza")
    js = json.loads(out) if rc == 0 else {}
    expect(rc == 0 and js.get("family_names") == "Alineada" and js["requests"][0]["type"] == "hire",
           "show: %s %r", rc, err)
    rc, out, err = ctl(t, "people", "search", "alinEADA", login="tim.mendoza")
    found = [p["employee_number"] for p in json.loads(out)["items"]] if rc == 0 else None
    expect(found == ["CTL002"], "search by a name, any case: %s %r %r", rc, found, err)
    rc, out, err = ctl(t, "people", "search", "no-such-person-here", login="tim.mendoza")
    expect(rc == 0 and json.loads(out)["items"] == [], "search that finds no one: %s %r", rc, out)
    rc, out, err = ctl(t, "people", "list", "--unit", "tim", "--table", login="tim.mendoza")
    expect(rc == 0 and any(r["EMPLOYEE"] == "CTL002" and r["UNIT"] == "tim" for r in table(out)),
           "list as a table: %r", out)
    rc, out, err = ctl(t, "people", "show", "NOPE404", login="tim.mendoza")
    expect(rc == 1 and out == "" and "404 not_found" in err, "an unknown person: %s %r", rc, err)


def test_tokens_from_the_command_line(t):
    rc, out, err = ctl(t, "tokens", "create", "ctl-made", "auditor", login=ADMIN[0])
    made = json.loads(out) if rc == 0 else {}
    tok = made.get("token", "")
    expect(rc == 0 and made.get("name") == "ctl-made" and tok.startswith("pvd_") and "only this once" in err,
           "create: %s %r", rc, err)
    t.secrets.append(tok)
    path = os.path.join(t.stack.dir, "ctl-made.token")
    with open(path, "w") as f:
        f.write(tok + "\n")
    rc, out, err = ctl(t, "-T", path, "whoami")
    expect(rc == 0 and json.loads(out)["subject"] == "ctl-made" and tok not in out + err,
           "the new token works and is not shown again: %s %r", rc, err)
    rc, out, err = ctl(t, "tokens", "list", "--table", login=ADMIN[0])
    rows = {r["NAME"]: r for r in table(out)} if rc == 0 else {}
    expect(rows.get("ctl-made", {}).get("ROLE") == "auditor" and rows["ctl-made"]["REVOKED"] == "-"
           and tok not in out, "list: %r", out)
    rc, out, err = ctl(t, "tokens", "create", "ctl-made", "hr", login=ADMIN[0])
    expect(rc == 1 and "409 conflict" in err, "a name is used once: %s %r", rc, err)
    rc, out, err = ctl(t, "tokens", "list", login=HR[0])
    expect(rc == 1 and "403 forbidden" in err and "admin" in err, "only admin: %s %r", rc, err)
    rc, out, err = ctl(t, "tokens", "revoke", "ctl-made", login=ADMIN[0])
    expect(rc == 0 and json.loads(out)["name"] == "ctl-made" and json.loads(out)["revoked_at"], "revoke: %r", err)
    rc, out, err = ctl(t, "-T", path, "whoami")
    expect(rc == 1 and "401" in err, "a revoked token stops working: %s %r", rc, err)
    rc, out, err = ctl(t, "tokens", "revoke", "ctl-made", login=ADMIN[0])
    expect(rc == 1 and "404 not_found" in err, "revoked twice: %s %r", rc, err)
    rc, out, err = ctl(t, "whoami")
    expect(rc == 1 and "401" in err and "no credentials" in err, "no credentials: %s %r", rc, err)


def ldap_admin(stack, *args, input_):
    env = stack.env
    with open(env["PVD_LDAP_ADMIN_PW_FILE"]) as f:
        pw = f.read().strip()
    p = subprocess.run([args[0], "-x", "-H", stack.ldapi_url(), "-D", env["PVD_LDAP_ADMIN_DN"], "-w", pw]
                       + list(args[1:]), input=input_.encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise TestFailure("%s failed (%d): %s" % (args[0], p.returncode, p.stderr.decode()))


def test_queue_and_tasks_from_the_command_line(t):
    """A hire whose login someone made by hand in the directory: the account
    operation is a conflict, dead; TIM lists it, retries it (still a
    conflict), resolves it by hand; a manual task holds the step until it is
    done from the command line too."""
    base = t.stack.env.get("PVD_LDAP_BASE", "dc=example,dc=org")
    conf = {"plugin_dir": os.path.join(BUILDDIR, "plugins"), "queue_workers": "1",
            "queue_backoff_base": "1", "queue_backoff_max": "1",
            "plugin.acct.library": "ldap-account", "plugin.acct.uri": t.stack.ldapi_url(),
            "plugin.acct.auth": "sasl_external", "plugin.acct.people_dn": "ou=people," + base,
            "task.kit.title": "Entregar el equipo", "task.kit.role": "tim_tech", "task.kit.on": "hire",
            "task.kit.checklist": "portátil; credencial"}
    with t.new_daemon(overrides=conf) as d:
        body = {"employee_number": "CTL003", "national_id": "CI-3", "given_names": "Cola", "family_names": "Muerta",
                "unit": "tim", "position": "tecnico-soporte", "contract_type": "staff", "start_date": "2026-12-01"}
        js = ok(d.request("POST", "/v1/hires", body=body, basic=HR), 201)
        rid, uid = js["id"], js["person"]["uid"]
        ldap_admin(t.stack, "ldapadd", input_=(
            "dn: uid=%s,ou=people,%s\nobjectClass: inetOrgPerson\nuid: %s\ncn: Cola Muerta\nsn: Muerta\n"
            "description: made by hand\n" % (uid, base, uid)))
        ok(act(d, rid, "approve", HEAD))

        def dead():
            return [o for o in ok(d.request("GET", "/v1/requests/%d" % rid, basic=HEAD))["operations"]
                    if o["state"] == "dead"]
        wait_until(dead, 30, what="the conflicting operation to fail")
        op = str(dead()[0]["id"])

        def q(*args, who=TECH[0]):
            return ctl(t, "queue", *args, login=who, url=d.base_url)
        rc, out, err = q("list", "--state", "dead", "--instance", "acct", "--request", str(rid))
        items = json.loads(out)["items"] if rc == 0 else None
        expect(items and [(str(i["id"]), i["outcome"], i["state"]) for i in items] == [(op, "conflict", "dead")],
               "the dead operation, filtered: %s %r %r", rc, items, err)
        rc, out, err = q("list", "--state", "retrying", "--request", str(rid))
        expect(rc == 0 and json.loads(out)["items"] == [], "not among the retrying: %r", out)
        rc, out, err = q("list", "--instance", "nosuch")
        expect(rc == 0 and json.loads(out)["items"] == [], "another instance: %r", out)
        rc, out, err = q("list", "--table", "--request", str(rid))
        rows = table(out) if rc == 0 else []
        expect([(r["ID"], r["INSTANCE"], r["STATE"], r["OUTCOME"]) for r in rows] == [(op, "acct", "dead", "conflict")],
               "the table: %r", out)
        rc, out, err = q("status")
        st = json.loads(out) if rc == 0 else {}
        expect(st.get("dead", 0) >= 1 and any(str(f["id"]) == op for f in st["failed"]), "status: %r", st)
        rc, out, err = q("status", "--table")
        expect(rc == 0 and int(fields(out)["dead"]) >= 1 and "\nfailed:\n" in out, "status table: %r", out)

        rc, out, err = q("retry", op, who=HEAD[0])
        expect(rc == 1 and out == "" and "403 forbidden" in err and "tim_tech" in err, "retry by the head: %r", err)
        rc, out, err = q("retry", op, "--note", "otra vez")
        expect(rc == 0 and json.loads(out) == {"id": int(op), "state": "pending"}, "retried: %s %r %r", rc, out, err)
        wait_until(dead, 30, what="the retried operation to fail again")
        rc, out, err = q("resolve", "999999999", "--note", "x")
        expect(rc == 1 and "409 conflict" in err and "not a failed operation" in err, "unknown op: %r", err)
        rc, out, err = q("resolve", op, "--note", "la cuenta existente fue adoptada a mano", "--table")
        expect(rc == 0 and fields(out) == {"id": op, "state": "done"}, "resolved: %s %r %r", rc, out, err)
        rc, out, err = q("resolve", op, "--note", "otra vez")
        expect(rc == 1 and "409 conflict" in err, "resolved twice: %r", err)
        rows = t.stack.psql("SELECT actor, action, outcome FROM changelog WHERE request_id = %d AND system = 'acct' "
                            "ORDER BY seq" % rid)
        expect("tim.flores|operation.retry|ok" in rows and "tim.flores" in rows and "resolved" in rows,
               "retry and resolve are in the change log: %r", rows)

        # the task holds the step; done from the command line, the hire moves on
        js = ok(d.request("GET", "/v1/requests/%d" % rid, basic=HEAD))
        expect(js["state"] == "provisioning", "the open task holds the step: %r", js["state"])
        rc, out, err = ctl(t, "tasks", "list", "--role", "tim_tech", login=TECH[0], url=d.base_url)
        tasks = [x for x in json.loads(out)["items"] if x["request_id"] == rid] if rc == 0 else []
        expect(len(tasks) == 1 and tasks[0]["name"] == "kit", "tasks list: %s %r %r", rc, out, err)
        tid = str(tasks[0]["id"])
        rc, out, err = ctl(t, "tasks", "list", "--table", login=TECH[0], url=d.base_url)
        expect(rc == 0 and any(r["ID"] == tid and r["STATE"] == "open" for r in table(out)), "tasks table: %r", out)
        rc, out, err = ctl(t, "tasks", "show", tid, "--table", login=TECH[0], url=d.base_url)
        f = fields(out) if rc == 0 else {}
        expect(f.get("checklist") == "portátil,credencial" and f.get("state") == "open", "show: %r %r", out, err)
        rc, out, err = ctl(t, "tasks", "done", tid, login=TECH[0], url=d.base_url)
        expect(rc == 2 and "needs --note" in err, "done needs a note: %r", err)
        rc, out, err = ctl(t, "tasks", "done", tid, "--note", "entregado", login=HR[0], url=d.base_url)
        expect(rc == 1 and "403" in err, "the task's role decides: %s %r", rc, err)
        rc, out, err = ctl(t, "tasks", "done", tid, "--note", "entregado", login=TECH[0], url=d.base_url)
        expect(rc == 0 and json.loads(out)["state"] == "done", "done: %s %r %r", rc, out, err)
        rc, out, err = ctl(t, "tasks", "show", tid, login=TECH[0], url=d.base_url)
        expect(rc == 0 and json.loads(out)["done_by"] == "tim.flores" and json.loads(out)["note"] == "entregado",
               "shown among the done tasks: %r", out)
        rc, out, err = ctl(t, "tasks", "show", "999999999", login=TECH[0], url=d.base_url)
        expect(rc == 1 and "404" in err and out == "", "no such task: %s %r", rc, err)
        wait_until(lambda: ok(d.request("GET", "/v1/requests/%d" % rid, basic=HEAD))["state"] == "verification",
                   20, what="the hire to move on once the operation is resolved and the task done")

        # reconciliation: the dry run as a technician, refused to HR
        rc, out, err = ctl(t, "reconcile", "check", login=TECH[0], url=d.base_url)
        rec = json.loads(out) if rc == 0 else {}
        expect(rc == 0 and isinstance(rec.get("people_checked"), int) and "items" in rec, "check: %s %r", rc, err)
        rc, out, err = ctl(t, "reconcile", "check", "--table", login=TECH[0], url=d.base_url)
        expect(rc == 0 and fields(out)["people checked"] == str(rec["people_checked"]), "check table: %r", out)
        rc, out, err = ctl(t, "reconcile", "check", login=HR[0], url=d.base_url)
        expect(rc == 1 and "403 forbidden" in err, "HR may not: %r", err)
        rc, out, err = ctl(t, "reconcile", "check", "--employee", "NOPE404", login=TECH[0], url=d.base_url)
        expect(rc == 1 and "404" in err, "an unknown person: %s %r", rc, err)


def test_bash_completion(t):
    script = os.path.join(REPO, "contrib", "completion", "provisionctl")

    def complete(*words):
        line = " ".join("'%s'" % w for w in (CTL,) + words)
        p = subprocess.run(["bash", "--norc", "-c", 'source "$1"; COMP_WORDS=(%s); COMP_CWORD=%d; _provisionctl; '
                            'printf "%%s\\n" "${COMPREPLY[@]}"; complete -p provisionctl' % (line, len(words)),
                            "bash", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        expect(p.returncode == 0 and p.stderr == b"", "completion ran: %r", p.stderr)
        lines = p.stdout.decode().splitlines()
        expect(lines and lines[-1] == "complete -F _provisionctl provisionctl", "registered: %r", lines)
        return sorted(x for x in lines[:-1] if x)
    got = complete("")
    expect({"queue", "tasks", "tokens", "people", "reconcile", "requests", "help", "--json"} <= set(got),
           "the commands: %r", got)
    expect(complete("qu") == ["queue"], "a prefix: %r", complete("qu"))
    expect(complete("queue", "") == ["list", "resolve", "retry", "status"], "subcommands: %r", complete("queue", ""))
    expect(complete("-u", "http://x", "--json", "tok") == ["tokens"], "past global options")
    expect(complete("queue", "list", "--") == ["--help", "--instance", "--json", "--request", "--state", "--table"],
           "options: %r", complete("queue", "list", "--"))
    expect(complete("queue", "list", "--state", "") == ["dead", "retrying"], "an option's values")
    expect(complete("tokens", "create", "name", "tim_") == ["tim_head", "tim_lead", "tim_tech"], "a role argument")
    expect(complete("queue", "resolve", "7", "--note", "") == [], "free text: nothing offered")


def test_man_page(t):
    page = os.path.join(REPO, "docs", "man", "provisionctl.1")
    p = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", page], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=30)
    expect(p.returncode == 0 and p.stderr == b"", "groff -ww finds nothing to warn about: %r", p.stderr)
    with open(page) as f:
        text = f.read()
    rc, out, err = ctl(t, "--help")
    names = re.findall(r"^  ([a-z]+(?: [a-z]+)?)(?= |$)", out, re.M)
    expect(len(names) > 20, "the commands from --help: %r", names)
    for name in names:
        expect("\\fB%s\\fR" % name in text, "%r is described in provisionctl.1", name)
    expect("\\-\\-version" in text and "\\-\\-json" in text and "EXIT STATUS" in text, "the page's sections")


if __name__ == "__main__":
    if not os.access(CTL, os.X_OK):
        print("1..0 # SKIP provisionctl is not built")
        sys.exit(77)
    main(globals())
