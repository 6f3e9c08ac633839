#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Start-up: from exec to the first 200 of GET /v1/health, against the time
to open the same two connections by hand.

    python3 bench/bench_startup.py [N]        (default N = 10 starts)

Starts a private PostgreSQL + slapd, runs the daemon once so the schema is
migrated, then N times: exec provisiond, poll /v1/health every millisecond
on a fresh connection, stop it. The baseline, measured in the same run:
one PostgreSQL connection answering SELECT 1 (psycopg-free: psql) and one
LDAP connection answering a whoami over the same ldapi socket with the
same SASL EXTERNAL bind (ldapwhoami) — what any start-up has to wait for.
"""
import os
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
from harness import Daemon, Stack  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10


def health_status(port):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=1)
    except OSError:
        return 0
    try:
        s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = s.recv(64)
        return int(data.split()[1]) if data.startswith(b"HTTP/") else 0
    except (OSError, ValueError, IndexError):
        return 0
    finally:
        s.close()


def spread(xs):
    return "median %.1f ms (min %.1f, max %.1f)" % (statistics.median(xs), min(xs), max(xs))


def main():
    with Stack() as stack:
        d = Daemon(stack, overrides={"log_level": "warning"}, name="boot")
        with d:
            pass   # migrations applied once
        times = []
        for _ in range(N):
            t0 = time.monotonic()
            d.start(wait=False)
            while True:
                st = health_status(d.port)
                if st == 200:
                    break
                if time.monotonic() - t0 > 30:
                    raise SystemExit("no 200 from /v1/health in 30 s (last %s); log:\n%s" % (st, d.log_tail()))
                time.sleep(0.001)
            times.append((time.monotonic() - t0) * 1000)
            d.stop()
        base = []
        for _ in range(N):
            t0 = time.monotonic()
            subprocess.run(["psql", "-X", "-q", "-A", "-t", "-d", stack.conninfo, "-c", "SELECT 1"],
                           stdout=subprocess.DEVNULL, check=True)
            subprocess.run(["ldapwhoami", "-Q", "-Y", "EXTERNAL", "-H", stack.ldapi_url()],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            base.append((time.monotonic() - t0) * 1000)
    print("start-up to a 200 from /v1/health: %s over %d starts" % (spread(times), N))
    print("baseline: psql SELECT 1 + ldapwhoami over ldapi: %s" % spread(base))
    print("ratio: %.2f of the baseline's median" % (statistics.median(times) / statistics.median(base)))


if __name__ == "__main__":
    main()
