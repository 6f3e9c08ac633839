#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""CSV import throughput, end to end, against baselines in the same run.

    python3 bench/bench_import.py [N]        (default N = 10000)

Starts a private PostgreSQL + slapd (contrib/stack/pvd-stack) and one
provisiond (default policy: hires wait for review), writes a staff list of
N rows as a Spanish-locale spreadsheet saves it (BOM, ';', CRLF, accents,
day-first dates), then times:
  1. baseline: N hires POSTed one at a time to /v1/hires over one
     keep-alive connection, as a script without the batch endpoint would;
  2. baseline: N other hires sent by a script straight to the batch
     endpoint (1000 a request, each with an Idempotency-Key as the import
     sends), the server's part alone;
  3. provisionctl import hires: the real run, N other hires filed through
     the batch endpoint in chunks of 1000 (reading and checking the file,
     chunking, keys, the results file included);
  4. the same import again: every row replayed from its chunk's key;
  5. provisionctl import hires --dry-run of N more rows: every row checked
     by the server and rolled back.
In that order: baselines first, the import on the most rows; every phase
after a VACUUM ANALYZE, so none pays for the dead rows of the one before
(a dry run leaves one of each row it rolled back). Prints rows/s for each
and the ratios. Needs a build (PROVISIOND_BIN or
.build/provisiond/provisiond, PROVISIONCTL_BIN or the build's provisionctl).
"""
import http.client
import json
import os
import resource
import subprocess
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
from harness import BUILDDIR, Daemon, Stack, letters  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
CTL = os.environ.get("PROVISIONCTL_BIN") or os.path.join(BUILDDIR, "provisionctl", "provisionctl")
UNITS = (("tim", "tecnico-soporte"), ("tributaria", "analista-tributario"), ("control", "auditor-interno"))


def hire(prefix, i):
    unit, position = UNITS[i % len(UNITS)]
    return {"employee_number": "%s%06d" % (prefix, i), "national_id": "%d-%d" % (10000000 + i, i % 10),
            "given_names": letters(i) + " José", "family_names": letters(i * 7 + 3) + " Núñez",  # distinct logins
            "unit": unit, "position": position, "contract_type": "staff", "start_date": "2026-03-01"}


def write_csv(path, prefix, n):
    lines = ["N° Empleado;RUT;Nombres;Apellidos;Unidad;Cargo;Tipo de contrato;Fecha de inicio"]
    for i in range(n):
        h = hire(prefix, i)
        lines.append(";".join([h["employee_number"], h["national_id"], h["given_names"], h["family_names"],
                               h["unit"], h["position"], h["contract_type"], "01/03/2026"]))
    with open(path, "wb") as f:
        f.write(b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n").encode())


def timed_import(d, tokfile, path, *more):
    t0 = time.monotonic()
    p = subprocess.run([CTL, "-T", tokfile, "import", "hires", path] + list(more), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=dict(os.environ, PROVISIONCTL_URL=d.base_url), timeout=3600)
    dt = time.monotonic() - t0
    if p.returncode != 0:
        raise SystemExit("provisionctl import %r failed (%d): %s" % (more, p.returncode, p.stderr.decode()[-500:]))
    return dt, json.loads(p.stdout)


def connection(d):
    u = urllib.parse.urlparse(d.base_url)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=600)


def post(conn, path, tok, body, key=None):
    hd = {"Authorization": "Bearer " + tok, "Content-Type": "application/json"}
    if key:
        hd["Idempotency-Key"] = key
    conn.request("POST", path, body=json.dumps(body).encode(), headers=hd)
    r = conn.getresponse()
    data = r.read()
    return r.status, data


def one_at_a_time(d, tok, prefix):
    conn = connection(d)
    t0 = time.monotonic()
    for i in range(N):
        st, data = post(conn, "/v1/hires", tok, hire(prefix, i))
        if st != 201:
            raise SystemExit("POST /v1/hires: %d %s" % (st, data[:200]))
    dt = time.monotonic() - t0
    conn.close()
    return dt


def batch_direct(d, tok, prefix):
    conn = connection(d)
    t0 = time.monotonic()
    for start in range(0, N, 1000):
        items = [hire(prefix, i) for i in range(start, min(N, start + 1000))]
        st, data = post(conn, "/v1/hires/batch", tok, {"items": items}, key="bench-%s-%d" % (prefix, start))
        js = json.loads(data) if st == 200 else {}
        if st != 200 or js.get("filed") != len(items):
            raise SystemExit("POST /v1/hires/batch: %d %s" % (st, data[:300]))
    dt = time.monotonic() - t0
    conn.close()
    return dt


def main():
    if not os.access(CTL, os.X_OK):
        raise SystemExit("no provisionctl at %s: build first" % CTL)
    with Stack() as stack:
        d = Daemon(stack, overrides={"log_level": "warning", "ldap_catalogue_cache_seconds": "60"}, name="bench")
        with d:
            tok = d.create_token("hr", "bench-hr")
            tokfile = os.path.join(stack.dir, "hr.token")
            with open(tokfile, "w") as f:
                f.write(tok + "\n")
            os.chmod(tokfile, 0o600)
            path, dry_path = os.path.join(stack.dir, "staff.csv"), os.path.join(stack.dir, "dry.csv")
            write_csv(path, "I", N)
            write_csv(dry_path, "D", N)
            size = os.path.getsize(path)

            def settle():   # each phase on analyzed tables, without the phase before's dead rows
                stack.psql("VACUUM ANALYZE")
            settle()
            single = one_at_a_time(d, tok, "S")
            settle()
            direct = batch_direct(d, tok, "B")
            settle()
            real, js = timed_import(d, tokfile, path, "--results", os.path.join(stack.dir, "results.csv"))
            if js["filed"] != N:
                raise SystemExit("import: %d of %d filed" % (js["filed"], N))
            settle()
            again, js = timed_import(d, tokfile, path)
            if js["replayed"] != N:
                raise SystemExit("rerun: %d of %d replayed" % (js["replayed"], N))
            settle()
            before = stack.psql("SELECT count(*) FROM requests").strip()
            dry, js = timed_import(d, tokfile, dry_path, "--dry-run")
            if js["would_file"] != N:
                raise SystemExit("dry run: %d of %d would be filed" % (js["would_file"], N))
            if stack.psql("SELECT count(*) FROM requests").strip() != before:
                raise SystemExit("the dry run wrote requests")
            filed = int(stack.psql("SELECT count(*) FROM requests WHERE type = 'hire'").strip())
            if filed != 3 * N:
                raise SystemExit("%d hires in the database, want %d" % (filed, 3 * N))
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print("file:        %d rows, %.1f MiB (BOM, ';', CRLF, accents, day-first dates)" % (N, size / 1048576.0))
    print("import:      %d hires filed by provisionctl import in %.2f s = %.0f rows/s" % (N, real, N / real))
    print("dry run:     %d rows checked and rolled back in %.2f s = %.0f rows/s" % (N, dry, N / dry))
    print("rerun:       %d rows replayed from their keys in %.2f s = %.0f rows/s" % (N, again, N / again))
    print("baseline 1:  %d hires POSTed one at a time in %.2f s = %.0f rows/s" % (N, single, N / single))
    print("baseline 2:  %d hires sent straight to the batch endpoint (with keys) in %.2f s = %.0f rows/s"
          % (N, direct, N / direct))
    print("ratio:       the import runs %.2fx the one-at-a-time rate and at %.2f of the bare batch endpoint's"
          % (single / real, direct / real))
    print("peak RSS:    %.1f MiB (the largest child: provisiond or provisionctl)" % (rss / 1024.0))


if __name__ == "__main__":
    main()
