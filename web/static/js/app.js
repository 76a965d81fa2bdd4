// The dashboard's entry point: routes, the sign-in guard and the top bar.

import * as api from './api.js';
import * as session from './session.js';
import {mode, embedded} from './mode.js';
import {route, start, navigate, path} from './router.js';
import {forgetCatalog} from './catalog.js';
import {forgetSettings} from './settings.js';
import {bindToggle} from './theme.js';
import {h, replace} from './dom.js';
import {toast} from './toast.js';
import {failure} from './components/states.js';
import signinPage from './pages/signin.js';
import webhooksPage from './pages/webhooks.js';
import webhookFormPage from './pages/webhookform.js';
import webhookPage from './pages/webhook.js';
import deliveryPage from './pages/delivery.js';
import eventsPage from './pages/events.js';
import eventSendPage from './pages/eventsend.js';
import eventPage from './pages/event.js';
import tokensPage from './pages/tokens.js';
import searchPage from './pages/search.js';
import notFoundPage from './pages/notfound.js';
import endedPage from './pages/ended.js';

// A portal link's token leaves the address bar before anything else runs.
session.adoptLinkToken();

// only shows page to a caller holding scope; others are told why not (the
// links to it are hidden from them, but a URL can still be typed).
function only(scope, why, page) {
  return (ctx, main) => {
    if (session.can(scope)) return page(ctx, main);
    main.append(h('div', {class: 'container'}, failure({status: 403, message: why})));
  };
}

const cannotWrite = 'Your access can only look at webhooks, not change them.';
route('/', () => navigate('/webhooks', {replace: true}));
// Embedded, nobody signs in to hookd: the host product opened the page.
route('/signin', embedded ? () => navigate('/webhooks', {replace: true}) : signinPage);
route('/webhooks', webhooksPage);
route('/webhooks/new', only('webhooks.write', cannotWrite, webhookFormPage));
route('/webhooks/:id', webhookPage);
route('/webhooks/:id/edit', only('webhooks.write', cannotWrite, webhookFormPage));
route('/deliveries/:id', deliveryPage);
route('/events', eventsPage);
route('/events/new', only('events.write', 'Your access cannot send events.', eventSendPage));
route('/events/:id', eventPage);
// A portal session never manages tokens.
route('/tokens', mode === 'portal' ? notFoundPage : tokensPage);
route('/search', searchPage);

const main = document.getElementById('main');
const topbar = document.getElementById('topbar');

function signOut(message) {
  session.signOut();
  forgetCatalog();
  forgetSettings();
  if (message) toast(message, 'error');
  navigate('/signin', {replace: true});
}

// ended is set once an embedded dashboard has no session (a portal link
// expired or revoked, the host's login gone): every route shows why, since
// there is no sign-in form to go to. err is the API's 401, or null for a
// portal page opened without a link.
let ended = null;

function end(err) {
  session.signOut();
  forgetCatalog();
  forgetSettings();
  ended = {err};
  navigate(path(), {replace: true}); // stops the page on screen
}

api.setUnauthorizedHandler((err) => {
  if (embedded) {
    end(err);
    return;
  }
  if (!session.token()) return;
  session.rememberNext(window.location.hash.slice(1));
  signOut('You were signed out: hookd no longer accepts this token.');
});

document.getElementById('sign-out').addEventListener('click', () => {
  session.takeNext();
  signOut();
  toast('Signed out.', 'info');
});

bindToggle(document.getElementById('theme-toggle'));

// The search box goes to the search page, which opens a single exact match
// (an event or delivery id) directly.
const search = document.getElementById('topsearch');
search.addEventListener('submit', (e) => {
  e.preventDefault();
  const q = search.elements.q.value.trim();
  if (q) navigate(`/search?q=${encodeURIComponent(q)}`);
});

// The skip link targets #main; the router ignores non-route hashes, but
// focus must still move.
document.querySelector('.skip-link').addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});

function updateChrome(path) {
  const me = session.profile();
  topbar.hidden = !me || path === '/signin';
  if (!me) return;
  // Embedded, the page belongs to one community: its name is what matters.
  const who = embedded && me.tenant ? me.tenant : me.name;
  const name = document.getElementById('whoami-name');
  name.textContent = who;
  name.title = `${embedded && me.tenant ? 'Webhooks of' : 'Signed in as'} ${who} · scopes: ${me.scopes.join(', ')}` +
    `${me.tenant && !embedded ? ` · tenant: ${me.tenant}` : ''}${me.expires_at ? ` · until ${new Date(me.expires_at).toLocaleString()}` : ''}`;
  document.getElementById('sign-out').hidden = embedded;
  document.getElementById('nav-tokens').hidden = mode === 'portal' || !session.can('tokens.admin');
  document.querySelector('[data-nav="webhooks"]').hidden = !session.can('webhooks.read');
  search.hidden = !session.can('webhooks.read');
  const section = path.split('/')[1] || 'webhooks';
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === (section === 'deliveries' ? 'webhooks' : section)) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

let first = true;
start(async (ctx, page) => {
  if (mode === 'portal' && !ended && !session.token()) ended = {err: null};
  if (ended) {
    updateChrome('/signin');
    replace(main);
    endedPage(ended.err)(ctx, main);
    return;
  }
  if (!embedded && ctx.path !== '/signin' && !session.token()) {
    if (ctx.path !== '/') session.rememberNext(ctx.path);
    navigate('/signin', {replace: true});
    return;
  }
  if (session.signedIn() && !session.profile() && ctx.path !== '/signin') {
    try {
      session.setProfile(await api.get('/v2/me', undefined, {signal: ctx.signal}));
    } catch (err) {
      if (err.name === 'AbortError' || err.status === 401) return;
      updateChrome('/signin');
      replace(main, failure(err, () => navigate(ctx.path)));
      return;
    }
  }
  updateChrome(ctx.path);
  replace(main);
  if (!first) main.focus({preventScroll: true});
  first = false;
  window.scrollTo(0, 0);
  try {
    await (page || notFoundPage)(ctx, main);
  } catch (err) {
    if (err.name === 'AbortError' || ctx.signal.aborted) return;
    replace(main, failure(err, () => navigate(ctx.path)));
  }
});
