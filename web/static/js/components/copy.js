// A copy-to-clipboard button. The Clipboard API needs a secure context
// (https or localhost); elsewhere it falls back to selecting the text.

import {h} from '../dom.js';
import {toast} from '../toast.js';

export function copyButton(getText, label = 'Copy') {
  const btn = h('button', {type: 'button', class: 'btn btn-secondary btn-sm'}, label);
  btn.addEventListener('click', async () => {
    const text = getText();
    try {
      await navigator.clipboard.writeText(text);
      btn.textContent = 'Copied';
      setTimeout(() => { btn.textContent = label; }, 1500);
    } catch {
      const field = h('textarea', {class: 'sr-only', readonly: true});
      field.value = text;
      document.body.append(field);
      field.select();
      const ok = document.execCommand && document.execCommand('copy');
      field.remove();
      toast(ok ? 'Copied.' : 'Copy failed: select the text and copy it yourself.', ok ? 'success' : 'error');
    }
  });
  return btn;
}

// secretBox shows a secret value in a monospace box with a copy button.
export function secretBox(value, label = 'Copy') {
  const code = h('code', {class: 'secret-value', tabindex: '0'}, value);
  return h('div', {class: 'secret-box'}, code, copyButton(() => value, label));
}
