// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// #/tech/tasks - manual tasks (open, or done with ?state=done), mark done with a note
import { h } from '../dom.js';
import { pageTitle, section } from '../ui.js';
import { tasksTable } from '../tasks.js';

export const probe = () => '/v1/tasks';

export async function render(ctx) {
  const { t, api, query } = ctx;
  const state = query.get('state') === 'done' ? 'done' : 'open';
  const data = await api.get('/v1/tasks', { state });
  return [
    ...pageTitle(t('page.tech-tasks'), t('tasks.intro')),
    h('nav', { class: 'tabs', 'aria-label': t('tasks.which') },
      h('a', { href: '#/tech/tasks', 'aria-current': state === 'open' ? 'page' : null }, t('tasks.open')),
      h('a', { href: '#/tech/tasks?state=done', 'aria-current': state === 'done' ? 'page' : null }, t('tasks.done'))),
    section(state === 'open' ? t('tasks.open') : t('tasks.done'), tasksTable(ctx, data.items || [], { captionHidden: true })),
  ];
}
