// One event (#/events/:id): its data and each delivery's state.

import * as api from '../api.js';
import * as session from '../session.js';
import {h, replace, keepFocus} from '../dom.js';
import {navigate} from '../router.js';
import {pageHeader, card, facts} from '../layout.js';
import {timeEl} from '../format.js';
import {deliveryBadge} from '../components/badge.js';
import {dataTable} from '../components/table.js';
import {copyButton, copyIcon, withCopy} from '../components/copy.js';
import {liveIndicator} from '../components/live.js';
import {loading, empty, failure} from '../components/states.js';

const POLL_MS = 2000;

export default async function eventPage(ctx, main) {
  const id = ctx.params.id;
  const container = h('div', {class: 'container'}, loading('Loading event…'));
  main.append(container);
  let timer = null;
  let lastKey = '';
  const names = new Map(); // webhook id -> name, or null when unknown
  const live = liveIndicator();
  ctx.signal.addEventListener('abort', () => clearTimeout(timer));

  async function load() {
    let e;
    try {
      // Ids are unique per tenant: links carry the tenant, which an
      // unbound token must name when two tenants share an id.
      const tenant = ctx.query.get('tenant');
      const q = tenant ? `?tenant=${encodeURIComponent(tenant)}` : '';
      e = await api.get(`/v2/events/${encodeURIComponent(id)}${q}`, undefined, {signal: ctx.signal});
    } catch (err) {
      if (err.name === 'AbortError') return;
      if (lastKey === '') {
        replace(container, pageHeader({title: 'Event', back: {href: '#/events', label: 'Events'}}),
          failure(err.status === 404 ? Object.assign(err, {message: `There is no event ${id}.`}) : err, () => navigate(ctx.path)));
        return;
      }
      live.failed(err); // what is on screen stays
      timer = setTimeout(load, POLL_MS * 2);
      return;
    }
    live.ok();
    await Promise.all([...new Set(e.deliveries.map((d) => d.webhook_id))].filter((wid) => !names.has(wid)).map(async (wid) => {
      names.set(wid, null);
      if (!session.can('webhooks.read')) return;
      try {
        names.set(wid, (await api.get(`/v2/admin/webhooks/${wid}`, undefined, {signal: ctx.signal})).name);
      } catch {
        // A deleted webhook keeps its deliveries; its number is shown.
      }
    }));
    const key = JSON.stringify(e);
    if (key !== lastKey) {
      lastKey = key;
      keepFocus(container, () => render(e));
    }
    if (e.deliveries.some((d) => d.status === 'pending')) timer = setTimeout(load, POLL_MS);
  }

  function render(e) {
    replace(container,
      pageHeader({title: h('span', {class: 'mono'}, e.type), subtitle: withCopy(h('span', {class: 'mono'}, e.id), e.id, 'event id'),
        back: {href: '#/events', label: 'Events'}, actions: e.deliveries.some((d) => d.status === 'pending') ? live.element : null}),
      h('div', {class: 'summary-grid summary-grid-even'},
        card({title: 'Event', body: facts([
          ['Type', h('span', {class: 'mono'}, e.type)],
          ['ID', withCopy(h('span', {class: 'mono'}, e.id), e.id, 'event id')],
          ['Tenant', h('span', {class: 'mono'}, e.tenant)],
          ['Created', timeEl(e.created)],
        ])}),
        card({title: 'Data', actions: copyButton(() => JSON.stringify(e.data, null, 2)), body: h('pre', {class: 'code code-scroll'}, JSON.stringify(e.data, null, 2))})),
      card({
        title: `Deliveries (${e.deliveries.length})`,
        className: 'card-flush-body',
        body: e.deliveries.length === 0
          ? empty({title: 'No webhook subscribes to this event', text: 'Create a webhook for this event type, or one for all events (*), and send it again.'})
          : dataTable({
            caption: 'Deliveries of this event',
            rows: e.deliveries,
            rowLink: (d) => `#/deliveries/${d.id}`,
            columns: [
              {label: 'Status', cell: (d) => deliveryBadge(d)},
              {label: 'Delivery', class: 'col-main', cell: (d) => h('span', {class: 'with-copy'},
                h('a', {href: `#/deliveries/${d.id}`, class: 'row-title'}, `Delivery #${d.id}`), copyIcon(String(d.id), `delivery id ${d.id}`))},
              {label: 'Webhook', cell: (d) => h('a', {href: `#/webhooks/${d.webhook_id}`}, names.get(d.webhook_id) || `Webhook #${d.webhook_id}`)},
              {label: 'Result', class: 'col-error', cell: (d) => d.last_error ? h('span', {class: 'text-danger'}, d.last_error) : (d.last_status_code ? h('span', {class: 'mono'}, String(d.last_status_code)) : h('span', {class: 'muted'}, '—'))},
              {label: 'Attempts', class: 'col-num', cell: (d) => String(d.attempt_count)},
            ],
          }),
      }));
  }

  await load();
}
