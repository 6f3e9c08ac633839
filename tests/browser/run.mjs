#!/usr/bin/env node
// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Runs browser scenarios of the provisiond console against a running daemon.
//
//   node run.mjs --base http://127.0.0.1:PORT --artifacts DIR \
//        --scenario NAME [--params JSON | --params-file FILE] [--no-axe] [--no-focus]
//
// NAME is one of the exports of scenarios.mjs (hire, returned, exit, access,
// callcode, auditor, refusals, keyboard, tour, technician). Progress goes to
// stderr as "# ..." lines; the result is the last line on stdout:
//   RESULT {"scenario", "ok", "seconds", "checks":[{name, ok, detail}],
//           "a11y":[serious/critical axe violations], "errors":[JS errors, CSP
//           violations], "screenshots":[...], "data":{...}}
// Exit status 0 when ok, 1 when a check failed, 2 on a usage error.
//
// The browser is Debian's /usr/bin/chromium (PVD_CHROMIUM to change it),
// never one downloaded by playwright.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Person, Report, StepFailure, launchBrowser, log } from './lib.mjs';
import * as scenarios from './scenarios.mjs';

function usage(msg) {
  process.stderr.write(`run.mjs: ${msg}\n`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    options: {
      base: { type: 'string' },
      artifacts: { type: 'string' },
      scenario: { type: 'string' },
      params: { type: 'string' },
      'params-file': { type: 'string' },
      'no-axe': { type: 'boolean', default: false },
      'no-focus': { type: 'boolean', default: false },
    },
  }).values;
} catch (e) {
  usage(e.message);
}
if (!args.base) usage('--base URL is required');
if (!args.scenario || typeof scenarios[args.scenario] !== 'function' || args.scenario === 'ROUTES') {
  usage(`--scenario is one of: ${Object.keys(scenarios).filter((k) => typeof scenarios[k] === 'function').join(', ')}`);
}
let params = {};
try {
  if (args['params-file']) params = JSON.parse(readFileSync(args['params-file'], 'utf8'));
  else if (args.params) params = JSON.parse(args.params);
} catch (e) {
  usage(`bad params: ${e.message}`);
}

const report = new Report(args.scenario);
const env = {
  base: args.base.replace(/\/$/, ''),
  artifacts: args.artifacts || null,
  axe: !args['no-axe'],
  focus: !args['no-focus'],
  report,
  shots: 0,
  browser: null,
  people: [],
  async person(who, options) {
    const p = await Person.open(env, who, options);
    env.people.push(p);
    return p;
  },
};

let status = 0;
try {
  env.browser = await launchBrowser();
  log(`chromium ${env.browser.version()}; scenario ${args.scenario} against ${env.base}`);
  await scenarios[args.scenario](env, params);
} catch (e) {
  if (e instanceof StepFailure && !e.recorded) report.check(e.step, false, e.detail);
  else if (!e.recorded) report.check(`scenario ${args.scenario} ran to its end`, false, e.stack || String(e));
  // what each open page showed when it stopped
  for (const p of env.people) {
    try {
      log(`${p.who} was at ${p.page.url()}: ${await p.describeMain()}`);
      await p.screenshot('at-failure');
    } catch { /* closed */ }
  }
} finally {
  if (env.browser) await env.browser.close().catch(() => {});
}
if (!report.ok) status = 1;
process.stdout.write('RESULT ' + JSON.stringify(report) + '\n');
process.exit(status);
