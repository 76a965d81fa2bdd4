// A webhook's delivery log (GET /v2/admin/webhooks/{id}/deliveries) with
// status and event-type filters, page and page size (all kept in the URL),
// live updates and recovery of failed and cancelled deliveries (POST
// .../recover). It returns {element, refresh}.

import * as api from '../api.js';
import {h, replace, keepFocus} from '../dom.js';
import {replaceQuery} from '../router.js';
import {card, button, busy} from '../layout.js';
import {timeEl, datetimeLocalValue, plural, zoneName} from '../format.js';
import {deliveryBadge} from './badge.js';
import {dataTable} from './table.js';
import {pager, perPageOf} from './pager.js';
import {loading, empty, failure} from './states.js';
import {openDialog} from './dialog.js';
import {field, formError, showErrors} from './fields.js';
import {liveIndicator, pollWhileVisible} from './live.js';
import {copyIcon} from './copy.js';
import {success} from '../toast.js';

const REFRESH_MS = 3000;
const STATUSES = ['pending', 'succeeded', 'failed', 'cancelled'];

function outcome(d) {
  if (d.status === 'succeeded') return h('span', {class: 'mono'}, d.last_status_code ? String(d.last_status_code) : 'OK');
  if (d.last_error) {
    return h('span', {class: d.status === 'cancelled' ? 'muted' : 'text-danger'}, d.last_error);
  }
  if (d.status === 'pending') return h('span', {class: 'muted'}, 'Waiting for its first attempt');
  return h('span', {class: 'muted'}, '—');
}

// subscribedTypes lists the catalog types the webhook's patterns select,
// and webhook.test, which test events use: what its log can hold.
export function subscribedTypes(hook, catalog) {
  const out = new Set();
  for (const et of catalog) {
    if (et.name === 'webhook.test') continue;
    for (const p of hook.events) {
      if (p === '*' || p === et.name || (p.endsWith('.*') && (et.group === p.slice(0, -2) || et.name.startsWith(p.slice(0, -1))))) {
        out.add(et.name);
        break;
      }
    }
  }
  return [...[...out].sort(), 'webhook.test'];
}

export function deliveryLog(hook, {signal, catalog, canWrite, onChange, query}) {
  const types = subscribedTypes(hook, catalog);
  const state = {
    status: STATUSES.includes(query.get('status')) ? query.get('status') : '',
    eventType: types.includes(query.get('event_type')) ? query.get('event_type') : '',
    page: Math.max(1, Number(query.get('page')) || 1),
    perPage: perPageOf(query.get('per_page')),
    last: '',
  };
  const statusSel = h('select', {class: 'input input-sm', 'aria-label': 'Filter by delivery status'},
    h('option', {value: ''}, 'All statuses'),
    STATUSES.map((s) => h('option', {value: s}, s[0].toUpperCase() + s.slice(1))));
  statusSel.value = state.status;
  const typeSel = h('select', {class: 'input input-sm', 'aria-label': 'Filter by event type'},
    h('option', {value: ''}, 'All event types'),
    types.map((name) => h('option', {value: name}, name)));
  typeSel.value = state.eventType;
  const refresh = button('Refresh', {size: 'sm'});
  const recover = canWrite ? button('Recover…', {size: 'sm', attrs: {title: 'Send failed and cancelled deliveries again'}}) : null;
  const content = h('div', {class: 'log-content'}, loading('Loading deliveries…'));
  const live = liveIndicator();

  // keep writes the log's state into the URL (delivery-log keys only).
  const keep = () => replaceQuery({status: state.status, event_type: state.eventType, page: state.page > 1 ? state.page : '',
    per_page: state.perPage !== 20 ? state.perPage : ''});
  statusSel.addEventListener('change', () => { state.status = statusSel.value; state.page = 1; keep(); load(true); });
  typeSel.addEventListener('change', () => { state.eventType = typeSel.value; state.page = 1; keep(); load(true); });
  refresh.addEventListener('click', () => busy(refresh, () => load(true)));
  if (recover) recover.addEventListener('click', () => recoverDialog(hook, () => load(true)));

  async function load(force = false) {
    let data;
    try {
      data = await api.get(`/v2/admin/webhooks/${hook.id}/deliveries`, {
        status: state.status, event_type: state.eventType, page: state.page, per_page: state.perPage,
      }, {signal});
    } catch (err) {
      if (err.name === 'AbortError') return;
      live.failed(err);
      // The rows already shown stay; only a first load shows the error.
      if (state.last === '') replace(content, failure(err, () => load(true)));
      return;
    }
    live.ok();
    const key = JSON.stringify(data);
    if (!force && key === state.last) return;
    const changed = state.last !== '' && key !== state.last;
    state.last = key;
    keepFocus(content, () => render(data));
    if (changed && onChange) onChange();
  }

  function render(data) {
    if (data.total === 0) {
      const filtered = state.status || state.eventType;
      replace(content, empty({
        title: filtered ? 'No deliveries match these filters' : 'No deliveries yet',
        text: filtered ? null : 'Deliveries appear here when an event this webhook subscribes to is sent, or when you send a test event.',
      }));
      return;
    }
    replace(content,
      dataTable({
        caption: 'Deliveries',
        rows: data.deliveries,
        rowLink: (d) => `#/deliveries/${d.id}`,
        className: 'delivery-table',
        columns: [
          {label: 'Status', cell: (d) => deliveryBadge(d)},
          {label: 'Event', class: 'col-main', cell: (d) => h('div', {class: 'cell-stack'},
            h('a', {href: `#/deliveries/${d.id}`, class: 'row-title mono'}, d.event_type),
            h('span', {class: 'muted small mono with-copy'}, `Delivery #${d.id}`, copyIcon(String(d.id), `delivery id ${d.id}`)))},
          {label: 'Result', class: 'col-error', cell: outcome},
          {label: 'Attempts', class: 'col-num', cell: (d) => String(d.attempt_count) + (d.cycle > 1 ? ` (cycle ${d.cycle})` : '')},
          {label: 'Created', cell: (d) => timeEl(d.created_at, '—', {compact: true})},
          {label: 'Next attempt', cell: (d) => d.status === 'pending' && d.next_attempt_at ? timeEl(d.next_attempt_at, '—', {compact: true}) : h('span', {class: 'muted'}, '—')},
        ],
      }),
      pager({
        page: state.page, perPage: state.perPage, total: data.total,
        onPage: (p) => { state.page = p; keep(); load(true); },
        onPerPage: (n) => { state.perPage = n; state.page = 1; keep(); load(true); },
      }));
  }

  pollWhileVisible(REFRESH_MS, signal, () => load(false));
  load(true);

  const element = card({
    title: 'Delivery log',
    description: 'Every delivery to this endpoint, newest first. Open one to see each attempt.',
    actions: [live.element, refresh, recover],
    className: 'log-card',
    body: [h('div', {class: 'toolbar'}, statusSel, typeSel), content],
  });
  return {element, refresh: () => load(false)};
}

// recoverDialog sends failed and cancelled deliveries again, or one kind.
export function recoverDialog(hook, after, {since: sinceDate, status = ''} = {}) {
  const since = h('input', {type: 'datetime-local', class: 'input', name: 'since',
    value: datetimeLocalValue(sinceDate || new Date(Date.now() - 24 * 3600 * 1000))});
  const which = h('select', {class: 'input', name: 'status'},
    h('option', {value: ''}, 'Failed and cancelled deliveries'),
    h('option', {value: 'failed'}, 'Failed deliveries only'),
    h('option', {value: 'cancelled'}, 'Cancelled deliveries only'));
  which.value = status;
  const form = h('form', {class: 'form', novalidate: true},
    h('p', {}, 'hookd sends these deliveries again, each with a fresh signature. Cancelled ones are those queued when the webhook was disabled.'),
    formError(),
    field({label: 'Which', name: 'status', control: which}),
    field({label: `Created since (${zoneName()})`, name: 'since', control: since}));
  const cancel = h('button', {type: 'button', class: 'btn btn-secondary'}, 'Cancel');
  const ok = h('button', {type: 'button', class: 'btn btn-primary'}, 'Recover deliveries');
  const {close} = openDialog({title: 'Recover deliveries', body: form, actions: [cancel, ok]});
  cancel.addEventListener('click', () => close());
  const submit = async () => {
    const d = since.value ? new Date(since.value) : null;
    if (!d || Number.isNaN(d.getTime())) {
      showErrors(form, {params: {since: 'Choose the time to recover from.'}});
      return;
    }
    await busy(ok, async () => {
      try {
        const res = await api.post(`/v2/admin/webhooks/${hook.id}/recover`, {since: d.toISOString(), status: which.value || undefined});
        success(res.deliveries === 0 ? 'No deliveries to recover in that period.' : `Recovery scheduled for ${plural(res.deliveries, 'delivery', 'deliveries')}.`);
        close();
        after(res);
      } catch (err) {
        showErrors(form, err);
      }
    });
  };
  ok.addEventListener('click', submit);
  form.addEventListener('submit', (e) => { e.preventDefault(); submit(); });
}
