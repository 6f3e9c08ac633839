# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The people of the stack's example organisation
(contrib/stack/example-org.ldif) as (login, password) pairs for HTTP Basic,
named by the role they hold, so that a test file says HEAD, not a login."""

# every person's password in the example organisation
PASSWORD = "dev-password"

HR = ("aaf.ramos", PASSWORD)             # hr
HEAD = ("tim.mendoza", PASSWORD)         # tim_head (and head of unit tim)
LEAD = ("tim.quispe", PASSWORD)          # tim_lead
TECH = ("tim.flores", PASSWORD)          # tim_tech
TRIB_HEAD = ("trib.pena", PASSWORD)      # unit head of tributaria
EMPLOYEE = ("trib.nunez", PASSWORD)      # an employee of tributaria
AUDITOR = ("control.rojas", PASSWORD)    # auditor
ADMIN = ("admin.vargas", PASSWORD)       # admin
