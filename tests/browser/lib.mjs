// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// What the browser scenarios (scenarios.mjs) are written with: Debian's
// chromium driven by playwright-core, one browser context per person, the
// console's DOM contract (main#main[data-page][data-ready], data-action,
// data-error-code, ...), axe-core, keyboard checks and screenshots.
//
// Every check is recorded in a Report; run.mjs prints it as one JSON line.

import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
// axe-core is evaluated in the page through the DevTools protocol
// (page.evaluate): a script tag would be refused by the console's CSP
// (script-src 'self'), evaluate is not subject to it.
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const DEFAULT_TIMEOUT = 15000;

// ---------------------------------------------------------------- the report

export class Report {
  constructor(scenario) {
    this.scenario = scenario;
    this.checks = [];     // {name, ok, detail}
    this.a11y = [];       // {who, page, id, impact, help, nodes}
    this.errors = [];     // JS errors and CSP violations seen in pages
    this.screenshots = [];
    this.data = {};       // what the Python side checks afterwards (ids, logins)
    this.t0 = Date.now();
  }

  check(name, ok, detail) {
    this.checks.push({ name, ok: !!ok, detail: ok ? undefined : String(detail ?? '') });
    log(`${ok ? 'ok' : 'FAILED'}: ${name}${ok ? '' : ' -- ' + detail}`);
    return !!ok;
  }

  // A check whose failure stops the scenario (what follows depends on it).
  must(name, ok, detail) {
    if (!this.check(name, ok, detail)) {
      const e = new StepFailure(name, detail);
      e.recorded = true;
      throw e;
    }
  }

  get ok() {
    return this.checks.every((c) => c.ok) && this.a11y.length === 0 && this.errors.length === 0;
  }

  toJSON() {
    return {
      scenario: this.scenario, ok: this.ok, seconds: (Date.now() - this.t0) / 1000,
      checks: this.checks, a11y: this.a11y, errors: this.errors, screenshots: this.screenshots,
      data: this.data,
    };
  }
}

export class StepFailure extends Error {
  constructor(name, detail) {
    super(`${name}: ${detail}`);
    this.step = name;
    this.detail = detail;
    this.recorded = false;
  }
}

export function log(msg) {
  for (const line of String(msg).split('\n')) process.stderr.write(`# ${line}\n`);
}

// ---------------------------------------------------------------- the browser

export async function launchBrowser() {
  const args = ['--disable-dev-shm-usage', '--disable-gpu'];
  // chromium's sandbox does not start as root (containers, CI)
  if (typeof process.getuid === 'function' && process.getuid() === 0) args.push('--no-sandbox');
  return chromium.launch({
    executablePath: process.env.PVD_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args,
  });
}

// The route's page name as the console puts it in main[data-page]:
// "requests/12" -> "requests-id", "hr/hire" -> "hr-hire".
export function pageName(route) {
  const parts = route.replace(/^#?\/?/, '').split('?')[0].split('/').filter(Boolean);
  if (parts[0] === 'requests' && parts.length > 1) return 'requests-id';
  return parts.join('-') || 'inbox';
}

// One person at one browser context (own cookies): sign-in, pages,
// actions, checks. who is a label for reports and screenshot names.
export class Person {
  constructor(env, context, page, who) {
    this.env = env;
    this.context = context;
    this.page = page;
    this.who = who;
    this.report = env.report;
    this.seenPages = new Set();
  }

  static async open(env, who, options = {}) {
    const context = await env.browser.newContext({
      baseURL: options.base || env.base,
      locale: options.locale || 'es-BO',
      timezoneId: 'UTC',
      acceptDownloads: true,
      viewport: { width: 1280, height: 900 },
    });
    // CSP violations (an inline style or script the console would rely on)
    // are collected in the page; init scripts come through the DevTools
    // protocol and are not subject to the page's CSP.
    await context.addInitScript(() => {
      window.__pvdCsp = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__pvdCsp.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ` +
                             `${e.sourceFile || ''}:${e.lineNumber || ''}`);
      });
    });
    context.setDefaultTimeout(DEFAULT_TIMEOUT);
    const page = await context.newPage();
    const p = new Person(env, context, page, who);
    page.on('pageerror', (err) => {
      p.report.errors.push({ who, kind: 'pageerror', text: String(err && err.stack || err).slice(0, 800) });
      log(`page error (${who}): ${err}`);
    });
    // a console file that does not load (404 of a module, a stylesheet)
    const origin = new URL(options.base || env.base).origin;
    page.on('response', (r) => {
      const u = new URL(r.url());
      if (r.status() >= 400 && u.origin === origin && !u.pathname.startsWith('/v1/')) {
        p.report.errors.push({ who, kind: 'console file', text: `GET ${u.pathname} answered ${r.status()}` });
        log(`console file ${u.pathname}: ${r.status()} (${who})`);
      }
    });
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const text = msg.text();
      // the browser's own line for an HTTP error answer the console expects
      // and shows (401 on a wrong password, 403 on a forbidden page...)
      if (/^Failed to load resource: the server responded with a status of (4\d\d)/.test(text)) return;
      if (/Content Security Policy/i.test(text)) {
        p.report.errors.push({ who, kind: 'csp', text: text.slice(0, 800) });
      } else {
        p.report.errors.push({ who, kind: 'console.error', text: text.slice(0, 800) });
      }
      log(`console error (${who}): ${text}`);
    });
    return p;
  }

  async close() {
    await this.context.close().catch(() => {});
  }

  url(route) {
    const base = this.context._options && this.context._options.baseURL;
    return `${base || this.env.base}/#/${route.replace(/^#?\/?/, '')}`;
  }

  // -- waiting for the page contract

  // main#main[data-page=name][data-ready=true], or (allowError) a page-level
  // alert; returns {ready, errorCode}.
  // (the content of the page before, still there while the next one loads,
  // carries a marker: see visit)
  async waitPage(name, { allowError = false, timeout = DEFAULT_TIMEOUT } = {}) {
    const fresh = ':not(:has([data-pvd-stale]))';
    const ready = `main#main[data-page="${name}"][data-ready="true"]${fresh}`;
    const alert = `main#main[data-page="${name}"]${fresh} [role="alert"][data-error-code]`;
    try {
      await this.page.waitForSelector(ready, { timeout: allowError ? Math.min(timeout, 5000) : timeout });
    } catch (e) {
      // an error page that does not say it is ready: its alert is enough
      const st = allowError ? await this.page.$(alert) : null;
      if (!st) {
        const state = await this.describeMain();
        throw new StepFailure(`${this.who}: page ${name} ready`, `not within ${timeout} ms; ${state}`);
      }
      log(`${this.who}: ${name} shows an alert without data-ready=true`);
    }
    const code = await this.page.evaluate(() => {
      const a = document.querySelector('main#main [role="alert"][data-error-code]');
      return a && a.getClientRects().length ? a.getAttribute('data-error-code') : null;
    });
    return { ready: await this.page.$(ready) !== null, errorCode: code };
  }

  async describeMain() {
    return this.page.evaluate(() => {
      const m = document.querySelector('main#main');
      if (!m) return `no main#main; location ${location.hash}; body: ${(document.body && document.body.innerText || '').slice(0, 300)}`;
      const alerts = [...document.querySelectorAll('[role="alert"]')].map(
        (a) => `[${a.getAttribute('data-error-code')}] ${a.innerText.trim().slice(0, 200)}`).filter((s) => s.length > 3);
      return `location ${location.hash}; main data-page=${m.getAttribute('data-page')} data-ready=` +
        `${m.getAttribute('data-ready')}; alerts: ${alerts.join(' | ') || 'none'}; text: ` +
        `${m.innerText.replace(/\s+/g, ' ').trim().slice(0, 300)}`;
    }).catch((e) => `(page not readable: ${e.message})`);
  }

  // Goes to #/route (a full load when the hash is already there) and waits
  // for the page; then screenshot, axe and focus checks once per page name.
  async visit(route, opts = {}) {
    const name = opts.name || pageName(route);
    const target = this.url(route);
    await this.page.evaluate(() => {
      const m = document.getElementById('main');
      if (!m) return;
      const mark = document.createElement('span');
      mark.hidden = true;
      mark.setAttribute('data-pvd-stale', '');
      m.append(mark);
    }).catch(() => {});
    if (this.page.url() === target) {
      await this.page.reload();
    } else {
      await this.page.goto(target);
      if (opts.reload) await this.page.reload();
    }
    const st = await this.waitPage(name, opts);
    // a page refused to the role shows only the alert: screenshot and axe
    if (!opts.noAudit) await this.audit(name, opts.label, { light: st.errorCode === 'forbidden' });
    return st;
  }

  async reload(name, opts = {}) {
    await this.page.reload();
    return this.waitPage(name, opts);
  }

  // -- sign-in

  async signIn(login, password, { expectOk = true, keyboard = false } = {}) {
    await this.page.goto(this.url('signin'));
    await this.waitPage('signin');
    await this.audit('signin');
    const resp = this.page.waitForResponse(
      (r) => new URL(r.url()).pathname === '/v1/session' && r.request().method() === 'POST');
    if (keyboard) {
      await this.tabTo('input[name="login"]');
      await this.page.keyboard.type(login);
      await this.tabTo('input[name="password"]');
      await this.page.keyboard.type(password);
      await this.page.keyboard.press('Enter');
    } else {
      await this.page.fill('main#main input[name="login"]', login);
      await this.page.fill('main#main input[name="password"]', password);
      await this.page.click('main#main [data-action="signin"]');
    }
    const r = await resp;
    if (expectOk) {
      this.report.must(`${this.who} signs in as ${login}`, r.status() === 201,
        `POST /v1/session answered ${r.status()}: ${await r.text().catch(() => '')}`);
      this.shellChecked = false;    // the menu is new: the next page's focus walk covers the whole page
      const st = await this.waitPage('inbox');
      this.session = await r.json();
      return st;
    }
    return r;
  }

  async signOut() {
    const btn = this.page.locator('[data-action="signout"]').first();
    const resp = this.page.waitForResponse(
      (r) => new URL(r.url()).pathname === '/v1/session' && r.request().method() === 'DELETE');
    await btn.click();
    const r = await resp;
    this.report.check(`${this.who} signs out (DELETE /v1/session 204)`, r.status() === 204, `status ${r.status()}`);
    await this.waitPage('signin');
  }

  // -- the API, with this person's cookie (GET needs no CSRF token)

  async api(pathname) {
    return this.page.evaluate(async (p) => {
      const r = await fetch(p, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      let body = null;
      const text = await r.text();
      try { body = JSON.parse(text); } catch { body = text; }
      return { status: r.status, body };
    }, pathname);
  }

  async request(id) {
    const r = await this.api(`/v1/requests/${id}`);
    if (r.status !== 200) throw new StepFailure(`${this.who}: GET /v1/requests/${id}`, `status ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  }

  async waitState(id, states, timeout = 30000) {
    const want = Array.isArray(states) ? states : [states];
    const t0 = Date.now();
    let js;
    for (;;) {
      js = await this.request(id);
      if (want.includes(js.state)) return js;
      if (Date.now() - t0 > timeout) {
        throw new StepFailure(`request ${id} reaches ${want.join('/')}`,
          `still ${js.state} after ${timeout} ms; operations ${JSON.stringify(js.operations || [])}`);
      }
      await this.page.waitForTimeout(250);
    }
  }

  // -- forms

  // Fills the fields named by the API (name="contract_type", ...) in main.
  async fill(values, scope = 'main#main') {
    for (const [name, value] of Object.entries(values)) {
      const sel = `${scope} [name="${name}"]`;
      const el = this.page.locator(sel);
      const n = await el.count();
      if (n === 0) {
        const names = await this.page.$$eval(`${scope} [name]`, (els) => els.map((e) => e.getAttribute('name')));
        throw new StepFailure(`${this.who}: field ${name}`, `no [name="${name}"] on the page; fields: ${names.join(', ')}`);
      }
      const first = el.first();
      const info = await first.evaluate((e) => ({ tag: e.tagName.toLowerCase(), type: (e.type || '').toLowerCase() }));
      if (info.tag === 'select') {
        try {
          await first.selectOption(String(value));
        } catch (e) {
          const opts = await first.evaluate((s) => [...s.options].map((o) => o.value));
          throw new StepFailure(`${this.who}: select ${name}=${value}`, `options: ${opts.join(', ')}`);
        }
      } else if (info.type === 'checkbox') {
        if (n > 1) {
          const wanted = Array.isArray(value) ? value.map(String) : [String(value)];
          for (let i = 0; i < n; i++) {
            const box = el.nth(i);
            const v = await box.getAttribute('value');
            if (wanted.includes(v)) await box.check(); else await box.uncheck();
          }
        } else if (value) await first.check(); else await first.uncheck();
      } else if (info.type === 'radio') {
        await this.page.locator(`${scope} [name="${name}"][value="${value}"]`).check();
      } else {
        await first.fill(String(value));
      }
    }
  }

  // Clicks the submit button and returns the API answer to the first
  // non-GET request under /v1/ that follows.
  async submit(scope = 'main#main', match = null) {
    const resp = this.page.waitForResponse((r) => {
      const u = new URL(r.url());
      return r.request().method() !== 'GET' && u.pathname.startsWith('/v1/') && (!match || match.test(u.pathname));
    });
    await this.page.locator(`${scope} [data-action="submit"]`).first().click();
    const r = await resp;
    let body = null;
    try { body = await r.json(); } catch { body = null; }
    return { status: r.status(), body, path: new URL(r.url()).pathname };
  }

  // -- workflow actions

  // Clicks data-action=<action> in scope (an inbox row, the request page);
  // when a note box shows up (note_required, or optional), writes the note
  // and clicks confirm-action. Returns the API answer.
  async act(scope, action, note, { keyboard = false } = {}) {
    const page = this.page;
    const resp = page.waitForResponse((r) => r.request().method() === 'POST' &&
      /^\/v1\/requests\/\d+\/[a-z_]+$/.test(new URL(r.url()).pathname), { timeout: DEFAULT_TIMEOUT });
    resp.catch(() => {});
    const btnSel = `${scope} button[data-action="${action}"]`;
    const btn = page.locator(btnSel).first();
    if (await btn.count() === 0) {
      const offered = await page.$$eval(`${scope} [data-action]`, (els) => els.map((e) => e.getAttribute('data-action')));
      throw new StepFailure(`${this.who}: ${action}`, `no ${btnSel}; actions there: ${offered.join(', ') || 'none'}`);
    }
    if (keyboard) {
      await this.tabTo(btnSel);
      await page.keyboard.press('Enter');
    } else {
      await btn.click();
    }
    const noteBox = page.locator('textarea[name="note"]:visible').first();
    const first = await Promise.race([
      resp.then(() => 'sent', () => 'timeout'),
      noteBox.waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT }).then(() => 'note', () => 'timeout'),
    ]);
    if (first === 'note') {
      if (keyboard) {
        await this.tabTo('textarea[name="note"]');
        await page.keyboard.type(note || 'ok');
        await this.tabTo('[data-action="confirm-action"]');
        await page.keyboard.press('Enter');
      } else {
        await noteBox.fill(note || 'ok');
        await page.locator('[data-action="confirm-action"]:visible').first().click();
      }
    }
    let r;
    try {
      r = await resp;
    } catch (e) {
      throw new StepFailure(`${this.who}: ${action}`, `no POST /v1/requests/{id}/${action} within ${DEFAULT_TIMEOUT} ms; ${await this.describeMain()}`);
    }
    let body = null;
    try { body = await r.json(); } catch { body = null; }
    this.report.must(`${this.who}: ${action} answered 200`, r.status() === 200,
      `POST ${new URL(r.url()).pathname} answered ${r.status()}: ${JSON.stringify(body)}`);
    return body;
  }

  // The inbox row of request id (reloading the inbox until it shows up).
  async inboxRow(id, timeout = 30000) {
    const t0 = Date.now();
    const row = `main#main[data-page="inbox"] tr[data-request-id="${id}"]`;
    await this.visit('inbox');
    while (!(await this.page.$(row))) {
      if (Date.now() - t0 > timeout) {
        const ids = await this.page.$$eval('tr[data-request-id]', (els) => els.map((e) => e.getAttribute('data-request-id')));
        throw new StepFailure(`${this.who}: request ${id} in the inbox`, `not within ${timeout} ms; rows: ${ids.join(', ') || 'none'}`);
      }
      await this.page.waitForTimeout(300);
      await this.reload('inbox');
    }
    return row;
  }

  // -- keyboard

  // Presses Tab until the focused element matches sel (at most max times).
  async tabTo(sel, max = 80) {
    for (let i = 0; i < max; i++) {
      if (await this.page.evaluate((s) => !!document.activeElement && document.activeElement.matches(s), sel)) return i;
      await this.page.keyboard.press('Tab');
    }
    throw new StepFailure(`${this.who}: Tab reaches ${sel}`, `not after ${max} presses of Tab; focus on ` +
      await this.page.evaluate(() => {
        const el = document.activeElement;
        return el ? `${el.tagName.toLowerCase()} ${el.outerHTML.slice(0, 120)}` : 'nothing';
      }).catch(() => '?'));
  }

  // -- page audits: screenshot, axe-core, keyboard focus

  async audit(name, label, { light = false } = {}) {
    const key = `${name}${label ? '-' + label : ''}`;
    if (this.seenPages.has(key)) return;
    this.seenPages.add(key);
    const t0 = Date.now();
    await this.screenshot(key);
    const t1 = Date.now();
    // the pages refused to a role are one template (the menu and the alert):
    // axe checks the first of them
    if (this.env.axe && !(light && this.lightAxeDone)) await this.axe(key);
    if (light) this.lightAxeDone = true;
    const t2 = Date.now();
    if (this.env.focus && !light) await this.focusable(key);
    if (process.env.PVD_BROWSER_TIMING) log(`timing ${this.who}/${key}: screenshot ${t1 - t0} ms, axe ${t2 - t1} ms, focus ${Date.now() - t2} ms`);
    const csp = await this.page.evaluate(() => (window.__pvdCsp || []).splice(0)).catch(() => []);
    for (const c of csp) this.report.errors.push({ who: this.who, page: key, kind: 'csp', text: c });
  }

  async screenshot(key) {
    if (!this.env.artifacts) return;
    const dir = path.join(this.env.artifacts, this.report.scenario);
    mkdirSync(dir, { recursive: true });
    const n = String(++this.env.shots).padStart(2, '0');
    const file = path.join(dir, `${n}-${this.who}-${key}.png`.replace(/[^A-Za-z0-9._-]/g, '_'));
    await this.page.screenshot({ path: file, fullPage: true }).catch((e) => log(`screenshot ${file}: ${e.message}`));
    this.report.screenshots.push(path.relative(this.env.artifacts, file));
  }

  async axe(key) {
    await this.page.evaluate(AXE_SOURCE + '\n;void 0;').catch(() => {});
    const found = await this.page.evaluate(async () => {
      if (typeof window.axe === 'undefined') return { error: 'axe-core did not load in the page' };
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return {
        violations: r.violations.map((v) => ({
          id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')}: ${n.failureSummary ? n.failureSummary.replace(/\s+/g, ' ').slice(0, 160) : ''}`),
        })),
      };
    });
    if (found.error) {
      this.report.check(`axe-core runs on ${this.who}/${key}`, false, found.error);
      return;
    }
    for (const v of found.violations) {
      if (v.impact === 'serious' || v.impact === 'critical') {
        this.report.a11y.push({ who: this.who, page: key, ...v });
        log(`axe ${v.impact} on ${this.who}/${key}: ${v.id} (${v.help}) ${v.nodes.join(' ; ')}`);
      } else {
        log(`axe ${v.impact} (not counted) on ${this.who}/${key}: ${v.id}`);
      }
    }
  }

  // Every interactive element on the page can take the focus (focus() and
  // a tab index of 0 or more), and walking the page with Tab reaches each.
  // The whole document on a person's first page; after that the page's own
  // part, main (the header and the menu do not change from page to page).
  async focusable(key) {
    const page = this.page;
    const whole = !this.shellChecked;
    this.shellChecked = true;
    const candidates = await page.evaluate((wholeDoc) => {
      window.describe = (el) => {
        if (!el) return 'nothing';
        const a = ['name', 'data-action', 'href', 'id', 'data-download'].map((k) => el.getAttribute && el.getAttribute(k)
          ? `[${k}="${el.getAttribute(k)}"]` : '').join('');
        return `${el.tagName.toLowerCase()}${a} "${(el.innerText || el.value || '').trim().slice(0, 40)}"`;
      };
      const root = wholeDoc ? document : document.getElementById('main');
      const sel = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"]), [contenteditable="true"]';
      const els = [...root.querySelectorAll(sel)].filter((el) => !el.disabled && el.type !== 'hidden' &&
        el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden' && !el.closest('[inert]') &&
        !(el.tagName === 'SUMMARY' && el.parentElement && el.parentElement.tagName !== 'DETAILS'));
      const bad = [];
      window.__pvdInteractive = els;
      els.forEach((el, i) => {
        el.setAttribute('data-pvd-focus', String(i));
        el.focus({ preventScroll: true });
        if (document.activeElement !== el || el.tabIndex < 0) bad.push(window.describe(el));
      });
      // Tab from the start of the document, or from main itself (tabindex=-1)
      window.__pvdReached = new Set();
      if (!window.__pvdFocusin) {
        window.__pvdFocusin = true;
        document.addEventListener('focusin', (e) => {
          const i = e.target.getAttribute && e.target.getAttribute('data-pvd-focus');
          if (i !== null && window.__pvdReached) window.__pvdReached.add(Number(i));
        }, true);
      }
      const start = wholeDoc ? document.body : document.getElementById('main');
      const had = start.getAttribute('tabindex');
      if (had === null) start.setAttribute('tabindex', '-1');
      start.focus({ preventScroll: true });
      if (had === null) start.removeAttribute('tabindex');
      return { n: els.length, bad };
    }, whole);
    const where = whole ? 'the page' : 'main';
    this.report.check(`every interactive element of ${this.who}/${key} (${where}) takes the focus (${candidates.n})`,
      candidates.bad.length === 0, `not focusable: ${candidates.bad.slice(0, 8).join('; ')}`);
    // (scrollable regions and the like are tab stops too: up to 2n + 40
    // presses, at most 240; in main, until the focus leaves it. A long list,
    // the change log's 100 rows of links, is walked up to there: the rest
    // of it passed the focus() check above)
    const limit = Math.min(2 * candidates.n + 40, 240);
    for (let i = 0; i < limit && candidates.n > 0; i += 5) {
      for (let j = 0; j < 5; j++) await page.keyboard.press('Tab');
      const done = await page.evaluate(([n, wholeDoc]) => window.__pvdReached.size >= n ||
        (!wholeDoc && !document.getElementById('main').contains(document.activeElement)), [candidates.n, whole]);
      if (done) break;
    }
    const missed = await page.evaluate((wholeDoc) => {
      const els = window.__pvdInteractive || [];
      const radioNames = new Set();
      const missed = [];
      const all = window.__pvdReached.size >= els.length ||
        (!wholeDoc && !document.getElementById('main').contains(document.activeElement));
      const furthest = all ? els.length : Math.max(-1, ...window.__pvdReached);
      els.forEach((el, i) => {
        if (i > furthest) return;     // beyond where the walk stopped
        if (window.__pvdReached.has(i)) {
          if (el.type === 'radio') radioNames.add(el.name);
          return;
        }
        if (el.type === 'radio') return;  // a radio group is one tab stop: checked below
        missed.push(window.describe(el));
      });
      els.forEach((el) => {
        if (el.type === 'radio' && !radioNames.has(el.name)) { radioNames.add(el.name); missed.push(window.describe(el)); }
      });
      els.forEach((el) => el.removeAttribute('data-pvd-focus'));
      window.__pvdReached = null;
      return missed;
    }, whole);
    this.report.check(`Tab reaches every interactive element of ${this.who}/${key} (${where})`, missed.length === 0,
      `not reached by Tab: ${missed.slice(0, 8).join('; ')}`);
  }

  // The text of a page-level alert and its code, if one shows.
  async alert() {
    return this.page.evaluate(() => {
      const a = [...document.querySelectorAll('[role="alert"][data-error-code]')].find((x) => x.getClientRects().length);
      return a ? { code: a.getAttribute('data-error-code'), text: a.innerText.trim() } : null;
    });
  }
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}
