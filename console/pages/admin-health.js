// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// #/admin/health - GET /v1/health: database, directory, plugins, outbox
import { h } from '../dom.js';
import { label, fmtDuration } from '../i18n.js';
import { pageTitle, section, table, dl } from '../ui.js';

export async function render(ctx) {
  const { t, api } = ctx;
  const hl = await api.get('/v1/health', null, { okStatus: [503] });
  const parts = [['database', hl.database], ['directory', hl.directory], ...Object.entries(hl.plugins || {}).map(([k, v]) => [`plugin:${k}`, v])];
  const ok = hl.status === 'ok';
  const o = hl.outbox;
  return [
    ...pageTitle(t('page.admin-health')),
    h('div', { class: ['callout', ok ? 'ok' : 'bad'], 'data-health': hl.status }, h('strong', {}, ok ? t('health.ok') : t('health.unavailable'))),
    section(t('health.parts'), table({
      caption: t('health.parts'), captionHidden: true,
      rows: parts.filter(([, v]) => v),
      rowAttrs: ([k, v]) => ({ 'data-part': k, 'data-status': v.status }),
      columns: [
        { label: t('health.part'), rowHeader: true, cell: ([k]) => (k.startsWith('plugin:') ? t('health.plugin', { name: k.slice(7) }) : t(`health.${k}`)) },
        { label: t('col.state'), cell: ([, v]) => h('span', { class: `health-${v.status}` }, label('health', v.status)) },
        { label: t('col.message'), cell: ([, v]) => v.error || '' },
      ],
    })),
    o ? section(t('dashboard.outbox'), dl([
      [t('dashboard.outbox_pending'), String(o.pending ?? 0)],
      [t('health.oldest'), o.oldest_pending_seconds !== null && o.oldest_pending_seconds !== undefined ? fmtDuration(o.oldest_pending_seconds) : t('common.none')],
      [t('health.relay'), label('relay', o.relay)],
    ])) : null,
  ];
}
