#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Change-log query latency and export throughput with N entries.

    python3 bench/bench_changelog.py [N]        (default N = 1000000)

Starts a private PostgreSQL + slapd and provisiond, fills the change log
with N chained entries (10,000 people, a year of activity, real hashes),
then measures over HTTP:
  - GET /v1/changelog?employee_number=X (newest 100): p50 / p99 of 300 calls
  - GET /v1/changelog?since=..&until=.. (one day, newest 100): p50 / p99
  - the CSV export of the whole log: seconds, rows/s, MB/s, and the
    daemon's RSS before and after (the export streams: memory stays flat)
  - GET /v1/changelog/verify over the whole chain
with, measured in the same run as baselines, PostgreSQL's own execution
time for the same queries (EXPLAIN ANALYZE) and COPY ... TO STDOUT CSV of
the same rows through psql.
"""
import os
import datetime
import hashlib
import random
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
from harness import Daemon, Stack, request  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
PEOPLE = 10000
AUD = ("control.rojas", "dev-password")

def digest(pos, seq, fields, prev):
    """The hash of an entry as changelog.h defines it (written here from the
    definition, so the bench's verify also checks provisiond's C digest)."""
    first = str(pos) if pos == seq else "%d:%d" % (pos, seq)
    rest = ["\\N" if v is None else v for v in fields]
    return hashlib.sha256("\x1f".join([first] + rest + [prev]).encode()).hexdigest()


def fill(stack, n):
    """n chained entries (pos = seq, as the entries chained before sealing
    existed) by COPY: 10,000 people, a year of activity, real hashes. The
    daemon's sealer then adopts them under its first signed head."""
    last = stack.psql("SELECT coalesce((SELECT max(pos) FROM changelog), 0), coalesce((SELECT hash FROM changelog "
                      "WHERE pos = (SELECT max(pos) FROM changelog)), repeat('0', 64))").strip().split("|")
    s0, prev = int(last[0]), last[1]
    t0 = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=365)
    step = 365 * 86400 * 1000000 // n
    systems, actions = ("workflow", "acct", "grp"), ("hire.submit", "create", "update", "hire.approve", "disable")
    p = subprocess.Popen(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", stack.conninfo, "-c",
                          "COPY changelog (seq, pos, at, actor, actor_role, request_id, employee_number, system, "
                          "action, object, before, after, outcome, error, prev_hash, hash) FROM STDIN"],
                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    out = []
    for i in range(1, n + 1):
        s = s0 + i
        at = (t0 + datetime.timedelta(microseconds=i * step)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        emp = "P%05d" % ((i * 7919) % PEOPLE)
        f = [at, "bench", "system", None, emp, systems[i % 3], actions[i % 5], "uid=" + emp, None,
             '{"state": "step%d", "groups": ["staff"]}' % (i % 7), "ok", None]
        h = digest(s, s, f, prev)
        out.append("\t".join(["%d\t%d" % (s, s)] + ["\\N" if v is None else v for v in f] + [prev, h]))
        prev = h
        if len(out) == 20000:
            p.stdin.write(("\n".join(out) + "\n").encode())
            out = []
    if out:
        p.stdin.write(("\n".join(out) + "\n").encode())
    p.stdin.close()
    if p.wait() != 0:
        raise SystemExit("COPY into changelog failed")
    stack.psql("SELECT setval('changelog_seq_seq', (SELECT max(seq) FROM changelog)); ANALYZE changelog")


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        return {ln.split()[0][:-1]: int(ln.split()[1]) for ln in f if ln.startswith(("VmRSS", "VmHWM"))}


def pg_exec_ms(stack, sql):
    out = stack.psql("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
    import json
    return json.loads(out)[0]["Execution Time"]


def main():
    with Stack() as stack:
        d = Daemon(stack, overrides={"log_level": "warning", "http_threads": "4"}, name="bench")
        with d:
            t0 = time.monotonic()
            fill(stack, N)
            print("filled %d entries in %.1f s" % (N, time.monotonic() - t0), flush=True)
            t0 = time.monotonic()
            while stack.psql("SELECT count(*) FROM changelog_seals").strip() == "0":
                time.sleep(0.1)
            print("the sealer adopted them under a signed head in %.1f s" % (time.monotonic() - t0), flush=True)
            rnd = random.Random(7)

            def timed(path):
                t = time.monotonic()
                st, _, body, _ = request(d.base_url, "GET", path, basic=AUD, timeout=120)
                dt = time.monotonic() - t
                if st != 200:
                    raise SystemExit("%s -> %s %s" % (path, st, body[:200]))
                return dt * 1000.0

            people = ["P%05d" % rnd.randrange(PEOPLE) for _ in range(300)]
            lat_p = [timed("/v1/changelog?employee_number=%s&limit=100" % p) for p in people]
            base_p = [pg_exec_ms(stack, "SELECT * FROM changelog WHERE employee_number = '%s' ORDER BY at DESC, seq DESC "
                                 "LIMIT 101" % p) for p in people[:30]]
            days = [rnd.randrange(1, 364) for _ in range(300)]
            stamps = []
            for dd in days:
                a = stack.psql("SELECT to_char(now() - interval '%d days', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
                               "to_char(now() - interval '%d days', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
                               % (dd + 1, dd)).strip().split("|") if len(stamps) < 30 else None
                stamps.append(a)
            ranges = [s for s in stamps if s][:30]
            lat_t = []
            for i in range(300):
                since, until = ranges[i % len(ranges)]
                lat_t.append(timed("/v1/changelog?since=%s&until=%s&limit=100" % (since, until)))
            base_t = [pg_exec_ms(stack, "SELECT * FROM changelog WHERE at >= '%s' AND at < '%s' ORDER BY at DESC, seq DESC "
                                 "LIMIT 101" % tuple(r)) for r in ranges]

            before = rss_kb(d.proc.pid)
            t = time.monotonic()
            p = subprocess.Popen(["curl", "-s", "-u", "%s:%s" % AUD, d.base_url + "/v1/changelog?format=csv&order=asc"],
                                 stdout=subprocess.PIPE)
            nbytes, nlines, peak = 0, 0, before["VmRSS"]
            while True:
                chunk = p.stdout.read(1 << 20)
                if not chunk:
                    break
                nbytes += len(chunk)
                nlines += chunk.count(b"\n")
                peak = max(peak, rss_kb(d.proc.pid)["VmRSS"])
            p.wait()
            export = time.monotonic() - t
            after = rss_kb(d.proc.pid)
            t = time.monotonic()
            cp = subprocess.run(["psql", "-X", "-q", "-d", stack.conninfo, "-c",
                                 "COPY (SELECT * FROM changelog ORDER BY at, seq) TO STDOUT CSV"],
                                stdout=subprocess.PIPE)
            copy = time.monotonic() - t
            t = time.monotonic()
            st, _, body, js = request(d.base_url, "GET", "/v1/changelog/verify", basic=AUD, timeout=600)
            verify = time.monotonic() - t
            total = int(stack.psql("SELECT count(*) FROM changelog").strip())

    print("entries: %d (%d people)" % (total, PEOPLE))
    print("person filter, newest 100:  p50 %.1f ms  p99 %.1f ms over HTTP   (PostgreSQL alone p50 %.2f ms)"
          % (pct(lat_p, 50), pct(lat_p, 99), statistics.median(base_p)))
    print("one-day range, newest 100:  p50 %.1f ms  p99 %.1f ms over HTTP   (PostgreSQL alone p50 %.2f ms)"
          % (pct(lat_t, 50), pct(lat_t, 99), statistics.median(base_t)))
    print("CSV export: %d rows, %.1f MB in %.1f s = %.0f rows/s, %.1f MB/s; psql COPY of the same: %.1f s "
          "(export takes %.2fx COPY's time)" % (nlines - 1, nbytes / 1e6, export, (nlines - 1) / export,
                                               nbytes / 1e6 / export, copy, export / copy))
    print("daemon RSS: %.1f MiB before the export, %.1f MiB peak during, %.1f MiB after"
          % (before["VmRSS"] / 1024.0, peak / 1024.0, after["VmRSS"] / 1024.0))
    print("verify: %s over %s entries in %.1f s (%.0f entries/s)" % (js and js.get("ok"), js and js.get("entries_checked"),
                                                                   verify, (js or {}).get("entries_checked", 0) / verify))


if __name__ == "__main__":
    main()
