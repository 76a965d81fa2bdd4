// Formatting: the API speaks RFC 3339 UTC; people read local time with a
// relative hint.

import {h} from './dom.js';

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit',
});
const relativeFmt = new Intl.RelativeTimeFormat(undefined, {numeric: 'auto', style: 'short'});

export function localTime(iso) {
  return dateTime.format(new Date(iso));
}

// relative returns "3 min ago" / "in 20 sec".
export function relative(iso, now = Date.now()) {
  const diff = (new Date(iso).getTime() - now) / 1000;
  const abs = Math.abs(diff);
  if (abs < 5) return 'just now';
  const units = [['second', 60], ['minute', 3600], ['hour', 86400], ['day', 86400 * 30], ['month', 86400 * 365]];
  let div = 1;
  for (const [unit, limit] of units) {
    if (abs < limit) return relativeFmt.format(Math.round(diff / div), unit);
    div = limit;
  }
  return relativeFmt.format(Math.round(diff / (86400 * 365)), 'year');
}

// timeEl shows a timestamp as "3 min ago" with the local time beside it;
// null shows the fallback.
export function timeEl(iso, fallback = '—', {compact = false} = {}) {
  if (!iso) return h('span', {class: 'muted'}, fallback);
  const el = h('time', {datetime: iso, title: `${localTime(iso)} (${iso})`, class: 'ts'});
  if (compact) {
    el.append(relative(iso));
  } else {
    el.append(h('span', {class: 'ts-rel'}, relative(iso)), h('span', {class: 'ts-abs'}, localTime(iso)));
  }
  return el;
}

export function duration(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
}

export function plural(n, one, many = one + 's') {
  return `${n} ${n === 1 ? one : many}`;
}

// datetimeLocalValue renders a Date for <input type="datetime-local">.
export function datetimeLocalValue(d) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
