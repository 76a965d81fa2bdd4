// Toasts: short messages in the page's aria-live region. Errors also use
// role="alert" so screen readers announce them at once.

import {h} from './dom.js';

export function toast(message, kind = 'info', {timeout = kind === 'error' ? 8000 : 4000} = {}) {
  const region = document.getElementById('toasts');
  const close = h('button', {type: 'button', class: 'toast-close', 'aria-label': 'Dismiss'}, '×');
  const item = h('div', {class: ['toast', `toast-${kind}`], role: kind === 'error' ? 'alert' : 'status'},
    h('span', {class: 'toast-text'}, message), close);
  const remove = () => item.remove();
  close.addEventListener('click', remove);
  region.append(item);
  if (timeout > 0) setTimeout(remove, timeout);
  return item;
}

export const success = (msg) => toast(msg, 'success');
export const error = (msg) => toast(msg, 'error');
