// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// report.js - the technical report (informe técnico) of a request, for reading and printing
import { h } from './dom.js';
import { t, label } from './i18n.js';
import { section, table, dl, timeEl, jsonBlock, personName } from './ui.js';
import * as api from './api.js';

function stepsTable(steps, caption) {
  return table({
    caption, captionHidden: true,
    rows: steps || [],
    empty: t('common.none'),
    columns: [
      { label: t('col.when'), rowHeader: true, cell: (s) => timeEl(s.at) },
      { label: t('col.action'), cell: (s) => label('action', s.action) },
      { label: t('col.actor'), cell: (s) => s.actor || '' },
      { label: t('col.role'), cell: (s) => label('role', s.actor_role) },
      { label: t('col.transition'), cell: (s) => `${s.from_state ? label('state', s.from_state) : '—'} → ${label('state', s.to_state)}` },
      { label: t('col.note'), cell: (s) => s.note || '' },
    ],
  });
}

// what the details hold, for paper (shown only when printing)
function printJson(o) {
  const parts = [];
  if (o.before) parts.push(`${t('common.before')}: ${JSON.stringify(o.before)}`);
  if (o.after) parts.push(`${t('common.after')}: ${JSON.stringify(o.after)}`);
  return parts.length ? h('pre', { class: 'print-only' }, parts.join('\n')) : '';
}

export function reportView(r, id) {
  const p = r.person || {};
  const printBtn = h('button', { type: 'button', 'data-action': 'print', onclick: () => {
    document.body.classList.add('print-report');
    window.addEventListener('afterprint', () => document.body.classList.remove('print-report'), { once: true });
    window.print();
  } }, t('report.print'));
  return section(t('report.title'), [
    h('div', { class: 'buttons no-print' }, printBtn,
      h('a', { href: api.href(`/v1/requests/${id}/report`, { format: 'markdown' }), download: `informe-${id}.md`, 'data-download': 'markdown', class: 'button-link' }, t('report.markdown'))),
    h('article', { class: 'report-body' },
      dl([
        [t('col.request'), t('request.number', { id: r.request_id || id })],
        [t('col.procedure'), label('type', r.type)],
        [t('col.state'), label('state', r.state)],
        [t('col.person'), `${personName(p)}${p.employee_number ? ` (${p.employee_number})` : ''}`],
        [t('field.uid'), p.uid],
        [t('field.mail'), p.mail],
        [t('field.unit'), p.unit],
        [t('field.position'), p.position],
      ]),
      h('h3', {}, t('report.operations')),
      table({
        caption: t('report.operations'), captionHidden: true,
        rows: r.operations || [],
        empty: t('report.no_operations'),
        columns: [
          { label: t('col.when'), rowHeader: true, cell: (o) => timeEl(o.at) },
          { label: t('col.system'), cell: (o) => o.system || '' },
          { label: t('col.action'), cell: (o) => o.action || '' },
          { label: t('col.object'), cell: (o) => h('code', {}, o.object || '') },
          { label: t('col.outcome'), cell: (o) => [label('outcome', o.outcome), o.error ? h('p', { class: 'error-text' }, o.error) : ''] },
          { label: t('col.actor'), cell: (o) => o.actor || '' },
          { label: t('col.change'), cell: (o) => [jsonBlock(o.before, t('common.before')), jsonBlock(o.after, t('common.after')), printJson(o)] },
        ],
      }),
      h('h3', {}, t('report.manual_work')),
      (r.manual_work && r.manual_work.length) ? stepsTable(r.manual_work, t('report.manual_work')) : h('p', {}, t('report.no_manual')),
      h('h3', {}, t('report.steps')),
      stepsTable(r.steps, t('report.steps')),
      h('h3', {}, t('report.approval')),
      r.approved ? dl([[t('col.actor'), r.approved.by], [t('col.role'), label('role', r.approved.role)], [t('col.when'), timeEl(r.approved.at)]])
        : h('p', {}, t('report.not_approved')),
      h('h3', {}, t('report.conclusion')),
      h('p', { class: 'conclusion' }, r.conclusion || t('report.no_conclusion'))),
  ], { class: 'report' });
}
