// The signing secret: masked hint, until when a rotated-out secret still
// signs, reveal (GET .../secret) and rotate (POST .../rotate-secret), each
// in a dialog. The card is redrawn from the webhook after a rotation, so it
// never shows the secret that was. What a rotation does depends on the
// webhook's format: two signatures during the overlap, or one (the old
// secret's until it ends).

import * as api from '../api.js';
import {h, replace} from '../dom.js';
import {card, button, busy} from '../layout.js';
import {localTime, timeEl} from '../format.js';
import {openDialog} from './dialog.js';
import {secretBox} from './copy.js';
import {verifyHint} from './verifyhint.js';
import {singleSignature} from '../formats.js';
import {error as toastError, success} from '../toast.js';

const OVERLAPS = [
  [3600, '1 hour'],
  [86400, '24 hours'],
  [3 * 86400, '3 days'],
  [7 * 86400, '7 days'],
  [0, 'No overlap: the old secret stops at once'],
];

function showSecret(title, secret, note, opener, {settings, format}) {
  const done = h('button', {type: 'button', class: 'btn btn-primary'}, 'Done');
  const {close} = openDialog({
    title,
    wide: true,
    body: [
      note ? h('p', {}, note) : null,
      secretBox(secret, 'Copy secret'),
      verifyHint({format, signatureHeader: settings.signature_header}),
    ],
    actions: [done],
    opener,
  });
  done.addEventListener('click', () => close());
}

// rotateDialog asks how long the old secret keeps signing; resolves with
// the seconds chosen, or null when cancelled.
function rotateDialog(opener, format) {
  return new Promise((resolve) => {
    const overlap = h('select', {class: 'input', name: 'expires_in', 'aria-label': 'The old secret keeps signing for'},
      OVERLAPS.map(([v, label]) => h('option', {value: v, selected: v === 86400}, label)));
    const cancel = h('button', {type: 'button', class: 'btn btn-secondary'}, 'Cancel');
    const ok = h('button', {type: 'button', class: 'btn btn-primary'}, 'Rotate secret');
    const {close} = openDialog({
      title: 'Rotate the signing secret?',
      body: [
        h('p', {}, singleSignature(format)
          ? 'hookd will generate a new secret. This format carries one signature, so until the time you choose hookd keeps signing with the old secret, then switches to the new one. Configure your endpoint to accept both meanwhile.'
          : 'hookd will sign with a new secret from now on. Until the time you choose, every request also carries a signature made with the old one, so your endpoint keeps working while you deploy the new secret.'),
        h('label', {class: 'field'}, h('span', {class: 'label'}, 'The old secret keeps signing for'), overlap),
      ],
      actions: [cancel, ok],
      onClose: (r) => resolve(r === undefined ? null : r),
      opener,
    });
    cancel.addEventListener('click', () => close(undefined));
    ok.addEventListener('click', () => close(Number(overlap.value)));
    cancel.focus();
  });
}

export function secretCard(hook, {canWrite, settings, onRotated}) {
  const body = h('div', {class: 'secret-card-body'});
  let current = hook;
  const reveal = button('Reveal', {size: 'sm'});
  const rotate = button('Rotate…', {size: 'sm'});
  reveal.addEventListener('click', () => busy(reveal, async () => {
    try {
      const {secret} = await api.get(`/v2/admin/webhooks/${current.id}/secret`);
      showSecret('Signing secret', secret, `Use this secret to verify that requests to ${current.url} come from hookd.`, reveal,
        {settings, format: current.format});
    } catch (err) {
      toastError(err.message);
    }
  }));
  rotate.addEventListener('click', async () => {
    const expiresIn = await rotateDialog(rotate, current.format);
    if (expiresIn === null) return;
    await busy(rotate, async () => {
      try {
        const res = await api.post(`/v2/admin/webhooks/${current.id}/rotate-secret`, {expires_in: expiresIn});
        success('Secret rotated.');
        const until = res.previous_secret_expires_at;
        showSecret('New signing secret', res.secret, until
          ? (singleSignature(current.format)
            ? `The old secret keeps signing until ${localTime(until)}; then the new one takes over.`
            : `The old secret keeps signing until ${localTime(until)}.`)
          : 'The old secret no longer signs.', rotate, {settings, format: current.format});
        if (onRotated) await onRotated(res);
      } catch (err) {
        toastError(err.message);
      }
    });
  });

  function render() {
    const until = current.previous_secret_expires_at;
    replace(body,
      h('div', {class: 'secret-row'},
        h('div', {class: 'secret-now'},
          h('code', {class: 'secret-hint', title: 'The current secret, masked'}, current.secret_hint),
          until
            ? h('p', {class: 'secret-overlap small', dataset: {overlap: until}},
              singleSignature(current.format) ? 'hookd still signs with the previous secret until ' : 'The previous secret also signs until ',
              h('strong', {}, localTime(until)), ' (', timeEl(until, '', {compact: true}), ').')
            : h('p', {class: 'secret-overlap small muted'}, 'Only this secret signs.')),
        canWrite ? h('div', {class: 'btn-row'}, reveal, rotate) : null),
      verifyHint({format: current.format, signatureHeader: settings.signature_header}));
  }
  render();
  const element = card({
    title: 'Signing secret',
    description: 'hookd signs every request with this secret so your endpoint can check it came from hookd.',
    className: 'secret-card',
    body,
  });
  return {
    element,
    // update redraws the card for the webhook as it is now.
    update(next) {
      current = next;
      render();
    },
  };
}

// createdPanel is shown once, right after creation: the full secret with a
// copy button and the verification recipe in the webhook's format.
export function createdPanel(secret, onTest, {settings, format}) {
  return h('section', {class: 'callout callout-success created-panel', 'aria-labelledby': 'created-title'},
    h('h2', {id: 'created-title', class: 'callout-title'}, 'Webhook created. Copy its signing secret now'),
    h('p', {}, 'This is the only time the secret is shown without asking. You can reveal it again later from this page.'),
    secretBox(secret, 'Copy secret'),
    verifyHint({open: true, format, signatureHeader: settings.signature_header}),
    h('div', {class: 'btn-row'},
      h('span', {class: 'muted'}, 'Next: check that your endpoint answers.'),
      button('Send a test event', {kind: 'primary', size: 'sm', onClick: onTest})));
}
