#!/usr/bin/env python3
"""The change log for auditors: filters, keyset paging that stays correct
while entries arrive, CSV and JSON Lines exports, the roles that may read
it, tamper evidence (an altered, a deleted and an inserted row are each
found by verify, over HTTP and from the command line), and the database
refusing UPDATE and DELETE to the application's own role.

Run: python3 tests/integration/test_changelog.py
"""
import csv
import io
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import letters, ok, file_hire, DAEMON_BIN, expect, expect_error, main  # noqa: E402
from harness import HR, HEAD, TECH, AUDITOR  # noqa: E402

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


def cli_verify(t):
    p = subprocess.run([DAEMON_BIN, "-c", t.daemon.conf_path, "changelog", "verify"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode()


def test_verify_finds_altered_deleted_and_inserted_rows(t):
    hires(t, 3)
    js = verify(t)
    expect(js["ok"] is True and js["first_bad"] is None and js["entries_checked"] > 10, "intact chain %r", js)
    rc, out = cli_verify(t)
    expect(rc == 0 and out.startswith("ok: "), "cli verify ok: %r", out)
    db = superuser_db(t)
    k = int(t.stack.psql("SELECT max(seq) FROM changelog").strip()) // 2

    def as_dba(sql):
        """What someone going around the application could do: triggers off, change, triggers on."""
        t.stack.psql("ALTER TABLE changelog DISABLE TRIGGER USER; %s; ALTER TABLE changelog ENABLE TRIGGER USER"
                     % sql, conninfo=db)

    t.stack.psql("DROP TABLE IF EXISTS cl_backup; CREATE TABLE cl_backup AS SELECT * FROM changelog WHERE seq = %d"
                 % k, conninfo=db)
    restore = "DELETE FROM changelog WHERE seq = %d; INSERT INTO changelog SELECT * FROM cl_backup" % k

    # altered in place
    as_dba("UPDATE changelog SET actor = 'someone.else' WHERE seq = %d" % k)
    js = verify(t)
    expect(js["ok"] is False and js["first_bad"]["seq"] == k and js["first_bad"]["kind"] == "altered",
           "altered row found: %r", js)
    rc, out = cli_verify(t)
    expect(rc == 1 and ("BROKEN at seq %d" % k) in out and "altered" in out, "cli verify reports it: %r", out)
    as_dba(restore)
    expect(verify(t)["ok"] is True, "restored")

    # removed
    as_dba("DELETE FROM changelog WHERE seq = %d" % k)
    js = verify(t)
    expect(js["first_bad"] is not None and js["first_bad"]["seq"] == k + 1 and js["first_bad"]["kind"] == "removed",
           "deleted row found: %r", js)
    as_dba(restore)
    expect(verify(t)["ok"] is True, "restored")

    # inserted: a forged row, self-consistent and chained to its predecessor, in place of the real one
    as_dba("DELETE FROM changelog WHERE seq = %d; "
           "INSERT INTO changelog (seq, at, actor, actor_role, system, action, outcome, prev_hash, hash) "
           "SELECT %d, date_trunc('microseconds', now()), 'forger', 'admin', 'workflow', 'hire.approve', 'ok', "
           "p.hash, encode(sha256(convert_to(changelog_digest_input(%d, date_trunc('microseconds', now()), "
           "'forger', 'admin', NULL, NULL, 'workflow', 'hire.approve', NULL, NULL, NULL, 'ok', NULL, p.hash), "
           "'UTF8')), 'hex') FROM changelog p WHERE p.seq = %d" % (k, k, k, k - 1))
    js = verify(t)
    expect(js["first_bad"] is not None and js["first_bad"]["seq"] == k + 1 and js["first_bad"]["kind"] == "inserted",
           "inserted row found: %r", js)
    as_dba(restore)
    js = verify(t)
    expect(js["ok"] is True, "restored: %r", js)


def test_application_role_cannot_change_the_log(t):
    for sql in ("UPDATE changelog SET actor = 'x' WHERE seq = 1", "DELETE FROM changelog WHERE seq = 1",
                "TRUNCATE changelog"):
        p = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", t.stack.conninfo, "-c", sql],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        expect(p.returncode != 0 and b"append-only" in p.stderr, "%s must be refused: %r", sql, p.stderr)


if __name__ == "__main__":
    main(globals())
