// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// #/hr/exit - HR files an exit (PR06 step 1), now or at a date and time
import { pageTitle } from '../ui.js';
import { filingForm } from '../filing.js';

export async function render(ctx) {
  const { t, query } = ctx;
  return [...pageTitle(t('page.hr-exit'), t('exit.intro')),
    filingForm(ctx, { type: 'exit', path: '/v1/exits', values: { employee_number: query.get('employee_number') || '' }, submitText: t('exit.submit') })];
}
