// Recent events (GET /v2/events) with the state of their deliveries:
// filters by type, tenant and time range, page and page size, all in the
// URL, kept current by itself. An event id typed in the search box opens it.

import * as api from '../api.js';
import * as session from '../session.js';
import {h, replace, keepFocus} from '../dom.js';
import {replaceQuery} from '../router.js';
import {loadCatalog} from '../catalog.js';
import {pageHeader, linkButton, button} from '../layout.js';
import {timeEl, datetimeLocalValue, zoneName} from '../format.js';
import {badge} from '../components/badge.js';
import {dataTable} from '../components/table.js';
import {pager, perPageOf} from '../components/pager.js';
import {liveIndicator, pollWhileVisible} from '../components/live.js';
import {copyIcon} from '../components/copy.js';
import {loading, empty, failure} from '../components/states.js';

const REFRESH_MS = 5000;
const ORDER = ['failed', 'pending', 'succeeded', 'cancelled'];

// deliveryCounts shows {"succeeded": 3, "failed": 1} as badges.
export function deliveryCounts(counts) {
  const keys = Object.keys(counts || {}).filter((k) => counts[k] > 0)
    .sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
  if (keys.length === 0) return h('span', {class: 'muted small'}, 'No subscribers');
  return h('div', {class: 'badge-row'}, keys.map((k) => badge(k, `${counts[k]} ${k}`)));
}

// A datetime-local value (the browser's zone) as RFC 3339 for the API.
const toISO = (v) => {
  const d = v ? new Date(v) : null;
  return d && !Number.isNaN(d.getTime()) ? d.toISOString() : '';
};
const fromISO = (v) => {
  const d = v ? new Date(v) : null;
  return d && !Number.isNaN(d.getTime()) ? datetimeLocalValue(d) : '';
};

export default async function eventsPage(ctx, main) {
  const q = ctx.query;
  const state = {
    page: Math.max(1, Number(q.get('page')) || 1),
    perPage: perPageOf(q.get('per_page')),
    type: q.get('type') || '',
    tenant: q.get('tenant') || '',
    since: toISO(q.get('since')) ? q.get('since') : '',
    until: toISO(q.get('until')) ? q.get('until') : '',
    last: '',
  };
  const canSend = session.can('events.write');
  const unbound = session.profile()?.tenant === null;
  const list = h('div', {}, loading('Loading events…'));
  const live = liveIndicator();
  const count = h('span', {class: 'muted small'});
  const toolbar = h('div', {class: 'toolbar filters'});
  main.append(h('div', {class: 'container'},
    pageHeader({
      title: 'Events',
      subtitle: 'Everything emitted to hookd, newest first, with how its deliveries went.',
      actions: canSend ? linkButton('Send an event', '#/events/new', {kind: 'primary'}) : null,
    }),
    toolbar, list));

  let catalog;
  try {
    catalog = await loadCatalog();
  } catch (err) {
    if (err.name === 'AbortError') return;
    replace(list, failure(err, () => location.reload()));
    return;
  }

  const typeSel = h('select', {class: 'input input-sm', 'aria-label': 'Filter by event type'},
    h('option', {value: ''}, 'All event types'),
    catalog.map((et) => h('option', {value: et.name}, et.name)));
  typeSel.value = state.type;
  const tenant = unbound ? h('input', {class: 'input input-sm mono filter-tenant', type: 'search', value: state.tenant, placeholder: 'Any tenant',
    'aria-label': 'Filter by tenant', autocomplete: 'off', spellcheck: 'false', maxlength: 100}) : null;
  const since = h('input', {class: 'input input-sm', type: 'datetime-local', value: fromISO(state.since), 'aria-label': `From (${zoneName()})`, title: `From (${zoneName()})`});
  const until = h('input', {class: 'input input-sm', type: 'datetime-local', value: fromISO(state.until), 'aria-label': `Until (${zoneName()})`, title: `Until (${zoneName()})`});
  const clear = button('Clear filters', {kind: 'ghost', size: 'sm'});
  replace(toolbar, typeSel, tenant, h('span', {class: 'filter-range'}, since, h('span', {class: 'muted small'}, 'to'), until), clear, count,
    h('span', {class: 'toolbar-end'}, live.element));

  const keep = () => replaceQuery({type: state.type, tenant: state.tenant, since: state.since, until: state.until,
    page: state.page > 1 ? state.page : '', per_page: state.perPage !== 20 ? state.perPage : ''});
  const changed = () => { state.page = 1; keep(); load(true); };
  typeSel.addEventListener('change', () => { state.type = typeSel.value; changed(); });
  if (tenant) tenant.addEventListener('change', () => { state.tenant = tenant.value.trim(); changed(); });
  since.addEventListener('change', () => { state.since = toISO(since.value); changed(); });
  until.addEventListener('change', () => { state.until = toISO(until.value); changed(); });
  clear.addEventListener('click', () => {
    Object.assign(state, {type: '', tenant: '', since: '', until: ''});
    typeSel.value = '';
    if (tenant) tenant.value = '';
    since.value = '';
    until.value = '';
    changed();
  });

  const filtered = () => Boolean(state.type || state.tenant || state.since || state.until);

  async function load(force = false) {
    let data;
    try {
      data = await api.get('/v2/events', {page: state.page, per_page: state.perPage, type: state.type, tenant: state.tenant,
        since: state.since, until: state.until}, {signal: ctx.signal});
    } catch (err) {
      if (err.name === 'AbortError') return;
      live.failed(err);
      if (state.last === '') replace(list, failure(err, () => load(true)));
      return;
    }
    live.ok();
    const key = JSON.stringify(data);
    if (!force && key === state.last) return;
    state.last = key;
    count.textContent = `${data.total} ${data.total === 1 ? 'event' : 'events'}`;
    keepFocus(list, () => render(data));
  }

  function render(data) {
    toolbar.hidden = data.total === 0 && !filtered();
    if (data.total === 0 && !filtered()) {
      replace(list, h('div', {class: 'card'}, empty({
        level: 2,
        icon: 'zap',
        title: 'No events yet',
        text: 'Events arrive from your product through POST /v2/events. You can also send one by hand to try a webhook.',
        action: canSend ? linkButton('Send an event', '#/events/new', {kind: 'primary'}) : null,
      })));
      return;
    }
    replace(list,
      data.events.length === 0
        ? h('div', {class: 'card'}, empty({level: 2, icon: 'search', title: 'No events match these filters'}))
        : h('div', {class: 'card card-flush'}, dataTable({
          caption: 'Events',
          rows: data.events,
          rowLink: (e) => `#/events/${encodeURIComponent(e.id)}?tenant=${encodeURIComponent(e.tenant)}`,
          className: 'event-table',
          columns: [
            {label: 'Type', class: 'col-main', cell: (e) => h('div', {class: 'cell-stack'},
              h('a', {href: `#/events/${encodeURIComponent(e.id)}?tenant=${encodeURIComponent(e.tenant)}`, class: 'row-title mono'}, e.type),
              h('span', {class: 'muted small mono with-copy'}, e.id, copyIcon(e.id, `event id ${e.id}`)))},
            {label: 'Deliveries', cell: (e) => deliveryCounts(e.delivery_counts)},
            {label: 'Tenant', cell: (e) => h('span', {class: 'mono small'}, e.tenant)},
            {label: 'Created', cell: (e) => timeEl(e.created, '—', {compact: true})},
          ],
        })),
      pager({
        page: state.page, perPage: state.perPage, total: data.total,
        onPage: (p) => { state.page = p; keep(); load(true); },
        onPerPage: (n) => { state.perPage = n; state.page = 1; keep(); load(true); },
      }));
  }

  pollWhileVisible(REFRESH_MS, ctx.signal, () => load(false));
  await load(true);
}
