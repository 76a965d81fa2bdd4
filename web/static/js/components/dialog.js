// Modal dialogs on the native <dialog> element: focus moves inside, the
// page behind is inert, Esc closes, and focus returns to whatever opened it.

import {h, nextId} from '../dom.js';

// openDialog shows a dialog and returns {dialog, close}. body is a node or
// array of nodes; actions are buttons (built by the caller) for the footer.
// opener is where focus returns; default the focused element (pass it when
// that element is disabled while the dialog's data loads).
export function openDialog({title, body, actions = [], onClose, wide = false, opener = document.activeElement}) {
  const titleId = nextId('dlg-title');
  const closeBtn = h('button', {type: 'button', class: 'dialog-x', 'aria-label': 'Close'}, '×');
  const dialog = h('dialog', {class: ['dialog', wide && 'dialog-wide'], 'aria-labelledby': titleId},
    h('div', {class: 'dialog-head'}, h('h2', {id: titleId}, title), closeBtn),
    h('div', {class: 'dialog-body'}, body),
    actions.length ? h('div', {class: 'dialog-actions'}, actions) : null,
  );
  let closed = false;
  const close = (result) => {
    if (closed) return;
    closed = true;
    if (dialog.open) dialog.close();
    dialog.remove();
    if (opener && opener.isConnected && typeof opener.focus === 'function') opener.focus();
    if (onClose) onClose(result);
  };
  closeBtn.addEventListener('click', () => close(undefined));
  dialog.addEventListener('cancel', (e) => {
    e.preventDefault();
    close(undefined);
  });
  document.body.append(dialog);
  dialog.showModal();
  const first = dialog.querySelector('[autofocus]') || dialog.querySelector('.dialog-body input, .dialog-actions button');
  if (first) first.focus();
  return {dialog, close};
}

// confirm asks a yes/no question; resolves true when confirmed.
export function confirm({title, message, confirmLabel = 'Confirm', danger = false, opener}) {
  return new Promise((resolve) => {
    const cancel = h('button', {type: 'button', class: 'btn btn-secondary'}, 'Cancel');
    const ok = h('button', {type: 'button', class: ['btn', danger ? 'btn-danger' : 'btn-primary']}, confirmLabel);
    const {close} = openDialog({
      title,
      body: [message].flat().map((m) => (m instanceof Node ? m : h('p', {}, m))),
      actions: [cancel, ok],
      onClose: (result) => resolve(result === true),
      opener,
    });
    cancel.addEventListener('click', () => close(false));
    ok.addEventListener('click', () => close(true));
    cancel.focus();
  });
}
