// One webhook (#/webhooks/:id): actions, test-fire, the last 24 hours
// (deliveries and response times), details, the signing secret and the
// delivery log, whose filters and page live in this route's query.

import * as api from '../api.js';
import * as session from '../session.js';
import * as flash from '../flash.js';
import {h, replace} from '../dom.js';
import {navigate} from '../router.js';
import {loadCatalog} from '../catalog.js';
import {loadSettings} from '../settings.js';
import {pageHeader, card, facts, button, linkButton, busy} from '../layout.js';
import {timeEl, plural} from '../format.js';
import {webhookBadge} from '../components/badge.js';
import {deliveryChart, latencyChart, statTiles} from '../components/chart.js';
import {confirm, openDialog} from '../components/dialog.js';
import {secretCard, createdPanel} from '../components/secretcard.js';
import {testFire} from '../components/testfire.js';
import {deliveryLog} from '../components/deliverylog.js';
import {blockedKeys} from '../components/blockedkeys.js';
import {replayMissed} from '../components/replay.js';
import {withCopy} from '../components/copy.js';
import {loading, failure} from '../components/states.js';
import {success, error as toastError} from '../toast.js';
import {eventChips, lastError} from '../components/webhookcells.js';
import {formatInfo} from '../formats.js';

export default async function webhookPage(ctx, main) {
  const id = ctx.params.id;
  const path = `/v2/admin/webhooks/${encodeURIComponent(id)}`;
  const container = h('div', {class: 'container'}, loading('Loading webhook…'));
  main.append(container);

  let hook;
  let stats;
  let catalog;
  let settings;
  try {
    [hook, stats, catalog, settings] = await Promise.all([
      api.get(path, undefined, {signal: ctx.signal}),
      api.get(`${path}/stats`, undefined, {signal: ctx.signal}),
      loadCatalog(),
      loadSettings(),
    ]);
  } catch (err) {
    if (err.name === 'AbortError') return;
    replace(container, h('div', {}, pageHeader({title: 'Webhook', back: {href: '#/webhooks', label: 'Webhooks'}}),
      failure(err.status === 404 ? {...err, status: 404, message: `There is no webhook ${id}. It may have been deleted.`} : err, () => navigate(ctx.path))));
    return;
  }

  const canWrite = session.can('webhooks.write');
  const created = flash.take(`created-${hook.id}`);
  const test = testFire(hook, {onDone: () => log.refresh()});
  const log = deliveryLog(hook, {signal: ctx.signal, catalog, canWrite, query: ctx.query, onChange: () => refreshSummary()});
  const blocked = blockedKeys(hook, {signal: ctx.signal, canWrite, onChange: () => log.refresh()});
  const secret = secretCard(hook, {canWrite, settings, onRotated: () => refreshSummary()});
  const replay = replayMissed(hook, {onQueued: () => log.refresh()});
  ctx.signal.addEventListener('abort', replay.stop);
  const summary = h('div', {class: 'summary-grid'});
  const header = h('div', {});
  const alerts = h('div', {});

  function renderHeader() {
    const toggle = button(hook.status === 'active' ? 'Disable' : 'Enable', {onClick: () => (hook.status === 'active' ? disable(toggle) : enable(toggle))});
    const del = button('Delete…', {kind: 'danger-ghost', onClick: () => remove(del)});
    const replayBtn = hook.status === 'active' ? button('Replay missed…', {onClick: () => replay.open()}) : null;
    replace(header, pageHeader({
      title: hook.name,
      badge: webhookBadge(hook),
      subtitle: withCopy(h('span', {class: 'mono url'}, hook.url), hook.url, 'webhook URL'),
      back: {href: '#/webhooks', label: 'Webhooks'},
      actions: canWrite ? [test.button, replayBtn, linkButton('Edit', `#/webhooks/${hook.id}/edit`), toggle, del].filter(Boolean) : null,
    }));
    replace(alerts, hook.status === 'inactive' ? disabledCallout() : null);
    return toggle;
  }

  // undelivered is what enabling can send again: the deliveries that
  // failed since the last success (the run that disabled it, kept after
  // enabling) and those the disable cancelled, in words.
  function undelivered() {
    const failed = hook.failing_since ? hook.failed_deliveries : 0;
    const cancelled = hook.disabled_cancelled;
    const words = [
      failed > 0 ? plural(failed, 'failed delivery', 'failed deliveries') : null,
      cancelled > 0 ? plural(cancelled, 'cancelled delivery', 'cancelled deliveries') : null,
    ].filter(Boolean).join(' and ');
    return {failed, cancelled, words};
  }

  // disabledCallout says who disabled the webhook, when, why, what failed
  // before and what it cancelled, and offers to enable it and send those
  // again in one step.
  function disabledCallout() {
    const auto = Boolean(hook.disabled_reason);
    const {failed, cancelled, words} = undelivered();
    const resend = failed + cancelled > 0;
    const actions = canWrite ? h('div', {class: 'btn-row callout-actions'},
      resend ? button(`Enable and re-send ${words}`, {kind: 'primary', size: 'sm', onClick: (e) => enableNow(e.currentTarget, true)}) : null,
      button(resend ? 'Enable only' : 'Enable', {size: 'sm', onClick: (e) => enableNow(e.currentTarget, false)})) : null;
    return h('div', {class: ['callout', 'disabled-callout', auto ? 'callout-warning' : 'callout-neutral']},
      h('h2', {class: 'callout-title'}, auto ? 'hookd disabled this webhook' : 'This webhook is disabled'),
      h('p', {},
        auto ? [hook.disabled_reason, ' '] : null,
        hook.disabled_at ? ['Disabled ', timeEl(hook.disabled_at, '', {compact: true}), '. '] : null,
        failed > 0 ? h('span', {class: 'failing-run'}, `${plural(failed, 'delivery', 'deliveries')} failed since the last success, the first created `,
          timeEl(hook.failing_since, '', {compact: true}), '. ') : null,
        cancelled > 0 ? `It cancelled ${plural(cancelled, 'queued delivery', 'queued deliveries')} then. ` : null,
        'No events are delivered to it until it is enabled again; test events still work.'),
      actions);
  }

  function renderSummary() {
    replace(summary,
      card({title: 'Last 24 hours', className: 'chart-card', body: [
        statTiles(stats),
        h('div', {class: 'chart-pair'},
          h('div', {}, h('h3', {class: 'chart-title'}, 'Deliveries'), deliveryChart(stats)),
          h('div', {}, h('h3', {class: 'chart-title'}, 'Response time'), latencyChart(stats))),
      ]}),
      card({title: 'Details', className: 'details-card', body: facts([
        ['Webhook ID', withCopy(h('span', {class: 'mono'}, String(hook.id)), String(hook.id), 'webhook id')],
        ['Events', eventChips(hook.events, 12)],
        ['Filter', hook.filter ? h('code', {class: 'mono', dataset: {part: 'filter'}}, JSON.stringify(hook.filter)) : h('span', {class: 'muted'}, 'None: every event')],
        ['Format', h('span', {class: 'webhook-format', dataset: {format: hook.format}}, formatInfo(hook.format).label)],
        ['Last delivered', timeEl(hook.last_triggered_at, 'Never')],
        ['Last error', hook.last_error ? lastError(hook) : h('span', {class: 'muted'}, 'None')],
        ['Consecutive failures', hook.consecutive_failures > 0 ? h('span', {class: 'text-danger strong'}, String(hook.consecutive_failures)) : '0'],
        hook.failing_since ? ['Failing since', h('span', {class: 'failing-since'}, timeEl(hook.failing_since), ` · ${plural(hook.failed_deliveries, 'failed delivery', 'failed deliveries')} since the last success`)] : null,
        ['Retries', retryPolicy(hook)],
        ['Rate limit', hook.rate_limit ? h('span', {dataset: {part: 'rate-limit'}}, `${plural(hook.rate_limit, 'delivery', 'deliveries')} per second at most, across every process`)
          : h('span', {class: 'muted', dataset: {part: 'rate-limit'}}, 'Unlimited')],
        ['Concurrency', concurrency(hook.concurrency)],
        Object.keys(hook.headers || {}).length ? ['Custom headers', h('span', {class: 'mono'}, Object.keys(hook.headers).join(', '))] : null,
        hook.tenant !== 'default' || session.profile()?.tenant === null ? ['Tenant', h('span', {class: 'mono'}, hook.tenant)] : null,
        ['Created', timeEl(hook.created_at)],
      ])}));
  }

  async function refreshSummary() {
    try {
      [hook, stats] = await Promise.all([
        api.get(path, undefined, {signal: ctx.signal}),
        api.get(`${path}/stats`, undefined, {signal: ctx.signal}),
      ]);
      renderSummary();
      blocked.refresh();
      secret.update(hook);
      const hadFocus = header.contains(document.activeElement) || alerts.contains(document.activeElement);
      if (!hadFocus) renderHeader();
    } catch (err) {
      if (err.name !== 'AbortError' && err.status !== 401) toastError(err.message);
    }
  }

  async function patchStatus(next) {
    hook = await api.request('PATCH', path, {body: {status: next}});
    const toggle = renderHeader();
    renderSummary();
    secret.update(hook);
    toggle.focus();
  }

  async function disable(btn) {
    const ok = await confirm({
      title: `Disable “${hook.name}”?`,
      message: ['hookd stops delivering to this endpoint and cancels the deliveries queued for it.',
        'You can enable it again at any time and send the cancelled deliveries then.'],
      confirmLabel: 'Disable webhook',
    });
    if (!ok) return;
    await busy(btn, async () => {
      try {
        await patchStatus('inactive');
        success(hook.disabled_cancelled > 0
          ? `Webhook disabled; ${plural(hook.disabled_cancelled, 'queued delivery', 'queued deliveries')} cancelled.`
          : 'Webhook disabled.');
        log.refresh();
      } catch (err) {
        toastError(err.message);
      }
    });
  }

  // enable asks first when there are deliveries to send again.
  async function enable(btn) {
    const {failed, cancelled, words} = undelivered();
    if (failed + cancelled === 0) {
      await enableNow(btn, false);
      return;
    }
    const cancel = h('button', {type: 'button', class: 'btn btn-secondary'}, 'Cancel');
    const only = h('button', {type: 'button', class: 'btn btn-secondary'}, 'Enable only');
    const resend = h('button', {type: 'button', class: 'btn btn-primary'}, `Enable and re-send ${failed + cancelled}`);
    const why = failed > 0 && cancelled > 0 ? `${words} are waiting: the run that disabled it and what the disable cancelled.`
      : failed > 0 ? `${words} since the last success ${failed === 1 ? 'is' : 'are'} waiting.`
        : `hookd cancelled ${plural(cancelled, 'queued delivery', 'queued deliveries')} when this webhook was disabled.`;
    const {close} = openDialog({
      title: `Enable “${hook.name}”?`,
      body: [h('p', {}, `${why} Send them now, with fresh signatures?`)],
      actions: [cancel, only, resend],
    });
    cancel.addEventListener('click', () => close());
    only.addEventListener('click', () => { close(); enableNow(btn, false); });
    resend.addEventListener('click', () => { close(); enableNow(btn, true); });
  }

  // enableNow enables the webhook and, with resend, recovers in the same
  // step: the failed deliveries of the run since it began, and every
  // cancelled one.
  async function enableNow(btn, resend) {
    const {failed, cancelled} = undelivered();
    const failingSince = hook.failing_since;
    const since = hook.created_at;
    await busy(btn, async () => {
      try {
        await patchStatus('active');
        if (resend) {
          const sent = [];
          if (failed > 0) {
            const res = await api.post(`${path}/recover`, {since: failingSince, status: 'failed'});
            sent.push(plural(res.deliveries, 'failed delivery', 'failed deliveries'));
          }
          if (cancelled > 0) {
            const res = await api.post(`${path}/recover`, {since, status: 'cancelled'});
            sent.push(plural(res.deliveries, 'cancelled delivery', 'cancelled deliveries'));
          }
          success(`Webhook enabled; ${sent.join(' and ')} sent again.`);
        } else {
          success('Webhook enabled.');
        }
        log.refresh();
      } catch (err) {
        toastError(err.message);
      }
    });
  }

  async function remove(btn) {
    const ok = await confirm({
      title: `Delete “${hook.name}”?`,
      message: ['hookd stops delivering to this endpoint at once and cancels its queued deliveries. Its delivery history stays.', 'This cannot be undone.'],
      confirmLabel: 'Delete webhook',
      danger: true,
    });
    if (!ok) return;
    await busy(btn, async () => {
      try {
        await api.del(path);
        success(`Webhook “${hook.name}” deleted.`);
        navigate('/webhooks');
      } catch (err) {
        toastError(err.message);
      }
    });
  }

  renderHeader();
  renderSummary();
  replace(container,
    header,
    alerts,
    replay.panel,
    created ? createdPanel(created, () => { test.run(); test.panel.scrollIntoView({block: 'nearest'}); }, {settings, format: hook.format}) : null,
    test.panel,
    summary,
    blocked.element,
    secret.element,
    log.element);
}

// retryPolicy says how often and when a failed delivery is tried again:
// the webhook's own schedule, or the default (which follows the server's
// HOOKD_RETRY_BASE, 5 s unless set).
function retryPolicy(hook) {
  const n = plural(hook.retry_count, 'retry', 'retries');
  if (!hook.retry_schedule) {
    return h('span', {dataset: {part: 'retries'}}, `${n} after a failed attempt, on the default schedule (growing ×5: 5 s, 25 s, 2 min… unless the server's HOOKD_RETRY_BASE says otherwise)`);
  }
  const total = hook.retry_schedule.reduce((a, b) => a + b, 0);
  return h('span', {dataset: {part: 'retries'}}, `${n} after a failed attempt, waiting `,
    h('span', {class: 'mono'}, hook.retry_schedule.map(seconds).join(', ')), ` (${span(total)} in all)`);
}

// seconds writes a wait in its largest whole unit: 90 → "90 s", 3600 → "1 h".
function seconds(s) {
  if (s >= 86400 && s % 86400 === 0) return `${s / 86400} d`;
  if (s >= 3600 && s % 3600 === 0) return `${s / 3600} h`;
  if (s >= 60 && s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}

// span writes a total wait roughly: "about 2.9 days".
function span(s) {
  if (s >= 2 * 86400) return `about ${(s / 86400).toFixed(1)} days`;
  if (s >= 2 * 3600) return `about ${Math.round(s / 3600)} h`;
  if (s >= 120) return `about ${Math.round(s / 60)} min`;
  return `${s} s`;
}

// concurrency says how many attempts the endpoint may have in flight now:
// hookd adapts it to how the endpoint answers.
function concurrency(c) {
  const help = 'hookd starts each endpoint at one attempt in flight, adds more while it answers fast and well, and halves the limit when it is slow, times out or fails.';
  if (!c || c.limit === 0) return h('span', {class: 'muted', title: help, dataset: {part: 'concurrency'}}, 'Nothing sent lately');
  return h('span', {title: help, dataset: {part: 'concurrency'}},
    `${c.in_flight} in flight, up to ${c.limit} at once`, c.waiting > 0 ? `, ${c.waiting} waiting` : null);
}
