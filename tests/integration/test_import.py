#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""provisionctl import hires|exits FILE.csv against the real daemon: the
default mapping in Spanish and English (case and accents aside), a byte
order mark, ';' and ',', RFC 4180 quoting (separators, doubled quotes and
newlines inside quotes), CRLF; every malformed file refused with its line
and nothing sent; --dry-run answers every row as filing would (unit,
position, dates, duplicates, policy) and writes nothing (checked in the
database); the real run files each row once, a rerun after a kill midway
files nobody twice; the results file (CSV and JSON lines); the progress bar
on a terminal and plain lines otherwise; the policy's say over imported
hires; exits imported for people whose hires closed.

Run: python3 tests/integration/test_import.py
"""
import csv
import io
import json
import os
import pty
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BUILDDIR, expect, main, take_steps, wait_until  # noqa: E402
from harness import HEAD, HR, LEAD, TECH  # noqa: E402

CTL = os.environ.get("PROVISIONCTL_BIN") or os.path.join(BUILDDIR, "provisionctl", "provisionctl")
TMP = tempfile.mkdtemp(prefix="pvd-import-")
TABLES = ("requests", "people", "changelog", "request_steps", "operations", "outbox", "idempotency_keys", "tasks")
HIRE_TO_CLOSED = (("approve", HEAD, None), ("confirm", TECH, "hecho"), ("confirm", TECH, "ok"),
                  ("approve", LEAD, None), ("approve", HEAD, "fin"), ("confirm", HR, None))

ES_HEADER = "Número de Empleado;RUT;NOMBRES;Apellidos;Unidad;Cargo;Tipo de contrato;Fecha de inicio;Fecha de término"
EN_HEADER = "employee_number,national_id,given_names,family_names,unit,position,contract_type,start_date,end_date"


def write(name, data):
    path = os.path.join(TMP, name)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    return path


def env_for(t, url=None):
    env = dict(os.environ, PROVISIONCTL_URL=url or t.daemon.base_url, PROVISIONCTL_PASSWORD=HR[1])
    env.pop("PROVISIONCTL_TOKEN", None)
    return env


def ctl(t, *args, login=HR[0], url=None, timeout=120):
    p = subprocess.run([CTL, "-U", login] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       stdin=subprocess.DEVNULL, env=env_for(t, url), timeout=timeout)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def imported(t, *args, **kw):
    """An import expected to answer (exit 0 or 1): its JSON output and stderr."""
    rc, out, err = ctl(t, "import", *args, **kw)
    expect(rc in (0, 1) and out.startswith("{"), "import %r answered: rc %s, %r %r", args, rc, out[:300], err)
    return rc, json.loads(out), err


def count(t, sql):
    return int(t.stack.psql(sql).strip())


def counts(t):
    return {tb: count(t, "SELECT count(*) FROM %s" % tb) for tb in TABLES}


def requests_of(t, prefix):
    """{employee_number: number of hire requests} for the numbers starting with prefix."""
    out = t.stack.psql("SELECT p.employee_number, count(r.id) FROM people p LEFT JOIN requests r ON r.person_id = p.id "
                       "AND r.type = 'hire' WHERE p.employee_number LIKE '%s%%' GROUP BY 1" % prefix)
    return {ln.split("|")[0]: int(ln.split("|")[1]) for ln in out.strip().splitlines() if ln}


def es_row(num, given, family, unit="tim", position="tecnico-soporte", contract="staff", start="01/03/2026",
           end=""):
    return ";".join([num, "CI-" + num, given, family, unit, position, contract, start, end])


def en_row(num, given, family, unit="tributaria", position="analista-tributario", start="2026-03-01"):
    return ",".join([num, "CI-" + num, given, family, unit, position, "staff", start, ""])


def by_line(js):
    return {r["line"]: r for r in js["results"]}


# ---------------------------------------------------------------------------- formats


def test_spanish_headers_bom_semicolon_crlf(t):
    rows = [es_row("IMP001", "José Ignacio", "Pérez Soto"), es_row("IMP002", "María", "Ñúñez del Río"),
            es_row("IMP003", "Ana", "O'Higgins", contract="consultant", end="31-12-2026")]
    path = write("es.csv", b"\xef\xbb\xbf" + ("\r\n".join([ES_HEADER] + rows) + "\r\n").encode())
    rc, js, err = imported(t, "hires", path)
    expect(rc == 0 and js["filed"] == 3 and js["refused"] == 0, "three filed: %r %r", js, err)
    got = {r["line"]: (r["employee_number"], r["result"]) for r in js["results"]}
    expect(got == {2: ("IMP001", "filed"), 3: ("IMP002", "filed"), 4: ("IMP003", "filed")}, "lines: %r", got)
    person = t.stack.psql("SELECT given_names, family_names, start_date, end_date, contract_type FROM people "
                          "WHERE employee_number = 'IMP003'").strip()
    expect(person == "Ana|O'Higgins|2026-03-01|2026-12-31|consultant", "dates day first, as written: %r", person)
    names = t.stack.psql("SELECT family_names FROM people WHERE employee_number = 'IMP002'").strip()
    expect(names == "Ñúñez del Río", "accents kept: %r", names)
    expect(all(r["request_id"] and r["state"] == "submitted" for r in js["results"]),
           "ordinary hires, waiting for TIM's review: %r", js["results"])
    expect(requests_of(t, "IMP00") == {"IMP001": 1, "IMP002": 1, "IMP003": 1}, "each filed once")


def test_english_headers_comma_lf_and_quoting(t):
    # a quoted field holding the separator, doubled quotes and a newline (in
    # an ignored column), and the rows after it keep their physical lines
    text = (EN_HEADER + ",Notes\n" + en_row("IMP011", "Peter", "Smith") + ',"a, b ""c""\nsecond line"\n'
            + en_row("IMP012", "Mary", "Jones") + ",plain\n" + '"IMP013","CI-IMP013","Anne Marie","de la Cruz",'
            '"tributaria","analista-tributario","staff","2026-03-01","",""')  # no newline at the end
    path = write("en.csv", text)
    rc, js, err = imported(t, "hires", path, "--map", "notes=-")
    got = {r["line"]: (r["employee_number"], r["result"]) for r in js["results"]}
    expect(rc == 0 and got == {2: ("IMP011", "filed"), 4: ("IMP012", "filed"), 5: ("IMP013", "filed")},
           "a newline inside quotes counts as a line: %r %r", got, err)
    fam = t.stack.psql("SELECT family_names FROM people WHERE employee_number = 'IMP013'").strip()
    expect(fam == "de la Cruz", "quoted values: %r", fam)
    # the same list with a separator forced: one column, so no mapping
    plain = write("en-plain.csv", EN_HEADER + "\n" + en_row("IMP014", "Paul", "Brown") + "\n")
    rc, out, err = ctl(t, "import", "hires", plain, "--separator", "semicolon")
    expect(rc == 2 and "line 1, column 1: unknown header" in err, "--separator is obeyed: %s %r", rc, err)


def test_exits_with_quoted_reasons(t):
    hires = [es_row("IMP021", "Eva", "Salas"), es_row("IMP022", "Luis", "Mora")]
    rc, js, err = imported(t, "hires", write("ex-h.csv", "\n".join([ES_HEADER] + hires)))
    expect(rc == 0 and js["filed"] == 2, "hired: %r", err)
    for r in js["results"]:
        take_steps(t.daemon, r["request_id"], HIRE_TO_CLOSED)
    # a reason holds no newline: the one inside quotes is in a column left out
    text = ('N° Empleado;Fecha efectiva;Motivo;Observaciones\r\n'
            'IMP021;2026-12-01T18:00:00-04:00;"renuncia; ""voluntaria""";"dos\r\nlíneas"\r\n'
            'IMP022;2026-12-02T18:00:00-04:00;fin de contrato;\r\n'
            'NOPE99;2026-12-02T18:00:00-04:00;nadie;\r\n')
    path = write("exits.csv", text)
    before = counts(t)
    rc, js, err = imported(t, "exits", path, "--dry-run", "--map", "observaciones=-")
    res = by_line(js)
    expect(rc == 1 and res[2]["result"] == "would_file" and res[4]["result"] == "would_file"
           and res[5]["result"] == "refused" and res[5]["status"] == 404, "exits dry run: %r", js["results"])
    expect(counts(t) == before, "the dry run wrote nothing: %r %r", before, counts(t))
    rc, js, err = imported(t, "exits", path, "--map", "observaciones=-")
    res = by_line(js)
    expect(rc == 1 and js["filed"] == 2 and res[5]["code"] == "not_found", "exits filed: %r", js["results"])
    reason = t.stack.psql("SELECT r.payload->>'reason' FROM requests r JOIN people p ON p.id = r.person_id "
                          "WHERE p.employee_number = 'IMP021' AND r.type = 'exit'").strip("\n")
    expect(reason == 'renuncia; "voluntaria"', "a separator and doubled quotes inside quotes: %r", reason)


def test_malformed_files_name_their_line(t):
    ok_rows = "\n".join([EN_HEADER, en_row("IMPBAD1", "Uno", "Malo"), en_row("IMPBAD2", "Dos", "Malo")])
    cases = [
        ("unknown-header", EN_HEADER + ",colour\n" + en_row("IMPBAD1", "A", "B") + ",red\n",
         "line 1, column 10: unknown header 'colour'"),
        ("missing-column", EN_HEADER.replace(",national_id", "") + "\nIMPBAD1,A,B,tim,x,staff,2026-01-01,\n",
         "line 1: no column for national_id"),
        ("twice", EN_HEADER + ",nombres\n" + en_row("IMPBAD1", "A", "B") + ",C\n",
         "columns 3 ('given_names') and 10 ('nombres') are both given_names"),
        ("field-count", ok_rows + "\nIMPBAD3,CI-3,Tres\n", "line 4: 3 fields; the header (line 1) has 9"),
        ("open-quote", ok_rows + '\nIMPBAD3,"CI-3,Tres\n\n', "line 4: a quoted field starting here is never closed"),
        ("stray-quote", ok_rows + '\nIMPBAD3,CI"3,Tres,Malo,tim,x,staff,2026-01-01,\n',
         "line 4, field 2: a quote inside an unquoted field"),
        ("after-quote", ok_rows + '\nIMPBAD3,"CI-3"x,Tres,Malo,tim,x,staff,2026-01-01,\n',
         "line 4, field 2: text after the closing quote"),
        ("latin1", (ok_rows + "\nIMPBAD3,CI-3,Jos\xe9,Malo,tim,x,staff,2026-01-01,\n").encode("latin-1"),
         "line 4, character 17: invalid UTF-8 (byte 0xE9)"),
        ("nul", (ok_rows + "\nIMPBAD3,CI-3\x00,Tres,Malo,tim,x,staff,2026-01-01,\n").encode(),
         "line 4, character 13: a NUL byte"),
        ("utf16", ("\ufeff" + ok_rows).encode("utf-16-le"), "line 1: the file is UTF-16"),
        ("ambiguous", "a;b,c\n1;2,3\n", "line 1: the header holds as many ',' as ';' (1)"),
        ("empty", b"", "line 1: the file is empty"),
        ("header-only", EN_HEADER + "\r\n\r\n", "a header and no rows"),
        ("empty-header", EN_HEADER + ",\n" + en_row("IMPBAD1", "A", "B") + ",x\n",
         "line 1, column 10: an empty header"),
    ]
    before = count(t, "SELECT count(*) FROM requests")
    for name, data, want in cases:
        rc, out, err = ctl(t, "import", "hires", write(name + ".csv", data))
        expect(rc == 2 and want in err and out == "", "%s: rc %s, want %r in %r", name, rc, want, err)
    big = os.path.join(TMP, "big.csv")
    with open(big, "wb") as f:
        f.write((EN_HEADER + "\n").encode())
        f.truncate(64 * 1024 * 1024 + 1)
    rc, out, err = ctl(t, "import", "hires", big)
    expect(rc == 2 and "larger than 64 MiB" in err, "a file too large: %s %r", rc, err)
    # a mapping that names no column, or no field
    rc, out, err = ctl(t, "import", "hires", write("okmap.csv", ok_rows), "--map", "apodo=given_names")
    expect(rc == 2 and "no column 'apodo'" in err, "--map of a missing header: %r", err)
    rc, out, err = ctl(t, "import", "hires", write("okmap.csv", ok_rows), "--map", "unit=ou")
    expect(rc == 2 and "'ou' is not a field" in err, "--map to an unknown field: %r", err)
    expect(count(t, "SELECT count(*) FROM requests") == before, "nothing was sent for a malformed file")


def test_mapping_overrides(t):
    text = "Legajo;Doc;Nombre de pila;Apellido paterno;Unidad;Cargo;Contrato;Inicio;Observación\n" \
           "IMP031;CI-IMP031;Rosa;Campos;tim;tecnico-soporte;staff;2026-04-01;nada\n"
    mapfile = write("map.txt", "# our spreadsheet\nDoc = national_id\nnombre de pila = given_names\n"
                    "Apellido Paterno=family_names\n\nobservacion = -\n")
    path = write("mapped.csv", text)
    rc, out, err = ctl(t, "import", "hires", path, "--dry-run")
    expect(rc == 2 and "unknown header 'Doc'" in err, "without the mapping: %r", err)
    rc, out, err = ctl(t, "import", "hires", path, "--map-file", mapfile, "--map", "nombre=given_names",
                       "--dry-run")
    expect(rc == 2 and "--map: no column 'nombre'" in err, "a --map naming no column: %r", err)
    rc, out, err = ctl(t, "import", "hires", path, "--map-file", write("badmap.txt", "Doc national_id\n"))
    expect(rc == 2 and "badmap.txt:1: want HEADER = FIELD" in err, "a bad mapping file names its line: %r", err)
    rc, js, err = imported(t, "hires", path, "--map-file", mapfile, "--dry-run")
    expect(rc == 0 and js["would_file"] == 1 and js["results"][0]["uid"], "mapped by the file: %r %r", js, err)
    rc, js, err = imported(t, "hires", path, "--map-file", mapfile, "--map", "Legajo=national_id,Doc=employee_number",
                           "--dry-run")
    expect(js["results"][0]["employee_number"] == "CI-IMP031", "--map wins over the file: %r", js["results"])


# ---------------------------------------------------------------------------- dry run


def test_dry_run_reports_refusals_and_writes_nothing(t):
    # the head of TIM's position is held by one person at a time: taken by a hire filed now
    holder = write("holder.csv", "\n".join([ES_HEADER, es_row("IMP040", "Iván", "Jefe", position="jefe-tim")]))
    rc, js, err = imported(t, "hires", holder)
    expect(rc == 0 and js["filed"] == 1, "the holder's hire: %r", err)
    rows = [es_row("IMP041", "Bruno", "Díaz"),                           # fine
            es_row("IMP042", "Clara", "Vega", unit="no-such-unit"),      # unknown unit
            es_row("IMP043", "Dora", "Paz", start="31/02/2026"),         # no such date
            es_row("IMP044", "Elsa", "Ruiz", position="jefe-tim"),       # a position with one holder, held
            es_row("IMP001", "José Ignacio", "Pérez Soto"),              # filed by an earlier test: open hire
            es_row("IMP041", "Bruno", "Díaz"),                           # twice in the file
            es_row("IMP045", "Fabio", "Luna", contract="consultant"),    # a consultant needs an end date
            es_row("IMP046", "Gala", "Sol")]                             # fine
    path = write("dry.csv", "\n".join([ES_HEADER] + rows) + "\n")
    before = counts(t)
    rc, js, err = imported(t, "hires", path, "--dry-run")
    res = by_line(js)
    expect(rc == 1 and js["dry_run"] is True and js["would_file"] == 2 and js["refused"] == 6,
           "counts: %r", js)
    expect(res[2]["result"] == "would_file" and res[2]["uid"] and res[2]["state"] == "submitted"
           and res[2].get("request_id") is None, "what would be filed, with its login, no id: %r", res[2])
    expect(res[3]["code"] == "invalid_field" and "unit" in res[3]["message"], "unknown unit: %r", res[3])
    expect(res[4]["code"] == "invalid_field" and "start_date" in res[4]["message"], "bad date: %r", res[4])
    expect(res[5]["status"] == 409 and "IMP040" in res[5]["message"], "single holder: %r", res[5])
    expect(res[6]["status"] == 409 and "open hire" in res[6]["message"], "already filed: %r", res[6])
    expect(res[7]["code"] == "duplicate_in_file" and "line 2" in res[7]["message"], "twice in the file: %r", res[7])
    expect(res[8]["code"] == "missing_field" and "end_date" in res[8]["message"], "consultant: %r", res[8])
    expect(res[9]["result"] == "would_file", "the last row: %r", res[9])
    expect("6 refused; nothing was written" in err, "the summary: %r", err)
    after = counts(t)
    expect(after == before, "no request, person, change-log entry, step, operation, mail or key: %r -> %r",
           before, after)
    # the table a person reads: one line a row, with its line number
    rc, out, err = ctl(t, "--table", "import", "hires", path, "--dry-run")
    lines = out.splitlines()
    expect(lines[0].split()[:3] == ["LINE", "EMPLOYEE", "RESULT"] and len(lines) == 9
           and lines[1].split()[:3] == ["2", "IMP041", "would_file"], "the table: %r", out)
    # the batch endpoint itself: dry_run must be a boolean, and is never filed
    st, _, _, bj = t.request("POST", "/v1/hires/batch", basic=HR, body={"items": [{}], "dry_run": "yes"})
    expect(st == 400 and bj["error"]["field"] == "dry_run", "dry_run is a boolean: %s %r", st, bj)
    expect(counts(t) == before, "still nothing written")


def test_the_documented_example(t):
    """docs/examples/staff.csv and docs/import.md's walkthrough."""
    from harness import REPO
    path = os.path.join(REPO, "docs", "examples", "staff.csv")
    rc, out, err = ctl(t, "import", "hires", path, "--dry-run")
    expect(rc == 2 and "line 1, column 11: unknown header 'Observaciones'" in err, "as the walkthrough: %r", err)
    rc, js, err = imported(t, "hires", path, "--dry-run", "--map", "Observaciones=-")
    # (a login taken by an earlier test gets its suffix: jose.perez2)
    got = [(r["line"], r["employee_number"], r["result"], r["uid"].rstrip("0123456789")) for r in js["results"]]
    expect(rc == 0 and got == [(2, "E10001", "would_file", "jose.perez"), (3, "E10002", "would_file", "maria.nunez"),
                               (4, "E10003", "would_file", "angela.ibanez"),
                               (5, "E10004", "would_file", "andres.mamani"),
                               (6, "E10005", "would_file", "lucia.fuente"),
                               (8, "E10006", "would_file", "ricardo.vasquez")], "the walkthrough's report: %r", got)


def test_dry_run_follows_policy(t):
    """The policy decides: with workflow_auto_hire = review imported hires go
    straight to provisioning, and the dry run says so."""
    with t.new_daemon({"workflow_auto_hire": "review"}, name="auto") as d:
        path = write("policy.csv", "\n".join([ES_HEADER, es_row("IMP051", "Hugo", "Lara")]))
        rc, js, err = imported(t, "hires", path, "--dry-run", url=d.base_url)
        expect(rc == 0 and js["results"][0]["state"] == "provisioning", "would skip review: %r", js["results"])
        rc, js, err = imported(t, "hires", path, url=d.base_url)
        expect(rc == 0 and js["results"][0]["state"] == "provisioning", "filed past review: %r", js["results"])


# ---------------------------------------------------------------------------- real runs


def big_list(prefix, n):
    return "\n".join([EN_HEADER] + [en_row("%s%04d" % (prefix, i), "Lote", "Persona" + letters_for(i))
                                    for i in range(n)]) + "\n"


def letters_for(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(ord("a") + r) + s
    return s.capitalize()


def test_real_run_files_each_row_once_with_results(t):
    path = write("real.csv", big_list("IMPR", 25))
    res_csv, res_jsonl = os.path.join(TMP, "real-results.csv"), os.path.join(TMP, "real-results.jsonl")
    rc, js, err = imported(t, "hires", path, "--chunk", "10", "--results", res_csv)
    expect(rc == 0 and js["filed"] == 25, "filed: %r", err)
    expect(requests_of(t, "IMPR") == {"IMPR%04d" % i: 1 for i in range(25)}, "each row filed once")
    with open(res_csv, newline="") as f:
        got = list(csv.DictReader(f))
    expect(len(got) == 25 and got[0]["line"] == "2" and got[0]["employee_number"] == "IMPR0000"
           and got[0]["result"] == "filed" and got[0]["status"] == "201" and got[0]["request_id"].isdigit()
           and got[24]["line"] == "26", "the CSV results: %r", got[:2])
    ids = t.stack.psql("SELECT r.id FROM requests r JOIN people p ON p.id = r.person_id "
                       "WHERE p.employee_number = 'IMPR0007'").strip()
    expect(got[7]["request_id"] == ids, "the request id is the filed request's: %r %r", got[7], ids)
    # the same file again: every row replayed from its chunk's key, nobody filed
    rc, js, err = imported(t, "hires", path, "--chunk", "10", "--results", res_jsonl)
    expect(rc == 0 and js["replayed"] == 25 and js["filed"] == 0, "replayed: %r", err)
    with open(res_jsonl) as f:
        lines = [json.loads(ln) for ln in f]
    expect(len(lines) == 25 and lines[7]["result"] == "replayed" and str(lines[7]["request_id"]) == ids,
           "the JSON-lines results: %r", lines[7])
    expect(requests_of(t, "IMPR") == {"IMPR%04d" % i: 1 for i in range(25)}, "still once each")


def test_rerun_after_a_kill_files_nobody_twice(t):
    n = 120
    path = write("kill.csv", big_list("IMPK", n))
    p = subprocess.Popen([CTL, "-U", HR[0], "import", "hires", path, "--chunk", "5"], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env_for(t))
    seen = []
    while len(seen) < 3:
        ln = p.stderr.readline().decode()
        if not ln:
            break
        seen.append(ln)
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=30)
    p.stderr.close()
    expect(len(seen) == 3 and "lines 2-6: 5 of %d rows" % n in seen[0], "progress lines before the kill: %r", seen)

    def settled():   # a chunk in flight when the client died is still filed by the server
        a = sum(requests_of(t, "IMPK").values())
        time.sleep(0.3)
        return a if a == sum(requests_of(t, "IMPK").values()) else None
    before = wait_until(settled, 20, what="the requests to settle")
    expect(15 <= before < n, "killed midway: %d of %d filed", before, n)
    rc, js, err = imported(t, "hires", path, "--chunk", "5")
    expect(rc == 0 and js["replayed"] == before and js["filed"] == n - before and js["refused"] == 0,
           "the rerun replays %d and files the rest: %r", before, {k: v for k, v in js.items() if k != "results"})
    expect(requests_of(t, "IMPK") == {"IMPK%04d" % i: 1 for i in range(n)}, "nobody filed twice")


def test_progress_on_a_terminal_and_plain_lines(t):
    path = write("progress.csv", big_list("IMPP", 12))
    master, slave = pty.openpty()
    try:
        p = subprocess.Popen([CTL, "-U", HR[0], "import", "hires", path, "--chunk", "4", "--dry-run"],
                             stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL, env=env_for(t))
        os.close(slave)
        slave = None
        chunks = []
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        out = p.stdout.read().decode()
        p.wait(timeout=60)
    finally:
        os.close(master)
        if slave is not None:
            os.close(slave)
    tty = b"".join(chunks).decode()
    expect("\r" in tty and "\033[K" in tty and "[##########--------------------]  33% 4/12 rows" in tty
           and "100% 12/12 rows" in tty and "lines 2-5" not in tty, "a bar redrawn in place: %r", tty)
    expect(json.loads(out)["would_file"] == 12, "the answer on stdout: %r", out[:200])
    rc, out, err = ctl(t, "import", "hires", path, "--chunk", "4", "--dry-run")
    lines = err.splitlines()
    expect(lines[:3] == ["import hires (dry run): lines 2-5: 4 of 12 rows: 4 would be filed, 0 refused",
                         "import hires (dry run): lines 6-9: 8 of 12 rows: 8 would be filed, 0 refused",
                         "import hires (dry run): lines 10-13: 12 of 12 rows: 12 would be filed, 0 refused"]
           and "\r" not in err and "\033" not in err, "plain lines when not a terminal: %r", err)


def test_refused_rows_and_roles(t):
    path = write("roles.csv", "\n".join([ES_HEADER, es_row("IMP061", "Iris", "Toro")]))
    rc, out, err = ctl(t, "import", "hires", path, login=HEAD[0])
    expect(rc == 1 and "403 forbidden" in err and "stopped at line 2" in err,
           "only HR may import: %s %r", rc, err)
    expect(count(t, "SELECT count(*) FROM people WHERE employee_number = 'IMP061'") == 0, "nothing filed")
    rc, out, err = ctl(t, "import", "hires", path, "--chunk", "0")
    expect(rc == 2 and "--chunk 0: want 1 to 1000" in err, "chunk bounds: %r", err)
    rc, out, err = ctl(t, "import", "hires", os.path.join(TMP, "nope.csv"))
    expect(rc == 2 and "No such file" in err, "a missing file: %r", err)
    rc, out, err = ctl(t, "import", "hires", path, url="http://127.0.0.1:1")
    expect(rc == 3 and "stopped at line 2" in err, "unreachable: %s %r", rc, err)


if __name__ == "__main__":
    if not os.access(CTL, os.X_OK):
        print("1..0 # SKIP provisionctl is not built")
        sys.exit(77)
    main(globals())
