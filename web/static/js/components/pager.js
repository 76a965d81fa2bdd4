// Previous / next paging for list routes.

import {h} from '../dom.js';

export function pager({page, perPage, total, onPage}) {
  const pages = Math.max(1, Math.ceil(total / perPage));
  if (total <= perPage && page === 1) return null;
  const from = total === 0 ? 0 : (page - 1) * perPage + 1;
  const to = Math.min(total, page * perPage);
  return h('nav', {class: 'pager', 'aria-label': 'Pages'},
    h('span', {class: 'muted'}, `${from}–${to} of ${total}`),
    h('div', {class: 'pager-buttons'},
      h('button', {type: 'button', class: 'btn btn-secondary btn-sm', disabled: page <= 1, on: {click: () => onPage(page - 1)}}, '← Previous'),
      h('span', {class: 'pager-page'}, `Page ${page} of ${pages}`),
      h('button', {type: 'button', class: 'btn btn-secondary btn-sm', disabled: page >= pages, on: {click: () => onPage(page + 1)}}, 'Next →'),
    ),
  );
}
