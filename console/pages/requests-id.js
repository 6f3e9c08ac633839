// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// #/requests/<id> - one request: summary, actions, person, timeline, operations,
// dry-run plan (before approval), manual tasks, and the technical report
import { h } from '../dom.js';
import { label } from '../i18n.js';
import { pageTitle, section, table, dl, timeEl, jsonBlock, personName, note } from '../ui.js';
import { actionPanel } from '../actions.js';
import { tasksTable } from '../tasks.js';
import { reportView } from '../report.js';

const PLAN_STATES = ['submitted', 'returned', 'tim_review'];
const REPORT_STATES = ['report_review', 'concluding', 'concluded', 'closed'];

function valueOf(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return h('code', { class: 'json-inline' }, JSON.stringify(v));
  return String(v);
}

function timeline(t, steps) {
  if (!steps || steps.length === 0) return note(t('common.none'), 'empty');
  return h('ol', { class: 'timeline' }, steps.map((s) => h('li', { 'data-step-action': s.action },
    h('div', { class: 'tl-head' },
      h('strong', {}, label('action', s.action)), ' ',
      h('span', { class: 'tl-who' }, t('timeline.by', { actor: s.actor || '?', role: label('role', s.actor_role) })), ' · ',
      timeEl(s.at)),
    h('div', { class: 'tl-states' }, `${s.from_state ? label('state', s.from_state) : '—'} → ${label('state', s.to_state)}`),
    s.note ? h('blockquote', { class: 'tl-note' }, s.note) : null)));
}

function operations(t, ops) {
  return table({
    caption: t('request.operations'), captionHidden: true,
    empty: t('request.no_operations'),
    rows: ops || [],
    rowAttrs: (o) => ({ 'data-operation-id': o.id, 'data-state': o.state }),
    columns: [
      { label: t('col.instance'), rowHeader: true, cell: (o) => o.instance },
      { label: t('col.round'), cell: (o) => String(o.round ?? '') },
      { label: t('col.intent'), cell: (o) => label('intent', o.intent) },
      { label: t('col.state'), cell: (o) => h('span', { class: `opstate opstate-${o.state}` }, label('opstate', o.state)) },
      { label: t('col.outcome'), cell: (o) => (o.outcome ? label('outcome', o.outcome) : '') },
      { label: t('col.attempts'), cell: (o) => String(o.attempts ?? '') },
      { label: t('col.message'), cell: (o) => o.message || '' },
      { label: t('col.object'), cell: (o) => (o.object ? h('code', {}, o.object) : '') },
      { label: t('col.updated'), cell: (o) => timeEl(o.updated_at) },
    ],
  });
}

function planView(t, p) {
  return [
    dl([[t('col.intent'), label('intent', p.intent)], [t('plan.mode'), p.manual ? t('plan.manual') : t('plan.plugins')]]),
    table({
      caption: t('request.plan'), captionHidden: true,
      empty: t('plan.empty'),
      rows: p.plan || [],
      columns: [
        { label: t('col.instance'), rowHeader: true, cell: (x) => x.instance },
        { label: t('col.intent'), cell: (x) => label('intent', x.intent) },
        { label: t('col.would'), cell: (x) => label('would', x.status) },
        { label: t('col.message'), cell: (x) => x.message || '' },
        { label: t('col.object'), cell: (x) => (x.object ? h('code', {}, x.object) : '') },
        { label: t('col.change'), cell: (x) => [jsonBlock(x.before, t('common.before')), jsonBlock(x.after, t('common.after'))] },
      ],
    }),
  ];
}

export async function render(ctx) {
  const { t, api, params } = ctx;
  const id = params.id;
  const r = await api.get(`/v1/requests/${id}`);
  const [plan, report] = await Promise.all([
    PLAN_STATES.includes(r.state) && ['hire', 'exit', 'transfer'].includes(r.type)
      ? api.get(`/v1/requests/${id}/plan`).catch((e) => ({ error: e })) : null,
    REPORT_STATES.includes(r.state) ? api.get(`/v1/requests/${id}/report`).catch((e) => ({ error: e })) : null,
  ]);
  const p = r.person || {};
  const panel = actionPanel(ctx, r);
  const out = [
    ...pageTitle(t('request.title', { id: r.id, type: label('type', r.type) })),
    h('div', { class: 'summary no-print-report' },
      dl([
        [t('col.state'), h('span', { class: 'state', 'data-state': r.state }, label('state', r.state))],
        [t('col.step'), r.step],
        [t('col.person'), `${personName(p)}${p.employee_number ? ` (${p.employee_number})` : ''}`],
        [t('col.submitted_by'), r.submitted_by ? `${r.submitted_by}${r.submitted_role ? ` (${label('role', r.submitted_role)})` : ''}` : ''],
        [t('col.created'), timeEl(r.created_at)],
        [t('col.updated'), timeEl(r.updated_at)],
        [t('field.effective_at'), r.effective_at ? timeEl(r.effective_at) : ''],
        [t('request.mode'), r.provisioning_mode ? label('mode', r.provisioning_mode) : ''],
        [t('report.conclusion'), r.conclusion],
        [t('request.closed_at'), r.closed_at ? timeEl(r.closed_at) : ''],
      ])),
    section(t('request.actions'), panel || note(t('request.no_actions'), 'empty'), { class: 'no-print-report' }),
    section(t('request.person'), dl([
      [t('field.employee_number'), p.employee_number],
      [t('field.name'), personName(p)],
      [t('field.national_id'), p.national_id],
      [t('field.uid'), p.uid],
      [t('field.mail'), p.mail],
      [t('field.unit'), p.unit],
      [t('field.position'), p.position],
      [t('field.contract_type'), p.contract_type ? label('contract', p.contract_type) : ''],
      [t('field.start_date'), p.start_date ? timeEl(p.start_date, true) : ''],
      [t('field.end_date'), p.end_date ? timeEl(p.end_date, true) : ''],
      [t('field.status'), p.status ? label('personstatus', p.status) : ''],
      [t('field.extension'), p.extension],
    ]), { class: 'no-print-report' }),
    section(t('request.payload'), dl(Object.entries(r.payload || {}).map(([k, v]) => [t(`field.${k}`) === `field.${k}` ? k : t(`field.${k}`), valueOf(v)])), { class: 'no-print-report' }),
    section(t('request.timeline'), timeline(t, r.steps), { class: 'no-print-report' }),
    section(t('request.operations'), operations(t, r.operations), { class: 'no-print-report' }),
  ];
  if (plan) {
    out.push(section(t('request.plan'), plan.error
      ? note(t('plan.unavailable', { message: plan.error.message }), 'muted')
      : [h('p', { class: 'intro' }, t('plan.intro')), ...planView(t, plan)], { class: 'no-print-report plan' }));
  }
  if (r.tasks && r.tasks.length) out.push(section(t('request.tasks'), tasksTable(ctx, r.tasks, { captionHidden: true }), { class: 'no-print-report' }));
  if (report) {
    if (report.error) {
      if (report.error.status !== 409) out.push(note(t('report.unavailable', { message: report.error.message }), 'muted'));
    } else {
      out.push(reportView(report, r.id));
    }
  }
  return out;
}
