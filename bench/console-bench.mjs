// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// console-bench.mjs - the console's figures in headless chromium (run by
// bench_console.py, which starts the stack and files the requests):
//   1. first load: bytes transferred (headers + bodies) from a cold browser
//      to the sign-in page, and on to the inbox after signing in;
//   2. interactive: per page, the time from its last API answer to the page
//      rendered (main[data-ready=true]), several visits each;
//   3. click to updated page: "approve" on a request's page until the page
//      shows the next state, against the baseline of the same API call made
//      with fetch() from the same page (the floor any console could reach).
// Prints one JSON line: RESULT {...}.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const args = Object.fromEntries(process.argv.slice(2).reduce((a, v, i, all) =>
  (v.startsWith('--') ? [...a, [v.slice(2), all[i + 1]]] : a), []));
const { chromium } = await import(pathToFileURL(path.join(args.modules, 'playwright-core', 'index.mjs')));
const params = JSON.parse(args.params);
const base = args.base;

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : null;
};
const stats = (xs) => ({ n: xs.length, p50: pct(xs, 50), p95: pct(xs, 95), max: Math.max(...xs) });

const launch = ['--disable-dev-shm-usage', '--disable-gpu'];
if (process.getuid && process.getuid() === 0) launch.push('--no-sandbox');
const browser = await chromium.launch({ executablePath: params.chromium, args: launch });
const out = {};
try {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
  page.on('console', (m) => { if (m.type() === 'error') process.stderr.write(`console: ${m.text()}\n`); });
  let bytes = 0, apiBytes = 0;
  const seen = [];
  page.on('requestfinished', async (r) => {
    const s = await r.sizes();
    const path = r.url().replace(base, '');
    bytes += s.responseBodySize + s.responseHeadersSize;
    if (path.startsWith('/v1/')) apiBytes += s.responseBodySize + s.responseHeadersSize;
    seen.push(path);
  });
  const ready = (name) => page.waitForSelector(`main#main[data-ready="true"][data-page="${name}"]`, { timeout: 15000, state: 'attached' });

  await page.goto(base + '/#/signin');
  await ready('signin');
  await page.waitForLoadState('networkidle');
  out.first_load_signin_bytes = bytes;
  out.first_load_signin_files = seen.length;
  await page.fill('[name=login]', params.login);
  await page.fill('[name=password]', params.password);
  await page.click('[data-action=signin]');
  await ready('inbox');
  await page.waitForLoadState('networkidle');
  out.first_load_to_inbox_bytes = bytes;
  out.first_load_to_inbox_files = seen.length;
  out.first_load_to_inbox_api_bytes = apiBytes;

  // 2. interactive after the data arrived, in the page's own clock
  const visit = (route, name) => page.evaluate(async ([route, name]) => {
    const main = document.getElementById('main');
    const t0 = performance.now();
    const done = new Promise((resolve, reject) => {
      setTimeout(() => reject(new Error(`${route}: not rendered within 10 s`)), 10000);
      const o = new MutationObserver(() => {
        if (main.dataset.ready === 'true' && main.dataset.page === name) { o.disconnect(); resolve(performance.now()); }
      });
      o.observe(main, { attributes: true, attributeFilter: ['data-ready', 'data-page'] });
    });
    location.hash = route;
    const readyAt = await done;
    const api = performance.getEntriesByType('resource')
      .filter((e) => e.startTime >= t0 && e.name.includes('/v1/'));
    const dataAt = api.length ? Math.max(...api.map((e) => e.responseEnd)) : t0;
    return { render_ms: readyAt - dataAt, total_ms: readyAt - t0, calls: api.length };
  }, [route, name]);
  // consecutive visits are to different pages, so each is a real change
  const runs = Object.fromEntries(params.pages.map(([, name]) => [name, []]));
  for (let i = 0; i < params.visits; i++)
    for (const [route, name] of params.pages) runs[name].push(await visit(route, name));
  out.pages = {};
  for (const [name, rs] of Object.entries(runs))
    out.pages[name] = { render_ms: stats(rs.map((r) => r.render_ms)), total_ms: stats(rs.map((r) => r.total_ms)),
      api_calls: rs[0].calls };

  // 3. click "approve" to the updated page, and the bare API call
  const clicks = [];
  for (const id of params.click_ids) {
    await page.evaluate((id) => { location.hash = `#/requests/${id}`; }, id);
    await page.waitForSelector(`main#main[data-ready="true"][data-page="requests-id"] [data-action="approve"]`,
      { timeout: 15000 });
    // timed in the page, from the click event to the updated page, so the
    // driver's own work (actionability checks, polling) is not counted
    const done = page.evaluate(() => new Promise((resolve, reject) => {
      const main = document.getElementById('main');
      let t0 = null;
      document.addEventListener('click', () => { t0 = performance.now(); }, { capture: true, once: true });
      const o = new MutationObserver(() => {
        if (t0 !== null && main.dataset.ready === 'true' && !main.querySelector('[data-action="approve"]')) {
          o.disconnect();
          resolve(performance.now() - t0);
        }
      });
      o.observe(main, { attributes: true, childList: true, subtree: true });
      setTimeout(() => reject(new Error('the page did not update within 15 s')), 15000);
    }));
    await page.click('[data-action="approve"]');
    clicks.push(await done);
  }
  out.click_to_update_ms = stats(clicks);
  const csrf = await page.evaluate(async () => (await (await fetch('/v1/session')).json()).csrf_token);
  const bare = [];
  for (const id of params.baseline_ids) {
    bare.push(await page.evaluate(async ([id, csrf]) => {
      const t0 = performance.now();
      const r = await fetch(`/v1/requests/${id}/approve`, { method: 'POST', headers: { 'X-CSRF-Token': csrf } });
      await r.text();
      if (r.status !== 200) throw new Error(`approve ${id}: ${r.status}`);
      return performance.now() - t0;
    }, [id, csrf]));
  }
  out.api_approve_ms = stats(bare);
} finally {
  await browser.close();
}
process.stdout.write('RESULT ' + JSON.stringify(out) + '\n');
