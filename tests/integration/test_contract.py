#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
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


# ------------------------------------------------------------------ Location on every 201

def hire_body(number, given, family="Contrato"):
    return {"employee_number": number, "national_id": "CI-" + number, "given_names": given,
            "family_names": family, "unit": "tributaria", "position": "analista-tributario",
            "contract_type": "staff", "start_date": "2026-12-01"}


def file_hire(t, given):
    number = new_number()
    st, hd, body, js = t.request("POST", "/v1/hires", body=hire_body(number, given), basic=HR)
    expect(st == 201, "hire: %s %r", st, body[:400])
    return number, hd, js


def act(t, rid, action, who, if_match=None, **body):
    headers = {"If-Match": if_match} if if_match is not None else None
    return t.request("POST", "/v1/requests/%d/%s" % (rid, action), body=body or None, basic=who,
                     headers=headers)


def active_person(t, given):
    """A hire walked to closed by hand (no plugins): the person is active."""
    number, _, js = file_hire(t, given)
    rid = js["id"]
    ok(act(t, rid, "approve", HEAD))
    ok(act(t, rid, "confirm", TECH, note="account created"))
    ok(act(t, rid, "confirm", TECH, note="checked"))
    ok(act(t, rid, "approve", LEAD))
    ok(act(t, rid, "approve", HEAD, note="Alta concluida."))
    ok(act(t, rid, "confirm", HR))
    return number


def expect_location(hd, want, what):
    expect(hd.get("location") == want, "%s: Location %r, want %r", what, hd.get("location"), want)


def test_location_of_a_filed_request(t):
    number, hd, js = file_hire(t, "Lucia")
    expect_location(hd, "/v1/requests/%d" % js["id"], "POST /v1/hires")
    # Location names the request: reading it there gives the same request
    st, _, _, got = t.get(hd["location"], basic=HR)
    expect(st == 200 and got["id"] == js["id"] and got["person"]["employee_number"] == number,
           "GET Location: %s %r", st, got)
    # an idempotent replay answers the same 201, Location included
    key = {"Idempotency-Key": "contract-loc-1"}
    n2 = new_number()
    st1, hd1, _, js1 = t.request("POST", "/v1/hires", body=hire_body(n2, "Marta"), basic=HR, headers=key)
    st2, hd2, _, js2 = t.request("POST", "/v1/hires", body=hire_body(n2, "Marta"), basic=HR, headers=key)
    expect(st1 == st2 == 201 and js1["id"] == js2["id"], "replay: %s %s", st1, st2)
    expect_location(hd2, "/v1/requests/%d" % js1["id"], "the replayed POST /v1/hires")
    # answers that make nothing carry none
    st, hd, _, _ = t.request("POST", "/v1/hires", body=hire_body(new_number(), "Nora") | {"unit": "nowhere"},
                             basic=HR)
    expect(st == 400 and "location" not in hd, "a refused hire: %s, Location %r", st, hd.get("location"))
    st, hd, _, _ = act(t, js["id"], "cancel", HR)
    expect(st == 200 and "location" not in hd, "an action (200) carries no Location: %r", hd.get("location"))


def test_location_of_an_exit(t):
    number = active_person(t, "Olga")
    st, hd, body, js = t.request("POST", "/v1/exits", body={"employee_number": number, "reason": "renuncia",
                                                            "effective_at": "2099-03-01T12:00:00Z"}, basic=HR)
    expect(st == 201, "exit: %s %r", st, body[:400])
    expect_location(hd, "/v1/requests/%d" % js["id"], "POST /v1/exits")
    # and a set-password token for the same active person
    st, hd, body, _ = t.request("POST", "/v1/people/%s/password-token" % number, basic=TECH)
    expect(st == 201, "password token: %s %r", st, body[:300])
    expect_location(hd, "/v1/people/%s/password-token" % number, "POST /v1/people/{n}/password-token")
    st, _, body, _ = t.request("DELETE", hd["location"], basic=TECH)
    expect(st == 200, "DELETE at the token's Location: %s %r", st, body[:300])


def test_location_of_a_token_and_a_session(t):
    st, hd, body, js = t.request("POST", "/v1/tokens", body={"name": "contract-loc", "role": "auditor"},
                                 token=t.admin_token())
    expect(st == 201, "token: %s %r", st, body[:300])
    t.secrets.append(js["token"])
    expect_location(hd, "/v1/tokens/contract-loc", "POST /v1/tokens")
    st, _, body, _ = t.request("DELETE", hd["location"], token=t.admin_token())
    expect(st == 200, "DELETE at the token's Location: %s %r", st, body[:300])
    st, hd, body, _ = t.request("POST", "/v1/session", body={"login": HR[0], "password": HR[1]})
    expect(st == 201, "session: %s %r", st, body[:300])
    expect_location(hd, "/v1/session", "POST /v1/session")


def test_contract_names_location_on_every_201(t):
    text = contract_bytes().decode()
    blocks = re.findall(r"\n        '201':\n(.*?)(?=\n        '\d{3}':|\n  /|\Z)", text, re.S)
    expect(len(blocks) >= 8, "only %d 201 answers in the contract", len(blocks))
    for b in blocks:
        expect("headers/Location" in b, "a 201 of the contract has no Location header:\n%s", b[:400])


# ------------------------------------------------------------------ ETag and If-Match on requests

def etag_of(t, rid, who=HR):
    st, hd, body, js = t.get("/v1/requests/%d" % rid, basic=who)
    expect(st == 200, "GET request %d: %s %r", rid, st, body[:300])
    etag = hd.get("etag")
    expect(etag == '"%d-%d"' % (rid, js["version"]), "ETag %r for version %r", etag, js.get("version"))
    return etag, js


def test_request_etag_follows_its_version(t):
    _, hd, js = file_hire(t, "Paula")
    rid = js["id"]
    expect(js["version"] == 1 and hd.get("etag") == '"%d-1"' % rid, "a filed request: version %r, ETag %r",
           js.get("version"), hd.get("etag"))
    e1, _ = etag_of(t, rid)
    expect(e1 == hd["etag"], "GET gives %r, filing gave %r", e1, hd["etag"])
    e1b, _ = etag_of(t, rid, who=HEAD)
    expect(e1b == e1, "the ETag is the request's, not the caller's: %r vs %r", e1b, e1)
    st, hd2, _, js2 = act(t, rid, "approve", HEAD, if_match=e1)
    expect(st == 200 and js2["state"] == "provisioning", "approve with the current ETag: %s %r", st, js2)
    expect(js2["version"] > 1 and hd2.get("etag") == '"%d-%d"' % (rid, js2["version"]),
           "after the step: version %r, ETag %r", js2.get("version"), hd2.get("etag"))
    e2, _ = etag_of(t, rid)
    expect(e2 == hd2["etag"] and e2 != e1, "GET after the step: %r (before %r)", e2, e1)


def test_stale_if_match_is_412(t):
    _, _, js = file_hire(t, "Rosa")
    rid = js["id"]
    seen, _ = etag_of(t, rid, who=HEAD)
    # someone else returns it meanwhile
    ok(act(t, rid, "return", HEAD, note="falta el cargo"))
    st, hd, body, js = act(t, rid, "cancel", HR, if_match=seen)
    err = expect_error((st, hd, body, js), 412, "precondition_failed", "If-Match", message_re="changed since")
    expect("returned" in err["message"] and ("GET /v1/requests/%d" % rid) in err["message"],
           "the 412 says what the request is now and how to read it: %r", err["message"])
    _, now = etag_of(t, rid)
    expect(now["state"] == "returned" and len(now["steps"]) == 2, "a 412 took no step: %r", now["state"])
    # the current ETag, a list holding it, and * are taken
    cur, _ = etag_of(t, rid)
    st, _, body, js = act(t, rid, "cancel", HR, if_match='"%d-999", %s' % (rid, cur))
    expect(st == 200 and js["state"] == "cancelled", "If-Match with a list holding the ETag: %s %r", st, body[:300])


def test_if_match_forms(t):
    _, _, js = file_hire(t, "Sara")
    rid = js["id"]
    cur, _ = etag_of(t, rid)
    # strong comparison: the weak form of the current tag does not match
    expect_error(act(t, rid, "approve", HEAD, if_match="W/" + cur), 412, "precondition_failed", "If-Match")
    # another request's ETag with the same version does not match either
    expect_error(act(t, rid, "approve", HEAD, if_match='"%d-1"' % (rid + 100000)), 412, "precondition_failed")
    for bad in ("17-1", '"unterminated', '"a b"', "", '"x" junk'):
        expect_error(act(t, rid, "approve", HEAD, if_match=bad), 400, "invalid_field", "If-Match")
    # a 412 is decided before the role: nothing about the request leaks to a
    # stranger, who still gets 404
    expect_error(act(t, rid, "approve", EMPLOYEE, if_match='"0-0"'), 404, "not_found")
    st, _, body, js = act(t, rid, "approve", HEAD, if_match="*")
    expect(st == 200 and js["state"] == "provisioning", "If-Match: *: %s %r", st, body[:300])
    # without If-Match an action behaves as before (the console sends none)
    st, _, body, js = act(t, rid, "confirm", TECH, note="hecho")
    expect(st == 200, "without If-Match: %s %r", st, body[:300])


def test_if_match_race_has_one_winner(t):
    # two people read the same version and act at once: one step, one 412
    _, _, js = file_hire(t, "Tania")
    rid = js["id"]
    seen, _ = etag_of(t, rid)
    out = {}

    def go(name, who, action, note):
        out[name] = act(t, rid, action, who, if_match=seen, **({"note": note} if note else {}))
    a = threading.Thread(target=go, args=("approve", HEAD, "approve", None))
    b = threading.Thread(target=go, args=("return", HEAD, "return", "revisar"))
    a.start()
    b.start()
    a.join()
    b.join()
    codes = sorted(r[0] for r in out.values())
    expect(codes == [200, 412], "two actions on one version: %r", {k: (v[0], v[2][:200]) for k, v in out.items()})
    _, now = etag_of(t, rid)
    expect(len(now["steps"]) == 2, "exactly one step was taken: %r", [s["action"] for s in now["steps"]])


def test_version_bumps_on_every_change_of_the_row(t):
    # the trigger, not the code paths, keeps the version: a change made by
    # any writer moves it; an UPDATE that changes nothing does not
    _, _, js = file_hire(t, "Ursula")
    rid = js["id"]
    t.stack.psql("UPDATE requests SET conclusion = 'x' WHERE id = %d" % rid)
    _, now = etag_of(t, rid)
    expect(now["version"] == 2, "after a change: version %r", now["version"])
    t.stack.psql("UPDATE requests SET conclusion = 'x' WHERE id = %d" % rid)
    _, now = etag_of(t, rid)
    expect(now["version"] == 2, "after an UPDATE that changed nothing: version %r", now["version"])


if __name__ == "__main__":
    main(globals())
