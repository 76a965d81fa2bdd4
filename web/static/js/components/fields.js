// Form fields with a label, a hint and an error slot, and the mapping of the
// API's data.params ({"url": "Webhook URL must use HTTPS protocol."}) onto
// the fields they name.

import {h, nextId} from '../dom.js';

// field wraps a control with its label, hint and error slot. name is the API
// field the errors of which show here.
export function field({label, control, hint, name, optional = false}) {
  const sel = 'input, select, textarea';
  const inputs = control.matches(sel) ? [control] : [...control.querySelectorAll(sel)];
  const single = inputs.length === 1 ? inputs[0] : null;
  const hintId = hint ? nextId('hint') : null;
  const errorId = nextId('err');
  const describedBy = [hintId, errorId].filter(Boolean).join(' ');
  const text = [label, optional ? h('span', {class: 'optional'}, ' (optional)') : null];
  let labelEl;
  if (single) {
    single.id = single.id || nextId('f');
    const own = single.getAttribute('aria-describedby');
    single.setAttribute('aria-describedby', own ? `${describedBy} ${own}` : describedBy);
    labelEl = h('label', {for: single.id, class: 'label'}, text);
  } else {
    // A group of controls (the event picker, header rows) is named by its
    // label and described by the hint and error.
    labelEl = h('span', {class: 'label', id: nextId('lbl')}, text);
    control.setAttribute('role', 'group');
    control.setAttribute('aria-labelledby', labelEl.id);
    control.setAttribute('aria-describedby', describedBy);
  }
  return h('div', {class: 'field', dataset: {field: name || ''}},
    labelEl,
    hint ? h('p', {class: 'hint', id: hintId}, hint) : null,
    control,
    h('p', {class: 'field-error', id: errorId, hidden: true}),
  );
}

// clearErrors hides every field error and the form's error summary.
export function clearErrors(form) {
  for (const el of form.querySelectorAll('.field-error')) {
    el.hidden = true;
    el.textContent = '';
  }
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const el of form.querySelectorAll('.field.has-error')) el.classList.remove('has-error');
  const summary = form.querySelector('.form-error');
  if (summary) {
    summary.hidden = true;
    summary.textContent = '';
  }
}

// fieldName maps an API param key to the field it belongs to:
// "events[3]" -> "events", "headers.X-Thing" -> "headers".
function fieldName(key) {
  return key.replace(/\[\d+\].*$/, '').replace(/\..*$/, '');
}

// showErrors puts an ApiError's params beside their fields, and its message
// (plus any param without a field) in the form's summary. It focuses the
// first field in error and returns true when any field matched.
export function showErrors(form, err) {
  clearErrors(form);
  const params = err.params || {};
  const leftovers = [];
  let first = null;
  for (const [key, msg] of Object.entries(params)) {
    const f = form.querySelector(`.field[data-field="${CSS.escape(fieldName(key))}"]`);
    if (!f) {
      leftovers.push(msg);
      continue;
    }
    const slot = f.querySelector('.field-error');
    slot.textContent = slot.textContent ? `${slot.textContent} ${msg}` : msg;
    slot.hidden = false;
    f.classList.add('has-error');
    const control = f.querySelector('input, select, textarea');
    if (control) control.setAttribute('aria-invalid', 'true');
    if (!first) first = control;
  }
  const summary = form.querySelector('.form-error');
  if (summary) {
    const matched = Object.keys(params).length - leftovers.length;
    const text = matched > 0
      ? (matched === 1 ? 'Please fix the highlighted field.' : `Please fix the ${matched} highlighted fields.`)
      : err.message;
    summary.textContent = [text, ...leftovers].join(' ');
    summary.hidden = false;
  }
  if (first) first.focus();
  else if (summary) summary.focus();
  return Boolean(first);
}

// formError is the summary slot showErrors fills; place it at the top of a
// form.
export function formError() {
  return h('div', {class: 'form-error', role: 'alert', tabindex: '-1', hidden: true});
}
