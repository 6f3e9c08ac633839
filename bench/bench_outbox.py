#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Outbox throughput against a plain SMTP client, in one run.

    python3 bench/bench_outbox.py [N]        (default N = 300)

Starts a private PostgreSQL + slapd, a Dovecot (LMTP) and a Postfix
(contrib/mail) on loopback, then:
  1. N messages are put in provisiond's outbox (as the workflow would) and
     a daemon with smtp_url set is timed until the relay has taken every
     one: claim, libcurl SMTP session, body erased, change-log entry;
  2. the baseline: the same N messages sent by Python's smtplib to the same
     Postfix, one connection each (as the outbox does), nothing recorded.
Prints messages/s for both and their ratio. Needs a build and root (Postfix).
"""
import os
import smtplib
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
from harness import Daemon, Stack  # noqa: E402
from test_mail import dovecot, postfix, give_mailbox  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 300
RCPT = "aaf.ramos@example.org"


class Ctx:
    def __init__(self, stack):
        self.stack = stack


def run_outbox(stack, pf):
    stack.psql("INSERT INTO outbox (kind, rcpt, subject, body) SELECT 'bench', '%s', 'bench ' || g, "
               "'a conclusion note of about a line or two' FROM generate_series(1, %d) g" % (RCPT, N))
    d = Daemon(stack, overrides={"smtp_url": "smtp://127.0.0.1:%d" % pf["port"], "log_level": "warning",
                                 "queue_workers": "0"}, name="bench-outbox")
    t0 = time.monotonic()
    with d:
        while True:
            left = int(stack.psql("SELECT count(*) FROM outbox WHERE kind = 'bench' AND state = 'pending'").strip())
            if left == 0:
                break
            if time.monotonic() - t0 > 600:
                raise SystemExit("%d of %d messages still pending after 600 s" % (left, N))
            time.sleep(0.02)
        return time.monotonic() - t0


def run_baseline(pf):
    msg = ("From: provisiond@example.org\r\nTo: %s\r\nSubject: baseline\r\n\r\n"
           "a conclusion note of about a line or two\r\n" % RCPT).encode()
    t0 = time.monotonic()
    for _ in range(N):
        with smtplib.SMTP("127.0.0.1", pf["port"], timeout=30) as s:
            s.sendmail("provisiond@example.org", [RCPT], msg)
    return time.monotonic() - t0


def main():
    with Stack() as stack:
        t = Ctx(stack)
        dv = dovecot(t)
        give_mailbox(t, dv, "aaf.ramos", RCPT)
        pf = postfix(t, dv)
        # migrations run when the first daemon starts; one to create the table
        with Daemon(stack, overrides={"log_level": "warning"}, name="bench-migrate"):
            pass
        box = run_outbox(stack, pf)
        raw = run_baseline(pf)
    print("provisiond outbox: %d messages handed to Postfix in %.2f s = %.1f messages/s "
          "(one sender thread; each one claimed, sent, erased and logged)" % (N, box, N / box))
    print("baseline smtplib:  the same %d messages, one connection each: %.2f s = %.1f messages/s"
          % (N, raw, N / raw))
    print("ratio:             the outbox runs at %.2f of the plain client's rate" % ((N / box) / (N / raw)))


if __name__ == "__main__":
    main()
