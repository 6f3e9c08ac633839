// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// #/signin - the sign-in form (POST /v1/session)
import { h } from '../dom.js';
import { pageTitle, field, showError, alertBox, busy, clearErrors } from '../ui.js';
import { tOr } from '../i18n.js';

export async function render(ctx) {
  const { t, api } = ctx;
  const f = ctx.takeFlash();
  const form = h('form', { class: 'signin card', novalidate: true },
    field({ name: 'login', label: t('field.login'), autocomplete: 'username', required: true, spellcheck: 'false' }),
    field({ name: 'password', label: t('field.password'), type: 'password', autocomplete: 'current-password', required: true }),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', 'data-action': 'signin', class: 'primary' }, t('signin.submit'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const login = form.elements.login.value.trim();
    const password = form.elements.password.value;
    busy(form, async () => {
      clearErrors(form);
      try {
        const s = await api.post('/v1/session', { login, password });
        ctx.signedIn(s);
      } catch (err) {
        form.elements.password.value = '';
        if (err.code === 'too_many_attempts' && err.retryAfter) err.message = `${err.message} ${t('signin.retry_after', { s: err.retryAfter })}`;
        if (err.status === 401 || err.status === 429) {
          const box = alertBox({ code: err.code, message: tOr(`signin.error.${err.code}`, err.message) });
          box.classList.add('form-alert');
          form.prepend(box);
          form.elements.password.focus();
        } else {
          showError(form, err);
        }
      }
    });
  });
  return [
    ...pageTitle(t('page.signin'), t('signin.intro')),
    f ? alertBox({ code: f.code, message: tOr(`signin.error.${f.code}`, f.message) }) : null,
    form,
    h('p', {}, h('a', { href: '#/password' }, t('signin.have_token'))),
  ];
}
