// Pieces of a webhook shown in the list and on its page.

import {h} from '../dom.js';
import {timeEl} from '../format.js';

// breakable lets a long event name wrap after its dots and underscores
// rather than anywhere: "loyalty.prize_request.updated".
export function breakable(name) {
  return name.split(/(?<=[._])/).flatMap((part, i) => (i ? [h('wbr'), part] : [part]));
}

export function eventChips(events, max = 3) {
  const shown = events.slice(0, max);
  return h('div', {class: 'chips chips-inline'},
    shown.map((e) => h('span', {class: ['chip', 'chip-sm', e.endsWith('*') && 'chip-wild'], title: e}, h('code', {}, breakable(e)))),
    events.length > max ? h('span', {class: 'chip chip-sm chip-more', title: events.slice(max).join(', ')}, `+${events.length - max}`) : null);
}

// recovered reports whether the webhook delivered successfully after its
// last error, which the API keeps for reference.
export function recovered(w) {
  return w.consecutive_failures === 0 && w.last_error && w.last_triggered_at && w.last_failure_at &&
    new Date(w.last_triggered_at) > new Date(w.last_failure_at);
}

// lastError shows the last error, muted once the endpoint has recovered.
export function lastError(w) {
  if (!w.last_error) return h('span', {class: 'muted'}, '—');
  const ok = recovered(w);
  return h('div', {class: 'cell-stack', title: ok ? 'Deliveries have succeeded since this error.' : null},
    h('span', {class: ok ? 'muted' : 'text-danger'}, w.last_error, ok ? ' (recovered)' : ''),
    timeEl(w.last_failure_at, '', {compact: true}));
}
