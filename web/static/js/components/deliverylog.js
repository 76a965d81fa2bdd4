// A webhook's delivery log (GET /v2/admin/webhooks/{id}/deliveries) with
// status and event-type filters, paging, auto-refresh and recovery of
// failed deliveries (POST .../recover). It returns {element, refresh}.

import * as api from '../api.js';
import {h, replace, keepFocus} from '../dom.js';
import {card, button, busy} from '../layout.js';
import {timeEl, datetimeLocalValue, plural} from '../format.js';
import {deliveryBadge} from './badge.js';
import {dataTable} from './table.js';
import {pager} from './pager.js';
import {loading, empty, failure} from './states.js';
import {openDialog} from './dialog.js';
import {field, formError, showErrors} from './fields.js';
import {success} from '../toast.js';

const PER_PAGE = 20;
const REFRESH_MS = 3000;

function outcome(d) {
  if (d.status === 'succeeded') return h('span', {class: 'mono'}, d.last_status_code ? String(d.last_status_code) : 'OK');
  if (d.last_error) {
    return h('span', {class: 'text-danger'}, d.last_error);
  }
  if (d.status === 'pending') return h('span', {class: 'muted'}, 'Waiting for first attempt');
  return h('span', {class: 'muted'}, '—');
}

export function deliveryLog(hook, {signal, catalog, canWrite, onChange}) {
  const state = {status: '', eventType: '', page: 1, last: ''};
  const statusSel = h('select', {class: 'input input-sm', 'aria-label': 'Filter by delivery status'},
    h('option', {value: ''}, 'All statuses'),
    ['pending', 'succeeded', 'failed', 'cancelled'].map((s) => h('option', {value: s}, s[0].toUpperCase() + s.slice(1))));
  const typeSel = h('select', {class: 'input input-sm', 'aria-label': 'Filter by event type'},
    h('option', {value: ''}, 'All event types'),
    catalog.map((et) => h('option', {value: et.name}, et.name)));
  const refresh = button('Refresh', {size: 'sm'});
  const recover = canWrite ? button('Recover failed…', {size: 'sm'}) : null;
  const content = h('div', {class: 'log-content'}, loading('Loading deliveries…'));
  const live = h('span', {class: 'live-dot', title: 'Updates automatically'}, 'Live');

  statusSel.addEventListener('change', () => { state.status = statusSel.value; state.page = 1; load(true); });
  typeSel.addEventListener('change', () => { state.eventType = typeSel.value; state.page = 1; load(true); });
  refresh.addEventListener('click', () => busy(refresh, () => load(true)));
  if (recover) recover.addEventListener('click', () => recoverDialog(hook, () => load(true)));

  async function load(force = false) {
    let data;
    try {
      data = await api.get(`/v2/admin/webhooks/${hook.id}/deliveries`, {
        status: state.status, event_type: state.eventType, page: state.page, per_page: PER_PAGE,
      }, {signal});
    } catch (err) {
      if (err.name === 'AbortError') return;
      replace(content, failure(err, () => load(true)));
      state.last = '';
      return;
    }
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
            h('span', {class: 'muted small mono'}, `Delivery #${d.id}`))},
          {label: 'Result', class: 'col-error', cell: outcome},
          {label: 'Attempts', class: 'col-num', cell: (d) => String(d.attempt_count) + (d.cycle > 1 ? ` (cycle ${d.cycle})` : '')},
          {label: 'Created', cell: (d) => timeEl(d.created_at, '—', {compact: true})},
          {label: 'Next attempt', cell: (d) => d.status === 'pending' && d.next_attempt_at ? timeEl(d.next_attempt_at, '—', {compact: true}) : h('span', {class: 'muted'}, '—')},
        ],
      }),
      pager({page: state.page, perPage: PER_PAGE, total: data.total, onPage: (p) => { state.page = p; load(true); }}));
  }

  const timer = setInterval(() => {
    if (!document.hidden) load(false);
  }, REFRESH_MS);
  signal.addEventListener('abort', () => clearInterval(timer));
  load(true);

  const element = card({
    title: 'Delivery log',
    description: 'Every delivery to this endpoint, newest first. Open one to see each attempt.',
    actions: [live, refresh, recover],
    className: 'log-card',
    body: [h('div', {class: 'toolbar'}, statusSel, typeSel), content],
  });
  return {element, refresh: () => load(false)};
}

function recoverDialog(hook, after) {
  const since = h('input', {type: 'datetime-local', class: 'input', value: datetimeLocalValue(new Date(Date.now() - 24 * 3600 * 1000))});
  const form = h('form', {class: 'form', novalidate: true},
    h('p', {}, 'hookd sends every failed delivery created since this time again, with a fresh signature.'),
    formError(),
    field({label: 'Failed since (your local time)', name: 'since', control: since}));
  const cancel = h('button', {type: 'button', class: 'btn btn-secondary'}, 'Cancel');
  const ok = h('button', {type: 'button', class: 'btn btn-primary'}, 'Recover deliveries');
  const {close} = openDialog({title: 'Recover failed deliveries', body: form, actions: [cancel, ok]});
  cancel.addEventListener('click', () => close());
  const submit = async () => {
    const d = since.value ? new Date(since.value) : null;
    if (!d || Number.isNaN(d.getTime())) {
      showErrors(form, {message: 'Choose a time.', params: {since: 'Choose the time to recover from.'}});
      return;
    }
    await busy(ok, async () => {
      try {
        const res = await api.post(`/v2/admin/webhooks/${hook.id}/recover`, {since: d.toISOString()});
        success(res.deliveries === 0 ? 'No failed deliveries to recover in that period.' : `Recovery scheduled for ${plural(res.deliveries, 'failed delivery', 'failed deliveries')}.`);
        close();
        after();
      } catch (err) {
        showErrors(form, err);
      }
    });
  };
  ok.addEventListener('click', submit);
  form.addEventListener('submit', (e) => { e.preventDefault(); submit(); });
}
