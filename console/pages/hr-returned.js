// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// #/hr/returned - returned requests to correct and resubmit; #/hr/returned?id=N opens
// the request's form prefilled from its payload; sending it is the resubmit action.
import { h } from '../dom.js';
import { label } from '../i18n.js';
import { pageTitle, section, table, timeEl, personName, requestLink, note, showError, busy, submitButton } from '../ui.js';
import { requestFields, requestBody } from '../forms.js';

export const probe = () => '/v1/requests?state=returned&limit=1';

function lastReturn(r) {
  const steps = (r.steps || []).filter((s) => s.action === 'return');
  return steps.length ? steps[steps.length - 1] : null;
}

async function correction(ctx, id) {
  const { t, api } = ctx;
  const r = await api.get(`/v1/requests/${id}`);
  const ret = lastReturn(r);
  const catalogue = r.type === 'access' ? await api.get('/v1/access-catalogue').catch(() => null) : null;
  const values = { ...(r.payload || {}) };
  if (!values.employee_number && r.person) values.employee_number = r.person.employee_number;
  const canResubmit = (r.your_actions || []).includes('resubmit');
  const form = h('form', { class: 'card filing', novalidate: true, 'data-request-id': r.id, 'data-request-type': r.type },
    requestFields(r.type, values, { resubmit: true, catalogue }),
    h('div', { class: 'buttons' }, submitButton(t('returned.resubmit')), h('a', { href: '#/hr/returned', class: 'button-link' }, t('common.back'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(form, async () => {
      try {
        await api.post(`/v1/requests/${r.id}/resubmit`, { data: requestBody(r.type, form) });
      } catch (err) {
        showError(form, err);
        return;
      }
      ctx.status(t('returned.done', { id: r.id }));
      ctx.go(`#/requests/${r.id}`);
    });
  });
  return [
    ...pageTitle(t('returned.correct_title', { id: r.id, type: label('type', r.type) })),
    ret ? h('div', { class: 'callout', 'data-return-note': '' },
      h('p', {}, t('returned.returned_by', { actor: ret.actor, role: label('role', ret.actor_role) }), ' ', timeEl(ret.at)),
      h('blockquote', {}, ret.note || '')) : null,
    r.state !== 'returned' ? note(t('returned.not_returned', { state: label('state', r.state) }), 'callout') : null,
    canResubmit ? form : note(t('returned.cannot'), 'muted'),
  ];
}

export async function render(ctx) {
  const { t, api, query } = ctx;
  if (query.get('id')) return correction(ctx, query.get('id'));
  const data = await api.get('/v1/requests', { state: 'returned', limit: 200 });
  const items = data.items || [];
  return [
    ...pageTitle(t('page.hr-returned'), t('returned.intro')),
    section(t('returned.list'), table({
      caption: t('returned.list'), captionHidden: true,
      empty: t('returned.none'),
      rows: items,
      rowAttrs: (r) => ({ 'data-request-id': r.id, 'data-type': r.type }),
      columns: [
        { label: t('col.request'), rowHeader: true, cell: (r) => requestLink(r.id) },
        { label: t('col.procedure'), cell: (r) => label('type', r.type) },
        { label: t('col.person'), cell: (r) => personName(r.person) },
        { label: t('col.updated'), cell: (r) => timeEl(r.updated_at) },
        { label: t('col.actions'), cell: (r) => ((r.your_actions || []).includes('resubmit')
          ? h('a', { href: `#/hr/returned?id=${r.id}`, 'data-action': 'correct', class: 'button-link' }, t('returned.correct')) : '') },
      ],
    })),
  ];
}
