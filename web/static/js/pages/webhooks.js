// The webhook list: name and URL, status, events, last delivery, last
// error, consecutive failures and a 24-hour sparkline per webhook; search,
// status filter, page and page size in the URL; kept current by itself.

import * as api from '../api.js';
import * as session from '../session.js';
import {h, replace, keepFocus} from '../dom.js';
import {replaceQuery} from '../router.js';
import {pageHeader, linkButton} from '../layout.js';
import {timeEl} from '../format.js';
import {webhookBadge} from '../components/badge.js';
import {dataTable} from '../components/table.js';
import {pager, perPageOf} from '../components/pager.js';
import {eventChips, lastError} from '../components/webhookcells.js';
import {sparkline} from '../components/chart.js';
import {liveIndicator, pollWhileVisible} from '../components/live.js';
import {copyIcon} from '../components/copy.js';
import {loading, empty, failure} from '../components/states.js';

const REFRESH_MS = 5000;
const SPARKS_MS = 60000;

export default async function webhooksPage(ctx, main) {
  const state = {
    page: Math.max(1, Number(ctx.query.get('page')) || 1),
    perPage: perPageOf(ctx.query.get('per_page')),
    status: ['active', 'inactive'].includes(ctx.query.get('status')) ? ctx.query.get('status') : '',
    q: (ctx.query.get('q') || '').slice(0, 200),
    last: '',
  };
  const canWrite = session.can('webhooks.write');
  const create = canWrite ? linkButton('New webhook', '#/webhooks/new', {kind: 'primary'}) : null;

  const statusFilter = h('select', {class: 'input input-sm', 'aria-label': 'Filter by status'},
    h('option', {value: ''}, 'All statuses'),
    h('option', {value: 'active'}, 'Active'),
    h('option', {value: 'inactive'}, 'Disabled'));
  statusFilter.value = state.status;
  const search = h('input', {type: 'search', class: 'input input-sm list-search', name: 'q', value: state.q,
    placeholder: 'Search name or URL', 'aria-label': 'Search webhooks by name or URL', autocomplete: 'off', spellcheck: 'false', maxlength: 200});
  const count = h('span', {class: 'muted small'});
  const live = liveIndicator();
  const list = h('div', {}, loading('Loading webhooks…'));
  const body = h('div', {}, h('div', {class: 'toolbar'}, search, statusFilter, count, h('span', {class: 'toolbar-end'}, live.element)), list);
  main.append(h('div', {class: 'container'},
    pageHeader({title: 'Webhooks', subtitle: 'Endpoints that hookd signs and delivers events to.', actions: create}),
    body));
  if (!session.can('webhooks.read')) {
    replace(body, h('div', {class: 'card'}, empty({
      level: 2,
      icon: 'key',
      title: 'Your token cannot see webhooks',
      text: 'Webhooks need the webhooks.read or webhooks.write scope. This token can still send events.',
      action: linkButton('Go to events', '#/events', {kind: 'primary'}),
    })));
    return;
  }

  const keep = () => replaceQuery({q: state.q, status: state.status, page: state.page > 1 ? state.page : '', per_page: state.perPage !== 20 ? state.perPage : ''});
  statusFilter.addEventListener('change', () => { state.status = statusFilter.value; state.page = 1; keep(); load(true); });
  let typing = null;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => { state.q = search.value.trim(); state.page = 1; keep(); load(true); }, 250);
  });
  search.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { clearTimeout(typing); state.q = search.value.trim(); state.page = 1; keep(); load(true); }
  });

  const sparks = new Map(); // webhook id -> last stats, so a refresh draws at once
  let sparksAt = 0;

  async function load(force = false) {
    let data;
    try {
      data = await api.get('/v2/admin/webhooks', {page: state.page, per_page: state.perPage, status: state.status, q: state.q}, {signal: ctx.signal});
    } catch (err) {
      if (err.name === 'AbortError') return;
      live.failed(err);
      if (state.last === '') replace(list, failure(err, () => load(true)));
      return;
    }
    live.ok();
    const key = JSON.stringify(data);
    const sparksDue = Date.now() - sparksAt > SPARKS_MS;
    if (sparksDue) sparksAt = Date.now();
    if (!force && key === state.last) {
      if (sparksDue) refreshSparks(data.webhooks);
      return;
    }
    state.last = key;
    count.textContent = `${data.total} ${data.total === 1 ? 'webhook' : 'webhooks'}`;
    keepFocus(list, () => render(data));
    // Charts of rows new on screen at once, all of them once a minute: a
    // request per row every few seconds would eat the token's rate limit.
    refreshSparks(sparksDue ? data.webhooks : data.webhooks.filter((w) => !sparks.has(w.id)));
  }

  function render(data) {
    if (data.total === 0 && !state.status && !state.q) {
      body.querySelector('.toolbar').hidden = true;
      replace(list, h('div', {class: 'card'}, empty({
        level: 2,
        icon: 'send',
        title: 'No webhooks yet',
        text: 'A webhook is an HTTPS endpoint of yours that hookd POSTs signed events to. Create one, then send it a test event to see it work.',
        action: canWrite ? linkButton('Create your first webhook', '#/webhooks/new', {kind: 'primary'}) : h('p', {class: 'muted'}, 'Your token can only read webhooks.'),
      })));
      return;
    }
    body.querySelector('.toolbar').hidden = false;
    const rows = data.webhooks;
    const table = dataTable({
      caption: 'Webhooks',
      rows,
      rowLink: (w) => `#/webhooks/${w.id}`,
      className: 'webhook-table',
      columns: [
        {label: 'Webhook', class: 'col-main', cell: (w) => h('div', {class: 'cell-stack'},
          h('a', {href: `#/webhooks/${w.id}`, class: 'row-title'}, w.name),
          h('span', {class: 'url-line'}, h('span', {class: 'mono muted small url', title: w.url}, w.url), copyIcon(w.url, `URL of ${w.name}`)))},
        {label: 'Status', class: 'col-status', cell: (w) => webhookBadge(w)},
        {label: 'Events', class: 'col-events', cell: (w) => eventChips(w.events, 2)},
        {label: 'Last delivered', class: 'col-time', cell: (w) => timeEl(w.last_triggered_at, 'Never', {compact: true})},
        {label: 'Last error', class: 'col-error', cell: lastError},
        {label: 'Failures', class: 'col-num', cell: (w) => w.consecutive_failures > 0
          ? h('span', {class: 'text-danger strong', title: 'Consecutive failed deliveries'}, String(w.consecutive_failures))
          : h('span', {class: 'muted'}, '0')},
        {label: 'Last 24 h', class: 'col-chart', cell: (w) => {
          const cell = h('span', {class: 'spark-slot', dataset: {webhook: w.id}});
          if (sparks.has(w.id)) cell.append(sparkline(sparks.get(w.id)));
          else cell.setAttribute('aria-busy', 'true');
          return cell;
        }},
      ],
    });
    replace(list,
      rows.length ? h('div', {class: 'card card-flush'}, table) : h('div', {class: 'card'}, empty({level: 2, icon: 'search', title: state.q ? `No webhooks match “${state.q}”` : 'No webhooks match this filter'})),
      pager({
        page: state.page, perPage: state.perPage, total: data.total,
        onPage: (p) => { state.page = p; keep(); load(true); },
        onPerPage: (n) => { state.perPage = n; state.page = 1; keep(); load(true); },
      }));
  }

  // Charts load after the table is on screen, one request per webhook.
  async function refreshSparks(rows) {
    await Promise.all(rows.map(async (w) => {
      try {
        const stats = await api.get(`/v2/admin/webhooks/${w.id}/stats`, undefined, {signal: ctx.signal});
        const before = JSON.stringify(sparks.get(w.id));
        sparks.set(w.id, stats);
        const cell = list.querySelector(`.spark-slot[data-webhook="${w.id}"]`);
        if (cell && (before !== JSON.stringify(stats) || !cell.firstChild)) replace(cell, sparkline(stats));
        if (cell) cell.removeAttribute('aria-busy');
      } catch (err) {
        const cell = list.querySelector(`.spark-slot[data-webhook="${w.id}"]`);
        if (err.name !== 'AbortError' && cell && !cell.firstChild) {
          replace(cell, h('span', {class: 'muted small'}, 'n/a'));
          cell.removeAttribute('aria-busy');
        }
      }
    }));
  }

  pollWhileVisible(REFRESH_MS, ctx.signal, () => load(false));
  ctx.signal.addEventListener('abort', () => clearTimeout(typing));
  await load(true);
}
