// A webhook's payload filter: JSON in a textarea (empty: none), and, for a
// saved webhook, a button that tries the filter as typed against the last
// event of the webhook's tenant that its selected events subscribe to.

import * as api from '../api.js';
import {h, replace} from '../dom.js';
import {button, busy} from '../layout.js';
import {timeEl} from '../format.js';

// subscribes mirrors the server's pattern rule: "*", the name, "group.*",
// or "prefix.*" for a dot prefix of the name.
function subscribes(patterns, type, group) {
  return patterns.some((p) => p === '*' || p === type || (group && p === `${group}.*`) ||
    (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));
}

export function filterEditor(hook, {catalog, events}) {
  const textarea = h('textarea', {class: 'input code-input', name: 'filter', rows: 4, spellcheck: 'false',
    autocapitalize: 'off', autocomplete: 'off', placeholder: '{"data.category": "like"}'});
  textarea.value = hook?.filter ? JSON.stringify(hook.filter, null, 2) : '';
  const result = h('div', {class: 'filter-result', 'aria-live': 'polite', dataset: {part: 'filter-result'}});
  const test = hook ? button('Test against the last event', {size: 'sm', onClick: (e) => busy(e.currentTarget, run)}) : null;
  const element = h('div', {class: 'filter-editor'}, textarea, test ? h('div', {class: 'btn-row'}, test) : null, result);

  // parse returns {ok, value, message}; value null means no filter.
  function parse() {
    const text = textarea.value.trim();
    if (text === '') return {ok: true, value: null};
    let v;
    try {
      v = JSON.parse(text);
    } catch (err) {
      return {ok: false, message: `Filter is not valid JSON: ${err.message}`};
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      return {ok: false, message: 'Filter must be a JSON object, e.g. {"data.category": "like"}.'};
    }
    return {ok: true, value: v};
  }

  async function run() {
    const f = parse();
    if (!f.ok) {
      replace(result, h('p', {class: 'text-danger'}, f.message));
      return;
    }
    try {
      const groups = new Map(catalog.map((t) => [t.name, t.group]));
      const patterns = events();
      const list = await api.get('/v2/events', {tenant: hook.tenant, per_page: 100});
      const last = list.events.find((e) => subscribes(patterns, e.type, groups.get(e.type))) || null;
      if (!last) {
        replace(result, h('p', {class: 'muted'}, list.events.length
          ? 'None of the recent events is of a type this webhook subscribes to.'
          : 'This tenant has no events yet.'));
        return;
      }
      const res = await api.post(`/v2/admin/webhooks/${hook.id}/filter-test`, {type: last.type, data: last.data, filter: f.value});
      replace(result, h('p', {class: res.matches ? 'text-success' : 'text-warning', dataset: {matches: String(res.matches)}},
        res.matches ? 'Passes: ' : 'Filtered out: ',
        h('a', {href: `#/events/${encodeURIComponent(last.id)}?tenant=${encodeURIComponent(last.tenant)}`, class: 'mono'}, last.type),
        ' from ', timeEl(last.created, '', {compact: true}),
        res.matches ? ' would be delivered.' : ' would not be delivered.'));
    } catch (err) {
      // A filter the server refuses says why here, as it would on saving.
      replace(result, h('p', {class: 'text-danger'}, err.params?.filter || err.message));
    }
  }

  return {element, parse};
}
