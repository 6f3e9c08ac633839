// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// #/hr/transfer - HR files a change of unit or position
import { pageTitle } from '../ui.js';
import { filingForm } from '../filing.js';

export async function render(ctx) {
  const { t, query } = ctx;
  return [...pageTitle(t('page.hr-transfer'), t('transfer.intro')),
    filingForm(ctx, { type: 'transfer', path: '/v1/transfers', values: { employee_number: query.get('employee_number') || '' }, submitText: t('transfer.submit') })];
}
