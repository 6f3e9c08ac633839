// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// #/dashboard - for the head of TIM: open requests by procedure and state, the oldest
// waiting, the queue's backlog and dead operations, the outbox backlog
import { h } from '../dom.js';
import { label, fmtDuration, fmtNumber } from '../i18n.js';
import { pageTitle, section, table, timeEl } from '../ui.js';
import { barChart } from '../charts.js';

export const probe = () => '/v1/dashboard';

export async function render(ctx) {
  const { t, api } = ctx;
  const d = await api.get('/v1/dashboard');
  const reqs = d.requests || [];
  const byType = new Map();
  for (const r of reqs) byType.set(r.type, (byType.get(r.type) || 0) + (r.count || 0));
  const oldest = reqs.filter((r) => r.oldest_age_seconds !== null && r.oldest_age_seconds !== undefined)
    .sort((a, b) => b.oldest_age_seconds - a.oldest_age_seconds);
  const q = d.queue || {};
  const o = d.outbox || {};
  const total = [...byType.values()].reduce((a, b) => a + b, 0);
  return [
    ...pageTitle(t('page.dashboard'), t('dashboard.intro', { n: total })),
    h('div', { class: 'dash-grid' },
      section(t('dashboard.by_type'), barChart({
        title: t('dashboard.by_type'), labelHeader: t('col.procedure'), valueLabel: t('dashboard.open'),
        rows: [...byType.entries()].map(([type, n]) => ({ label: label('type', type), value: n })),
      }), { id: 'dash-type' }),
      section(t('dashboard.queue'), barChart({
        title: t('dashboard.queue'), labelHeader: t('col.state'), valueLabel: t('dashboard.operations'),
        rows: [
          { label: t('queue.pending'), value: q.pending || 0 },
          { label: t('queue.running'), value: q.running || 0 },
          { label: t('queue.retrying'), value: q.retrying || 0, cls: 'warn' },
          { label: t('queue.dead'), value: q.dead || 0, cls: 'bad' },
        ],
      }), { id: 'dash-queue' }),
      section(t('dashboard.oldest'), oldest.length ? barChart({
        title: t('dashboard.oldest'), labelHeader: t('col.step'), valueLabel: t('dashboard.waiting'), format: fmtDuration,
        rows: oldest.slice(0, 8).map((r) => ({ label: `${label('type', r.type)} · ${label('state', r.state)}`, value: r.oldest_age_seconds })),
      }) : h('p', { class: 'empty' }, t('dashboard.nothing_waiting')), { id: 'dash-oldest' }),
      section(t('dashboard.outbox'), [
        barChart({
          title: t('dashboard.outbox'), labelHeader: t('col.state'), valueLabel: t('dashboard.messages'),
          rows: [{ label: t('dashboard.outbox_pending'), value: o.pending || 0, cls: o.pending ? 'warn' : null }],
        }),
        h('p', {}, o.oldest_pending_age_seconds !== null && o.oldest_pending_age_seconds !== undefined
          ? t('dashboard.outbox_oldest', { age: fmtDuration(o.oldest_pending_age_seconds) }) : t('dashboard.outbox_empty')),
      ], { id: 'dash-outbox' })),
    section(t('dashboard.by_state'), table({
      caption: t('dashboard.by_state'), captionHidden: true,
      empty: t('dashboard.nothing_open'),
      rows: reqs,
      rowAttrs: (r) => ({ 'data-type': r.type, 'data-state': r.state }),
      columns: [
        { label: t('col.procedure'), rowHeader: true, cell: (r) => label('type', r.type) },
        { label: t('col.state'), cell: (r) => label('state', r.state) },
        { label: t('dashboard.open'), cell: (r) => fmtNumber(r.count) },
        { label: t('dashboard.oldest_since'), cell: (r) => timeEl(r.oldest_waiting_since) },
        { label: t('dashboard.waiting'), cell: (r) => fmtDuration(r.oldest_age_seconds) },
      ],
    }), { id: 'dash-table' }),
  ];
}
