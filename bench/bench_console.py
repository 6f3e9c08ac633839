#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The web console's targets, measured in Debian's headless chromium.

    python3 bench/bench_console.py [--runs 3] [--clicks 20]

Starts a private PostgreSQL + slapd and a provisiond serving console/, files
hires through the API, then runs bench/console-bench.mjs (playwright-core
from tests/browser, installed by tests/integration/test_console.py's npm
step into the build folder) --runs times and prints per run, then the spread:
  - first load: bytes transferred to the sign-in page, and on to the inbox
    (target: <= 200 KB);
  - each page of the head of TIM: milliseconds from its last API answer to
    the page rendered (target: <= 300 ms);
  - "approve" clicked on a request's page to the page showing the next
    state, p50/p95 (target p95 <= 150 ms), beside the same API call made
    with fetch() from the page: the baseline, and their ratio.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
from harness import Daemon, Stack, HR, HEAD, ok, REPO  # noqa: E402
from test_console import npm_setup, BROWSER_DIR, CHROMIUM  # noqa: E402
from test_hardening import hire_body, family  # noqa: E402

# the inbox last: the browser is on it after signing in (a visit must change the page)
PAGES = [("#/requests", "requests"), ("#/dashboard", "dashboard"), ("#/tech/queue", "tech-queue"),
         ("#/audit/changelog", "audit-changelog"), ("#/inbox", "inbox")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--clicks", type=int, default=20)
    ap.add_argument("--visits", type=int, default=5)
    a = ap.parse_args()
    npm_setup()
    results = []
    with Stack() as stack:
        with Daemon(stack, overrides={"console_dir": os.path.join(REPO, "console"), "log_level": "warning",
                                      "queue_workers": "0"}, name="bench-console") as d:
            seq = [0]

            def hires(n):
                ids = []
                for _ in range(n):
                    seq[0] += 1
                    body = hire_body("B%05d" % seq[0], family=family(seq[0]))
                    ids.append(ok(d.request("POST", "/v1/hires", body=body, basic=HR), 201)["id"])
                return ids
            hires(30)           # something in the lists

            def open_requests():
                return int(stack.psql("SELECT count(*) FROM requests WHERE closed_at IS NULL").strip())
            for run in range(a.runs):
                params = {"chromium": CHROMIUM, "login": HEAD[0], "password": HEAD[1], "pages": PAGES,
                          "visits": a.visits, "click_ids": hires(a.clicks), "baseline_ids": hires(a.clicks)}
                p = subprocess.run(["node", os.path.join(HERE, "console-bench.mjs"), "--base", d.base_url,
                                    "--modules", os.path.join(BROWSER_DIR, "node_modules"),
                                    "--params", json.dumps(params)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
                line = [ln for ln in p.stdout.decode().splitlines() if ln.startswith("RESULT ")]
                if p.returncode != 0 or not line:
                    raise SystemExit("console-bench.mjs failed (%d):\n%s" % (p.returncode, p.stderr.decode()[-3000:]))
                r = json.loads(line[0][7:])
                results.append(r)
                print("run %d: first load %.1f KB (%d files) to sign-in, %.1f KB (%d files) to the inbox, of which "
                      "%.1f KB the console's files and %.1f KB API answers (%d open requests)" % (
                          run + 1, r["first_load_signin_bytes"] / 1024, r["first_load_signin_files"],
                          r["first_load_to_inbox_bytes"] / 1024, r["first_load_to_inbox_files"],
                          (r["first_load_to_inbox_bytes"] - r["first_load_to_inbox_api_bytes"]) / 1024,
                          r["first_load_to_inbox_api_bytes"] / 1024, open_requests()))
                for name, s in r["pages"].items():
                    print("  %-16s data to rendered p50 %5.1f ms max %5.1f ms (navigation to rendered p50 %5.1f ms,"
                          " %d API calls)" % (name, s["render_ms"]["p50"], s["render_ms"]["max"],
                                             s["total_ms"]["p50"], s["api_calls"]))
                c, b = r["click_to_update_ms"], r["api_approve_ms"]
                print("  approve click to updated page p50 %.0f ms p95 %.0f ms; the API call alone p50 %.1f ms "
                      "p95 %.1f ms; ratio p95 %.1f" % (c["p50"], c["p95"], b["p50"], b["p95"], c["p95"] / b["p95"]))
    def spread(f):
        xs = [f(r) for r in results]
        return "%.1f-%.1f" % (min(xs), max(xs))
    print("over %d runs: first load to the inbox %s KB (target <= 200); worst page data-to-rendered max %s ms "
          "(target <= 300); click-to-update p95 %s ms (target <= 150); API p95 %s ms" % (
              len(results), spread(lambda r: r["first_load_to_inbox_bytes"] / 1024),
              spread(lambda r: max(s["render_ms"]["max"] for s in r["pages"].values())),
              spread(lambda r: r["click_to_update_ms"]["p95"]), spread(lambda r: r["api_approve_ms"]["p95"])))


if __name__ == "__main__":
    main()
