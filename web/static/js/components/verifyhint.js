// How a receiver verifies hookd's signature (Stripe's scheme).

import {h} from '../dom.js';

export function verifyHint({open = false} = {}) {
  return h('details', {class: 'verify', open},
    h('summary', {}, 'How to verify the signature'),
    h('div', {class: 'verify-body'},
      h('p', {}, 'Every request carries a header like'),
      h('pre', {class: 'code'}, 'Hookd-Signature: t=1767225600,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd'),
      h('ol', {},
        h('li', {}, 'Take ', h('code', {}, 't'), ' and the raw request body, exactly as received.'),
        h('li', {}, 'Compute the HMAC-SHA256 of ', h('code', {}, '<t>.<body>'), ' keyed by the whole secret (with its ', h('code', {}, 'whsec_'), ' prefix), hex-encoded.'),
        h('li', {}, 'Accept the request if it equals any ', h('code', {}, 'v1'), ' value (compare in constant time; during a secret rotation there are two), and if ', h('code', {}, 't'), ' is recent, e.g. within 5 minutes.')),
      h('p', {class: 'muted small'}, 'It is the scheme Stripe uses, so Stripe\'s webhook libraries can verify hookd\'s requests too. The header name may differ if your operator changed it.')));
}
