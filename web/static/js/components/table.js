// Tables that become stacked cards on narrow screens: every cell carries its
// column's label (shown by CSS only when stacked).

import {h} from '../dom.js';

// dataTable renders rows. columns: [{label, cell(row) -> node|string,
// class}]. rowLink(row), when given, makes the whole row open that route
// on click (the first link in the row stays the keyboard target).
export function dataTable({columns, rows, caption, rowLink, className}) {
  const thead = h('thead', {}, h('tr', {}, columns.map((c) => h('th', {scope: 'col', class: c.class}, c.label))));
  const tbody = h('tbody', {}, rows.map((row) => {
    const tr = h('tr', {}, columns.map((c) => h('td', {class: c.class, dataset: {label: c.label}}, c.cell(row))));
    if (rowLink) {
      tr.classList.add('row-link');
      tr.addEventListener('click', (e) => {
        if (e.target.closest('a, button, input, select, label')) return;
        window.location.hash = rowLink(row);
      });
    }
    return tr;
  }));
  return h('div', {class: ['table-wrap', className]},
    h('table', {class: 'table'}, caption ? h('caption', {class: 'sr-only'}, caption) : null, thead, tbody));
}
