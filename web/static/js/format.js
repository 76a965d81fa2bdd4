// Formatting: the API speaks RFC 3339 UTC; people read local time, labelled
// with its zone, with a relative hint that stays true as time passes.

import {h} from './dom.js';

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit',
  timeZoneName: 'short',
});
const utcTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit',
  timeZone: 'UTC', timeZoneName: 'short',
});

// localTime is a timestamp in the browser's zone, the zone named:
// "Dec 1, 2026, 10:05:17 PM GMT+1".
export function localTime(iso) {
  return dateTime.format(new Date(iso));
}

// utc is the same instant in UTC, for the hover text.
export function utc(iso) {
  return utcTime.format(new Date(iso));
}

const units = [['s', 60], ['min', 3600], ['h', 86400], ['d', 86400 * 30], ['mo', 86400 * 365]];

// relative returns "3 min ago" / "in 20 s" / "in 4 min 10 s"; "just now"
// for the last second and "now" for a moment due within it.
export function relative(iso, now = Date.now()) {
  const diff = (new Date(iso).getTime() - now) / 1000;
  const abs = Math.abs(diff);
  if (abs < 1) return diff > 0 ? 'now' : 'just now';
  let div = 1;
  let unit = 'y';
  for (const [u, limit] of units) {
    if (abs < limit) {
      unit = u;
      break;
    }
    div = limit;
  }
  if (unit === 'y') div = 86400 * 365;
  const n = Math.max(1, Math.floor(abs / div));
  // Under 10 minutes the seconds matter: a retry "in 4 min 10 s".
  const text = unit === 'min' && abs < 600 && Math.floor(abs) % 60 ? `${n} min ${Math.floor(abs) % 60} s` : `${n} ${unit}`;
  return diff > 0 ? `in ${text}` : `${text} ago`;
}

// timeEl shows a timestamp as "3 min ago" with the local time (zone named)
// beside it, and UTC on hover; null shows the fallback. The relative part
// is kept current while the element is on the page.
export function timeEl(iso, fallback = '—', {compact = false} = {}) {
  if (!iso) return h('span', {class: 'muted'}, fallback);
  const title = `${localTime(iso)} · ${utc(iso)}`;
  const el = h('time', {datetime: iso, title, class: 'ts'});
  const rel = h('span', {class: 'ts-rel', dataset: {live: iso}}, relative(iso));
  if (compact) el.append(rel);
  else el.append(rel, h('span', {class: 'ts-abs'}, localTime(iso)));
  return el;
}

// One timer keeps every relative time on the page current ("in 5 s", "in
// 4 s", …), so a countdown never says "just now" for something to come.
setInterval(() => {
  if (document.hidden) return;
  const now = Date.now();
  for (const el of document.querySelectorAll('[data-live]')) {
    const text = relative(el.dataset.live, now);
    if (el.textContent !== text) el.textContent = text;
  }
}, 1000);

export function duration(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
}

export function plural(n, one, many = one + 's') {
  return `${n} ${n === 1 ? one : many}`;
}

// bytes is a size for people: "412 B", "3.2 KiB".
export function bytes(n) {
  if (n < 1024) return `${n} B`;
  return `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KiB`;
}

// datetimeLocalValue renders a Date for <input type="datetime-local">.
export function datetimeLocalValue(d) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// zoneName names the browser's zone for labels: "Europe/Berlin".
export function zoneName() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';
}
