// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// #/unit/access - an access request from the catalogue (grant and revoke)
import { h } from '../dom.js';
import { pageTitle } from '../ui.js';
import { filingForm } from '../filing.js';
import { peopleDatalist } from './unit-people.js';

export async function render(ctx) {
  const { t, api, query } = ctx;
  const [catalogue, list] = await Promise.all([api.get('/v1/access-catalogue'), peopleDatalist(ctx, 'access-people')]);
  return [
    ...pageTitle(t('page.unit-access'), t('access.intro')),
    list,
    filingForm(ctx, { type: 'access', path: '/v1/access-requests', values: { employee_number: query.get('employee_number') || '' },
      fieldOpts: { catalogue, peopleList: list ? 'access-people' : null }, submitText: t('access.submit') }),
    (catalogue.systems || []).length ? null : h('p', { class: 'muted' }, t('access.empty_catalogue')),
  ];
}
