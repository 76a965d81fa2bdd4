// Page building blocks: the page header, cards and description lists.

import {h} from './dom.js';

// pageHeader renders the page's h1 with an optional back link, subtitle and
// actions, and sets the document title.
export function pageHeader({title, subtitle, actions, back, badge}) {
  document.title = `${typeof title === 'string' ? title : 'hookd'} · hookd`;
  return h('div', {class: 'page-head'},
    back ? h('a', {class: 'back-link', href: back.href}, '← ', back.label) : null,
    h('div', {class: 'page-head-row'},
      h('div', {class: 'page-head-text'},
        h('h1', {class: 'page-title', tabindex: '-1'}, title, badge ? [' ', badge] : null),
        subtitle ? h('p', {class: 'page-subtitle'}, subtitle) : null),
      actions ? h('div', {class: 'page-actions'}, actions) : null),
  );
}

// card is a white panel with an optional heading (h2) and header actions.
export function card({title, actions, body, className, description}) {
  return h('section', {class: ['card', className]},
    title || actions ? h('div', {class: 'card-head'},
      h('div', {}, title ? h('h2', {class: 'card-title'}, title) : null,
        description ? h('p', {class: 'card-desc'}, description) : null),
      actions ? h('div', {class: 'card-actions'}, actions) : null) : null,
    h('div', {class: 'card-body'}, body));
}

// facts is a description list of [label, value] pairs.
export function facts(pairs) {
  return h('dl', {class: 'facts'}, pairs.filter(Boolean).map(([k, v]) => h('div', {class: 'fact'}, h('dt', {}, k), h('dd', {}, v))));
}

export function button(label, {kind = 'secondary', size, onClick, type = 'button', attrs = {}} = {}) {
  return h('button', {type, class: ['btn', `btn-${kind}`, size && `btn-${size}`], on: onClick ? {click: onClick} : undefined, ...attrs}, label);
}

export function linkButton(label, href, {kind = 'secondary', size, attrs = {}} = {}) {
  return h('a', {href, class: ['btn', `btn-${kind}`, size && `btn-${size}`], ...attrs}, label);
}

// busy disables a button while fn runs and restores it afterwards.
export async function busy(btn, fn, label) {
  const text = btn.textContent;
  btn.disabled = true;
  btn.setAttribute('aria-busy', 'true');
  if (label) btn.textContent = label;
  try {
    return await fn();
  } finally {
    btn.disabled = false;
    btn.removeAttribute('aria-busy');
    if (label) btn.textContent = text;
  }
}
