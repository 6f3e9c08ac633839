// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// #/tech/queue - the plugins' job queue: dead operations (retry, resolve with a note)
// and those waiting for a retry
import { h } from '../dom.js';
import { label } from '../i18n.js';
import { pageTitle, section, table, dl, timeEl, showError, busy, noteForm, requestLink } from '../ui.js';

export const probe = () => '/v1/queue';

function resolveForm(ctx, op, slot, button) {
  const { t, api } = ctx;
  noteForm(ctx, slot, button, {
    legend: t('queue.resolve_legend', { id: op.id, instance: op.instance }), label: t('queue.resolve_note'),
    submit: t('queue.resolve'), doneText: t('queue.resolved', { id: op.id }),
    send: (note) => api.post(`/v1/operations/${op.id}/resolve`, { note }),
  });
}

function opsTable(ctx, ops, caption, canRetry) {
  const { t, api } = ctx;
  const mayAct = ctx.hasRole('tim_tech');
  return table({
    caption, captionHidden: true,
    empty: t('queue.none'),
    rows: ops,
    rowAttrs: (o) => ({ 'data-operation-id': o.id, 'data-state': o.state }),
    columns: [
      { label: t('col.operation'), rowHeader: true, cell: (o) => `#${o.id}` },
      { label: t('col.request'), cell: (o) => (o.request_id ? requestLink(o.request_id) : '') },
      { label: t('col.instance'), cell: (o) => o.instance },
      { label: t('col.intent'), cell: (o) => label('intent', o.intent) },
      { label: t('col.outcome'), cell: (o) => (o.outcome ? label('outcome', o.outcome) : label('opstate', o.state)) },
      { label: t('col.attempts'), cell: (o) => String(o.attempts ?? '') },
      { label: t('col.message'), cell: (o) => o.message || '' },
      { label: t('queue.next_at'), cell: (o) => (o.state === 'dead' ? '' : timeEl(o.next_at)) },
      ...(mayAct ? [{ label: t('col.actions'), cell: (o) => {
        const slot = h('div', {});
        const retry = canRetry ? h('button', { type: 'button', 'data-action': 'retry', onclick: async (ev) => {
          const cell = ev.target.closest('td');
          await busy(cell, async () => {
            try {
              await api.post(`/v1/operations/${o.id}/retry`);
            } catch (err) {
              showError(cell, err);
              return;
            }
            ctx.status(t('queue.retried', { id: o.id }));
            await ctx.refresh();
          });
        } }, t('queue.retry')) : null;
        const resolve = h('button', { type: 'button', 'data-action': 'resolve', onclick: () => resolveForm(ctx, o, slot, resolve) }, t('queue.resolve'));
        return [h('div', { class: 'buttons' }, retry, resolve), slot];
      } }] : []),
    ],
  });
}

export async function render(ctx) {
  const { t, api } = ctx;
  const q = await api.get('/v1/queue');
  return [
    ...pageTitle(t('page.tech-queue'), t('queue.intro')),
    dl([
      [t('queue.pending'), String(q.pending ?? 0)],
      [t('queue.running'), String(q.running ?? 0)],
      [t('queue.dead'), String(q.dead ?? 0)],
      [t('queue.next_retry'), q.next_retry_at ? timeEl(q.next_retry_at) : t('common.none')],
    ], 'facts counters'),
    section(t('queue.failed'), opsTable(ctx, q.failed || [], t('queue.failed'), true), { id: 'queue-failed' }),
    section(t('queue.retrying'), opsTable(ctx, q.retrying || [], t('queue.retrying'), false), { id: 'queue-retrying' }),
  ];
}
