// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// api.js - the only place that talks to the provisiond API.
// Same origin, the session cookie (credentials: 'same-origin'), X-CSRF-Token on every
// non-GET call, JSON in and out. Errors become ApiError {status, code, field, message}.

let csrfToken = null;
let unauthorizedHandler = null;

export function setCsrf(token) {
  csrfToken = token || null;
}

// fn(err) is called on a 401 from any route but the session's own.
export function onUnauthorized(fn) {
  unauthorizedHandler = fn;
}

export class ApiError extends Error {
  constructor(status, code, field, message, retryAfter) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.field = field || null;
    this.retryAfter = retryAfter || null;
  }
}

export function queryString(query) {
  const q = new URLSearchParams();
  if (query) {
    for (const [k, v] of Object.entries(query)) {
      if (v === null || v === undefined || v === '') continue;
      q.append(k, String(v));
    }
  }
  const str = q.toString();
  return str ? `?${str}` : '';
}

// request(method, path, {query, body, okStatus: [503]}) -> parsed body (JSON, text, or null on 204)
export async function request(method, path, opts = {}) {
  const url = path + queryString(opts.query);
  const headers = { Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let body;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res;
  try {
    res = await fetch(url, { method, headers, body, credentials: 'same-origin', cache: 'no-store', redirect: 'error' });
  } catch (e) {
    throw new ApiError(0, 'network', null, e && e.message ? e.message : 'network error');
  }
  let data = null;
  if (res.status !== 204) {
    const type = res.headers.get('Content-Type') || '';
    if (type.includes('json')) data = await res.json().catch(() => null);
    else data = await res.text().catch(() => null);
  }
  if (res.ok || (opts.okStatus && opts.okStatus.includes(res.status))) return data;
  const e = (data && typeof data === 'object' && data.error) || {};
  const err = new ApiError(res.status, e.code || `http_${res.status}`, e.field, e.message || res.statusText,
    res.headers.get('Retry-After'));
  if (res.status === 401 && !path.startsWith('/v1/session') && unauthorizedHandler) unauthorizedHandler(err);
  throw err;
}

export const get = (path, query, opts = {}) => request('GET', path, { ...opts, query });
export const post = (path, body, opts = {}) => request('POST', path, { ...opts, body });
export const del = (path, opts = {}) => request('DELETE', path, opts);

// A same-origin link for a download (the cookie goes with a plain GET).
export function href(path, query) {
  return path + queryString(query);
}
