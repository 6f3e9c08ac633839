// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// #/requests - every request I may see (GET /v1/requests), filtered and paged
import { h } from '../dom.js';
import { label } from '../i18n.js';
import { pageTitle, section, table, field, options, timeEl, personName, requestLink, TYPES, STATES, rfc3339ToLocal } from '../ui.js';
import { filterForm, qs, pick } from '../filters.js';

const KEYS = ['type', 'state', 'employee_number', 'submitted_by', 'created_after', 'created_before', 'limit'];
export const probe = () => '/v1/requests?limit=1';

export function requestsTable(ctx, items, caption) {
  const { t } = ctx;
  return table({
    caption,
    empty: t('requests.none'),
    rows: items,
    rowAttrs: (r) => ({ 'data-request-id': r.id, 'data-type': r.type, 'data-state': r.state }),
    columns: [
      { label: t('col.request'), rowHeader: true, cell: (r) => requestLink(r.id) },
      { label: t('col.procedure'), cell: (r) => label('type', r.type) },
      { label: t('col.person'), cell: (r) => [personName(r.person), r.person && r.person.employee_number ? h('span', { class: 'muted' }, ` (${r.person.employee_number})`) : ''] },
      { label: t('col.state'), cell: (r) => label('state', r.state) },
      { label: t('col.submitted_by'), cell: (r) => r.submitted_by || '' },
      { label: t('col.created'), cell: (r) => timeEl(r.created_at) },
      { label: t('col.updated'), cell: (r) => timeEl(r.updated_at) },
    ],
  });
}

export async function render(ctx) {
  const { t, api, query } = ctx;
  const f = pick(query, KEYS);
  const data = await api.get('/v1/requests', { ...f, cursor: query.get('cursor') || undefined });
  const form = filterForm(ctx, 'requests', [
    field({ name: 'type', label: t('col.procedure'), type: 'select', value: f.type, options: options('type', TYPES, true) }),
    field({ name: 'state', label: t('col.state'), type: 'select', value: f.state, options: options('state', STATES, true) }),
    field({ name: 'employee_number', label: t('field.employee_number'), value: f.employee_number }),
    field({ name: 'submitted_by', label: t('col.submitted_by'), value: f.submitted_by }),
    field({ name: 'created_after', label: t('field.created_after'), type: 'datetime-local', value: rfc3339ToLocal(f.created_after) }),
    field({ name: 'created_before', label: t('field.created_before'), type: 'datetime-local', value: rfc3339ToLocal(f.created_before) }),
  ], { dateFields: ['created_after', 'created_before'] });
  const pager = h('nav', { class: 'pager', 'aria-label': t('common.pages') },
    query.get('cursor') ? h('a', { href: `#/requests${qs(f)}`, 'data-action': 'first-page' }, t('common.first_page')) : null,
    data.next_cursor ? h('a', { href: `#/requests${qs({ ...f, cursor: data.next_cursor })}`, 'data-action': 'next-page' }, t('common.next_page')) : null);
  return [
    ...pageTitle(t('page.requests')),
    form,
    section(t('requests.results'), [requestsTable(ctx, data.items || [], t('requests.caption')), pager]),
  ];
}
