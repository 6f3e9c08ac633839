#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The db-role plugin against a real PostgreSQL database standing for an
application's: a hired person connects with the level's group role (their
directory password, through pg_hba's ldap method) and can do what the level
allows and nothing more; after the exit the connection is refused; a rehire
restores it. Directly through the plugin: role names with quotes and spaces,
a role that is not ours (CONFLICT), granting twice (NOOP), dry run, and a
database that is down (RETRY).

Run: python3 tests/integration/test_dbrole.py
"""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ok, act, BUILDDIR, expect, main, wait_until  # noqa: E402
from harness import HR, HEAD, LEAD, TECH  # noqa: E402

RUN = os.path.join(BUILDDIR, "tests", "plugins", "pvd-plugin-run")
_setup = {}


def setup_app_db(t):
    """appdb with a table and two levels; pg_hba: people log in with their directory password."""
    if _setup:
        return _setup
    st = t.stack
    su = st.superuser_conninfo("postgres")
    st.psql("CREATE DATABASE appdb", conninfo=su)
    app = st.superuser_conninfo("appdb")
    st.psql("CREATE TABLE tributos (id serial PRIMARY KEY, monto integer NOT NULL); "
            "INSERT INTO tributos (monto) VALUES (10), (20); "
            "CREATE ROLE tributario_read NOLOGIN; GRANT SELECT ON tributos TO tributario_read; "
            "CREATE ROLE tributario_write NOLOGIN; GRANT SELECT, INSERT ON tributos TO tributario_write; "
            "GRANT USAGE ON SEQUENCE tributos_id_seq TO tributario_write", conninfo=app)
    base = st.env.get("PVD_LDAP_BASE", "dc=example,dc=org")
    hba = os.path.join(st.env["PVD_PG_DATA"], "pg_hba.conf")
    with open(hba) as f:
        old = f.read()
    with open(hba, "w") as f:
        f.write("host appdb postgres 127.0.0.1/32 trust\n"
                'host appdb all 127.0.0.1/32 ldap ldapserver=127.0.0.1 ldapport=%d ldapprefix="uid=" '
                'ldapsuffix=",ou=people,%s"\n' % (st.ldap_port, base) + old)
    st.psql("SELECT pg_reload_conf()", conninfo=su)
    _setup.update(app=app, base=base)
    return _setup


def as_person(t, uid, password, sql):
    ci = "host=127.0.0.1 port=%d dbname=appdb user=%s password=%s connect_timeout=5" % (t.stack.pg_port, uid, password)
    p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", ci, "-c", sql],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode().strip(), p.stderr.decode()


def conf(t, **extra):
    s = setup_app_db(t)
    base = s["base"]
    c = {"plugin_dir": os.path.join(BUILDDIR, "plugins"), "queue_workers": "2", "queue_backoff_base": "1",
         "queue_backoff_max": "2",
         "plugin.acct.library": "ldap-account", "plugin.acct.uri": t.stack.ldapi_url(),
         "plugin.acct.people_dn": "ou=people," + base,
         "plugin.db.library": "db-role", "plugin.db.after": "acct", "plugin.db.conninfo": s["app"],
         "plugin.db.unit.tributaria": "tributario_read",
         "plugin.db.position.jefe-tributaria": "tributario_write"}
    c.update(extra)
    return c




def wait_state(d, rid, state):
    wait_until(lambda: ok(d.request("GET", "/v1/requests/%d" % rid, basic=HEAD))["state"] == state, 30,
               interval=0.1, what="request %d to reach %s" % (rid, state))
    return ok(d.request("GET", "/v1/requests/%d" % rid, basic=HEAD))


def close(d, rid):
    ok(act(d, rid, "approve", LEAD))
    ok(act(d, rid, "approve", HEAD, note="concluido"))
    ok(act(d, rid, "confirm", HR))


def test_person_uses_the_level_and_nothing_more(t):
    with t.new_daemon(overrides=conf(t)) as d:
        body = {"employee_number": "DB0001", "national_id": "CI-DB1", "given_names": "Base", "family_names": "Datos",
                "unit": "tributaria", "position": "analista-tributario", "contract_type": "staff",
                "start_date": "2026-01-01"}
        js = ok(d.request("POST", "/v1/hires", body=body, basic=HR), 201)
        rid, uid = js["id"], js["person"]["uid"]
        ok(act(d, rid, "approve", HEAD))
        js = wait_state(d, rid, "verification")
        db = [o for o in js["operations"] if o["instance"] == "db"][0]
        expect(db["outcome"] == "ok" and db["object"] == "role %s" % uid, "role made: %r", db)
        tok = ok(d.request("POST", "/v1/people/DB0001/password-token", basic=TECH), 201)["token"]
        ok(d.request("POST", "/v1/password", body={"token": tok, "new_password": "Clave-de-base-1"}))
        rc, out, err = as_person(t, uid, "Clave-de-base-1", "SELECT sum(monto) FROM tributos")
        expect(rc == 0 and out == "30", "read level reads: %r %r", out, err)
        rc, out, err = as_person(t, uid, "Clave-de-base-1", "INSERT INTO tributos (monto) VALUES (1)")
        expect(rc != 0 and "permission denied" in err, "read level cannot write: %r", err)
        ok(act(d, rid, "confirm", (uid, "Clave-de-base-1"), note="entro a tributario"))
        close(d, rid)
        # exit: the connection is refused, the role stays (NOLOGIN, levels revoked and recorded)
        js = ok(d.request("POST", "/v1/exits", body={"employee_number": "DB0001", "effective_at": "2026-01-01T00:00:00Z",
                                                      "reason": "fin"}, basic=HR), 201)
        ok(act(d, js["id"], "approve", HEAD))
        wait_state(d, js["id"], "report_review")
        rc, out, err = as_person(t, uid, "Clave-de-base-1", "SELECT 1")
        expect(rc != 0, "a departed person cannot connect: %r", out)
        row = t.stack.psql("SELECT rolcanlogin FROM pg_roles WHERE rolname = '%s'" % uid,
                           conninfo=_setup["app"]).strip()
        expect(row == "f", "the role is kept, without login: %r", row)
        rows = t.stack.psql("SELECT before::text FROM changelog WHERE system = 'db' AND action = 'disable'")
        expect("tributario_read" in rows, "the revoked level is recorded: %r", rows)
        close(d, js["id"])
        # rehire, now as head of the unit: the write level
        body.update(position="jefe-tributaria")
        js = ok(d.request("POST", "/v1/hires", body=body, basic=HR), 201)
        ok(act(d, js["id"], "approve", HEAD))
        wait_state(d, js["id"], "verification")
        rc, out, err = as_person(t, uid, "Clave-de-base-1", "INSERT INTO tributos (monto) VALUES (5) RETURNING monto")
        expect(rc == 0 and out == "5", "rehired with the write level: %r %r", out, err)


def run_plugin(t, intent, person, conninfo=None, dry=False):
    d = tempfile.mkdtemp(prefix="pvd-db-")
    cfg = os.path.join(d, "c.conf")
    with open(t.daemon.conf_path) as f:
        lines = [ln for ln in f if not ln.startswith("plugin.")]
    with open(cfg, "w") as f:
        f.writelines(lines)
        f.write("plugin_dir = %s\nplugin.db.library = db-role\nplugin.db.conninfo = %s\n"
                "plugin.db.unit.tributaria = tributario_read\n" % (os.path.join(BUILDDIR, "plugins"),
                                                                  conninfo or _setup["app"]))
    pf = os.path.join(d, "p.json")
    with open(pf, "w") as f:
        json.dump(person, f)
    args = [RUN, "-c", cfg, "-i", "db", "-o", intent, "-p", pf] + (["-n"] if dry else [])
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    expect(p.returncode == 0, "pvd-plugin-run: %r", p.stderr)
    return json.loads(p.stdout)


def test_plugin_edges(t):
    setup_app_db(t)
    odd = {"uid": 'o\'brien "x" y', "employee_number": "DB0002", "unit": "tributaria", "position": "x"}
    r = run_plugin(t, "create", odd, dry=True)
    expect(r["status"] == "ok" and "would create" in r["message"], "dry run %r", r)
    n = t.stack.psql("SELECT count(*) FROM pg_roles WHERE rolname = 'o''brien \"x\" y'", conninfo=_setup["app"]).strip()
    expect(n == "0", "the dry run changed nothing")
    r = run_plugin(t, "create", odd)
    expect(r["status"] == "ok", "quoted role created: %r", r)
    n = t.stack.psql("SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member JOIN pg_roles g "
                     "ON g.oid = m.roleid WHERE r.rolname = 'o''brien \"x\" y' AND g.rolname = 'tributario_read'",
                     conninfo=_setup["app"]).strip()
    expect(n == "1", "exact name, level granted: %r", n)
    r = run_plugin(t, "create", odd)
    expect(r["status"] == "noop", "granting twice is a NOOP: %r", r)
    t.stack.psql("CREATE ROLE notours LOGIN", conninfo=_setup["app"])
    r = run_plugin(t, "create", {"uid": "notours", "employee_number": "DB0003", "unit": "tributaria"})
    expect(r["status"] == "conflict", "a role not ours is a conflict: %r", r)
    r = run_plugin(t, "disable", {"uid": "nobody.here", "employee_number": "DB0004"})
    expect(r["status"] == "notfound", "disabling nothing: %r", r)
    r = run_plugin(t, "create", odd, conninfo="host=127.0.0.1 port=1 dbname=appdb user=postgres connect_timeout=2")
    expect(r["status"] == "retry" and "connect" in r["message"], "a database that is down is RETRY: %r", r)


if __name__ == "__main__":
    main(globals())
