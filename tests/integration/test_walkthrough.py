#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""docs/walkthrough-hire-exit.md cannot drift: docs/walkthrough/hire-exit.py
runs every step of the hire and the exit against a daemon with the plugins
devstack configures (ldap-account, ldap-group, access-level, mail-ldap, pbx)
and the backup task devstack adds, and writes the markdown;
the test fails when a step does not do what its text says, or when the
markdown differs from the committed document (the diff is printed).

Run: python3 tests/integration/test_walkthrough.py
Regenerate the document after a change: the command in its header, against
`contrib/dev/devstack start`, or PVD_WALKTHROUGH_WRITE=1 with this test.
"""
import difflib
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BUILDDIR, REPO, TestFailure, main  # noqa: E402
from kamailio import create_pbx_db  # noqa: E402

SCRIPT = os.path.join(REPO, "docs", "walkthrough", "hire-exit.py")
DOC = os.path.join(REPO, "docs", "walkthrough-hire-exit.md")


def task_lines():
    """The task.backup lines of the script (what devstack adds)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("hire_exit", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    keep, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no __pycache__ in docs/
    try:
        spec.loader.exec_module(mod)
    finally:
        sys.dont_write_bytecode = keep
    return dict(line.split(" = ", 1) for line in mod.TASK_LINES)


def devstack_conf(t, tmp):
    """The plugin lines of contrib/dev/devstack cmd_start, on this stack."""
    stack = t.stack
    base = stack.env.get("PVD_LDAP_BASE", "dc=example,dc=org")
    ldapi = stack.ldapi_url()
    db = create_pbx_db(stack)
    pepper = os.path.join(tmp, "pbx-pepper")
    with open(pepper, "w") as f:
        f.write(os.urandom(32).hex() + "\n")
    os.chmod(pepper, 0o600)
    conf = {
        "plugin_dir": os.path.join(BUILDDIR, "plugins"),
        "plugin.acct.library": "ldap-account",
        "plugin.acct.uri": ldapi,
        "plugin.acct.people_dn": "ou=people," + base,
        "plugin.grp.library": "ldap-group",
        "plugin.grp.after": "acct",
        "plugin.grp.uri": ldapi,
        "plugin.grp.groups_dn": "ou=groups," + base,
        "plugin.grp.people_dn": "ou=people," + base,
        "plugin.grp.unit.tributaria": "tributaria, tributario-users",
        "plugin.grp.unit.tim": "tim",
        "plugin.grp.all": "staff",
        "plugin.lvl.library": "access-level",
        "plugin.lvl.after": "acct",
        "plugin.lvl.uri": ldapi,
        "plugin.lvl.levels_dn": "ou=access," + base,
        "plugin.lvl.people_dn": "ou=people," + base,
        "plugin.lvl.all": "network:internet-internal",
        "access.tributario.title": "Sistema tributario",
        "access.tributario.levels": "read, write, admin",
        "access.network.levels": "internet-internal, internet-external, vpn, remote-desktop",
        "plugin.mail.library": "mail-ldap",
        "plugin.mail.after": "acct",
        "plugin.mail.uri": ldapi,
        "plugin.mail.people_dn": "ou=people," + base,
        "plugin.mail.mail_root": os.path.join(tmp, "vmail"),
        "plugin.mail.quota": "1G",
        "plugin.mail.position_alias": "yes",
        "plugin.pbx.library": "pbx",
        "plugin.pbx.after": "mail",
        "plugin.pbx.call_codes": "yes",
        "plugin.pbx.backend": "kamailio",
        "plugin.pbx.conninfo": db["conninfo"],
        "plugin.pbx.realm": "pbx.example.org",
        "plugin.pbx.range": "2000-2999",
        "plugin.pbx.level": "local",
        "plugin.pbx.level.position.jefe-tributaria": "national",
        "plugin.pbx.code_length": "6",
        "plugin.pbx.code_pepper_file": pepper,
    }
    conf.update(task_lines())
    return conf


def test_devstack_configures_the_backup_task_of_the_walkthrough(t):
    """The task the walkthrough's exit waits for is the one devstack adds."""
    with open(os.path.join(REPO, "contrib", "dev", "devstack")) as f:
        added = dict(line.strip().split(" = ", 1) for line in f if line.startswith("task.backup."))
    if added != task_lines():
        raise TestFailure("devstack's task.backup lines %r differ from the walkthrough's TASK_LINES %r"
                          % (added, task_lines()))


def test_walkthrough_runs_and_matches_the_document(t):
    tmp = tempfile.mkdtemp(prefix="walk-", dir=t.stack.dir)
    os.makedirs(os.path.join(tmp, "vmail"))
    out = os.path.join(tmp, "walkthrough-hire-exit.md")
    with t.new_daemon(overrides=devstack_conf(t, tmp)) as d:
        p = subprocess.run([sys.executable, SCRIPT, "--url", d.base_url, "--markdown", out],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
        if p.returncode != 0:
            raise TestFailure("the walkthrough stopped (exit %d):\n%s%s\ndaemon log:\n%s" % (
                p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"),
                d.log_tail(30)))
    with open(out, encoding="utf-8") as f:
        got = f.read()
    if os.environ.get("PVD_WALKTHROUGH_WRITE") == "1":
        with open(DOC, "w", encoding="utf-8") as f:
            f.write(got)
    with open(DOC, encoding="utf-8") as f:
        want = f.read()
    if got != want:
        diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                            "docs/walkthrough-hire-exit.md (committed)",
                                            "docs/walkthrough/hire-exit.py --markdown (this run)"))
        raise TestFailure("docs/walkthrough-hire-exit.md is not what the script writes; run the command in its "
                          "header and commit the result:\n%s" % diff)


if __name__ == "__main__":
    main(globals())
