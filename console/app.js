// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// app.js - the console's shell: session, navigation built from roles, hash router.
// Pages live in pages/<name>.js and are loaded with import() when first visited.
import * as api from './api.js';
import { t, initLang, setLang, getLang, LANGS } from './i18n.js';
import { h, clear, append } from './dom.js';
import { alertBox, pageTitle } from './ui.js';

const TIM = ['tim_head', 'tim_lead', 'tim_tech'];

// name = the route without "#/", "/" -> "-"; roles: who may see it (null: anyone signed in)
const PAGES = [
  { name: 'signin', public: true },
  { name: 'password', public: true },
  { name: 'inbox', group: 'work' },
  { name: 'requests', group: 'work' },
  { name: 'requests-id', re: /^requests\/(\d+)$/, params: ['id'] },
  { name: 'me', group: 'work' },
  { name: 'hr-hire', group: 'hr', roles: ['hr'] },
  { name: 'hr-exit', group: 'hr', roles: ['hr'] },
  { name: 'hr-transfer', group: 'hr', roles: ['hr'] },
  { name: 'hr-returned', group: 'hr', roles: ['hr'] },
  { name: 'hr-contracts', group: 'hr', roles: ['hr', ...TIM, 'auditor'], navRoles: ['hr'] },
  { name: 'unit-access', group: 'unit', roles: ['unit_head', ...TIM] },
  { name: 'unit-callcode', group: 'unit', roles: ['unit_head'] },
  { name: 'unit-people', group: 'unit', roles: ['unit_head', ...TIM, 'hr', 'auditor'], navRoles: ['unit_head', ...TIM] },
  { name: 'tech-queue', group: 'tech', roles: [...TIM, 'admin'] },
  { name: 'tech-tasks', group: 'tech', roles: [...TIM, 'hr', 'auditor'] },
  { name: 'tech-reconcile', group: 'tech', roles: [...TIM, 'auditor', 'admin'] },
  { name: 'dashboard', group: 'tech', roles: ['tim_head', 'tim_lead', 'admin', 'monitor'] },
  { name: 'audit-changelog', group: 'audit', roles: ['auditor', 'tim_head', 'tim_lead'] },
  { name: 'audit-history', group: 'audit', roles: ['auditor', 'tim_head', 'tim_lead'] },
  { name: 'audit-holders', group: 'audit', roles: ['auditor', 'tim_head', 'tim_lead', 'tim_tech'] },
  { name: 'admin-tokens', group: 'admin', roles: ['admin'] },
  { name: 'admin-health', group: 'admin', roles: ['admin', 'monitor'] },
];
const GROUPS = ['work', 'hr', 'unit', 'tech', 'audit', 'admin'];

let session = null;
let flash = null; // an alert the next page shows (session_expired on the sign-in page)
let returnTo = null;
let navSeq = 0;
let lastPath = null;

const $ = (id) => document.getElementById(id);

export function hasRole(...roles) {
  return !!session && roles.some((r) => session.roles.includes(r));
}

function pagePath(p) {
  return p.name.replace(/-/g, '/');
}

function parseHash() {
  const raw = location.hash.startsWith('#/') ? location.hash.slice(2) : '';
  const q = raw.indexOf('?');
  return { path: q < 0 ? raw : raw.slice(0, q), query: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)) };
}

function findPage(path) {
  for (const p of PAGES) {
    if (p.re) {
      const m = p.re.exec(path);
      if (m) return { page: p, params: Object.fromEntries((p.params || []).map((k, i) => [k, m[i + 1]])) };
    } else if (pagePath(p) === path) {
      return { page: p, params: {} };
    }
  }
  return null;
}

function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function setStatus(msg) {
  const el = $('status');
  el.textContent = '';
  if (msg) setTimeout(() => { el.textContent = msg; }, 30);
}

function setSession(s) {
  session = s;
  api.setCsrf(s ? s.csrf_token : null);
}

/* ---- the shell ---- */

function renderHeader() {
  const header = clear($('site-header'));
  const langId = 'lang-select';
  const langSel = h('select', { id: langId, name: 'lang', onchange: async (ev) => {
    $('main').removeAttribute('data-ready');
    await setLang(ev.target.value);
    renderHeader();
    renderNav();
    $('skip-link').textContent = t('shell.skip');
    await route({ keepFocus: true });
    $(langId).focus();
  } }, LANGS.map((l) => h('option', { value: l, selected: l === getLang() || null, lang: l }, t(`lang.${l}`))));
  const who = session
    ? h('div', { class: 'who' },
      h('span', { class: 'who-name' }, session.display_name || session.login),
      h('span', { class: 'who-roles' }, session.roles.filter((r) => r !== 'employee').map((r) => t(`role.${r}`)).join(', ')),
      h('button', { type: 'button', 'data-action': 'signout', onclick: signOut }, t('shell.signout')))
    : null;
  append(header,
    h('div', { class: 'brand' },
      h('a', { href: session ? '#/inbox' : '#/signin', class: 'brand-name' }, 'provisiond'),
      h('span', { class: 'brand-sub' }, t('shell.title'))),
    h('div', { class: 'header-tools' },
      h('div', { class: 'lang' }, h('label', { for: langId }, t('shell.language')), langSel),
      who));
}

function renderNav() {
  const nav = clear($('site-nav'));
  nav.setAttribute('aria-label', t('shell.nav'));
  if (!session) {
    nav.hidden = true;
    return;
  }
  nav.hidden = false;
  const current = parseHash().path;
  for (const g of GROUPS) {
    const pages = PAGES.filter((p) => p.group === g && (!p.roles || hasRole(...(p.navRoles || p.roles))));
    if (pages.length === 0) continue;
    const id = `nav-${g}`;
    nav.append(h('div', { class: 'nav-group' },
      h('span', { class: 'nav-group-label', id }, t(`navgroup.${g}`)),
      h('ul', { 'aria-labelledby': id }, pages.map((p) => {
        const path = pagePath(p);
        return h('li', {}, h('a', { href: `#/${path}`, 'aria-current': current === path ? 'page' : null }, t(`nav.${p.name}`)));
      }))));
  }
}

async function signOut() {
  try {
    await api.del('/v1/session');
  } catch (e) {
    /* signed out anyway */
  }
  setSession(null);
  renderHeader();
  setStatus(t('shell.signedout'));
  go('#/signin');
}

/* ---- the router ---- */

async function route(opts = {}) {
  const { path, query } = parseHash();
  const main = $('main');
  if (!path) {
    go(session ? '#/inbox' : '#/signin');
    return;
  }
  const found = findPage(path);
  if (found && !found.page.public && !session) {
    returnTo = location.hash;
    go('#/signin');
    return;
  }
  if (found && found.page.name === 'signin' && session) {
    go('#/inbox');
    return;
  }
  const seq = ++navSeq;
  const name = found ? found.page.name : 'not-found';
  main.setAttribute('data-page', name);
  main.removeAttribute('data-ready');
  main.setAttribute('data-loading', '');
  if (!opts.refresh && lastPath !== location.hash && !opts.keepStatus) setStatus('');
  lastPath = location.hash;
  renderNav();

  const after = [];
  const ctx = {
    api, t, query, params: found ? found.params : {}, session, hasRole, go, status: setStatus,
    refresh: () => route({ refresh: true }),
    after: (fn) => after.push(fn),
    takeFlash: () => { const f = flash; flash = null; return f; },
    signedIn: (s) => {
      setSession(s);
      renderHeader();
      const to = returnTo && !returnTo.startsWith('#/signin') ? returnTo : '#/inbox';
      returnTo = null;
      go(to);
    },
  };
  let content;
  try {
    if (!found) {
      content = [pageTitle(t('page.not-found')), alertBox({ code: 'not_found', message: t('error.no_page') })];
    } else {
      const mod = await import(`./pages/${name}.js`);
      const p = found.page;
      if (p.roles && !hasRole(...p.roles)) {
        // the API decides: ask it, so its own 403 is what the person reads
        if (mod.probe) await api.get(mod.probe(ctx));
        throw new api.ApiError(403, 'forbidden', null, t('error.role_needed', { roles: p.roles.map((r) => t(`role.${r}`)).join(', ') }));
      }
      content = await mod.render(ctx);
    }
  } catch (err) {
    if (err && err.status === 401 && found && !found.page.public) return; // on its way to the sign-in page
    if (!(err instanceof api.ApiError)) console.error(err); // eslint-disable-line no-console
    const e = err instanceof api.ApiError ? err : { code: 'internal', message: String(err && err.message) };
    content = [pageTitle(t(`page.${name}`)), alertBox(e, e.code === 'forbidden' ? t('error.forbidden') : t('error.load'))];
  }
  if (seq !== navSeq) return;
  clear(main);
  append(main, content);
  const h1 = main.querySelector('h1');
  document.title = `${h1 ? h1.textContent : 'provisiond'} · provisiond`;
  after.forEach((fn) => fn());
  main.removeAttribute('data-loading');
  main.setAttribute('data-ready', 'true');
  if (!opts.keepFocus && h1) h1.focus();
}

/* ---- start ---- */

async function boot() {
  await initLang();
  const skip = $('skip-link');
  skip.textContent = t('shell.skip');
  skip.addEventListener('click', (ev) => {
    ev.preventDefault();
    const h1 = $('main').querySelector('h1');
    (h1 || $('main')).focus();
  });
  api.onUnauthorized((err) => {
    if (!session) return;
    setSession(null);
    flash = { code: err.code === 'unauthorized' ? 'session_expired' : err.code, message: err.message };
    returnTo = location.hash;
    renderHeader();
    go('#/signin');
  });
  try {
    setSession(await api.get('/v1/session'));
  } catch (err) {
    setSession(null);
    if (err.code === 'session_expired') flash = { code: err.code, message: err.message };
  }
  renderHeader();
  window.addEventListener('hashchange', () => {
    if (location.hash.startsWith('#/') || location.hash === '') route();
  });
  route();
}

boot();
