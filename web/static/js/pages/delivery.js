// One delivery (#/deliveries/:id): why it failed or was cancelled, every
// attempt with where it went, its request headers, status, response
// excerpt, duration and error, the payload (pretty, and the exact bytes
// sent), and Redeliver.

import * as api from '../api.js';
import * as session from '../session.js';
import {h, replace, keepFocus} from '../dom.js';
import {navigate} from '../router.js';
import {pageHeader, card, facts, button, busy} from '../layout.js';
import {timeEl, duration, plural, bytes} from '../format.js';
import {deliveryBadge, badge} from '../components/badge.js';
import {copyButton, withCopy} from '../components/copy.js';
import {liveIndicator} from '../components/live.js';
import {loading, failure} from '../components/states.js';
import {success, error as toastError} from '../toast.js';
import {formatInfo} from '../formats.js';

const POLL_MS = 1500;

function headerTable(headers) {
  const names = Object.keys(headers || {}).sort();
  if (names.length === 0) return h('p', {class: 'muted small'}, 'None');
  return h('dl', {class: 'kv'}, names.map((n) => h('div', {class: 'kv-row'}, h('dt', {}, n), h('dd', {}, headers[n]))));
}

// target is where an attempt went, as recorded with it: the webhook's URL
// may have been edited since.
function target(a) {
  return a.url ? `${a.method} ${a.url}` : `${a.method} (URL not recorded for attempts before hookd kept it)`;
}

function attemptCard(a) {
  const code = a.status_code === null ? 'No response' : `HTTP ${a.status_code}`;
  return h('article', {class: ['attempt', a.success ? 'attempt-ok' : 'attempt-bad'], dataset: {attempt: `${a.cycle}-${a.number}`}},
    h('header', {class: 'attempt-head'},
      h('h3', {class: 'attempt-title'}, `Attempt ${a.number}`, h('span', {class: 'muted'}, ` · cycle ${a.cycle}`)),
      badge(a.success ? 'succeeded' : 'failed'),
      h('span', {class: 'attempt-meta'}, timeEl(a.started_at))),
    a.url ? withCopy(h('span', {class: 'attempt-target mono'}, target(a)), a.url, `URL of attempt ${a.number}`)
      : h('p', {class: 'attempt-target mono'}, target(a)),
    h('dl', {class: 'attempt-facts'},
      h('div', {}, h('dt', {}, 'Status'), h('dd', {class: ['mono', 'attempt-status', !a.success && 'text-danger']}, code)),
      h('div', {}, h('dt', {}, 'Duration'), h('dd', {class: 'mono'}, duration(a.duration_ms))),
      // "HTTP 500" says no more than the status beside it.
      a.error && a.error !== code ? h('div', {class: 'attempt-error-row'}, h('dt', {}, 'Error'), h('dd', {class: 'attempt-error text-danger'}, a.error)) : null),
    h('div', {class: 'attempt-grid'},
      h('div', {},
        h('h4', {class: 'attempt-sub'}, 'Response body', h('span', {class: 'muted'}, ' (first 4 KiB)')),
        a.response_body ? h('pre', {class: 'code code-scroll'}, a.response_body) : h('p', {class: 'muted small'}, a.status_code === null ? 'No response was received.' : 'Empty.')),
      h('div', {},
        h('details', {class: 'attempt-details', dataset: {part: 'request'}},
          h('summary', {}, 'Request headers'),
          headerTable(a.request_headers)),
        h('details', {class: 'attempt-details', dataset: {part: 'response'}},
          h('summary', {}, 'Response headers'),
          headerTable(a.response_headers)))));
}

function whyPanel(d, hook) {
  if (d.status === 'succeeded') {
    return h('div', {class: 'callout callout-success'}, h('strong', {}, 'Delivered. '),
      `The endpoint answered ${d.last_status_code ? `HTTP ${d.last_status_code}` : 'successfully'}`, d.completed_at ? [' ', timeEl(d.completed_at, '', {compact: true})] : null, '.');
  }
  if (d.status === 'failed') {
    return h('div', {class: 'callout callout-danger why'},
      h('h2', {class: 'callout-title'}, 'Why it failed'),
      h('p', {class: 'why-error'}, d.last_error || 'The endpoint did not accept the delivery.'),
      h('p', {class: 'small'}, `hookd made ${plural(d.attempt_count, 'attempt')} and gave up`, d.completed_at ? [' ', timeEl(d.completed_at, '', {compact: true})] : null,
        '. ', hint(d)),
      hook && hook.status !== 'active' ? h('p', {class: 'small'}, 'The webhook is disabled: enable it before redelivering.') : null);
  }
  if (d.status === 'pending' && d.held) {
    return h('div', {class: 'callout callout-neutral', dataset: {part: 'held'}},
      h('h2', {class: 'callout-title'}, 'Waiting its turn'),
      h('p', {class: 'small'}, 'This event has the ordering key ', h('span', {class: 'mono'}, d.ordering_key),
        `: it is sent once the earlier deliveries of that key to this webhook have finished (it is number ${d.ordering_seq} of the key). `,
        'This page updates by itself.'));
  }
  if (d.status === 'pending') {
    const due = d.next_attempt_at ? [d.attempt_count > 0 ? 'Next attempt ' : 'First attempt due ', timeEl(d.next_attempt_at, '', {compact: true}), '. '] : null;
    return h('div', {class: 'callout callout-warning why'},
      h('h2', {class: 'callout-title'}, d.attempt_count > 0 ? 'Retrying' : 'Queued'),
      d.last_error ? h('p', {class: 'why-error'}, `Last attempt: ${d.last_error}`) : null,
      h('p', {class: 'small'}, due, 'This page updates by itself.'));
  }
  // Cancelled: the reason recorded with it, never a promise of an attempt.
  const reason = (d.last_error || '').replace(/^Cancelled:\s*/, '');
  return h('div', {class: 'callout callout-neutral why why-cancelled'},
    h('h2', {class: 'callout-title'}, 'Cancelled'),
    h('p', {class: 'why-reason'}, reason || 'The webhook was disabled or deleted before this delivery finished.'),
    h('p', {class: 'small'},
      d.attempt_count > 0 ? `hookd had made ${plural(d.attempt_count, 'attempt')} in this cycle; it makes no more.` : 'hookd made no attempt and will make none.',
      d.completed_at ? [' Cancelled ', timeEl(d.completed_at, '', {compact: true}), '.'] : null,
      ' ', !hook ? 'The webhook is deleted.' : hook.status === 'active' ? 'The webhook is active again: Redeliver sends it now.' : 'Enable the webhook, then redeliver it (or recover all its cancelled deliveries from the webhook\'s page).'));
}

// hintByKind turns an attempt's error_kind into a next step; status answers
// are told apart by their code below.
const hintByKind = {
  timeout: 'Your endpoint took too long to answer: reply 2xx quickly and do slow work afterwards.',
  connection: 'The connection failed or was cut: is your endpoint running and reachable at that address?',
  dns: 'The host name did not resolve: check the webhook URL\'s host.',
  tls: 'The TLS handshake failed: check your endpoint\'s certificate.',
  ssrf: 'hookd refuses to deliver to private or loopback addresses unless its operator allows them.',
  redirect: 'Your endpoint answered with a redirect, which hookd never follows: use the final URL.',
  invalid_url: 'The webhook URL cannot be requested: check it.',
};

// hint turns the last attempt's failure into a next step.
function hint(d) {
  const last = (d.attempts || []).at(-1);
  const kind = last ? last.error_kind : null;
  if (kind && hintByKind[kind]) return hintByKind[kind];
  if (d.last_status_code >= 500) return 'Your endpoint answered with a server error: check its logs at that time.';
  if (d.last_status_code === 401 || d.last_status_code === 403) return 'Your endpoint refused the request: check its credentials and signature verification.';
  if (d.last_status_code === 404 || d.last_status_code === 410) return 'Your endpoint says the URL does not exist: check the webhook URL.';
  if (d.last_status_code >= 400) return 'Your endpoint rejected the request: see its response body below.';
  return 'See each attempt below.';
}

// payloadCard shows the body every attempt sends, pretty-printed or as the
// exact bytes (what a signature is computed over), with a copy button for
// the view on screen.
function payloadCard(d) {
  const pretty = JSON.stringify(d.payload, null, 2);
  const raw = d.body;
  let view = 'pretty';
  const pre = h('pre', {class: 'code code-scroll code-tall payload-code', tabindex: '0', dataset: {view}}, pretty);
  const tabs = [['pretty', 'Pretty'], ['raw', 'Raw (exact bytes)']].map(([key, label]) => {
    const b = h('button', {type: 'button', class: 'seg-btn', 'aria-pressed': String(key === view), dataset: {view: key}}, label);
    b.addEventListener('click', () => {
      view = key;
      pre.textContent = key === 'raw' ? raw : pretty;
      pre.dataset.view = key;
      for (const t of tabs) t.setAttribute('aria-pressed', String(t.dataset.view === key));
    });
    return b;
  });
  const size = new TextEncoder().encode(raw).length;
  return card({
    title: 'Payload',
    description: `The JSON body every attempt in the ${formatInfo(d.format).label} format sends, stored once for this event: ${bytes(size)}. Signatures are computed over the raw bytes.`,
    actions: [h('div', {class: 'seg', role: 'group', 'aria-label': 'Payload view'}, tabs),
      copyButton(() => (view === 'raw' ? raw : pretty), 'Copy')],
    className: 'payload-card',
    body: pre,
  });
}

export default async function deliveryPage(ctx, main) {
  const id = ctx.params.id;
  const path = `/v2/admin/deliveries/${encodeURIComponent(id)}`;
  const container = h('div', {class: 'container'}, loading('Loading delivery…'));
  main.append(container);
  const canWrite = session.can('webhooks.write');
  let hook = null;
  let lastKey = '';
  let timer = null;
  const live = liveIndicator();
  ctx.signal.addEventListener('abort', () => clearTimeout(timer));

  async function load() {
    let d;
    try {
      d = await api.get(path, undefined, {signal: ctx.signal});
      if (!hook || hook.id !== d.webhook_id) {
        hook = await api.get(`/v2/admin/webhooks/${d.webhook_id}`, undefined, {signal: ctx.signal}).catch((err) => {
          if (err.name === 'AbortError') throw err;
          return null; // deleted webhooks keep their deliveries
        });
      }
    } catch (err) {
      if (err.name === 'AbortError') return;
      if (lastKey === '') {
        replace(container, pageHeader({title: `Delivery #${id}`, back: {href: '#/webhooks', label: 'Webhooks'}}),
          failure(err.status === 404 ? Object.assign(err, {message: `There is no delivery ${id}.`}) : err, () => navigate(ctx.path)));
        return;
      }
      // Keep what is on screen; say it is not updating, and try again.
      live.failed(err);
      clearTimeout(timer);
      timer = setTimeout(load, POLL_MS * 2);
      return;
    }
    live.ok();
    if (d) {
      const key = JSON.stringify(d);
      if (key !== lastKey) {
        lastKey = key;
        keepFocus(container, () => render(d));
      }
      clearTimeout(timer);
      if (d.status === 'pending') timer = setTimeout(load, POLL_MS);
    }
  }

  function render(d) {
    const back = hook ? {href: `#/webhooks/${hook.id}`, label: hook.name} : {href: '#/webhooks', label: 'Webhooks'};
    const redeliver = canWrite ? button('Redeliver', {kind: 'primary'}) : null;
    if (redeliver) {
      // What the API would refuse is not offered: it says why instead.
      redeliver.disabled = d.status === 'pending' || !hook || hook.status !== 'active';
      if (d.status === 'pending') redeliver.title = 'A delivery can be sent again once it has finished.';
      else if (!hook) redeliver.title = 'The webhook is deleted.';
      else if (hook.status !== 'active') redeliver.title = 'Enable the webhook first.';
      redeliver.addEventListener('click', () => busy(redeliver, async () => {
        try {
          await api.post(`${path}/redeliver`);
          success('Redelivery scheduled.');
          lastKey = '';
          await load();
          container.querySelector('.page-title')?.focus();
        } catch (err) {
          toastError(err.message);
        }
      }));
    }
    const attempts = [...d.attempts].sort((a, b) => (b.cycle - a.cycle) || (b.number - a.number));
    // Keep opened header panels open across the live updates.
    const open = new Set([...container.querySelectorAll('[data-attempt] details[open]')].map(
      (el) => `${el.closest('[data-attempt]').dataset.attempt}/${el.dataset.part}`));
    replace(container,
      pageHeader({
        title: [h('span', {class: 'mono'}, d.event_type), h('span', {class: 'muted title-id'}, ` · delivery #${d.id}`)],
        badge: deliveryBadge(d),
        back,
        actions: [d.status === 'pending' ? live.element : null, redeliver],
      }),
      whyPanel(d, hook),
      card({title: 'Summary', className: 'summary-card', body: facts([
        ['Delivery ID', withCopy(h('span', {class: 'mono'}, String(d.id)), String(d.id), 'delivery id')],
        ['Webhook', hook ? h('a', {href: `#/webhooks/${hook.id}`}, hook.name) : `#${d.webhook_id} (deleted)`],
        ['Event', withCopy(h('a', {href: `#/events/${encodeURIComponent(d.event_id)}?tenant=${encodeURIComponent(d.tenant)}`, class: 'mono'}, d.event_id), d.event_id, 'event id')],
        hook ? ['Webhook URL now', withCopy(h('span', {class: 'mono url'}, hook.url), hook.url, 'webhook URL')] : null,
        ['Format', h('span', {class: 'delivery-format', dataset: {format: d.format}}, formatInfo(d.format).label)],
        d.ordering_key ? ['Ordering', h('span', {dataset: {part: 'ordering'}}, h('span', {class: 'mono'}, d.ordering_key), ` · number ${d.ordering_seq}`)] : null,
        ['Attempts', `${d.attempt_count} in cycle ${d.cycle}` + (d.cycle > 1 ? ` (redelivered ${plural(d.cycle - 1, 'time')})` : '')],
        ['Last status', d.last_status_code ? h('span', {class: 'mono'}, `HTTP ${d.last_status_code}`) : h('span', {class: 'muted'}, '—')],
        d.status === 'pending' ? ['Next attempt', timeEl(d.next_attempt_at, 'Now')] : null,
        ['Created', timeEl(d.created_at)],
        ['Last attempt', timeEl(d.last_attempt_at, 'Not yet')],
        d.completed_at ? ['Finished', timeEl(d.completed_at)] : null,
      ])}),
      h('section', {class: 'attempts', 'aria-labelledby': 'attempts-title'},
        h('h2', {id: 'attempts-title', class: 'section-title'}, `Attempts (${d.attempts.length})`),
        attempts.length ? attempts.map((a) => attemptCard(a)) : h('div', {class: 'card'}, h('p', {class: 'muted card-body no-attempts'},
          d.status === 'cancelled' ? 'No attempt was made: the delivery was cancelled before its first attempt.'
            : d.next_attempt_at ? ['No attempt yet: the first is due ', timeEl(d.next_attempt_at, '', {compact: true}), '.'] : 'No attempt yet.'))),
      payloadCard(d));
    for (const el of container.querySelectorAll('[data-attempt] details')) {
      if (open.has(`${el.closest('[data-attempt]').dataset.attempt}/${el.dataset.part}`)) el.open = true;
    }
  }

  await load();
}
