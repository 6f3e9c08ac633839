#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""A hire (PR05) and an exit (PR06), step by step, against a running provisiond.

    docs/walkthrough/hire-exit.py [--url URL] [--employee-number N] [--markdown FILE]

Each step is what one person of the procedures does, with the curl command
they would type: the script runs that very command (bash, curl), checks the
answer (HTTP status, the request's state, what the plugins did) and stops
with an error naming the step when the answer is not what the text says.
With --markdown it writes docs/walkthrough-hire-exit.md: the prose, the
commands and the answers, cut to the fields that matter and with what
changes from run to run (request and operation ids, times, the login, the
uidNumber, the extension, tokens) written as placeholders.

It expects the stack of `contrib/dev/devstack start`: the example
organisation (contrib/stack/example-org.ldif, password dev-password), the
ldap-account, ldap-group, access-level, mail-ldap and pbx plugins as devstack
configures them, and the desktop backup (PR04) as a manual task of exits
(TASK_LINES below, the lines devstack adds).
tests/integration/test_walkthrough.py runs it on such a stack and fails when
the markdown differs from the committed document.

Python 3 standard library only; needs bash and curl. Exit status 0 when every
step did what its text says, 1 when one did not, 2 on a usage error.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

PASSWORD = "dev-password"
NEW_PASSWORD = "Un-secreto-largo-1"
DEFAULT_NUMBER = "E07001"
GENERATE = "docs/walkthrough/hire-exit.py --markdown docs/walkthrough-hire-exit.md"

# The manual task the exit waits for, as contrib/dev/devstack configures it.
TASK_LINES = [
    "task.backup.title = Respaldo del equipo de escritorio en srv-bareos (PR04)",
    "task.backup.role = tim_tech",
    "task.backup.on = exit",
    "task.backup.checklist = copiar el perfil; verificar el respaldo; registrar la ubicación",
]

# The plugin instances devstack configures, in the order their operations run.
HIRE_OPERATIONS = ["acct", "grp", "lvl", "mail", "pbx"]

TIME_RE = re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)")


class StepFailed(Exception):
    pass


class Walk:
    """Runs the steps and collects the markdown."""

    def __init__(self, url, number, timeout):
        self.url = url.rstrip("/")
        self.number = number
        self.timeout = timeout
        self.md = []
        self.n = 0
        self.title = None
        # shell variables the commands use, set from earlier answers
        self.vars = {"PVD": self.url}
        # what differs from run to run: request and task ids, numbers under
        # a key, and text
        self.request_ids = {}
        self.task_ids = {}
        self.ints = {}
        self.strings = []
        self.curl = shutil.which("curl")
        if self.curl is None:
            raise StepFailed("curl is not installed (apt-get install curl)")

    # -- text

    def heading(self, text):
        self.md += ["", "## " + text, ""]

    def para(self, text):
        self.md += [text, ""]

    def remember(self, name, value, kind=None, text=None):
        """A shell variable for the commands below, and its placeholder: a
        request's or a task's id (kind), or text anywhere."""
        self.vars[name] = str(value)
        if kind == "request":
            self.request_ids[value] = "$" + name
            self.placeholder_str("request %d" % value, "request $" + name)
        elif kind == "task":
            self.task_ids[value] = "$" + name
        else:
            self.placeholder_str(value, text or "$" + name)

    def placeholder_int(self, value, text, *keys):
        for k in keys:
            self.ints[(k, value)] = text

    def placeholder_str(self, value, text):
        """value, wherever it is not part of a longer number or name, as text."""
        if value:
            self.strings.append((re.compile(r"(?<![\w.-])%s(?![\w-])" % re.escape(str(value))), text))

    # -- running

    def run(self, cmd):
        """Runs cmd (as shown) in bash; curl answers its status after the body."""
        script = ("curl() { command curl -sS -w '\\n%%{http_code}' \"$@\"; }\n%s\n" % cmd)
        env = dict(os.environ)
        env.update(self.vars)
        try:
            p = subprocess.run(["bash", "-c", script], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=60)
        except subprocess.TimeoutExpired:
            raise StepFailed("the command did not finish in 60 s:\n%s" % cmd)
        out = p.stdout.decode("utf-8", "replace")
        if os.environ.get("PVD_WALK_DEBUG"):
            sys.stderr.write("$ %s\n%s\n\n" % (cmd, out))
        if p.returncode != 0 or "\n" not in out:
            raise StepFailed("the command failed (exit %d): %s\n%s" % (
                p.returncode, p.stderr.decode("utf-8", "replace").strip(), cmd))
        body, status = out.rsplit("\n", 1)
        return int(status), body

    def step(self, title, prose, cmd, status, check=None, show=None, wait=None, text=False, then=None,
             kind="request", tidy=None):
        """One step: prose, the command, the answer. status: the HTTP status
        wanted; wait: a predicate on the answer to poll for (GET only);
        check: returns a complaint (str) or None; then: called with the
        answer once checked (to remember ids); show: the answer cut down;
        kind: what the answer's "id" is (request, task or None); tidy: turns
        a text answer into what is shown."""
        self.n += 1
        self.title = "%d. %s" % (self.n, title)
        deadline = time.time() + self.timeout
        while True:
            st, body = self.run(cmd)
            js = None
            if not text:
                try:
                    js = json.loads(body) if body.strip() else None
                except ValueError:
                    raise StepFailed("the answer is not JSON (%d): %.300s" % (st, body))
            if wait is None or (st == status and wait(js)):
                break
            if time.time() > deadline:
                raise StepFailed("after %d s still not so (%d): %s" % (self.timeout, st, brief_dump(js)))
            time.sleep(0.2)
        if st != status:
            raise StepFailed("answered %d, the text says %d: %.600s" % (st, status, body))
        what = check(js if not text else body) if check else None
        if what:
            raise StepFailed("%s; the answer: %s" % (what, brief_dump(js) if not text else body[:600]))
        if then:
            then(js if not text else body)
        shown = self.normalize_text(tidy(body) if tidy else body) if text else dump(self.normalize(show(js) if show else js, kind))
        self.md += ["### " + self.title, "", prose, "", "```sh", cmd, "```", "",
                    "Answer (%d %s)%s:" % (st, REASONS.get(st, ""), " once the plugins are done" if wait else ""),
                    "", "```" + ("" if text else "json"), shown.rstrip("\n"), "```", ""]
        return js if not text else body

    def normalize(self, obj, kind=None):
        """The answer with what changes from run to run as placeholders;
        kind: what an "id" here is (request, task or None)."""
        if isinstance(obj, dict):
            out = {}
            for k, v in obj.items():
                ph = None
                if isinstance(v, int) and not isinstance(v, bool):
                    if k == "id":
                        ph = {"request": self.request_ids, "task": self.task_ids}.get(kind, {}).get(v)
                    elif k == "request_id":
                        ph = self.request_ids.get(v)
                    else:
                        ph = self.ints.get((k, v))
                out[k] = Raw(ph) if ph else self.normalize(v, "task" if k in ("tasks", "items") else None)
            return out
        if isinstance(obj, list):
            return [self.normalize(v, kind) for v in obj]
        if isinstance(obj, str):
            return self.normalize_text(obj)
        return obj

    def normalize_text(self, s):
        for pattern, ph in self.strings:
            s = pattern.sub(ph.replace("\\", "\\\\"), s)
        return TIME_RE.sub("<time>", s)


class Raw(str):
    """A placeholder written without quotes where the answer has a number."""


def dump(obj):
    """JSON, with Raw strings unquoted."""
    marks = {}

    def mark(o):
        if isinstance(o, Raw):
            key = "\u0001%d\u0001" % len(marks)
            marks[key] = str(o)
            return key
        if isinstance(o, dict):
            return {k: mark(v) for k, v in o.items()}
        if isinstance(o, list):
            return [mark(v) for v in o]
        return o
    s = json.dumps(mark(obj), ensure_ascii=False, indent=2)
    for key, text in marks.items():
        s = s.replace(json.dumps(key), text)
    return s


REASONS = {200: "OK", 201: "Created", 401: "Unauthorized", 403: "Forbidden", 409: "Conflict"}


def brief_dump(js):
    return json.dumps(js, ensure_ascii=False)[:1500]


# -- what an answer shows

def person_brief(p, *more):
    keys = ("uid", "status") + more
    return {k: p.get(k) for k in keys} if p else None


def last_step(js):
    s = (js.get("steps") or [{}])[-1]
    return {k: s.get(k) for k in ("action", "actor", "actor_role", "note", "to_state")}


def request_brief(js, *more, person=(), steps=True):
    out = {"id": js.get("id"), "state": js.get("state"), "step": js.get("step")}
    for k in more:
        out[k] = js.get(k)
    out["person"] = person_brief(js.get("person"), *person)
    if steps:
        out["last_step"] = last_step(js)
    out["your_actions"] = js.get("your_actions")
    return out


def operations(js):
    return ["%s %s: %s, %s" % (o.get("instance"), o.get("intent") or o.get("action") or "", o.get("state"),
                               o.get("outcome")) for o in ops_in_order(js)]


def ops_in_order(js):
    return sorted(js.get("operations") or [], key=lambda o: (o.get("round") or 0, o.get("id") or 0))


def all_done(js):
    ops = js.get("operations") or []
    return bool(ops) and all(o.get("state") == "done" for o in ops)


def want_state(state, **more):
    def check(js):
        if js.get("state") != state:
            return "the request is in state %r, the text says %r" % (js.get("state"), state)
        for k, v in more.items():
            if k == "person_status":
                got = (js.get("person") or {}).get("status")
                if got != v:
                    return "the person's status is %r, the text says %r" % (got, v)
            elif js.get(k) != v:
                return "%s is %r, the text says %r" % (k, js.get(k), v)
        return None
    return check


def both(*checks):
    def check(js):
        for c in checks:
            what = c(js)
            if what:
                return what
        return None
    return check


def ops_check(instances, outcome_ok=("ok", "noop")):
    def check(js):
        got = [o.get("instance") for o in ops_in_order(js)]
        if sorted(got) != sorted(instances):
            return "operations for %s, the text says %s" % (got, instances)
        bad = [o for o in js["operations"] if o.get("state") != "done" or o.get("outcome") not in outcome_ok]
        if bad:
            return "not every plugin did it: %s" % operations(js)
        return None
    return check


def plugin_order(report):
    """The report's table of operations with its rows in the plugins' order
    (the service lists them as they finished, which differs between runs)."""
    lines = report.split("\n")
    rows = [i for i, line in enumerate(lines) if re.match(r"^\| [^|]+ \| (%s) \|" % "|".join(HIRE_OPERATIONS), line)]
    if rows and rows == list(range(rows[0], rows[-1] + 1)):
        order = sorted((lines[i] for i in rows), key=lambda l: HIRE_OPERATIONS.index(l.split(" | ")[1]))
        lines[rows[0]:rows[-1] + 1] = order
    return "\n".join(lines)


def plan_check(js):
    """Each instance would do its part; the mailbox waits for the account
    (the dry run writes nothing, so the account is not there yet)."""
    got = {p.get("instance"): p.get("status") for p in js.get("plan") or []}
    want = {i: "ok" for i in HIRE_OPERATIONS}
    want["mail"] = "notfound"
    if [p.get("instance") for p in js.get("plan") or []] != HIRE_OPERATIONS or got != want:
        return "the plan says %s, the text says %s" % (got, want)
    return None


def body_cmd(who, method, path, body, pw=PASSWORD):
    """curl with a JSON body in a here-document (no quoting to worry about)."""
    lines = json.dumps(body, ensure_ascii=False, indent=2)
    m = "" if method == "POST" else " -X " + method
    return ("curl -s%s%s -H 'Content-Type: application/json' $PVD%s -d @- <<EOF\n%s\nEOF"
            % (auth_opt(who, pw), m, path, lines))


def plain_cmd(who, method, path, pw=PASSWORD):
    m = "" if method == "GET" else " -X " + method
    url = '"$PVD%s"' % path if "?" in path else "$PVD" + path
    return "curl -s%s%s %s" % (auth_opt(who, pw), m, url)


def auth_opt(who, pw):
    if who is None:
        return ""
    return ' -u "%s:%s"' % (who, pw) if who.startswith("$") else " -u %s:%s" % (who, pw)


# -- the story

def story(w):
    num = w.number

    # refuse a person already known: the story is a first hire
    st, body = w.run(plain_cmd("aaf.ramos", "GET", "/v1/people/" + num))
    if st != 404:
        raise StepFailed("HR number %s is already known here (%d): an earlier run? Choose another with "
                         "--employee-number" % (num, st))

    w.heading("The hire (alta, PR05)")
    hire = {"employee_number": num, "national_id": "CI-" + num[1:], "given_names": "José Luis",
            "family_names": "Núñez O'Brien", "unit": "tributaria", "position": "analista-tributario",
            "contract_type": "staff", "start_date": "2026-12-01"}
    js = w.step(
        "HR files the hire (PR05 step 1)",
        "Ana Ramos of HR (AAF, `aaf.ramos`) sends the new staff member's data. The service makes the "
        "login, the uidNumber and the mail address at once; the request waits for the head of TIM. "
        "Note the `id` of the answer: the commands below call it `$HIRE`, and the login `$LOGIN`.",
        body_cmd("aaf.ramos", "POST", "/v1/hires", dict(hire)),
        201, check=want_state("submitted", type="hire"),
        then=lambda js: (w.remember("HIRE", js["id"], "request"), w.remember("LOGIN", js["person"]["uid"]),
                         w.placeholder_int(js["person"].get("uid_number"), "<uid-number>", "uid_number")),
        show=lambda js: request_brief(js, "type", person=("uid_number", "mail"), steps=False))

    w.step(
        "HR cannot approve it",
        "Who may take each step is the procedure's: approving a hire is the head of TIM's.",
        plain_cmd("aaf.ramos", "POST", "/v1/requests/$HIRE/approve"),
        403, check=lambda js: None if (js.get("error") or {}).get("code") == "forbidden" else "not forbidden")

    js = w.step(
        "The head of TIM returns it (PR05 step 2)",
        "Tomás Mendoza, head of TIM (`tim.mendoza`), checks the data. The contract is a consultancy, "
        "not a staff post, so he returns the request to HR with a note (a return needs one).",
        body_cmd("tim.mendoza", "POST", "/v1/requests/$HIRE/return",
                 {"note": "es un contrato de consultoría: indicar el tipo y la fecha de fin"}),
        200, check=want_state("returned"), show=lambda js: request_brief(js))

    hire.update(contract_type="consultant", end_date="2027-11-30")
    js = w.step(
        "HR corrects and resubmits (PR05 step 1 again)",
        "HR sends the whole data again: a consultant, with the end of the contract.",
        body_cmd("aaf.ramos", "POST", "/v1/requests/$HIRE/resubmit", {"data": hire}),
        200, check=want_state("submitted"), show=lambda js: request_brief(js))

    js = w.step(
        "The head of TIM looks at what the plugins would do",
        "Before approving, the head of TIM asks for the plan: every plugin instance says, without "
        "writing anything, what it would change (a dry run). The mailbox answers `notfound`: it is "
        "added to the account, which the dry run does not make.",
        plain_cmd("tim.mendoza", "GET", "/v1/requests/$HIRE/plan"),
        200, check=plan_check,
        then=lambda js: w.placeholder_str("extension %s" % [p.get("object") for p in js["plan"]
                                                              if p.get("instance") == "pbx"][0],
                                          "extension <extension>"),
        show=lambda js: {"plan": ["%s: %s: %s" % (p.get("instance"), p.get("status"), p.get("message"))
                                  for p in js.get("plan") or []]})

    js = w.step(
        "The head of TIM approves (PR05 step 2)",
        "He approves. With plugins configured the provisioning steps (PR05 steps 4-5) are queued "
        "for the plugins (`provisioning_mode` is `queued`): nobody confirms them by hand.",
        plain_cmd("tim.mendoza", "POST", "/v1/requests/$HIRE/approve"),
        200, check=both(want_state("provisioning", provisioning_mode="queued")),
        show=lambda js: request_brief(js, "provisioning_mode"))

    js = w.step(
        "The plugins provision (PR05 steps 4-5)",
        "The plugins create the directory account (`acct`, ldap-account), the unit's and everyone's "
        "groups (`grp`, ldap-group), the access levels (`lvl`, access-level), the mailbox (`mail`, "
        "mail-ldap) and the IP-phone extension (`pbx`). Anyone of TIM can watch the request; once every "
        "operation is done it moves on by itself to verification and the person is active. Repeat the "
        "command until it says `verification`.",
        plain_cmd("tim.flores", "GET", "/v1/requests/$HIRE"),
        200, wait=lambda js: js.get("state") != "provisioning",
        check=both(want_state("verification", person_status="active"), ops_check(HIRE_OPERATIONS)),
        then=lambda js: w.placeholder_str((js.get("person") or {}).get("extension"), "<extension>"),
        show=lambda js: dict(request_brief(js, person=("mail", "extension")), operations=operations(js)))


    js = w.step(
        "The technician issues a set-password token",
        "Nobody but the person chooses their password. Luis Flores, TIM technician (`tim.flores`), "
        "issues a one-time token, printed and handed over in a sealed letter (the issue is mailed to "
        "the person and to the head of TIM). The commands below call it `$TOKEN`.",
        plain_cmd("tim.flores", "POST", "/v1/people/%s/password-token" % num),
        201, check=lambda js: None if js.get("token") else "no token in the answer",
        then=lambda js: w.remember("TOKEN", js["token"], text="<token>"),
        show=lambda js: {k: js.get(k) for k in ("employee_number", "uid", "token", "expires_at") if k in js})

    w.step(
        "The person sets their password",
        "The new staff member sets a password of their own with the token (no sign-in needed; the "
        "token works once).",
        body_cmd(None, "POST", "/v1/password", {"token": "$TOKEN", "new_password": NEW_PASSWORD}),
        200, show=lambda js: js)

    js = w.step(
        "The person verifies their access (access security step 6)",
        "Signed in with their new login, the person confirms that the account, mail and phone work. "
        "A technician (`tim.flores`) may confirm here instead when the person cannot. With plugins "
        "there is no manual provisioning step: a technician's `confirm` after the approval lands "
        "here, on the verification, not on provisioning.",
        body_cmd("$LOGIN", "POST", "/v1/requests/$HIRE/confirm", {"note": "todo funciona"}, pw=NEW_PASSWORD),
        200, check=want_state("report_review"), show=lambda js: request_brief(js))

    w.step(
        "The TIM lead reads the technical report (PR05 steps 6-7)",
        "Carla Quispe, TIM lead (`tim.quispe`), reads the technical report: what every plugin changed "
        "(the state before and after is in the change log) and every step. The plugins' rows are "
        "shown here in the plugins' order; the service lists them in the order they finished.",
        plain_cmd("tim.quispe", "GET", "/v1/requests/$HIRE/report?format=markdown"),
        200, text=True, kind=None, tidy=plugin_order,
        check=lambda s: None if all(("| %s |" % i) in s or (" %s " % i) in s for i in HIRE_OPERATIONS)
        else "the report does not name every plugin instance")

    js = w.step(
        "The TIM lead approves the report",
        "She approves it; the request waits for the head of TIM's conclusion.",
        plain_cmd("tim.quispe", "POST", "/v1/requests/$HIRE/approve"),
        200, check=want_state("concluding"), show=lambda js: request_brief(js))

    js = w.step(
        "The head of TIM concludes (PR05 step 8)",
        "The head of TIM registers the position in the document system and writes the conclusion "
        "note, which goes to HR.",
        body_cmd("tim.mendoza", "POST", "/v1/requests/$HIRE/approve",
                 {"note": "Alta concluida. Cargo registrado en el sistema de documentos."}),
        200, check=want_state("concluded"), show=lambda js: request_brief(js, "conclusion"))

    js = w.step(
        "HR closes the flow (PR05 step 9)",
        "HR receives the conclusion note and closes the request.",
        plain_cmd("aaf.ramos", "POST", "/v1/requests/$HIRE/confirm"),
        200, check=want_state("closed", open=False),
        show=lambda js: dict(request_brief(js, "conclusion", "closed_at", steps=False),
                             steps=["%s %s (%s) -> %s" % (s.get("action"), s.get("actor"), s.get("actor_role"),
                                                          s.get("to_state")) for s in js.get("steps") or []]))

    w.heading("The exit (baja, PR06)")
    js = w.step(
        "HR reports the exit (PR06 step 1)",
        "The person resigns. HR reports the exit, effective now (`date -Iseconds`: an RFC 3339 "
        "time with its offset; a later time waits, scheduled, until then). The commands below call "
        "the request `$EXIT`.",
        body_cmd("aaf.ramos", "POST", "/v1/exits",
                 {"employee_number": num, "effective_at": "$(date -Iseconds)", "reason": "renuncia"}),
        201, check=want_state("submitted", type="exit"),
        then=lambda js: w.remember("EXIT", js["id"], "request"),
        show=lambda js: request_brief(js, "type", "effective_at", steps=False))

    js = w.step(
        "The head of TIM approves (PR06 step 2)",
        "The head of TIM approves. The exit is due, so it goes straight to disabling (PR06 steps "
        "4-5): the plugins disable, and the desktop backup (PR04) opens as a manual task for the "
        "technicians.",
        plain_cmd("tim.mendoza", "POST", "/v1/requests/$EXIT/approve"),
        200, check=want_state("disabling"), show=lambda js: request_brief(js, "provisioning_mode"))

    def tasks(js):
        return [{k: t.get(k) for k in ("id", "name", "title", "role", "state", "checklist")}
                for t in js.get("tasks") or []]

    js = w.step(
        "The plugins disable; the backup waits (PR06 steps 4-5)",
        "Every account is disabled, never deleted: the directory entry stays, locked; the groups "
        "and access levels are taken away and recorded; the mailbox and the extension are disabled. "
        "The request stays in `disabling` until the backup task is done too (the person's status "
        "turns `disabled` when the step ends). Repeat the command until every operation is `done`.",
        plain_cmd("tim.flores", "GET", "/v1/requests/$EXIT"),
        200, wait=all_done,
        check=both(want_state("disabling"), ops_check(HIRE_OPERATIONS),
                   lambda js: None if [t["name"] for t in tasks(js)] == ["backup"] and tasks(js)[0]["state"] == "open"
                   else "no open backup task: the stack lacks devstack's task.backup lines (TASK_LINES)"),
        then=lambda js: w.remember("TASK", tasks(js)[0]["id"], "task"),
        show=lambda js: dict(request_brief(js, steps=False), operations=operations(js), tasks=tasks(js)))
    task = tasks(js)[0]

    js = w.step(
        "The departed person can no longer sign in",
        "Their password still exists but the account is locked: the directory refuses it, and so "
        "does the service.",
        plain_cmd("$LOGIN", "GET", "/v1/whoami", pw=NEW_PASSWORD),
        401, show=lambda js: js)

    js = w.step(
        "The technician lists their open tasks",
        "Luis Flores sees what waits for a technician.",
        plain_cmd("tim.flores", "GET", "/v1/tasks?role=tim_tech"),
        200, check=lambda js: None if any(t.get("id") == task["id"] for t in js.get("items") or [])
        else "the backup task is not in the technician's list",
        show=lambda js: {"items": [{k: t.get(k) for k in ("id", "request_id", "name", "title", "state")}
                                   for t in js.get("items") or [] if t.get("id") == task["id"]]})

    js = w.step(
        "The technician makes the backup and marks it done (PR04)",
        "He copies the profile to srv-bareos, checks the copy and says where it is. The last task "
        "done moves the exit on to the report.",
        body_cmd("tim.flores", "POST", "/v1/tasks/$TASK/done", {"note": "respaldo en srv-bareos:/bk/2026"}),
        200, kind="task", check=lambda js: None if js.get("state") == "done" else "the task is not done",
        show=lambda js: js)

    js = w.step(
        "The exit waits for the report (PR06 step 6)",
        "The person is disabled; the request is with the TIM lead.",
        plain_cmd("tim.flores", "GET", "/v1/requests/$EXIT"),
        200, check=want_state("report_review", person_status="disabled"),
        show=lambda js: dict(request_brief(js), tasks=[{k: t.get(k) for k in ("name", "state", "done_by", "note")}
                                                       for t in js.get("tasks") or []]))

    w.step(
        "The person is disabled, not deleted",
        "HR still finds the person, with the same login and mail, now `disabled`: a rehire brings "
        "the same identifiers back.",
        plain_cmd("aaf.ramos", "GET", "/v1/people/" + num),
        200, kind=None, check=lambda js: None if (js.get("status") == "disabled" and js.get("uid") == w.vars["LOGIN"])
        else "the person is not disabled with the same login",
        show=lambda js: {k: js.get(k) for k in ("employee_number", "uid", "mail", "status")})

    js = w.step(
        "The TIM lead approves the report (PR06 step 6)",
        "She reads the exit's report as she did the hire's (`GET /v1/requests/$EXIT/report`: every "
        "account disabled, every membership removed) and approves it.",
        plain_cmd("tim.quispe", "POST", "/v1/requests/$EXIT/approve"),
        200, check=want_state("concluding"), show=lambda js: request_brief(js))

    js = w.step(
        "The head of TIM concludes (PR06 step 7)",
        "The head of TIM inactivates the person in the document system and writes the conclusion note.",
        body_cmd("tim.mendoza", "POST", "/v1/requests/$EXIT/approve",
                 {"note": "Baja concluida; personal inactivado en el sistema de documentos."}),
        200, check=want_state("concluded"), show=lambda js: request_brief(js, "conclusion"))

    js = w.step(
        "HR closes the flow (PR06 step 8)",
        "HR receives the conclusion note and closes the exit.",
        plain_cmd("aaf.ramos", "POST", "/v1/requests/$EXIT/confirm"),
        200, check=want_state("closed", open=False),
        show=lambda js: dict(request_brief(js, "conclusion", steps=False),
                             steps=["%s %s (%s) -> %s" % (s.get("action"), s.get("actor"), s.get("actor_role"),
                                                          s.get("to_state")) for s in js.get("steps") or []]))

    w.heading("Refusals")
    w.step(
        "A closed request takes no more steps",
        "The answer says why and what would be possible.",
        plain_cmd("tim.mendoza", "POST", "/v1/requests/$EXIT/approve"),
        409, check=lambda js: None if (js.get("error") or {}).get("code") == "conflict" else "not a conflict")


def header(w):
    return [
        "# A hire and an exit, step by step",
        "",
        "<!-- Generated by `%s` against a running stack;"
        " tests/integration/test_walkthrough.py fails when this file differs. Do not edit by hand:"
        " change the script and run it again. -->" % GENERATE,
        "",
        "A new staff member is hired (alta, PR05) and later leaves (baja, PR06), told as the people of "
        "the procedures do it, each step with the command they would type and the service's answer "
        "on a fresh stack (on one used before, a few messages differ: groups that exist are no "
        "longer a `(new group)`). "
        "The answers are cut to the fields that matter here; what differs from one run to another is "
        "written as a placeholder: `$HIRE`, `$EXIT` and `$TASK` (ids), `$LOGIN` (the login made for "
        "the person), `<token>`, `<uid-number>`, `<extension>`, `<time>`.",
        "",
        "## Following it",
        "",
        "Start the development stack (the example organisation, password `dev-password`, and the "
        "ldap-account, ldap-group, access-level, mail-ldap and pbx plugins):",
        "",
        "```sh",
        "contrib/dev/devstack start",
        "PVD=http://127.0.0.1:8080",
        "```",
        "",
        "devstack also configures the desktop backup (PR04) that an exit waits for, as a manual "
        "task of the technicians (`task.backup.*` in `.devstack/provisiond.conf`).",
        "",
        "Then type the commands below in one shell, setting `HIRE`, `LOGIN`, `TOKEN`, `EXIT` and "
        "`TASK` from the answers as the text says. Or let the script do all of it, checking every "
        "answer on the way (it stops at the first step that does not do what the text says):",
        "",
        "```sh",
        "docs/walkthrough/hire-exit.py --url $PVD --employee-number E07002",
        "```",
        "",
        "(`--employee-number`: the story is a first hire, so each run needs an HR number the stack "
        "does not know yet; this text was made with %s.)" % DEFAULT_NUMBER,
    ]


def main(argv):
    ap = argparse.ArgumentParser(description="A hire and an exit, step by step, against a running provisiond.")
    ap.add_argument("--url", default=os.environ.get("PVD", "http://127.0.0.1:8080"),
                    help="the service's base URL (default $PVD, else http://127.0.0.1:8080)")
    ap.add_argument("--employee-number", default=DEFAULT_NUMBER,
                    help="the HR number of the new person (default %s); it must be new to the stack" % DEFAULT_NUMBER)
    ap.add_argument("--markdown", metavar="FILE", help="write the walkthrough as markdown to FILE")
    ap.add_argument("--timeout", type=float, default=60, help="seconds to wait for the plugins (default 60)")
    a = ap.parse_args(argv)
    if not re.match(r"^[A-Za-z0-9]{2,32}$", a.employee_number):
        ap.error("--employee-number: letters and digits only")
    w = None
    try:
        w = Walk(a.url, a.employee_number, a.timeout)
        story(w)
    except StepFailed as e:
        where = ("step %s" % w.title) if w and w.title else "before the first step"
        sys.stderr.write("hire-exit.py: %s: %s\n" % (where, e))
        return 1
    text = "\n".join(header(w) + w.md).rstrip("\n") + "\n"
    text = re.sub(r"\n{3,}", "\n\n", text)
    if a.markdown:
        with open(a.markdown + ".tmp", "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(a.markdown + ".tmp", a.markdown)
    print("hire-exit.py: %d steps, each did what its text says" % w.n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
