#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Scheduled exits all due at once: how long until the scheduler has started
every one, with one thread (the baseline, as before batches) and with the
default scheduler_threads, in one run.

    python3 bench/bench_exits.py [N]        (default N = 10000)

Starts a private PostgreSQL + slapd (contrib/stack/pvd-stack). For each of
the two runs, N active people and their approved exits (state scheduled,
effective a few seconds ahead) are written straight into the database, then
a daemon with the ldap-account and ldap-group plugins and no queue workers
(the bench measures the starts, not the directory writes) is started and
the time from the effective time to the last start is taken from the
request steps. Prints exits/s for both and their ratio.
Needs a build (PROVISIOND_BIN or .build/provisiond/provisiond).
"""
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
from harness import BUILDDIR, Daemon, Stack  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
AHEAD = 8   # seconds between seeding and the effective time (the daemon starts meanwhile)


def seed(stack, tag):
    """N active people and their scheduled exits, due AHEAD s from now; returns the due time (SQL text)."""
    due = stack.psql("SELECT to_char((now() + interval '%d seconds') AT TIME ZONE 'UTC', "
                     "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')" % AHEAD).strip()
    stack.psql(
        "INSERT INTO people (employee_number, national_id, given_names, family_names, unit, position, "
        "contract_type, start_date, status, uid, uid_number, mail) "
        "SELECT '{t}' || lpad(i::text, 6, '0'), 'CI-{t}' || i, 'Bench', 'Salida', 'tributaria', "
        "'analista-tributario', 'staff', '2026-01-01', 'active', 'x{t}.' || i, {base} + i, "
        "'x{t}.' || i || '@example.org' FROM generate_series(1, {n}) i".format(t=tag, n=N, base=400000 if tag == "a"
                                                                                   else 600000))
    stack.psql(
        "INSERT INTO requests (type, state, person_id, payload, effective_at, submitted_by, submitted_role, "
        "submitted_owner) "
        "SELECT 'exit', 'scheduled', p.id, jsonb_build_object('employee_number', p.employee_number, "
        "'effective_at', '{d}', 'reason', 'bench'), '{d}'::timestamptz, 'aaf.bench', 'hr', 'aaf.bench' "
        "FROM people p WHERE p.employee_number LIKE '{t}%'".format(d=due, t=tag))
    return due


def run(stack, threads, tag):
    base = stack.env.get("PVD_LDAP_BASE", "dc=example,dc=org")
    due = seed(stack, tag)
    ov = {
        "plugin_dir": os.path.join(BUILDDIR, "plugins"), "log_level": "warning",
        "queue_workers": "0", "scheduler_threads": str(threads), "scheduler_interval_ms": "200",
        "plugin.acct.library": "ldap-account", "plugin.acct.uri": stack.ldapi_url(),
        "plugin.acct.auth": "sasl_external", "plugin.acct.people_dn": "ou=people," + base,
        "plugin.grp.library": "ldap-group", "plugin.grp.after": "acct", "plugin.grp.uri": stack.ldapi_url(),
        "plugin.grp.auth": "sasl_external", "plugin.grp.groups_dn": "ou=groups," + base,
        "plugin.grp.people_dn": "ou=people," + base, "plugin.grp.all": "staff",
    }
    with Daemon(stack, overrides=ov, name="exits-%s" % tag):
        t0 = time.monotonic()
        while True:
            left = int(stack.psql("SELECT count(*) FROM requests r JOIN people p ON p.id = r.person_id "
                                  "WHERE r.state = 'scheduled' AND p.employee_number LIKE '%s%%'" % tag).strip())
            if left == 0:
                break
            if time.monotonic() - t0 > 900:
                raise SystemExit("%d exits still scheduled after 900 s" % left)
            time.sleep(0.2)
    row = stack.psql("SELECT extract(epoch FROM max(s.at) - '%s'::timestamptz), count(*), "
                     "(SELECT count(*) FROM operations o JOIN requests r ON r.id = o.request_id JOIN people p "
                     "ON p.id = r.person_id WHERE p.employee_number LIKE '%s%%') "
                     "FROM request_steps s JOIN requests r ON r.id = s.request_id JOIN people p ON p.id = r.person_id "
                     "WHERE s.action = 'start' AND p.employee_number LIKE '%s%%'" % (due, tag, tag)).strip().split("|")
    took, starts, ops = float(row[0]), int(row[1]), int(row[2])
    if starts != N:
        raise SystemExit("%d starts recorded for %d exits" % (starts, N))
    return took, ops


def main():
    with Stack() as stack:
        with Daemon(stack, overrides={"scheduler_interval_ms": "0", "log_level": "warning"}, name="migrate"):
            pass    # the schema
        one, ops1 = run(stack, 1, "a")
        many, ops4 = run(stack, 4, "b")
    print("baseline:   %d exits due at once, 1 scheduler thread: all started %.1f s after their time "
          "(%.0f exits/s, %d operations queued)" % (N, one, N / one, ops1))
    print("provisiond: the same with scheduler_threads = 4: %.1f s (%.0f exits/s, %d operations queued)"
          % (many, N / many, ops4))
    print("ratio:      %.2fx the baseline's rate" % (one / many))


if __name__ == "__main__":
    main()
