// Fluent Community's: X-Fluent-Signature is "sha256=" and the hex
// HMAC-SHA256 of the raw body, keyed by the secret as shown. No timestamp.

import {phpServerKey} from './stripe.js';

export const fluentSnippets = {
  fn: {node: 'verifyFluent', python: 'verify_fluent', go: 'VerifyFluent', php: 'verify_fluent'},
  node: () => `// Node.js, no dependencies. Pass the raw body (a Buffer); JSON.stringify(req.body)
// after express.json() gives the same bytes for this format.
const crypto = require('node:crypto');

function verifyFluent(signature, rawBody, secret) {
  const expected = 'sha256=' + crypto.createHmac('sha256', secret).update(rawBody).digest('hex');
  const got = String(signature || '');
  return got.length === expected.length && crypto.timingSafeEqual(Buffer.from(got), Buffer.from(expected));
}

// if (!verifyFluent(req.get('X-Fluent-Signature'), req.body, process.env.WEBHOOK_SECRET)) return res.sendStatus(401);
`,
  python: () => `# Python 3, standard library only. Pass the raw body (bytes).
import hashlib
import hmac


def verify_fluent(signature: str, raw_body: bytes, secret: str) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(signature or "", expected)


# Flask: verify_fluent(request.headers.get("X-Fluent-Signature", ""), request.get_data(), os.environ["WEBHOOK_SECRET"])
`,
  go: () => `package webhooks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// VerifyFluent checks a request's X-Fluent-Signature against its raw body.
func VerifyFluent(signature string, body []byte, secret string) bool {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	expected := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	return hmac.Equal([]byte(signature), []byte(expected))
}

// VerifyFluent(r.Header.Get("X-Fluent-Signature"), body, os.Getenv("WEBHOOK_SECRET"))
`,
  php: () => `<?php
// PHP 7.4+, standard functions only. Pass the raw body.
function verify_fluent(string $signature, string $rawBody, string $secret): bool
{
    return hash_equals('sha256=' . hash_hmac('sha256', $rawBody, $secret), $signature);
}

// $ok = verify_fluent($_SERVER['${phpServerKey('X-Fluent-Signature')}'] ?? '', file_get_contents('php://input'), getenv('WEBHOOK_SECRET'));
`,
};
