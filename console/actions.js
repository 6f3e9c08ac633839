// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// actions.js - the workflow actions of a request: exactly its your_actions, as buttons
// named by the API action (data-action="approve"...). An action that needs a note, a new
// date (reschedule) or the corrected request (resubmit) opens a small form first, sent
// with data-action="confirm-action".
import { h, clear } from './dom.js';
import { t, tOr, label } from './i18n.js';
import { field, showError, busy, localToRfc3339, rfc3339ToLocal } from './ui.js';
import { requestFields, requestBody } from './forms.js';
import * as api from './api.js';

export function actionPanel(ctx, req) {
  const acts = req.your_actions || [];
  if (acts.length === 0) return null;
  const info = (a) => (req.actions || []).find((x) => x.action === a) || {};
  const slot = h('div', { class: 'action-form-slot' });
  const wrap = h('div', { class: 'actions', 'data-actions-for': req.id });

  async function send(a, body, root) {
    await busy(root, async () => {
      try {
        await api.post(`/v1/requests/${req.id}/${a}`, body);
      } catch (err) {
        showError(root, err);
        return;
      }
      ctx.status(t('action.done', { action: label('action', a), id: req.id }));
      await ctx.refresh();
    });
  }

  async function choose(a) {
    const i = info(a);
    const needsForm = i.note_required || a === 'reschedule' || a === 'resubmit';
    if (!needsForm) {
      clear(slot);
      await send(a, undefined, wrap);
      return;
    }
    let extra = [];
    if (a === 'reschedule') {
      extra = [field({ name: 'effective_at', label: t('field.effective_at'), type: 'datetime-local', required: true,
        value: rfc3339ToLocal(req.effective_at) })];
    } else if (a === 'resubmit') {
      let catalogue = null;
      if (req.type === 'access') catalogue = await api.get('/v1/access-catalogue').catch(() => null);
      extra = requestFields(req.type, { ...(req.payload || {}), employee_number: (req.payload && req.payload.employee_number) || (req.person && req.person.employee_number) },
        { resubmit: true, catalogue });
    }
    const noteField = i.note_required
      ? field({ name: 'note', label: tOr(`note.${a}`, t('field.note')), type: 'textarea', required: true, maxlength: 2000, rows: 3 })
      : null;
    const form = h('form', { class: 'action-form', novalidate: true, 'data-form-action': a },
      h('fieldset', {},
        h('legend', {}, t('action.form_legend', { action: label('action', a), id: req.id })),
        extra, noteField,
        h('div', { class: 'buttons' },
          h('button', { type: 'submit', 'data-action': 'confirm-action', class: 'primary' }, t('action.send', { action: label('action', a) })),
          h('button', { type: 'button', 'data-action': 'dismiss', onclick: () => { clear(slot); btns.querySelector(`[data-action="${a}"]`).focus(); } }, t('common.close')))));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      let body;
      if (a === 'resubmit') body = { data: requestBody(req.type, form) };
      else body = {};
      const note = form.querySelector('[name=note]');
      if (note && note.value.trim() !== '') body.note = note.value.trim();
      if (a === 'reschedule') {
        const v = form.querySelector('[name=effective_at]').value;
        if (v) body.effective_at = localToRfc3339(v);
      }
      send(a, body, form);
    });
    clear(slot).append(form);
    const first = form.querySelector('textarea, input:not([type=hidden]):not([readonly]), select');
    if (first) first.focus();
  }

  const btns = h('div', { class: 'buttons', role: 'group', 'aria-label': t('action.group', { id: req.id }) },
    acts.map((a) => h('button', {
      type: 'button', 'data-action': a, class: ['approve', 'confirm', 'resubmit'].includes(a) ? 'primary' : (['reject', 'cancel', 'rollback', 'return'].includes(a) ? 'warn' : null),
      onclick: () => choose(a),
    }, label('action', a))));
  wrap.append(btns, slot);
  return wrap;
}
