// Copy-to-clipboard buttons. The Clipboard API needs a secure context
// (https or localhost); elsewhere it falls back to selecting the text.

import {h} from '../dom.js';
import {toast} from '../toast.js';
import {icon} from './icons.js';

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const field = h('textarea', {class: 'sr-only', readonly: true});
    field.value = text;
    document.body.append(field);
    field.select();
    const ok = document.execCommand && document.execCommand('copy');
    field.remove();
    if (!ok) toast('Copy failed: select the text and copy it yourself.', 'error');
    return ok;
  }
}

export function copyButton(getText, label = 'Copy') {
  const btn = h('button', {type: 'button', class: 'btn btn-secondary btn-sm'}, label);
  btn.addEventListener('click', async () => {
    if (await copyText(getText())) {
      btn.textContent = 'Copied';
      setTimeout(() => { btn.textContent = label; }, 1500);
    }
  });
  return btn;
}

// copyIcon is a small button beside an id or URL; what names what it copies
// ("delivery id"), for its label and tooltip.
export function copyIcon(text, what) {
  const btn = h('button', {type: 'button', class: 'copy-icon', 'aria-label': `Copy ${what}`, title: `Copy ${what}`, dataset: {copy: text}},
    icon('copy', 14));
  btn.addEventListener('click', async (e) => {
    e.stopPropagation(); // rows that open on click stay put
    if (await copyText(text)) {
      btn.classList.add('copied');
      btn.title = 'Copied';
      btn.replaceChildren(icon('check', 14));
      setTimeout(() => {
        btn.classList.remove('copied');
        btn.title = `Copy ${what}`;
        btn.replaceChildren(icon('copy', 14));
      }, 1500);
    }
  });
  return btn;
}

// withCopy is a value followed by its copy button.
export function withCopy(node, text, what) {
  return h('span', {class: 'with-copy'}, node, copyIcon(text, what));
}

// secretBox shows a secret value in a monospace box with a copy button.
export function secretBox(value, label = 'Copy') {
  const code = h('code', {class: 'secret-value', tabindex: '0'}, value);
  return h('div', {class: 'secret-box'}, code, copyButton(() => value, label));
}
