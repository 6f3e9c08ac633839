// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// #/audit/changelog - the change log (bitácora) with every filter of GET /v1/changelog,
// keyset paging, CSV / JSON Lines downloads and verification of the hash chain
import { h, clear } from '../dom.js';
import { pageTitle, section, field, options, rfc3339ToLocal, alertBox, dl, busy } from '../ui.js';
import { filterForm, qs, pick } from '../filters.js';
import { changelogTable } from '../changelog.js';

export const FILTERS = ['employee_number', 'system', 'action', 'actor', 'request_id', 'outcome', 'since', 'until', 'order', 'limit'];
export const probe = () => '/v1/changelog?limit=1';

function verifyPanel(ctx) {
  const { t, api } = ctx;
  const result = h('div', { class: 'verify-result', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', 'data-action': 'verify', onclick: async () => {
    await busy(panel, async () => {
      clear(result);
      let v;
      try {
        v = await api.get('/v1/changelog/verify');
      } catch (err) {
        result.append(alertBox(err));
        return;
      }
      const ok = !!v.ok;
      result.append(h('div', { class: ['callout', ok ? 'ok' : 'bad'], 'data-verify-result': ok ? 'ok' : 'broken' },
        h('p', {}, h('strong', {}, ok ? t('verify.ok') : t('verify.broken'))),
        dl([
          [t('verify.checked'), String(v.entries_checked ?? '')],
          [t('verify.head_pos'), String(v.head_pos ?? '')],
          [t('verify.head_hash'), h('code', { 'data-head-hash': v.head_hash || '' }, v.head_hash || '')],
          [t('verify.unsealed'), String(v.unsealed ? v.unsealed.count : '')],
          ...(v.first_bad ? [[t('verify.first_bad'), `${t('verify.pos')} ${v.first_bad.pos}: ${v.first_bad.kind} ${v.first_bad.detail || ''}`]] : []),
        ]),
        h('p', { class: 'muted' }, t('verify.record'))));
      ctx.status(ok ? t('verify.ok') : t('verify.broken'));
    });
  } }, t('verify.button'));
  const panel = h('div', {}, h('p', {}, t('verify.intro')), button, result);
  return panel;
}

export async function render(ctx) {
  const { t, api, query } = ctx;
  const f = pick(query, FILTERS);
  const data = await api.get('/v1/changelog', { ...f, cursor: query.get('cursor') || undefined });
  const exportQuery = { ...f };
  delete exportQuery.limit;
  const form = filterForm(ctx, 'audit/changelog', [
    field({ name: 'employee_number', label: t('field.employee_number'), value: f.employee_number }),
    field({ name: 'system', label: t('col.system'), value: f.system, hint: t('changelog.system_hint') }),
    field({ name: 'action', label: t('col.action'), value: f.action, hint: t('changelog.action_hint') }),
    field({ name: 'actor', label: t('col.actor'), value: f.actor, hint: t('changelog.actor_hint') }),
    field({ name: 'request_id', label: t('col.request'), type: 'number', min: 1, value: f.request_id }),
    field({ name: 'outcome', label: t('col.outcome'), type: 'select', value: f.outcome,
      options: options('outcome', ['ok', 'noop', 'notfound', 'conflict', 'retry', 'fail', 'config', 'resolved', 'cancelled'], true) }),
    field({ name: 'since', label: t('changelog.since'), type: 'datetime-local', value: rfc3339ToLocal(f.since) }),
    field({ name: 'until', label: t('changelog.until'), type: 'datetime-local', value: rfc3339ToLocal(f.until) }),
    field({ name: 'order', label: t('changelog.order'), type: 'select', value: f.order || 'desc',
      options: [{ value: 'desc', label: t('changelog.desc') }, { value: 'asc', label: t('changelog.asc') }] }),
    field({ name: 'limit', label: t('changelog.limit'), type: 'number', min: 1, max: 1000, value: f.limit || '' }),
  ], { dateFields: ['since', 'until'] });
  const downloads = h('p', { class: 'downloads' },
    h('a', { href: api.href('/v1/changelog', { ...exportQuery, format: 'csv' }), download: 'bitacora.csv', 'data-download': 'csv', class: 'button-link' }, t('changelog.csv')),
    ' ',
    h('a', { href: api.href('/v1/changelog', { ...exportQuery, format: 'jsonl' }), download: 'bitacora.jsonl', 'data-download': 'jsonl', class: 'button-link' }, t('changelog.jsonl')));
  const pager = h('nav', { class: 'pager', 'aria-label': t('common.pages') },
    query.get('cursor') ? h('a', { href: `#/audit/changelog${qs(f)}`, 'data-action': 'first-page' }, t('common.first_page')) : null,
    data.next_cursor ? h('a', { href: `#/audit/changelog${qs({ ...f, cursor: data.next_cursor })}`, 'data-action': 'next-page' }, t('common.next_page')) : null);
  return [
    ...pageTitle(t('page.audit-changelog'), t('changelog.intro')),
    form,
    section(t('changelog.entries'), [downloads, changelogTable(data.items || [], t('changelog.entries')), pager], { id: 'changelog-entries' }),
    section(t('verify.title'), verifyPanel(ctx), { id: 'changelog-verify' }),
  ];
}
