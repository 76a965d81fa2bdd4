// The last 24 hours of a webhook (GET /v2/admin/webhooks/{id}/stats: 24
// hourly buckets, oldest first): deliveries succeeded vs failed as bars, by
// the hour they finished, and the attempts' response times as lines.

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

// sized draws svgFor(width) at its container's width, and again when that
// changes, so labels keep their size.
function sized(svgFor) {
  const holder = h('div', {class: 'chart-holder'}); // its height is the CSS's: the CSP allows no style attribute
  let drawnAt = 0;
  const draw = () => {
    if (!holder.isConnected && drawnAt) {
      observer.disconnect(); // the page re-rendered without this chart
      return;
    }
    const w = Math.max(260, Math.round(holder.clientWidth || 720));
    if (w === drawnAt) return;
    drawnAt = w;
    holder.replaceChildren(svgFor(w));
  };
  const observer = new ResizeObserver(draw);
  observer.observe(holder);
  return holder;
}

// deliveryChart is the webhook page's chart with axis labels, a legend and
// a tooltip (SVG <title>) on each hour.
export function deliveryChart(stats) {
  return h('figure', {class: 'chart-figure', dataset: {chart: 'deliveries'}},
    sized((w) => chartSVG(stats, w)),
    h('figcaption', {class: 'chart-legend'},
      h('span', {class: 'legend legend-ok'}, 'Succeeded'),
      h('span', {class: 'legend legend-fail'}, 'Failed'),
      h('span', {class: 'muted'}, 'deliveries by the hour they finished')),
  );
}

const ms = (v) => (v >= 1000 ? `${(v / 1000).toFixed(v < 10000 ? 1 : 0)} s` : `${v} ms`);

// latencyChart draws each hour's median and 95th-percentile attempt time.
export function latencyChart(stats) {
  const any = stats.hours.some((b) => b.p50_ms !== null);
  return h('figure', {class: 'chart-figure', dataset: {chart: 'latency'}},
    any ? sized((w) => latencySVG(stats, w)) : h('div', {class: 'chart-empty muted'}, 'No attempts in the last 24 hours.'),
    h('figcaption', {class: 'chart-legend'},
      h('span', {class: 'legend legend-p50'}, 'Median'),
      h('span', {class: 'legend legend-p95'}, '95th percentile'),
      h('span', {class: 'muted'}, 'response time per hour')),
  );
}

function latencySVG(stats, w) {
  const hgt = 160;
  const pad = {top: 12, right: 8, bottom: 24, left: 44};
  const innerW = w - pad.left - pad.right;
  const innerH = hgt - pad.top - pad.bottom;
  const n = stats.hours.length || 24;
  const max = Math.max(1, ...stats.hours.map((b) => b.p95_ms || 0));
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const x = (i) => pad.left + (i + 0.5) * (innerW / n);
  const y = (v) => pad.top + innerH - (v / top) * innerH;
  const label = `Response time, last 24 hours: median ${stats.p50_ms === null ? '—' : ms(stats.p50_ms)}, 95th percentile ${stats.p95_ms === null ? '—' : ms(stats.p95_ms)}`;
  const svg = s('svg', {class: 'chart', viewBox: `0 0 ${w} ${hgt}`, width: w, height: hgt, role: 'img', 'aria-label': label}, s('title', {}, label));
  for (let v = 0; v <= top; v += step) {
    svg.append(
      s('line', {class: v === 0 ? 'chart-axis' : 'chart-grid', x1: pad.left, x2: w - pad.right, y1: y(v), y2: y(v)}),
      s('text', {class: 'chart-label', x: pad.left - 6, y: y(v) + 4, 'text-anchor': 'end'}, ms(v)),
    );
  }
  for (const [key, cls] of [['p95_ms', 'line-p95'], ['p50_ms', 'line-p50']]) {
    // One path per run of hours with attempts: no line across an empty hour.
    let d = '';
    stats.hours.forEach((b, i) => {
      if (b[key] === null) return;
      const prev = i > 0 ? stats.hours[i - 1][key] : null;
      d += `${prev === null ? 'M' : 'L'}${x(i).toFixed(1)},${y(b[key]).toFixed(1)} `;
    });
    if (d) svg.append(s('path', {class: ['chart-line', cls].join(' '), d: d.trim()}));
    stats.hours.forEach((b, i) => {
      if (b[key] !== null) svg.append(s('circle', {class: ['chart-dot', cls].join(' '), cx: x(i), cy: y(b[key]), r: 2.5}));
    });
  }
  stats.hours.forEach((b, i) => {
    const g = s('g', {class: 'chart-hour'},
      s('title', {}, `${hourLabel(b.hour)}: ${b.attempts} attempts${b.p50_ms === null ? '' : `, median ${ms(b.p50_ms)}, 95th percentile ${ms(b.p95_ms)}`}`),
      s('rect', {class: 'chart-hit', x: pad.left + i * (innerW / n), y: pad.top, width: innerW / n, height: innerH}));
    const every = w < 480 ? 8 : 6;
    if ((i % every === 0 && n - 1 - i >= every / 2) || i === n - 1) {
      g.append(s('text', {class: 'chart-label', x: x(i), y: hgt - 6, 'text-anchor': 'middle'}, i === n - 1 ? 'now' : hourLabel(b.hour)));
    }
    svg.append(g);
  });
  return svg;
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

// statTiles sums up the last 24 hours above the charts.
export function statTiles(stats) {
  const total = stats.succeeded + stats.failed;
  const rate = total === 0 ? '—' : `${Math.round((stats.succeeded / total) * 1000) / 10}%`;
  const tile = (label, value, tone, key) => h('div', {class: ['stat', tone && `stat-${tone}`], dataset: {stat: key || label.toLowerCase()}},
    h('span', {class: 'stat-value'}, value), h('span', {class: 'stat-label'}, label));
  return h('div', {class: 'stats'},
    tile('Succeeded', String(stats.succeeded), 'ok'),
    tile('Failed', String(stats.failed), stats.failed > 0 ? 'fail' : null),
    tile('Success rate', rate, null),
    tile('Median response', stats.p50_ms === null ? '—' : ms(stats.p50_ms), null, 'p50'));
}
