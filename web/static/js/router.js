// Hash routing: #/webhooks, #/webhooks/12, #/deliveries/5, ... Each page
// gets a fresh AbortSignal, aborted when the user navigates away, so its
// requests and timers stop with it.

const routes = [];
let current = null;
let renderHook = () => {};

// route registers a page for a path pattern such as '/webhooks/:id'.
export function route(pattern, page) {
  const names = [];
  const source = pattern.replace(/:(\w+)/g, (_, name) => {
    names.push(name);
    return '([^/]+)';
  });
  routes.push({regex: new RegExp(`^${source}$`), names, page});
}

// path is the current route path, '/webhooks' for '#/webhooks?page=2'.
export function path() {
  return parse().path;
}

function parse() {
  const raw = window.location.hash.replace(/^#/, '') || '/';
  const [p, q = ''] = raw.split('?');
  return {path: p, query: new URLSearchParams(q)};
}

// navigate goes to a route path ('/webhooks/3'); replace avoids a history
// entry.
export function navigate(to, {replace = false} = {}) {
  const hash = '#' + to;
  if (window.location.hash === hash) {
    dispatch();
  } else if (replace) {
    window.location.replace(hash);
  } else {
    window.location.hash = hash;
  }
}

// setQuery updates the current route's query without a new page load being
// visible to the user (the page re-renders with the new parameters).
export function setQuery(params) {
  const {path: p} = parse();
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const qs = q.toString();
  navigate(p + (qs ? '?' + qs : ''), {replace: true});
}

// replaceQuery writes params into the current route's query without
// rendering the page again: for state a page keeps itself (a list's
// filters and page), so a reload or a shared link shows the same.
export function replaceQuery(params) {
  const {path: p, query} = parse();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') query.delete(k);
    else query.set(k, String(v));
  }
  const qs = query.toString();
  history.replaceState(history.state, '', '#' + p + (qs ? '?' + qs : ''));
}

// start renders the current route now and on every hash change. hook(ctx,
// page) is called to mount each page.
export function start(hook) {
  renderHook = hook;
  window.addEventListener('hashchange', dispatch);
  dispatch();
}

function dispatch() {
  const {path: p, query} = parse();
  if (!p.startsWith('/')) return; // in-page anchors such as #main
  if (current) current.abort();
  current = new AbortController();
  for (const r of routes) {
    const m = r.regex.exec(p);
    if (!m) continue;
    const params = {};
    r.names.forEach((name, i) => {
      params[name] = decodeURIComponent(m[i + 1]);
    });
    renderHook({path: p, params, query, signal: current.signal}, r.page);
    return;
  }
  renderHook({path: p, params: {}, query, signal: current.signal}, null);
}
