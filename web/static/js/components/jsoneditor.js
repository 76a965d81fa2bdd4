// A JSON editor: a monospace textarea validated as the user types, with a
// Format button. The value must be a JSON object (an event's data).

import {h, nextId} from '../dom.js';

export function jsonEditor({value = '{\n  \n}', rows = 12} = {}) {
  const statusId = nextId('json-status');
  const textarea = h('textarea', {
    class: 'input code-input', rows, spellcheck: 'false', autocapitalize: 'off', autocomplete: 'off',
    'aria-describedby': statusId,
  });
  textarea.value = value;
  const status = h('p', {class: 'json-status', id: statusId, 'aria-live': 'polite'});
  const format = h('button', {type: 'button', class: 'btn btn-ghost btn-sm'}, 'Format JSON');
  const root = h('div', {class: 'json-editor'}, textarea, h('div', {class: 'json-foot'}, status, format));

  // parse returns {ok, value, message}.
  function parse() {
    const text = textarea.value.trim();
    if (text === '') return {ok: false, message: 'Enter a JSON object, e.g. {"id": 42}.'};
    let v;
    try {
      v = JSON.parse(text);
    } catch (err) {
      return {ok: false, message: `Invalid JSON: ${err.message}`};
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      return {ok: false, message: 'The data must be a JSON object ({…}), not ' + (Array.isArray(v) ? 'an array.' : `a ${v === null ? 'null' : typeof v}.`)};
    }
    return {ok: true, value: v};
  }

  function validate() {
    const r = parse();
    status.textContent = r.ok ? `Valid JSON object · ${Object.keys(r.value).length} top-level ${Object.keys(r.value).length === 1 ? 'key' : 'keys'}` : r.message;
    status.classList.toggle('json-ok', r.ok);
    status.classList.toggle('json-bad', !r.ok);
    if (r.ok) textarea.removeAttribute('aria-invalid'); else textarea.setAttribute('aria-invalid', 'true');
    return r;
  }

  textarea.addEventListener('input', validate);
  format.addEventListener('click', () => {
    const r = validate();
    if (r.ok) textarea.value = JSON.stringify(r.value, null, 2);
    textarea.focus();
  });
  validate();
  return {element: root, textarea, validate, parse};
}
