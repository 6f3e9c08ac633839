#!/usr/bin/env python3
"""The REST contract (issue 16): api/openapi.yaml linted by Redocly CLI
(tests/contract, `npm ci` into the build folder), served by GET
/openapi.yaml without credentials (ETag, 304, gzip, 404 without
openapi_file), Location on every 201, and the ETag / If-Match of requests
(412 on a stale version) against the real stack.

Needs node (>= 20.19) and npm for the lint: its case fails, saying so,
without them. `npm ci` needs the npm registry or a filled npm cache once
per lockfile (node_modules is kept in the build folder).

Run: python3 tests/integration/test_contract.py
"""
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BUILDDIR, REPO, TestFailure, expect, expect_error, log, main  # noqa: E402
from harness import HR, HEAD, LEAD, TECH, EMPLOYEE  # noqa: E402

CONTRACT = os.path.join(REPO, "api", "openapi.yaml")
SRC_LINT = os.path.join(REPO, "tests", "contract")
LINT_DIR = os.path.join(BUILDDIR, "tests", "contract")
NODE_MIN = (20, 19)       # Redocly CLI 2's engines field

_seq = [0]


def new_number():
    _seq[0] += 1
    return "E%05d" % (6000 + _seq[0])


def ok(resp, status=200):
    st, hd, body, js = resp
    expect(st == status, "status %s want %s: %s", st, status, body.decode(errors="replace")[:800])
    return js


def contract_bytes():
    with open(CONTRACT, "rb") as f:
        return f.read()


# ------------------------------------------------------------------ the linter

def _copy_if_changed(src, dst):
    with open(src, "rb") as f:
        data = f.read()
    try:
        with open(dst, "rb") as f:
            if f.read() == data:
                return
    except FileNotFoundError:
        pass
    if os.path.lexists(dst):
        os.unlink(dst)      # a read-only copy (make distcheck) is replaced, not written into
    with open(dst, "wb") as f:
        f.write(data)


def _npm_ci():
    """package.json and the lockfile in BUILDDIR/tests/contract, node_modules
    by `npm ci` (skipped while the lockfile is unchanged); the redocly binary."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        raise TestFailure("the contract's lint needs %s (Node.js >= %d.%d with npm: apt-get install nodejs npm)"
                          % (" and ".join(missing), NODE_MIN[0], NODE_MIN[1]))
    v = subprocess.run(["node", "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
    m = re.match(r"v(\d+)\.(\d+)", v.stdout.decode(errors="replace"))
    expect(m and (int(m.group(1)), int(m.group(2))) >= NODE_MIN,
           "Redocly CLI 2 needs Node.js >= %d.%d; node --version says %r", NODE_MIN[0], NODE_MIN[1],
           v.stdout.decode(errors="replace").strip())
    os.makedirs(LINT_DIR, exist_ok=True)
    if os.path.realpath(SRC_LINT) != os.path.realpath(LINT_DIR):
        for name in ("package.json", "package-lock.json"):
            _copy_if_changed(os.path.join(SRC_LINT, name), os.path.join(LINT_DIR, name))
    with open(os.path.join(LINT_DIR, "package-lock.json"), "rb") as f:
        lock = hashlib.sha256(f.read()).hexdigest()
    stamp = os.path.join(LINT_DIR, "node_modules", ".pvd-lockfile-sha256")
    redocly = os.path.join(LINT_DIR, "node_modules", ".bin", "redocly")
    try:
        with open(stamp) as f:
            same = f.read().strip() == lock
    except FileNotFoundError:
        same = False
    if same and os.access(redocly, os.X_OK):
        log("node_modules reused (package-lock.json unchanged)")
        return redocly
    env = dict(os.environ, npm_config_update_notifier="false")
    t0 = time.monotonic()
    p = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=LINT_DIR, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    expect(p.returncode == 0, "npm ci in %s exited %d:\n%s", LINT_DIR, p.returncode,
           p.stdout.decode(errors="replace")[-3000:])
    with open(stamp, "w") as f:
        f.write(lock + "\n")
    log("npm ci in %.1f s" % (time.monotonic() - t0))
    return redocly


def test_contract_lints_without_errors(t):
    redocly = _npm_ci()
    env = dict(os.environ, REDOCLY_TELEMETRY="off", REDOCLY_SUPPRESS_UPDATE_NOTICE="true", NO_COLOR="1")
    p = subprocess.run([redocly, "lint", "--config", os.path.join(SRC_LINT, "redocly.yaml"), "--format=stylish",
                        CONTRACT], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=300)
    out = p.stdout.decode(errors="replace")
    problems = [line.strip() for line in out.splitlines() if re.match(r"\s*\d+:\d+\s+(error|warning)\s", line)]
    for line in problems:
        log(line)
    errors = [line for line in problems if re.match(r"\d+:\d+\s+error\s", line)]
    expect(p.returncode == 0 and not errors, "redocly lint exited %d with %d error(s):\n%s", p.returncode,
           len(errors), out[-4000:])
    log("redocly lint: 0 errors, %d warning(s)" % (len(problems) - len(errors)))


# ------------------------------------------------------------------ GET /openapi.yaml

def test_contract_served_without_credentials(t):
    want = contract_bytes()
    st, hd, body, _ = t.get("/openapi.yaml")
    expect(st == 200, "GET /openapi.yaml: %s %r", st, body[:300])
    expect(body == want, "the served contract (%d bytes) is not api/openapi.yaml (%d bytes)", len(body), len(want))
    expect(hd.get("content-type") == "application/yaml", "content-type %r", hd.get("content-type"))
    etag = hd.get("etag", "")
    expect(etag == 'W/"%s"' % hashlib.sha256(want).hexdigest()[:32], "ETag %r is not the file's hash", etag)
    expect(hd.get("cache-control") == "no-cache", "cache-control %r", hd.get("cache-control"))
    expect(hd.get("x-request-id"), "no X-Request-Id")
    # credentials, good or bad, change nothing: the route is public
    st, _, body2, _ = t.get("/openapi.yaml", token="pvd_not_a_token")
    expect(st == 200 and body2 == want, "with a bad token: %s", st)
    st, _, body2, _ = t.get("/openapi.yaml", basic=HR)
    expect(st == 200 and body2 == want, "as HR: %s", st)


def test_contract_revalidates_with_if_none_match(t):
    st, hd, _, _ = t.get("/openapi.yaml")
    etag = hd["etag"]
    st, hd2, body, _ = t.get("/openapi.yaml", headers={"If-None-Match": etag})
    expect(st == 304 and body == b"", "If-None-Match with the current ETag: %s %r", st, body[:100])
    expect(hd2.get("etag") == etag, "the 304 carries ETag %r, want %r", hd2.get("etag"), etag)
    st, _, body, _ = t.get("/openapi.yaml", headers={"If-None-Match": 'W/"0123456789abcdef"'})
    expect(st == 200 and body == contract_bytes(), "If-None-Match with an old ETag: %s", st)


def test_contract_gzipped_for_clients_that_accept_it(t):
    st, hd, body, _ = t.get("/openapi.yaml", headers={"Accept-Encoding": "gzip"})
    expect(st == 200 and hd.get("content-encoding") == "gzip", "gzip: %s %r", st, hd.get("content-encoding"))
    expect(gzip.decompress(body) == contract_bytes(), "the gzipped contract is not the file")
    expect(len(body) < len(contract_bytes()) // 3, "gzip saved little: %d of %d bytes", len(body),
           len(contract_bytes()))


def test_contract_lists_its_own_route(t):
    # the daemon's routes (--print-routes) include the contract's, and the
    # contract documents it as public
    text = contract_bytes().decode()
    m = re.search(r"\n  /openapi\.yaml:\n    get:\n(.*?)\n  /", text, re.S)
    expect(m is not None, "api/openapi.yaml documents no GET /openapi.yaml")
    expect("security: []" in m.group(1), "GET /openapi.yaml is not documented as public (security: [])")


def test_contract_404_without_openapi_file(t):
    with t.new_daemon(overrides={"openapi_file": ""}, name="no-contract") as d:
        expect_error(d.request("GET", "/openapi.yaml"), 404, "not_found", message_re="openapi_file")
    missing = os.path.join(t.stack.dir, "no-such-openapi.yaml")
    with t.new_daemon(overrides={"openapi_file": missing}, name="contract-missing") as d:
        expect_error(d.request("GET", "/openapi.yaml"), 404, "not_found")
        expect(missing not in d.log_text(), "a missing openapi_file is logged as an error")


if __name__ == "__main__":
    main(globals())
