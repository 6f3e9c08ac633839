#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The PostgreSQL store: outages and reconnection, starting before the
database, migrations (once, serialised between daemons, idempotent) and
token bookkeeping in the table.

Run: python3 tests/integration/test_store.py   (see harness.py for the env)
"""
import contextlib
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Daemon, TestFailure, expect, expect_error, main, wait_until  # noqa: E402

PW = "dev-password"
MIGRATION = re.compile(r"^(\d{4})_.+\.sql$")


def health(d, **kw):
    return d.request("GET", "/v1/health", **kw)


def migration_versions(t, conf):
    sd = conf.get("schema_dir")
    expect(sd and os.path.isdir(sd), "schema_dir %r is not a folder", sd)
    return sorted(int(m.group(1)) for m in map(MIGRATION.match, os.listdir(sd)) if m)


def many(t, n, fn):
    """n requests on fresh connections (spread over the daemon's threads)."""
    out = []
    for _ in range(n):
        out.append(fn())
    return out


# ------------------------------------------------------------------ migrations

def test_migrations_recorded_once(t):
    want = migration_versions(t, t.daemon.conf())
    expect(want, "no migrations in schema_dir")
    rows = t.stack.psql("SELECT version, count(*) FROM schema_migrations GROUP BY version "
                        "ORDER BY version").split()
    got = [tuple(map(int, r.split("|"))) for r in rows]
    expect(got == [(v, 1) for v in want], "schema_migrations %r, want each of %r once", got, want)


def test_two_daemons_on_a_fresh_database(t):
    conninfo = t.stack.create_database("fresh_%d" % os.getpid())
    a = Daemon(t.stack, {"db_conninfo": conninfo}, name="fresh-a")
    b = Daemon(t.stack, {"db_conninfo": conninfo}, name="fresh-b")
    try:
        a.start(wait=False)
        b.start(wait=False)
        a.wait_ready(40)
        b.wait_ready(40)
        for d in (a, b):
            st, _, body, _ = health(d)
            expect(st == 200, "%s health: %s %r", d.name, st, body)
        want = migration_versions(t, a.conf())
        rows = t.stack.psql("SELECT version, count(*) FROM schema_migrations GROUP BY version "
                            "ORDER BY version", conninfo=conninfo).split()
        got = [tuple(map(int, r.split("|"))) for r in rows]
        expect(got == [(v, 1) for v in want], "schema_migrations %r, want each of %r once", got, want)
        applied = []
        for d in (a, b):
            m = re.findall(r"\((\d+) migration\(s\) applied", d.log_text())
            applied.append(int(m[-1]) if m else None)
        if None not in applied:
            expect(sum(applied) == len(want),
                   "the two daemons applied %r migrations, want %d in all", applied, len(want))
        # both daemons see the same tokens
        tok = a.create_token("auditor", "shared-token")
        t.secrets.append(tok)
        for d in (a, b):
            st, _, _, js = d.request("GET", "/v1/whoami", token=tok)
            expect(st == 200 and js["roles"] == ["auditor"], "%s whoami: %s %r", d.name, st, js)
        a.stop()
        b.stop()
    finally:
        for d in (a, b):
            if d.alive():
                d.stop(expect_status=None)


def test_migrate_command_is_idempotent(t):
    before = t.stack.psql("SELECT version, name, sha256 FROM schema_migrations ORDER BY version")
    p = t.daemon.cli("migrate")
    expect(p.returncode == 0, "migrate exited %d", p.returncode)
    p = t.daemon.cli("migrate")
    after = t.stack.psql("SELECT version, name, sha256 FROM schema_migrations ORDER BY version")
    expect(before == after, "migrate changed schema_migrations:\n%s\n%s", before, after)


def test_changed_migration_is_refused(t):
    """An applied migration whose file changed is an error, not re-run."""
    import shutil
    src = t.daemon.conf()["schema_dir"]
    dst = os.path.join(t.stack.dir, "schema-changed")
    shutil.copytree(src, dst)
    first = sorted(f for f in os.listdir(dst) if MIGRATION.match(f))[0]
    with open(os.path.join(dst, first), "a") as f:
        f.write("\n-- changed after it was applied\n")
    d = Daemon(t.stack, {"schema_dir": dst}, name="changed-migration")
    p = d.cli("migrate", check=False)
    expect(p.returncode == 1, "migrate with a changed applied migration exited %d", p.returncode)
    expect(first in p.stderr or first[:4] in p.stderr or "0001" in p.stderr,
           "the error should name the migration: %r", p.stderr)


# ------------------------------------------------------------------ tokens in the table

def test_token_rows(t):
    tok = t.daemon.create_token("tim_tech", "row-check")
    t.secrets.append(tok)
    row = t.stack.psql("SELECT name, role, created_by, last_used_at IS NULL, revoked_at IS NULL "
                       "FROM api_tokens WHERE name = 'row-check'").strip()
    name, role, by, unused, active = row.split("|")
    expect(name == "row-check" and role == "tim_tech", "row %r", row)
    expect(by.startswith("cli:"), "created_by %r, want cli:<user>", by)
    expect(unused == "t" and active == "t", "row %r", row)
    expect(t.get("/v1/whoami", token=tok)[0] == 200, "the token works")
    used = wait_until(lambda: t.stack.psql("SELECT last_used_at IS NOT NULL FROM api_tokens "
                                           "WHERE name = 'row-check'").strip() == "t", 5,
                      what="last_used_at to be set")
    expect(used, "last_used_at not set")
    st, _, _, js = t.request("DELETE", "/v1/tokens/row-check", basic=("admin.vargas", PW))
    expect(st == 200, "revoke: %s", st)
    by = t.stack.psql("SELECT revoked_by FROM api_tokens WHERE name = 'row-check'").strip()
    expect(by == "admin.vargas", "revoked_by %r, want admin.vargas", by)


# ------------------------------------------------------------------ outages

def test_health_503_when_database_down(t):
    tok = t.token("hr")
    expect(t.get("/v1/whoami", token=tok)[0] == 200, "token works before the outage")
    t.stack.stop_pg()
    try:
        # why it is down is for operators (a token cannot be checked now: Basic)
        st, hd, body, js = t.get("/v1/health", timeout=30, basic=("admin.vargas", "dev-password"))
        expect(st == 503, "health with PostgreSQL stopped: %s %r", st, body)
        expect(js["status"] == "unavailable", "status %r", js)
        expect(js["database"]["status"] == "down" and js["database"].get("error"),
               "database part %r", js)
        expect(js["directory"]["status"] == "up", "directory should stay up: %r", js)
        # a token cannot be checked: 503, never 401 (the token is not wrong)
        expect_error(t.get("/v1/whoami", token=tok, timeout=30), 503, "unavailable")
        expect_error(t.get("/v1/tokens", token=tok, timeout=30), 503, "unavailable")
        # directory sign-in does not need the database
        st, _, body, _ = t.get("/v1/whoami", basic=("aaf.ramos", PW), timeout=30)
        expect(st == 200, "Basic sign-in with PostgreSQL down: %s %r", st, body)
        # the conninfo (which may hold a password) is not in the answer
        expect("user=" not in body.decode() and "password" not in body.decode().lower(),
               "the answer shows connection details: %r", body)
        expect(t.daemon.alive(), "the daemon died with PostgreSQL down")
    finally:
        t.stack.start_pg()
    wait_until(lambda: t.get("/v1/health")[0] == 200, 20, what="health 200 after PostgreSQL is back")


def test_token_works_after_database_restart(t):
    tok = t.token("hr")
    # every HTTP thread has its own connection: every one must reconnect
    res = many(t, 16, lambda: t.get("/v1/whoami", token=tok)[0])
    expect(res == [200] * 16, "token requests after the PostgreSQL restart: %r", res)
    res = many(t, 8, lambda: t.get("/v1/tokens", token=t.admin_token())[0])
    expect(res == [200] * 8, "GET /v1/tokens after the restart: %r", res)


def test_database_restart_twice_quickly(t):
    tok = t.token("hr")
    for i in range(2):
        t.stack.stop_pg()
        t.stack.start_pg()
        st, _, body, _ = t.get("/v1/whoami", token=tok)
        # the first request after a restart may find a dead connection, but
        # it must not be refused as unauthorized
        expect(st in (200, 503), "round %d: %s %r", i, st, body)
        wait_until(lambda: t.get("/v1/whoami", token=tok)[0] == 200, 10,
                   what="token auth after restart %d" % i)
        res = many(t, 12, lambda: t.get("/v1/whoami", token=tok)[0])
        expect(res == [200] * 12, "round %d: %r", i, res)


@contextlib.contextmanager
def waiting_for_database(t, name, what):
    """PostgreSQL stopped and a new daemon started, which waits for it (its
    log says it retries: what); the block gets the daemon. Afterwards
    PostgreSQL runs again and the daemon, if still running, is stopped."""
    t.stack.stop_pg()
    d = Daemon(t.stack, name=name)
    try:
        d.start(wait=False)
        wait_until(lambda: re.search(r"retry", d.log_text(), re.I), 15, what=what)
        yield d
    finally:
        t.stack.start_pg()
        if d.alive():
            d.stop(expect_status=None)


def test_start_with_database_down(t):
    with waiting_for_database(t, "pg-late", "a log line saying it waits for PostgreSQL") as d:
        expect(d.alive(), "the daemon exited while PostgreSQL was down:\n%s", d.log_tail())
        expect(re.search(r"(postgres|database|connect)", d.log_text(), re.I),
               "the wait message should name the database:\n%s", d.log_tail())
        t.stack.start_pg()
        d.wait_ready(40)
        st, _, body, _ = health(d)
        expect(st == 200, "health once PostgreSQL is up: %s %r", st, body)
        expect(d.request("GET", "/v1/whoami", token=t.token("hr"))[0] == 200, "token auth")
        d.stop()


def test_stop_while_waiting_for_database(t):
    with waiting_for_database(t, "pg-never", "the daemon to wait for PostgreSQL") as d:
        t0 = time.monotonic()
        status = d.stop(timeout=10, expect_status=None)
        expect(time.monotonic() - t0 < 5, "SIGTERM while waiting for PostgreSQL took %.1f s",
               time.monotonic() - t0)
        expect(status in (0, 1), "exit status %s", status)
    wait_until(lambda: t.get("/v1/health")[0] == 200, 20, what="the shared daemon's health")


def test_token_auth_after_idle_database_restart(t):
    """PostgreSQL restarts while the daemon is idle; bearer tokens work at once."""
    tok = t.token("hr")
    t.stack.stop_pg()
    t.stack.start_pg()
    res = many(t, 12, lambda: t.get("/v1/whoami", token=tok)[0])
    expect(res == [200] * 12, "token requests right after an idle PostgreSQL restart: %r", res)


def test_writes_after_idle_database_restart(t):
    """PostgreSQL restarts while the daemon is idle: its connections are
    dead but it has not noticed. The next writes must not fail (the server
    closed the connection before the statement was sent, so nothing can
    have been committed twice)."""
    adm = ("admin.vargas", PW)   # Basic: the auth itself needs no database
    t.stack.stop_pg()
    t.stack.start_pg()
    res = []
    for i in range(8):
        st, _, body, js = t.request("POST", "/v1/tokens", body={"name": "after-restart-%d" % i,
                                                               "role": "hr"}, basic=adm)
        res.append(st)
        if st == 201:
            t.secrets.append(js["token"])
    expect(res == [201] * 8, "POST /v1/tokens right after an idle PostgreSQL restart: %r "
           "(503 = a dead connection was used for a write without reconnecting)", res)


if __name__ == "__main__":
    main(globals())
