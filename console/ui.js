// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// ui.js - small shared widgets: headings, alerts, tables, definition lists, form fields
// and the way API errors are shown (at the field they name, or as a page-level alert).
import { h, clear, newId } from './dom.js';
import { t, label, fmtDateTime, fmtDate, fmtAge } from './i18n.js';

export function pageTitle(text, intro) {
  return [h('h1', { tabindex: '-1', id: 'page-title' }, text), intro ? h('p', { class: 'intro' }, intro) : null];
}

// section(title, children, {id, level, class})
export function section(title, children, opts = {}) {
  const hid = opts.id ? `${opts.id}-title` : newId('s');
  const heading = h(`h${opts.level || 2}`, { id: hid }, title);
  return h('section', { id: opts.id, 'aria-labelledby': hid, class: opts.class }, heading, children);
}

export function alertBox(err, title) {
  const code = (err && err.code) || 'error';
  const msg = (err && err.message) || t('error.generic');
  const head = title || (code === 'network' ? t('error.network') : null);
  return h('div', { role: 'alert', class: 'alert', 'data-error-code': code },
    head ? h('strong', {}, head) : null, head ? ' ' : null, msg && msg !== head ? msg : null);
}

export function note(text, cls = 'note') {
  return h('p', { class: cls }, text);
}

export function timeEl(iso, dateOnly = false) {
  if (!iso) return '';
  return h('time', { datetime: iso }, dateOnly ? fmtDate(iso) : fmtDateTime(iso));
}

export function ageEl(seconds, iso) {
  if (seconds === null || seconds === undefined) return '';
  return h('span', { class: 'age', title: iso ? fmtDateTime(iso) : null }, fmtAge(seconds));
}

// table({caption, columns: [{label, cell(row), rowHeader}], rows, rowAttrs(row), empty})
export function table({ caption, columns, rows, rowAttrs, empty, captionHidden, cls }) {
  if (!rows || rows.length === 0) return note(empty || t('common.none'), 'empty');
  const head = h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.cls }, c.label)));
  const body = rows.map((r) => h('tr', rowAttrs ? rowAttrs(r) : {},
    columns.map((c) => h(c.rowHeader ? 'th' : 'td', { scope: c.rowHeader ? 'row' : null, class: c.cls }, c.cell(r)))));
  return h('div', { class: 'table-wrap' },
    h('table', { class: cls },
      caption ? h('caption', { class: captionHidden ? 'visually-hidden' : null }, caption) : null,
      h('thead', {}, head), h('tbody', {}, body)));
}

// dl([[term, value], ...]); empty values are left out
export function dl(pairs, cls = 'facts') {
  const items = pairs.filter(([, v]) => v !== null && v !== undefined && v !== '');
  return h('dl', { class: cls }, items.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))));
}

export function jsonBlock(obj, summary) {
  if (obj === null || obj === undefined) return '';
  return h('details', { class: 'json' }, h('summary', {}, summary || t('common.details')),
    h('pre', {}, JSON.stringify(obj, null, 2)));
}

export function personName(p) {
  if (!p) return '';
  const n = [p.given_names, p.family_names].filter(Boolean).join(' ');
  return n || p.uid || p.employee_number || '';
}

export function requestLink(id) {
  return h('a', { href: `#/requests/${id}` }, t('request.number', { id }));
}

export function badge(group, value) {
  return h('span', { class: `badge badge-${group}-${value}` }, label(group, value));
}

/* ---- form fields ---- */

// field({name, label, type, value, required, options, hint, rows, autocomplete, list, ...attrs})
export function field(o) {
  const id = newId('f');
  const hintId = o.hint ? `${id}-hint` : null;
  const errId = `${id}-err`;
  const describedby = [hintId, errId].filter(Boolean).join(' ');
  const common = {
    id, name: o.name, required: o.required || null, 'aria-describedby': describedby,
    autocomplete: o.autocomplete, list: o.list, min: o.min, max: o.max, maxlength: o.maxlength,
    inputmode: o.inputmode, step: o.step, spellcheck: o.spellcheck, readonly: o.readonly || null,
  };
  let control;
  if (o.type === 'select') {
    control = h('select', common, (o.options || []).map((opt) => h('option', {
      value: opt.value, selected: String(opt.value) === String(o.value ?? '') || null,
    }, opt.label)));
  } else if (o.type === 'textarea') {
    control = h('textarea', { ...common, rows: o.rows || 3, value: o.value ?? null });
  } else {
    control = h('input', { ...common, type: o.type || 'text', value: o.value ?? null });
  }
  const req = o.required ? h('span', { class: 'req' }, ` (${t('common.required')})`) : null;
  return h('div', { class: ['field', o.cls] },
    h('label', { for: id }, o.label, req),
    control,
    o.hint ? h('span', { class: 'hint', id: hintId }, o.hint) : null,
    h('span', { class: 'field-error', id: errId, 'data-error-for': o.name }));
}

// a group of checkboxes or radios: choices({legend, name, type, options: [{value, label, checked}], value})
export function choices(o) {
  const type = o.type || 'checkbox';
  return h('fieldset', { class: ['choices', o.cls] },
    h('legend', {}, o.legend),
    (o.options || []).map((opt) => {
      const id = newId('c');
      const checked = type === 'radio' ? String(opt.value) === String(o.value ?? '') : !!opt.checked;
      return h('div', { class: 'choice' },
        h('input', { type, id, name: o.name, value: opt.value, checked: checked || null }),
        h('label', { for: id }, opt.label));
    }),
    h('span', { class: 'field-error', 'data-error-for': o.name }));
}

export function submitButton(text, action = 'submit') {
  return h('button', { type: 'submit', 'data-action': action, class: 'primary' }, text);
}

// The form's values; dotted names nest ("contract.type"); empty strings are left out;
// checkboxes give arrays of their checked values.
export function formValues(form) {
  const out = {};
  const setPath = (path, v) => {
    const parts = path.split('.');
    let o = out;
    for (let i = 0; i < parts.length - 1; i++) o = o[parts[i]] = o[parts[i]] || {};
    o[parts[parts.length - 1]] = v;
  };
  const getPath = (path) => path.split('.').reduce((o, k) => (o ? o[k] : undefined), out);
  for (const el of form.elements) {
    if (!el.name || el.disabled || el.tagName === 'BUTTON' || el.tagName === 'FIELDSET') continue;
    if (el.type === 'checkbox') {
      const cur = getPath(el.name) || [];
      if (el.checked) cur.push(el.value);
      setPath(el.name, cur);
    } else if (el.type === 'radio') {
      if (el.checked) setPath(el.name, el.value);
    } else {
      const v = el.type === 'password' ? el.value : el.value.trim();
      if (v !== '') setPath(el.name, v);
    }
  }
  return out;
}

export function clearErrors(root) {
  for (const s of root.querySelectorAll('[data-error-for]')) s.textContent = '';
  for (const c of root.querySelectorAll('[aria-invalid]')) c.removeAttribute('aria-invalid');
  for (const a of root.querySelectorAll('.form-alert')) a.remove();
}

function fieldCandidates(f) {
  const out = [];
  let cur = f;
  while (cur) {
    out.push(cur);
    if (cur.startsWith('data.')) out.push(cur.slice(5));
    const stripped = cur.replace(/\[\d+\]$/, '');
    if (stripped !== cur) { cur = stripped; continue; }
    const dot = cur.lastIndexOf('.');
    cur = dot > 0 ? cur.slice(0, dot) : '';
  }
  return out;
}

// Show an API error in root (a form or a section): at the field it names, else as an alert.
// A 401 is handled by the app (back to sign-in), so it is not shown here.
export function showError(root, err) {
  clearErrors(root);
  if (err && err.status === 401) return;
  if (err && err.field) {
    for (const name of fieldCandidates(err.field)) {
      const span = root.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
      if (!span) continue;
      span.textContent = err.message;
      const controls = root.querySelectorAll(`[name="${CSS.escape(name)}"]`);
      for (const c of controls) c.setAttribute('aria-invalid', 'true');
      if (controls[0]) controls[0].focus();
      return;
    }
  }
  const box = alertBox(err);
  box.classList.add('form-alert');
  root.prepend(box);
}

// Run fn while the form is busy: its submit buttons are disabled and the page is not ready.
export async function busy(form, fn) {
  const main = document.getElementById('main');
  const buttons = [...form.querySelectorAll('button')];
  buttons.forEach((b) => { b.disabled = true; });
  clearErrors(form);
  main.removeAttribute('data-ready');
  try {
    return await fn();
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
    if (!main.hasAttribute('data-loading')) main.setAttribute('data-ready', 'true');
  }
}

// datetime-local value ("2026-12-31T18:00") -> RFC 3339 with this machine's offset
export function localToRfc3339(v) {
  if (!v) return v;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return v;
  const pad = (n) => String(Math.abs(n)).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${sign}${pad(Math.trunc(off / 60))}:${pad(off % 60)}`;
}

// RFC 3339 -> a datetime-local value in this machine's time
export function rfc3339ToLocal(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function options(group, values, withEmpty) {
  const out = values.map((v) => ({ value: v, label: label(group, v) }));
  if (withEmpty) out.unshift({ value: '', label: typeof withEmpty === 'string' ? withEmpty : t('common.any') });
  return out;
}

export const ROLES = ['hr', 'unit_head', 'tim_head', 'tim_lead', 'tim_tech', 'employee', 'auditor', 'admin', 'monitor'];
export const TYPES = ['hire', 'exit', 'transfer', 'access', 'call_code'];
export const STATES = ['submitted', 'returned', 'tim_review', 'provisioning', 'verification', 'scheduled', 'disabling',
  'report_review', 'concluding', 'concluded', 'closed', 'rolling_back', 'cancelled'];

// A note form opened in slot under the button that asked for it (a task's
// "done", an operation's "resolve"): the note is required; send(note) posts
// it; on success the status line says doneText and the page is drawn again.
export function noteForm(ctx, slot, button, o) {
  const form = h('form', { class: 'action-form', novalidate: true },
    h('fieldset', {},
      h('legend', {}, o.legend),
      field({ name: 'note', label: o.label, type: 'textarea', required: true, maxlength: 2000, hint: o.hint }),
      h('div', { class: 'buttons' },
        h('button', { type: 'submit', 'data-action': 'confirm-action', class: 'primary' }, o.submit),
        h('button', { type: 'button', 'data-action': 'dismiss', onclick: () => { clear(slot); button.focus(); } }, t('common.close')))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const note = form.elements.note.value.trim();
    busy(form, async () => {
      try {
        await o.send(note);
      } catch (err) {
        showError(form, err);
        return;
      }
      ctx.status(o.doneText);
      await ctx.refresh();
    });
  });
  clear(slot).append(form);
  form.elements.note.focus();
}
