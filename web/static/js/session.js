// The signed-in token lives in sessionStorage only: it is gone when the tab
// closes and never written anywhere else. A portal session is kept apart
// from an operator's token, so opening a tenant's link never replaces it.
// Behind a host's login there is no token: the host's cookie goes along.

import {mode} from './mode.js';

const KEY = mode === 'portal' ? 'hookd.portal' : 'hookd.token';
let me = null;

export function token() {
  if (mode === 'host') return '';
  return sessionStorage.getItem(KEY) || '';
}

// signedIn reports whether requests carry a session: a token, or the host's
// cookie (which only the API can judge).
export function signedIn() {
  return mode === 'host' || token() !== '';
}

// adoptLinkToken takes a portal link's token out of the URL's fragment
// (…/portal#hkp_…) into the tab's session and out of the address bar, so
// it is neither bookmarked, shared nor kept in history. The query (the
// host's theme) stays.
export function adoptLinkToken() {
  if (mode !== 'portal') return;
  const value = window.location.hash.slice(1);
  if (!value.startsWith('hkp_')) return;
  signIn(value, null);
  history.replaceState(null, '', window.location.pathname + window.location.search + '#/webhooks');
}

export function signIn(value, profile) {
  sessionStorage.setItem(KEY, value);
  me = profile;
}

export function signOut() {
  sessionStorage.removeItem(KEY);
  me = null;
}

// profile is the token as GET /v2/me described it, or null before loading.
export function profile() {
  return me;
}

export function setProfile(p) {
  me = p;
}

// can reports whether the signed-in token holds scope. webhooks.write
// implies webhooks.read.
export function can(scope) {
  if (!me) return false;
  if (me.scopes.includes(scope)) return true;
  return scope === 'webhooks.read' && me.scopes.includes('webhooks.write');
}

const NEXT = 'hookd.next';

// rememberNext keeps the route to return to after signing in.
export function rememberNext(path) {
  if (path && path !== '/signin') sessionStorage.setItem(NEXT, path);
}

// takeNext returns (and forgets) the route to go to after signing in.
export function takeNext() {
  const p = sessionStorage.getItem(NEXT);
  sessionStorage.removeItem(NEXT);
  return p && p.startsWith('/') && p !== '/signin' ? p : '/webhooks';
}
