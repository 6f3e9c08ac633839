// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// #/inbox - "Lo que me espera": requests where I have an action (oldest first) and my open tasks
import { h } from '../dom.js';
import { label } from '../i18n.js';
import { pageTitle, section, table, ageEl, personName, requestLink } from '../ui.js';
import { actionPanel } from '../actions.js';
import { tasksTable } from '../tasks.js';

export const probe = () => '/v1/inbox';

export function inboxTable(ctx, items, caption) {
  const { t } = ctx;
  return table({
    caption, captionHidden: true,
    empty: t('inbox.empty'),
    rows: items,
    rowAttrs: (it) => ({ 'data-request-id': it.request.id, 'data-type': it.request.type, 'data-state': it.request.state }),
    columns: [
      { label: t('col.request'), rowHeader: true, cell: (it) => requestLink(it.request.id) },
      { label: t('col.procedure'), cell: (it) => label('type', it.request.type) },
      { label: t('col.person'), cell: (it) => [personName(it.request.person), it.request.person && it.request.person.employee_number ? h('span', { class: 'muted' }, ` (${it.request.person.employee_number})`) : ''] },
      { label: t('col.step'), cell: (it) => [h('span', { class: 'state' }, label('state', it.request.state)), it.request.step ? h('span', { class: 'step' }, it.request.step) : ''] },
      { label: t('col.waiting'), cell: (it) => ageEl(it.age_seconds, it.waiting_since) },
      { label: t('col.actions'), cell: (it) => actionPanel(ctx, it.request) || '' },
    ],
  });
}

export async function render(ctx) {
  const { t, api } = ctx;
  const data = await api.get('/v1/inbox');
  const items = data.items || [];
  const tasks = data.tasks || [];
  return [
    ...pageTitle(t('page.inbox'), items.length || tasks.length
      ? t('inbox.summary', { n: items.length, m: tasks.length }) : t('inbox.nothing')),
    section(t('inbox.requests'), inboxTable(ctx, items, t('inbox.requests_caption'))),
    section(t('inbox.tasks'), tasksTable(ctx, tasks, { captionHidden: true })),
  ];
}
