#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Authentication and tokens over real HTTP against the real directory and
database: bearer tokens (CLI and API, hashed at rest, revocation), Basic
sign-in with directory passwords (roles from groups, no user enumeration,
ppolicy lock, LDAP filter injection) and no secret in the log.

Run: python3 tests/integration/test_auth.py   (see harness.py for the env)
"""
import base64
import hashlib
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TestFailure, expect, expect_error, main, wait_until  # noqa: E402

PW = "dev-password"
BASE = "dc=example,dc=org"
# a daemon log line (the CLI may log progress such as the schema check)
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\S+ provisiond (debug|info|warning|error): ")


def whoami(t, **auth):
    st, hd, body, js = t.get("/v1/whoami", **auth)
    expect(st == 200, "whoami: %s %r", st, body)
    return js


def remember(t, token):
    t.secrets.append(token)
    return token


# ------------------------------------------------------------------ tokens: CLI

def test_token_create_cli_prints_token_once(t):
    tok = remember(t, t.daemon.create_token("hr", "hr-feed"))
    expect(len(tok) >= 32 and " " not in tok, "token %r looks too weak or malformed", tok)
    # a second create with the same name fails and prints no token
    p = t.daemon.cli("token", "create", "--role", "hr", "--name", "hr-feed", check=False)
    expect(p.returncode == 1, "duplicate token create exited %d", p.returncode)
    expect(p.stdout.strip() == "", "duplicate create printed %r on stdout", p.stdout)
    errs = [ln for ln in p.stderr.splitlines() if ln.strip() and not LOG_LINE.match(ln)]
    expect(len(errs) == 1 and "hr-feed" in errs[0], "want a one-line error naming the token, got %r",
           p.stderr)
    # list never shows the token
    p = t.daemon.cli("token", "list")
    expect("hr-feed" in p.stdout and tok not in p.stdout, "token list: %r", p.stdout)
    # two tokens are never alike
    tok2 = remember(t, t.daemon.create_token("hr", "hr-feed-2"))
    expect(tok2 != tok, "two tokens are the same")


def test_token_create_cli_errors(t):
    for args, what in ((["--role", "wizard", "--name", "x1"], "role"),
                       (["--role", "hr", "--name", "Bad Name"], "name"),
                       (["--role", "hr"], "--name"),
                       (["--name", "x2"], "--role")):
        p = t.daemon.cli("token", "create", *args, check=False)
        expect(p.returncode == 1, "token create %r exited %d", args, p.returncode)
        expect(p.stdout.strip() == "", "token create %r printed %r", args, p.stdout)
        expect(what.strip("-") in p.stderr, "token create %r: error %r should name %s", args,
               p.stderr, what)


def test_token_stored_only_as_hash(t):
    tok = remember(t, t.daemon.create_token("auditor", "hash-check"))
    dump = t.stack.psql("SELECT * FROM api_tokens")
    expect("hash-check" in dump, "the api_tokens dump does not list the token: %r", dump)
    expect(tok not in dump, "the plain token is stored in api_tokens")
    secret_part = tok.split("_", 1)[-1]
    expect(secret_part not in dump, "the token's secret part is stored in api_tokens")
    b64 = base64.b64encode(tok.encode()).decode()
    expect(b64 not in dump, "the token is stored base64-encoded")
    # the column holds a one-way hash (SHA-256 as the README says)
    row = t.stack.psql("SELECT token_hash FROM api_tokens WHERE name = 'hash-check'").strip()
    expect(row and row != tok, "no token_hash for hash-check")
    expect(row == hashlib.sha256(tok.encode()).hexdigest(),
           "token_hash is not the SHA-256 of the token (README says it is): %r", row)


def test_bearer_token_works(t):
    tok = remember(t, t.daemon.create_token("tim_lead", "lead-bot"))
    js = whoami(t, token=tok)
    expect(js["kind"] == "token", "kind %r", js)
    expect(js["roles"] == ["tim_lead"], "roles %r", js)
    expect(js["subject"] == "lead-bot", "subject %r", js)
    expect("dn" not in js or js["dn"] in (None, ""), "a token has no dn: %r", js)
    # the scheme name is case-insensitive (RFC 7235)
    st, _, _, _ = t.get("/v1/whoami", headers={"Authorization": "bearer " + tok})
    expect(st == 200, "'bearer' lower case: %s", st)


def test_wrong_token_401(t):
    tok = t.token("hr")
    for bad in ("nope", tok + "x", tok[:-1], tok.upper() if tok != tok.upper() else tok.lower(),
                "", " ", "pvd_" + "0" * 40, "a" * 5000, tok + " " + tok):
        resp = t.get("/v1/whoami", headers={"Authorization": "Bearer " + bad})
        expect_error(resp, 401, "unauthorized")
        expect("www-authenticate" in resp[1], "401 without WWW-Authenticate")
    for hdr in ("Token " + tok, tok, "Bearer", "Digest username=x", "Basic"):
        expect_error(t.get("/v1/whoami", headers={"Authorization": hdr}), 401, "unauthorized")
    expect_error(t.get("/v1/whoami"), 401, "unauthorized")


def test_token_revoke_cli(t):
    tok = remember(t, t.daemon.create_token("hr", "to-revoke-cli"))
    whoami(t, token=tok)
    p = t.daemon.cli("token", "revoke", "--name", "to-revoke-cli")
    expect(p.returncode == 0, "revoke exit %d", p.returncode)
    expect_error(t.get("/v1/whoami", token=tok), 401, "unauthorized")
    p = t.daemon.cli("token", "revoke", "--name", "to-revoke-cli", check=False)
    expect(p.returncode == 1, "revoking twice exited %d", p.returncode)
    p = t.daemon.cli("token", "revoke", "--name", "never-existed", check=False)
    expect(p.returncode == 1 and "never-existed" in p.stderr, "revoke unknown: %d %r",
           p.returncode, p.stderr)
    p = t.daemon.cli("token", "list")
    line = [ln for ln in p.stdout.splitlines() if ln.split()[:1] == ["to-revoke-cli"]]
    expect(line and line[0].rstrip().split()[-1] != "-", "list does not show the revocation: %r",
           p.stdout)


def test_token_revoke_api(t):
    tok = remember(t, t.daemon.create_token("unit_head", "to-revoke-api"))
    whoami(t, token=tok)
    st, _, body, js = t.request("DELETE", "/v1/tokens/to-revoke-api", token=t.admin_token())
    expect(st == 200, "DELETE: %s %r", st, body)
    expect(js.get("name") == "to-revoke-api" and js.get("revoked_at"), "DELETE answer %r", js)
    expect_error(t.get("/v1/whoami", token=tok), 401, "unauthorized")
    expect_error(t.request("DELETE", "/v1/tokens/to-revoke-api", token=t.admin_token()), 404,
                 "not_found")
    expect_error(t.request("DELETE", "/v1/tokens/no-such-token", token=t.admin_token()), 404,
                 "not_found")
    # only admins revoke
    other = remember(t, t.daemon.create_token("hr", "victim"))
    expect_error(t.request("DELETE", "/v1/tokens/victim", token=t.token("hr")), 403, "forbidden")
    expect_error(t.request("DELETE", "/v1/tokens/victim", basic=("tim.mendoza", PW)), 403,
                 "forbidden")
    expect_error(t.request("DELETE", "/v1/tokens/victim"), 401, "unauthorized")
    whoami(t, token=other)
    # a revoked admin token cannot revoke anything any more
    adm = remember(t, t.daemon.create_token("admin", "short-lived-admin"))
    st, _, _, _ = t.request("DELETE", "/v1/tokens/short-lived-admin", token=adm)
    expect(st == 200, "an admin token revoking itself: %s", st)
    expect_error(t.request("DELETE", "/v1/tokens/victim", token=adm), 401, "unauthorized")


def test_token_create_api_by_admin(t):
    st, hd, body, js = t.request("POST", "/v1/tokens", body={"name": "api-made", "role": "auditor"},
                                 basic=("admin.vargas", PW))
    expect(st == 201, "POST /v1/tokens by admin.vargas: %s %r", st, body)
    for k in ("name", "role", "token", "created_at"):
        expect(k in js, "201 answer lacks %r: %r", k, js)
    expect(js["name"] == "api-made" and js["role"] == "auditor", "answer %r", js)
    tok = remember(t, js["token"])
    me = whoami(t, token=tok)
    expect(me["roles"] == ["auditor"] and me["kind"] == "token", "whoami with the new token: %r", me)
    # by an admin token as well
    st, _, body, js = t.request("POST", "/v1/tokens", body={"name": "api-made-2", "role": "monitor"},
                                token=t.admin_token())
    expect(st == 201, "POST /v1/tokens by an admin token: %s %r", st, body)
    remember(t, js["token"])


def test_token_list_api(t):
    st, _, body, js = t.get("/v1/tokens", token=t.admin_token())
    expect(st == 200 and isinstance(js.get("items"), list), "GET /v1/tokens: %s %r", st, body)
    by = {i["name"]: i for i in js["items"]}
    expect("api-made" in by, "api-made not listed: %r", sorted(by))
    for it in js["items"]:
        for k in ("name", "role", "created_at", "last_used_at", "revoked_at"):
            expect(k in it, "item lacks %r: %r", k, it)
        for k in ("token", "token_hash", "hash"):
            expect(k not in it, "item shows %r: %r", k, it)
    expect(by["api-made"]["last_used_at"], "last_used_at not set after use: %r", by["api-made"])
    if "to-revoke-api" in by:
        expect(by["to-revoke-api"]["revoked_at"], "revoked token without revoked_at")
    text = body.decode()
    for s in t.secrets:
        expect(s not in text, "GET /v1/tokens shows a token")
    expect_error(t.get("/v1/tokens", basic=("aaf.ramos", PW)), 403, "forbidden")


def test_token_create_api_forbidden_for_hr(t):
    err = expect_error(t.request("POST", "/v1/tokens", body={"name": "by-hr", "role": "admin"},
                                 basic=("aaf.ramos", PW)), 403, "forbidden")
    expect("admin" in err["message"], "403 should name the role needed: %r", err["message"])
    expect_error(t.request("POST", "/v1/tokens", body={"name": "by-hr2", "role": "hr"},
                           token=t.token("hr")), 403, "forbidden")
    expect_error(t.request("POST", "/v1/tokens", body={"name": "by-anon", "role": "hr"}), 401,
                 "unauthorized")
    st, _, _, js = t.get("/v1/tokens", token=t.admin_token())
    names = {i["name"] for i in js["items"]}
    expect(not names & {"by-hr", "by-hr2", "by-anon"}, "a refused POST created a token: %r", names)


def test_token_create_api_conflict(t):
    expect_error(t.request("POST", "/v1/tokens", body={"name": "api-made", "role": "hr"},
                           token=t.admin_token()), 409, "conflict", field="name")
    # revoked tokens keep their names
    expect_error(t.request("POST", "/v1/tokens", body={"name": "to-revoke-api", "role": "hr"},
                           token=t.admin_token()), 409, "conflict", field="name")
    expect_error(t.request("POST", "/v1/tokens", body={"name": "hr-feed", "role": "hr"},
                           token=t.admin_token()), 409, "conflict", field="name")


def test_token_create_api_unknown_role(t):
    err = expect_error(t.request("POST", "/v1/tokens", body={"name": "bad-role", "role": "wizard"},
                                 token=t.admin_token()), 400, "invalid_field", field="role")
    expect("hr" in err["message"], "the 400 should list the roles: %r", err["message"])
    expect_error(t.request("POST", "/v1/tokens", body={"name": "bad-role", "role": "HR "},
                           token=t.admin_token()), 400, field="role")


# ------------------------------------------------------------------ Basic sign-in

def test_basic_roles_from_groups(t):
    want = {
        "tim.mendoza": ({"tim_head", "unit_head"}, {"hr", "admin", "auditor", "monitor"}),
        "aaf.ramos": ({"hr"}, {"admin", "tim_head", "monitor"}),
        "admin.vargas": ({"admin", "monitor"}, {"hr", "tim_head"}),
        "control.rojas": ({"auditor"}, {"admin", "hr"}),
        "tim.quispe": ({"tim_lead"}, {"tim_head", "admin"}),
        "tim.flores": ({"tim_tech"}, {"tim_lead", "admin"}),
        "trib.pena": ({"unit_head"}, {"tim_head", "admin"}),
    }
    for user, (has, hasnt) in want.items():
        js = whoami(t, basic=(user, PW))
        roles = set(js["roles"])
        expect(has <= roles and not hasnt & roles, "%s roles %r, want %r and none of %r", user,
               js["roles"], has, hasnt)
        expect(js["kind"] == "user" and js["subject"] == user, "%s: %r", user, js)
        expect(js.get("dn", "").lower() == ("uid=%s,ou=people,%s" % (user, BASE)).lower(),
               "%s dn %r", user, js.get("dn"))
    js = whoami(t, basic=("trib.nunez", PW))
    expect(js["roles"] == ["employee"], "trib.nunez roles %r, want only employee", js["roles"])


def test_basic_wrong_password_and_unknown_user_look_alike(t):
    a = expect_error(t.get("/v1/whoami", basic=("aaf.ramos", "wrong-password")), 401, "unauthorized")
    b = expect_error(t.get("/v1/whoami", basic=("no.such.user", "wrong-password")), 401,
                     "unauthorized")
    c = expect_error(t.get("/v1/whoami", basic=("no.such.user", PW)), 401, "unauthorized")
    expect(a == b == c, "a wrong password and an unknown user must answer alike: %r %r %r", a, b, c)
    expect("no.such.user" not in b["message"], "the message names the login: %r", b["message"])


def test_basic_empty_password_refused(t):
    # an LDAP bind with an empty password is an anonymous bind and "succeeds"
    for user in ("aaf.ramos", "admin.vargas"):
        expect_error(t.get("/v1/whoami", basic=(user, "")), 401, "unauthorized")
    expect_error(t.get("/v1/whoami", basic=("", "")), 401, "unauthorized")
    expect_error(t.get("/v1/whoami", basic=("", PW)), 401, "unauthorized")


def test_basic_locked_account(t):
    expect_error(t.get("/v1/whoami", basic=("locked.user", PW)), 401, "account_locked")
    st, _, _, js = t.get("/v1/whoami", basic=("locked.user", "wrong"))
    expect(st == 401, "locked.user with a wrong password: %s", st)


def test_basic_ldap_injection(t):
    for login in ("*)(uid=*", "*", "*)(|(uid=*", "admin.vargas)(uid=*", "aaf.ramos*", "aaf.*",
                  "admin.vargas)(|(objectClass=*)", "(uid=admin.vargas)", "\\2a", "admin.vargas\x00",
                  "uid=admin.vargas,ou=people,dc=example,dc=org",
                  "uid=admin.vargas,ou=people,dc=example,dc=org)(x=*",
                  "cn=provisiond,ou=services,dc=example,dc=org"):
        st, _, body, js = t.get("/v1/whoami", basic=(login, PW))
        expect(st == 401, "login %r with the shared password: %s %r (want 401)", login, st, body)
    st, _, body, js = t.get("/v1/whoami", basic=("*", "*"))
    expect(st == 401, "'*' / '*': %s %r", st, body)


def test_basic_malformed(t):
    for hdr in ("Basic !!!", "Basic " + base64.b64encode(b"nocolon").decode(), "Basic ",
                "Basic " + base64.b64encode(b"a\x00b:" + PW.encode()).decode(),
                "Basic " + "QUFB" * 3000,
                "Basic " + base64.b64encode(("x" * 1000 + ":" + PW).encode()).decode()):
        expect_error(t.get("/v1/whoami", headers={"Authorization": hdr}), 401, "unauthorized")
    st, _, _, _ = t.get("/v1/health")
    expect(st == 200, "health after malformed credentials: %s", st)


def test_basic_utf8_login_and_password(t):
    st, _, _, _ = t.get("/v1/whoami", basic=("jos\u00e9.p\u00e9rez", "contrase\u00f1a"))
    expect(st == 401, "unknown UTF-8 login: %s", st)


# ------------------------------------------------------------------ secrets in the log

def test_zz_no_secret_in_log(t):
    # one more sign-in and token use, so the log certainly saw them
    whoami(t, basic=("admin.vargas", PW))
    whoami(t, token=t.admin_token())
    wait_until(lambda: "/v1/whoami" in t.daemon.log_tail(5), 5, what="the access log")
    text = t.daemon.log_text()
    expect(PW not in text, "the daemon log contains the password 'dev-password'")
    for bad in ("wrong-password", "contrase\u00f1a"):
        expect(bad not in text, "the daemon log contains a tried password %r", bad)
    leaked = [s for s in t.secrets if s in text]
    expect(not leaked, "the daemon log contains %d token(s)", len(leaked))
    for s in t.secrets:
        expect(s.split("_", 1)[-1] not in text, "the daemon log contains a token's secret part")
    # base64 of a Basic header would leak the password as well
    b64 = base64.b64encode(("admin.vargas:" + PW).encode()).decode()
    expect(b64 not in text, "the daemon log contains a Basic Authorization header")
    # the password file of the service account is not logged either
    pwfile = t.stack.env.get("PVD_LDAP_SERVICE_PW_FILE")
    if pwfile and os.path.isfile(pwfile):
        with open(pwfile) as f:
            spw = f.readline().strip()
        if spw:
            expect(spw not in text, "the daemon log contains the service password")


if __name__ == "__main__":
    main(globals())
