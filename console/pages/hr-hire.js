// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// #/hr/hire - HR files a hire (PR05 step 1)
import { pageTitle } from '../ui.js';
import { filingForm } from '../filing.js';

export async function render(ctx) {
  const { t } = ctx;
  return [...pageTitle(t('page.hr-hire'), t('hire.intro')),
    filingForm(ctx, { type: 'hire', path: '/v1/hires', submitText: t('hire.submit') })];
}
