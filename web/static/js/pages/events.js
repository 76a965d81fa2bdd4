// Recent events (GET /v2/events) with the state of their deliveries.

import * as api from '../api.js';
import * as session from '../session.js';
import {h, replace} from '../dom.js';
import {setQuery} from '../router.js';
import {loadCatalog} from '../catalog.js';
import {pageHeader, linkButton} from '../layout.js';
import {timeEl} from '../format.js';
import {badge} from '../components/badge.js';
import {dataTable} from '../components/table.js';
import {pager} from '../components/pager.js';
import {loading, empty, failure} from '../components/states.js';

const PER_PAGE = 25;
const ORDER = ['failed', 'pending', 'succeeded', 'cancelled'];

// deliveryCounts shows {"succeeded": 3, "failed": 1} as badges.
export function deliveryCounts(counts) {
  const keys = Object.keys(counts || {}).filter((k) => counts[k] > 0)
    .sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
  if (keys.length === 0) return h('span', {class: 'muted small'}, 'No subscribers');
  return h('div', {class: 'badge-row'}, keys.map((k) => badge(k, `${counts[k]} ${k}`)));
}

export default async function eventsPage(ctx, main) {
  const page = Math.max(1, Number(ctx.query.get('page')) || 1);
  const type = ctx.query.get('type') || '';
  const canSend = session.can('events.write');
  const body = h('div', {}, loading('Loading events…'));
  main.append(h('div', {class: 'container'},
    pageHeader({
      title: 'Events',
      subtitle: 'Everything emitted to hookd, newest first, with how its deliveries went.',
      actions: canSend ? linkButton('Send an event', '#/events/new', {kind: 'primary'}) : null,
    }),
    body));

  let data;
  let catalog;
  try {
    [data, catalog] = await Promise.all([
      api.get('/v2/events', {page, per_page: PER_PAGE, type}, {signal: ctx.signal}),
      loadCatalog(),
    ]);
  } catch (err) {
    if (err.name === 'AbortError') return;
    replace(body, failure(err, () => setQuery({page, type})));
    return;
  }

  const typeSel = h('select', {class: 'input input-sm', 'aria-label': 'Filter by event type'},
    h('option', {value: ''}, 'All event types'),
    catalog.map((et) => h('option', {value: et.name}, et.name)));
  typeSel.value = type;
  typeSel.addEventListener('change', () => setQuery({type: typeSel.value}));

  if (data.total === 0 && !type) {
    replace(body, h('div', {class: 'card'}, empty({
      level: 2,
      icon: 'zap',
      title: 'No events yet',
      text: 'Events arrive from your product through POST /v2/events. You can also send one by hand to try a webhook.',
      action: canSend ? linkButton('Send an event', '#/events/new', {kind: 'primary'}) : null,
    })));
    return;
  }

  replace(body,
    h('div', {class: 'toolbar'}, typeSel, h('span', {class: 'muted small'}, `${data.total} ${data.total === 1 ? 'event' : 'events'}`)),
    data.events.length === 0
      ? h('div', {class: 'card'}, empty({level: 2, icon: 'search', title: 'No events of this type'}))
      : h('div', {class: 'card card-flush'}, dataTable({
        caption: 'Events',
        rows: data.events,
        rowLink: (e) => `#/events/${encodeURIComponent(e.id)}?tenant=${encodeURIComponent(e.tenant)}`,
        className: 'event-table',
        columns: [
          {label: 'Type', class: 'col-main', cell: (e) => h('div', {class: 'cell-stack'},
            h('a', {href: `#/events/${encodeURIComponent(e.id)}?tenant=${encodeURIComponent(e.tenant)}`, class: 'row-title mono'}, e.type),
            h('span', {class: 'muted small mono'}, e.id))},
          {label: 'Deliveries', cell: (e) => deliveryCounts(e.delivery_counts)},
          {label: 'Tenant', cell: (e) => h('span', {class: 'mono small'}, e.tenant)},
          {label: 'Created', cell: (e) => timeEl(e.created, '—', {compact: true})},
        ],
      })),
    pager({page, perPage: PER_PAGE, total: data.total, onPage: (p) => setQuery({page: p, type})}));
}
