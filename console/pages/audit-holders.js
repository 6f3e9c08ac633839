// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// #/audit/holders - who held a group (an access level kept as a group) of a system at time T
import { h } from '../dom.js';
import { pageTitle, section, field, table, timeEl, rfc3339ToLocal, note, dl } from '../ui.js';
import { filterForm, pick } from '../filters.js';

export const probe = () => '/v1/access/holders?system=x&group=x';

export async function render(ctx) {
  const { t, api, query } = ctx;
  const f = pick(query, ['system', 'group', 'at']);
  const health = await api.get('/v1/health', null, { okStatus: [503] }).catch(() => null);
  const instances = Object.keys((health && health.plugins) || {});
  const list = instances.length ? h('datalist', { id: 'holder-systems' }, instances.map((i) => h('option', { value: i }))) : null;
  const form = filterForm(ctx, 'audit/holders', [
    field({ name: 'system', label: t('holders.system'), value: f.system, required: true, list: list ? 'holder-systems' : null, hint: t('holders.system_hint') }),
    field({ name: 'group', label: t('holders.group'), value: f.group, required: true, hint: t('holders.group_hint') }),
    field({ name: 'at', label: t('history.at_field'), type: 'datetime-local', value: rfc3339ToLocal(f.at), hint: t('history.at_hint') }),
  ], { dateFields: ['at'], submit: t('holders.show') });
  const out = [...pageTitle(t('page.audit-holders'), t('holders.intro')), list, form];
  if (!f.system || !f.group) return [...out, note(t('holders.pick'), 'muted')];
  const r = await api.get('/v1/access/holders', f);
  out.push(section(t('holders.result', { group: r.group, system: r.system }), [
    dl([[t('history.at'), timeEl(r.at)]]),
    table({
      caption: t('holders.result', { group: r.group, system: r.system }), captionHidden: true,
      empty: t('holders.none'),
      rows: r.holders || [],
      rowAttrs: (x) => ({ 'data-employee-number': x.employee_number }),
      columns: [
        { label: t('field.employee_number'), rowHeader: true, cell: (x) => h('a', { href: `#/audit/history?employee_number=${encodeURIComponent(x.employee_number)}` }, x.employee_number) },
        { label: t('history.since'), cell: (x) => timeEl(x.since) },
        { label: t('changelog.seq'), cell: (x) => String(x.seq ?? '') },
      ],
    }),
  ]));
  return out;
}
