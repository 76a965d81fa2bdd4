// The signed-in token lives in sessionStorage only: it is gone when the tab
// closes and never written anywhere else.

const KEY = 'hookd.token';
let me = null;

export function token() {
  return sessionStorage.getItem(KEY) || '';
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
