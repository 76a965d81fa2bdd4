// The event picker: the catalog from /v2/event-types grouped by group,
// searchable, with the wildcards "*" (every event) and "group.*" (every
// event of a group). Its value is the list of patterns to subscribe to.

import {h, nextId} from '../dom.js';

// groupCatalog groups event types by their group, in catalog order,
// leaving out webhook.test (test-fires only; not subscribable) and, unless
// for subscribing, hookd's operational events (only hookd sends them).
export function groupCatalog(catalog, {subscribe = false} = {}) {
  const groups = new Map();
  for (const et of catalog) {
    if (et.name === 'webhook.test' || (et.source === 'hookd' && !subscribe)) continue;
    if (!groups.has(et.group)) groups.set(et.group, []);
    groups.get(et.group).push(et);
  }
  return groups;
}

export function eventPicker({catalog, selected = []}) {
  const groups = groupCatalog(catalog, {subscribe: true});
  const chosen = new Set(selected);
  const listId = nextId('picker-list');

  const chips = h('div', {class: 'chips', 'aria-live': 'polite'});
  const search = h('input', {
    type: 'search', class: 'input picker-search', placeholder: 'Search events…',
    'aria-controls': listId, autocomplete: 'off',
  });
  const noMatch = h('p', {class: 'picker-none muted', hidden: true}, 'No event type matches your search.');
  const list = h('div', {class: 'picker-list', id: listId});
  const root = h('div', {class: 'picker'},
    h('div', {class: 'picker-head'}, chips, search), list);

  const boxes = []; // {input, pattern, group}
  const checkbox = (pattern, group) => {
    const input = h('input', {type: 'checkbox', value: pattern});
    input.addEventListener('change', () => {
      if (input.checked) chosen.add(pattern); else chosen.delete(pattern);
      sync();
    });
    boxes.push({input, pattern, group});
    return input;
  };

  const all = h('label', {class: 'pick pick-all'},
    checkbox('*', null),
    h('span', {class: 'pick-text'},
      h('span', {class: 'pick-name'}, 'All events ', h('code', {}, '*')),
      h('span', {class: 'pick-desc'}, 'Every event type, including ones added to the catalog later.')));
  list.append(all);

  const groupEls = [];
  for (const [group, types] of groups) {
    const count = h('span', {class: 'group-count'});
    const items = types.map((et) => h('label', {class: 'pick', dataset: {search: `${et.name} ${et.description}`.toLowerCase()}},
      checkbox(et.name, group),
      h('span', {class: 'pick-text'},
        h('span', {class: 'pick-name'}, h('code', {}, et.name)),
        h('span', {class: 'pick-desc'}, et.description))));
    const wildcard = h('label', {class: 'pick pick-group', dataset: {search: `${group}.* ${group}`.toLowerCase()}},
      checkbox(`${group}.*`, null),
      h('span', {class: 'pick-text'},
        h('span', {class: 'pick-name'}, `All ${group} events `, h('code', {}, `${group}.*`)),
        h('span', {class: 'pick-desc'}, `${types.length} today, and any added to this group later.`)));
    const details = h('details', {class: 'picker-group', dataset: {group}},
      h('summary', {}, h('span', {class: 'group-name'}, group), h('span', {class: 'muted group-total'}, ` · ${types.length}`), count),
      wildcard, ...items);
    groupEls.push({details, group, count, items: [wildcard, ...items]});
    list.append(details);
  }
  list.append(noMatch);

  function covered(pattern, group) {
    if (pattern === '*') return false;
    if (chosen.has('*')) return true;
    return group !== null && chosen.has(`${group}.*`);
  }

  function sync() {
    for (const {input, pattern, group} of boxes) {
      const cov = covered(pattern, group);
      input.checked = chosen.has(pattern) || cov;
      input.disabled = cov;
      input.closest('.pick').classList.toggle('covered', cov);
    }
    for (const g of groupEls) {
      const n = [...chosen].filter((p) => p === `${g.group}.*` || groups.get(g.group).some((et) => et.name === p)).length;
      g.count.textContent = n ? `${n} selected` : '';
      g.count.classList.toggle('has-count', n > 0);
    }
    renderChips();
  }

  function renderChips() {
    chips.replaceChildren();
    if (chosen.size === 0) {
      chips.append(h('span', {class: 'muted chips-empty'}, 'No events selected yet.'));
      return;
    }
    for (const p of chosen) {
      const remove = h('button', {type: 'button', class: 'chip-x', 'aria-label': `Remove ${p}`}, '×');
      remove.addEventListener('click', () => {
        chosen.delete(p);
        sync();
        search.focus();
      });
      chips.append(h('span', {class: ['chip', p.endsWith('*') && 'chip-wild']}, h('code', {}, p), remove));
    }
  }

  function filter() {
    const q = search.value.trim().toLowerCase();
    let shown = 0;
    all.hidden = q !== '' && !'all events *'.includes(q);
    if (!all.hidden) shown += 1;
    for (const g of groupEls) {
      let any = false;
      for (const item of g.items) {
        const match = q === '' || item.dataset.search.includes(q) || g.group.includes(q);
        item.hidden = !match;
        any = any || match;
      }
      g.details.hidden = !any;
      if (any) shown += 1;
      g.details.open = q !== '' ? any : g.count.classList.contains('has-count');
    }
    noMatch.hidden = shown > 0;
  }

  search.addEventListener('input', filter);
  search.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') e.preventDefault(); // don't submit the form from the search box
  });

  sync();
  filter();
  return {
    element: root,
    value: () => [...chosen],
    focus: () => search.focus(),
  };
}
