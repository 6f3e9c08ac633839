# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The runner: a file's test_* functions as unittest cases, reported as TAP.

main(globals()) starts one Stack and one Daemon and runs every test_*
function of the file in definition order with a Context `t`; it prints
TAP (`ok N - name (T s)` / `not ok N - name` with the traceback and the
end of the daemon log as `#` lines), a last check that the shared daemon
stops cleanly, then `1..N` and "N passed, N failed"; exit 0 when all
passed, 1 otherwise, 77 (skip) only when the daemon binary does not exist.

How that maps onto unittest:

    SharedDaemonCase   one TestCase class per run; each instance is one TAP
                       line: run_function (a test_* function) or
                       check_shutdown (the last line)
      setUpClass       enters the Stack and the Daemon, left by class
                       cleanups: the fixture of the whole file; a failure
                       there, or in a cleanup, is the TAP line
                       "stack and daemon set-up"
      setUp            Context.ensure_daemon(): restarts the shared daemon
                       when the test before left it stopped
      run_function     fn(t), then "the daemon died during the test"
      check_shutdown   SIGTERM to the shared daemon, then no log line says a
                       transaction was left open
    TAPResult          a unittest.TestResult that prints the TAP lines
    TAPTestRunner      runs the suite with a TAPResult; prints the plan and
                       the summary
"""

import os
import re
import sys
import time
import traceback
import unittest

from .checks import TestFailure
from .context import Context
from .settings import DAEMON_BIN
from .supervise import Daemon, Stack

# Frames of this module (and of unittest) are left out of the tracebacks
# printed for a failure: a test's traceback starts at the test function.
# unittest marks its own modules the same way.
__unittest = True

SHUTDOWN_CHECK = "shared daemon stops cleanly on SIGTERM"
SETUP_CHECK = "stack and daemon set-up"


def log(msg):
    """A TAP diagnostic line (ignored by TAP consumers, read by humans)."""
    for line in str(msg).splitlines() or [""]:
        sys.stdout.write("# " + line + "\n")
    sys.stdout.flush()


def _tests_of(module_globals):
    only = os.environ.get("PVD_TEST_ONLY")
    tests = [(n, f) for n, f in module_globals.items()
             if n.startswith("test_") and callable(f)]
    if only:
        tests = [(n, f) for n, f in tests if re.search(only, n)]
    return tests


def _format_exc(err):
    """The traceback of err (an exc_info), without the leading frames of
    unittest and of this module."""
    etype, value, tb = err
    while tb is not None and "__unittest" in tb.tb_frame.f_globals:
        tb = tb.tb_next
    return "".join(traceback.format_exception(etype, value, tb))


# ---------------------------------------------------------------- cases

class SharedDaemonCase(unittest.TestCase):
    """One TAP line. Subclassed once per run (shared_daemon_case) with the
    run's daemon_overrides and config_form; ctx is set by setUpClass."""

    daemon_overrides = None
    config_form = None
    ctx = None
    # TestCase keeps one class-cleanup list for all its subclasses
    _class_cleanups = []

    def __init__(self, method, name, fn=None):
        super().__init__(method)
        self.name = name
        self.fn = fn
        self.elapsed = None       # seconds, set when a test function passed
        self.restarting = False   # True while setUp restarts the daemon

    def __str__(self):
        return self.name

    def id(self):
        return self.name

    # -- the file's fixture: one Stack + one Daemon
    @classmethod
    def setUpClass(cls):
        # as "with Stack() as stack: with Daemon(stack) as d:" around all
        # the cases: class cleanups run last in, first out, also when
        # setUpClass fails half-way
        stack = Stack(config_form=cls.config_form).__enter__()
        cls.addClassCleanup(stack.__exit__, None, None, None)
        log("stack in %s (pg %d, ldap %d)" % (stack.dir, stack.pg_port, stack.ldap_port))
        d = Daemon(stack, overrides=cls.daemon_overrides, name="main").__enter__()
        cls.addClassCleanup(d.__exit__, None, None, None)
        cls.ctx = Context(stack, d)

    def setUp(self):
        if self.fn is None:        # check_shutdown: the daemon is not restarted
            return
        self.restarting = True
        self.ctx.ensure_daemon()
        self.restarting = False
        self.started = time.monotonic()

    # -- the two kinds of case
    def run_function(self):
        self.fn(self.ctx)
        d = self.ctx.daemon
        if d.proc is not None and d.proc.poll() is not None:
            raise TestFailure("the daemon died during the test (exit %s); log:\n%s"
                              % (d.proc.returncode, d.log_tail()))
        self.elapsed = time.monotonic() - self.started

    def check_shutdown(self):
        # the shared daemon must stop cleanly (and valgrind-clean)
        d = self.ctx.daemon
        if d.alive():
            d.stop()
        leak = [ln for ln in d.log_text().splitlines() if "left a database transaction open" in ln]
        if leak:
            raise TestFailure("a code path left a transaction open: %s" % leak[0])

    # -- what TAPResult prints
    def tap_name(self, passed):
        if passed and self.elapsed is not None:
            return "%s (%.2fs)" % (self.name, self.elapsed)
        return self.name

    def failure_detail(self, err):
        det = _format_exc(err)
        if self.restarting:
            return "the shared daemon could not be restarted:\n" + det
        if self.fn is None:
            return det
        d = self.ctx.daemon
        if os.environ.get("PVD_TEST_VERBOSE") == "1":
            det += "\nlog of %s:\n%s" % (d.name, d.log_text())
        else:
            det += "\nlast lines of the daemon log:\n%s" % d.log_tail(15)
        return det


def shared_daemon_case(daemon_overrides=None, config_form=None):
    """A SharedDaemonCase subclass of its own for one run."""
    return type("SharedDaemonTests", (SharedDaemonCase,), {
        "daemon_overrides": daemon_overrides, "config_form": config_form,
        "ctx": None, "_class_cleanups": []})


def build_suite(tests, daemon_overrides=None, config_form=None):
    """The tests [(name, fn)] in this order, then the shutdown check."""
    case = shared_daemon_case(daemon_overrides, config_form)
    return unittest.TestSuite([case("run_function", name, fn) for name, fn in tests]
                              + [case("check_shutdown", SHUTDOWN_CHECK)])


# ---------------------------------------------------------------- result and runner

class TAPResult(unittest.TestResult):
    """Prints one TAP line per case as it ends; counts them.

    An error outside a case (unittest passes an _ErrorHolder: setUpClass or
    the class cleanup) is the line "stack and daemon set-up". Exceptions
    that are not an Exception (SystemExit, ...) are raised again, as the
    runner did before unittest: they end the run."""

    def __init__(self, stream=None, descriptions=None, verbosity=None):
        super().__init__(stream, descriptions, verbosity)
        self.n = 0
        self.passed = 0
        self.failed = 0

    def report(self, ok, name, detail=None):
        self.n += 1
        print("%s %d - %s" % ("ok" if ok else "not ok", self.n, name))
        if detail:
            log(detail)
        sys.stdout.flush()
        if ok:
            self.passed += 1
        else:
            self.failed += 1

    def _report_failure(self, test, err):
        if not issubclass(err[0], Exception):
            raise err[1]
        if isinstance(test, SharedDaemonCase):
            self.report(False, test.tap_name(False), test.failure_detail(err))
        else:
            self.report(False, SETUP_CHECK, _format_exc(err))

    def addSuccess(self, test):
        super().addSuccess(test)
        self.report(True, test.tap_name(True))

    def addFailure(self, test, err):
        self._report_failure(test, err)
        super().addFailure(test, err)

    def addError(self, test, err):
        self._report_failure(test, err)
        super().addError(test, err)

    def addSkip(self, test, reason):
        # No test skips itself today; a unittest.SkipTest failed the test
        # before unittest, and still does.
        super().addSkip(test, reason)
        name = test.tap_name(False) if isinstance(test, SharedDaemonCase) else SETUP_CHECK
        self.report(False, name, "unittest.SkipTest raised (%s): this runner does not skip" % reason)


class TAPTestRunner:
    """A unittest runner (run(test) -> result) that writes TAP on stdout."""

    resultclass = TAPResult

    def run(self, test):
        result = self.resultclass()
        t0 = time.monotonic()
        result.startTestRun()
        try:
            test(result)
        finally:
            result.stopTestRun()
        print("1..%d" % result.n)
        log("%.1f s" % (time.monotonic() - t0))
        print("%d passed, %d failed" % (result.passed, result.failed))
        sys.stdout.flush()
        return result


def main(module_globals, daemon_overrides=None, config_form=None, need_daemon=True):
    """Runs the file's test_* functions in one Stack + Daemon; exits."""
    tests = _tests_of(module_globals)
    config_form = config_form or os.environ.get("PVD_TEST_CONFIG_FORM") or None
    if not os.access(DAEMON_BIN, os.X_OK):
        print("1..0 # SKIP the daemon %s is not built" % DAEMON_BIN)
        sys.exit(77)
    suite = build_suite(tests, daemon_overrides=daemon_overrides, config_form=config_form)
    result = TAPTestRunner().run(suite)
    sys.exit(1 if result.failed else 0)
