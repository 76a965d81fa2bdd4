// Ordering keys of a webhook held back by a failing delivery
// (GET /v2/admin/webhooks/{id}/blocked-keys): the head each key waits for,
// since when, how many wait behind it, and a way to skip the head
// (POST /v2/admin/deliveries/{id}/skip) to release the rest. Hidden while no
// key is blocked. It returns {element, refresh}.

import * as api from '../api.js';
import {h, replace} from '../dom.js';
import {card, button, busy} from '../layout.js';
import {timeEl, plural} from '../format.js';
import {dataTable} from './table.js';
import {confirm} from './dialog.js';
import {success, error as toastError} from '../toast.js';

export function blockedKeys(hook, {signal, canWrite, onChange}) {
  const element = h('div', {dataset: {part: 'blocked-keys'}});
  const path = `/v2/admin/webhooks/${encodeURIComponent(hook.id)}/blocked-keys`;

  async function skip(btn, k) {
    const ok = await confirm({
      title: `Skip the delivery holding back “${k.key}”?`,
      message: [`It is marked failed without being sent again, and the ${plural(k.waiting, 'delivery', 'deliveries')} waiting behind it are released, in order.`,
        'You can still redeliver it later by hand.'],
      confirmLabel: 'Skip and release',
      danger: true,
      opener: btn,
    });
    if (!ok) return;
    await busy(btn, async () => {
      try {
        await api.request('POST', `/v2/admin/deliveries/${encodeURIComponent(k.head.id)}/skip`);
        success(`Skipped; ${plural(k.waiting, 'delivery', 'deliveries')} of ${k.key} released.`);
        await refresh();
        if (onChange) onChange();
      } catch (err) {
        toastError(err.message);
      }
    });
  }

  function render(keys) {
    if (keys.length === 0) {
      replace(element);
      return;
    }
    const columns = [
      {label: 'Ordering key', cell: (k) => h('span', {class: 'mono'}, k.key)},
      {label: 'Held back by', cell: (k) => h('span', {},
        h('a', {href: `#/deliveries/${k.head.id}`, class: 'mono'}, `#${k.head.id}`), ' ', k.head.event_type,
        k.head.last_error ? h('div', {class: 'small text-danger'}, k.head.last_error) : null)},
      {label: 'Blocked since', cell: (k) => timeEl(k.since)},
      {label: 'Waiting', cell: (k) => h('span', {class: 'strong'}, String(k.waiting))},
    ];
    if (canWrite) {
      columns.push({label: 'Actions', cell: (k) => {
        const btn = button('Skip head…', {size: 'sm', attrs: {'aria-label': `Skip the head delivery of ${k.key}`}});
        btn.addEventListener('click', () => skip(btn, k));
        return btn;
      }});
    }
    replace(element, card({
      title: `Ordering keys held back (${keys.length})`,
      className: 'blocked-keys-card',
      description: 'Each key’s deliveries go out in order: these wait for a delivery that keeps failing. Fix the endpoint, or skip the head to release the rest.',
      body: dataTable({columns, rows: keys, caption: 'Ordering keys held back by a failing delivery'}),
    }));
  }

  async function refresh() {
    try {
      const out = await api.get(path, undefined, {signal});
      render(out.keys);
    } catch (err) {
      if (err.name !== 'AbortError' && err.status !== 401) toastError(err.message);
    }
  }

  refresh();
  return {element, refresh};
}
