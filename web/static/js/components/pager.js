// Previous / next paging for list routes, with a choice of page size.

import {h} from '../dom.js';

export const PAGE_SIZES = [10, 20, 50, 100];

// perPageOf reads a page size from a query value, default fallback.
export function perPageOf(value, fallback = 20) {
  const n = Number(value);
  return PAGE_SIZES.includes(n) ? n : fallback;
}

// pager shows the rows on screen, previous / next and, with onPerPage, a
// page-size choice (which stays visible on a single page, so it can grow).
export function pager({page, perPage, total, onPage, onPerPage}) {
  const pages = Math.max(1, Math.ceil(total / perPage));
  const size = onPerPage ? h('label', {class: 'pager-size'}, 'Rows per page ',
    h('select', {class: 'input input-sm', on: {change: (e) => onPerPage(Number(e.target.value))}},
      PAGE_SIZES.map((n) => h('option', {value: n, selected: n === perPage}, String(n))))) : null;
  if (total <= perPage && page === 1) {
    return size && total > PAGE_SIZES[0] ? h('nav', {class: 'pager', 'aria-label': 'Pages'}, h('span', {class: 'muted'}, `${total} in all`), size) : null;
  }
  const from = total === 0 ? 0 : (page - 1) * perPage + 1;
  const to = Math.min(total, page * perPage);
  return h('nav', {class: 'pager', 'aria-label': 'Pages'},
    h('span', {class: 'muted'}, `${from}–${to} of ${total}`),
    h('div', {class: 'pager-buttons'},
      size,
      h('button', {type: 'button', class: 'btn btn-secondary btn-sm', disabled: page <= 1, on: {click: () => onPage(page - 1)}}, '← Previous'),
      h('span', {class: 'pager-page'}, `Page ${page} of ${pages}`),
      h('button', {type: 'button', class: 'btn btn-secondary btn-sm', disabled: page >= pages, on: {click: () => onPage(page + 1)}}, 'Next →'),
    ),
  );
}
