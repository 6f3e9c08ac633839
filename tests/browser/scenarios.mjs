// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// The browser scenarios of issue 14 ("Tests, in a real browser"). Each is
// async (env, params): env has the browser, the console's address, the
// report and person(who) to open one signed-out browser context; params
// come from tests/integration/test_console.py (people, employee numbers,
// request ids prepared through the API, addresses of helper servers).
//
// Each person works in a context of their own (their own cookie), signs in
// through the sign-in form, and acts through the console's DOM contract.

import { readFileSync } from 'node:fs';
import { StepFailure, log, pageName, sleep } from './lib.mjs';

const REQUEST_PAGE = 'main#main[data-page="requests-id"]';
const row = (id) => `main#main tr[data-request-id="${id}"]`;

// Every route of the DOM contract (the request page is added with an id).
export const ROUTES = [
  'inbox', 'requests', 'hr/hire', 'hr/exit', 'hr/transfer', 'hr/returned', 'hr/contracts',
  'unit/access', 'unit/callcode', 'unit/people', 'me', 'password', 'tech/queue', 'tech/tasks',
  'tech/reconcile', 'audit/changelog', 'audit/history', 'audit/holders', 'dashboard',
  'admin/tokens', 'admin/health',
];

async function signedIn(env, who, login, password) {
  const p = await env.person(who);
  await p.signIn(login, password);
  return p;
}

async function text(p, sel = 'main#main') {
  return (await p.page.locator(sel).first().innerText()).replace(/\s+/g, ' ');
}

// ---------------------------------------------------------------- a whole hire

export async function hire(env, prm) {
  const R = env.report;
  const P = prm.people;
  const num = prm.employee_number;
  const hr = await signedIn(env, 'hr', ...P.hr);
  await hr.visit('hr/hire');
  const base = {
    employee_number: num, national_id: 'CI-' + num, given_names: prm.given_names,
    family_names: prm.family_names, unit: 'tributaria', position: 'analista-tributario',
    start_date: '2026-12-01',
  };
  // first a consultant without an end date: the API names the field
  await hr.fill({ ...base, contract_type: 'consultant' });
  const pending = hr.submit('main#main', /^\/v1\/hires$/);
  pending.catch(() => {});
  const bad = await Promise.race([pending, sleep(4000).then(() => null)]);
  if (bad) {
    R.check('a consultant without end_date is refused by the API (400 naming end_date)',
      bad.status === 400 && bad.body && bad.body.error && bad.body.error.field === 'end_date',
      `POST /v1/hires answered ${bad.status} ${JSON.stringify(bad.body)}`);
    const fe = await hr.page.evaluate(() => {
      const s = document.querySelector('[data-error-for="end_date"]');
      const f = document.querySelector('main#main [name="end_date"]');
      return { span: s ? s.innerText.trim() : null, visible: !!(s && s.getClientRects().length),
               invalid: f ? f.getAttribute('aria-invalid') : 'no field' };
    });
    R.check('the field error shows at end_date (span[data-error-for=end_date], aria-invalid=true)',
      fe.span && fe.visible && fe.invalid === 'true', JSON.stringify(fe));
    await hr.screenshot('hr-hire-field-error');
  } else {
    const inv = await hr.page.evaluate(() => {
      const f = document.querySelector('main#main [name="end_date"]');
      return f ? { aria: f.getAttribute('aria-invalid'), valid: f.validity.valid } : null;
    });
    R.check('a consultant without end_date is stopped at end_date before sending', inv && (inv.aria === 'true' || !inv.valid),
      `no POST and end_date not marked invalid: ${JSON.stringify(inv)}`);
  }
  await hr.fill({ contract_type: 'staff' });
  const filed = await hr.submit('main#main', /^\/v1\/hires$/);
  R.must('HR files the hire in the form (201)', filed.status === 201, `${filed.status} ${JSON.stringify(filed.body)}`);
  const id = filed.body.id;
  R.data.request_id = id;
  R.data.uid = filed.body.person && filed.body.person.uid;
  log(`hire request ${id}, login ${R.data.uid}`);

  // the head of TIM approves in the inbox
  const head = await signedIn(env, 'tim_head', ...P.head);
  const r1 = await head.inboxRow(id);
  R.check('the inbox row links to the request page', await head.page.$(`${r1} a[href="#/requests/${id}"]`) !== null,
    `no a[href="#/requests/${id}"] in the row`);
  const a1 = await head.act(r1, 'approve');
  R.check('approved: provisioning', ['provisioning', 'verification'].includes(a1.state), `state ${a1.state}`);

  // the plugins provision it (ldap-account, ldap-group on the real slapd)
  const tech = await signedIn(env, 'tim_tech', ...P.tech);
  const v = await tech.waitState(id, 'verification', 30000);
  const outcomes = (v.operations || []).map((o) => `${o.instance}:${o.outcome || o.status}`);
  R.check('the plugins provisioned it (every operation ok)', outcomes.length > 0 && (v.operations || []).every(
    (o) => ['ok', 'noop'].includes(o.outcome || o.status)), outcomes.join(', '));
  await tech.visit(`requests/${id}`);
  const pageText = await text(tech);
  R.check('the request page shows the plugin operations (acct, grp)', pageText.includes('acct') && pageText.includes('grp'),
    pageText.slice(0, 300));
  const r2 = await tech.inboxRow(id);
  const a2 = await tech.act(r2, 'confirm', 'Cuenta y grupos verificados en el directorio.');
  R.check('the technician confirmed: report review', a2.state === 'report_review', `state ${a2.state}`);

  // the TIM lead reads the report on the request page and approves it
  const lead = await signedIn(env, 'tim_lead', ...P.lead);
  await lead.visit(`requests/${id}`, { label: 'report' });
  const rt = await text(lead);
  R.check('the report is on the request page (login and HR number)', rt.includes(num) && rt.includes(R.data.uid),
    rt.slice(0, 300));
  const a3 = await lead.act(REQUEST_PAGE, 'approve');
  R.check('report approved: concluding', a3.state === 'concluding', `state ${a3.state}`);

  // the head of TIM writes the conclusion note
  const note = `Alta de ${prm.given_names} concluida; cargo registrado.`;
  const r3 = await head.inboxRow(id);
  const a4 = await head.act(r3, 'approve', note);
  R.check('concluded with the note', a4.state === 'concluded', `state ${a4.state}`);

  // HR sees it concluded, with the note, and closes it
  const r4 = await hr.inboxRow(id);
  await hr.page.click(`${r4} a[href="#/requests/${id}"]`);
  await hr.waitPage('requests-id');
  await hr.audit('requests-id', 'concluded');
  const ht = await text(hr);
  R.check('HR reads the conclusion note on the request page', ht.includes(note), ht.slice(0, 400));
  const a5 = await hr.act(REQUEST_PAGE, 'confirm');
  R.check('HR closes it', a5.state === 'closed', `state ${a5.state}`);
  const fin = await hr.request(id);
  R.check('closed with the conclusion', fin.state === 'closed' && fin.conclusion === note,
    `${fin.state} ${fin.conclusion}`);
  await hr.signOut();
}

// ---------------------------------------------------------------- returned, corrected, resubmitted

export async function returned(env, prm) {
  const R = env.report;
  const P = prm.people;
  const num = prm.employee_number;
  const hr = await signedIn(env, 'hr', ...P.hr);
  await hr.visit('hr/hire');
  await hr.fill({
    employee_number: num, national_id: 'CI-' + num, given_names: prm.wrong_given_names,
    family_names: prm.family_names, unit: 'tributaria', position: 'analista-tributario',
    contract_type: 'staff', start_date: '2026-12-01',
  });
  const filed = await hr.submit('main#main', /^\/v1\/hires$/);
  R.must('HR files the hire (201)', filed.status === 201, `${filed.status} ${JSON.stringify(filed.body)}`);
  const id = filed.body.id;
  R.data.request_id = id;

  const head = await signedIn(env, 'tim_head', ...P.head);
  const a1 = await head.act(await head.inboxRow(id), 'return', 'El nombre está mal escrito.');
  R.check('returned', a1.state === 'returned', `state ${a1.state}`);

  // HR finds it among the returned requests and corrects it
  await hr.visit('hr/returned');
  R.must('the request is listed in #/hr/returned', await hr.page.$(row(id)) !== null,
    `no ${row(id)}; ${await hr.describeMain()}`);
  await hr.page.click(`${row(id)} a[href="#/requests/${id}"]`);
  await hr.waitPage('requests-id');
  await hr.audit('requests-id', 'returned');
  R.check('the note of the return shows', (await text(hr)).includes('El nombre está mal escrito.'), 'note not on the page');
  const resp = hr.page.waitForResponse((r) => r.request().method() === 'POST' &&
    new URL(r.url()).pathname === `/v1/requests/${id}/resubmit`);
  // the correction form is shown on the request page, or after the resubmit button
  const field = `${REQUEST_PAGE} [name="given_names"]`;
  if (!(await hr.page.locator(field).first().isVisible().catch(() => false))) {
    await hr.page.click(`${REQUEST_PAGE} button[data-action="resubmit"]`);
  }
  await hr.page.locator(field).first().waitFor({ state: 'visible' });
  const before = await hr.page.locator(field).first().inputValue();
  R.check('the correction form holds the request\'s data', before === prm.wrong_given_names, `given_names=${before}`);
  await hr.fill({ given_names: prm.given_names }, REQUEST_PAGE);
  // the form's own button: confirm-action (the action form) or submit, else resubmit itself
  let send = null;
  for (const sel of [`${REQUEST_PAGE} form:has([name="given_names"]) [data-action="confirm-action"]`,
    `${REQUEST_PAGE} form:has([name="given_names"]) [data-action="submit"]`,
    `${REQUEST_PAGE} button[data-action="resubmit"]`]) {
    if (await hr.page.locator(sel).count()) { send = hr.page.locator(sel).first(); break; }
  }
  await send.click();
  const r = await resp;
  const js = await r.json().catch(() => null);
  R.must('resubmitted (200)', r.status() === 200, `${r.status()} ${JSON.stringify(js)}`);
  R.check('back to submitted', js.state === 'submitted', `state ${js.state}`);
  const again = await head.request(id);
  R.check('the correction is in the request', again.payload && again.payload.given_names === prm.given_names,
    JSON.stringify(again.payload));
  await head.inboxRow(id);
  R.check('the head of TIM has it in the inbox again', true);
}

// ---------------------------------------------------------------- an exit, scheduled, seen starting

function rfc3339(d) {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export async function exit(env, prm) {
  const R = env.report;
  const P = prm.people;
  const hr = await signedIn(env, 'hr', ...P.hr);
  await hr.visit('hr/exit');
  const when = new Date(Date.now() + prm.seconds_ahead * 1000);
  when.setMilliseconds(0);
  const field = hr.page.locator('main#main [name="effective_at"]').first();
  const type = await field.evaluate((e) => e.type);
  // the browser context runs in UTC: a datetime-local value is UTC
  const value = type === 'datetime-local' ? rfc3339(when).slice(0, 19) : rfc3339(when);
  await hr.fill({ employee_number: prm.employee_number, reason: 'fin de contrato' });
  // "now" or "scheduled" (a radio group), when the form has one
  if (await hr.page.locator('main#main input[type="radio"][name="when"]').count()) await hr.fill({ when: 'scheduled' });
  await field.fill(value);
  const filed = await hr.submit('main#main', /^\/v1\/exits$/);
  R.must('HR files the exit with a time a few seconds ahead (201)', filed.status === 201,
    `${filed.status} ${JSON.stringify(filed.body)} (effective_at field type ${type}, value ${value})`);
  const id = filed.body.id;
  R.data.request_id = id;
  R.check('the effective time is the one typed', filed.body.effective_at === rfc3339(when),
    `${filed.body.effective_at} != ${rfc3339(when)}`);

  const head = await signedIn(env, 'tim_head', ...P.head);
  const a1 = await head.act(await head.inboxRow(id), 'approve');
  R.must('approved: scheduled', a1.state === 'scheduled', `state ${a1.state} (due ${filed.body.effective_at})`);
  await hr.visit(`requests/${id}`, { label: 'scheduled' });
  R.check('HR may still reschedule or cancel it', await hr.page.$(`${REQUEST_PAGE} button[data-action="reschedule"]`) !== null &&
    await hr.page.$(`${REQUEST_PAGE} button[data-action="cancel"]`) !== null, 'no reschedule/cancel button');
  const started = await hr.waitState(id, ['disabling', 'report_review', 'concluding'], (prm.seconds_ahead + 20) * 1000);
  const start = (started.steps || []).find((s) => s.action === 'start');
  R.check('the scheduler started it at its time', start && start.actor === 'system', JSON.stringify(start));
  await hr.reload('requests-id');
  await hr.audit('requests-id', 'started');
  const t = await text(hr);
  R.check('the request page shows the start by the system', /system|sistema/i.test(t), t.slice(0, 300));
  R.check('reschedule is no longer offered', await hr.page.$(`${REQUEST_PAGE} button[data-action="reschedule"]`) === null,
    'still a reschedule button after the start');
}

// ---------------------------------------------------------------- access: unit head files, the person verifies

export async function access(env, prm) {
  const R = env.report;
  const P = prm.people;
  // the person sets their password with the one-time token (public page)
  const me = await env.person('employee-new');
  await me.page.goto(me.url(`password?token=${encodeURIComponent(prm.token)}`));
  await me.waitPage('password');
  await me.audit('password');
  const tok = me.page.locator('main#main [name="token"]');
  if (await tok.count() && (await tok.first().inputValue()) !== prm.token) await tok.first().fill(prm.token);
  await me.fill({ new_password: prm.password });
  const confirm = me.page.locator('main#main [name="confirm_password"], main#main [name="new_password_confirm"], main#main [name="password_confirm"]');
  if (await confirm.count()) await confirm.first().fill(prm.password);
  const set = await me.submit('main#main', /^\/v1\/password$/);
  R.must('the person sets their password with the token', [200, 204].includes(set.status),
    `${set.status} ${JSON.stringify(set.body)}`);

  const unit = await signedIn(env, 'unit_head', ...P.trib_head);
  await unit.visit('unit/access');
  await unit.fill({ employee_number: prm.employee_number, justification: 'atenderá reclamos de contribuyentes' });
  await pickLevel(unit, prm.system, prm.level);
  const filed = await unit.submit('main#main', /^\/v1\/access-requests$/);
  R.must('the unit head files the access request (201)', filed.status === 201, `${filed.status} ${JSON.stringify(filed.body)}`);
  const id = filed.body.id;
  R.data.request_id = id;
  const lv = filed.body.payload && filed.body.payload.grant && filed.body.payload.grant.levels;
  R.check('the level picked from the catalogue is asked for', JSON.stringify(lv || []).includes(prm.level),
    JSON.stringify(filed.body.payload));

  const head = await signedIn(env, 'tim_head', ...P.head);
  await head.act(await head.inboxRow(id), 'approve');
  const v = await head.waitState(id, 'verification', 30000);
  R.check('the plugins provisioned it', (v.operations || []).every((o) => ['ok', 'noop'].includes(o.outcome || o.status)),
    JSON.stringify(v.operations));

  // the person signs in and verifies the access
  await me.signIn(prm.uid, prm.password);
  const r = await me.inboxRow(id);
  const a = await me.act(r, 'confirm', 'Entro al sistema tributario.');
  R.check('the person verified it: concluding', a.state === 'concluding', `state ${a.state}`);
  await me.visit('me');
  const mt = await text(me);
  R.check('"my access" lists the new level', mt.includes(prm.level) || mt.includes(`${prm.system}:${prm.level}`), mt.slice(0, 300));

  const tech = await signedIn(env, 'tim_tech', ...P.tech);
  const c = await tech.act(await tech.inboxRow(id), 'approve', 'Acceso de lectura al tributario otorgado.');
  R.check('TIM informs the unit head: closed', c.state === 'closed', `state ${c.state}`);
  await unit.visit(`requests/${id}`);
  R.check('the unit head reads the conclusion', (await text(unit)).includes('Acceso de lectura al tributario otorgado.'),
    'conclusion not on the page');
}

// The grant of one level, whatever the form's widget: a checkbox or
// select named grant.levels (value system:level), or system/level selects.
async function pickLevel(p, system, level) {
  const page = p.page;
  const combos = [`${system}:${level}`, `${system}/${level}`, JSON.stringify({ system, level })];
  for (const name of ['grant.levels', 'grant.levels[]', 'grant']) {
    const els = page.locator(`main#main [name="${name}"]`);
    const n = await els.count();
    if (!n) continue;
    const tag = await els.first().evaluate((e) => e.tagName.toLowerCase() + ':' + (e.type || ''));
    if (tag.startsWith('select')) {
      const opts = await els.first().evaluate((s) => [...s.options].map((o) => o.value));
      const v = opts.find((o) => combos.includes(o));
      if (!v) throw new StepFailure(`select ${name} holds ${system}:${level}`, `options ${opts.join(', ')}`);
      await els.first().selectOption(v);
      return;
    }
    for (let i = 0; i < n; i++) {
      const v = await els.nth(i).getAttribute('value');
      if (combos.includes(v)) { await els.nth(i).check(); return; }
    }
    const values = [];
    for (let i = 0; i < n; i++) values.push(await els.nth(i).getAttribute('value'));
    throw new StepFailure(`a ${name} box for ${system}:${level}`, `values ${values.join(', ')}`);
  }
  const sys = page.locator('main#main [name="grant.levels[0].system"], main#main [name="system"]');
  if (await sys.count()) {
    await sys.first().selectOption(system).catch(() => sys.first().fill(system));
    const lvl = page.locator('main#main [name="grant.levels[0].level"], main#main [name="level"]');
    await lvl.first().selectOption(level).catch(() => lvl.first().fill(level));
    return;
  }
  const names = await page.$$eval('main#main [name]', (els) => els.map((e) => `${e.getAttribute('name')}=${e.value}`));
  throw new StepFailure('the access form offers the catalogue', `no grant.levels field; fields: ${names.join(', ')}`);
}

// ---------------------------------------------------------------- a call code through both approvals

export async function callcode(env, prm) {
  const R = env.report;
  const P = prm.people;
  const me = await signedIn(env, 'employee-new', prm.uid, prm.password);
  await me.visit('me');
  const scope = await formWith(me, 'level');
  await me.fill({ level: 'national', justification: 'coordina con las oficinas departamentales' }, scope);
  const en = me.page.locator(`${scope} [name="employee_number"]`);
  if (await en.count() && (await en.first().getAttribute('type')) !== 'hidden' && await en.first().isEditable()) {
    await en.first().fill(prm.employee_number);
  }
  const filed = await me.submit(scope, /^\/v1\/call-code-requests$/);
  R.must('the person asks for a call code in #/me (201)', filed.status === 201, `${filed.status} ${JSON.stringify(filed.body)}`);
  const id = filed.body.id;
  R.data.request_id = id;

  const unit = await signedIn(env, 'unit_head', ...P.trib_head);
  const a1 = await unit.act(await unit.inboxRow(id), 'approve');
  R.check('the head of the unit approved: TIM review', a1.state === 'tim_review', `state ${a1.state}`);
  const head = await signedIn(env, 'tim_head', ...P.head);
  const a2 = await head.act(await head.inboxRow(id), 'approve');
  R.check('the head of TIM approved: provisioning', a2.state === 'provisioning', `state ${a2.state}`);
  R.data.provisioning_mode = a2.provisioning_mode;
  // no PBX plugin in this stack: the technician makes the code by hand
  const tech = await signedIn(env, 'tim_tech', ...P.tech);
  const a3 = await tech.act(await tech.inboxRow(id), 'confirm', 'Código generado en la central.');
  R.check('the technician confirmed: concluding', a3.state === 'concluding', `state ${a3.state}`);
  const a4 = await head.act(await head.inboxRow(id), 'approve', 'Código nacional entregado.');
  R.check('the confirmation note closes it', a4.state === 'closed', `state ${a4.state}`);
  await me.visit(`requests/${id}`);
  R.check('the person reads the confirmation note', (await text(me)).includes('Código nacional entregado.'), 'note not on the page');
}

// The selector of the form in main that has a field of that name.
async function formWith(p, name) {
  const sel = `main#main form:has([name="${name}"])`;
  if (await p.page.locator(sel).count() === 0) {
    throw new StepFailure(`${p.who}: a form with [name=${name}]`, await p.describeMain());
  }
  return sel;
}

// ---------------------------------------------------------------- the auditor

export async function auditor(env, prm) {
  const R = env.report;
  const P = prm.people;
  const au = await signedIn(env, 'auditor', ...P.auditor);
  await au.visit('audit/changelog');
  R.check('the change log lists entries', await au.page.locator('main#main tr[data-seq]').count() > 0, 'no tr[data-seq]');

  // filter: one person's workflow entries
  const scope = await formWith(au, 'employee_number');
  await au.fill({ employee_number: prm.employee_number }, scope);
  const sys = au.page.locator(`${scope} [name="system"]`);
  R.data.filter = { employee_number: prm.employee_number };
  if (await sys.count()) {
    await au.fill({ system: 'workflow' }, scope);
    R.data.filter.system = 'workflow';
  }
  const want = await au.api(`/v1/changelog?employee_number=${encodeURIComponent(prm.employee_number)}` +
    (await sys.count() ? '&system=workflow' : '') + '&limit=1000');
  const resp = au.page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/changelog' &&
    new URL(r.url()).searchParams.get('employee_number') === prm.employee_number);
  await au.page.locator(`${scope} [data-action="submit"]`).first().click();
  const r = await resp;
  R.must('the filter asks the API (GET /v1/changelog?employee_number=...)', r.status() === 200, `status ${r.status()}`);
  await au.page.waitForFunction(() => {
    const m = document.querySelector('main#main');
    return m && m.getAttribute('data-ready') === 'true';
  });
  await au.page.waitForTimeout(200);
  await au.audit('audit-changelog', 'filtered');
  const seqs = await au.page.$$eval('main#main tr[data-seq]', (els) => els.map((e) => Number(e.getAttribute('data-seq'))));
  const apiSeqs = (want.body.items || []).map((e) => e.seq);
  R.check('the filtered rows are the API\'s entries for that person', seqs.length > 0 &&
    JSON.stringify([...seqs].sort()) === JSON.stringify([...apiSeqs].slice(0, seqs.length).sort()) && seqs.length === Math.min(apiSeqs.length, seqs.length),
    `page ${seqs.join(',')} api ${apiSeqs.join(',')}`);

  // CSV download of what is filtered
  const link = au.page.locator('main#main a[data-download="csv"]').first();
  R.must('a CSV download link', await link.count() > 0, 'no a[data-download=csv]');
  const href = await link.getAttribute('href');
  const dl = au.page.waitForEvent('download', { timeout: 10000 });
  await link.click();
  let csv = null;
  try {
    const d = await dl;
    csv = readFileSync(await d.path(), 'utf8');
    R.data.csv_name = d.suggestedFilename();
  } catch (e) {
    R.check('clicking the CSV link downloads a file', false, `no download (${e.message}); href ${href}; now at ${au.page.url()}`);
  }
  if (csv !== null) {
    const lines = csv.trim().split(/\r?\n/);
    R.check('the CSV has a header and one line per entry of the filter', lines.length - 1 === apiSeqs.length &&
      /seq/.test(lines[0]), `${lines.length - 1} lines for ${apiSeqs.length} entries; header ${lines[0]}; href ${href}`);
    R.check('every CSV line is about that person', lines.slice(1).every((l) => l.includes(prm.employee_number)),
      lines.slice(1, 4).join(' | '));
    R.data.csv_lines = lines.length - 1;
  }
  const jl = au.page.locator('main#main a[data-download="jsonl"]');
  R.check('a JSON Lines download link too', await jl.count() > 0, 'no a[data-download=jsonl]');

  // chain verification with the head hash
  const ver = await au.api('/v1/changelog/verify');
  await au.page.click('main#main [data-action="verify"]');
  await au.page.waitForSelector('main#main [data-verify-result]');
  const res = await au.page.evaluate(() => {
    const v = document.querySelector('main#main [data-verify-result]');
    const h = document.querySelector('main#main [data-head-hash]');
    return { result: v.getAttribute('data-verify-result'), text: v.innerText.trim(),
             hash: h ? (h.getAttribute('data-head-hash') || h.innerText).trim() : null, hashText: h ? h.innerText.trim() : null };
  });
  R.check('the chain verifies: [data-verify-result=ok]', res.result === 'ok', JSON.stringify(res));
  R.check('the head hash shown is the chain\'s', res.hash === ver.body.head_hash || res.hashText === ver.body.head_hash,
    `${JSON.stringify(res)} vs ${ver.body.head_hash}`);
  await au.screenshot('audit-changelog-verified');
}

// ---------------------------------------------------------------- refusals

export async function refusals(env, prm) {
  const R = env.report;
  const P = prm.people;

  // a wrong password
  const x = await env.person('wrong-password');
  const r = await x.signIn(P.hr[0], 'not-the-password', { expectOk: false });
  R.check('a wrong password: POST /v1/session 401', r.status() === 401, `status ${r.status()}`);
  await x.page.waitForSelector('[role="alert"][data-error-code="unauthorized"]', { state: 'visible' }).catch(() => {});
  const al = await x.alert();
  R.check('the form shows role=alert data-error-code=unauthorized', al && al.code === 'unauthorized' && al.text,
    JSON.stringify(al));
  R.check('still on the sign-in page', (await x.page.getAttribute('main#main', 'data-page')) === 'signin',
    await x.describeMain());
  await x.audit('signin', 'wrong-password');
  if (prm.locked) {
    const r2 = await x.signIn(prm.locked[0], prm.locked[1], { expectOk: false });
    await x.page.waitForSelector('[role="alert"][data-error-code="account_locked"]', { state: 'visible' }).catch(() => {});
    const al2 = await x.alert();
    R.check('a locked account: role=alert data-error-code=account_locked', r2.status() === 401 && al2 && al2.code === 'account_locked',
      `${r2.status()} ${JSON.stringify(al2)}`);
  }
  await x.close();

  // a page the role may not see: the API answers 403 and the console says so
  const emp = await signedIn(env, 'employee', ...P.employee);
  const api403 = emp.page.waitForResponse((resp) => new URL(resp.url()).pathname === '/v1/changelog', { timeout: 10000 })
    .catch(() => null);
  const st = await emp.visit('audit/changelog', { allowError: true, label: 'forbidden' });
  const ar = await api403;
  R.check('the employee at #/audit/changelog: role=alert data-error-code=forbidden', st.errorCode === 'forbidden',
    await emp.describeMain());
  R.check('the API answered 403 to it', ar && ar.status() === 403, ar ? `status ${ar.status()}` : 'the page asked nothing');
  await emp.close();

  // a cross-site POST from a page of another origin: 403 csrf, nothing filed
  const hr = await signedIn(env, 'hr', ...P.hr);
  for (const form of ['json-as-text', 'urlencoded']) {
    await hr.page.goto(`${prm.evil}/evil.html`);
    const resp = hr.page.waitForResponse((q) => new URL(q.url()).pathname === '/v1/hires' && q.request().method() === 'POST');
    await hr.page.click(`form#${form} button`);
    const q = await resp;
    let body = await q.text().catch(() => '');
    let code = null;
    try { code = JSON.parse(body).error.code; } catch { /* not JSON */ }
    R.check(`a cross-site form POST (${form}) to /v1/hires with the session cookie: 403 csrf`,
      q.status() === 403 && code === 'csrf', `status ${q.status()} body ${body.slice(0, 300)}`);
    const sent = q.request().headers();
    log(`cross-site ${form}: origin ${sent.origin || '-'}, cookie sent: ${!!(await q.request().allHeaders()).cookie}`);
  }
  await hr.page.goto(hr.url('inbox'));
  await hr.waitPage('inbox');
  R.check('the HR session still works afterwards', true);
  await hr.close();

  // an expired session (a daemon with a short session_idle_timeout)
  const short = await env.person('expired', { base: prm.short_base });
  await short.signIn(P.hr[0], P.hr[1]);
  await short.page.waitForTimeout((prm.idle_seconds + 1.5) * 1000);
  await short.page.goto(short.url('requests'));
  const st2 = await short.waitPage('signin', { allowError: true, timeout: 10000 }).catch((e) => ({ failed: e.message }));
  const al3 = await short.alert();
  R.check('after the idle timeout: #/signin with role=alert data-error-code=session_expired',
    !st2.failed && al3 && al3.code === 'session_expired', `${st2.failed || ''} ${JSON.stringify(al3)} ${await short.describeMain()}`);
  await short.audit('signin', 'expired');
  await short.close();
}

// ---------------------------------------------------------------- keyboard only

export async function keyboard(env, prm) {
  const R = env.report;
  const P = prm.people;
  const head = await env.person('tim_head-keyboard');
  await head.signIn(P.head[0], P.head[1], { keyboard: true });
  R.check('signed in with the keyboard only (Tab, typing, Enter)', true);
  const r = await head.inboxRow(prm.request_id);
  const a = await head.act(r, 'approve', null, { keyboard: true });
  R.check('approved with the keyboard only', ['provisioning', 'verification'].includes(a.state), `state ${a.state}`);
  // and a note, with the keyboard: return the second one
  if (prm.return_id) {
    const r2 = await head.inboxRow(prm.return_id);
    const b = await head.act(r2, 'return', 'Falta el cargo (con el teclado).', { keyboard: true });
    R.check('returned with a note, with the keyboard only', b.state === 'returned', `state ${b.state}`);
  }
}

// ---------------------------------------------------------------- every page as every role

export async function tour(env, prm) {
  const R = env.report;
  const P = prm.people;
  const routes = [...ROUTES, `requests/${prm.request_id}`];
  const seen = [];
  // the public pages, signed out
  const anon = await env.person('anonymous');
  await anon.page.goto(anon.url(''));
  await anon.waitPage('signin');
  R.check('the console opens in Spanish (html lang=es)', (await anon.page.getAttribute('html', 'lang')) === 'es',
    `lang=${await anon.page.getAttribute('html', 'lang')}`);
  await anon.audit('signin');
  await anon.visit('password');
  const lang = anon.page.locator('select[name="lang"]');
  if (await lang.count()) {
    const before = await text(anon);
    await lang.first().selectOption('en');
    await anon.page.waitForFunction(() => document.documentElement.lang === 'en', null, { timeout: 5000 }).catch(() => {});
    R.check('English on choice (html lang=en, other text)', (await anon.page.getAttribute('html', 'lang')) === 'en' &&
      (await text(anon)) !== before, `lang=${await anon.page.getAttribute('html', 'lang')}`);
    await anon.audit('password', 'en');
    await lang.first().selectOption('es');
  } else {
    R.check('a language choice (select[name=lang])', false, 'no select[name=lang]');
  }
  await anon.close();

  // the roles three at a time (each in its own context)
  const queue = Object.entries(prm.roles);
  const workers = [];
  for (let w = 0; w < Math.max(1, Number(prm.parallel || 3)); w++) {
    workers.push((async () => {
      while (queue.length) {
        const [who, creds] = queue.shift();
        await tourRole(env, who, creds, routes, seen);
      }
    })());
  }
  await Promise.all(workers);
  R.data.pages = seen.length;
}

async function tourRole(env, who, creds, routes, seen) {
  const R = env.report;
  {
    const p = await signedIn(env, who, ...creds);
    const nav = await p.page.$$eval('a[href^="#/"]', (as) => [...new Set(as.filter((a) => !a.closest('main'))
      .map((a) => a.getAttribute('href').slice(2)))]);
    for (const route of routes) {
      const name = pageName(route);
      let st;
      try {
        st = await p.visit(route, { allowError: true, timeout: 10000 });
      } catch (e) {
        R.check(`${who} ${route} shows (ready or an error)`, false, e.message);
        continue;
      }
      seen.push({ who, route, ready: st.ready, error: st.errorCode });
      // a request the person may not see is, for them, one that does not
      // exist: the API answers 404 (it tells nothing about it)
      const refused = st.errorCode === 'forbidden' || (name === 'requests-id' && st.errorCode === 'not_found');
      if (st.errorCode && !refused) {
        R.check(`${who} #/${route}: no error other than forbidden`, false, `${st.errorCode}: ${JSON.stringify(await p.alert())}`);
      }
      if (nav.includes(route) && st.errorCode === 'forbidden') {
        R.check(`${who}: the menu offers only pages the role may see`, false, `#/${route} is in the menu but forbidden`);
      }
      if (!st.ready && !st.errorCode) R.check(`${who} #/${route} ready`, false, await p.describeMain());
      log(`${who} #/${route}: ${st.ready ? 'ready' : ''} ${st.errorCode || ''}`);
    }
    R.data[who] = { menu: nav, forbidden: seen.filter((s) => s.who === who && s.error === 'forbidden').map((s) => s.route) };
    await p.signOut();
    await p.close();
  }
}

// ---------------------------------------------------------------- the technician's pages, and HR's contracts

// Clicks button sel (in a row) and waits for the POST to a path matching re
// and for the page to be drawn again (busy() takes data-ready away at the
// click and the refresh puts it back). Returns {status, body}.
async function clickAndPost(p, sel, re, what) {
  const resp = p.page.waitForResponse((r) => r.request().method() === 'POST' && re.test(new URL(r.url()).pathname));
  resp.catch(() => {});
  const btn = p.page.locator(sel).first();
  if (await btn.count() === 0) throw new StepFailure(`${p.who}: ${what}`, `no ${sel}; ${await p.describeMain()}`);
  await btn.click();
  let r;
  try {
    r = await resp;
  } catch (e) {
    throw new StepFailure(`${p.who}: ${what}`, `no POST ${re} after the click; ${await p.describeMain()}`);
  }
  let body = null;
  try { body = await r.json(); } catch { body = null; }
  await p.page.waitForSelector('main#main[data-ready="true"]:not([data-loading])');
  return { status: r.status(), body };
}

// Opens a note form with the row's button (data-action=action), writes the
// note and sends it with confirm-action; the form is audited once (label).
async function noteAction(p, rowSel, action, note, re, label) {
  await p.page.locator(`${rowSel} button[data-action="${action}"]`).first().click();
  const box = p.page.locator(`${rowSel} textarea[name="note"]`).first();
  await box.waitFor({ state: 'visible' });
  await p.audit(pageName(p.page.url().split('#')[1] || ''), label);
  await box.fill(note);
  return clickAndPost(p, `${rowSel} [data-action="confirm-action"]`, re, `${action} with a note`);
}

export async function technician(env, prm) {
  const R = env.report;
  const P = prm.people;
  const tech = await signedIn(env, 'tim_tech', ...P.tech);

  // 1. the queue: two dead operations (a login someone made by hand)
  await tech.visit('tech/queue');
  const opRow = (id) => `main#main tr[data-operation-id="${id}"]`;
  for (const op of [prm.retry, prm.resolve]) {
    R.must(`dead operation #${op.operation_id} (request ${op.request_id}) is listed in #/tech/queue`,
      await tech.page.$(opRow(op.operation_id)) !== null,
      `rows: ${(await tech.page.$$eval('tr[data-operation-id]', (els) => els.map((e) => e.getAttribute('data-operation-id')))).join(', ')}`);
  }
  const rowText = await text(tech, opRow(prm.retry.operation_id));
  R.check('the row says which instance failed and why (acct, conflict)', rowText.includes('acct') &&
    /conflict|conflicto/i.test(rowText), rowText);
  const rt = await clickAndPost(tech, `${opRow(prm.retry.operation_id)} button[data-action="retry"]`,
    new RegExp(`^/v1/operations/${prm.retry.operation_id}/retry$`), 'retry');
  R.check('retry: POST /v1/operations/{id}/retry answered 200', rt.status === 200, `${rt.status} ${JSON.stringify(rt.body)}`);
  const v1 = await tech.waitState(prm.retry.request_id, 'verification', 30000);
  const op1 = (v1.operations || []).find((o) => o.id === prm.retry.operation_id);
  R.check('the retried operation ran again and succeeded (the entry was adopted by hand)',
    op1 && op1.state === 'done' && ['ok', 'noop'].includes(op1.outcome), JSON.stringify(op1));
  await tech.reload('tech-queue');
  R.check('the retried operation is no longer among the failed ones', await tech.page.$(opRow(prm.retry.operation_id)) === null,
    await text(tech));
  const note = 'La cuenta existente fue adoptada a mano en el directorio.';
  const rs = await noteAction(tech, opRow(prm.resolve.operation_id), 'resolve', note,
    new RegExp(`^/v1/operations/${prm.resolve.operation_id}/resolve$`), 'resolve-form');
  R.check('resolve: POST /v1/operations/{id}/resolve answered 200', rs.status === 200, `${rs.status} ${JSON.stringify(rs.body)}`);
  R.check('the resolved operation left the page', await tech.page.$(opRow(prm.resolve.operation_id)) === null, await text(tech));
  const q = await tech.api('/v1/queue');
  R.check('GET /v1/queue no longer lists either as failed', q.status === 200 &&
    !(q.body.failed || []).some((o) => [prm.retry.operation_id, prm.resolve.operation_id].includes(o.id)),
    JSON.stringify(q.body).slice(0, 500));
  const v2 = await tech.waitState(prm.resolve.request_id, 'verification', 30000);
  const op2 = (v2.operations || []).find((o) => o.id === prm.resolve.operation_id);
  R.check('the resolved operation counts as done and the request moved on (verification)',
    op2 && op2.state === 'done' && v2.state === 'verification', JSON.stringify(op2));
  R.data.resolved = op2;

  // 2. a manual task of the exit, marked done by the technician
  await tech.visit('tech/tasks');
  const taskRow = `main#main tr[data-task-id="${prm.task_id}"]`;
  R.must('the exit\'s task is listed in #/tech/tasks', await tech.page.$(taskRow) !== null, await tech.describeMain());
  const tt = await text(tech, taskRow);
  R.check('the task row shows its title and checklist', tt.includes(prm.task_title) && tt.includes('copiar el perfil'), tt);
  const before = await tech.request(prm.exit_id);
  R.check('the exit waits for the task (disabling)', before.state === 'disabling', `state ${before.state}`);
  const taskNote = 'Respaldo en srv-bareos:/bk/2026 verificado.';
  const td = await noteAction(tech, taskRow, 'done', taskNote, new RegExp(`^/v1/tasks/${prm.task_id}/done$`), 'done-form');
  R.check('done: POST /v1/tasks/{id}/done answered 200', td.status === 200, `${td.status} ${JSON.stringify(td.body)}`);
  R.check('the done task left the open list', await tech.page.$(taskRow) === null, await text(tech));
  const ex = await tech.waitState(prm.exit_id, ['report_review', 'concluding'], 20000);
  const task = (ex.tasks || []).find((k) => k.id === prm.task_id);
  R.check('the task is done, by the technician, with the note', task && task.state === 'done' &&
    task.done_by === P.tech[0] && task.note === taskNote, JSON.stringify(task));
  R.check('the exit moved on once its last task was done', ex.state === 'report_review', `state ${ex.state}`);
  await tech.visit('tech/tasks?state=done', { label: 'done' });
  R.check('the done list shows it with the note', (await text(tech, taskRow).catch(() => '')).includes(taskNote),
    await tech.describeMain());

  // 3. reconciliation: a membership removed by hand in slapd
  await tech.visit('tech/reconcile');
  const driftRow = `main#main tr[data-employee-number="${prm.drift_employee_number}"][data-kind="drift"]`;
  R.must('the drift of that person shows in #/tech/reconcile', await tech.page.$(driftRow) !== null, await tech.describeMain());
  const dt = await tech.page.locator(driftRow).first().evaluate((e) => e.textContent.replace(/\s+/g, ' '));
  R.check('the drift row names the group instance and the missing group', dt.includes('grp') && dt.includes('tributaria'), dt);
  const rp = await clickAndPost(tech, `main#main tr[data-employee-number="${prm.drift_employee_number}"] button[data-action="repair"]`,
    /^\/v1\/reconcile\/repair$/, 'repair');
  R.check('repair: POST /v1/reconcile/repair answered 200, repaired', rp.status === 200 &&
    (rp.body.items || []).some((i) => i.repair && i.repair.status === 'ok'), `${rp.status} ${JSON.stringify(rp.body).slice(0, 500)}`);
  R.check('no drift of that person on the page afterwards', await tech.page.$(driftRow) === null, await text(tech));
  const rc = await tech.api(`/v1/reconcile?employee_number=${encodeURIComponent(prm.drift_employee_number)}`);
  R.check('GET /v1/reconcile for that person: no drift', rc.status === 200 && rc.body.drift === 0, JSON.stringify(rc.body).slice(0, 500));
  await tech.signOut();

  // 4. HR: a consultant's contract ending soon, extended
  const hr = await signedIn(env, 'hr', ...P.hr);
  await hr.visit('hr/contracts');
  const cRow = `main#main tr[data-employee-number="${prm.consultant}"]`;
  R.must('the consultant is listed in #/hr/contracts', await hr.page.$(cRow) !== null, await hr.describeMain());
  await hr.page.locator(`${cRow} input[name="end_date"]`).fill(prm.new_end_date);
  const xt = await clickAndPost(hr, `${cRow} button[data-action="extend"]`,
    new RegExp(`^/v1/people/${prm.consultant}/contract$`), 'extend');
  R.check('extend: POST /v1/people/{n}/contract answered 200', xt.status === 200, `${xt.status} ${JSON.stringify(xt.body)}`);
  R.check('the extended contract left the list of those ending soon', await hr.page.$(cRow) === null, await text(hr));
  const person = await hr.api(`/v1/people/${encodeURIComponent(prm.consultant)}`);
  R.check('GET /v1/people/{n}: the new end date', person.status === 200 && person.body.end_date === prm.new_end_date,
    `${person.status} ${JSON.stringify(person.body).slice(0, 300)}`);
  await hr.signOut();
}
