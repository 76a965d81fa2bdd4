// The last 24 hours of deliveries, succeeded vs failed, as an SVG bar chart
// (GET /v2/admin/webhooks/{id}/stats: 24 hourly buckets, oldest first).

import {h, s} from '../dom.js';

function summary(stats) {
  return `Last 24 hours: ${stats.succeeded} succeeded, ${stats.failed} failed`;
}

function hourLabel(iso) {
  return new Date(iso).toLocaleTimeString(undefined, {hour: '2-digit', minute: '2-digit'});
}

// sparkline is the list view's compact chart.
export function sparkline(stats) {
  const w = 96;
  const hgt = 28;
  const n = stats.hours.length || 24;
  const max = Math.max(1, ...stats.hours.map((b) => b.succeeded + b.failed));
  const bw = w / n;
  const svg = s('svg', {class: 'spark', viewBox: `0 0 ${w} ${hgt}`, width: w, height: hgt, role: 'img', 'aria-label': summary(stats)},
    s('title', {}, summary(stats)),
    s('line', {class: 'spark-base', x1: 0, x2: w, y1: hgt - 0.5, y2: hgt - 0.5}));
  stats.hours.forEach((b, i) => {
    const okH = (b.succeeded / max) * (hgt - 2);
    const failH = (b.failed / max) * (hgt - 2);
    const x = i * bw + 0.5;
    if (okH > 0) svg.append(s('rect', {class: 'bar-ok', x, width: bw - 1, y: hgt - okH, height: okH, rx: 0.5}));
    if (failH > 0) svg.append(s('rect', {class: 'bar-fail', x, width: bw - 1, y: hgt - okH - failH, height: failH, rx: 0.5}));
  });
  return svg;
}

// deliveryChart is the webhook page's chart with axis labels, a legend and
// a tooltip (SVG <title>) on each hour. It is drawn at its container's
// width, and redrawn when that changes, so labels keep their size.
export function deliveryChart(stats) {
  const holder = h('div', {class: 'chart-holder'});
  let drawnAt = 0;
  const draw = () => {
    if (!holder.isConnected && drawnAt) {
      observer.disconnect(); // the page re-rendered without this chart
      return;
    }
    const w = Math.max(280, Math.round(holder.clientWidth || 720));
    if (w === drawnAt) return;
    drawnAt = w;
    holder.replaceChildren(chartSVG(stats, w));
  };
  const observer = new ResizeObserver(draw);
  observer.observe(holder);
  return h('figure', {class: 'chart-figure'},
    holder,
    h('figcaption', {class: 'chart-legend'},
      h('span', {class: 'legend legend-ok'}, 'Succeeded'),
      h('span', {class: 'legend legend-fail'}, 'Failed'),
      h('span', {class: 'muted'}, 'finished deliveries per hour, last 24 hours')),
  );
}

function chartSVG(stats, w) {
  const hgt = 160;
  const pad = {top: 12, right: 8, bottom: 24, left: 32};
  const innerW = w - pad.left - pad.right;
  const innerH = hgt - pad.top - pad.bottom;
  const n = stats.hours.length || 24;
  const max = Math.max(1, ...stats.hours.map((b) => b.succeeded + b.failed));
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const bw = innerW / n;
  const y = (v) => pad.top + innerH - (v / top) * innerH;

  const svg = s('svg', {class: 'chart', viewBox: `0 0 ${w} ${hgt}`, width: w, height: hgt, role: 'img', 'aria-label': summary(stats)},
    s('title', {}, summary(stats)));
  for (let v = 0; v <= top; v += step) {
    svg.append(
      s('line', {class: v === 0 ? 'chart-axis' : 'chart-grid', x1: pad.left, x2: w - pad.right, y1: y(v), y2: y(v)}),
      s('text', {class: 'chart-label', x: pad.left - 6, y: y(v) + 4, 'text-anchor': 'end'}, String(v)),
    );
  }
  stats.hours.forEach((b, i) => {
    const x = pad.left + i * bw;
    const g = s('g', {class: 'chart-hour'},
      s('title', {}, `${hourLabel(b.hour)}: ${b.succeeded} succeeded, ${b.failed} failed`),
      s('rect', {class: 'chart-hit', x, y: pad.top, width: bw, height: innerH}));
    const okTop = y(b.succeeded);
    if (b.succeeded > 0) g.append(s('rect', {class: 'bar-ok', x: x + 2, width: bw - 4, y: okTop, height: y(0) - okTop, rx: 1.5}));
    if (b.failed > 0) {
      const failTop = y(b.succeeded + b.failed);
      g.append(s('rect', {class: 'bar-fail', x: x + 2, width: bw - 4, y: failTop, height: okTop - failTop, rx: 1.5}));
    }
    const every = w < 480 ? 8 : 6;
    if ((i % every === 0 && n - 1 - i >= every / 2) || i === n - 1) {
      g.append(s('text', {class: 'chart-label', x: x + bw / 2, y: hgt - 6, 'text-anchor': 'middle'}, i === n - 1 ? 'now' : hourLabel(b.hour)));
    }
    svg.append(g);
  });
  return svg;
}

function niceStep(max) {
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  for (const m of [1, 2, 5, 10]) {
    if (raw <= m * mag) return Math.max(1, m * mag);
  }
  return 10 * mag;
}

// statTiles sums up the last 24 hours above the chart.
export function statTiles(stats) {
  const total = stats.succeeded + stats.failed;
  const rate = total === 0 ? '—' : `${Math.round((stats.succeeded / total) * 1000) / 10}%`;
  const tile = (label, value, tone) => h('div', {class: ['stat', tone && `stat-${tone}`], dataset: {stat: label.toLowerCase()}},
    h('span', {class: 'stat-value'}, value), h('span', {class: 'stat-label'}, label));
  return h('div', {class: 'stats'},
    tile('Succeeded', String(stats.succeeded), 'ok'),
    tile('Failed', String(stats.failed), stats.failed > 0 ? 'fail' : null),
    tile('Success rate', rate, null));
}
