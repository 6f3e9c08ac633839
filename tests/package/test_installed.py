#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The installed Debian packages against the real test stack: the files are
where the packages say, the unit passes systemd-analyze, the installed
daemon starts from the installed migrations and plugins and provisions a
hire through ldap-account and ldap-group into slapd.

Run by contrib/dev/devstack package (CI) after the .debs are installed:
    PROVISIOND_BIN=/usr/sbin/provisiond PROVISIONCTL_BIN=/usr/bin/provisionctl \\
        python3 tests/package/test_installed.py
"""
import grp
import os
import pwd
import re
import stat
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from harness import HR, HEAD, DAEMON_BIN, expect, main, ok, act, wait_until  # noqa: E402
import test_queue as q  # noqa: E402  (the plugin configuration and the LDAP helpers)

CONF = "/etc/provisiond/provisiond.conf"
UNIT = "/lib/systemd/system/provisiond.service"


def run(*cmd, check=True, **kw):
    p = subprocess.run(list(cmd), stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                       timeout=120, **kw)
    if check:
        expect(p.returncode == 0, "%s exited %d: %s %s", " ".join(cmd), p.returncode, p.stdout, p.stderr)
    return p


def installed_plugin_dir():
    return run("pkg-config", "--variable=plugindir", "provisiond-plugin").stdout.strip()


def installed_overrides():
    # only what the test stack needs; the paths are the installed defaults
    return {"schema_dir": "/usr/share/provisiond/sql", "console_dir": "/usr/share/provisiond/console",
            "openapi_file": "/usr/share/provisiond/openapi.yaml"}


def test_files_are_where_the_packages_put_them(t):
    expect(DAEMON_BIN == "/usr/sbin/provisiond", "the test must run the installed daemon, not %s", DAEMON_BIN)
    for path in ("/usr/sbin/provisiond", "/usr/bin/provisionctl", UNIT, CONF,
                 "/usr/share/provisiond/sql/0001_api_tokens.sql", "/usr/share/provisiond/console/index.html",
                 "/usr/share/provisiond/ldap/provisiond.schema", "/usr/include/provisiond/provisiond-plugin.h",
                 "/usr/share/doc/provisiond/copyright"):
        expect(os.path.exists(path), "%s is not installed", path)
    plugins = sorted(os.listdir(installed_plugin_dir()))
    for name in ("ldap-account.so", "ldap-group.so", "db-role.so", "mail-ldap.so", "pbx.so"):
        expect(name in plugins, "plugin %s missing from %s: %r", name, installed_plugin_dir(), plugins)
    expect(not [p for p in plugins if p.endswith(".la")], "libtool archives installed: %r", plugins)
    st = os.stat(CONF)
    expect(stat.S_IMODE(st.st_mode) == 0o640 and st.st_uid == 0 and grp.getgrgid(st.st_gid).gr_name == "provisiond",
           "%s is %o %d:%d, want 0640 root:provisiond", CONF, stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid)
    user = pwd.getpwnam("provisiond")
    expect(user.pw_uid < 1000 and user.pw_shell in ("/usr/sbin/nologin", "/bin/false"),
           "provisiond is not a system user without a shell: %r", user)
    sd = os.stat("/var/lib/provisiond")
    expect(sd.st_uid == user.pw_uid and stat.S_IMODE(sd.st_mode) == 0o750,
           "/var/lib/provisiond is %o owned by %d", stat.S_IMODE(sd.st_mode), sd.st_uid)
    for page in ("man8/provisiond.8", "man5/provisiond.conf.5", "man1/provisionctl.1", "man3/provisiond-plugin.3"):
        expect(any(os.path.exists("/usr/share/man/%s%s" % (page, z)) for z in ("", ".gz")), "no man page %s", page)


def test_versions_and_config_check_as_the_system_user(t):
    out = run("/usr/sbin/provisiond", "--version").stdout
    expect(re.match(r"provisiond \d+\.\d+\.\d+ \(\+systemd\)$", out.strip()), "provisiond --version: %r", out)
    out = run("/usr/bin/provisionctl", "--version").stdout
    expect(re.match(r"provisionctl \d+\.\d+\.\d+$", out.strip()), "provisionctl --version: %r", out)
    # the packaged configuration is readable by the daemon's user and valid
    p = run("runuser", "-u", "provisiond", "--", "/usr/sbin/provisiond", "-c", CONF, "--check-config")
    expect(p.stdout.strip() == "%s: ok" % CONF, "--check-config as provisiond: %r", p.stdout)
    p = run("runuser", "-u", "nobody", "--", "/usr/sbin/provisiond", "-c", CONF, "--check-config", check=False)
    expect(p.returncode != 0 and "Permission denied" in p.stderr,
           "another user could read %s: %d %r", CONF, p.returncode, p.stderr)


def test_the_unit_passes_systemd_analyze(t):
    p = run("systemd-analyze", "verify", UNIT, check=False)
    # man: pages are checked above; in a container without man-db the
    # Documentation= check fails for that reason only
    problems = [line for line in (p.stdout + p.stderr).splitlines() if line.strip() and "Command 'man " not in line]
    expect(not problems, "systemd-analyze verify: %r", problems)
    p = run("systemd-analyze", "security", "--offline=true", UNIT, check=False)
    m = re.search(r"Overall exposure level for provisiond\.service: (\d+\.\d+) (\w+)", p.stdout)
    expect(m, "no exposure level in: %s %s", p.stdout[-500:], p.stderr)
    print("# systemd-analyze security: %s %s" % (m.group(1), m.group(2)))
    expect(float(m.group(1)) <= 2.0, "the unit's exposure is %s (want <= 2.0)", m.group(1))
    unit = open(UNIT).read()
    for want in ("Type=notify", "ExecReload=", "WatchdogSec=", "ProtectSystem=strict", "NoNewPrivileges=yes",
                 "PrivateTmp=yes", "CapabilityBoundingSet=\n", "RestrictAddressFamilies=",
                 "SystemCallFilter=@system-service", "User=provisiond"):
        expect(want in unit, "the unit lacks %r", want)


def test_installed_daemon_provisions_a_hire(t):
    conf = q.plugin_conf(t.stack, plugin_dir=installed_plugin_dir())
    conf.update(installed_overrides())
    with t.new_daemon(overrides=conf) as d:
        st, _, _, health = d.request("GET", "/v1/health")
        expect(st == 200 and health["plugins"]["acct"]["status"] == "up" and
               health["plugins"]["grp"]["status"] == "up", "health with the installed plugins: %s %r", st, health)
        st, _, body, _ = d.request("GET", "/")
        expect(st == 200, "the installed console: %s %r", st, body[:200] if body else body)
        num = q.number()
        js = ok(d.request("POST", "/v1/hires", body=q.hire_body(num, "Ana", "Quispe"), basic=HR), 201)
        rid, uid = js["id"], js["person"]["uid"]
        ok(act(d, rid, "approve", HEAD))
        js = q.wait_state(d, rid, "verification")
        ops = {o["instance"]: (o["state"], o["outcome"]) for o in js["operations"]}
        expect(ops == {"acct": ("done", "ok"), "grp": ("done", "ok")}, "operations %r", ops)
        entry = q.search(t.stack, q.person_dn(t.stack, uid), "(objectClass=*)", "uid", "memberOf")
        expect("uid: %s" % uid in entry and "memberOf: cn=tributaria," in entry,
               "slapd has not the hired person:\n%s", entry)
        wait_until(lambda: b"provisiond_up 1" in d.request("GET", "/metrics", token=t.admin_token())[2],
                   10, what="metrics")


if __name__ == "__main__":
    main(globals(), daemon_overrides=installed_overrides())
