#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The mail-ldap plugin with a real Dovecot (IMAP and LMTP) reading the
directory with contrib/mail/dovecot.conf.in: after a hire the person logs in
over IMAP with their directory password and a message sent over LMTP to
their address (or their position's alias) is delivered; after the exit the
login is refused and delivery is refused; a rehire gives the same mailbox
back, with its mail. An address another mailbox has is a conflict.

Run: python3 tests/integration/test_mail.py
"""
import os
import pwd
import shutil
import smtplib
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (ok, act, expect, expect_error, free_port, main, wait_until, REPO, TestFailure,  # noqa: E402
                     _register_cleanup)
from harness import HR, HEAD, TECH  # noqa: E402
from test_queue import wait_state, hire_body, plugin_conf, ldap_admin  # noqa: E402

PASSWORD = "Clave-de-correo-1"
_dovecot = {}


def render(src, names, values, dest):
    """dest/<name> from src/<name>.in with every @KEY@ of values filled in."""
    for name in names:
        with open(os.path.join(src, name + ".in")) as f:
            text = f.read()
        for k, v in values.items():
            text = text.replace("@%s@" % k, v)
        with open(os.path.join(dest, name), "w") as f:
            f.write(text)


def server_dir(program, packages):
    """A new temp folder for a server the test runs; fails when program is
    not installed, naming the Debian packages that bring it."""
    if shutil.which(program) is None:
        raise TestFailure("%s is not installed (apt-get install %s; contrib/dev/devstack test does it)"
                          % (program, packages))
    return tempfile.mkdtemp(prefix="pvd-%s-" % program)


def dovecot(t):
    """A Dovecot on loopback, run as nobody, reading the test stack's slapd."""
    if _dovecot:
        return _dovecot
    d = server_dir("dovecot", "dovecot-core dovecot-imapd dovecot-lmtpd dovecot-ldap")
    st = t.stack
    nobody = pwd.getpwnam("nobody")
    for sub in ("run", "state", "vmail"):
        os.mkdir(os.path.join(d, sub))
    base = st.env.get("PVD_LDAP_BASE", "dc=example,dc=org")
    values = {"DIR": d, "USER": "nobody", "GROUP": "nogroup", "IMAP_PORT": str(free_port()),
              "LMTP_PORT": str(free_port()), "LDAP_URI": "ldap://127.0.0.1:%d" % st.ldap_port,
              "BIND_DN": st.env["PVD_LDAP_ADMIN_DN"],
              "BIND_PW": open(st.env["PVD_LDAP_ADMIN_PW_FILE"]).read().strip(),
              "PEOPLE_DN": "ou=people," + base}
    render(os.path.join(REPO, "contrib", "mail"), ("dovecot.conf", "dovecot-ldap.conf.ext"), values, d)
    for root, dirs, files in os.walk(d):
        for n in dirs + files:
            os.chown(os.path.join(root, n), nobody.pw_uid, nobody.pw_gid)
    os.chown(d, nobody.pw_uid, nobody.pw_gid)
    os.chmod(os.path.join(d, "dovecot-ldap.conf.ext"), 0o600)
    conf = os.path.join(d, "dovecot.conf")
    proc = subprocess.Popen(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                             "dovecot", "-F", "-c", conf], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def stop():
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(d, ignore_errors=True)
    _register_cleanup("dovecot", stop)

    def listening():
        if proc.poll() is not None:
            log = os.path.join(d, "dovecot.log")
            raise TestFailure("dovecot exited: %s %s" % (proc.stdout.read().decode(errors="replace"),
                                                          open(log).read() if os.path.exists(log) else ""))
        for port in (values["IMAP_PORT"], values["LMTP_PORT"]):
            try:
                socket.create_connection(("127.0.0.1", int(port)), 1).close()
            except OSError:
                return False
        return True
    wait_until(listening, 20, interval=0.1, what="dovecot to listen")
    _dovecot.update(dir=d, imap=int(values["IMAP_PORT"]), lmtp=int(values["LMTP_PORT"]),
                    vmail=os.path.join(d, "vmail"))
    return _dovecot


_postfix = {}


def postfix(t, dv, domain="example.org", port=None):
    """A Postfix on loopback with contrib/mail/postfix/*.in: SMTP in, the
    directory for who has a mailbox, LMTP to the Dovecot dv. Started as
    root (postfix start needs it); stopped by the harness's cleanup."""
    if _postfix:
        return _postfix
    d = server_dir("postfix", "postfix postfix-ldap")
    st = t.stack
    os.chmod(d, 0o755)  # postfix's own processes run as the postfix user
    etc, queue, data = (os.path.join(d, n) for n in ("etc", "spool", "data"))
    for x in (etc, queue, data):
        os.mkdir(x)
    pf = pwd.getpwnam("postfix")
    os.chown(data, pf.pw_uid, pf.pw_gid)
    base = st.env.get("PVD_LDAP_BASE", "dc=example,dc=org")
    values = {"DIR": etc, "QUEUE": queue, "DATA": data, "SMTP_PORT": str(port or free_port()),
              "LMTP_PORT": str(dv["lmtp"]), "DOMAIN": domain,
              "LDAP_URI": "ldap://127.0.0.1:%d" % st.ldap_port, "BIND_DN": st.env["PVD_LDAP_ADMIN_DN"],
              "BIND_PW": open(st.env["PVD_LDAP_ADMIN_PW_FILE"]).read().strip(), "PEOPLE_DN": "ou=people," + base}
    render(os.path.join(REPO, "contrib", "mail", "postfix"), ("main.cf", "master.cf", "ldap-mailboxes.cf"),
           values, etc)
    os.chown(os.path.join(etc, "ldap-mailboxes.cf"), 0, pf.pw_gid)
    os.chmod(os.path.join(etc, "ldap-mailboxes.cf"), 0o640)
    port = int(values["SMTP_PORT"])

    def run(*args):
        return subprocess.run(["postfix", "-c", etc] + list(args), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)

    def stop():
        run("abort")
        # postfix abort returns before master is gone; wait for its pid file to go
        pidf = os.path.join(queue, "pid", "master.pid")
        for _ in range(100):
            try:
                pid = int(open(pidf).read().strip())
                os.kill(pid, 0)
            except (OSError, ValueError):
                break
            time.sleep(0.05)
        shutil.rmtree(d, ignore_errors=True)
    _register_cleanup("postfix", stop)
    p = run("start")
    if p.returncode != 0:
        logf = os.path.join(etc, "postfix.log")
        raise TestFailure("postfix start failed: %s %s" % (p.stdout.decode(errors="replace"),
                          open(logf).read() if os.path.exists(logf) else ""))

    def listening():
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return True
        except OSError:
            return False
    wait_until(listening, 20, interval=0.1, what="postfix to listen")
    _postfix.update(dir=d, etc=etc, port=port, log=os.path.join(etc, "postfix.log"), run=run)
    return _postfix


def maildir_messages(dv, address):
    """The texts of the messages delivered to address's Maildir (new/ and cur/)."""
    local, domain = address.split("@")
    out = []
    for sub_dir in ("new", "cur"):
        p = os.path.join(dv["vmail"], domain, local, "Maildir", sub_dir)
        if os.path.isdir(p):
            for n in sorted(os.listdir(p)):
                with open(os.path.join(p, n), errors="replace") as f:
                    out.append(f.read())
    return out


def imap(dv, user, password, what='LIST "" "*"', path=""):
    p = subprocess.run(["curl", "-s", "--max-time", "10", "imap://127.0.0.1:%d/%s" % (dv["imap"], path),
                        "-u", "%s:%s" % (user, password)] + (["-X", what] if what else []),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode(errors="replace")


def imap_login(dv, user, password):
    """curl's exit code: 0 in, 67 refused. Auth settles right after start, so retry a moment."""
    for _ in range(20):
        rc, out = imap(dv, user, password)
        if rc in (0, 67):
            return rc
        time.sleep(0.2)
    return rc


def lmtp_send(dv, to, subject):
    """None when delivered, else the refusal."""
    msg = "From: aaf.ramos@example.org\r\nTo: %s\r\nSubject: %s\r\n\r\nBienvenida.\r\n" % (to, subject)
    try:
        with smtplib.LMTP("127.0.0.1", dv["lmtp"], timeout=10) as s:
            refused = s.sendmail("aaf.ramos@example.org", [to], msg.encode())
            return refused or None
    except smtplib.SMTPRecipientsRefused as e:
        return e.recipients


def conf(t, dv, **extra):
    c = plugin_conf(t.stack, **{"workflow_auto_hire": "review verification report conclusion close",
                                "plugin.mail.library": "mail-ldap", "plugin.mail.after": "acct",
                                "plugin.mail.uri": t.stack.ldapi_url(), "plugin.mail.auth": "sasl_external",
                                "plugin.mail.people_dn": "ou=people," + t.stack.env.get("PVD_LDAP_BASE",
                                                                                          "dc=example,dc=org"),
                                "plugin.mail.mail_root": dv["vmail"], "plugin.mail.quota": "1G",
                                "plugin.mail.position_alias": "yes"})
    c.update(extra)
    return c


def test_mailbox_lifecycle(t):
    dv = dovecot(t)
    with t.new_daemon(overrides=conf(t, dv)) as d:
        js = ok(d.request("POST", "/v1/hires", body=hire_body("AM0001", given="Rosa", family="Vargas",
                                                              position="jefe-tributaria"), basic=HR), 201)
        mail = js["person"]["mail"]
        js = wait_state(d, js["id"], "closed")
        op = [o for o in js["operations"] if o["instance"] == "mail"][0]
        expect(op["outcome"] == "ok" and op["object"] == mail, "mailbox made: %r", op)
        tok = ok(d.request("POST", "/v1/people/AM0001/password-token", basic=TECH), 201)["token"]
        ok(d.request("POST", "/v1/password", body={"token": tok, "new_password": PASSWORD}))
        expect(imap_login(dv, mail, PASSWORD) == 0, "IMAP login with the directory password")
        expect(imap_login(dv, mail, "wrong-password") == 67, "a wrong password is refused")
        expect(lmtp_send(dv, mail, "Bienvenida") is None, "delivered to the address")
        expect(lmtp_send(dv, "jefe-tributaria@example.org", "Al cargo") is None, "delivered to the position alias")
        rc, out = imap(dv, mail, PASSWORD, "SEARCH ALL", "INBOX")
        expect(rc == 0 and "SEARCH 1 2" in out, "both messages are in the inbox: %r", out)
        home = os.path.join(dv["vmail"], "example.org", mail.split("@")[0])
        expect(os.path.isdir(os.path.join(home, "Maildir")), "Maildir under pvdMailHome %s", home)

        # another jefe-tributaria: the alias stays with the holder whose
        # mailbox works; the newcomer gets a mailbox without it
        js2 = ok(d.request("POST", "/v1/hires", body=hire_body("AM0002", given="Sara", family="Vargas",
                                                               position="jefe-tributaria"), basic=HR), 201)
        js2 = wait_state(d, js2["id"], "closed")
        op2 = [o for o in js2["operations"] if o["instance"] == "mail"][0]
        expect(op2["outcome"] == "ok" and "no position alias" in op2["message"],
               "the second holder's mailbox, without the alias: %r", op2)
        base = t.stack.env.get("PVD_LDAP_BASE", "dc=example,dc=org")
        second = ldap_admin(t.stack, "ldapsearch", "-LLL", "-b", "ou=people," + base,
                            "(pvdMailAlias=jefe-tributaria@example.org)", "uid")
        expect(second.count("uid:") == 1 and "uid: %s" % mail.split("@")[0] in second,
               "the alias is on one mailbox, the first one's: %r", second)

        # an address another mailbox already has: a conflict, nothing changed
        give_mailbox(t, dv, "trib.nunez", "sara.conflicto@example.org")
        js3 = ok(d.request("POST", "/v1/hires", body=hire_body("AM0009", given="Sara", family="Conflicto",
                                                               position="analista-tributario"), basic=HR), 201)

        def conflict():
            js = ok(d.request("GET", "/v1/requests/%d" % js3["id"], basic=HEAD))
            ops = [o for o in js["operations"] if o["instance"] == "mail"]
            return ops and ops[0]["outcome"] == "conflict" and ops[0]
        wait_until(conflict, 30, interval=0.1, what="the third mailbox to be refused")
        expect("sara.conflicto@example.org already belongs to" in conflict()["message"], "names the owner: %r",
               conflict())
        ok(act(d, js3["id"], "rollback", HEAD, note="dirección ocupada"))

        # exit: login and delivery refused; the mailbox and its mail stay
        ex = ok(d.request("POST", "/v1/exits", body={"employee_number": "AM0001", "effective_at": "2026-01-01T00:00:00Z",
                                                     "reason": "renuncia"}, basic=HR), 201)
        ok(act(d, ex["id"], "approve", HEAD))
        wait_state(d, ex["id"], "report_review")
        expect(imap_login(dv, mail, PASSWORD) == 67, "login refused after the exit")
        refused = lmtp_send(dv, mail, "Tarde")
        expect(refused and mail in refused and refused[mail][0] == 550, "delivery refused: %r", refused)
        row = t.stack.psql("SELECT before->>'pvdMailEnabled', after->>'pvdMailEnabled' FROM changelog "
                           "WHERE system = 'mail' AND action = 'disable' AND employee_number = 'AM0001'").strip()
        expect(row == "TRUE|FALSE", "the disable is recorded: %r", row)
        expect(os.path.isdir(os.path.join(home, "Maildir")), "the mail is kept")
        close = ok(d.request("GET", "/v1/requests/%d" % ex["id"], basic=HEAD))
        expect(close["state"] == "report_review", "exit waits for its report")

        # rehire: the same address, the same mailbox, its mail
        ok(act(d, ex["id"], "approve", ("tim.quispe", "dev-password")))
        ok(act(d, ex["id"], "approve", HEAD, note="baja concluida"))
        ok(act(d, ex["id"], "confirm", HR))
        js = ok(d.request("POST", "/v1/hires", body=hire_body("AM0001", given="Rosa", family="Vargas",
                                                              position="jefe-tributaria"), basic=HR), 201)
        expect(js["person"]["mail"] == mail, "same address: %r", js["person"]["mail"])
        wait_state(d, js["id"], "closed")
        expect(imap_login(dv, mail, PASSWORD) == 0, "login again after the rehire")
        rc, out = imap(dv, mail, PASSWORD, "SEARCH ALL", "INBOX")
        expect("SEARCH 1 2" in out, "the old mail is there: %r", out)


def smtp_send(port, to, subject):
    """Through Postfix: None when accepted, else the refusal {rcpt: (code, text)}."""
    msg = "From: aaf.ramos@example.org\r\nTo: %s\r\nSubject: %s\r\n\r\nHola.\r\n" % (to, subject)
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as s:
            return s.sendmail("aaf.ramos@example.org", [to], msg.encode()) or None
    except smtplib.SMTPRecipientsRefused as e:
        return e.recipients


def give_mailbox(t, dv, uid, address):
    """A directory entry of the example stack gets a mailbox (as the mail plugin would)."""
    base = t.stack.env.get("PVD_LDAP_BASE", "dc=example,dc=org")
    ldap_admin(t.stack, "ldapmodify", input_="dn: uid=%s,ou=people,%s\nchangetype: modify\n"
               "add: objectClass\nobjectClass: pvdMailAccount\n-\nreplace: mail\nmail: %s\n-\n"
               "add: pvdMailEnabled\npvdMailEnabled: TRUE\n-\nadd: pvdMailHome\npvdMailHome: %s\n"
               % (uid, base, address, os.path.join(dv["vmail"], *reversed(address.split("@")))))


def test_outbox_and_postfix(t):
    """Postfix takes mail for the domain from the directory and hands it to
    Dovecot; the outbox sends the conclusion note to HR through it. While
    the relay is down the note waits (attempts, the reason), also across a
    restart of the daemon; once the relay is up the note arrives, and the
    change log records that it was sent."""
    dv = dovecot(t)
    port = free_port()
    give_mailbox(t, dv, "aaf.ramos", "aaf.ramos@example.org")
    c = conf(t, dv, smtp_url="smtp://127.0.0.1:%d" % port, outbox_retry_base="1", outbox_retry_max="1")
    with t.new_daemon(overrides=c) as d:
        js = ok(d.request("POST", "/v1/hires", body=hire_body("AM0003", given="Olga", family="Quiroga"),
                          basic=HR), 201)
        mail = js["person"]["mail"]
        wait_state(d, js["id"], "closed")

        def waiting():
            m = ok(d.request("GET", "/v1/outbox", basic=HEAD))["messages"]
            m = [x for x in m if x["request_id"] == js["id"]]
            return m and m[0]["attempts"] >= 2 and m[0]
        m = wait_until(waiting, 30, interval=0.2, what="the note to be tried while the relay is down")
        expect(m["state"] == "pending" and m["rcpt"] == "aaf.ramos@example.org" and m["kind"] == "conclusion",
               "the note waits for the relay: %r", m)
        expect("127.0.0.1:%d" % port in m["last_error"], "says why: %r", m["last_error"])
        h = ok(d.request("GET", "/v1/health"))
        expect(h["outbox"]["pending"] >= 1 and h["outbox"]["oldest_pending_seconds"] is not None and
               h["outbox"]["relay"] == "configured", "health shows the backlog: %r", h["outbox"])
        expect("body" not in m, "no body in the API: %r", m)
        expect_error(d.request("GET", "/v1/outbox", basic=("trib.nunez", "dev-password")), 403, "forbidden")

    # the daemon stops with the note unsent; the relay comes up; a new daemon sends it
    pf = postfix(t, dv, port=port)
    with t.new_daemon(overrides=c) as d:

        def sent():
            m = ok(d.request("GET", "/v1/outbox?state=sent", basic=HEAD))["messages"]
            return [x for x in m if x["request_id"] == js["id"]]
        wait_until(sent, 30, interval=0.2, what="the note to be sent once the relay is up")
        # HR's mailbox may also get the notes of earlier tests' hires, which
        # waited in the same outbox for a relay: pick this one by subject
        subject = "Subject: Conclusion of hire request %d for AM0003" % js["id"]
        got = wait_until(lambda: [m for m in maildir_messages(dv, "aaf.ramos@example.org") if subject in m],
                         30, interval=0.2, what="the note in HR's mailbox")
        expect(len(got) == 1, "the note arrives once: %d copies", len(got))
        expect("automatic step" in got[0], "with the conclusion text: %r", got[0])
        row = t.stack.psql("SELECT count(*) FROM outbox WHERE body IS NOT NULL AND state = 'sent'").strip()
        expect(row == "0", "sent messages keep no body: %r", row)
        row = t.stack.psql("SELECT count(*) FROM changelog WHERE system = 'outbox' AND action = 'mail.sent' "
                           "AND request_id = %d" % js["id"]).strip()
        expect(row == "1", "the change log records the sending: %r", row)

        # any mail through Postfix: delivered while enabled, refused after the exit
        expect(smtp_send(pf["port"], mail, "Bienvenida") is None, "Postfix accepts mail for %s" % mail)
        wait_until(lambda: maildir_messages(dv, mail), 30, interval=0.2, what="delivery through Postfix")
        ex = ok(d.request("POST", "/v1/exits", body={"employee_number": "AM0003",
                                                     "effective_at": "2026-01-01T00:00:00Z",
                                                     "reason": "renuncia"}, basic=HR), 201)
        ok(act(d, ex["id"], "approve", HEAD))
        wait_state(d, ex["id"], "report_review")
        refused = smtp_send(pf["port"], mail, "Tarde")
        expect(refused and mail in refused and refused[mail][0] == 550, "Postfix refuses after the exit: %r",
               refused)


if __name__ == "__main__":
    main(globals())
