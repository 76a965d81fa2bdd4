// How a receiver verifies a webhook's requests, in the webhook's own
// format.

import {h} from '../dom.js';
import {formatInfo} from '../formats.js';

// withCode renders `backticked` parts of a step as code.
function withCode(text) {
  return text.split('`').map((part, i) => (i % 2 ? h('code', {}, part) : part));
}

export function verifyHint({format = 'hookd', open = false} = {}) {
  const f = formatInfo(format);
  return h('details', {class: 'verify', open, dataset: {format: f.id}},
    h('summary', {}, `How to verify the signature (${f.label} format)`),
    h('div', {class: 'verify-body'},
      h('p', {}, 'Every request carries headers like'),
      h('pre', {class: 'code'}, f.headers),
      h('ol', {}, f.steps.map((step) => h('li', {}, withCode(step)))),
      h('p', {class: 'verify-lang strong'}, f.lang),
      h('pre', {class: ['code', 'code-scroll', 'verify-code']}, f.code),
      h('p', {class: 'muted small'}, f.note)));
}
