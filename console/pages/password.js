// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// #/password - set my password with the one-time token (public: POST /v1/password)
// #/password?token=... prefills the token.
import { h } from '../dom.js';
import { pageTitle, field, showError, busy, submitButton, clearErrors, note } from '../ui.js';

export async function render(ctx) {
  const { t, api, query } = ctx;
  const form = h('form', { class: 'card', novalidate: true },
    field({ name: 'token', label: t('password.token'), value: query.get('token') || '', required: true, autocomplete: 'one-time-code', spellcheck: 'false', hint: t('password.token_hint') }),
    field({ name: 'new_password', label: t('password.new'), type: 'password', required: true, autocomplete: 'new-password', hint: t('password.new_hint') }),
    field({ name: 'new_password_confirm', label: t('password.again'), type: 'password', required: true, autocomplete: 'new-password' }),
    h('div', { class: 'buttons' }, submitButton(t('password.submit'))));
  const done = h('div', {});
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const token = form.elements.token.value.trim();
    const pw = form.elements.new_password.value;
    clearErrors(form);
    if (pw !== form.elements.new_password_confirm.value) {
      showError(form, { code: 'invalid_field', field: 'new_password_confirm', message: t('password.mismatch') });
      return;
    }
    busy(form, async () => {
      let r;
      try {
        r = await api.post('/v1/password', { token, new_password: pw });
      } catch (err) {
        showError(form, err.code === 'forbidden' ? { status: 403, code: 'forbidden', message: t('password.bad_token') } : err);
        return;
      }
      form.reset();
      form.hidden = true;
      done.append(h('div', { class: 'callout ok', 'data-password-result': 'ok' },
        h('p', {}, t('password.done', { uid: (r && r.uid) || '' })),
        h('p', {}, h('a', { href: '#/signin' }, t('password.go_signin')))));
      ctx.status(t('password.done', { uid: (r && r.uid) || '' }));
    });
  });
  return [...pageTitle(t('page.password'), t('password.intro')), form, done,
    ctx.session ? null : note(t('password.public'), 'muted')];
}
