// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// #/unit/people - the people of a unit (GET /v1/people?unit=): unit heads see their own
import { h } from '../dom.js';
import { label } from '../i18n.js';
import { pageTitle, section, table, field, personName } from '../ui.js';
import { filterForm, qs } from '../filters.js';

export const probe = (ctx) => `/v1/people?unit=${encodeURIComponent((ctx.session && ctx.session.unit) || '')}&limit=1`;

// A <datalist> of the caller's unit's people, for employee-number fields (null when none)
export async function peopleDatalist(ctx, id) {
  const unit = ctx.session && ctx.session.unit;
  if (!unit) return null;
  const data = await ctx.api.get('/v1/people', { unit, limit: 200 }).catch(() => null);
  if (!data || !(data.items || []).length) return null;
  return h('datalist', { id }, data.items.map((p) => h('option', { value: p.employee_number }, `${personName(p)} · ${p.position || ''}`)));
}

export async function render(ctx) {
  const { t, api, query, session } = ctx;
  const anyUnit = ctx.hasRole('tim_head', 'tim_lead', 'tim_tech', 'hr', 'auditor');
  const unit = (anyUnit && query.get('unit')) || session.unit || '';
  const data = await api.get('/v1/people', { unit, limit: 200, cursor: query.get('cursor') || undefined });
  const isHead = ctx.hasRole('unit_head');
  const canAccess = ctx.hasRole('unit_head', 'tim_head', 'tim_lead', 'tim_tech');
  return [
    ...pageTitle(t('page.unit-people'), t('people.intro', { unit })),
    anyUnit ? filterForm(ctx, 'unit/people', [field({ name: 'unit', label: t('field.unit'), value: unit })]) : null,
    section(t('people.list', { unit }), [table({
      caption: t('people.list', { unit }), captionHidden: true,
      empty: t('people.none'),
      rows: data.items || [],
      rowAttrs: (p) => ({ 'data-employee-number': p.employee_number }),
      columns: [
        { label: t('field.name'), rowHeader: true, cell: (p) => personName(p) },
        { label: t('field.employee_number'), cell: (p) => p.employee_number },
        { label: t('field.position'), cell: (p) => p.position || '' },
        { label: t('field.status'), cell: (p) => label('personstatus', p.status) },
        { label: t('field.uid'), cell: (p) => p.uid || '' },
        { label: t('field.mail'), cell: (p) => p.mail || '' },
        { label: t('field.extension'), cell: (p) => p.extension || '' },
        { label: t('col.actions'), cell: (p) => h('div', { class: 'links' },
          canAccess ? h('a', { href: `#/unit/access?employee_number=${encodeURIComponent(p.employee_number)}` }, t('people.ask_access')) : null,
          isHead ? h('a', { href: `#/unit/callcode?employee_number=${encodeURIComponent(p.employee_number)}` }, t('people.ask_callcode')) : null) },
      ],
    }),
    data.next_cursor ? h('nav', { class: 'pager', 'aria-label': t('common.pages') },
      h('a', { href: `#/unit/people${qs({ unit: anyUnit ? unit : '', cursor: data.next_cursor })}`, 'data-action': 'next-page' }, t('common.next_page'))) : null]),
  ];
}
