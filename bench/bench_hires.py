#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end hire throughput against a raw-LDAP baseline, in one run.

    python3 bench/bench_hires.py [N]        (default N = 500)

Starts a private PostgreSQL + slapd (contrib/stack/pvd-stack), then:
  1. provisiond with the ldap-account and ldap-group plugins and a policy
     that approves automatically; N hires are submitted over HTTP (8 client
     threads) and timed until every request is closed (submission, queue,
     both plugins, change log, workflow steps);
  2. the baseline: the same directory writes (the account entry and its
     three group memberships) for N other people, applied raw with one
     ldapmodify over one connection.
Prints hires/s for both, their ratio and the daemon's peak RSS (VmHWM).
Needs a build (PROVISIOND_BIN or .build/provisiond/provisiond).
"""
import os
import re
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
import harness  # noqa: E402
from harness import BUILDDIR, Daemon, Stack, letters, request  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 500
THREADS = 8



def hire(num, i):
    return {"employee_number": num, "national_id": "B-" + num, "given_names": "Bench",
            "family_names": "Person" + letters(i), "unit": "tributaria", "position": "analista-tributario",
            "contract_type": "staff", "start_date": "2026-12-01"}


LDAP_OP = re.compile(r" conn=\d+ op=\d+ (SRCH|ADD|MOD|DEL|MODRDN) (base|dn)=\"([^\"]*)\"")


def ldap_ops(stack, since=0):
    """The operations slapd's stats log names after offset since: ({kind: n}, pings, new offset).
    A search of the root DSE (a health check) is a ping, not an operation."""
    path = os.path.join(stack.dir, "ldap", "slapd.log")
    counts, pings = {}, 0
    with open(path, "rb") as f:
        f.seek(since)
        data = f.read()
    for line in data.decode(errors="replace").splitlines():
        m = LDAP_OP.search(line)
        if not m:
            continue
        if m.group(1) == "SRCH" and m.group(3) == "":
            pings += 1
            continue
        counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    return counts, pings, since + len(data)


def run_daemon(stack):
    base = stack.env.get("PVD_LDAP_BASE", "dc=example,dc=org")
    ov = {
        "plugin_dir": os.path.join(BUILDDIR, "plugins"),
        "queue_workers": "4", "http_threads": "8", "log_level": "warning",
        "workflow_auto_hire": "review, verification, report, conclusion, close",
        "plugin.acct.library": "ldap-account", "plugin.acct.uri": stack.ldapi_url(),
        "plugin.acct.auth": "sasl_external", "plugin.acct.people_dn": "ou=people," + base,
        "plugin.grp.library": "ldap-group", "plugin.grp.after": "acct", "plugin.grp.uri": stack.ldapi_url(),
        "plugin.grp.auth": "sasl_external", "plugin.grp.groups_dn": "ou=groups," + base,
        "plugin.grp.people_dn": "ou=people," + base,
        "plugin.grp.unit.tributaria": "tributaria, tributario-users", "plugin.grp.all": "staff",
    }
    d = Daemon(stack, overrides=ov, name="bench")
    with d:
        tok = d.create_token("hr", "bench-hr")
        mon = d.create_token("monitor", "bench-monitor")

        def metric(name, labels=None):
            st, _, body, _ = request(d.base_url, "GET", "/metrics", token=mon)
            for n, lb, v in harness.parse_prometheus(body.decode()):
                if n == name and (labels is None or all(lb.get(k) == w for k, w in labels.items())):
                    return v
            raise SystemExit("no %s in /metrics" % name)

        def round_trips():
            return metric("provisiond_db_round_trips_total")

        def claims():
            return (metric("provisiond_queue_claims_total", {"found": "yes"}),
                    metric("provisiond_queue_claims_total", {"found": "no"}))
        rt0 = round_trips()
        cl0 = claims()
        _, _, log0 = ldap_ops(stack)
        nums = ["B%06d" % i for i in range(N)]
        errors = []

        def worker(k):
            for i in range(k, N, THREADS):
                st, _, body, _ = request(d.base_url, "POST", "/v1/hires", body=hire(nums[i], i), token=tok,
                                         timeout=60)
                if st != 201:
                    errors.append((st, body[:200]))
        t0 = time.monotonic()
        ths = [threading.Thread(target=worker, args=(k,)) for k in range(THREADS)]
        for th in ths:
            th.start()
        for th in ths:
            th.join()
        submitted = time.monotonic() - t0
        if errors:
            raise SystemExit("submissions failed: %r" % errors[:3])
        while True:
            n = int(stack.psql("SELECT count(*) FROM requests WHERE type = 'hire' AND state = 'closed'").strip())
            if n >= N:
                break
            if time.monotonic() - t0 > 600:
                raise SystemExit("only %d of %d hires closed after 600 s" % (n, N))
            time.sleep(0.05)
        total = time.monotonic() - t0
        trips = (round_trips() - rt0 - 1) / N
        cl1 = claims()
        claimed = ((cl1[0] - cl0[0]) / N, (cl1[1] - cl0[1]) / N)
        time.sleep(0.5)     # slapd's log catches up
        ops, pings, _ = ldap_ops(stack, log0)
        with open("/proc/%d/status" % d.proc.pid) as f:
            hwm = [ln.split()[1] for ln in f if ln.startswith("VmHWM")][0]
        # how long entries waited for the sealer: each entry's age when its seal was made
        while stack.psql("SELECT count(*) FROM changelog WHERE pos IS NULL").strip() != "0":
            time.sleep(0.05)
        lag = stack.psql("SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY l)::numeric, 3), "
                         "round(percentile_cont(0.99) WITHIN GROUP (ORDER BY l)::numeric, 3), round(max(l)::numeric, 3) "
                         "FROM (SELECT extract(epoch FROM s.sealed_at - c.at) AS l FROM changelog c JOIN LATERAL "
                         "(SELECT sealed_at FROM changelog_seals WHERE last_pos >= c.pos ORDER BY last_pos LIMIT 1) s "
                         "ON true) x").strip().split("|")
        return total, submitted, int(hwm), trips, lag, claimed, ops, pings


def run_baseline(stack):
    base = stack.env.get("PVD_LDAP_BASE", "dc=example,dc=org")
    out = []
    for i in range(N):
        uid = "raw.person%d" % i
        dn = "uid=%s,ou=people,%s" % (uid, base)
        out.append("dn: %s\nchangetype: add\nobjectClass: inetOrgPerson\nobjectClass: posixAccount\n"
                   "objectClass: shadowAccount\nobjectClass: pvdPerson\nuid: %s\ncn: Raw Person%d\nsn: Person%d\n"
                   "givenName: Raw\ndisplayName: Raw Person%d\nemployeeNumber: R%06d\nuidNumber: %d\n"
                   "gidNumber: 10000\nhomeDirectory: /home/%s\nloginShell: /bin/bash\nmail: %s@example.org\n"
                   "ou: tributaria\ntitle: analista-tributario\npvdContractType: staff\npvdUnit: tributaria\n"
                   "pvdPosition: analista-tributario\npvdManaged: TRUE\n"
                   % (dn, uid, i, i, i, i, 900000 + i, uid, uid))
        for g in ("tributaria", "tributario-users", "staff"):
            out.append("dn: cn=%s,ou=groups,%s\nchangetype: modify\nadd: member\nmember: %s\n" % (g, base, dn))
    ldif = "\n".join(out)
    pw = open(stack.env["PVD_LDAP_ADMIN_PW_FILE"]).read().strip()
    t0 = time.monotonic()
    p = subprocess.run(["ldapmodify", "-x", "-H", stack.ldapi_url(), "-D", stack.env["PVD_LDAP_ADMIN_DN"],
                        "-w", pw], input=ldif.encode(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = time.monotonic() - t0
    if p.returncode != 0:
        raise SystemExit("baseline ldapmodify failed: %s" % p.stderr.decode()[:500])
    return dt


def main():
    with Stack() as stack:
        total, submitted, hwm_kb, trips, lag, claimed, ops, pings = run_daemon(stack)
        raw = run_baseline(stack)
    print("provisiond: %d hires end to end in %.2f s = %.1f hires/s (submissions took %.2f s)"
          % (N, total, N / total, submitted))
    print("baseline:   the same directory writes raw with one ldapmodify: %.2f s = %.1f hires/s" % (raw, N / raw))
    print("ratio:      provisiond runs at %.2f of the raw LDAP rate (%.1fx slower)" % ((N / total) / (N / raw),
                                                                                     total / raw))
    print("peak RSS:   %.1f MiB (VmHWM of the daemon)" % (hwm_kb / 1024.0))
    print("SQL:        %.1f round trips per hire (pipelines counting once)" % trips)
    print("queue:      %.2f claims per hire found an operation, %.2f found none" % claimed)
    print("LDAP:       %.2f operations per hire in slapd's stats log (%s), besides %.2f root DSE checks"
          % (sum(ops.values()) / N, ", ".join("%s %.2f" % (k, v / N) for k, v in sorted(ops.items())), pings / N))
    print("sealing:    an entry waited p50 %s s, p99 %s s, max %s s for its signed seal" % tuple(lag))


if __name__ == "__main__":
    main()
