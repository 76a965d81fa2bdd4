// "Replay missed events": a dialog that counts, for a window, the events the
// webhook has no successful or pending delivery of (a dry run), sends them
// when confirmed, and a panel that follows the replay until it is done.

import * as api from '../api.js';
import {h, replace} from '../dom.js';
import {button} from '../layout.js';
import {plural} from '../format.js';
import {openDialog} from './dialog.js';
import {success, error as toastError} from '../toast.js';

const WINDOWS = [
  {label: 'Last hour', hours: 1},
  {label: 'Last 24 hours', hours: 24},
  {label: 'Last 7 days', hours: 24 * 7},
  {label: 'Last 30 days', hours: 24 * 30},
];

export function replayMissed(hook, {onQueued} = {}) {
  const panel = h('div', {dataset: {part: 'replay'}, 'aria-live': 'polite'});
  const path = `/v2/admin/webhooks/${encodeURIComponent(hook.id)}/replay`;
  let timer = null;

  function open() {
    const select = h('select', {class: 'input', 'aria-label': 'Window'},
      WINDOWS.map((w, i) => h('option', {value: String(i)}, w.label)));
    select.value = '1';
    const count = h('p', {dataset: {part: 'replay-count'}}, 'Counting…');
    const cancel = h('button', {type: 'button', class: 'btn btn-secondary'}, 'Cancel');
    const go = h('button', {type: 'button', class: 'btn btn-primary', disabled: true}, 'Replay');
    const {close} = openDialog({
      title: 'Replay missed events',
      body: [
        h('p', {}, 'Send this endpoint the events it has no successful or pending delivery of: those emitted while it was disabled or before it subscribed, and those that failed. Only events its event types and filter select; oldest first.'),
        h('label', {class: 'label'}, 'Events from ', select),
        count,
      ],
      actions: [cancel, go],
    });
    let since = '';
    async function recount() {
      since = new Date(Date.now() - WINDOWS[Number(select.value)].hours * 3600 * 1000).toISOString();
      go.disabled = true;
      count.textContent = 'Counting…';
      try {
        const res = await api.post(`${path}?dry_run=true`, {since});
        count.textContent = res.events === 0 ? 'Nothing is missing in this window.' : `${plural(res.events, 'event', 'events')} would be sent.`;
        go.textContent = res.events === 0 ? 'Replay' : `Replay ${plural(res.events, 'event', 'events')}`;
        go.disabled = res.events === 0;
      } catch (err) {
        count.textContent = err.message;
      }
    }
    select.addEventListener('change', recount);
    cancel.addEventListener('click', () => close());
    go.addEventListener('click', async () => {
      go.disabled = true;
      try {
        const r = await api.post(path, {since});
        close();
        follow(r);
      } catch (err) {
        count.textContent = err.message;
      }
    });
    recount();
  }

  function render(r) {
    const done = r.status !== 'running';
    const stop = !done ? button('Cancel replay', {size: 'sm', onClick: () => stopReplay(r)}) : null;
    replace(panel, h('div', {class: ['callout', done ? 'callout-neutral' : 'callout-info']},
      h('p', {},
        done ? (r.status === 'done' ? 'Replay done: ' : 'Replay cancelled: ') : 'Replaying: ',
        `${r.queued} of ${plural(r.events, 'missed event', 'missed events')} queued.`),
      stop ? h('div', {class: 'btn-row'}, stop) : null));
  }

  function follow(r) {
    clearTimeout(timer);
    render(r);
    if (r.status !== 'running') {
      success(r.status === 'done' ? `Replay done: ${plural(r.queued, 'event', 'events')} queued.` : 'Replay cancelled.');
      if (onQueued) onQueued();
      return;
    }
    timer = setTimeout(async () => {
      try {
        follow(await api.get(`/v2/admin/replays/${r.id}`));
      } catch (err) {
        if (err.status !== 401) toastError(err.message);
      }
    }, 1000);
  }

  async function stopReplay(r) {
    try {
      follow(await api.del(`/v2/admin/replays/${r.id}`));
    } catch (err) {
      toastError(err.message);
    }
  }

  return {panel, open, stop: () => clearTimeout(timer)};
}
