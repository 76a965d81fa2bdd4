// Search results (#/search?q=…, GET /v2/admin/search): webhooks by name or
// URL, an event by its id, a delivery by its id. A single exact match (an
// event or a delivery) opens directly.

import * as api from '../api.js';
import {h, replace} from '../dom.js';
import {navigate} from '../router.js';
import {pageHeader, card} from '../layout.js';
import {timeEl, plural} from '../format.js';
import {webhookBadge, deliveryBadge} from '../components/badge.js';
import {dataTable} from '../components/table.js';
import {loading, empty, failure} from '../components/states.js';

export default async function searchPage(ctx, main) {
  const q = (ctx.query.get('q') || '').trim();
  const box = document.getElementById('topsearch-q');
  if (box && document.activeElement !== box) box.value = q;
  const body = h('div', {}, loading('Searching…'));
  main.append(h('div', {class: 'container'},
    pageHeader({title: 'Search', subtitle: q ? h('span', {}, 'Results for ', h('strong', {class: 'mono'}, q)) : 'Type in the search box above.'}),
    body));
  if (!q) {
    replace(body);
    return;
  }
  let res;
  try {
    res = await api.get('/v2/admin/search', {q}, {signal: ctx.signal});
  } catch (err) {
    if (err.name === 'AbortError') return;
    replace(body, failure(err, () => navigate(ctx.path + '?q=' + encodeURIComponent(q))));
    return;
  }
  const exact = res.events.length + res.deliveries.length;
  if (res.webhooks.length === 0 && exact === 1) {
    navigate(res.events.length ? `/events/${encodeURIComponent(res.events[0].id)}?tenant=${encodeURIComponent(res.events[0].tenant)}` : `/deliveries/${res.deliveries[0].id}`, {replace: true});
    return;
  }
  if (res.webhooks.length === 0 && exact === 0) {
    replace(body, h('div', {class: 'card'}, empty({
      level: 2,
      icon: 'search',
      title: 'Nothing found',
      text: 'Search finds webhooks by name or URL, an event by its full id (evt_…, or the id your product gave it) and a delivery by its number (42 or #42).',
    })));
    return;
  }
  replace(body,
    res.events.length ? card({title: res.events.length > 1 ? `Events (${res.events.length} tenants use this id)` : 'Event', className: 'card-flush-body', body: dataTable({
      caption: 'Matching events', rows: res.events, rowLink: (e) => `#/events/${encodeURIComponent(e.id)}?tenant=${encodeURIComponent(e.tenant)}`,
      columns: [
        {label: 'Type', class: 'col-main', cell: (e) => h('a', {href: `#/events/${encodeURIComponent(e.id)}?tenant=${encodeURIComponent(e.tenant)}`, class: 'row-title mono'}, e.type)},
        {label: 'ID', cell: (e) => h('span', {class: 'mono small'}, e.id)},
        {label: 'Tenant', cell: (e) => h('span', {class: 'mono small'}, e.tenant)},
        {label: 'Created', cell: (e) => timeEl(e.created, '—', {compact: true})},
      ],
    })}) : null,
    res.deliveries.length ? card({title: 'Delivery', className: 'card-flush-body', body: dataTable({
      caption: 'Matching delivery', rows: res.deliveries, rowLink: (d) => `#/deliveries/${d.id}`,
      columns: [
        {label: 'Status', cell: (d) => deliveryBadge(d)},
        {label: 'Delivery', class: 'col-main', cell: (d) => h('a', {href: `#/deliveries/${d.id}`, class: 'row-title'}, `Delivery #${d.id}`)},
        {label: 'Event', cell: (d) => h('span', {class: 'mono small'}, d.event_type)},
        {label: 'Created', cell: (d) => timeEl(d.created_at, '—', {compact: true})},
      ],
    })}) : null,
    res.webhooks.length ? card({
      title: `Webhooks (${res.total_webhooks})`,
      description: res.total_webhooks > res.webhooks.length ? `The first ${res.webhooks.length}; see all ${plural(res.total_webhooks, 'match', 'matches')} in the webhook list.` : null,
      actions: res.total_webhooks > res.webhooks.length ? h('a', {href: `#/webhooks?q=${encodeURIComponent(q)}`}, 'Show all') : null,
      className: 'card-flush-body',
      body: dataTable({
        caption: 'Matching webhooks', rows: res.webhooks, rowLink: (w) => `#/webhooks/${w.id}`,
        columns: [
          {label: 'Webhook', class: 'col-main', cell: (w) => h('div', {class: 'cell-stack'},
            h('a', {href: `#/webhooks/${w.id}`, class: 'row-title'}, w.name),
            h('span', {class: 'mono muted small url'}, w.url))},
          {label: 'Status', cell: (w) => webhookBadge(w)},
        ],
      }),
    }) : null);
}
