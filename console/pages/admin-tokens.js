// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// #/admin/tokens - API tokens: create (the secret is shown once), list, revoke
import { h } from '../dom.js';
import { label } from '../i18n.js';
import { pageTitle, section, table, field, options, timeEl, showError, busy, submitButton, ROLES } from '../ui.js';

export const probe = () => '/v1/tokens';

let shown = null; // the secret just created, shown once after the page is drawn again

export async function render(ctx) {
  const { t, api } = ctx;
  const data = await api.get('/v1/tokens');
  const secret = shown;
  shown = null;
  const form = h('form', { class: 'card', novalidate: true },
    h('div', { class: 'grid' },
      field({ name: 'name', label: t('tokens.name'), required: true, hint: t('tokens.name_hint'), autocomplete: 'off', spellcheck: 'false' }),
      field({ name: 'role', label: t('tokens.role'), type: 'select', required: true, value: '', options: options('role', ROLES.filter((r) => r !== 'employee'), t('common.choose')) })),
    h('div', { class: 'buttons' }, submitButton(t('tokens.create'), 'create-token')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const body = { name: form.elements.name.value.trim(), role: form.elements.role.value };
    if (!body.role) delete body.role;
    busy(form, async () => {
      let r;
      try {
        r = await api.post('/v1/tokens', body);
      } catch (err) {
        showError(form, err);
        return;
      }
      shown = r;
      ctx.status(t('tokens.created', { name: r.name }));
      await ctx.refresh();
    });
  });
  const secretBox = secret ? h('div', { class: 'callout ok secret', 'data-token-created': secret.name },
    h('p', {}, h('strong', {}, t('tokens.once', { name: secret.name }))),
    h('p', {}, h('code', { 'data-token-secret': '', class: 'secret-value', tabindex: '0' }, secret.token)),
    h('p', { class: 'muted' }, t('tokens.once_hint'))) : null;
  const rows = data.items || [];
  return [
    ...pageTitle(t('page.admin-tokens'), t('tokens.intro')),
    secretBox,
    section(t('tokens.new'), form, { id: 'tokens-new' }),
    section(t('tokens.list'), table({
      caption: t('tokens.list'), captionHidden: true,
      empty: t('tokens.none'),
      rows,
      rowAttrs: (k) => ({ 'data-token-name': k.name, 'data-revoked': k.revoked_at ? 'true' : 'false' }),
      columns: [
        { label: t('tokens.name'), rowHeader: true, cell: (k) => h('code', {}, k.name) },
        { label: t('tokens.role'), cell: (k) => label('role', k.role) },
        { label: t('tokens.created_by'), cell: (k) => k.created_by || '' },
        { label: t('col.created'), cell: (k) => timeEl(k.created_at) },
        { label: t('tokens.last_used'), cell: (k) => (k.last_used_at ? timeEl(k.last_used_at) : t('tokens.never')) },
        { label: t('tokens.state'), cell: (k) => (k.revoked_at ? [t('tokens.revoked'), ' ', timeEl(k.revoked_at)] : t('tokens.active')) },
        { label: t('col.actions'), cell: (k) => (k.revoked_at ? '' : h('button', { type: 'button', 'data-action': 'revoke', class: 'warn',
          'aria-label': t('tokens.revoke_named', { name: k.name }),
          onclick: async (ev) => {
            const cell = ev.target.closest('td');
            await busy(cell, async () => {
              try {
                await api.del(`/v1/tokens/${encodeURIComponent(k.name)}`);
              } catch (err) {
                showError(cell, err);
                return;
              }
              ctx.status(t('tokens.revoked_status', { name: k.name }));
              await ctx.refresh();
            });
          } }, t('tokens.revoke'))) },
      ],
    }), { id: 'tokens-list' }),
  ];
}
