// Create (#/webhooks/new) and edit (#/webhooks/:id/edit) a webhook.

import * as api from '../api.js';
import * as flash from '../flash.js';
import {h, replace} from '../dom.js';
import {navigate} from '../router.js';
import {loadCatalog} from '../catalog.js';
import {FORMATS, formatInfo} from '../formats.js';
import {loadSettings} from '../settings.js';
import {pageHeader, card, button, linkButton} from '../layout.js';
import {field, formError, showErrors, clearErrors} from '../components/fields.js';
import {eventPicker} from '../components/eventpicker.js';
import {filterEditor} from '../components/filtereditor.js';
import {loading, failure} from '../components/states.js';
import {success} from '../toast.js';

// Headers hookd sets itself, as the API refuses them (and the signature
// header, from the settings).
const RESERVED = ['host', 'content-length', 'content-type', 'transfer-encoding', 'connection', 'keep-alive',
  'proxy-connection', 'upgrade', 'te', 'trailer', 'expect', 'user-agent'];
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// A retry schedule's bounds, as the API's: each wait up to 7 days, 30 days
// in all.
const MAX_GAP = 604800;
const MAX_TOTAL = 2592000;
// A rate limit's bound, as the API's.
const MAX_RATE = 10000;
// The long-outage preset, when the server does not name one.
const LONG_OUTAGE = [60, 300, 1800, 3600, 10800, 21600, 43200, 43200, 43200, 43200, 43200];

// check finds what the API would refuse, in the same words, so a form that
// is wrong is never sent (an expected refusal would also log an error in the
// browser's console). The API checks everything again.
function check(p, settings) {
  const params = {};
  if (!p.name) params.name = 'Name must not be empty.';
  else if ([...p.name].length > 255) params.name = 'Name must be at most 255 characters.';
  if (!p.url) {
    params.url = 'Endpoint URL must not be empty.';
  } else {
    let u = null;
    try {
      u = new URL(p.url);
    } catch {
      params.url = 'Endpoint URL is not a valid URL; it looks like https://example.com/webhooks.';
    }
    if (u) {
      if (u.protocol !== 'https:' && !(settings.allow_http && u.protocol === 'http:')) {
        params.url = settings.allow_http ? 'Endpoint URL must start with https:// or http://.' : 'Endpoint URL must start with https:// (this server does not accept http://).';
      } else if (u.username || u.password) {
        params.url = 'Endpoint URL must not contain a user name or password; send credentials as a custom header.';
      } else if (p.url.length > 2048) {
        params.url = 'Endpoint URL must be at most 2048 characters.';
      }
    }
  }
  if (p.events.length === 0) params.events = 'Events must list at least one event type.';
  if (p.retry_schedule !== null) {
    const problem = checkSchedule(p.retry_schedule, settings);
    if (problem) params.retry_schedule = problem;
  } else if (!Number.isInteger(p.retry_count) || p.retry_count < 0 || p.retry_count > settings.max_retry_count) {
    params.retry_count = `Retries must be a whole number between 0 and ${settings.max_retry_count}.`;
  }
  if (p.rate_limit !== null && (!Number.isInteger(p.rate_limit) || p.rate_limit < 1 || p.rate_limit > MAX_RATE)) {
    params.rate_limit = `Rate limit must be a whole number of deliveries per second from 1 to ${MAX_RATE}, or empty for no limit.`;
  }
  const seen = new Set();
  for (const [name, value] of Object.entries(p.headers)) {
    const lower = name.toLowerCase();
    let msg = '';
    if (!TOKEN.test(name)) msg = `Header name "${name}" is not a valid HTTP header name.`;
    else if (RESERVED.includes(lower) || lower.startsWith('hookd-') || lower === settings.signature_header.toLowerCase()) msg = `Header "${name}" is set by hookd and cannot be overridden.`;
    else if (seen.has(lower)) msg = `Header "${name}" is given more than once.`;
    else if (value.length > 4096) msg = `Header "${name}" value must be at most 4096 characters.`;
    else if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) msg = `Header "${name}" value must not contain line breaks or other control characters.`;
    seen.add(lower);
    if (msg) {
      params.headers = msg;
      break;
    }
  }
  if (!params.headers && Object.keys(p.headers).length > 50) params.headers = 'Custom headers may hold at most 50 entries.';
  return params;
}

// parseSchedule reads the retry schedule field: seconds separated by
// commas or spaces; null when empty (the default schedule). What is not a
// whole number stays as text, for checkSchedule to name.
function parseSchedule(text) {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0) return null;
  return parts.map((x) => (/^\d+$/.test(x) ? Number(x) : x));
}

// checkSchedule says what the API would refuse of a retry schedule.
function checkSchedule(gaps, settings) {
  const most = settings.max_retry_schedule || 20;
  if (gaps.length > most) return `Retry schedule must list 1 to ${most} waits in seconds.`;
  const bad = gaps.findIndex((g) => !Number.isInteger(g) || g < 1 || g > MAX_GAP);
  if (bad >= 0) return `Retry schedule wait ${bad + 1} ("${gaps[bad]}") must be a whole number of seconds between 1 and ${MAX_GAP}.`;
  if (gaps.reduce((a, b) => a + b, 0) > MAX_TOTAL) return `Retry schedule must add up to at most ${MAX_TOTAL} seconds (30 days).`;
  return '';
}

function headersEditor(initial) {
  const rows = h('div', {class: 'header-rows'});
  const root = h('div', {class: 'headers-editor'}, rows);
  const addRow = (name = '', value = '') => {
    const n = h('input', {class: 'input mono', placeholder: 'Header name, e.g. Authorization', 'aria-label': 'Header name', value: name, autocomplete: 'off'});
    const v = h('input', {class: 'input mono', placeholder: 'Value', 'aria-label': 'Header value', value, autocomplete: 'off'});
    const remove = h('button', {type: 'button', class: 'btn btn-ghost btn-sm', 'aria-label': 'Remove header'}, 'Remove');
    const row = h('div', {class: 'header-row'}, n, v, remove);
    remove.addEventListener('click', () => {
      row.remove();
      add.focus();
    });
    rows.append(row);
    return n;
  };
  const add = button('+ Add header', {kind: 'ghost', size: 'sm', onClick: () => addRow().focus()});
  root.append(add);
  for (const [k, v] of Object.entries(initial || {})) addRow(k, v);
  return {
    element: root,
    value() {
      const out = {};
      for (const row of rows.children) {
        const [n, v] = row.querySelectorAll('input');
        if (n.value.trim() !== '' || v.value !== '') out[n.value.trim()] = v.value;
      }
      return out;
    },
  };
}

export default async function webhookFormPage(ctx, main) {
  const editing = ctx.params.id !== undefined;
  const container = h('div', {class: 'container container-narrow'});
  main.append(container);
  container.append(pageHeader({
    title: editing ? 'Edit webhook' : 'Create a webhook',
    subtitle: editing ? null : 'hookd will POST each matching event to your endpoint as JSON, signed with a secret only you and hookd know.',
    back: editing ? {href: `#/webhooks/${ctx.params.id}`, label: 'Back to webhook'} : {href: '#/webhooks', label: 'Webhooks'},
  }));
  const body = h('div', {}, loading());
  container.append(body);

  let catalog;
  let settings;
  let hook = null;
  let creds = null;
  try {
    // Lists show header values masked; the form edits the real ones, which
    // only the reveal route (webhooks.write, as editing needs) returns.
    const path = `/v2/admin/webhooks/${encodeURIComponent(ctx.params.id)}`;
    [catalog, settings, hook, creds] = await Promise.all([
      loadCatalog(),
      loadSettings(),
      editing ? api.get(path, undefined, {signal: ctx.signal}) : null,
      editing ? api.get(`${path}/secret`, undefined, {signal: ctx.signal}) : null,
    ]);
  } catch (err) {
    if (err.name === 'AbortError') return;
    replace(body, failure(err, () => navigate(ctx.path)));
    return;
  }

  const name = h('input', {class: 'input', name: 'name', maxlength: 255, autocomplete: 'off', value: hook?.name || '', placeholder: 'e.g. Order sync'});
  const url = h('input', {class: 'input mono', name: 'url', type: 'url', inputmode: 'url', maxlength: 2048, autocomplete: 'off', spellcheck: 'false', value: hook?.url || '', placeholder: 'https://'});
  const picker = eventPicker({catalog, selected: hook?.events || []});
  const format = h('select', {class: 'input', name: 'format'},
    FORMATS.map((f) => h('option', {value: f.id}, `${f.label}${f.id === 'hookd' ? ' (default)' : ''}`)));
  format.value = hook?.format || 'hookd';
  const formatSummary = h('p', {class: 'hint format-summary', 'aria-live': 'polite'});
  const describeFormat = () => { formatSummary.textContent = formatInfo(format.value).summary; };
  format.addEventListener('change', describeFormat);
  describeFormat();
  const retries = h('input', {class: 'input input-narrow', name: 'retry_count', type: 'number', min: 0, max: 8, step: 1, value: hook ? hook.retry_count : 5});
  const schedule = h('input', {class: 'input mono', name: 'retry_schedule', autocomplete: 'off', spellcheck: 'false',
    value: (hook?.retry_schedule || []).join(', '), placeholder: 'Default; or seconds, e.g. 60, 300, 3600'});
  // A schedule of its own decides the number of retries.
  const syncRetries = () => {
    const gaps = parseSchedule(schedule.value);
    retries.disabled = gaps !== null;
    if (gaps !== null) retries.value = String(gaps.length);
  };
  schedule.addEventListener('input', syncRetries);
  syncRetries();
  const preset = button('Use the 3-day preset', {kind: 'ghost', size: 'sm', onClick: () => {
    schedule.value = (settings.long_outage_schedule || LONG_OUTAGE).join(', ');
    syncRetries();
  }});
  const rate = h('input', {class: 'input input-narrow', name: 'rate_limit', type: 'number', min: 1, max: MAX_RATE, step: 1,
    value: hook?.rate_limit ?? '', placeholder: 'Unlimited'});
  const active = h('input', {type: 'checkbox', name: 'status', checked: hook ? hook.status === 'active' : true});
  const headers = headersEditor(creds?.headers);
  const filter = filterEditor(hook, {catalog, events: () => picker.value()});
  const submit = h('button', {type: 'submit', class: 'btn btn-primary'}, editing ? 'Save changes' : 'Create webhook');
  const cancel = linkButton('Cancel', editing ? `#/webhooks/${ctx.params.id}` : '#/webhooks', {kind: 'secondary'});

  const form = h('form', {class: 'form', novalidate: true},
    formError(),
    field({label: 'Name', name: 'name', control: name, hint: 'A label for you; hookd does not send it.'}),
    field({label: 'Endpoint URL', name: 'url', control: url,
      hint: settings.allow_http ? 'The URL hookd POSTs events to: https:// (this server also accepts http://).' : 'The URL hookd POSTs events to. It must use https://.'}),
    field({label: 'Format', name: 'format', control: h('div', {class: 'format-picker'}, format, formatSummary),
      hint: 'What the requests look like, so an endpoint written for that platform verifies them unchanged.'}),
    field({label: 'Events', name: 'events', control: picker.element,
      hint: 'Pick event types, a whole group (group.*), or every event (*).'}),
    field({label: 'Retries', name: 'retry_count', control: retries,
      hint: `How often a failed delivery is retried on the default schedule (0–${settings.max_retry_count}), with growing waits: by default 5 s, 25 s, 2 min, 10 min, 52 min, … A retry schedule of its own (below) sets this itself.`}),
    field({label: 'Retry schedule', name: 'retry_schedule', optional: true, control: h('div', {class: 'schedule-picker'}, schedule, preset),
      hint: 'Seconds to wait after each failed attempt before the next, used exactly as given (up to 20 waits, each at most 7 days, 30 days in all); it sets the number of retries. Empty: the default. The preset retries for about 3 days, for an endpoint down over a weekend.'}),
    field({label: 'Rate limit', name: 'rate_limit', optional: true, control: rate,
      hint: 'Deliveries per second at most, across every hookd process, for an endpoint with a rate limit of its own. Empty: unlimited. Waiting for it uses up no retry.'}),
    field({label: 'Status', name: 'status', control: h('label', {class: 'check'}, active,
      h('span', {}, 'Active: deliver events to this endpoint (unchecked: Disabled)'))}),
    field({label: 'Filter', name: 'filter', optional: true, control: filter.element,
      hint: 'Deliver only events whose envelope {"type", "tenant", "data"} matches, MongoDB-style: {"data.space_id": 12}, {"data.category": {"$in": ["like", "mention"]}}. Empty: every event.'}),
    field({label: 'Custom headers', name: 'headers', optional: true, control: headers.element,
      hint: 'Sent with every delivery, e.g. a token your endpoint expects. hookd sets Content-Type, User-Agent and its Hookd-* headers itself.'}),
    h('div', {class: 'form-actions'}, submit, cancel));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const retryValue = retries.value.trim() === '' ? NaN : Number(retries.value);
    const payload = {
      name: name.value.trim(),
      url: url.value.trim(),
      events: picker.value(),
      retry_count: Number.isInteger(retryValue) ? retryValue : retries.value,
      retry_schedule: parseSchedule(schedule.value),
      rate_limit: rate.value.trim() === '' ? null : (Number.isInteger(Number(rate.value)) ? Number(rate.value) : rate.value),
      status: active.checked ? 'active' : 'inactive',
      headers: headers.value(),
      format: format.value,
    };
    const parsedFilter = filter.parse();
    if (parsedFilter.ok) payload.filter = parsedFilter.value;
    const problems = check(payload, settings);
    if (!parsedFilter.ok) problems.filter = parsedFilter.message;
    if (Object.keys(problems).length) {
      showErrors(form, {params: problems});
      return;
    }
    submit.disabled = true;
    try {
      if (editing) {
        await api.request('PATCH', `/v2/admin/webhooks/${hook.id}`, {body: payload});
        success('Webhook saved.');
        navigate(`/webhooks/${hook.id}`);
      } else {
        const created = await api.post('/v2/admin/webhooks', payload);
        flash.put(`created-${created.id}`, created.secret);
        success('Webhook created.');
        navigate(`/webhooks/${created.id}`);
      }
    } catch (err) {
      showErrors(form, err);
    } finally {
      submit.disabled = false;
    }
  });

  replace(body, card({body: form}));
  if (!editing) name.focus();
}
