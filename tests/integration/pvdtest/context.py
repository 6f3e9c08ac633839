# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Context: what a test function gets (t): the stack, the shared daemon
and shortcuts to them."""

from .supervise import PASSWORD, Daemon


class Context:
    """What a test function gets: the stack, the shared daemon and shortcuts."""

    def __init__(self, stack, daemon):
        self.stack = stack
        self.daemon = daemon
        self.secrets = []    # tokens/passwords the daemon must never log
        self._tokens = {}

    def request(self, *a, **kw):
        return self.daemon.request(*a, **kw)

    def get(self, path, **kw):
        return self.daemon.request("GET", path, **kw)

    def as_user(self, user, password=PASSWORD):
        return (user, password)

    def admin_token(self):
        """A bearer token with role admin (created once per daemon run)."""
        return self.token("admin")

    def token(self, role):
        if role not in self._tokens:
            name = "t-%s-%d" % (role.replace("_", "-"), len(self._tokens))
            tok = self.daemon.create_token(role, name)
            self.secrets.append(tok)
            self._tokens[role] = tok
        return self._tokens[role]

    def new_daemon(self, overrides=None, **kw):
        return Daemon(self.stack, overrides=overrides, **kw)

    def ensure_daemon(self):
        """Restarts the shared daemon if a test left it stopped."""
        if not self.daemon.alive():
            self.daemon.start()
