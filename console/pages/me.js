// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// #/me - staff: what access I hold, my requests waiting for me (verify: confirm, or reject
// with what is missing), and asking for a call code
import { h } from '../dom.js';
import { label } from '../i18n.js';
import { pageTitle, section, table, dl, timeEl, personName, requestLink, note } from '../ui.js';
import { filingForm } from '../filing.js';
import { inboxTable } from './inbox.js';

export async function render(ctx) {
  const { t, api, session } = ctx;
  const en = session.employee_number;
  if (!en) {
    return [...pageTitle(t('page.me')), note(t('me.no_number'), 'callout')];
  }
  const [p, inbox] = await Promise.all([
    api.get(`/v1/people/${encodeURIComponent(en)}`),
    api.get('/v1/inbox').catch(() => ({ items: [] })),
  ]);
  const mine = (inbox.items || []).filter((it) => it.request.person && it.request.person.employee_number === en);
  const grants = p.access_grants || [];
  const open = (p.requests || []).filter((r) => !['closed', 'cancelled'].includes(r.state));
  return [
    ...pageTitle(t('page.me'), t('me.intro', { name: personName(p) || session.display_name })),
    section(t('me.waiting'), inboxTable(ctx, mine, t('me.waiting')), { id: 'me-waiting' }),
    section(t('me.access'), [
      dl([
        [t('field.uid'), p.uid], [t('field.mail'), p.mail], [t('field.unit'), p.unit], [t('field.position'), p.position],
        [t('field.status'), label('personstatus', p.status)], [t('field.extension'), p.extension],
      ]),
      h('p', { class: 'muted' }, t('me.birthright')),
      table({
        caption: t('me.grants'),
        empty: t('me.no_grants'),
        rows: grants,
        rowAttrs: (g) => ({ 'data-grant': `${g.kind}:${g.name}` }),
        columns: [
          { label: t('me.grant_name'), rowHeader: true, cell: (g) => g.name },
          { label: t('me.grant_kind'), cell: (g) => label('grantkind', g.kind) },
          { label: t('col.request'), cell: (g) => (g.request_id ? requestLink(g.request_id) : '') },
          { label: t('me.granted_at'), cell: (g) => timeEl(g.granted_at) },
        ],
      }),
    ], { id: 'me-access' }),
    section(t('me.requests'), table({
      caption: t('me.requests'), captionHidden: true,
      empty: t('me.no_requests'),
      rows: open,
      rowAttrs: (r) => ({ 'data-request-id': r.id }),
      columns: [
        { label: t('col.request'), rowHeader: true, cell: (r) => requestLink(r.id) },
        { label: t('col.procedure'), cell: (r) => label('type', r.type) },
        { label: t('col.state'), cell: (r) => label('state', r.state) },
        { label: t('col.created'), cell: (r) => timeEl(r.created_at) },
      ],
    }), { id: 'me-requests' }),
    section(t('me.callcode'), [
      h('p', { class: 'intro' }, t('callcode.intro_self')),
      filingForm(ctx, { type: 'call_code', path: '/v1/call-code-requests', values: { employee_number: en }, fieldOpts: { self: true }, submitText: t('callcode.submit') }),
    ], { id: 'me-callcode' }),
    h('p', {}, h('a', { href: '#/password' }, t('me.set_password'))),
  ];
}
