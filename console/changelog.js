// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// changelog.js - the change-log table (tr[data-seq]) shared by the change log and a person's history
import { h } from './dom.js';
import { t, label } from './i18n.js';
import { table, timeEl, jsonBlock, requestLink } from './ui.js';

export function changelogTable(items, caption) {
  return table({
    caption, captionHidden: true,
    empty: t('changelog.none'),
    rows: items,
    cls: 'changelog',
    rowAttrs: (e) => ({ 'data-seq': e.seq }),
    columns: [
      { label: t('changelog.seq'), rowHeader: true, cell: (e) => [String(e.seq),
        e.sealed === false ? h('span', { class: 'muted', 'data-unsealed': '' }, ` (${t('changelog.unsealed')})`) : ''] },
      { label: t('col.when'), cell: (e) => timeEl(e.at) },
      { label: t('col.actor'), cell: (e) => [e.actor || '', e.actor_role ? h('span', { class: 'muted' }, ` (${label('role', e.actor_role)})`) : ''] },
      { label: t('col.request'), cell: (e) => (e.request_id ? requestLink(e.request_id) : '') },
      { label: t('field.employee_number'), cell: (e) => e.employee_number || '' },
      { label: t('col.system'), cell: (e) => e.system || '' },
      { label: t('col.action'), cell: (e) => h('code', {}, e.action || '') },
      { label: t('col.object'), cell: (e) => (e.object ? h('code', {}, e.object) : '') },
      { label: t('col.outcome'), cell: (e) => [label('outcome', e.outcome), e.error ? h('p', { class: 'error-text' }, e.error) : ''] },
      { label: t('col.change'), cell: (e) => [jsonBlock(e.before, t('common.before')), jsonBlock(e.after, t('common.after')),
        h('details', { class: 'json' }, h('summary', {}, t('changelog.hash')), h('pre', {}, `${t('verify.pos')}: ${e.pos ?? ''}\n${t('changelog.prev_hash')}: ${e.prev_hash || ''}\n${t('changelog.hash')}: ${e.hash || ''}`))] },
    ],
  });
}
