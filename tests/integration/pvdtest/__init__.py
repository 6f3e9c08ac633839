# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The integration tests' support code (harness.py re-exports its names).

    settings    paths and switches from the environment
    checks      TestFailure and the assertion helpers
    httpclient  HTTP to the daemon, raw sockets, Prometheus text
    conffile    provisiond.conf read and write
    people      the example organisation's people: HR, HEAD, LEAD, TECH, ...
    supervise   cleanup registry, signals, Stack, Daemon
    context     Context, the `t` a test function gets
    runner      the unittest cases, the TAP result and runner, main
"""
