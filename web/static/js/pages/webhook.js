// One webhook (#/webhooks/:id): actions, test-fire, a 24-hour chart,
// details, the signing secret and the delivery log.

import * as api from '../api.js';
import * as session from '../session.js';
import * as flash from '../flash.js';
import {h, replace} from '../dom.js';
import {navigate} from '../router.js';
import {loadCatalog} from '../catalog.js';
import {pageHeader, card, facts, button, linkButton, busy} from '../layout.js';
import {timeEl, plural} from '../format.js';
import {webhookBadge} from '../components/badge.js';
import {deliveryChart, statTiles} from '../components/chart.js';
import {confirm} from '../components/dialog.js';
import {secretCard, createdPanel} from '../components/secretcard.js';
import {testFire} from '../components/testfire.js';
import {deliveryLog} from '../components/deliverylog.js';
import {blockedKeys} from '../components/blockedkeys.js';
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
  try {
    [hook, stats, catalog] = await Promise.all([
      api.get(path, undefined, {signal: ctx.signal}),
      api.get(`${path}/stats`, undefined, {signal: ctx.signal}),
      loadCatalog(),
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
  const log = deliveryLog(hook, {signal: ctx.signal, catalog, canWrite, onChange: () => refreshSummary()});
  const blocked = blockedKeys(hook, {signal: ctx.signal, canWrite, onChange: () => log.refresh()});
  const summary = h('div', {class: 'summary-grid'});
  const header = h('div', {});
  const alerts = h('div', {});

  function renderHeader() {
    const toggle = button(hook.status === 'active' ? 'Disable' : 'Enable', {onClick: () => setStatus(toggle)});
    const del = button('Delete…', {kind: 'danger-ghost', onClick: () => remove(del)});
    replace(header, pageHeader({
      title: hook.name,
      badge: webhookBadge(hook),
      subtitle: h('span', {class: 'mono url'}, hook.url),
      back: {href: '#/webhooks', label: 'Webhooks'},
      actions: canWrite ? [test.button, linkButton('Edit', `#/webhooks/${hook.id}/edit`), toggle, del] : null,
    }));
    replace(alerts, hook.status === 'inactive' ? h('div', {class: ['callout', hook.disabled_reason ? 'callout-warning' : 'callout-neutral']},
      h('strong', {}, hook.disabled_reason ? 'hookd disabled this webhook. ' : 'This webhook is disabled. '),
      hook.disabled_reason ? [hook.disabled_reason, ' ', hook.disabled_at ? ['(', timeEl(hook.disabled_at, '', {compact: true}), '). '] : null] : null,
      'No events are delivered to it until it is enabled again. Test events still work.') : null);
    return toggle;
  }

  function renderSummary() {
    replace(summary,
      card({title: 'Deliveries, last 24 hours', className: 'chart-card', body: [statTiles(stats), deliveryChart(stats)]}),
      card({title: 'Details', className: 'details-card', body: facts([
        ['Events', eventChips(hook.events, 12)],
        ['Format', h('span', {class: 'webhook-format', dataset: {format: hook.format}}, formatInfo(hook.format).label)],
        ['Last delivered', timeEl(hook.last_triggered_at, 'Never (test events not counted)')],
        ['Last error', hook.last_error ? lastError(hook) : h('span', {class: 'muted'}, 'None')],
        ['Consecutive failures', hook.consecutive_failures > 0 ? h('span', {class: 'text-danger strong'}, String(hook.consecutive_failures)) : '0'],
        ['Retries', `${plural(hook.retry_count, 'retry', 'retries')} after a failed attempt`],
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
      const hadFocus = header.contains(document.activeElement);
      if (!hadFocus) renderHeader();
    } catch (err) {
      if (err.name !== 'AbortError' && err.status !== 401) toastError(err.message);
    }
  }

  async function setStatus(btn) {
    const next = hook.status === 'active' ? 'inactive' : 'active';
    await busy(btn, async () => {
      try {
        hook = await api.request('PATCH', path, {body: {status: next}});
        success(next === 'active' ? 'Webhook enabled.' : 'Webhook disabled.');
        const toggle = renderHeader();
        renderSummary();
        toggle.focus();
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
    created ? createdPanel(created, () => { test.run(); test.panel.scrollIntoView({block: 'nearest'}); }, hook.format) : null,
    test.panel,
    summary,
    blocked.element,
    secretCard(hook, {canWrite}),
    log.element);
}

// concurrency says how many attempts the endpoint may have in flight now:
// hookd adapts it to how the endpoint answers.
function concurrency(c) {
  const help = 'hookd starts each endpoint at one attempt in flight, adds more while it answers fast and well, and halves the limit when it is slow, times out or fails.';
  if (!c || c.limit === 0) return h('span', {class: 'muted', title: help, dataset: {part: 'concurrency'}}, 'Nothing sent lately');
  return h('span', {title: help, dataset: {part: 'concurrency'}},
    `${c.in_flight} in flight, up to ${c.limit} at once`, c.waiting > 0 ? `, ${c.waiting} waiting` : null);
}
