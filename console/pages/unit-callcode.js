// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// #/unit/callcode - a unit head asks for (or revokes) a call code for one of their staff (PR01)
import { pageTitle } from '../ui.js';
import { filingForm } from '../filing.js';
import { peopleDatalist } from './unit-people.js';

export const probe = (ctx) => `/v1/people?unit=${encodeURIComponent((ctx.session && ctx.session.unit) || '')}&limit=1`;

export async function render(ctx) {
  const { t, query } = ctx;
  const list = await peopleDatalist(ctx, 'callcode-people');
  return [
    ...pageTitle(t('page.unit-callcode'), t('callcode.intro_unit')),
    list,
    filingForm(ctx, { type: 'call_code', path: '/v1/call-code-requests', values: { employee_number: query.get('employee_number') || '' },
      fieldOpts: { peopleList: list ? 'callcode-people' : null }, submitText: t('callcode.submit') }),
  ];
}
