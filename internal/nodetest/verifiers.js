// How each platform's receivers verify a request, written as their
// documentation writes it. checkRequest runs every check of one format and
// reports each outcome; receiver.js calls it for real requests (bodies
// parsed by Express), verify.js for test vectors.
'use strict';
const crypto = require('crypto');
const { Webhook: StandardWebhook } = require('standardwebhooks');
const { Webhook: SvixWebhook } = require('svix');

// Fluent Community's seed: verifyWebhookSignature, verbatim.
function verifyWebhookSignature(payload, signature, secret) {
  const hmac = crypto.createHmac('sha256', secret);
  const digest = 'sha256=' + hmac.update(payload).digest('hex');
  return crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(digest));
}

// SelfCommunity's seed: the four verification steps.
function selfCommunityVerify(header, payload, secret, toleranceSeconds) {
  // Step 1: split on ",", then each element on "=" into prefix and value.
  let timestamp;
  const signatures = [];
  for (const element of header.split(',')) {
    const [prefix, value] = element.split('=');
    if (prefix === 't') timestamp = value;
    else if (prefix === 'v1') signatures.push(value);
  }
  // Step 2: signed_payload = timestamp + "." + the request body.
  const signedPayload = `${timestamp}.${payload}`;
  // Step 3: HMAC-SHA256 keyed by the endpoint's signing secret.
  const expected = crypto.createHmac('sha256', secret).update(signedPayload).digest('hex');
  // Step 4: constant-time compare with each signature; check the age.
  const match = signatures.some((sig) => sig.length === expected.length &&
    crypto.timingSafeEqual(Buffer.from(sig), Buffer.from(expected)));
  return match && Math.abs(Math.floor(Date.now() / 1000) - Number(timestamp)) <= toleranceSeconds;
}

// Tribe's published steps (its starter app's utils/signature.ts).
const MILLISECONDS_IN_MINUTE = 1000 * 60;
const getSignature = ({ secret, body, timestamp }) =>
  crypto.createHmac('sha256', secret).update(`${timestamp}:${body}`).digest('hex');
const verifySignature = ({ signature, secret, body, timestamp }) => {
  const timeDifference = (timestamp - new Date().getTime()) / MILLISECONDS_IN_MINUTE;
  if (timeDifference > 5) return false;
  const hash = getSignature({ secret, body, timestamp });
  return crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(hash));
};

// check runs fn and turns a throw (the libraries' way of refusing) into
// false, keeping the reason.
function check(out, name, fn) {
  try {
    out.checks[name] = fn() !== false;
  } catch (err) {
    out.checks[name] = false;
    out.errors[name] = String(err && err.message);
  }
}

// checkRequest verifies one request of format: req is {headers (lower-case
// names), raw (Buffer), parsed (the body as the framework parsed it)}, ep
// is {secrets, authorization, tolerance}.
function checkRequest(format, req, ep) {
  const out = { checks: {}, errors: {} };
  const secrets = ep.secrets || [];
  const tolerance = ep.tolerance === undefined || ep.tolerance === null ? 300 : ep.tolerance;
  const payload = req.raw.toString('utf8');
  const h = req.headers;
  switch (format) {
    case 'standard':
      secrets.forEach((secret, i) => {
        check(out, `standardwebhooks[${i}]`, () => { new StandardWebhook(secret).verify(payload, h); });
        check(out, `svix[${i}]`, () => { new SvixWebhook(secret).verify(payload, h); });
      });
      break;
    case 'fluent':
      // Best Practices §2: the signature is checked on
      // JSON.stringify(req.body); and on the raw body too.
      secrets.forEach((secret, i) => {
        check(out, `stringified[${i}]`, () => verifyWebhookSignature(JSON.stringify(req.parsed), h['x-fluent-signature'], secret));
        check(out, `raw[${i}]`, () => verifyWebhookSignature(req.raw, h['x-fluent-signature'], secret));
      });
      check(out, 'restringifiedIsRaw', () => JSON.stringify(req.parsed) === payload);
      break;
    case 'selfcommunity':
    case 'hookd': {
      const header = h[format === 'hookd' ? 'hookd-signature' : 'selfcommunity-signature'] || '';
      secrets.forEach((secret, i) => {
        check(out, `${format}[${i}]`, () => selfCommunityVerify(header, payload, secret, tolerance));
      });
      break;
    }
    case 'tribe': {
      const timestamp = parseInt(h['x-tribe-request-timestamp'], 10);
      const signature = h['x-tribe-signature'];
      secrets.forEach((secret, i) => {
        check(out, `tribe[${i}]`, () => verifySignature({ body: req.raw, timestamp, secret, signature }));
      });
      check(out, 'envelope', () => req.parsed.type === 'SUBSCRIPTION' && req.parsed.context === 'NETWORK' &&
        typeof req.parsed.data === 'object' && typeof req.parsed.data.name === 'string');
      break;
    }
    case 'firstup':
      // Firstup signs nothing: the subscription's authorization_header
      // arrives as Authorization and the payload is flat. hookd's own
      // signature rides along.
      check(out, 'authorization', () => h.authorization === ep.authorization);
      check(out, 'flat', () => typeof req.parsed.id === 'string' && typeof req.parsed.name === 'string' &&
        req.parsed.version === '1' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(req.parsed.timestamp));
      secrets.forEach((secret, i) => {
        check(out, `hookd[${i}]`, () => selfCommunityVerify(h['hookd-signature'] || '', payload, secret, tolerance));
      });
      break;
    default:
      out.checks.format = false;
      out.errors.format = `unknown format ${format}`;
  }
  return out;
}

module.exports = { checkRequest };
