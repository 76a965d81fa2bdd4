// Standard Webhooks v1: webhook-id, webhook-timestamp (Unix seconds) and
// webhook-signature ("v1,<base64>" entries, space-separated), each the
// base64 HMAC-SHA256 of "<id>.<timestamp>.<raw body>" keyed by the
// base64-decoded part of the secret after "whsec_". The standardwebhooks
// and svix libraries do this; here it is by hand.

import {phpServerKey} from './stripe.js';

export const standardSnippets = {
  fn: {node: 'verifyStandardWebhook', python: 'verify_standard_webhook', go: 'VerifyStandardWebhook', php: 'verify_standard_webhook'},
  node: () => `// Node.js, no dependencies (or: new Webhook(secret).verify(body, headers) from
// the standardwebhooks or svix package). Pass the raw body, not parsed JSON.
const crypto = require('node:crypto');

function verifyStandardWebhook(id, timestamp, signatures, rawBody, secret, toleranceSeconds = 300) {
  if (!id || !/^\\d+$/.test(timestamp || '') || Math.abs(Date.now() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const key = Buffer.from(String(secret).replace(/^whsec_/, ''), 'base64');
  const expected = crypto.createHmac('sha256', key).update(\`\${id}.\${timestamp}.\`).update(rawBody).digest('base64');
  return String(signatures || '').split(' ').some((entry) => {
    const comma = entry.indexOf(',');
    const [version, sig] = [entry.slice(0, comma), entry.slice(comma + 1)];
    return comma > 0 && version === 'v1' && sig.length === expected.length &&
      crypto.timingSafeEqual(Buffer.from(sig), Buffer.from(expected));
  });
}

// const h = req.headers; verifyStandardWebhook(h['webhook-id'], h['webhook-timestamp'], h['webhook-signature'], req.body, process.env.WEBHOOK_SECRET)
`,
  python: () => `# Python 3, standard library only (or: Webhook(secret).verify(body, headers)
# from the standardwebhooks package). Pass the raw body (bytes).
import base64
import hashlib
import hmac
import time


def verify_standard_webhook(msg_id: str, timestamp: str, signatures: str, raw_body: bytes, secret: str,
                            tolerance: int = 300) -> bool:
    if not msg_id or not (timestamp or "").isdigit() or abs(time.time() - int(timestamp)) > tolerance:
        return False
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.".encode() + raw_body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    for entry in (signatures or "").split(" "):
        version, _, sig = entry.partition(",")
        if version == "v1" and hmac.compare_digest(sig, expected):
            return True
    return False


# h = request.headers; verify_standard_webhook(h.get("webhook-id"), h.get("webhook-timestamp"), h.get("webhook-signature"), request.get_data(), os.environ["WEBHOOK_SECRET"])
`,
  go: () => `package webhooks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// VerifyStandardWebhook checks a Standard Webhooks request (also possible
// with github.com/standard-webhooks/standard-webhooks/libraries/go).
func VerifyStandardWebhook(id, timestamp, signatures string, body []byte, secret string) bool {
	const tolerance = 5 * time.Minute
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if id == "" || err != nil || time.Since(time.Unix(ts, 0)).Abs() > tolerance {
		return false
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + timestamp + "."))
	mac.Write(body)
	expected := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	for _, entry := range strings.Split(signatures, " ") {
		version, sig, _ := strings.Cut(entry, ",")
		if version == "v1" && hmac.Equal([]byte(sig), []byte(expected)) {
			return true
		}
	}
	return false
}

// VerifyStandardWebhook(r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp"), r.Header.Get("webhook-signature"), body, os.Getenv("WEBHOOK_SECRET"))
`,
  php: () => `<?php
// PHP 7.4+, standard functions only. Pass the raw body.
function verify_standard_webhook(string $id, string $timestamp, string $signatures, string $rawBody, string $secret, int $tolerance = 300): bool
{
    if ($id === '' || !ctype_digit($timestamp) || abs(time() - (int) $timestamp) > $tolerance) {
        return false;
    }
    $key = base64_decode(preg_replace('/^whsec_/', '', $secret), true);
    if ($key === false) {
        return false;
    }
    $expected = base64_encode(hash_hmac('sha256', $id . '.' . $timestamp . '.' . $rawBody, $key, true));
    foreach (explode(' ', $signatures) as $entry) {
        [$version, $sig] = array_pad(explode(',', $entry, 2), 2, '');
        if ($version === 'v1' && hash_equals($expected, $sig)) {
            return true;
        }
    }
    return false;
}

// $ok = verify_standard_webhook($_SERVER['${phpServerKey('webhook-id')}'] ?? '', $_SERVER['${phpServerKey('webhook-timestamp')}'] ?? '', $_SERVER['${phpServerKey('webhook-signature')}'] ?? '', file_get_contents('php://input'), getenv('WEBHOOK_SECRET'));
`,
};
