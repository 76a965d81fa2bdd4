// The delivery formats a webhook can use, and how a receiver of each
// verifies hookd's requests: the dashboard's picker and its "how to verify"
// hint read this. The README's "What a receiver gets" says the same. Each
// format's verify names its code for Node.js, Python, Go and PHP (one module
// per signature scheme under formats/) and the headers, in order, that the
// code's function takes before the raw body and the secret; hookd's own
// header name is the operator's (GET /v2/settings). web/snippets_test.go
// runs every snippet against requests hookd sent in each format.

import {stripeSnippets} from './formats/stripe.js';
import {standardSnippets} from './formats/standard.js';
import {fluentSnippets} from './formats/fluent.js';
import {tribeSnippets} from './formats/tribe.js';
import {firstupSnippets} from './formats/firstup.js';

const multi = 'During a secret rotation there are two signatures, the new secret\'s first; accept the request if either matches.';
const single = 'One signature per request: for a day after a rotation hookd keeps signing with the old secret, then switches to the new one. Keep both on your endpoint meanwhile.';

export const FORMATS = [
  {
    id: 'hookd',
    label: 'hookd',
    summary: 'hookd\'s own envelope {id, type, created, version, data}, signed like Stripe in Hookd-Signature. Stripe\'s webhook libraries verify it.',
    headers: 'Hookd-Signature: t=1767225600,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd',
    steps: [
      'Take `t` and the raw request body, exactly as received.',
      'Compute the HMAC-SHA256 of `<t>.<body>` keyed by the whole secret (with its `whsec_` prefix), hex-encoded.',
      'Accept the request if it equals any `v1` value (compare in constant time) and if `t` is recent, e.g. within 5 minutes.',
    ],
    verify: {snippets: stripeSnippets, args: (header) => [header]},
    note: multi,
  },
  {
    id: 'standard',
    label: 'Standard Webhooks',
    summary: 'Standard Webhooks v1: {type, timestamp, data} with webhook-id, webhook-timestamp and webhook-signature. The standardwebhooks and svix libraries verify it, in any language.',
    headers: 'webhook-id: evt_06h0bgso45u81e5o7u8vv8rcmo\nwebhook-timestamp: 1767225600\nwebhook-signature: v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
    steps: [
      'Pass the raw body and the headers to the Standard Webhooks (or Svix) library with the secret exactly as shown.',
      'By hand: the signature is `v1,` and the base64 HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<body>`, keyed by the base64-decoded part of the secret after `whsec_`.',
      '`webhook-id` is the event id: the same on every retry, so use it to drop duplicates.',
    ],
    verify: {snippets: standardSnippets, args: () => ['webhook-id', 'webhook-timestamp', 'webhook-signature']},
    note: multi,
  },
  {
    id: 'selfcommunity',
    label: 'SelfCommunity',
    summary: 'SelfCommunity\'s {type, created, data} with a SelfCommunity-Signature header (t=…,v1=…).',
    headers: 'SelfCommunity-Signature: t=1767225600,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd',
    steps: [
      'Split the header on `,` and each element on `=`: `t` is the timestamp, each `v1` a signature.',
      'The signed payload is `<t>.<body>`, the raw request body.',
      'Compute its HMAC-SHA256, keyed by the endpoint\'s secret as shown, hex-encoded.',
      'Compare it with each `v1` in constant time, and check that `t` is within your tolerance.',
    ],
    verify: {snippets: stripeSnippets, args: () => ['SelfCommunity-Signature'], header: () => 'SelfCommunity-Signature'},
    note: multi,
  },
  {
    id: 'fluent',
    label: 'Fluent Community',
    summary: 'Fluent Community\'s {event, timestamp, data} with X-Fluent-Signature: sha256=…. The body is written exactly as JSON.stringify writes it, so receivers that sign JSON.stringify(req.body) verify too.',
    headers: 'X-Fluent-Signature: sha256=9f1c2d0c6ae5a5b1f2ea0c0a6f4f5e3c0d5c1b7a9e2d4f6a8c0e2b4d6f8a0c2e',
    steps: [
      'Compute the HMAC-SHA256 of the body, keyed by the secret as shown, hex-encoded, prefixed with `sha256=`.',
      'Compare it with the header in constant time. `JSON.stringify(req.body)` after express.json() gives the same bytes as the raw body.',
    ],
    verify: {snippets: fluentSnippets, args: () => ['X-Fluent-Signature']},
    note: `${single} The signature carries no timestamp.`,
  },
  {
    id: 'firstup',
    label: 'Firstup',
    summary: 'Firstup\'s flat payloads: the event\'s fields at the top level with id, timestamp, name and version. The subscription\'s authorization_header arrives as Authorization.',
    headers: 'Authorization: <the authorization_header of the subscription>\nHookd-Signature: t=1767225600,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd',
    steps: [
      'Check that the `Authorization` header is the value you gave as `authorization_header`.',
      'Optionally verify `Hookd-Signature` as well: the HMAC-SHA256 of `<t>.<body>` keyed by the secret, as for the hookd format.',
    ],
    verify: {snippets: firstupSnippets, args: (header) => ['Authorization', header], authorization: true},
    note: multi,
  },
  {
    id: 'tribe',
    label: 'Tribe',
    summary: 'Tribe\'s subscription envelope {networkId, context, entityId, currentSettings, type, data}, signed in X-Tribe-Signature over X-Tribe-Request-Timestamp and the body.',
    headers: 'X-Tribe-Request-Timestamp: 1767225600123\nX-Tribe-Signature: 1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeeff0011',
    steps: [
      'Take the `X-Tribe-Request-Timestamp` header (milliseconds) and the raw request body.',
      'Compute the HMAC-SHA256 of `<timestamp>:<body>`, keyed by the secret as shown, hex-encoded.',
      'Compare it with `X-Tribe-Signature` in constant time, and check that the timestamp is recent.',
    ],
    verify: {snippets: tribeSnippets, args: () => ['X-Tribe-Request-Timestamp', 'X-Tribe-Signature']},
    note: single,
  },
];

// formatInfo returns a format's entry; an unknown id is hookd's.
export function formatInfo(id) {
  return FORMATS.find((f) => f.id === id) || FORMATS[0];
}

// singleSignature says whether a format carries one signature, so a
// rotation keeps the old secret signing until the overlap ends.
export function singleSignature(id) {
  return id === 'fluent' || id === 'tribe';
}

// languages are the snippet tabs, in order.
export const LANGUAGES = [
  ['node', 'Node.js'],
  ['python', 'Python'],
  ['go', 'Go'],
  ['php', 'PHP'],
];

// snippet is a format's code in lang for a server whose hookd signature
// header is named hookdHeader.
export function snippet(id, lang, hookdHeader = 'Hookd-Signature') {
  const v = formatInfo(id).verify;
  const header = v.header ? v.header() : hookdHeader;
  return v.snippets[lang]({header});
}
