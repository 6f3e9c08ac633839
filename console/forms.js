// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// forms.js - the fields of each kind of request (hire, exit, transfer, call code, access),
// used by the forms that file them and by "correct and resubmit". Field names are the API's.
import { h } from './dom.js';
import { t, label } from './i18n.js';
import { field, choices, formValues, localToRfc3339, rfc3339ToLocal, options } from './ui.js';

export const CALL_LEVELS = ['local', 'mobile', 'national', 'international'];

function hireFields(v = {}, opts = {}) {
  return [
    h('div', { class: 'grid' },
      field({ name: 'employee_number', label: t('field.employee_number'), value: v.employee_number, required: true,
        readonly: opts.resubmit, hint: opts.resubmit ? t('hint.same_employee_number') : t('hint.employee_number'), autocomplete: 'off' }),
      field({ name: 'national_id', label: t('field.national_id'), value: v.national_id, required: true, autocomplete: 'off' }),
      field({ name: 'given_names', label: t('field.given_names'), value: v.given_names, required: true, autocomplete: 'off' }),
      field({ name: 'family_names', label: t('field.family_names'), value: v.family_names, required: true, autocomplete: 'off' }),
      field({ name: 'unit', label: t('field.unit'), value: v.unit, required: true, hint: t('hint.unit') }),
      field({ name: 'position', label: t('field.position'), value: v.position, required: true, hint: t('hint.position') }),
      field({ name: 'contract_type', label: t('field.contract_type'), type: 'select', value: v.contract_type || 'staff', required: true,
        options: options('contract', ['staff', 'consultant']) }),
      field({ name: 'start_date', label: t('field.start_date'), type: 'date', value: v.start_date, required: true }),
      field({ name: 'end_date', label: t('field.end_date'), type: 'date', value: v.end_date, hint: t('hint.end_date') }),
      field({ name: 'private_email', label: t('field.private_email'), type: 'email', value: v.private_email,
        hint: t('hint.private_email'), autocomplete: 'off' })),
  ];
}

function exitFields(v = {}, opts = {}) {
  const scheduled = !!v.effective_at || opts.resubmit;
  const when = choices({ legend: t('field.when'), name: 'when', type: 'radio', value: scheduled ? 'scheduled' : 'now',
    options: [{ value: 'now', label: t('exit.now') }, { value: 'scheduled', label: t('exit.scheduled') }] });
  const at = field({ name: 'effective_at', label: t('field.effective_at'), type: 'datetime-local',
    value: rfc3339ToLocal(v.effective_at), hint: t('hint.effective_at') });
  const sync = () => {
    const now = when.querySelector('input[value=now]').checked;
    at.querySelector('input').disabled = now;
    at.classList.toggle('is-disabled', now);
  };
  when.addEventListener('change', sync);
  queueMicrotask(sync);
  return [
    h('div', { class: 'grid' },
      field({ name: 'employee_number', label: t('field.employee_number'), value: v.employee_number, required: true,
        readonly: opts.resubmit, autocomplete: 'off' })),
    when, at,
    field({ name: 'reason', label: t('field.reason'), type: 'textarea', value: v.reason, required: true, maxlength: 500 }),
  ];
}

function transferFields(v = {}, opts = {}) {
  return [
    h('div', { class: 'grid' },
      field({ name: 'employee_number', label: t('field.employee_number'), value: v.employee_number, required: true,
        readonly: opts.resubmit, autocomplete: 'off' }),
      field({ name: 'unit', label: t('field.new_unit'), value: v.unit, required: true, hint: t('hint.unit') }),
      field({ name: 'position', label: t('field.new_position'), value: v.position, required: true, hint: t('hint.position') })),
    field({ name: 'reason', label: t('field.reason'), type: 'textarea', value: v.reason, maxlength: 500 }),
  ];
}

function callCodeFields(v = {}, opts = {}) {
  const who = opts.self
    ? h('input', { type: 'hidden', name: 'employee_number', value: v.employee_number })
    : field({ name: 'employee_number', label: t('field.employee_number'), value: v.employee_number, required: true,
      list: opts.peopleList, readonly: opts.resubmit, autocomplete: 'off' });
  return [
    who,
    opts.resubmit ? null : field({ name: 'action', label: t('field.callcode_action'), type: 'select', value: v.action || 'issue',
      options: [{ value: 'issue', label: t('callcode.issue') }, { value: 'revoke', label: t('callcode.revoke') }] }),
    field({ name: 'level', label: t('field.level'), type: 'select', value: v.level || '', hint: t('hint.level'),
      options: options('level', CALL_LEVELS, t('common.choose')) }),
    field({ name: 'justification', label: t('field.justification'), type: 'textarea', value: v.justification, required: true, maxlength: 2000 }),
  ];
}

function accessPart(part, catalogue, v = {}) {
  const held = new Set((v.levels || []).map((l) => `${l.system}:${l.level}`));
  const systems = (catalogue && catalogue.systems) || [];
  return h('fieldset', { class: 'access-part' },
    h('legend', {}, t(`access.${part}`)),
    systems.map((s) => choices({
      legend: s.title ? `${s.title} (${s.system})` : s.system,
      name: `${part}.levels`,
      options: (s.levels || []).map((l) => ({ value: `${s.system}:${l}`, label: l, checked: held.has(`${s.system}:${l}`) })),
    })),
    h('span', { class: 'field-error', 'data-error-for': `${part}.levels` }),
    field({ name: `${part}.groups`, label: t('field.groups'), value: (v.groups || []).join(', '), hint: t('hint.groups') }),
    h('span', { class: 'field-error', 'data-error-for': part }));
}

function accessFields(v = {}, opts = {}) {
  return [
    field({ name: 'employee_number', label: t('field.employee_number'), value: v.employee_number, required: true,
      list: opts.peopleList, readonly: opts.resubmit, autocomplete: 'off' }),
    accessPart('grant', opts.catalogue, v.grant),
    accessPart('revoke', opts.catalogue, v.revoke),
    field({ name: 'justification', label: t('field.justification'), type: 'textarea', value: v.justification, required: true, maxlength: 2000 }),
  ];
}

export function requestFields(type, values, opts = {}) {
  switch (type) {
    case 'hire': return hireFields(values, opts);
    case 'exit': return exitFields(values, opts);
    case 'transfer': return transferFields(values, opts);
    case 'call_code': return callCodeFields(values, opts);
    case 'access': return accessFields(values, opts);
    default: return [];
  }
}

function accessItems(part) {
  if (!part) return undefined;
  const out = {};
  const levels = (part.levels || []).map((x) => {
    const i = x.indexOf(':');
    return { system: x.slice(0, i), level: x.slice(i + 1) };
  });
  const groups = (part.groups || '').split(/[,\s]+/).filter(Boolean);
  if (levels.length) out.levels = levels;
  if (groups.length) out.groups = groups;
  return Object.keys(out).length ? out : undefined;
}

// The API body of the form's request of this type.
export function requestBody(type, form) {
  const v = formValues(form);
  if (type === 'exit') {
    const body = { employee_number: v.employee_number, reason: v.reason };
    if (v.when === 'now') body.effective_at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    else if (v.effective_at) body.effective_at = localToRfc3339(v.effective_at);
    return body;
  }
  if (type === 'access') {
    return { employee_number: v.employee_number, grant: accessItems(v.grant), revoke: accessItems(v.revoke), justification: v.justification };
  }
  if (type === 'call_code') {
    const body = { employee_number: v.employee_number, justification: v.justification };
    if (v.action && v.action !== 'issue') body.action = v.action;
    if (v.level && body.action !== 'revoke') body.level = v.level;
    return body;
  }
  return v;
}

export function typeLabel(type) {
  return label('type', type);
}
