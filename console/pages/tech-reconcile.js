// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// #/tech/reconcile - the drift report (GET /v1/reconcile) and repairing one person's drift
import { h } from '../dom.js';
import { label } from '../i18n.js';
import { pageTitle, section, table, dl, field, jsonBlock, showError, busy } from '../ui.js';
import { filterForm, pick } from '../filters.js';

export const probe = () => '/v1/reconcile?employee_number=0';

function itemsTable(ctx, items, caption, withRepair) {
  const { t, api } = ctx;
  const people = new Set();
  return table({
    caption, captionHidden: true,
    empty: t('reconcile.no_drift'),
    rows: items,
    rowAttrs: (d) => ({ 'data-employee-number': d.employee_number, 'data-kind': d.kind, 'data-instance': d.instance }),
    columns: [
      { label: t('field.employee_number'), rowHeader: true, cell: (d) => d.employee_number },
      { label: t('col.instance'), cell: (d) => d.instance },
      { label: t('reconcile.kind'), cell: (d) => label('driftkind', d.kind) },
      { label: t('col.intent'), cell: (d) => label('intent', d.intent) },
      { label: t('col.would'), cell: (d) => label('would', d.status) },
      { label: t('col.message'), cell: (d) => [d.message || '', d.repair ? h('p', { class: 'repair' }, `${t('reconcile.repair_result')}: ${label('outcome', d.repair.status)} ${d.repair.message || ''}`) : ''] },
      { label: t('col.change'), cell: (d) => [jsonBlock(d.before, t('common.before')), jsonBlock(d.after, t('common.after'))] },
      ...(withRepair ? [{ label: t('col.actions'), cell: (d) => {
        if (d.kind !== 'drift' || people.has(d.employee_number)) return '';
        people.add(d.employee_number);
        return h('button', { type: 'button', 'data-action': 'repair', onclick: async (ev) => {
          const cell = ev.target.closest('td');
          await busy(cell, async () => {
            let r;
            try {
              r = await api.post('/v1/reconcile/repair', { employee_number: d.employee_number });
            } catch (err) {
              showError(cell, err);
              return;
            }
            ctx.status(t('reconcile.repaired', { en: d.employee_number, n: r.drift ?? 0 }));
            await ctx.refresh();
          });
        } }, t('reconcile.repair', { en: d.employee_number }));
      } }] : []),
    ],
  });
}

export async function render(ctx) {
  const { t, api, query } = ctx;
  const f = pick(query, ['employee_number']);
  const r = await api.get('/v1/reconcile', f);
  const items = r.items || [];
  return [
    ...pageTitle(t('page.tech-reconcile'), t('reconcile.intro')),
    filterForm(ctx, 'tech/reconcile', [field({ name: 'employee_number', label: t('field.employee_number'), value: f.employee_number, hint: t('reconcile.one_hint') })], { submit: t('reconcile.check') }),
    dl([[t('reconcile.people_checked'), String(r.people_checked ?? '')], [t('reconcile.instances'), String(r.instances ?? '')], [t('reconcile.drift'), String(r.drift ?? 0)]], 'facts counters'),
    section(t('reconcile.items'), itemsTable(ctx, items, t('reconcile.items'), ctx.hasRole('tim_tech'))),
  ];
}
