// DOM helpers. Everything the API returns reaches the page as text nodes or
// attribute values, never as markup: there is no innerHTML in this app.

const SVG_NS = 'http://www.w3.org/2000/svg';

// h builds an element: h('a', {href: '#/x', class: 'link'}, 'text', child).
// Attribute keys: class, text, on (event map), dataset, hidden/disabled and
// other booleans, anything else via setAttribute. Children may be strings,
// nodes, arrays, or null/false (skipped).
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

// s builds an SVG element the same way.
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

function build(el, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') {
      el.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
    } else if (key === 'text') {
      el.textContent = String(value);
    } else if (key === 'on') {
      for (const [type, fn] of Object.entries(value)) el.addEventListener(type, fn);
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (value === true) {
      el.setAttribute(key, '');
    } else if (key === 'value' && 'value' in el) {
      el.value = String(value);
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

// append adds children (strings, nodes, arrays, null) to el.
export function append(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// clear removes every child of el.
export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

// replace swaps el's children for children.
export function replace(el, ...children) {
  clear(el);
  return append(el, children);
}

let uid = 0;
// nextId returns a document-unique id with the given prefix, for label/for
// and aria-describedby pairs.
export function nextId(prefix = 'id') {
  uid += 1;
  return `${prefix}-${uid}`;
}

const FOCUSABLE = 'a[href], button, input, select, textarea, summary, [tabindex]';

function focusKey(el) {
  return `${el.tagName}|${el.getAttribute('href') || ''}|${el.getAttribute('aria-label') || ''}|${el.textContent.trim().slice(0, 80)}`;
}

// keepFocus runs render (which rebuilds part of container) and then puts
// the focus back on the equivalent element, so live updates do not throw a
// keyboard user back to the top of the page.
export function keepFocus(container, render) {
  const el = document.activeElement;
  const key = el && el !== container && container.contains(el) ? focusKey(el) : null;
  render();
  if (!key) return;
  const match = [...container.querySelectorAll(FOCUSABLE)].find((x) => focusKey(x) === key);
  if (match) match.focus({preventScroll: true});
  else container.querySelector('.page-title, h2')?.focus?.();
}
