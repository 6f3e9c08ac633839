# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Integration test harness for provisiond: real slapd + PostgreSQL + daemon.

Python 3 standard library only.

    from harness import Stack, Daemon, main

    def test_health(t):
        st, hdr, body, js = t.request("GET", "/v1/health")
        assert st == 200, (st, body)

    if __name__ == "__main__":
        main(globals())

This module only gathers the names of the pvdtest package, where the code
lives (README.md has the table):

    pvdtest/settings.py    REPO, BUILDDIR, DAEMON_BIN, VALGRIND, TIME_SCALE, ...
    pvdtest/checks.py      TestFailure, expect, expect_error, ok, act, letters, wait_until,
                           take_steps, file_hire
    pvdtest/httpclient.py  request, raw_http, parse_http_response, basic_header, parse_prometheus
    pvdtest/conffile.py    read_conf, write_conf
    pvdtest/people.py      HR, HEAD, LEAD, TECH, TRIB_HEAD, EMPLOYEE, AUDITOR, ADMIN
    pvdtest/supervise.py   the cleanup registry and signals, Stack, Daemon, free_port
    pvdtest/context.py     Context, the `t` of a test function
    pvdtest/runner.py      main: the test_* functions as unittest cases, TAP out

main() starts one Stack (contrib/stack/pvd-stack: a private PostgreSQL and
slapd with the example organisation) and one Daemon, then runs every
test_* function of the file in definition order with a Context `t`, and
prints TAP lines (`ok N - name` / `not ok N - name`), then the plan and a
summary line "N passed, N failed". Exit status: 0 all passed, 1 some
failed, 77 (skip) only when the daemon binary does not exist.

Environment:
    PROVISIOND_BIN     the daemon (default <builddir>/provisiond/provisiond)
    abs_top_builddir   set by automake's test driver; else the repo root
    abs_top_srcdir     set by automake's test driver; else found from here
    PVD_KEEP_TMP=1     keep the temporary folders (logs, configs, data)
    PVD_VALGRIND=1     run the daemon under valgrind; a definite leak or a
                       memory error fails the test that stops the daemon
    PVD_PG_BIN         PostgreSQL client folder or psql binary
    PVD_TEST_ONLY=re   run only the tests whose name matches the regex
    PVD_TEST_VERBOSE=1 print the daemon log of a failed test in full
    PVD_TEST_CONFIG_FORM=cnconfig  build slapd from cn=config instead of slapd.conf
"""

from pvdtest.settings import (HERE, _find_repo, REPO, BUILDDIR, DAEMON_BIN, PVD_STACK,  # noqa: F401
                              VALGRIND, KEEP_TMP, TIME_SCALE, VALGRIND_CMD, VALGRIND_ERROR_EXIT)
from pvdtest.checks import (TestFailure, wait_until, expect, expect_error,  # noqa: F401
                            letters, ok, act, take_steps, file_hire)
from pvdtest.httpclient import (_NoRedirect, _opener, basic_header, request, raw_http,  # noqa: F401
                                parse_http_response, _PROM_LINE, _PROM_LABEL, parse_prometheus)
from pvdtest.conffile import read_conf, _conf_value, write_conf  # noqa: F401
from pvdtest.supervise import (PASSWORD, THROTTLE_RELAXED, _cleanups, _cleanup_lock,  # noqa: F401
                               _register_cleanup, _unregister_cleanup, _run_cleanups, _on_signal,
                               _pdeathsig, _given_ports, read_log, free_port, _pg_bin, Stack, Daemon)
from pvdtest.people import HR, HEAD, LEAD, TECH, TRIB_HEAD, EMPLOYEE, AUDITOR, ADMIN  # noqa: F401
from pvdtest.context import Context  # noqa: F401
from pvdtest.runner import log, _tests_of, main  # noqa: F401

__all__ = [
    "REPO", "BUILDDIR", "DAEMON_BIN", "PVD_STACK", "VALGRIND", "TIME_SCALE",
    "Stack", "Daemon", "Context", "TestFailure", "main", "free_port",
    "request", "raw_http", "wait_until", "parse_prometheus", "PASSWORD",
    "expect", "expect_error", "letters", "ok", "act", "take_steps", "file_hire", "THROTTLE_RELAXED",
    "HR", "HEAD", "LEAD", "TECH", "TRIB_HEAD", "EMPLOYEE", "AUDITOR", "ADMIN",
]
