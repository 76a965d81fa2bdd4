// The webhook list: name and URL, status, events, last delivery, last
// error, consecutive failures and a 24-hour sparkline per webhook.

import * as api from '../api.js';
import * as session from '../session.js';
import {h, replace} from '../dom.js';
import {setQuery} from '../router.js';
import {pageHeader, linkButton} from '../layout.js';
import {timeEl} from '../format.js';
import {webhookBadge} from '../components/badge.js';
import {dataTable} from '../components/table.js';
import {pager} from '../components/pager.js';
import {eventChips, lastError} from '../components/webhookcells.js';
import {sparkline} from '../components/chart.js';
import {loading, empty, failure} from '../components/states.js';

const PER_PAGE = 20;

export default async function webhooksPage(ctx, main) {
  const page = Math.max(1, Number(ctx.query.get('page')) || 1);
  const status = ctx.query.get('status') || '';
  const canWrite = session.can('webhooks.write');
  const create = canWrite ? linkButton('New webhook', '#/webhooks/new', {kind: 'primary'}) : null;

  const statusFilter = h('select', {class: 'input input-sm', 'aria-label': 'Filter by status'},
    h('option', {value: ''}, 'All statuses'),
    h('option', {value: 'active'}, 'Active'),
    h('option', {value: 'inactive'}, 'Inactive'));
  statusFilter.value = status;
  statusFilter.addEventListener('change', () => setQuery({status: statusFilter.value}));

  const body = h('div', {}, loading('Loading webhooks…'));
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

  let data;
  try {
    data = await api.get('/v2/admin/webhooks', {page, per_page: PER_PAGE, status}, {signal: ctx.signal});
  } catch (err) {
    if (err.name === 'AbortError') return;
    replace(body, failure(err, () => setQuery({page, status})));
    return;
  }

  if (data.total === 0 && !status) {
    replace(body, h('div', {class: 'card'}, empty({
      level: 2,
      icon: 'send',
      title: 'No webhooks yet',
      text: 'A webhook is an HTTPS endpoint of yours that hookd POSTs signed events to. Create one, then send it a test event to see it work.',
      action: canWrite ? linkButton('Create your first webhook', '#/webhooks/new', {kind: 'primary'}) : h('p', {class: 'muted'}, 'Your token can only read webhooks.'),
    })));
    return;
  }

  const rows = data.webhooks;
  const sparkCells = new Map();
  const table = dataTable({
    caption: 'Webhooks',
    rows,
    rowLink: (w) => `#/webhooks/${w.id}`,
    className: 'webhook-table',
    columns: [
      {label: 'Webhook', class: 'col-main', cell: (w) => h('div', {class: 'cell-stack'},
        h('a', {href: `#/webhooks/${w.id}`, class: 'row-title'}, w.name),
        h('span', {class: 'mono muted small url'}, w.url))},
      {label: 'Status', cell: (w) => webhookBadge(w)},
      {label: 'Events', cell: (w) => eventChips(w.events)},
      {label: 'Last delivered', cell: (w) => timeEl(w.last_triggered_at, 'Never', {compact: true})},
      {label: 'Last error', class: 'col-error', cell: lastError},
      {label: 'Failures', class: 'col-num', cell: (w) => w.consecutive_failures > 0
        ? h('span', {class: 'text-danger strong', title: 'Consecutive failed deliveries'}, String(w.consecutive_failures))
        : h('span', {class: 'muted'}, '0')},
      {label: 'Last 24 h', class: 'col-chart', cell: (w) => {
        const cell = h('span', {class: 'spark-slot', 'aria-busy': 'true'});
        sparkCells.set(w.id, cell);
        return cell;
      }},
    ],
  });

  replace(body,
    h('div', {class: 'toolbar'}, statusFilter, h('span', {class: 'muted small'}, `${data.total} ${data.total === 1 ? 'webhook' : 'webhooks'}`)),
    rows.length ? h('div', {class: 'card card-flush'}, table) : h('div', {class: 'card'}, empty({level: 2, icon: 'search', title: 'No webhooks match this filter'})),
    pager({page, perPage: PER_PAGE, total: data.total, onPage: (p) => setQuery({page: p, status})}));

  // Charts load after the table is on screen, one request per webhook.
  await Promise.all(rows.map(async (w) => {
    const cell = sparkCells.get(w.id);
    try {
      const stats = await api.get(`/v2/admin/webhooks/${w.id}/stats`, undefined, {signal: ctx.signal});
      replace(cell, sparkline(stats));
    } catch (err) {
      if (err.name !== 'AbortError') replace(cell, h('span', {class: 'muted small'}, 'n/a'));
    }
    cell.removeAttribute('aria-busy');
  }));
}
