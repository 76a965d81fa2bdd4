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
  return h('div', {class: 'field', dataset: {field: name || '', label}},
    labelEl,
    hint ? h('p', {class: 'hint', id: hintId}, hint) : null,
    control,
    h('p', {class: 'field-error', id: errorId, hidden: true}),
  );
}

// clearErrors hides every field error and the form's error summary.
export function clearErrors(form) {
  for (const f of form.querySelectorAll('.field.has-error')) clearField(f);
  const summary = form.querySelector('.form-error');
  if (summary) {
    summary.hidden = true;
    summary.textContent = '';
  }
}

function clearField(f) {
  f.classList.remove('has-error');
  const slot = f.querySelector('.field-error');
  slot.hidden = true;
  slot.textContent = '';
  for (const el of f.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

// fieldName maps an API param key to the field it belongs to:
// "events[3]" -> "events", "headers.X-Thing" -> "headers".
function fieldName(key) {
  return key.replace(/\[\d+\].*$/, '').replace(/\..*$/, '');
}

// styleMessage puts every message, the API's and the dashboard's own, in
// one style: a sentence naming the field by its label ("Retries must be
// between 0 and 8."), not by its API name ("retry_count must be …").
export function styleMessage(msg, label, key = '') {
  let m = String(msg).trim().replace(/^[a-z_]+\[\d+\](\.[a-z_]+)?:\s*/, '');
  const name = fieldName(key);
  if (label && name && m.startsWith(`${name} `)) m = label + m.slice(name.length);
  m = m.charAt(0).toUpperCase() + m.slice(1);
  return /[.!?]$/.test(m) ? m : `${m}.`;
}

// watch clears a field's error as soon as the user changes that field, and
// the summary once no field is left in error.
function watch(form) {
  if (form.dataset.watched) return;
  form.dataset.watched = 'true';
  const onEdit = (e) => {
    const f = e.target.closest('.field.has-error');
    if (!f || !form.contains(f)) return;
    clearField(f);
    const summary = form.querySelector('.form-error');
    if (summary && !form.querySelector('.field.has-error') && summary.dataset.fieldsOnly === 'true') {
      summary.hidden = true;
      summary.textContent = '';
    }
  };
  form.addEventListener('input', onEdit);
  form.addEventListener('change', onEdit);
}

// showErrors puts an ApiError's params (or the dashboard's own checks, in
// the same shape) beside their fields, and its message (plus any param
// without a field) in the form's summary. It focuses the first field in
// error in the order the form shows them and returns true when any field
// matched.
export function showErrors(form, err) {
  clearErrors(form);
  watch(form);
  const params = err.params || {};
  const leftovers = [];
  let matched = 0;
  for (const [key, msg] of Object.entries(params)) {
    const f = form.querySelector(`.field[data-field="${CSS.escape(fieldName(key))}"]`);
    if (!f) {
      leftovers.push(styleMessage(msg, '', key));
      continue;
    }
    matched += 1;
    const slot = f.querySelector('.field-error');
    const text = styleMessage(msg, f.dataset.label, key);
    slot.textContent = slot.textContent ? `${slot.textContent} ${text}` : text;
    slot.hidden = false;
    f.classList.add('has-error');
    const control = f.querySelector('input, select, textarea');
    if (control) control.setAttribute('aria-invalid', 'true');
  }
  const summary = form.querySelector('.form-error');
  if (summary) {
    const text = matched > 0
      ? (matched === 1 ? 'Please fix the highlighted field.' : `Please fix the ${matched} highlighted fields.`)
      : styleMessage(err.message || 'The request failed.', '');
    summary.textContent = [text, ...leftovers].join(' ');
    summary.dataset.fieldsOnly = String(matched > 0 && leftovers.length === 0);
    summary.hidden = false;
  }
  const first = form.querySelector('.field.has-error input:not([type="hidden"]):not([disabled]), .field.has-error select, .field.has-error textarea');
  if (first) first.focus();
  else if (summary) summary.focus();
  return matched > 0;
}

// formError is the summary slot showErrors fills; place it at the top of a
// form.
export function formError() {
  return h('div', {class: 'form-error', role: 'alert', tabindex: '-1', hidden: true});
}
