// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// #/audit/history - a person's history (the change log filtered by the person) and
// what access they held at a moment (GET /v1/people/{en}/access?at=)
import { h } from '../dom.js';
import { pageTitle, section, field, dl, timeEl, rfc3339ToLocal, jsonBlock, table, note, alertBox } from '../ui.js';
import { label } from '../i18n.js';
import { filterForm, qs, pick } from '../filters.js';
import { changelogTable } from '../changelog.js';

export const probe = () => '/v1/changelog?limit=1';

function accessView(t, a) {
  const systems = Object.entries(a.systems || {});
  return [
    dl([
      [t('history.at'), timeEl(a.at)],
      [t('field.status'), a.person_status ? label('personstatus', a.person_status) : t('common.unknown')],
      [t('history.account'), a.account_enabled === null || a.account_enabled === undefined ? t('history.no_account') : (a.account_enabled ? t('history.enabled') : t('history.disabled'))],
      [t('history.groups'), (a.groups || []).join(', ') || t('common.none')],
    ]),
    table({
      caption: t('history.systems'),
      empty: t('common.none'),
      rows: systems,
      rowAttrs: ([sys]) => ({ 'data-system': sys }),
      columns: [
        { label: t('col.system'), rowHeader: true, cell: ([sys]) => sys },
        { label: t('history.since'), cell: ([, v]) => timeEl(v.since) },
        { label: t('col.action'), cell: ([, v]) => h('code', {}, v.action || '') },
        { label: t('col.object'), cell: ([, v]) => (v.object ? h('code', {}, v.object) : '') },
        { label: t('history.state'), cell: ([, v]) => jsonBlock(v.state, t('common.details')) },
      ],
    }),
  ];
}

export async function render(ctx) {
  const { t, api, query } = ctx;
  const f = pick(query, ['employee_number', 'at']);
  const form = filterForm(ctx, 'audit/history', [
    field({ name: 'employee_number', label: t('field.employee_number'), value: f.employee_number, required: true }),
    field({ name: 'at', label: t('history.at_field'), type: 'datetime-local', value: rfc3339ToLocal(f.at), hint: t('history.at_hint') }),
  ], { dateFields: ['at'], submit: t('history.show') });
  const out = [...pageTitle(t('page.audit-history'), t('history.intro')), form];
  if (!f.employee_number) return [...out, note(t('history.pick'), 'muted')];
  const en = f.employee_number;
  const [log, access] = await Promise.all([
    api.get('/v1/changelog', { employee_number: en, order: 'asc', limit: 1000, cursor: query.get('cursor') || undefined }),
    api.get(`/v1/people/${encodeURIComponent(en)}/access`, { at: f.at }).catch((e) => ({ error: e })),
  ]);
  out.push(section(t('history.access_at', { en }), access.error ? alertBox(access.error) : accessView(t, access), { id: 'history-access' }));
  out.push(section(t('history.log', { en }), [
    h('p', { class: 'downloads' },
      h('a', { href: api.href('/v1/changelog', { employee_number: en, order: 'asc', format: 'csv' }), download: `historial-${en}.csv`, 'data-download': 'csv', class: 'button-link' }, t('changelog.csv')), ' ',
      h('a', { href: api.href('/v1/changelog', { employee_number: en, order: 'asc', format: 'jsonl' }), download: `historial-${en}.jsonl`, 'data-download': 'jsonl', class: 'button-link' }, t('changelog.jsonl'))),
    changelogTable(log.items || [], t('history.log', { en })),
    log.next_cursor ? h('nav', { class: 'pager', 'aria-label': t('common.pages') },
      h('a', { href: `#/audit/history${qs({ ...f, cursor: log.next_cursor })}`, 'data-action': 'next-page' }, t('common.next_page'))) : null,
  ], { id: 'history-log' }));
  return out;
}
