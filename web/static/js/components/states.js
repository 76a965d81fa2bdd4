// Loading, empty and error states.

import {h} from '../dom.js';
import {icon} from './icons.js';

export function loading(text = 'Loading…') {
  return h('div', {class: 'state state-loading', role: 'status'}, h('span', {class: 'spinner', 'aria-hidden': 'true'}), text);
}

// empty is a friendly empty state with an optional call to action.
// level is the heading level of the title: 2 when the state fills a page
// on its own, 3 (default) inside a titled card.
export function empty({title, text, action, icon: name = 'inbox', level = 3}) {
  return h('div', {class: 'state state-empty'},
    h('div', {class: 'state-icon'}, icon(name)),
    h(`h${level}`, {class: 'state-title'}, title),
    text ? h('p', {class: 'state-text'}, text) : null,
    action || null,
  );
}

// failure shows an API error with a retry button.
export function failure(err, retry) {
  const title = err.status === 404 ? 'Not found' : err.status === 403 ? 'Not allowed' : 'Something went wrong';
  return h('div', {class: 'state state-error', role: 'alert'},
    h('div', {class: 'state-icon'}, icon('alert')),
    h('h2', {class: 'state-title'}, title),
    h('p', {class: 'state-text'}, err.message || String(err)),
    retry && err.status !== 404 && err.status !== 403
      ? h('button', {type: 'button', class: 'btn btn-secondary', on: {click: retry}}, 'Try again')
      : null,
  );
}
