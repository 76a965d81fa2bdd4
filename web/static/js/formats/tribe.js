// Tribe's: X-Tribe-Signature is the hex HMAC-SHA256 of
// "<X-Tribe-Request-Timestamp>:<raw body>", the timestamp in Unix
// milliseconds, keyed by the secret as shown.

import {phpServerKey} from './stripe.js';

export const tribeSnippets = {
  fn: {node: 'verifyTribe', python: 'verify_tribe', go: 'VerifyTribe', php: 'verify_tribe'},
  node: () => `// Node.js, no dependencies. Pass the raw body (a Buffer), not parsed JSON.
const crypto = require('node:crypto');

function verifyTribe(timestamp, signature, rawBody, secret, toleranceMs = 5 * 60 * 1000) {
  const ts = Number(timestamp);
  if (!/^\\d+$/.test(timestamp || '') || Math.abs(Date.now() - ts) > toleranceMs) return false;
  const expected = crypto.createHmac('sha256', secret).update(\`\${timestamp}:\`).update(rawBody).digest('hex');
  const got = String(signature || '');
  return got.length === expected.length && crypto.timingSafeEqual(Buffer.from(got), Buffer.from(expected));
}

// verifyTribe(req.get('X-Tribe-Request-Timestamp'), req.get('X-Tribe-Signature'), req.body, process.env.WEBHOOK_SECRET)
`,
  python: () => `# Python 3, standard library only. Pass the raw body (bytes).
import hashlib
import hmac
import time


def verify_tribe(timestamp: str, signature: str, raw_body: bytes, secret: str, tolerance_ms: int = 300_000) -> bool:
    if not (timestamp or "").isdigit() or abs(time.time() * 1000 - int(timestamp)) > tolerance_ms:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}:".encode() + raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(signature or "", expected)


# Flask: verify_tribe(request.headers.get("X-Tribe-Request-Timestamp", ""), request.headers.get("X-Tribe-Signature", ""), request.get_data(), os.environ["WEBHOOK_SECRET"])
`,
  go: () => `package webhooks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// VerifyTribe checks a request's X-Tribe-Signature against its timestamp and raw body.
func VerifyTribe(timestamp, signature string, body []byte, secret string) bool {
	const tolerance = 5 * time.Minute
	ms, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil || time.Since(time.UnixMilli(ms)).Abs() > tolerance {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + ":"))
	mac.Write(body)
	return hmac.Equal([]byte(signature), []byte(hex.EncodeToString(mac.Sum(nil))))
}

// VerifyTribe(r.Header.Get("X-Tribe-Request-Timestamp"), r.Header.Get("X-Tribe-Signature"), body, os.Getenv("WEBHOOK_SECRET"))
`,
  php: () => `<?php
// PHP 7.4+, standard functions only. Pass the raw body.
function verify_tribe(string $timestamp, string $signature, string $rawBody, string $secret, int $toleranceMs = 300000): bool
{
    if (!ctype_digit($timestamp) || abs((int) round(microtime(true) * 1000) - (int) $timestamp) > $toleranceMs) {
        return false;
    }
    return hash_equals(hash_hmac('sha256', $timestamp . ':' . $rawBody, $secret), $signature);
}

// $ok = verify_tribe($_SERVER['${phpServerKey('X-Tribe-Request-Timestamp')}'] ?? '', $_SERVER['${phpServerKey('X-Tribe-Signature')}'] ?? '', file_get_contents('php://input'), getenv('WEBHOOK_SECRET'));
`,
};
