// The signing secret: masked hint, reveal (GET .../secret) and rotate
// (POST .../rotate-secret), each in a dialog.

import * as api from '../api.js';
import {h} from '../dom.js';
import {card, button, busy} from '../layout.js';
import {localTime} from '../format.js';
import {openDialog, confirm} from './dialog.js';
import {secretBox} from './copy.js';
import {verifyHint} from './verifyhint.js';
import {singleSignature} from '../formats.js';
import {error as toastError, success} from '../toast.js';

function showSecret(title, secret, note, opener, format) {
  const done = h('button', {type: 'button', class: 'btn btn-primary'}, 'Done');
  const {close} = openDialog({
    title,
    wide: true,
    body: [
      note ? h('p', {}, note) : null,
      secretBox(secret, 'Copy secret'),
      verifyHint({format}),
    ],
    actions: [done],
    opener,
  });
  done.addEventListener('click', () => close());
}

export function secretCard(hook, {canWrite, onRotated}) {
  const hint = h('code', {class: 'secret-hint'}, hook.secret_hint);
  const reveal = button('Reveal', {size: 'sm'});
  const rotate = button('Rotate…', {size: 'sm'});
  reveal.addEventListener('click', () => busy(reveal, async () => {
    try {
      const {secret} = await api.get(`/v2/admin/webhooks/${hook.id}/secret`);
      showSecret('Signing secret', secret, `Use this secret to verify that requests to ${hook.url} come from hookd.`, reveal, hook.format);
    } catch (err) {
      toastError(err.message);
    }
  }));
  rotate.addEventListener('click', async () => {
    const ok = await confirm({
      title: 'Rotate the signing secret?',
      message: singleSignature(hook.format) ? [
        'hookd will generate a new secret.',
        'This format carries one signature, so for the next 24 hours hookd keeps signing with the old secret, then switches to the new one. Configure your endpoint to accept both meanwhile.',
      ] : [
        'hookd will sign with a new secret from now on.',
        'For the next 24 hours every request carries a second signature made with the old secret, so your endpoint keeps working while you deploy the new one.',
      ],
      confirmLabel: 'Rotate secret',
    });
    if (!ok) return;
    await busy(rotate, async () => {
      try {
        const res = await api.post(`/v2/admin/webhooks/${hook.id}/rotate-secret`, {});
        success('Secret rotated.');
        showSecret('New signing secret', res.secret, res.previous_secret_expires_at
          ? (singleSignature(hook.format)
            ? `The old secret keeps signing until ${localTime(res.previous_secret_expires_at)}; then the new one takes over.`
            : `The old secret keeps signing until ${localTime(res.previous_secret_expires_at)}.`)
          : 'The old secret no longer signs.', rotate, hook.format);
        if (onRotated) onRotated();
      } catch (err) {
        toastError(err.message);
      }
    });
  });
  return card({
    title: 'Signing secret',
    description: 'hookd signs every request with this secret so your endpoint can check it came from hookd.',
    body: h('div', {class: 'secret-row'}, hint, canWrite ? h('div', {class: 'btn-row'}, reveal, rotate) : null),
  });
}

// createdPanel is shown once, right after creation: the full secret with a
// copy button and the verification recipe.
export function createdPanel(secret, onTest, format) {
  return h('section', {class: 'callout callout-success created-panel', 'aria-labelledby': 'created-title'},
    h('h2', {id: 'created-title', class: 'callout-title'}, 'Webhook created. Copy its signing secret now'),
    h('p', {}, 'This is the only time the secret is shown without asking. You can reveal it again later from this page.'),
    secretBox(secret, 'Copy secret'),
    verifyHint({format, open: true}),
    h('div', {class: 'btn-row'},
      h('span', {class: 'muted'}, 'Next: check that your endpoint answers.'),
      button('Send a test event', {kind: 'primary', size: 'sm', onClick: onTest})));
}
