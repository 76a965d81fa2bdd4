// The API client: adds the bearer token, turns hookd's error shape
// {"code","message","data":{"status","params"}} into ApiError, and signs the
// user out when the API answers 401.

import * as session from './session.js';

export class ApiError extends Error {
  constructor(status, code, message, params) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.params = params || {};
  }
}

let onUnauthorized = () => {};

// setUnauthorizedHandler registers what to do when a signed-in request is
// answered 401 (the app goes back to the sign-in page).
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

// root is where the handler serving the dashboard is mounted: this file is
// <root>/ui/js/api.js, whatever prefix a host product put in front.
export const root = new URL('../../', import.meta.url);

// request calls the API. path is relative to the handler's root ('/v2/…'
// is under the mount prefix too). Options: body (JSON-encoded), query
// (object; empty values dropped), signal, token (overrides the session's;
// such calls never sign out).
export async function request(method, path, opts = {}) {
  const url = new URL(path.replace(/^\/+/, ''), root);
  for (const [k, v] of Object.entries(opts.query || {})) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  }
  const value = opts.token ?? session.token();
  const headers = {Accept: 'application/json'};
  if (value) headers.Authorization = `Bearer ${value}`;
  // Same-origin cookies go along: behind a host product's login they are
  // the session.
  const init = {method, headers, signal: opts.signal, cache: 'no-store', credentials: 'same-origin'};
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  }
  let res;
  try {
    res = await fetch(url, init);
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'Cannot reach hookd. Check that it is running, then try again.');
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (res.ok) return data;
  const err = new ApiError(
    res.status,
    data?.code || 'http_' + res.status,
    data?.message || `The request failed (HTTP ${res.status}).`,
    data?.data?.params,
  );
  if (res.status === 401 && opts.token === undefined) onUnauthorized(err);
  throw err;
}

export const get = (path, query, opts = {}) => request('GET', path, {...opts, query});
export const post = (path, body, opts = {}) => request('POST', path, {...opts, body});
export const put = (path, body, opts = {}) => request('PUT', path, {...opts, body});
export const del = (path, opts = {}) => request('DELETE', path, opts);
