#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The pbx plugin (plugins/pbx) against a real PostgreSQL database read by a
real Kamailio running contrib/kamailio/kamailio.cfg.in, driven through
tests/plugins/pvd-plugin-run the way the daemon's workers run it.

A hire gets the lowest free number and a SIP password (handed to
deliver_secret, which the tool prints): sipsak registers with it, not with
a wrong one; the next hire gets the next number; the range runs out with a
clear FAIL, also under parallel allocation. An exit refuses REGISTER and
calls, enable and rehire give the same number and password back. Calls are
allowed by the caller's own level or by a call code dialled as
*<code>*<number>, relayed to a fake PSTN gateway with the code stripped; a
wrong, revoked or replaced code is 403, a level too low is 403. No code or
password is ever in the database, the results, or Kamailio's log. Bad
configuration keys, a missing schema, a database that is down, a person
with no mail address, a redelivered operation.

Run: python3 tests/integration/test_pbx.py
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BUILDDIR, TestFailure, expect, letters, log, main, _register_cleanup  # noqa: E402
from kamailio import (Kamailio, SipUas, call, call_full, create_pbx_db, register,  # noqa: E402
                      register_contact)

RUN = os.path.join(BUILDDIR, "tests", "plugins", "pvd-plugin-run")
REALM = "pbx.example.org"
PEPPER = hashlib.sha256(os.urandom(32)).hexdigest()
LOCAL, MOBILE, NATIONAL, INTERNATIONAL = "2123456", "71234567", "022123456", "0049301234567"
PASSWORD_ALPHABET = set("23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ")

_env = {}
_outputs = []     # every JSON line pvd-plugin-run printed, without its "secrets"
_secrets = []     # every secret the plugin delivered
_passwords = {}   # employee_number -> current SIP password


def env(t):
    """The PBX database, the gateway and Kamailio, made once for the file."""
    if _env.get("failed"):
        raise TestFailure("the PBX set-up failed in an earlier test: %s" % _env["failed"])
    if _env:
        return _env
    try:
        return _setup(t)
    except Exception as exc:
        _env.clear()
        _env["failed"] = str(exc).splitlines()[0] if str(exc) else repr(exc)
        raise


def _setup(t):
    tmp = tempfile.mkdtemp(prefix="pvd-pbx-")
    _register_cleanup("pbx-tmp", lambda: shutil.rmtree(tmp, ignore_errors=True))
    pepper_file = os.path.join(tmp, "pepper")
    with open(pepper_file, "w") as f:
        f.write(PEPPER + "\n")
    os.chmod(pepper_file, 0o600)
    db = create_pbx_db(t.stack, "pbx")
    gw = SipUas(name="gateway")
    kam = Kamailio(db, REALM, PEPPER, gw.hostport)
    kam.check_config()
    kam.start()
    log("kamailio answered OPTIONS %.3f s after exec" % kam.start_seconds)
    with open(t.daemon.conf_path) as f:
        base = [ln for ln in f if not ln.startswith("plugin.") and not ln.startswith("plugin_dir")]
    _env.update(tmp=tmp, pepper_file=pepper_file, db=db, gw=gw, kam=kam, base=base, n=0)
    return _env


def plugin_keys(**over):
    e = _env
    keys = {"backend": "kamailio", "conninfo": e["db"]["conninfo"], "realm": REALM, "range": "2000-2009",
            "level": "local", "level.unit.tributaria": "mobile", "level.position.jefe-tributaria": "national",
            "code_length": "6", "code_pepper_file": e["pepper_file"]}
    for k, v in over.items():
        k = k.replace("__", ".")
        if v is None:
            keys.pop(k, None)
        else:
            keys[k] = v
    return keys


def write_conf(keys, name="pbx"):
    """A provisiond.conf (the shared daemon's, plugin lines replaced) with
    instance `name` of the pbx plugin; returns (path, {key: line})."""
    e = _env
    e["n"] += 1
    path = os.path.join(e["tmp"], "c%d.conf" % e["n"])
    lines = list(e["base"])
    lines.append("plugin_dir = %s\n" % os.path.join(BUILDDIR, "plugins"))
    lines.append("plugin.%s.library = pbx\n" % name)
    lines.append("plugin.%s.call_codes = yes\n" % name)
    where = {}
    for k, v in keys.items():
        lines.append("plugin.%s.%s = %s\n" % (name, k, v))
        where[k] = len(lines)
    with open(path, "w") as f:
        f.writelines(lines)
    return path, where


def run_raw(t, intent, person, params=None, attempt=1, keys=None, dry=False, check=False):
    """pvd-plugin-run once: (exit status, stdout, stderr)."""
    e = env(t)
    conf, _ = write_conf(keys or plugin_keys())
    args = [RUN, "-c", conf, "-i", "pbx"]
    if check:
        args.append("--check")
    else:
        e["n"] += 1
        pf = os.path.join(e["tmp"], "p%d.json" % e["n"])
        with open(pf, "w") as f:
            json.dump(person, f)
        args += ["-o", intent, "-p", pf, "-a", str(attempt)]
        if params is not None:
            qf = pf.replace(".json", "-params.json")
            with open(qf, "w") as f:
                json.dump(params, f)
            args += ["-P", qf]
        if dry:
            args.append("-n")
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def run(t, intent, person, params=None, attempt=1, keys=None, dry=False):
    """One operation; returns the JSON line (secrets recorded for the checks)."""
    rc, out, err = run_raw(t, intent, person, params, attempt, keys, dry)
    expect(rc == 0, "pvd-plugin-run %s exited %d: %s", intent, rc, err)
    js = json.loads(out)
    for s in js.get("secrets", []):
        _secrets.append(s["secret"])
    shown = dict(js)
    shown.pop("secrets", None)
    _outputs.append(json.dumps(shown) + "\n" + err)
    return js


def check(t, keys=None):
    rc, out, err = run_raw(t, None, None, keys=keys, check=True)
    expect(rc == 0, "pvd-plugin-run --check exited %d: %s", rc, err)
    return json.loads(out)


def person(n, **kw):
    p = {"employee_number": "PBX%03d" % n, "given_names": "Ana " + letters(n), "family_names": "Pérez Ñuflo",
         "unit": "uit", "position": "tecnico", "status": "active", "uid": "ana.%s" % letters(n).lower(),
         "mail": "ana.%s@example.org" % letters(n).lower()}
    p.update(kw)
    return {k: v for k, v in p.items() if v is not None}


def secret(js, what):
    got = [s for s in js.get("secrets", []) if s["what"] == what]
    expect(len(got) == 1, "want one %s delivered, got %r", what, js.get("secrets"))
    return got[0]


def hire(t, n, **kw):
    p = person(n, **kw)
    js = run(t, "create", p)
    expect(js["status"] == "ok", "hire %s: %r", p["employee_number"], js)
    _passwords[p["employee_number"]] = secret(js, "sip_password")["secret"]
    return js["object"], _passwords[p["employee_number"]], p


def db(t, sql):
    return t.stack.psql(sql, conninfo=_env["db"]["superuser"]).strip()


def issue(t, p, level, **kw):
    return run(t, "call_code", p, params={"call_code": {"action": "issue", "level": level}}, **kw)


def other_code(code):
    """A well-formed code that is not `code` (and not trivial)."""
    for c in ("739204", "582931", "604817"):
        if c != code:
            return c


# ---------------------------------------------------------------- configuration

def test_check_and_operations_name_the_missing_schema(t):
    env(t)
    empty = create_pbx_db(t.stack, "pbx_empty", schema=False)
    keys = plugin_keys(conninfo=empty["conninfo"])
    r = check(t, keys)
    expect(r["status"] == "config" and re.search(r"pvd_extension missing: apply \S+/kamailio\.sql to the PBX database",
                                                 r["message"]), "check on an empty database: %r", r)
    r = run(t, "create", person(90), keys=keys)
    expect(r["status"] == "config" and "kamailio.sql" in r["message"] and "pvd_extension" in r["message"],
           "create on an empty database: %r", r)
    r = check(t)
    expect(r["status"] == "ok", "check on the PBX database: %r", r)


def test_bad_configuration_is_refused_naming_key_and_line(t):
    env(t)
    short = os.path.join(_env["tmp"], "short-pepper")
    with open(short, "w") as f:
        f.write("abc\n")
    quoted = os.path.join(_env["tmp"], "quoted-pepper")
    with open(quoted, "w") as f:
        f.write('0123456789abcdef"x\n')
    cases = [
        ({"colour": "blue"}, "colour", r"plugin key 'colour' \(line %d\) is not known to pbx \(backend, conninfo"),
        ({"range": "2999-2000"}, "range", r"'range' \(line %d\): '2999-2000' START is after END"),
        ({"range": "200-2999"}, "range", r"'range' \(line %d\): .*same number of digits"),
        ({"range": "20a0-2999"}, "range", r"'range' \(line %d\): .*digits only"),
        ({"range": "2000"}, "range", r"'range' \(line %d\): '2000' is not START-END"),
        ({"level": "premium"}, "level", r"'level' \(line %d\): 'premium' is not a calling level \(local, mobile"),
        ({"level.unit.uit": "galactic"}, "level.unit.uit", r"'level\.unit\.uit' \(line %d\): 'galactic' is not a calling"),
        ({"code_length": "3"}, "code_length", r"'code_length' \(line %d\): '3' is not a number from 4 to 12"),
        ({"code_length": "13"}, "code_length", r"'code_length' \(line %d\)"),
        ({"backend": "asterisk"}, "backend", r"'backend' \(line %d\): 'asterisk' is not a pbx backend \(kamailio\)"),
        ({"realm": "pbx example"}, "realm", r"'realm' \(line %d\): 'pbx example' is not a SIP domain"),
        ({"code_pepper_file": "/nonexistent/pepper"}, "code_pepper_file",
         r"'code_pepper_file' \(line %d\): open\(/nonexistent/pepper\) failed"),
        ({"code_pepper_file": short}, "code_pepper_file", r"'code_pepper_file' \(line %d\): .*shorter than 16"),
        ({"code_pepper_file": quoted}, "code_pepper_file", r"'code_pepper_file' \(line %d\): .*may hold only"),
        ({"realm": None}, None, r"plugin key 'realm' is required"),
        ({"range": None}, None, r"plugin key 'range' is required"),
        ({"backend": None}, None, r"plugin key 'backend' is required: kamailio"),
        ({"code_pepper_file": None}, None, r"plugin key 'code_pepper_file' is required"),
    ]
    for over, key, want in cases:
        keys = plugin_keys(**{k.replace(".", "__"): v for k, v in over.items()})
        conf, where = write_conf(keys)
        p = subprocess.run([RUN, "-c", conf, "-i", "pbx", "--check"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        err = p.stderr.decode(errors="replace")
        rx = want % where[key] if key else want
        expect(p.returncode == 2 and re.search(rx, err), "config %r: exit %d, stderr %r, want /%s/",
               over, p.returncode, err, rx)
        expect(conf in err, "the message names the file %s: %r", conf, err)
        expect(PEPPER not in err, "the pepper is in a message")


# ---------------------------------------------------------------- extensions

def test_hire_gets_the_first_number_and_registers(t):
    e = env(t)
    js = run(t, "create", person(1))
    expect(js["status"] == "ok" and js["object"] == "2000", "first hire: %r", js)
    expect(js["after"] == {"extension": "2000", "realm": REALM, "caller_id": "Ana B Pérez Ñuflo", "level": "local",
                           "enabled": True}, "after: %r", js["after"])
    expect(js["before"] is None, "before of a new extension: %r", js["before"])
    s = secret(js, "sip_password")
    pw = s["secret"]
    _passwords["PBX001"] = pw
    expect(len(pw) >= 16 and set(pw) <= PASSWORD_ALPHABET, "password form: %d characters", len(pw))
    expect(s["rcpt"] == "ana.b@example.org", "mailed to the person: %r", s["rcpt"])
    expect(s["note"] == "Extension 2000 (sip:2000@%s), calling level local" % REALM, "note: %r", s["note"])
    row = db(t, "SELECT ha1, ha1b, enabled, owner FROM pvd_extension WHERE extension = '2000'").split("|")
    md5 = lambda x: hashlib.md5(x.encode()).hexdigest()  # noqa: E731
    expect(row == [md5("2000:%s:%s" % (REALM, pw)), md5("2000@%s:%s:%s" % (REALM, REALM, pw)), "t", "PBX001"],
           "stored digests: %r", row)
    rc = register(e["kam"], "2000", pw)
    expect(rc == 0, "REGISTER with the mailed password: sipsak exit %d\n%s", rc, register.last_output)
    rc = register(e["kam"], "2000", pw[:-1] + ("x" if pw[-1] != "x" else "y"))
    expect(rc != 0, "REGISTER with a wrong password is refused")
    rc = register(e["kam"], "2009", pw)
    expect(rc != 0, "REGISTER of a number nobody has is refused")
    js = run(t, "create", person(1))
    expect(js["status"] == "noop" and js["secrets"] == [], "hiring again changes nothing: %r", js)


def test_next_hires_and_the_level_rules(t):
    env(t)
    ext, _, _ = hire(t, 2, unit="tributaria")
    expect(ext == "2001", "the second hire gets 2001, got %s", ext)
    expect(db(t, "SELECT level, level_rank FROM pvd_extension WHERE owner = 'PBX002'") == "mobile|2",
           "level.unit.tributaria gives mobile")
    ext, _, p3 = hire(t, 3, unit="tributaria", position="jefe-tributaria")
    expect(ext == "2002", "the third hire gets 2002, got %s", ext)
    expect(db(t, "SELECT level FROM pvd_extension WHERE owner = 'PBX003'") == "national", "position wins over unit")
    p3.update(position="analista", given_names="Ana Cecilia")
    js = run(t, "update", p3)
    expect(js["status"] == "ok" and js["secrets"] == [], "update: %r", js)
    expect(js["before"]["level"] == "national" and js["after"]["level"] == "mobile" and
           js["after"]["caller_id"] == "Ana Cecilia Pérez Ñuflo" and js["after"]["extension"] == "2002",
           "update before/after: %r", js)
    expect("level national -> mobile" in js["message"], "message says what changed: %r", js["message"])
    js = run(t, "update", p3)
    expect(js["status"] == "noop", "update again: %r", js)


def test_dry_run_changes_nothing(t):
    env(t)
    js = run(t, "create", person(9), dry=True)
    expect(js["status"] == "ok" and js["object"] == "2003" and "would assign extension 2003" in js["message"],
           "dry run: %r", js)
    expect(js["secrets"] == [], "no secret in a dry run")
    expect(db(t, "SELECT count(*) FROM pvd_extension WHERE owner = 'PBX009'") == "0", "no row after a dry run")
    js = issue(t, person(1), "national", dry=True)
    expect(js["status"] == "ok" and "would issue a call code at level national for extension 2000" in js["message"]
           and js["secrets"] == [], "dry run of an issue: %r", js)
    expect(db(t, "SELECT count(*) FROM pvd_call_code") == "0", "no code after a dry run")


def test_exit_refuses_register_and_calls_enable_and_rehire_give_it_back(t):
    e = env(t)
    p2, pw = person(2, unit="tributaria"), _passwords["PBX002"]
    expect(register(e["kam"], "2001", pw) == 0, "2001 registers")
    expect(call(e["kam"], "2001", pw, LOCAL) == 200, "2001 calls a local number")
    js = run(t, "disable", p2)
    expect(js["status"] == "ok" and js["object"] == "2001" and js["after"]["enabled"] is False, "disable: %r", js)
    expect(register(e["kam"], "2001", pw) != 0, "a disabled extension cannot REGISTER")
    st = call(e["kam"], "2001", pw, LOCAL)
    expect(st == 407, "a disabled extension cannot call: %s", st)
    js = run(t, "disable", p2)
    expect(js["status"] == "noop", "disable again: %r", js)
    js = run(t, "disable", person(77))
    expect(js["status"] == "notfound" and "PBX077 has no extension" in js["message"], "disable nobody: %r", js)
    js = run(t, "enable", p2)
    expect(js["status"] == "ok" and js["after"]["enabled"] is True, "enable: %r", js)
    expect(register(e["kam"], "2001", pw) == 0, "enabled again: REGISTER works")
    expect(call(e["kam"], "2001", pw, MOBILE) == 200, "enabled again: a mobile call (own level mobile)")
    js = run(t, "enable", p2)
    expect(js["status"] == "noop", "enable again: %r", js)
    # the rehire: exit, then a new hire of the same person
    run(t, "disable", p2)
    js = run(t, "create", p2)
    expect(js["status"] == "ok" and js["object"] == "2001" and js["secrets"] == [] and
           "enabled again" in js["message"], "rehire keeps the number and the password: %r", js)
    expect(register(e["kam"], "2001", pw) == 0, "the rehired person registers with the old password")


def test_range_exhaustion_is_a_clear_fail_also_in_parallel(t):
    env(t)
    keys = plugin_keys(range="3000-3004")
    people = [person(20 + i) for i in range(5)]
    out = [None] * 5

    def one(i):
        out[i] = run(t, "create", people[i], keys=keys)
    threads = [threading.Thread(target=one, args=(i,)) for i in range(5)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    got = sorted(js["object"] for js in out if js and js["status"] == "ok")
    expect(got == ["3000", "3001", "3002", "3003", "3004"], "five parallel hires, five numbers: %r", out)
    run(t, "disable", people[2], keys=keys)
    js = run(t, "create", person(30), keys=keys)
    expect(js["status"] == "fail" and js["message"] == "extension range 3000-3004 exhausted: all 5 numbers are assigned",
           "range exhausted (a disabled number is not given again): %r", js)
    expect(js["secrets"] == [] and db(t, "SELECT count(*) FROM pvd_extension WHERE owner = 'PBX030'") == "0",
           "nothing made for the sixth")


# ---------------------------------------------------------------- calls and codes

def test_calls_by_own_level_and_by_call_code(t):
    e = env(t)
    kam, gw, pw = e["kam"], e["gw"], _passwords["PBX001"]
    gw.clear()
    expect(call(kam, "2000", pw, LOCAL) == 200, "a local call at level local")
    expect(gw.ruris == ["sip:%s@%s" % (LOCAL, gw.hostport)], "relayed to the gateway: %r", gw.ruris)
    st = call_full(kam, "2000", pw, MOBILE)
    expect(st == (403, "Calling level too low"), "a mobile call without a code: %r", st)
    expect(call(kam, "2000", pw, NATIONAL) == 403, "a national call without a code")
    expect(call(kam, "2000", pw, "12345") == 404, "not a number of any pattern")
    expect(call(kam, "2000", pw + "x", LOCAL) == 407, "a wrong password cannot call")
    js = issue(t, person(1), "national")
    expect(js["status"] == "ok" and js["object"] == "2000", "issue: %r", js)
    expect(js["after"] == {"extension": "2000", "level": "national", "issued": True}, "after: %r", js["after"])
    s = secret(js, "call_code")
    code = s["secret"]
    expect(re.fullmatch(r"[0-9]{6}", code), "a six-digit code")
    expect(s["rcpt"] == "ana.b@example.org" and "Calling level national" in s["note"] and code not in s["note"],
           "code note: %r", s["note"])
    _env["code1"] = code
    gw.clear()
    expect(call(kam, "2000", pw, "*%s*%s" % (code, MOBILE)) == 200, "a mobile call with the code")
    expect(call(kam, "2000", pw, "*%s*%s" % (code, NATIONAL)) == 200, "a national call with the code")
    expect(gw.ruris == ["sip:%s@%s" % (MOBILE, gw.hostport), "sip:%s@%s" % (NATIONAL, gw.hostport)],
           "the gateway gets the bare numbers: %r", gw.ruris)
    expect(not any(code in inv for inv in gw.invites), "the code never reaches the gateway")
    st = call_full(kam, "2000", pw, "*%s*%s" % (code, INTERNATIONAL))
    expect(st == (403, "Calling level too low"), "an international call with a national code: %r", st)
    st = call_full(kam, "2000", pw, "*%s*%s" % (other_code(code), MOBILE))
    expect(st == (403, "Forbidden"), "a wrong code: %r", st)
    # the code is the person's, usable from any extension (UIT-PR01: the code, not the phone)
    expect(call(kam, "2001", _passwords["PBX002"], "*%s*%s" % (code, NATIONAL)) == 200,
           "the code from another extension")
    h = db(t, "SELECT code_hash FROM pvd_call_code WHERE owner = 'PBX001' AND enabled")
    expect(h == hashlib.sha256(("%s:%s" % (PEPPER, code)).encode()).hexdigest(), "stored as sha256(pepper:code)")


def test_a_new_issue_replaces_and_revoke_ends_the_code(t):
    e = env(t)
    kam, pw, p1 = e["kam"], _passwords["PBX001"], person(1)
    c1 = _env["code1"]
    js = issue(t, p1, "mobile")
    c2 = secret(js, "call_code")["secret"]
    expect(js["status"] == "ok" and c2 != c1 and "earlier code no longer works" in js["message"], "reissue: %r", js)
    expect(js["before"] == {"extension": "2000", "active": True, "level": "national"}, "before: %r", js["before"])
    expect(call(kam, "2000", pw, "*%s*%s" % (c1, MOBILE)) == 403, "the replaced code is refused")
    expect(call(kam, "2000", pw, "*%s*%s" % (c2, MOBILE)) == 200, "the new code works")
    expect(call(kam, "2000", pw, "*%s*%s" % (c2, NATIONAL)) == 403, "at its own level (mobile) only")
    js = run(t, "call_code", p1, params={"call_code": {"action": "revoke"}})
    expect(js["status"] == "ok" and js["before"]["level"] == "mobile" and js["after"]["active"] is False,
           "revoke: %r", js)
    row = db(t, "SELECT enabled, revoked_at IS NOT NULL FROM pvd_call_code WHERE owner = 'PBX001'")
    expect(row == "f|t", "revoked in the table: %r", row)
    expect(call(kam, "2000", pw, "*%s*%s" % (c2, MOBILE)) == 403, "a revoked code is refused")
    js = run(t, "call_code", p1, params={"call_code": {"action": "revoke"}})
    expect(js["status"] == "noop", "revoke again: %r", js)
    js = run(t, "call_code", person(2, unit="tributaria"), params={"call_code": {"action": "revoke"}})
    expect(js["status"] == "noop", "revoke with no code: %r", js)


def test_issue_needs_an_enabled_extension_and_a_level(t):
    env(t)
    p2 = person(2, unit="tributaria")
    run(t, "disable", p2)
    js = issue(t, p2, "national")
    expect(js["status"] == "fail" and js["message"] == "PBX002 has no enabled extension: a call code needs one",
           "issue for a disabled extension: %r", js)
    expect(js["secrets"] == [], "no code delivered")
    js = issue(t, person(60), "national")
    expect(js["status"] == "fail" and "PBX060 has no enabled extension" in js["message"], "no extension: %r", js)
    js = run(t, "enable", p2)
    expect(js["status"] == "ok", "enable: %r", js)
    js = issue(t, p2, "galactic")
    expect(js["status"] == "fail" and "'galactic' is not a calling level" in js["message"], "bad level: %r", js)
    js = run(t, "call_code", p2, params={"call_code": {"action": "steal"}})
    expect(js["status"] == "fail" and "'steal' is not issue or revoke" in js["message"], "bad action: %r", js)
    js = run(t, "call_code", p2, params={})
    expect(js["status"] == "fail" and "action is missing" in js["message"], "no action: %r", js)


def test_an_exit_revokes_the_code_and_enable_does_not_bring_it_back(t):
    e = env(t)
    kam, p2, pw = e["kam"], person(2, unit="tributaria"), _passwords["PBX002"]
    js = issue(t, p2, "international")
    code = secret(js, "call_code")["secret"]
    expect(call(kam, "2001", pw, "*%s*%s" % (code, INTERNATIONAL)) == 200, "an international call with the code")
    js = run(t, "disable", p2)
    expect(js["status"] == "ok" and "call code revoked" in js["message"] and
           js["before"]["call_code"] == {"active": True, "level": "international"} and
           js["after"]["call_code"] == {"active": False}, "disable takes the code: %r", js)
    run(t, "enable", p2)
    expect(db(t, "SELECT enabled FROM pvd_call_code WHERE owner = 'PBX002'") == "f", "still revoked after enable")
    st = call_full(kam, "2001", pw, "*%s*%s" % (code, INTERNATIONAL))
    expect(st == (403, "Forbidden"), "the code of before the exit is refused: %r", st)


def test_internal_calls_reach_registered_extensions_only(t):
    e = env(t)
    kam = e["kam"]
    phone = SipUas(name="phone2001")
    try:
        st = register_contact(kam, "2001", _passwords["PBX002"], phone.uri)
        expect(st == 200, "2001 registers the phone's contact: %s", st)
        expect(call(kam, "2000", _passwords["PBX001"], "2001") == 200, "2000 calls 2001")
        expect(phone.ruris == [phone.uri], "the phone got the call: %r", phone.ruris)
        expect(register_contact(kam, "2001", _passwords["PBX001"], phone.uri) == 401,
               "2000's password does not register 2001")
    finally:
        phone.stop()
    expect(call(kam, "2000", _passwords["PBX001"], "2002") == 480, "an enabled extension not registered: 480")
    p3 = person(3, unit="tributaria", position="analista", given_names="Ana Cecilia")
    run(t, "disable", p3)
    expect(call(kam, "2000", _passwords["PBX001"], "2002") == 404, "a disabled extension is no number: 404")
    run(t, "enable", p3)


def test_a_redelivered_operation_hands_out_new_secrets(t):
    e = env(t)
    p4 = person(4)
    js = run(t, "create", p4)
    ext, pw1 = js["object"], secret(js, "sip_password")["secret"]
    # the daemon stopped after the COMMIT, before recording: the same
    # operation again, whose password was never mailed
    js = run(t, "create", p4, attempt=2)
    pw2 = secret(js, "sip_password")["secret"]
    expect(js["status"] == "ok" and js["object"] == ext and pw2 != pw1 and "redelivered" in js["message"],
           "redelivery: %r", js)
    expect(register(e["kam"], ext, pw1) != 0 and register(e["kam"], ext, pw2) == 0, "only the new password works")
    _passwords["PBX004"] = pw2
    c1 = secret(issue(t, p4, "mobile"), "call_code")["secret"]
    c2 = secret(issue(t, p4, "mobile", attempt=2), "call_code")["secret"]
    expect(c1 != c2 and call(e["kam"], ext, pw2, "*%s*%s" % (c2, MOBILE)) == 200 and
           call(e["kam"], ext, pw2, "*%s*%s" % (c1, MOBILE)) == 403, "a redelivered issue: a fresh code")


def test_without_a_mail_address_nothing_changes(t):
    e = env(t)
    js = run(t, "create", person(5, mail=None))
    expect(js["status"] == "fail" and "mail" in js["message"] and "nothing was changed" in js["message"],
           "no mail, no extension: %r", js)
    expect(db(t, "SELECT count(*) FROM pvd_extension WHERE owner = 'PBX005'") == "0", "no row")
    p1 = person(1)
    code = secret(issue(t, p1, "national"), "call_code")["secret"]
    js = issue(t, person(1, mail=None), "international")
    expect(js["status"] == "fail" and js["secrets"] == [], "no mail, no code: %r", js)
    expect(call(e["kam"], "2000", _passwords["PBX001"], "*%s*%s" % (code, NATIONAL)) == 200,
           "the code of before still works")
    expect(db(t, "SELECT level FROM pvd_call_code WHERE owner = 'PBX001'") == "national", "the code row unchanged")


def test_read_shows_state_and_never_a_hash(t):
    env(t)
    js = run(t, "read", person(1))
    expect(js["status"] == "ok" and js["after"] == {"extension": "2000", "realm": REALM,
                                                    "caller_id": "Ana B Pérez Ñuflo", "level": "local",
                                                    "enabled": True,
                                                    "call_code": {"active": True, "level": "national"}},
           "read: %r", js)
    js = run(t, "read", person(88))
    expect(js["status"] == "notfound", "read nobody: %r", js)


def test_an_unreachable_database_is_retry(t):
    env(t)
    keys = plugin_keys(conninfo="host=127.0.0.1 port=1 dbname=pbx user=x connect_timeout=2")
    js = run(t, "create", person(40), keys=keys)
    expect(js["status"] == "retry" and "connect to the PBX database failed" in js["message"], "down: %r", js)
    r = check(t, keys)
    expect(r["status"] == "retry", "check when down: %r", r)


def test_guessing_codes_is_stopped(t):
    e = env(t)
    kam, p4, pw = e["kam"], person(4), _passwords["PBX004"]
    code = secret(issue(t, p4, "national"), "call_code")["secret"]
    wrong = [c for c in ("739204", "582931", "604817", "918273", "264819", "537102", "829461", "146093",
                         "370582", "695028", "481937") if c != code][:10]
    for c in wrong:	# one wrong try was made before, by test_a_redelivered_operation_...
        st = call(kam, "2003", pw, "*%s*%s" % (c, MOBILE))
        expect(st == 403, "a wrong code: %s", st)
    st = call_full(kam, "2003", pw, "*%s*%s" % (code, MOBILE))
    expect(st == (403, "Forbidden"), "after 10 wrong codes even the right one is refused: %r", st)
    expect("extension 2003: too many wrong call codes" in kam.log_text(), "Kamailio says why")
    expect(call(kam, "2003", pw, LOCAL) == 200, "calls without a code go on")
    code1 = secret(issue(t, person(1), "national"), "call_code")["secret"]
    expect(call(kam, "2000", _passwords["PBX001"], "*%s*%s" % (code1, NATIONAL)) == 200,
           "other extensions are not affected")


def test_no_secret_in_the_database_results_or_logs(t):
    e = env(t)
    expect(len(_secrets) >= 10, "secrets were handed out: %d", len(_secrets))
    dump = db(t, "SELECT string_agg(x, E'\\n') FROM (SELECT t::text AS x FROM pvd_extension t UNION ALL "
                 "SELECT t::text FROM pvd_call_code t UNION ALL SELECT t::text FROM location t UNION ALL "
                 "SELECT t::text FROM version t) s")
    for s in _secrets:
        expect(s not in dump, "a secret is in the PBX database")
        for o in _outputs:
            expect(s not in o, "a secret is in a result or message: %s", o[:300])
    klog = e["kam"].log_text()
    for s in _secrets + [PEPPER]:
        expect(s not in klog, "a secret is in Kamailio's log")
    expect("outside call 2000 -> %s (level 2, by call code of PBX001)" % MOBILE in klog or
           "by call code of PBX001" in klog, "Kamailio logs the code's owner, not the code")



def test_kamailio_stops_cleanly(t):
    e = env(t)
    kam = e["kam"]
    status = kam.stop(remove=False)
    text = kam.log_text()
    kam.remove()
    e["gw"].stop()
    expect(status == 0, "kamailio exit status %s on SIGTERM", status)
    errors = [ln for ln in text.splitlines() if " ERROR: " in ln or " CRITICAL: " in ln or " ALERT: " in ln]
    expect(not errors, "kamailio logged errors:\n%s", "\n".join(errors[:20]))


if __name__ == "__main__":
    main(globals())
