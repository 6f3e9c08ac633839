#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""GET /metrics against real work: a hire provisioned by the ldap-account and
ldap-group plugins (operation outcomes and latency, open requests by state),
a conflict that leaves a dead operation (and its resolution), the conclusion
note waiting in the outbox behind a relay that does not answer, a scheduled
exit overdue while no scheduler runs and started when one does, PostgreSQL
and slapd down (the scrape still answers, saying so). Every scrape passes
`promtool check metrics` with no error or lint problem; the alert rules in
contrib/prometheus pass `promtool check rules` and `promtool test rules`.
log_format = json: one JSON object a line, the request id on a request's
lines, no secret, and SIGHUP switching the format.

Run: python3 tests/integration/test_metrics.py
"""
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (BUILDDIR, DAEMON_BIN, REPO, TestFailure, act, expect, file_hire, free_port,  # noqa: E402
                     letters, main, ok, parse_prometheus, take_steps, wait_until, TIME_SCALE)
from harness import HR, HEAD, LEAD, TECH  # noqa: E402

PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"
MONITOR = ("admin.vargas", "dev-password")
RULES_DIR = os.path.join(REPO, "contrib", "prometheus")
# a manual hire's steps from submitted to closed: (action, who, note)
HIRE_TO_CLOSED = (("approve", HEAD, None), ("confirm", TECH, "done"), ("confirm", TECH, "ok"),
                  ("approve", LEAD, None), ("approve", HEAD, "fin"), ("confirm", HR, None))
_seq = [0]


def number():
    _seq[0] += 1
    return "M%05d" % _seq[0]


def plugin_conf(stack, **extra):
    base = stack.env.get("PVD_LDAP_BASE", "dc=example,dc=org")
    conf = {
        "plugin_dir": os.path.join(BUILDDIR, "plugins"),
        "queue_workers": "2",
        "queue_backoff_base": "1",
        "queue_backoff_max": "2",
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
        "plugin.grp.unit.tributaria": "tributaria",
        "plugin.grp.unit.tim": "tim",
        "plugin.grp.all": "staff",
        # conclusion notes go to the outbox; the relay's port has nobody on it
        "notify_hr": "rrhh@example.org",
        "smtp_url": "smtp://127.0.0.1:%d" % free_port(),
        "smtp_timeout": "2",
        "outbox_retry_base": "1",
        "outbox_retry_max": "1",
    }
    conf.update(extra)
    return conf


# ------------------------------------------------------------------ helpers

class Scrape:
    """One /metrics answer: its text and its samples."""

    def __init__(self, text):
        self.text = text
        self.samples = parse_prometheus(text)

    def values(self, name, **labels):
        return [v for n, lb, v in self.samples
                if n == name and all(lb.get(k) == str(w) for k, w in labels.items())]

    def value(self, name, **labels):
        """The one sample of name with these labels; fails when there is none or several."""
        vs = self.values(name, **labels)
        if len(vs) != 1:
            raise TestFailure("want one sample of %s%r, found %d:\n%s" % (
                name, labels, len(vs), "\n".join(ln for ln in self.text.splitlines() if ln.startswith(name))))
        return vs[0]

    def has_family(self, name):
        return ("# TYPE %s " % name) in self.text


def scrape(d, token=None):
    """GET /metrics signed in as the admin (Basic: the directory checks it), or with a bearer token."""
    auth = {"token": token} if token else {"basic": MONITOR}
    st, hd, body, _ = d.request("GET", "/metrics", timeout=30, **auth)
    expect(st == 200, "/metrics: %s %r", st, body[:300])
    return Scrape(body.decode("utf-8"))


def promtool_check(s):
    """promtool check metrics: exit 0 and nothing said (an error or a lint problem is printed)."""
    p = subprocess.run([PROMTOOL, "check", "metrics"], input=s.text.encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    said = (p.stdout + p.stderr).decode(errors="replace").strip()
    expect(p.returncode == 0 and said == "", "promtool check metrics exit %d:\n%s", p.returncode, said)


def no_duplicates(s):
    seen, dups = set(), []
    for n, lb, _ in s.samples:
        key = (n, tuple(sorted(lb.items())))
        if key in seen:
            dups.append("%s%r" % (n, lb))
        seen.add(key)
    expect(not dups, "duplicate series: %r", dups[:10])


def wait_request(d, rid, pred, what, timeout=30):
    last = {}

    def reached():
        last["js"] = ok(d.request("GET", "/v1/requests/%d" % rid, basic=HEAD))
        return pred(last["js"])
    try:
        wait_until(reached, timeout, interval=0.1, what=what)
    except TestFailure:
        js = last.get("js") or {}
        raise TestFailure("%s: request %d in %s, operations %r; log:\n%s" % (
            what, rid, js.get("state"), js.get("operations"), d.log_tail(30)))
    return last["js"]


def ldap_admin(stack, *args, input_=None):
    env = stack.env
    pw = open(env["PVD_LDAP_ADMIN_PW_FILE"]).read().strip()
    cmd = [args[0], "-x", "-H", stack.ldapi_url(), "-D", env["PVD_LDAP_ADMIN_DN"], "-w", pw] + list(args[1:])
    p = subprocess.run(cmd, input=input_.encode() if input_ else None, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise TestFailure("%s failed (%d): %s" % (args[0], p.returncode, p.stderr.decode()))


def counter(s, name, **labels):
    vs = s.values(name, **labels)
    return sum(vs)


# ------------------------------------------------------------------ the scrape itself

def test_every_family_has_help_and_type_and_promtool_is_happy(t):
    s = scrape(t.daemon)
    promtool_check(s)
    no_duplicates(s)
    # families named in the issue, each with HELP and TYPE
    for fam in ("provisiond_up", "provisiond_build_info", "provisiond_database_up", "provisiond_directory_up",
                "provisiond_plugin_up", "provisiond_queue_operations", "provisiond_operations_total",
                "provisiond_operation_duration_seconds", "provisiond_outbox_pending_messages",
                "provisiond_outbox_oldest_pending_age_seconds", "provisiond_requests_open",
                "provisiond_requests_oldest_age_seconds", "provisiond_scheduler_lag_seconds",
                "provisiond_scheduler_overdue_exits", "provisiond_auth_failures_total",
                "provisiond_auth_throttled_total", "process_cpu_seconds_total", "process_resident_memory_bytes",
                "process_open_fds", "process_start_time_seconds", "provisiond_http_requests_total"):
        expect(("# HELP %s " % fam) in s.text and s.has_family(fam), "family %s lacks HELP or TYPE", fam)
    # every TYPE line has its HELP
    types = re.findall(r"^# TYPE (\S+) ", s.text, re.M)
    helps = set(re.findall(r"^# HELP (\S+) ", s.text, re.M))
    expect(set(types) <= helps, "TYPE without HELP: %r", sorted(set(types) - helps))


def test_build_info_and_process_figures(t):
    s = scrape(t.daemon)
    cfg = open(os.path.join(BUILDDIR, "config.h")).read()
    version = re.search(r'#define PACKAGE_VERSION "([^"]+)"', cfg).group(1)
    expect(s.value("provisiond_build_info", version=version) == 1, "build_info for %s", version)
    pid = t.daemon.proc.pid
    fds = len(os.listdir("/proc/%d/fd" % pid))
    got = s.value("process_open_fds")
    expect(abs(got - fds) <= 4, "process_open_fds %s, /proc/%d/fd has %d", got, pid, fds)
    with open("/proc/%d/status" % pid) as f:
        rss_kb = int(re.search(r"VmRSS:\s+(\d+) kB", f.read()).group(1))
    rss = s.value("process_resident_memory_bytes")
    expect(0.5 * rss_kb * 1024 < rss < 2 * rss_kb * 1024, "resident %s bytes, VmRSS %d kB", rss, rss_kb)
    started = s.value("process_start_time_seconds")
    expect(abs(started - os.stat("/proc/%d" % pid).st_mtime) < 3600 and started <= time.time() + 1
           and started > time.time() - 24 * 3600, "start time %s", started)
    cpu0 = s.value("process_cpu_seconds_total")
    for _ in range(300):        # some work the daemon's CPU clock sees
        t.daemon.request("GET", "/metrics", basic=MONITOR)
    cpu1 = scrape(t.daemon).value("process_cpu_seconds_total")
    expect(cpu1 > cpu0, "CPU seconds did not grow over 300 scrapes: %s -> %s", cpu0, cpu1)
    expect(s.value("process_max_fds") >= 64, "max fds %s", s.value("process_max_fds"))


def test_sign_in_failures_and_throttling_are_counted(t):
    s0 = scrape(t.daemon)
    bad = counter(s0, "provisiond_auth_failures_total", reason="bad_credentials")
    for _ in range(3):
        st, _, _, _ = t.daemon.request("GET", "/v1/whoami", basic=("aaf.ramos", "wrong-password"))
        expect(st == 401, "wrong password: %s", st)
    s1 = scrape(t.daemon)
    expect(counter(s1, "provisiond_auth_failures_total", reason="bad_credentials") == bad + 3,
           "bad_credentials %s -> %s", bad, counter(s1, "provisiond_auth_failures_total", reason="bad_credentials"))
    expect(len(s1.values("provisiond_auth_throttled_total")) == 1, "throttled counter present")


# ------------------------------------------------------------------ real work

def test_a_hire_through_the_plugins_moves_the_metrics(t):
    with t.new_daemon(overrides=plugin_conf(t.stack)) as d:
        s0 = scrape(d)
        for inst in ("acct", "grp"):
            expect(s0.value("provisiond_plugin_up", plugin=inst) == 1, "plugin %s up", inst)
            expect(s0.value("provisiond_operations_total", plugin=inst, outcome="ok") == 0, "no %s ops yet", inst)
            expect(s0.value("provisiond_operation_duration_seconds_count", plugin=inst) == 0, "no latency yet")
        expect(s0.value("provisiond_database_up") == 1 and s0.value("provisiond_directory_up") == 1,
               "database and directory up")
        submitted0 = s0.value("provisiond_requests_open", procedure="hire", state="submitted")
        pending0 = s0.value("provisiond_outbox_pending_messages")

        num = number()
        js = file_hire(d, num, "Marta", "Métrica" + letters(_seq[0]), unit="tributaria",
                       position="analista-tributario")
        rid = js["id"]
        s1 = scrape(d)
        expect(s1.value("provisiond_requests_open", procedure="hire", state="submitted") == submitted0 + 1,
               "one more hire submitted: %s -> %s", submitted0,
               s1.value("provisiond_requests_open", procedure="hire", state="submitted"))
        age = s1.value("provisiond_requests_oldest_age_seconds", procedure="hire", state="submitted")
        expect(0 <= age < 3600, "the oldest submitted hire's age %s", age)

        ok(act(d, rid, "approve", HEAD))
        wait_request(d, rid, lambda js: js["state"] == "verification", "the hire to be provisioned")
        s2 = scrape(d)
        for inst in ("acct", "grp"):
            expect(s2.value("provisiond_operations_total", plugin=inst, outcome="ok") == 1,
                   "%s ok counted once: %s", inst, s2.values("provisiond_operations_total", plugin=inst))
            n = s2.value("provisiond_operation_duration_seconds_count", plugin=inst)
            total = s2.value("provisiond_operation_duration_seconds_sum", plugin=inst)
            inf = s2.value("provisiond_operation_duration_seconds_bucket", plugin=inst, le="+Inf")
            expect(n == 1 and inf == 1 and 0 < total < 30, "%s latency: count %s, +Inf %s, sum %s",
                   inst, n, inf, total)
            for state in ("pending", "running", "dead"):
                expect(s2.value("provisiond_queue_operations", plugin=inst, state=state) == 0,
                       "%s %s: %s", inst, state, s2.value("provisiond_queue_operations", plugin=inst, state=state))
        expect(s2.value("provisiond_requests_open", procedure="hire", state="submitted") == submitted0,
               "the hire left submitted")
        expect(s2.value("provisiond_requests_open", procedure="hire", state="verification") >= 1,
               "the hire waits in verification")
        promtool_check(s2)      # with histograms filled in
        no_duplicates(s2)

        # to the end: the conclusion note waits in the outbox (its relay does not answer)
        take_steps(d, rid, (("confirm", TECH, "ok"), ("approve", LEAD, None), ("approve", HEAD, "fin"),
                            ("confirm", HR, None)))
        s3 = scrape(d)
        want = int(t.stack.psql("SELECT count(*) FROM outbox WHERE state = 'pending'").strip())
        expect(want >= 1 and s3.value("provisiond_outbox_pending_messages") == want,
               "outbox pending %s, the table says %d", s3.value("provisiond_outbox_pending_messages"), want)
        expect(s3.value("provisiond_outbox_pending_messages") == pending0 + 1, "one more message: %s -> %s",
               pending0, s3.value("provisiond_outbox_pending_messages"))
        wait_until(lambda: scrape(d).value("provisiond_outbox_retrying_messages") >= 1, 30,
                   what="the refused relay to show as a retrying message")
        time.sleep(1.1)
        s4 = scrape(d)
        expect(s4.value("provisiond_outbox_oldest_pending_age_seconds") >= 1,
               "the oldest message's age grows: %s", s4.value("provisiond_outbox_oldest_pending_age_seconds"))
        expect(s4.value("provisiond_requests_open", procedure="hire", state="verification") ==
               s2.value("provisiond_requests_open", procedure="hire", state="verification") - 1,
               "the hire is no longer open")


def test_a_dead_operation_shows_until_it_is_resolved(t):
    base = t.stack.env.get("PVD_LDAP_BASE", "dc=example,dc=org")
    with t.new_daemon(overrides=plugin_conf(t.stack)) as d:
        # someone made this login by hand: the account plugin refuses it (conflict)
        ldap_admin(t.stack, "ldapadd", input_=(
            "dn: uid=dora.muerta,ou=people,%s\nobjectClass: inetOrgPerson\nuid: dora.muerta\ncn: Dora Muerta\n"
            "sn: Muerta\n" % base))
        s0 = scrape(d)
        dead0 = s0.value("provisiond_queue_operations", plugin="acct", state="dead")
        js = file_hire(d, number(), "Dora", "Muerta", unit="tributaria", position="analista-tributario")
        rid = js["id"]
        ok(act(d, rid, "approve", HEAD))
        js = wait_request(d, rid, lambda js: any(o["state"] == "dead" for o in js["operations"]),
                          "the conflicting operation to fail")
        op = [o for o in js["operations"] if o["state"] == "dead"][0]
        s1 = scrape(d)
        expect(s1.value("provisiond_queue_operations", plugin="acct", state="dead") == dead0 + 1,
               "one dead acct operation: %s", s1.values("provisiond_queue_operations", plugin="acct"))
        expect(s1.value("provisiond_queue_operations", plugin="grp", state="pending") == 1,
               "groups wait for the account: %s", s1.values("provisiond_queue_operations", plugin="grp"))
        expect(s1.value("provisiond_operations_total", plugin="acct", outcome="conflict") == 1,
               "the conflict counted: %s", s1.values("provisiond_operations_total", plugin="acct"))
        expect(s1.value("provisiond_requests_open", procedure="hire", state="provisioning") >= 1,
               "the hire waits in provisioning")
        promtool_check(s1)
        # TIM adopts the entry and resolves: nothing dead any more, the groups run
        ldap_admin(t.stack, "ldapmodify", input_=(
            "dn: uid=dora.muerta,ou=people,%s\nchangetype: modify\nadd: objectClass\nobjectClass: pvdPerson\n"
            "-\nadd: pvdManaged\npvdManaged: TRUE\n" % base))
        ok(d.request("POST", "/v1/operations/%d/resolve" % op["id"], body={"note": "adoptada"}, basic=TECH))
        wait_request(d, rid, lambda js: js["state"] == "verification", "the hire to go on after the resolution")
        s2 = scrape(d)
        expect(s2.value("provisiond_queue_operations", plugin="acct", state="dead") == dead0,
               "the dead operation is gone: %s", s2.values("provisiond_queue_operations", plugin="acct"))
        expect(s2.value("provisiond_operations_total", plugin="grp", outcome="ok") == 1,
               "the groups ran once: %s", s2.values("provisiond_operations_total", plugin="grp"))


def _at(seconds):
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
            ).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_an_overdue_exit_and_the_scheduler_lag(t):
    # the shared daemon's scheduler would start the exit: none runs while it is down
    t.daemon.stop()
    try:
        with t.new_daemon(overrides={"scheduler_interval_ms": "0"}) as d:
            num = number()
            rid = file_hire(d, num, "Saul", "Tarde" + letters(_seq[0]))["id"]
            take_steps(d, rid, HIRE_TO_CLOSED)
            s0 = scrape(d)
            expect(not s0.values("provisiond_scheduler_lag_seconds"),
                   "no lag where no scheduler runs: %r", s0.values("provisiond_scheduler_lag_seconds"))
            overdue0 = s0.value("provisiond_scheduler_overdue_exits")
            js = ok(d.request("POST", "/v1/exits", basic=HR, body={"employee_number": num, "effective_at": _at(2),
                                                                  "reason": "fin de contrato"}), 201)
            erid = js["id"]
            expect(ok(act(d, erid, "approve", HEAD))["state"] == "scheduled", "the exit is scheduled")
            expect(scrape(d).value("provisiond_scheduler_overdue_exits") == overdue0, "not overdue before its time")
            time.sleep(3.5)
            s1 = scrape(d)
            expect(s1.value("provisiond_scheduler_overdue_exits") == overdue0 + 1, "overdue %s -> %s", overdue0,
                   s1.value("provisiond_scheduler_overdue_exits"))
            late = s1.value("provisiond_scheduler_overdue_exit_max_seconds")
            expect(1 <= late < 600, "the exit is late by %s s", late)
            expect(s1.value("provisiond_scheduler_exits_started_total") == 0, "nothing started here")
            promtool_check(s1)
    finally:
        t.daemon.start()
    # the shared daemon schedules: it starts the exit and the figures say so
    wait_until(lambda: scrape(t.daemon).value("provisiond_scheduler_overdue_exits") == overdue0, 30,
               what="the scheduler to start the overdue exit")
    s2 = scrape(t.daemon)
    expect(s2.value("provisiond_scheduler_exits_started_total") >= 1, "the start counted: %s",
           s2.value("provisiond_scheduler_exits_started_total"))
    lag = s2.value("provisiond_scheduler_lag_seconds")
    expect(0 <= lag < 10, "the scheduler's lag %s", lag)
    expect(s2.value("provisiond_scheduler_overdue_exit_max_seconds") == 0, "nothing overdue")


def test_database_and_directory_down_do_not_fail_the_scrape(t):
    d = t.daemon
    scrape(d)       # the HTTP thread's connection exists before PostgreSQL goes
    t.stack.stop_pg()
    try:
        s = scrape(d)
        expect(s.value("provisiond_database_up") == 0, "database_up 0 while PostgreSQL is down")
        for fam in ("provisiond_queue_operations", "provisiond_outbox_pending_messages", "provisiond_requests_open",
                    "provisiond_scheduler_overdue_exits"):
            expect(s.has_family(fam) and not s.values(fam), "%s: HELP/TYPE and no sample: %r", fam, s.values(fam))
        expect(s.value("provisiond_up") == 1 and s.values("process_open_fds") and
               s.value("provisiond_directory_up") == 1, "the rest is there")
        promtool_check(s)
    finally:
        t.stack.start_pg()
    wait_until(lambda: scrape(d).value("provisiond_database_up") == 1, 30, what="database_up back to 1")
    monitor = t.token("monitor")    # a token: a password sign-in needs the directory
    t.stack.stop_ldap()
    try:
        s = scrape(d, token=monitor)
        expect(s.value("provisiond_directory_up") == 0 and s.value("provisiond_database_up") == 1,
               "directory_up 0, database_up 1 while slapd is down")
        promtool_check(s)
    finally:
        t.stack.start_ldap()
    wait_until(lambda: scrape(d).value("provisiond_directory_up") == 1, 30, what="directory_up back to 1")


# ------------------------------------------------------------------ the alert rules

def test_alert_rules_pass_promtool(t):
    rules = os.path.join(RULES_DIR, "provisiond.rules.yml")
    tests = os.path.join(RULES_DIR, "provisiond.rules.test.yml")
    p = subprocess.run([PROMTOOL, "check", "rules", rules], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = p.stdout.decode(errors="replace")
    expect(p.returncode == 0 and "SUCCESS" in out, "promtool check rules exit %d:\n%s", p.returncode, out)
    p = subprocess.run([PROMTOOL, "test", "rules", tests], cwd=RULES_DIR, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    out = p.stdout.decode(errors="replace")
    expect(p.returncode == 0 and "SUCCESS" in out, "promtool test rules exit %d:\n%s", p.returncode, out)
    # every metric an alert or the dashboard reads is one the daemon serves
    served = {n for n, _, _ in scrape(t.daemon).samples} | set(re.findall(r"^# TYPE (\S+) ",
                                                                        scrape(t.daemon).text, re.M))
    for path in (rules, os.path.join(RULES_DIR, "provisiond-dashboard.json")):
        used = {re.sub(r"_(bucket|sum|count)$", "", n) if re.sub(r"_(bucket|sum|count)$", "", n) in served else n
                for n in re.findall(r"\b((?:provisiond|process)_[a-z_]+)", open(path).read())}
        expect(used and used <= served, "%s reads metrics not served: %r", os.path.basename(path),
               sorted(used - served))


# ------------------------------------------------------------------ structured logs

def json_lines(d, since=0):
    out = []
    for n, line in enumerate(d.log_text().splitlines()[since:], since + 1):
        if not line.strip() or line.startswith("=="):     # valgrind's own lines
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            raise TestFailure("log line %d is not JSON: %r" % (n, line))
        expect(isinstance(obj, dict) and {"time", "level", "message"} <= set(obj),
               "log line %d lacks time, level or message: %r", n, obj)
        expect(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", obj["time"]), "time %r", obj["time"])
        expect(obj["level"] in ("debug", "info", "warning", "error"), "level %r", obj["level"])
        out.append(obj)
    return out


def test_json_log_lines_carry_the_request_id(t):
    with t.new_daemon(overrides={"log_format": "json", "scheduler_interval_ms": "0"}) as d:
        tok = d.create_token("admin", "json-admin")
        t.secrets.append(tok)
        rid = "metrics-json-7f3a"
        st, hd, body, js = d.request("POST", "/v1/tokens", body={"name": "json-made", "role": "hr"},
                                     token=tok, headers={"X-Request-Id": rid})
        expect(st == 201 and hd.get("x-request-id") == rid, "token made under %s: %s %r", rid, st, hd)
        t.secrets.append(js["token"])
        # a value with a quote, a newline and an escape sequence in the logged path
        d.request("GET", '/v1/tokens/x"y%0Az%1B[2J', token=tok, headers={"X-Request-Id": rid + "-b"})
        # the access line is written once the answer is sent: it may come
        # a moment after the client has it (valgrind makes that moment long)
        wait_until(lambda: any(o.get("request_id") == rid + "-b" for o in json_lines(d)), 10 * TIME_SCALE,
                   what="the access line of the odd path")
        lines = json_lines(d)
        mine = [o for o in lines if o.get("request_id") == rid]
        expect(len(mine) >= 2, "want the token line and the access line under %s, got %r", rid, mine)
        expect(any("json-made" in o["message"] for o in mine), "the token line carries the id: %r", mine)
        expect(all(rid not in o["message"] or o.get("request_id") == rid for o in lines),
               "a line that names the request carries its id")
        other = [o for o in lines if "request_id" not in o]
        expect(any("listening on" in o["message"] for o in other), "start-up lines have no request id")
        text = d.log_text()
        for secret in t.secrets:
            expect(secret not in text, "a secret reached the JSON log")
        esc = [o for o in lines if o.get("request_id") == rid + "-b"]
        expect(esc and any('x"y\nz\x1b[2J' in o["message"] for o in esc),
               "the odd path is kept, escaped, in one JSON line: %r", esc)
        # SIGHUP back to text: lines after the reload are text again
        n = len(d.log_text().splitlines())
        d.write_config(log_format="text")
        d.sighup()
        d.request("GET", "/v1/whoami", token=tok, headers={"X-Request-Id": "metrics-text-1"})
        # the access line is written once the answer has gone
        wait_until(lambda: "metrics-text-1" in d.log_text(), 10, what="the request's line after SIGHUP")
        after = d.log_text().splitlines()[n:]
        text_lines = [ln for ln in after if "metrics-text-1" in ln]
        expect(text_lines and all(ln.startswith("20") and "[req=metrics-text-1]" in ln for ln in text_lines),
               "text lines after SIGHUP: %r", after[-5:])
        expect(all(not ln.startswith("{") for ln in after), "no JSON after SIGHUP: %r", after[-5:])


def test_a_bad_log_format_is_refused(t):
    d = t.new_daemon(overrides={"log_format": "yaml"})
    p = subprocess.run([DAEMON_BIN, "-c", d.write_config(), "--check-config"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    err = p.stderr.decode()
    expect(p.returncode == 1 and "log_format" in err and "'yaml' is not text or json" in err,
           "a bad log_format: exit %d %r", p.returncode, err)


if __name__ == "__main__":
    main(globals())
