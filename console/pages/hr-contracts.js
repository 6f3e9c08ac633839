// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// #/hr/contracts - consultants whose contracts end soon, with extension (HR)
import { h } from '../dom.js';
import { pageTitle, section, table, field, timeEl, showError, busy, personName } from '../ui.js';
import { filterForm, pick } from '../filters.js';

export const probe = () => '/v1/contracts/ending';

function extendForm(ctx, p) {
  const { t, api } = ctx;
  const form = h('form', { class: 'inline-form', novalidate: true },
    field({ name: 'end_date', label: t('contracts.new_end', { name: personName(p) }), type: 'date', required: true }),
    h('button', { type: 'submit', 'data-action': 'extend' }, t('contracts.extend')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const end = form.elements.end_date.value;
    busy(form, async () => {
      try {
        await api.post(`/v1/people/${encodeURIComponent(p.employee_number)}/contract`, end ? { end_date: end } : {});
      } catch (err) {
        showError(form, err);
        return;
      }
      ctx.status(t('contracts.extended', { name: personName(p), date: end }));
      await ctx.refresh();
    });
  });
  return form;
}

export async function render(ctx) {
  const { t, api, query } = ctx;
  const f = pick(query, ['days']);
  const data = await api.get('/v1/contracts/ending', f);
  const canExtend = ctx.hasRole('hr');
  return [
    ...pageTitle(t('page.hr-contracts'), t('contracts.intro', { days: data.days })),
    filterForm(ctx, 'hr/contracts', [field({ name: 'days', label: t('contracts.days'), type: 'number', min: 0, max: 3650, value: f.days || data.days })]),
    section(t('contracts.list'), table({
      caption: t('contracts.list'), captionHidden: true,
      empty: t('contracts.none'),
      rows: data.items || [],
      rowAttrs: (p) => ({ 'data-employee-number': p.employee_number, class: p.days_left < 0 ? 'overdue' : null }),
      columns: [
        { label: t('col.person'), rowHeader: true, cell: (p) => `${personName(p)} (${p.employee_number})` },
        { label: t('field.unit'), cell: (p) => p.unit || '' },
        { label: t('field.position'), cell: (p) => p.position || '' },
        { label: t('field.end_date'), cell: (p) => timeEl(p.end_date, true) },
        { label: t('contracts.days_left'), cell: (p) => (p.days_left < 0 ? t('contracts.past', { n: -p.days_left }) : t('contracts.left', { n: p.days_left })) },
        ...(canExtend ? [{ label: t('col.actions'), cell: (p) => extendForm(ctx, p) }] : []),
      ],
    })),
  ];
}
