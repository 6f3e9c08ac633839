#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The change log for auditors: filters, keyset paging that stays correct
while entries arrive, CSV and JSON Lines exports, the roles that may read
it, tamper evidence (an altered, a deleted and an inserted row are each
found by verify, over HTTP and from the command line), and the database
refusing UPDATE and DELETE to the application's own role.

Run: python3 tests/integration/test_changelog.py
"""
import base64
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import letters, ok, file_hire, DAEMON_BIN, expect, expect_error, main, wait_until  # noqa: E402
from harness import parse_prometheus  # noqa: E402
from harness import HR, HEAD, TECH, AUDITOR, ADMIN  # noqa: E402

_seq = [0]




def hires(t, n):
    out = []
    for _ in range(n):
        _seq[0] += 1
        num = "L%05d" % _seq[0]
        js = file_hire(t, num, "Log", "Person" + letters(_seq[0]))
        ok(t.request("POST", "/v1/requests/%d/approve" % js["id"], basic=HEAD))
        out.append((num, js["id"]))
    return out


def cl(t, query="", who=AUDITOR):
    return t.request("GET", "/v1/changelog" + query, basic=who)


def verify(t):
    return ok(t.request("GET", "/v1/changelog/verify", basic=AUDITOR))


def superuser_db(t):
    ci = t.stack.conninfo
    import re
    m = re.search(r"dbname\s*=\s*(\S+)", ci)
    return t.stack.superuser_conninfo(m.group(1) if m else "provisiond")


def test_filters_and_roles(t):
    made = hires(t, 3)
    num, rid = made[0]
    js = ok(cl(t, "?employee_number=%s" % num))
    acts = sorted(i["action"] for i in js["items"])
    expect(acts == ["hire.approve", "hire.submit", "person.create"], "entries of one person: %r", acts)
    expect(all(i["employee_number"] == num for i in js["items"]), "filter by person")
    js = ok(cl(t, "?request_id=%d&action=hire.approve" % rid))
    expect(len(js["items"]) == 1 and js["items"][0]["actor"] == "tim.mendoza"
           and js["items"][0]["before"] == {"state": "submitted"}, "filter by request and action: %r", js["items"])
    js = ok(cl(t, "?actor=tim.mendoza&system=workflow&outcome=ok&order=asc&limit=1000"))
    seqs = [i["seq"] for i in js["items"]]
    expect(seqs == sorted(seqs) and len(seqs) >= 3, "oldest first: %r", seqs[:5])
    first = js["items"][0]["at"]
    js = ok(cl(t, "?since=2000-01-01T00:00:00Z&until=2999-01-01T00:00:00Z&limit=5"))
    expect(len(js["items"]) == 5 and js["next_cursor"], "time range and limit")
    for who in (HR, TECH, ("trib.nunez", "dev-password")):
        expect_error(cl(t, "", who), 403, "forbidden")
    ok(cl(t, "", HEAD))
    ok(cl(t, "", ("tim.quispe", "dev-password")))
    for q, field in (("?since=yesterday", "since"), ("?until=2026-13-01T00:00:00Z", "until"),
                     ("?since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z", "until"),
                     ("?cursor=abc", "cursor"), ("?limit=0", "limit"), ("?order=sideways", "order"),
                     ("?format=xml", "format"), ("?request_id=x", "request_id"), ("?colour=red", "colour")):
        expect_error(cl(t, q), 400, "invalid_field", field)
    expect(first, "entries carry times")


def test_paging_is_stable_while_entries_arrive(t):
    hires(t, 4)
    seen = []
    js = ok(cl(t, "?limit=3"))
    seen += [i["seq"] for i in js["items"]]
    cursor = js["next_cursor"]
    hires(t, 2)   # new entries arrive between pages
    pages = 0
    while cursor and pages < 1000:
        js = ok(cl(t, "?limit=3&cursor=%s" % cursor))
        seen += [i["seq"] for i in js["items"]]
        cursor = js["next_cursor"]
        pages += 1
    expect(seen == sorted(seen, reverse=True) and len(seen) == len(set(seen)), "no entry twice, none skipped")
    expect(seen[-1] == 1 and seen[0] - seen[-1] + 1 == len(seen), "every entry up to the first page's newest")


def test_exports(t):
    total = int(t.stack.psql("SELECT count(*) FROM changelog").strip())
    st, hd, body, _ = cl(t, "?format=csv&order=asc")
    expect(st == 200 and hd["content-type"].startswith("text/csv"), "csv %s %r", st, hd)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    expect(rows[0][:3] == ["seq", "at", "actor"] and len(rows) - 1 >= total, "csv rows %d vs %d", len(rows) - 1, total)
    expect([int(r[0]) for r in rows[1:]] == sorted(int(r[0]) for r in rows[1:]), "csv in order")
    st, hd, body, _ = cl(t, "?format=jsonl&action=hire.submit")
    lines = [json.loads(x) for x in body.decode().splitlines()]
    expect(st == 200 and lines and all(x["action"] == "hire.submit" for x in lines), "jsonl filtered")
    n = int(t.stack.psql("SELECT count(*) FROM changelog WHERE action = 'hire.submit'").strip())
    expect(len(lines) == n, "jsonl has every match (%d vs %d)", len(lines), n)
    # filters reach COPY as values, never as SQL text; a cell a spreadsheet would run is defused
    t.stack.psql("INSERT INTO changelog (at, actor, actor_role, employee_number, system, action, object, outcome) "
                 "VALUES (now(), '=HYPERLINK(\"http://x\")', 'admin', 'O''Brien', 'workflow', 'x', "
                 "'-a,b \"c\"', 'ok')")
    st, _, body, _ = cl(t, "?format=csv&employee_number=O'Brien")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    expect(st == 200 and len(rows) == 2, "one entry for O'Brien: %r", rows)
    row = dict(zip(rows[0], rows[1]))
    expect(row["actor"] == "'=HYPERLINK(\"http://x\")" and row["action"] == "x" and row["object"] == "'-a,b \"c\""
           and row["employee_number"] == "O'Brien", "defused and quoted: %r", row)
    st, _, body, _ = cl(t, "?format=csv&employee_number=x'%20OR%20'1'='1")
    expect(st == 200 and len(body.decode().splitlines()) == 1, "an injection attempt is just a value: %r", body[:300])


def cli_verify(t):
    p = subprocess.run([DAEMON_BIN, "-c", t.daemon.conf_path, "changelog", "verify"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode()


def settle(t):
    """Waits until no provisioning runs and the sealer has chained every entry."""
    def quiet():
        return t.stack.psql("SELECT (SELECT count(*) FROM operations WHERE state IN ('pending', 'running')), "
                            "(SELECT count(*) FROM changelog WHERE pos IS NULL)").strip() == "0|0"
    wait_until(quiet, 30, what="the queue drained and the change log sealed")


def max_pos(t):
    return int(t.stack.psql("SELECT max(pos) FROM changelog").strip())


class Tamper:
    """What someone going around the application could do, as a database
    superuser: triggers off, change, triggers on. restore() puts back the
    log and its seals as they were when this was made."""

    def __init__(self, t):
        self.t = t
        self.db = superuser_db(t)
        t.stack.psql("DROP TABLE IF EXISTS cl_all, seals_all; CREATE TABLE cl_all AS SELECT * FROM changelog; "
                     "CREATE TABLE seals_all AS SELECT * FROM changelog_seals", conninfo=self.db)

    def __call__(self, sql):
        self.t.stack.psql("ALTER TABLE changelog DISABLE TRIGGER USER; ALTER TABLE changelog_seals DISABLE TRIGGER "
                          "USER; %s; ALTER TABLE changelog ENABLE TRIGGER USER; ALTER TABLE changelog_seals ENABLE "
                          "TRIGGER USER" % sql, conninfo=self.db)

    def restore(self):
        self("DELETE FROM changelog; INSERT INTO changelog SELECT * FROM cl_all; DELETE FROM changelog_seals; "
             "INSERT INTO changelog_seals SELECT * FROM seals_all")
        js = verify(self.t)
        expect(js["ok"] is True, "restored: %r", js)


# the SQL twin of the hash provisiond computes (changelog_digest in C)
REHASH = ("encode(sha256(convert_to(changelog_digest_input(pos, seq, at, actor, actor_role, request_id, "
          "employee_number, system, action, object, before, after, outcome, error, prev_hash), 'UTF8')), 'hex')")


def bad(js):
    b = js["first_bad"]
    return (b["pos"], b["kind"]) if b else None


def test_verify_names_the_first_bad_entry(t):
    hires(t, 3)
    settle(t)
    js = verify(t)
    expect(js["ok"] is True and js["first_bad"] is None and js["entries_checked"] > 10 and js["seals_checked"] >= 1
           and js["signatures_checked"] is True and js["unsealed"]["count"] == 0, "intact chain %r", js)
    rc, out = cli_verify(t)
    expect(rc == 0 and out.startswith("ok: "), "cli verify ok: %r", out)
    k = max_pos(t) // 2
    tamper = Tamper(t)

    # altered in place
    tamper("UPDATE changelog SET actor = 'someone.else' WHERE pos = %d" % k)
    js = verify(t)
    expect(js["ok"] is False and bad(js) == (k, "altered"), "altered row found at %d: %r", k, js)
    rc, out = cli_verify(t)
    expect(rc == 1 and ("BROKEN at pos %d" % k) in out and "altered" in out, "cli verify reports it: %r", out)
    tamper.restore()

    # altered and its hash recomputed: its successor is chained to another hash, so the entry
    # itself is named (before, the successor was named: one entry too late)
    tamper("UPDATE changelog SET actor = 'someone.else' WHERE pos = %d; UPDATE changelog SET hash = %s WHERE pos = %d"
           % (k, REHASH, k))
    js = verify(t)
    expect(bad(js) == (k, "replaced"), "rehashed row named at %d: %r", k, js)
    tamper.restore()

    # removed: the missing position is named, not the one after it
    tamper("DELETE FROM changelog WHERE pos = %d" % k)
    js = verify(t)
    expect(bad(js) == (k, "removed") and js["first_bad"]["seq"] is None, "deleted row named at %d: %r", k, js)
    tamper.restore()

    # inserted: a forged, self-consistent row put in at position k, chained to k-1, the rest moved up one
    tamper("UPDATE changelog SET pos = -pos - 1 WHERE pos >= %d; UPDATE changelog SET pos = -pos WHERE pos < 0; "
           "INSERT INTO changelog (seq, pos, at, actor, actor_role, system, action, outcome, prev_hash, hash) "
           "SELECT 900000, %d, date_trunc('microseconds', now()), 'forger', 'admin', 'workflow', 'hire.approve', "
           "'ok', p.hash, 'x' FROM changelog p WHERE p.pos = %d; UPDATE changelog SET hash = %s WHERE seq = 900000"
           % (k, k, k - 1, REHASH))
    js = verify(t)
    expect(bad(js) == (k, "inserted") and js["first_bad"]["seq"] == 900000, "inserted row named at %d: %r", k, js)
    tamper.restore()


def prometheus(t):
    st, _, body, _ = t.request("GET", "/metrics", basic=ADMIN)
    expect(st == 200, "metrics %s", st)
    return {n: v for n, labels, v in parse_prometheus(body.decode())}


def head_signature_checks_with_openssl(t, head):
    """An auditor needs nothing of provisiond's to check a head: openssl and the public key."""
    d = tempfile.mkdtemp(dir=t.stack.dir)
    raw = base64.b64decode(head["public_key"])
    der = bytes.fromhex("302a300506032b6570032100") + raw   # SubjectPublicKeyInfo of an Ed25519 key
    with open(os.path.join(d, "pub.pem"), "w") as f:
        f.write("-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n" % base64.b64encode(der).decode())
    with open(os.path.join(d, "head.txt"), "w") as f:
        f.write(head["signed_text"])
    with open(os.path.join(d, "sig"), "wb") as f:
        f.write(base64.b64decode(head["signature"]))
    p = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", os.path.join(d, "pub.pem"), "-rawin",
                        "-in", os.path.join(d, "head.txt"), "-sigfile", os.path.join(d, "sig")],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode == 0


def test_signed_heads_catch_a_rewrite_and_a_truncation(t):
    hires(t, 3)
    settle(t)
    head = ok(t.request("GET", "/v1/changelog/head", basic=AUDITOR))
    expect(head["pos"] == max_pos(t) and len(head["hash"]) == 64 and head["signature_valid"] is True
           and ("pos %d\n" % head["pos"]) in head["signed_text"] and len(head["key_id"]) == 16, "head %r", head)
    expect(head_signature_checks_with_openssl(t, head), "openssl verifies the head's signature")
    forged = dict(head, signed_text=head["signed_text"].replace("pos ", "pos 1"))
    expect(not head_signature_checks_with_openssl(t, forged), "and refuses a changed head")
    for who in (HR, TECH):
        expect_error(t.request("GET", "/v1/changelog/head", basic=who), 403, "forbidden")
    m = prometheus(t)
    expect(0 <= m["provisiond_changelog_seal_lag_seconds"] < 1.0 and m["provisiond_changelog_sealed_entries_total"] > 0,
           "sealing lag under a second: %r", m.get("provisiond_changelog_seal_lag_seconds"))
    failures0 = m["provisiond_changelog_seal_failures_total"]
    k = max_pos(t) - 3
    tamper = Tamper(t)
    # the auditor kept the head; the daemon keeps its own next to its key
    recorded = "?heads=%d:%s" % (head["pos"], head["hash"])

    # a superuser rewrites the log from k on, every hash recomputed in order: no link breaks
    tamper("UPDATE changelog SET actor = 'someone.else' WHERE pos = %d; "
           "DO $$ DECLARE r record; h text; BEGIN FOR r IN SELECT pos FROM changelog WHERE pos >= %d ORDER BY pos LOOP "
           "UPDATE changelog SET prev_hash = coalesce(h, prev_hash) WHERE pos = r.pos; "
           "UPDATE changelog SET hash = %s WHERE pos = r.pos RETURNING hash INTO h; END LOOP; END $$"
           % (k, k, REHASH))
    js = verify(t)
    last_good_seal = int(t.stack.psql("SELECT coalesce(max(last_pos), 0) FROM changelog_seals WHERE last_pos < %d"
                                      % k).strip())
    expect(js["ok"] is False and js["first_bad"]["kind"] == "rewritten"
           and last_good_seal < js["first_bad"]["pos"] <= k, "rewrite from %d found: %r", k, js)
    # and the sealer will not extend the rewritten chain
    hires(t, 1)
    time.sleep(1.0)
    expect(int(t.stack.psql("SELECT count(*) FROM changelog WHERE pos IS NULL").strip()) > 0, "nothing sealed on it")
    expect(prometheus(t)["provisiond_changelog_seal_failures_total"] > failures0, "the refusal is counted")
    expect("refusing" in t.daemon.log_tail(), "and logged")
    tamper.restore()
    settle(t)

    # the seals from k on removed and the entries unsealed, so that a sealer would sign them afresh:
    # the head the auditor kept and the one the daemon recorded both catch it
    tamper("DELETE FROM changelog_seals WHERE last_pos >= %d; "
           "UPDATE changelog SET actor = 'someone.else', pos = NULL, prev_hash = NULL, hash = NULL WHERE pos >= %d"
           % (k, k))
    js = ok(t.request("GET", "/v1/changelog/verify" + recorded, basic=AUDITOR))
    expect(bad(js) == (k, "truncated"), "the auditor's head finds the cut at %d: %r", k, js)
    time.sleep(1.0)
    expect(int(t.stack.psql("SELECT count(*) FROM changelog WHERE pos IS NULL").strip()) > 0,
           "the sealer does not re-sign the rewritten entries")
    tamper.restore()
    settle(t)

    # a seal's signature changed
    n = int(t.stack.psql("SELECT max(no) FROM changelog_seals").strip())
    tamper("UPDATE changelog_seals SET signature = overlay(signature PLACING CASE WHEN left(signature, 1) = 'A' "
           "THEN 'B' ELSE 'A' END FROM 1 FOR 1) WHERE no = %d" % n)
    js = verify(t)
    expect(js["first_bad"] and js["first_bad"]["kind"] == "bad_signature", "forged seal: %r", js)
    tamper.restore()

    for q in ("?heads=12", "?heads=1:abc", "?heads=x:" + "0" * 64, "?heads=1:" + "A" * 64, "?colour=1"):
        st, _, body, _ = t.request("GET", "/v1/changelog/verify" + q, basic=AUDITOR)
        expect(st == 400, "%s refused: %s %r", q, st, body[:200])
    js = ok(t.request("GET", "/v1/changelog/verify?heads=%d:%s" % (head["pos"], "0" * 64), basic=AUDITOR))
    expect(js["first_bad"] and js["first_bad"]["kind"] == "rewritten", "a head that does not match: %r", js)


def test_unsealed_entries_are_shown_as_such(t):
    t.daemon.restart(changelog_sealer="no")
    try:
        num, rid = hires(t, 1)[0]
        js = ok(cl(t, "?employee_number=%s" % num))
        expect(js["items"] and all(i["sealed"] is False and i["pos"] is None and i["hash"] is None
                                   for i in js["items"]), "unsealed entries: %r", js["items"][:2])
        js = verify(t)
        expect(js["ok"] is True and js["unsealed"]["count"] >= 3 and js["unsealed"]["oldest_at"], "verify: %r", js)
        expect("provisiond_changelog_seal_lag_seconds" not in prometheus(t), "no lag from a daemon that seals nothing")
    finally:
        t.daemon.restart(changelog_sealer="yes")
    settle(t)
    js = ok(cl(t, "?employee_number=%s" % num))
    expect(all(i["sealed"] is True and i["pos"] >= 1 for i in js["items"]), "sealed after the restart")


def test_a_failed_append_fails_its_step(t):
    """Appends travel with the step's next statement or its COMMIT (one round
    trip): when one fails, the step fails whole, and the connection serves
    the next request."""
    js = file_hire(t, "L09001", "Append", "Fails")
    db = superuser_db(t)
    t.stack.psql("ALTER TABLE changelog ADD CONSTRAINT no_approvals CHECK (action <> 'hire.approve') NOT VALID",
                 conninfo=db)
    try:
        for _ in range(3):   # every HTTP thread's connection, more or less
            st, _, body, _ = t.request("POST", "/v1/requests/%d/approve" % js["id"], basic=HEAD)
            expect(st == 500 and b"no_approvals" not in body and b"INSERT" not in body,
                   "the step fails, without SQL in the answer: %s %r", st, body[:300])
        state = t.stack.psql("SELECT state FROM requests WHERE id = %d" % js["id"]).strip()
        expect(state == "submitted", "nothing half-done: the request is still %s", state)
        expect(t.stack.psql("SELECT count(*) FROM changelog WHERE request_id = %d AND action = 'hire.approve'"
                            % js["id"]).strip() == "0", "no entry")
    finally:
        t.stack.psql("ALTER TABLE changelog DROP CONSTRAINT no_approvals", conninfo=db)
    ok(t.request("POST", "/v1/requests/%d/approve" % js["id"], basic=HEAD))
    expect(t.stack.psql("SELECT state FROM requests WHERE id = %d" % js["id"]).strip() != "submitted", "approved now")


def test_application_role_cannot_change_the_log(t):
    for sql in ("UPDATE changelog SET actor = 'x' WHERE seq = 1", "DELETE FROM changelog WHERE seq = 1",
                "TRUNCATE changelog"):
        p = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", t.stack.conninfo, "-c", sql],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        expect(p.returncode != 0 and b"append-only" in p.stderr, "%s must be refused: %r", sql, p.stderr)


# The CSV export as PostgreSQL made it before the daemon finished COPY's rows
# itself: at by to_char, and the cells people's input reaches defused by a
# CASE. The export must give these bytes, whatever the values.
def _defuse(c):
    return "CASE WHEN ascii(%s) IN (61, 43, 45, 64, 9, 13) THEN '''' || %s ELSE %s END" % (c, c, c)


CSV_BY_SQL = ("SELECT seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), %s, actor_role, "
              "request_id, %s, system, action, %s, before, after, outcome, %s, prev_hash, hash, pos FROM changelog"
              % (_defuse("actor"), _defuse("employee_number"), _defuse("object"), _defuse("error")))
CSV_HEADER = b"seq,at,actor,actor_role,request_id,employee_number,system,action,object,before,after,outcome,error," \
             b"prev_hash,hash,pos\n"


def test_csv_export_gives_the_bytes_copy_gave(t):
    def lit(v):
        return "NULL" if v is None else "'" + v.replace("'", "''") + "'"
    # (at, actor, employee_number, object, error, before): commas, quotes, CR and LF,
    # every character that starts a formula, in and out of quotes, non-ASCII, empty
    # strings and NULLs, COPY's end marker; times on the second, with trailing zeros,
    # before the year 1000, after 9999, before Christ and infinite
    rows = [
        ("2026-03-01 10:00:00+00", "=SUM(A1)", "+1", "-a,b \"c\"", "@x", '{"a": "x,\\"y\\"\\n"}'),
        ("2026-03-01 10:00:00.5+00", "\tindent", "\r\nleading CR", "=\"q\"", None, None),
        ("2026-03-01 10:00:00.000001+00", "\"=quoted first\"", "", "", "line\nbreak", '{"ñ": "Ü €"}'),
        ("2026-03-01 10:00:00.12+00", "Núñez Ñandú 日本 🙂", None, "\\.", "\\N", "[]"),
        ("2026-03-01 10:00:00.999999+00", "a\rb", "-", "=", "+", '"=text"'),
        ("0999-12-31 23:59:59.25+00", "old", "P1", "'quoted'", ",", None),
        ("10000-01-01 00:00:00+00", "far", "P2", None, "\"", None),
        ("0044-03-15 12:00:00.75+00 BC", "ides", "P3", "x", None, None),
        ("infinity", "inf", "P4", None, None, None),
        ("-infinity", "-inf", "P5", None, None, None),
    ]
    values = ", ".join("(%s::timestamptz, %s, 'admin', %s, 'workflow', 'csv.bytes', %s, %s::jsonb, 'ok', %s)"
                       % (lit(a), lit(b), lit(c), lit(d), lit(f), lit(e)) for a, b, c, d, e, f in rows)
    t.stack.psql("INSERT INTO changelog (at, actor, actor_role, employee_number, system, action, object, before, "
                 "outcome, error) VALUES " + values)
    settle(t)   # the rows as the sealer leaves them, the same for both reads

    def by_sql(where, order):
        p = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", t.stack.conninfo, "-c",
                            "COPY (%s%s ORDER BY %s) TO STDOUT WITH (FORMAT csv)" % (CSV_BY_SQL, where, order)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        expect(p.returncode == 0, "psql COPY: %r", p.stderr)
        return CSV_HEADER + p.stdout

    for query, where, order in (("?format=csv&action=csv.bytes&order=asc", " WHERE action = 'csv.bytes'", "at, seq"),
                                ("?format=csv&action=csv.bytes", " WHERE action = 'csv.bytes'", "at DESC, seq DESC"),
                                ("?format=csv&order=asc", "", "at, seq"),
                                ("?format=csv&employee_number=-", " WHERE employee_number = '-'",
                                 "at DESC, seq DESC")):
        st, _, body, _ = cl(t, query)
        want = by_sql(where, order)
        expect(st == 200 and body == want, "%s: the export differs from COPY's bytes:\ngot  %r\nwant %r",
               query, body[-1500:], want[-1500:])
    st, _, body, _ = cl(t, "?format=csv&action=csv.bytes&order=asc")
    got = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    # oldest first: -infinity, 44 BC, 999, ..., 10000, infinity
    expect(len(got) == len(rows) + 1 and got[1][1] == "" and got[2][1] == "0044-03-15T12:00:00.750000Z"
           and got[4][1:3] == ["2026-03-01T10:00:00.000000Z", "'=SUM(A1)"] and got[5][2] == '"=quoted first"'
           and got[7][5] == "'\r\nleading CR" and got[-2][1] == "10000-01-01T00:00:00.000000Z" and got[-1][1] == "",
           "the rows read back: %r", got)


if __name__ == "__main__":
    main(globals())
