// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// filters.js - a filter form whose values live in the page's hash query (#/page?a=1&b=2),
// so a filtered page can be bookmarked, paged with links and reloaded.
import { h } from './dom.js';
import { t } from './i18n.js';
import { formValues, localToRfc3339 } from './ui.js';

// filterForm(ctx, page, fields, {dateFields}) -> form; submitting navigates to #/page?values
export function filterForm(ctx, page, fields, opts = {}) {
  const form = h('form', { class: 'filters', novalidate: true, role: 'search', 'aria-label': opts.label || t('common.filters') },
    h('div', { class: 'grid' }, fields),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', 'data-action': 'submit', class: 'primary' }, opts.submit || t('common.apply')),
      h('a', { href: `#/${page}`, class: 'button-link', 'data-action': 'reset' }, t('common.reset'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = formValues(form);
    for (const k of opts.dateFields || []) if (v[k]) v[k] = localToRfc3339(v[k]);
    ctx.go(`#/${page}${qs(v)}`);
  });
  return form;
}

export function qs(obj) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(obj)) if (v !== undefined && v !== null && v !== '') q.append(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

// The query as an object, only the given keys
export function pick(query, keys) {
  const out = {};
  for (const k of keys) if (query.get(k)) out[k] = query.get(k);
  return out;
}
