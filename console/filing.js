// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// filing.js - a form that files a request (POST /v1/hires, /v1/exits...) and, on success,
// goes to the new request's page; API errors are shown at the field they name.
import { h } from './dom.js';
import { t, label } from './i18n.js';
import { showError, busy, submitButton } from './ui.js';
import { requestFields, requestBody } from './forms.js';
import * as api from './api.js';

export function filingForm(ctx, { type, path, values, fieldOpts, submitText, extraBody, onDone }) {
  const form = h('form', { class: 'card filing', novalidate: true, 'data-request-type': type },
    requestFields(type, values || {}, fieldOpts || {}),
    h('div', { class: 'buttons' }, submitButton(submitText || t('common.submit'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const body = { ...requestBody(type, form), ...(extraBody || {}) };
    busy(form, async () => {
      let r;
      try {
        r = await api.post(path, body);
      } catch (err) {
        showError(form, err);
        return;
      }
      if (onDone) { await onDone(r); return; }
      ctx.status(t('filing.done', { id: r.id, type: label('type', r.type || type) }));
      ctx.go(`#/requests/${r.id}`);
    });
  });
  return form;
}
