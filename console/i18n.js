// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// i18n.js - every visible string goes through t('key'). Spanish is the default and the
// fallback; English is loaded only when chosen. The choice is kept in localStorage.
import es from './i18n/es.js';

export const LANGS = ['es', 'en'];
const dicts = { es };
let lang = 'es';
const KEY = 'pvd.lang';

function stored() {
  try {
    return localStorage.getItem(KEY);
  } catch (e) {
    return null;
  }
}

export function getLang() {
  return lang;
}

export function locale() {
  return lang === 'es' ? 'es-PE' : 'en';
}

export async function setLang(l) {
  if (!LANGS.includes(l)) l = 'es';
  if (!dicts[l]) dicts[l] = (await import(`./i18n/${l}.js`)).default;
  lang = l;
  try {
    localStorage.setItem(KEY, l);
  } catch (e) {
    /* private mode: the choice lasts this page only */
  }
  document.documentElement.lang = l;
}

export async function initLang() {
  await setLang(stored() || 'es');
}

// t('key', {n: 3}) -> the string with {n} replaced
export function t(key, vars) {
  let str = dicts[lang][key];
  if (str === undefined) str = dicts.es[key];
  if (str === undefined) return key;
  if (vars) str = str.replace(/\{(\w+)\}/g, (m, k) => (vars[k] === undefined || vars[k] === null ? m : String(vars[k])));
  return str;
}

// A label for an API value (a state, a role, a type...): 'state.submitted'; the value itself when unknown.
export function label(group, value) {
  if (value === null || value === undefined || value === '') return '';
  const k = `${group}.${value}`;
  const v = t(k);
  return v === k ? String(value) : v;
}

// Intl formatters are slow to make (a long change-log page formats hundreds
// of dates): one per kind and language, made on first use.
const formatters = new Map();
function fmt(kind, make) {
  const k = `${locale()}|${kind}`;
  let f = formatters.get(k);
  if (!f) formatters.set(k, (f = make(locale())));
  return f;
}

export function fmtDateTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return fmt('datetime', (l) => new Intl.DateTimeFormat(l, { dateStyle: 'medium', timeStyle: 'short' })).format(d);
}

export function fmtDate(isoDate) {
  if (!isoDate) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) return fmtDateTime(isoDate);
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return fmt('date', (l) => new Intl.DateTimeFormat(l, { dateStyle: 'medium' })).format(d);
}

export function fmtNumber(n) {
  if (n === null || n === undefined) return '';
  return fmt('number', (l) => new Intl.NumberFormat(l)).format(n);
}

// "hace 3 h": seconds ago, in the largest unit that fits
export function fmtAge(seconds) {
  if (seconds === null || seconds === undefined) return '';
  const rtf = fmt('relative', (l) => new Intl.RelativeTimeFormat(l, { style: 'short', numeric: 'always' }));
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return rtf.format(-s, 'second');
  if (s < 3600) return rtf.format(-Math.floor(s / 60), 'minute');
  if (s < 86400) return rtf.format(-Math.floor(s / 3600), 'hour');
  return rtf.format(-Math.floor(s / 86400), 'day');
}

// A duration without "ago": "3 h", "2 d"
export function fmtDuration(seconds) {
  if (seconds === null || seconds === undefined) return '';
  const s = Math.max(0, Math.round(seconds));
  const nf = (v, unit) => fmt(`unit-${unit}`, (l) => new Intl.NumberFormat(l, { style: 'unit', unit, unitDisplay: 'short' })).format(v);
  if (s < 60) return nf(s, 'second');
  if (s < 3600) return nf(Math.floor(s / 60), 'minute');
  if (s < 86400) return nf(Math.floor(s / 3600), 'hour');
  return nf(Math.floor(s / 86400), 'day');
}

export function ageOf(iso) {
  if (!iso) return null;
  return (Date.now() - new Date(iso).getTime()) / 1000;
}

// t(key), or fallback when the dictionaries do not have key
export function tOr(key, fallback) {
  const v = t(key);
  return v === key ? fallback : v;
}
