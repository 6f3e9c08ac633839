// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// tasks.js - manual tasks (a table of tr[data-task-id]) with their checklists and
// "mark done" (data-action="done" opens a note, sent with data-action="confirm-action").
import { h } from './dom.js';
import { t, label } from './i18n.js';
import { table, noteForm, requestLink } from './ui.js';
import * as api from './api.js';

function doneForm(ctx, task, slot, button) {
  const title = task.title || task.name;
  noteForm(ctx, slot, button, {
    legend: t('task.done_legend', { title }), label: t('task.note'), hint: t('task.note_hint'),
    submit: t('task.mark_done'), doneText: t('task.done_status', { title }),
    send: (note) => api.post(`/v1/tasks/${task.id}/done`, { note }),
  });
}

export function checklist(task) {
  const items = task.checklist || [];
  if (items.length === 0) return '';
  return h('ul', { class: 'checklist' }, items.map((c) => h('li', {}, c)));
}

export function tasksTable(ctx, tasks, opts = {}) {
  return table({
    caption: opts.caption || t('task.caption'),
    captionHidden: opts.captionHidden,
    empty: t('task.none'),
    rows: tasks,
    rowAttrs: (k) => ({ 'data-task-id': k.id }),
    columns: [
      { label: t('task.title'), rowHeader: true, cell: (k) => [h('span', {}, k.title || k.name), checklist(k)] },
      { label: t('col.request'), cell: (k) => (k.request_id ? [requestLink(k.request_id), ' ', label('type', k.type)] : '') },
      { label: t('field.employee_number'), cell: (k) => k.employee_number || '' },
      { label: t('col.role'), cell: (k) => label('role', k.role) },
      { label: t('col.state'), cell: (k) => (k.state === 'done' ? [label('taskstate', 'done'), k.done_by ? ` (${k.done_by})` : '', k.note ? h('p', { class: 'note-text' }, k.note) : ''] : label('taskstate', k.state)) },
      { label: t('col.actions'), cell: (k) => {
        if (k.state !== 'open' || !ctx.hasRole(k.role)) return '';
        const slot = h('div', {});
        const b = h('button', { type: 'button', 'data-action': 'done', onclick: () => doneForm(ctx, k, slot, b) }, t('task.mark_done'));
        return [b, slot];
      } },
    ],
  });
}
