// The dashboard's entry point: routes, the sign-in guard and the top bar.

import * as api from './api.js';
import * as session from './session.js';
import {route, start, navigate} from './router.js';
import {forgetCatalog} from './catalog.js';
import {forgetSettings} from './settings.js';
import {bindToggle} from './theme.js';
import {replace} from './dom.js';
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

route('/', () => navigate('/webhooks', {replace: true}));
route('/signin', signinPage);
route('/webhooks', webhooksPage);
route('/webhooks/new', webhookFormPage);
route('/webhooks/:id', webhookPage);
route('/webhooks/:id/edit', webhookFormPage);
route('/deliveries/:id', deliveryPage);
route('/events', eventsPage);
route('/events/new', eventSendPage);
route('/events/:id', eventPage);
route('/tokens', tokensPage);
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

api.setUnauthorizedHandler(() => {
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
  document.getElementById('whoami-name').textContent = me.name;
  document.getElementById('whoami-name').title = `Signed in as ${me.name} · scopes: ${me.scopes.join(', ')}${me.tenant ? ` · tenant: ${me.tenant}` : ''}`;
  document.getElementById('nav-tokens').hidden = !session.can('tokens.admin');
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
  if (ctx.path !== '/signin' && !session.token()) {
    if (ctx.path !== '/') session.rememberNext(ctx.path);
    navigate('/signin', {replace: true});
    return;
  }
  if (session.token() && !session.profile() && ctx.path !== '/signin') {
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
