#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The ldap-account and ldap-group plugins against a real slapd (memberof,
refint, ppolicy), one operation at a time through tests/plugins/pvd-plugin-run,
which loads them with the daemon's own plugin host.

Covered: create with every attribute, idempotence (noop), password set by
the admin and bind, disable (bind refused with 49) and enable, rehire, a
foreign entry is a conflict and stays untouched, DNs of uids with LDAP-special
characters and Unicode names, filter injection, dry runs, slapd stopped and
hung (retry, never a hang), group rules with memberOf, transfer, exit with the
removed groups recorded, the last member of a group, explicit groups, SIMPLE
over StartTLS, bad configuration keys.

Run: python3 tests/integration/test_plugins_ldap.py   (see harness.py for the env)
Prints TAP lines and "N passed, N failed"; exit 1 on a failure, 77 when
pvd-plugin-run is not built.
"""
import base64
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BUILDDIR, Stack, TestFailure, expect, write_conf  # noqa: E402

RUN = os.path.join(BUILDDIR, "tests", "plugins", "pvd-plugin-run")
PLUGIN_DIR = os.path.join(BUILDDIR, "plugins")


class Skip(Exception):
    pass


# ------------------------------------------------------------------ helpers

class Ctx:
    def __init__(self, stack):
        self.stack = stack
        self.env = stack.env
        self.base = stack.env.get("PVD_LDAP_BASE", "dc=example,dc=org")
        self.people = "ou=people," + self.base
        self.groups = "ou=groups," + self.base
        self.tmp = tempfile.mkdtemp(prefix="plugins-", dir=stack.dir)
        self.seq = 0
        self.conf = self.write_conf("main")

    def plugin_keys(self, **extra):
        keys = {
            "plugin_dir": PLUGIN_DIR,
            "plugin.acct.library": "ldap-account",
            "plugin.acct.uri": self.stack.ldapi_url(),
            "plugin.acct.auth": "sasl_external",
            "plugin.acct.people_dn": self.people,
            "plugin.grp.library": "ldap-group",
            "plugin.grp.uri": self.stack.ldapi_url(),
            "plugin.grp.auth": "sasl_external",
            "plugin.grp.groups_dn": self.groups,
            "plugin.grp.people_dn": self.people,
            "plugin.grp.unit.tributaria": "tributaria, tributario-users",
            "plugin.grp.position.jefe-tributaria": "jefes",
            "plugin.grp.all": "staff",
            "plugin.grp.unit.control": "control-team",
            "plugin.grp.unit.legal": "legal-team",
        }
        keys.update(extra)
        return keys

    def write_conf(self, name, **extra):
        """The stack's provisiond.conf (every key the daemon needs) plus the plugins."""
        path = os.path.join(self.tmp, name + ".conf")
        write_conf(self.stack.conf_path, path, self.plugin_keys(**extra))
        return path

    def person(self, uid, unit="tributaria", position="analista-tributario", **kw):
        self.seq += 1
        p = {"employee_number": "T%04d" % self.seq, "given_names": "Ana", "family_names": "Prueba",
             "unit": unit, "position": position, "contract_type": "staff", "start_date": "2026-03-02",
             "end_date": None, "status": "pending", "uid": uid, "uid_number": 30000 + self.seq,
             "mail": None, "extension": None}
        p.update(kw)
        return p

    def dn(self, uid):
        return "uid=%s,%s" % (uid, self.people)


def run(ctx, instance, intent, person, params=None, dry=False, conf=None, expect_rc=0, timeout=60):
    """pvd-plugin-run; the result JSON (rc 0) or the CompletedProcess (other rc)."""
    ctx.seq += 1
    ppath = os.path.join(ctx.tmp, "person-%d.json" % ctx.seq)
    with open(ppath, "w", encoding="utf-8") as f:
        json.dump(person, f, ensure_ascii=False)
    cmd = [RUN, "-c", conf or ctx.conf, "-i", instance, "-o", intent, "-p", ppath]
    if params is not None:
        papath = ppath[:-5] + "-params.json"
        with open(papath, "w", encoding="utf-8") as f:
            json.dump(params, f, ensure_ascii=False)
        cmd += ["-P", papath]
    if dry:
        cmd.append("-n")
    return _run(cmd, expect_rc, timeout)


def check(ctx, instance, conf=None, expect_rc=0, timeout=60):
    return _run([RUN, "-c", conf or ctx.conf, "-i", instance, "--check"], expect_rc, timeout)


def _run(cmd, expect_rc, timeout):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                       timeout=timeout)
    out, err = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    if p.returncode != expect_rc:
        raise TestFailure("%s exited %d, want %d\nstdout: %s\nstderr: %s" % (
            " ".join(cmd[1:]), p.returncode, expect_rc, out, err[-3000:]))
    if expect_rc != 0:
        return p
    try:
        return json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise TestFailure("%s printed no JSON: %r (stderr %r)" % (" ".join(cmd[1:]), out, err))


def status(res, want, what=""):
    expect(res["status"] == want, "%sstatus %r, want %r: %s", what and what + ": ", res["status"], want,
           res["message"])
    return res


def ldap_admin(ctx, *args, input_=None, check=True):
    pw = open(ctx.env["PVD_LDAP_ADMIN_PW_FILE"]).read().strip()
    cmd = [args[0], "-x", "-H", ctx.stack.ldapi_url(), "-D", ctx.env["PVD_LDAP_ADMIN_DN"], "-w", pw] + list(args[1:])
    p = subprocess.run(cmd, input=input_.encode("utf-8") if input_ else None, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=30)
    if check and p.returncode != 0:
        raise TestFailure("%s failed (%d): %s" % (args[0], p.returncode, p.stderr.decode(errors="replace")))
    return p


def parse_ldif(text):
    """[(dn, {attr_lower: [values]})] of ldapsearch -LLL -o ldif-wrap=no output."""
    entries, dn, attrs = [], None, {}
    for line in text.splitlines() + [""]:
        if not line:
            if dn is not None:
                entries.append((dn, attrs))
            dn, attrs = None, {}
            continue
        if line.startswith("#"):
            continue
        name, _, value = line.partition(":")
        if value.startswith(":"):
            value = base64.b64decode(value[1:].strip()).decode("utf-8")
        else:
            value = value[1:] if value.startswith(" ") else value
        if name.lower() == "dn":
            dn = value
        else:
            attrs.setdefault(name.lower(), []).append(value)
    return entries


def search(ctx, base, filt="(objectClass=*)", *attrs, scope="sub"):
    p = ldap_admin(ctx, "ldapsearch", "-LLL", "-o", "ldif-wrap=no", "-s", scope, "-b", base, filt, *attrs,
                   check=False)
    if p.returncode == 32:      # no such object
        return []
    if p.returncode != 0:
        raise TestFailure("ldapsearch -b %s %s failed (%d): %s" % (base, filt, p.returncode, p.stderr.decode()))
    return parse_ldif(p.stdout.decode("utf-8"))


def entry(ctx, dn, *attrs):
    """The entry's attributes (lower-case names), or None."""
    es = search(ctx, dn, "(objectClass=*)", *(attrs or ("*", "+")), scope="base")
    return es[0][1] if es else None


def can_bind(ctx, dn, password):
    p = subprocess.run(["ldapwhoami", "-x", "-H", ctx.stack.ldapi_url(), "-D", dn, "-w", password],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    return p.returncode


def set_password(ctx, dn, password):
    ldap_admin(ctx, "ldappasswd", "-s", password, dn)


def member_of(ctx, dn):
    e = entry(ctx, dn, "memberOf")
    return sorted(v.split(",", 1)[0][3:] for v in (e or {}).get("memberof", []))


def group_members(ctx, name):
    e = entry(ctx, "cn=%s,%s" % (name, ctx.groups), "member", "pvdManaged")
    return e


def first_rdn_value(dn):
    """The value of the first RDN of an RFC 4514 string, unescaped."""
    i = dn.index("=") + 1
    out = bytearray()
    while i < len(dn):
        c = dn[i]
        if c == "\\":
            nxt = dn[i + 1:i + 3]
            if re.match(r"^[0-9A-Fa-f]{2}$", nxt):
                out += bytes.fromhex(nxt)
                i += 3
                continue
            out += dn[i + 1].encode("utf-8")
            i += 2
            continue
        if c in ",+":
            break
        out += c.encode("utf-8")
        i += 1
    return out.decode("utf-8")


# ------------------------------------------------------------------ ldap-account

def test_check_reaches_slapd(ctx):
    for inst in ("acct", "grp"):
        res = check(ctx, inst)
        expect(res["status"] == "ok", "check %s: %r", inst, res)


def test_create_writes_every_attribute_then_noop(ctx):
    p = ctx.person("jperez", given_names="Juan Carlos", family_names="Pérez Núñez", position="jefe-tributaria",
                   mail="jperez@example.org", contract_type="consultant", end_date="2027-02-28")
    dn = ctx.dn("jperez")
    res = status(run(ctx, "acct", "create", p), "ok")
    expect(res["object"] == dn, "object %r, want %r", res["object"], dn)
    expect(res["before"] is None, "before of a create: %r", res["before"])
    e = entry(ctx, dn, "*", "+")
    expect(e is not None, "no entry %s", dn)
    want = {
        "objectclass": ["inetOrgPerson", "posixAccount", "shadowAccount", "pvdPerson"],
        "uid": ["jperez"], "cn": ["Juan Carlos Pérez Núñez"], "sn": ["Pérez Núñez"], "givenname": ["Juan Carlos"],
        "displayname": ["Juan Carlos Pérez Núñez"], "employeenumber": [p["employee_number"]],
        "uidnumber": [str(p["uid_number"])], "gidnumber": ["10000"], "homedirectory": ["/home/jperez"],
        "loginshell": ["/bin/bash"], "mail": ["jperez@example.org"], "ou": ["tributaria"],
        "title": ["jefe-tributaria"], "pvdcontracttype": ["consultant"], "pvdcontractstart": ["20260302000000Z"],
        "pvdcontractend": ["20270228000000Z"], "pvdunit": ["tributaria"], "pvdposition": ["jefe-tributaria"],
        "pvdmanaged": ["TRUE"],
    }
    for k, v in want.items():
        got = e.get(k)
        if k == "objectclass":
            expect(got is not None and all(c in got for c in v), "%s: %r, want %r", k, got, v)
        else:
            expect(got == v, "%s: %r, want %r", k, got, v)
    expect("userpassword" not in e, "a userPassword was written: %r", e.get("userpassword"))
    expect("pwdaccountlockedtime" not in e and "shadowexpire" not in e, "new account is locked: %r", e)
    after = res["after"]
    expect(after["uidNumber"] == str(p["uid_number"]) and after["pvdManaged"] == "TRUE" and
           after["cn"] == "Juan Carlos Pérez Núñez" and "userPassword" not in after, "after %r", after)
    # again: nothing to do
    res = status(run(ctx, "acct", "create", p), "noop", "second create")
    expect(res["before"] == res["after"] and res["before"]["uid"] == "jperez", "noop before/after %r", res)
    res = status(run(ctx, "acct", "update", p), "noop", "update without change")
    # read
    res = status(run(ctx, "acct", "read", p), "ok", "read")
    expect(res["after"]["mail"] == "jperez@example.org", "read after %r", res["after"])


def test_update_changes_only_what_differs(ctx):
    p = ctx.person("upd.one", contract_type="consultant", end_date="2026-12-31")
    status(run(ctx, "acct", "create", p), "ok")
    dn = ctx.dn("upd.one")
    before = entry(ctx, dn, "modifyTimestamp", "cn")
    p2 = dict(p, position="jefe-tributaria", mail="upd.one@example.org", contract_type="staff", end_date=None)
    res = status(run(ctx, "acct", "update", p2), "ok")
    for a in ("title", "mail", "pvdPosition", "pvdContractType", "pvdContractEnd"):
        expect(a in res["message"], "message names %s: %s", a, res["message"])
    for a in ("cn", "sn", "uidNumber", "homeDirectory"):
        expect(a + "," not in res["message"] and a + ")" not in res["message"],
               "message names unchanged %s: %s", a, res["message"])
    expect(res["before"]["title"] == "analista-tributario" and res["after"]["title"] == "jefe-tributaria",
           "before/after title %r %r", res["before"].get("title"), res["after"].get("title"))
    expect("pvdContractEnd" in res["before"] and "pvdContractEnd" not in res["after"],
           "contract end cleared in after: %r", res["after"])
    e = entry(ctx, dn)
    expect(e["title"] == ["jefe-tributaria"] and e["mail"] == ["upd.one@example.org"] and
           "pvdcontractend" not in e and e["pvdcontracttype"] == ["staff"], "entry after update %r", e)
    expect(e["cn"] == before["cn"], "cn changed")
    status(run(ctx, "acct", "update", p2), "noop", "repeat update")


def test_dry_run_changes_nothing_but_reports(ctx):
    p = ctx.person("dry.run")
    dn = ctx.dn("dry.run")
    res = status(run(ctx, "acct", "create", p, dry=True), "ok")
    expect("dry run" in res["message"] and res["after"]["uid"] == "dry.run" and res["before"] is None,
           "dry create reports the entry: %r", res)
    expect(entry(ctx, dn) is None, "a dry run wrote %s", dn)
    res = status(run(ctx, "grp", "create", p, dry=True), "ok", "dry group plan before the account exists")
    expect(res["after"]["groups"] == ["staff", "tributaria", "tributario-users"], "dry groups %r", res["after"])
    expect(member_of(ctx, dn) == [], "dry group run wrote")
    status(run(ctx, "acct", "create", p), "ok")
    # dry update and dry disable
    p2 = dict(p, unit="control")
    res = status(run(ctx, "acct", "update", p2, dry=True), "ok")
    expect(res["before"]["pvdUnit"] == "tributaria" and res["after"]["pvdUnit"] == "control", "dry update %r", res)
    expect(entry(ctx, dn)["pvdunit"] == ["tributaria"], "dry update wrote")
    res = status(run(ctx, "acct", "disable", p, dry=True), "ok")
    expect(res["after"].get("pwdAccountLockedTime") == "000001010000Z", "dry disable after %r", res["after"])
    expect("pwdaccountlockedtime" not in entry(ctx, dn, "pwdAccountLockedTime") , "dry disable wrote")


def test_password_disable_enable_and_rehire(ctx):
    p = ctx.person("bind.test")
    dn = ctx.dn("bind.test")
    status(run(ctx, "acct", "create", p), "ok")
    set_password(ctx, dn, "Clave-de-prueba-1")
    expect(can_bind(ctx, dn, "Clave-de-prueba-1") == 0, "the new person cannot bind")
    res = status(run(ctx, "acct", "disable", p), "ok")
    expect(res["before"].get("pwdAccountLockedTime") is None and
           res["after"]["pwdAccountLockedTime"] == "000001010000Z" and res["after"]["shadowExpire"] == "1",
           "disable before/after %r %r", res["before"], res["after"])
    expect(can_bind(ctx, dn, "Clave-de-prueba-1") == 49, "a disabled account binds")
    e = entry(ctx, dn, "pwdAccountLockedTime", "shadowExpire", "uid")
    expect(e["pwdaccountlockedtime"] == ["000001010000Z"] and e["shadowexpire"] == ["1"] and e["uid"] == ["bind.test"],
           "disabled entry %r", e)
    status(run(ctx, "acct", "disable", p), "noop", "second disable")
    status(run(ctx, "acct", "enable", p), "ok", "enable")
    expect(can_bind(ctx, dn, "Clave-de-prueba-1") == 0, "an enabled account cannot bind")
    e = entry(ctx, dn, "pwdAccountLockedTime", "shadowExpire")
    expect("pwdaccountlockedtime" not in e and "shadowexpire" not in e, "enable left %r", e)
    status(run(ctx, "acct", "enable", p), "noop", "second enable")
    # an update of a departed person does not give access back; a hire does
    status(run(ctx, "acct", "disable", p), "ok")
    gone = dict(p, status="disabled")
    status(run(ctx, "acct", "update", gone), "noop", "update of a departed person")
    expect(can_bind(ctx, dn, "Clave-de-prueba-1") == 49, "an update re-enabled a departed person")
    res = status(run(ctx, "acct", "create", dict(gone, unit="control")), "ok", "rehire")
    expect("enable" in res["message"], "rehire message %r", res["message"])
    expect(can_bind(ctx, dn, "Clave-de-prueba-1") == 0, "a rehired person cannot bind")
    expect(entry(ctx, dn, "pvdUnit")["pvdunit"] == ["control"], "rehire data not written")


def test_missing_entry_is_notfound(ctx):
    p = ctx.person("never.created")
    for intent in ("disable", "enable", "read"):
        res = status(run(ctx, "acct", intent, p), "notfound", intent)
        expect(res["object"] == ctx.dn("never.created"), "object %r", res["object"])


def test_foreign_entry_is_conflict_and_untouched(ctx):
    dn = ctx.dn("rosa.vaca")
    ldap_admin(ctx, "ldapadd", input_=(
        "dn: %s\nobjectClass: inetOrgPerson\nuid: rosa.vaca\ncn: Rosa Vaca\nsn: Vaca\n"
        "description: made by hand\n" % dn))
    before = entry(ctx, dn, "*", "+")
    p = ctx.person("rosa.vaca", given_names="Rosa", family_names="Vaca")
    for intent in ("create", "update", "disable", "enable"):
        res = status(run(ctx, "acct", intent, p), "conflict", intent)
        expect("not created by provisiond" in res["message"] and dn in res["message"], "message %r", res["message"])
    res = status(run(ctx, "acct", "create", p, dry=True), "conflict", "dry create")
    after = entry(ctx, dn, "*", "+")
    expect(before == after, "the foreign entry changed:\n%r\n%r", before, after)
    res = status(run(ctx, "acct", "read", p), "ok", "read of a foreign entry")
    expect("not created by provisiond" in res["message"], "read message %r", res["message"])
    # the same uid elsewhere under people_dn is a conflict too
    ldap_admin(ctx, "ldapadd", input_=(
        "dn: ou=contractors,%s\nobjectClass: organizationalUnit\nou: contractors\n\n"
        "dn: uid=dup.uid,ou=contractors,%s\nobjectClass: inetOrgPerson\nuid: dup.uid\ncn: Dup\nsn: Uid\n"
        % (ctx.people, ctx.people)))
    res = status(run(ctx, "acct", "create", ctx.person("dup.uid")), "conflict", "uid used elsewhere")
    expect("ou=contractors" in res["message"], "message names the other entry: %r", res["message"])
    expect(entry(ctx, ctx.dn("dup.uid")) is None, "a duplicate uid was added")


SPECIAL_UIDS = [
    'a,b+c"d\\e<f>g;h=#',
    " lead.space",
    "trail.space ",
    "#hash.first",
    "semi;colon=eq",
]


def test_special_characters_make_escaped_dns_that_round_trip(ctx):
    for uid in SPECIAL_UIDS:
        p = ctx.person(uid, given_names="Ñandú José", family_names="Müller-Łukasiewicz 山田", unit="tributaria")
        res = status(run(ctx, "acct", "create", p), "ok", "create %r" % uid)
        dn = res["object"]
        expect(dn.endswith("," + ctx.people), "DN %r is not under people", dn)
        expect(first_rdn_value(dn) == uid, "DN %r does not carry uid %r", dn, uid)
        e = entry(ctx, dn, "uid", "cn", "sn", "homeDirectory")
        expect(e is not None, "no entry at %r", dn)
        expect(e["uid"] == [uid], "uid %r, want %r", e["uid"], uid)
        expect(e["cn"] == ["Ñandú José Müller-Łukasiewicz 山田"] and e["sn"] == ["Müller-Łukasiewicz 山田"],
               "Unicode names %r", e)
        # slapd finds exactly that entry by its uid
        es = search(ctx, ctx.people, "(uid=%s)" % "".join("\\%02x" % b for b in uid.encode()), "1.1")
        expect(len(es) == 1 and first_rdn_value(es[0][0]) == uid, "search by uid: %r", es)
        status(run(ctx, "acct", "create", p), "noop", "again %r" % uid)
        res = status(run(ctx, "grp", "create", p), "ok", "groups of %r" % uid)
        expect(res["object"] == dn, "group object %r", res["object"])
        expect(member_of(ctx, dn) == ["staff", "tributaria", "tributario-users"], "memberOf of %r: %r", uid,
               member_of(ctx, dn))
        status(run(ctx, "grp", "create", p), "noop", "groups again %r" % uid)
        status(run(ctx, "acct", "disable", p), "ok", "disable %r" % uid)
        res = status(run(ctx, "grp", "disable", p), "ok", "group exit %r" % uid)
        expect(res["before"]["groups"] == ["staff", "tributaria", "tributario-users"], "before %r", res["before"])
        expect(member_of(ctx, dn) == [], "memberOf after exit %r", member_of(ctx, dn))


def test_unicode_uid_is_refused_cleanly(ctx):
    # homeDirectory is an IA5String: a uid with non-ASCII letters cannot make one
    p = ctx.person("josé.núñez")
    res = status(run(ctx, "acct", "create", p), "fail")
    expect("ldap_add(dn=uid=" in res["message"] and "homeDirectory" in res["message"],
           "message names the call and the attribute: %r", res["message"])
    expect(entry(ctx, res["object"]) is None, "an entry was written")


INJECTION_UIDS = ("*)(uid=*", "*", "x)(|(objectClass=*")


def test_filter_injection_matches_nothing_else(ctx):
    other = ctx.person("inj.other")
    status(run(ctx, "acct", "create", other), "ok")
    status(run(ctx, "grp", "create", other), "ok")
    csns = {dn.lower(): a.get("entrycsn") for dn, a in search(ctx, ctx.base, "(objectClass=*)", "entryCSN")}
    for uid in INJECTION_UIDS:
        p = ctx.person(uid)
        res = status(run(ctx, "acct", "create", p), "ok", "create %r (an unescaped filter would match others)" % uid)
        dn = res["object"]
        e = entry(ctx, dn, "uid")
        expect(e["uid"] == [uid], "uid %r", e)
        status(run(ctx, "acct", "create", p), "noop", "again %r" % uid)
        staff_before = group_members(ctx, "staff")
        res = status(run(ctx, "grp", "create", p), "ok", "groups %r" % uid)
        expect(res["before"]["groups"] == [], "injection sees other people's groups: %r", res["before"])
        res = status(run(ctx, "grp", "read", p), "ok")
        expect(res["after"]["groups"] == ["staff", "tributaria", "tributario-users"], "read %r", res["after"])
        res = status(run(ctx, "grp", "disable", p), "ok")
        staff_after = group_members(ctx, "staff")
        expect(staff_before == staff_after, "other members of staff changed:\n%r\n%r", staff_before, staff_after)
    # no other entry changed (entryCSN moves on every write): only the new
    # people and the three groups they joined and left
    now = {dn.lower(): a.get("entrycsn") for dn, a in search(ctx, ctx.base, "(objectClass=*)", "entryCSN")}
    changed = [dn for dn, csn in now.items() if csns.get(dn) != csn]
    allowed = set(ctx.dn(u).lower() for u in INJECTION_UIDS)
    allowed |= set(("cn=%s,%s" % (g, ctx.groups)).lower() for g in ("staff", "tributaria", "tributario-users"))
    people = [dn for dn in changed if dn.startswith("uid=")]
    expect(sorted(first_rdn_value(dn) for dn in people) == sorted(u.lower() for u in INJECTION_UIDS),
           "people changed: %r", people)
    expect(all(dn in allowed for dn in changed if not dn.startswith("uid=")), "entries changed: %r", changed)


def test_slapd_down_is_retry_then_ok(ctx):
    p = ctx.person("down.test")
    ctx.stack.stop_ldap()
    try:
        t0 = time.monotonic()
        for inst in ("acct", "grp"):
            res = check(ctx, inst)
            expect(res["status"] == "retry", "check %s with slapd down: %r", inst, res)
        res = status(run(ctx, "acct", "create", p), "retry")
        expect("Can't contact LDAP server" in res["message"], "message %r", res["message"])
        status(run(ctx, "grp", "create", p), "retry")
        status(run(ctx, "acct", "disable", p), "retry")
        expect(time.monotonic() - t0 < 30, "operations against a stopped slapd took %.1f s", time.monotonic() - t0)
    finally:
        ctx.stack.start_ldap()
    status(run(ctx, "acct", "create", p), "ok", "create after slapd came back")
    status(run(ctx, "grp", "create", p), "ok", "groups after slapd came back")
    expect(check(ctx, "acct")["status"] == "ok", "check after restart")


def test_hung_slapd_times_out(ctx):
    conf = ctx.write_conf("timeout", **{"plugin.acct.timeout": "1"})
    pid = int(open(ctx.env["PVD_SLAPD_PID_FILE"]).read().strip())
    os.kill(pid, signal.SIGSTOP)
    try:
        t0 = time.monotonic()
        res = check(ctx, "acct", conf=conf, timeout=30)
        took = time.monotonic() - t0
        expect(res["status"] == "retry", "check against a hung slapd: %r", res)
        expect(took < 10, "a hung slapd held the check for %.1f s (timeout = 1)", took)
        res = status(run(ctx, "acct", "read", ctx.person("hung.test"), conf=conf, timeout=30), "retry")
    finally:
        os.kill(pid, signal.SIGCONT)


# ------------------------------------------------------------------ ldap-group

def test_group_rules_memberof_and_noop(ctx):
    p = ctx.person("grp.jefa", position="jefe-tributaria")
    dn = ctx.dn("grp.jefa")
    # the account first: a membership needs the person
    res = status(run(ctx, "grp", "create", p), "notfound", "groups before the account")
    status(run(ctx, "acct", "create", p), "ok")
    res = status(run(ctx, "grp", "create", p), "ok")
    expect(res["after"]["groups"] == ["jefes", "staff", "tributaria", "tributario-users"], "after %r", res["after"])
    expect(member_of(ctx, dn) == ["jefes", "staff", "tributaria", "tributario-users"], "memberOf %r",
           member_of(ctx, dn))
    g = group_members(ctx, "jefes")
    expect(g["pvdmanaged"] == ["TRUE"] and any(m.lower() == dn.lower() for m in g["member"]), "jefes %r", g)
    status(run(ctx, "grp", "create", p), "noop", "again")
    res = status(run(ctx, "grp", "read", p), "ok", "read")
    expect(res["after"]["groups"] == ["jefes", "staff", "tributaria", "tributario-users"], "read %r", res["after"])


def test_group_transfer_moves_rule_groups_only(ctx):
    p = ctx.person("grp.move", position="jefe-tributaria")
    dn = ctx.dn("grp.move")
    status(run(ctx, "acct", "create", p), "ok")
    status(run(ctx, "grp", "create", p), "ok")
    # a group no rule names, made by hand, with this person in it
    ldap_admin(ctx, "ldapadd", input_=(
        "dn: cn=proyecto-x,%s\nobjectClass: groupOfNames\ncn: proyecto-x\nmember: %s\n" % (ctx.groups, dn)))
    moved = dict(p, unit="control", position="auditor-interno")
    status(run(ctx, "acct", "update", moved), "ok")
    res = status(run(ctx, "grp", "update", moved), "ok", "transfer")
    expect(res["before"]["groups"] == ["jefes", "proyecto-x", "staff", "tributaria", "tributario-users"],
           "before %r", res["before"])
    expect(res["after"]["groups"] == ["control-team", "proyecto-x", "staff"], "after %r", res["after"])
    expect(member_of(ctx, dn) == ["control-team", "proyecto-x", "staff"], "memberOf %r", member_of(ctx, dn))
    expect("removed from" in res["message"] and "tributaria" in res["message"], "message %r", res["message"])
    status(run(ctx, "grp", "update", moved), "noop", "transfer again")
    # a create (not a transfer) never takes anybody out of a group
    back = dict(moved, unit="tributaria")
    res = status(run(ctx, "grp", "create", back), "ok")
    expect("removed" not in res["message"] and "control-team" in res["after"]["groups"], "create removed: %r", res)


def test_foreign_group_named_by_rule_gets_member(ctx):
    # legal-team exists, made by hand, not provisiond's; a rule (unit.legal) names it
    ldap_admin(ctx, "ldapadd", input_=(
        "dn: cn=legal-team,%s\nobjectClass: groupOfNames\ncn: legal-team\n"
        "member: uid=control.rojas,%s\n" % (ctx.groups, ctx.people)))
    p = ctx.person("grp.legal", unit="legal", position="abogado")
    dn = ctx.dn("grp.legal")
    status(run(ctx, "acct", "create", p), "ok")
    res = status(run(ctx, "grp", "create", p), "ok")
    expect(res["after"]["groups"] == ["legal-team", "staff"], "after %r", res["after"])
    expect("legal-team (not created by provisiond; a rule names it)" in res["message"], "recorded: %r",
           res["message"])
    g = group_members(ctx, "legal-team")
    expect(sorted(m.lower() for m in g["member"]) == sorted([dn.lower(), "uid=control.rojas," + ctx.people]),
           "legal-team members %r", g)
    expect("pvdmanaged" not in g, "provisiond took the foreign group over: %r", g)
    # leaving it on a transfer is allowed too (a rule names it); the group stays foreign
    res = status(run(ctx, "grp", "update", dict(p, unit="tim")), "ok")
    g = group_members(ctx, "legal-team")
    expect(g["member"] == ["uid=control.rojas," + ctx.people] and "pvdmanaged" not in g, "legal-team %r", g)


def test_explicit_groups_and_foreign_groups(ctx):
    p = ctx.person("grp.extra", unit="aaf", position="responsable-aaf")
    dn = ctx.dn("grp.extra")
    status(run(ctx, "acct", "create", p), "ok")
    res = status(run(ctx, "grp", "create", p, params={"groups": ["vpn-users", "erp-lectura"]}), "ok")
    expect(res["after"]["groups"] == ["erp-lectura", "staff", "vpn-users"], "after %r", res["after"])
    expect(member_of(ctx, dn) == ["erp-lectura", "staff", "vpn-users"], "memberOf %r", member_of(ctx, dn))
    # a later transfer does not remove groups no rule names
    res = status(run(ctx, "grp", "update", dict(p, unit="tim")), "noop", "transfer keeps explicit groups")
    # a foreign group no rule names: conflict, nothing changed (not even the other groups)
    ldap_admin(ctx, "ldapadd", input_=(
        "dn: cn=foreign-app,%s\nobjectClass: groupOfNames\ncn: foreign-app\nmember: uid=aaf.ramos,%s\n"
        % (ctx.groups, ctx.people)))
    before = group_members(ctx, "foreign-app")
    res = status(run(ctx, "grp", "create", p, params={"groups": ["brand-new", "foreign-app"]}), "conflict")
    expect("cn=foreign-app" in res["message"] and "not created by provisiond" in res["message"], "%r", res["message"])
    expect(group_members(ctx, "foreign-app") == before, "the foreign group changed")
    expect(group_members(ctx, "brand-new") is None, "brand-new was created despite the conflict")
    # the foreign group is never touched by an update either
    status(run(ctx, "grp", "update", p), "noop")
    expect(group_members(ctx, "foreign-app") == before, "the foreign group changed")
    # bad params
    for bad in ({"groups": "vpn-users"}, {"groups": [""]}, {"groups": [3]}):
        status(run(ctx, "grp", "create", p, params=bad), "fail", "params %r" % bad)


def test_group_exit_records_groups_and_last_member(ctx):
    p = ctx.person("grp.exit", unit="tributaria", position="jefe-tributaria")
    dn = ctx.dn("grp.exit")
    status(run(ctx, "acct", "create", p), "ok")
    status(run(ctx, "grp", "create", p, params={"groups": ["solo-group"]}), "ok")
    ldap_admin(ctx, "ldapmodify", input_=(
        "dn: cn=proyecto-y,%s\nchangetype: add\nobjectClass: groupOfNames\ncn: proyecto-y\nmember: %s\n"
        % (ctx.groups, dn)))
    expect(member_of(ctx, dn) == ["jefes", "proyecto-y", "solo-group", "staff", "tributaria", "tributario-users"],
           "memberOf %r", member_of(ctx, dn))
    res = status(run(ctx, "grp", "disable", dict(p, status="disabled")), "ok", "exit")
    expect(res["before"]["groups"] == ["jefes", "proyecto-y", "solo-group", "staff", "tributaria",
                                       "tributario-users"], "before %r", res["before"])
    expect(res["after"] == {"groups": []}, "after %r", res["after"])
    expect(member_of(ctx, dn) == [], "memberOf after exit %r", member_of(ctx, dn))
    # solo-group had only this member: kept, with the empty DN as placeholder
    g = group_members(ctx, "solo-group")
    expect(g is not None and g["member"] == [""] and g["pvdmanaged"] == ["TRUE"], "solo-group %r", g)
    g = group_members(ctx, "proyecto-y")
    expect(g is not None and g["member"] == [""], "proyecto-y %r", g)
    status(run(ctx, "grp", "disable", p), "noop", "second exit")
    # an update of a departed person adds nothing back; an enable does
    status(run(ctx, "grp", "update", dict(p, status="disabled")), "noop")
    res = status(run(ctx, "grp", "enable", p, params={"groups": ["solo-group"]}), "ok", "enable")
    expect(member_of(ctx, dn) == ["jefes", "solo-group", "staff", "tributaria", "tributario-users"],
           "memberOf after enable %r", member_of(ctx, dn))
    g = group_members(ctx, "solo-group")
    expect([m.lower() for m in g["member"]] == [dn.lower()], "placeholder not removed: %r", g)


# ------------------------------------------------------------------ configuration

def simple_bind_keys(ctx, **more):
    """acct's keys for a simple bind as the stack's service DN over ldap://."""
    keys = {
        "plugin.acct.uri": ctx.stack.ldap_url(),
        "plugin.acct.auth": "simple",
        "plugin.acct.bind_dn": ctx.env["PVD_LDAP_SERVICE_DN"],
        "plugin.acct.bind_password_file": ctx.env["PVD_LDAP_SERVICE_PW_FILE"],
    }
    keys.update(more)
    return keys


def test_simple_bind_over_starttls(ctx):
    keys = simple_bind_keys(ctx, **{"plugin.acct.ca_file": ctx.env["PVD_LDAP_CA_FILE"]})
    conf = ctx.write_conf("simple", **keys)
    res = check(ctx, "acct", conf=conf)
    expect(res["status"] == "ok", "check over StartTLS: %r", res)
    p = ctx.person("tls.user")
    status(run(ctx, "acct", "create", p, conf=conf), "ok", "create over StartTLS")
    status(run(ctx, "acct", "read", p, conf=conf), "ok")
    # a wrong password is a configuration problem, not a retry
    bad = os.path.join(ctx.tmp, "bad.pw")
    with open(bad, "w") as f:
        f.write("not-the-password\n")
    conf = ctx.write_conf("badpw", **dict(keys, **{"plugin.acct.bind_password_file": bad}))
    res = check(ctx, "acct", conf=conf)
    expect(res["status"] == "config" and "Invalid credentials" in res["message"], "wrong password: %r", res)
    res = status(run(ctx, "acct", "read", p, conf=conf), "config")
    expect("not-the-password" not in json.dumps(res), "the password is in the result")
    # a CA that did not sign slapd's certificate: TLS refused, no clear-text fallback
    conf = ctx.write_conf("badca", **dict(keys, **{"plugin.acct.ca_file": "/etc/ssl/certs/ca-certificates.crt"}))
    if os.path.exists("/etc/ssl/certs/ca-certificates.crt"):
        res = check(ctx, "acct", conf=conf)
        expect(res["status"] == "retry" and "ldap_start_tls" in res["message"], "wrong CA: %r", res)


def _refused(ctx, name, needle, **keys):
    conf = ctx.write_conf(name, **keys)
    p = check(ctx, "acct" if any(k.startswith("plugin.acct.") for k in keys) else "grp", conf=conf, expect_rc=2)
    err = p.stderr.decode("utf-8", "replace")
    expect(needle in err, "%s: stderr %r should contain %r", name, err, needle)
    return err, conf


def test_bad_keys_are_refused_with_their_name(ctx):
    err, conf = _refused(ctx, "colour", "plugin key 'colour' (line", **{"plugin.acct.colour": "blue"})
    line = [i for i, ln in enumerate(open(conf), 1) if ln.startswith("plugin.acct.colour")][0]
    expect("plugin key 'colour' (line %d) is not known to ldap-account" % line in err, "%r (line %d)", err, line)
    err, conf = _refused(ctx, "gcolour", "is not known to ldap-group", **{"plugin.grp.colour": "blue"})
    _refused(ctx, "nopeople", "people_dn", **{"plugin.acct.people_dn": None})
    _refused(ctx, "nogroups", "groups_dn", **{"plugin.grp.groups_dn": None})
    _refused(ctx, "nouri", "'uri'", **{"plugin.acct.uri": None})
    _refused(ctx, "baduri", "http://x", **{"plugin.acct.uri": "http://x"})
    _refused(ctx, "badauth", "kerberos", **{"plugin.acct.auth": "kerberos"})
    _refused(ctx, "badtimeout", "timeout", **{"plugin.acct.timeout": "soon"})
    _refused(ctx, "emptyrule", "names no group", **{"plugin.grp.unit.tim": " , "})
    _refused(ctx, "tworules", "set twice", **{"plugin.grp.unit_tributaria": "x"})
    _refused(ctx, "norulekey", "name the unit", **{"plugin.grp.unit.": "x"})
    _refused(ctx, "noca", "ca_file", **{"plugin.acct.ca_file": "/nonexistent/ca.pem"})
    _refused(ctx, "baddn", "plugin key 'groups_dn': 'not a dn' is not a DN", **{"plugin.grp.groups_dn": "not a dn"})


def test_simple_without_starttls_is_refused(ctx):
    simple = simple_bind_keys(ctx)
    err, _ = _refused(ctx, "cleartext", "without StartTLS", **dict(simple, **{"plugin.acct.starttls": "no"}))
    expect("starttls" in err, "the message names the key: %r", err)
    _refused(ctx, "extldap", "sasl_external needs an ldapi://",
             **{"plugin.acct.uri": ctx.stack.ldap_url(), "plugin.acct.auth": "sasl_external"})
    _refused(ctx, "nobinddn", "bind_dn", **dict(simple, **{"plugin.acct.bind_dn": None}))
    empty = os.path.join(ctx.tmp, "empty.pw")
    open(empty, "w").close()
    _refused(ctx, "emptypw", "holds no password", **dict(simple, **{"plugin.acct.bind_password_file": empty}))
    _refused(ctx, "extpw", "only used with auth = simple",
             **{"plugin.acct.bind_password_file": ctx.env["PVD_LDAP_SERVICE_PW_FILE"]})


def test_underscore_rule_keys(ctx):
    """unit_<unit> / position_<position> mean the same as the dotted form."""
    conf = ctx.write_conf("underscore", **{"plugin.grp.unit_tim": "tim-team",
                                           "plugin.grp.position_tecnico-soporte": "soporte"})
    q = ctx.person("us.rule", unit="tim", position="tecnico-soporte")
    status(run(ctx, "acct", "create", q, conf=conf), "ok")
    res = status(run(ctx, "grp", "create", q, conf=conf), "ok")
    expect(res["after"]["groups"] == ["soporte", "staff", "tim-team"], "underscore rules: %r", res["after"])


# ------------------------------------------------------------------ runner

def main():
    if not os.access(RUN, os.X_OK):
        print("1..0 # SKIP %s is not built" % RUN)
        sys.exit(77)
    only = os.environ.get("PVD_TEST_ONLY")
    tests = [(n, f) for n, f in globals().items() if n.startswith("test_") and callable(f)]
    if only:
        tests = [(n, f) for n, f in tests if re.search(only, n)]
    n = passed = failed = 0
    t0 = time.monotonic()

    def report(ok, name, detail=None, skip=None):
        nonlocal n, passed, failed
        n += 1
        if skip is not None:
            print("ok %d - %s # SKIP %s" % (n, name, skip))
        else:
            print("%s %d - %s" % ("ok" if ok else "not ok", n, name))
        if detail:
            for ln in detail.splitlines():
                print("# " + ln)
        sys.stdout.flush()
        if ok or skip is not None:
            passed += 1
        else:
            failed += 1

    try:
        with Stack() as stack:
            print("# stack in %s (ldap %d)" % (stack.dir, stack.ldap_port))
            ctx = Ctx(stack)
            for name, fn in tests:
                ts = time.monotonic()
                try:
                    fn(ctx)
                    report(True, "%s (%.2fs)" % (name, time.monotonic() - ts))
                except Skip as e:
                    report(True, name, skip=str(e))
                except Exception:  # noqa: BLE001
                    report(False, name, traceback.format_exc())
    except Exception:  # noqa: BLE001
        report(False, "stack set-up", traceback.format_exc())
    print("1..%d" % n)
    print("# %.1f s" % (time.monotonic() - t0))
    print("%d passed, %d failed" % (passed, failed))
    sys.stdout.flush()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
