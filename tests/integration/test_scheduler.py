#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Scheduled exits run at their effective time: on time, once with two
daemons, at the new time when moved, never when cancelled, and right after
a restart (with the delay recorded) when they came due while no daemon ran.

Run: python3 tests/integration/test_scheduler.py
"""
import datetime
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import letters, ok, act, file_hire, take_steps, expect, main, wait_until  # noqa: E402
from harness import HR, HEAD, LEAD, TECH  # noqa: E402

_seq = [0]
# a manual hire's steps from submitted to closed: (action, who, note)
HIRE_TO_CLOSED = (("approve", HEAD, None), ("confirm", TECH, "done"), ("confirm", TECH, "ok"),
                  ("approve", LEAD, None), ("approve", HEAD, "fin"), ("confirm", HR, None))



def at(seconds):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ"), t.replace(microsecond=0)




def active_person(d):
    _seq[0] += 1
    num = "S%05d" % _seq[0]
    rid = file_hire(d, num, "Sched", "Person" + letters(_seq[0]))["id"]
    take_steps(d, rid, HIRE_TO_CLOSED)
    return num


def scheduled_exit(d, num, seconds):
    when, dt = at(seconds)
    js = ok(d.request("POST", "/v1/exits", basic=HR, body={"employee_number": num, "effective_at": when,
                                                          "reason": "fin de contrato"}), 201)
    js = ok(act(d, js["id"], "approve", HEAD))
    expect(js["state"] == "scheduled", "future exit scheduled: %r", js["state"])
    return js["id"], dt


def state(d, rid):
    return ok(d.request("GET", "/v1/requests/%d" % rid, basic=HEAD))


def start_step(js):
    s = [x for x in js["steps"] if x["action"] == "start"]
    return s


def parse(ts):
    return datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)


def test_exit_runs_at_its_time(t):
    d = t.daemon
    num = active_person(d)
    rid, due = scheduled_exit(d, num, 4)
    time.sleep(1.5)
    expect(state(d, rid)["state"] == "scheduled", "not before its time")
    wait_until(lambda: state(d, rid)["state"] == "disabling", 10, interval=0.2, what="the exit to start")
    js = state(d, rid)
    s = start_step(js)
    expect(len(s) == 1 and s[0]["actor"] == "system" and "at its effective time" in s[0]["note"],
           "one start by the scheduler: %r", s)
    lag = (parse(s[0]["at"]) - due).total_seconds()
    expect(0 <= lag <= 2.5, "started %.1f s after its effective time", lag)
    expect_err = act(d, rid, "start", HEAD)
    expect(expect_err[0] == 409, "nobody can start it by hand: %s", expect_err[0])


def test_moved_and_cancelled_exits(t):
    d = t.daemon
    a = active_person(d)
    b = active_person(d)
    c = active_person(d)
    ra, _ = scheduled_exit(d, a, 60)
    rb, _ = scheduled_exit(d, b, 3)
    rc, _ = scheduled_exit(d, c, 3)
    when, due_a = at(3)
    ok(act(d, ra, "reschedule", HR, effective_at=when))            # moved earlier
    ok(act(d, rb, "reschedule", HR, effective_at=at(120)[0]))      # moved later
    ok(act(d, rc, "cancel", HR))
    wait_until(lambda: state(d, ra)["state"] == "disabling", 10, interval=0.2, what="the moved exit to start")
    lag = (parse(start_step(state(d, ra))[0]["at"]) - due_a).total_seconds()
    expect(0 <= lag <= 2.5, "the moved exit ran at its new time (lag %.1f s)", lag)
    time.sleep(1.5)
    expect(state(d, rb)["state"] == "scheduled", "an exit moved later waits")
    expect(state(d, rc)["state"] == "cancelled" and not start_step(state(d, rc)), "a cancelled exit never runs")


def test_two_daemons_run_each_exit_once(t):
    nums = [active_person(t.daemon) for _ in range(12)]
    with t.new_daemon(overrides={"scheduler_interval_ms": "200"}) as d2, \
            t.new_daemon(overrides={"scheduler_interval_ms": "200"}) as d3:
        ids = [scheduled_exit(d2, n, 3)[0] for n in nums]
        wait_until(lambda: all(state(d3, r)["state"] == "disabling" for r in ids), 20, interval=0.3,
                   what="12 exits to start")
        counts = t.stack.psql("SELECT count(*) FROM request_steps WHERE action = 'start' AND request_id = "
                              "ANY('{%s}'::bigint[]) GROUP BY request_id" % ",".join(map(str, ids))).split()
        expect(counts == ["1"] * 12, "each exit started once, by one of three daemons: %r", counts)
        starts = t.stack.psql("SELECT count(*) FROM changelog WHERE action = 'exit.start' AND request_id = "
                              "ANY('{%s}'::bigint[])" % ",".join(map(str, ids))).strip()
        expect(starts == "12", "one change-log entry each: %s", starts)


def test_exit_due_during_an_outage_runs_after_restart(t):
    d = t.daemon
    num = active_person(d)
    rid, due = scheduled_exit(d, num, 2)
    d.stop()
    try:
        time.sleep(4)
    finally:
        d.start()
    wait_until(lambda: state(d, rid)["state"] == "disabling", 10, interval=0.2,
               what="the overdue exit to start after the restart")
    s = start_step(state(d, rid))
    expect(len(s) == 1 and "after its effective time" in s[0]["note"] and "not running" in s[0]["note"],
           "the delay is recorded: %r", s)


def consultant(d, end_date):
    _seq[0] += 1
    num = "C%05d" % _seq[0]
    rid = file_hire(d, num, "Consul", "Tora" + letters(_seq[0]), contract_type="consultant",
                    start_date="2025-01-01", end_date=end_date)["id"]
    take_steps(d, rid, HIRE_TO_CLOSED)
    return num


def day(offset):
    return (datetime.date.today() + datetime.timedelta(days=offset)).isoformat()


def test_consultant_past_end_date_is_disabled(t):
    d = t.daemon
    with t.new_daemon(overrides={"scheduler_interval_ms": "300"}) as d2:
        num = consultant(d, day(-2))

        def exits():
            return ok(d.request("GET", "/v1/requests?type=exit&employee_number=%s" % num, basic=HEAD))["items"]
        wait_until(lambda: exits(), 10, interval=0.2, what="the automatic exit")
        time.sleep(1.5)   # both daemons have looked again by now
        items = exits()
        expect(len(items) == 1, "exactly one exit, with two schedulers: %r", items)
        js = state(d2, items[0]["id"])
        expect(js["submitted_by"] == "system" and js["state"] == "disabling"
               and [(s["action"], s["actor"]) for s in js["steps"]] == [("submit", "system"), ("approve", "system")]
               and "without an extension" in js["steps"][0]["note"], "opened and approved by the service: %r", js)
        expect(js["effective_at"] == day(-1) + "T00:00:00Z", "effective the day after the end date: %r",
               js["effective_at"])


def test_hr_is_warned_and_can_extend(t):
    d = t.daemon
    soon = consultant(d, day(3))
    later = consultant(d, day(40))
    js = ok(d.request("GET", "/v1/contracts/ending?days=5", basic=HR))
    mine = [i for i in js["items"] if i["employee_number"] in (soon, later)]
    expect([(i["employee_number"], i["days_left"]) for i in mine] == [(soon, 3)], "warned ahead: %r", mine)
    expect_err = d.request("POST", "/v1/people/%s/contract" % soon, body={"end_date": day(-1)}, basic=HR)
    expect(expect_err[0] == 400 and expect_err[3]["error"]["field"] == "end_date", "a past end date is refused")
    st = d.request("POST", "/v1/people/%s/contract" % soon, body={"end_date": day(60)}, basic=TECH)[0]
    expect(st == 403, "only HR extends: %s", st)
    js = ok(d.request("POST", "/v1/people/%s/contract" % soon, body={"end_date": day(60)}, basic=HR))
    expect(js["end_date"] == day(60), "extended %r", js)
    js = ok(d.request("GET", "/v1/contracts/ending?days=5", basic=HR))
    expect(all(i["employee_number"] != soon for i in js["items"]), "no longer warned after the extension")
    rows = t.stack.psql("SELECT action, before->>'end_date', after->>'end_date' FROM changelog "
                        "WHERE employee_number = '%s' AND action = 'person.extend'" % soon).strip()
    expect(rows == "person.extend|%s|%s" % (day(3), day(60)), "extension logged: %r", rows)
    expect(d.request("GET", "/v1/contracts/ending?days=lots", basic=HR)[0] == 400, "bad days")
    st, _, _, js = d.request("POST", "/v1/people/%s/contract" % soon, body={"end_date": day(90), "why": "x"}, basic=HR)
    expect(st == 400 and js["error"]["field"] == "why", "unknown fields are refused, not dropped: %s %r", st, js)


if __name__ == "__main__":
    main(globals())
