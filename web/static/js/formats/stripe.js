// Stripe's signature scheme, which hookd's own format and SelfCommunity's
// use: one header "t=<unix seconds>,v1=<hex>[,v1=<hex>]" where each v1 is
// the HMAC-SHA256 of "<t>.<raw body>" keyed by the secret as shown (two
// during a rotation's overlap). Code for each language, for a header named
// header. Pure strings, no DOM: web/snippets_test.go runs each against a
// request hookd sent.

// phpServerKey is how PHP's $_SERVER names a request header.
export const phpServerKey = (header) => `HTTP_${header.toUpperCase().replace(/-/g, '_')}`;

export const stripeSnippets = {
  fn: {node: 'verifySignature', python: 'verify_signature', go: 'VerifySignature', php: 'verify_signature'},
  node: ({header}) => `// Node.js, no dependencies. Pass the raw body (a Buffer), not parsed JSON:
// with Express, use express.raw({type: 'application/json'}) on this route.
const crypto = require('node:crypto');

function verifySignature(header, rawBody, secret, toleranceSeconds = 300) {
  const parts = String(header || '').split(',').map((part) => part.split('='));
  const t = (parts.find(([key]) => key === 't') || [])[1];
  if (!t || Math.abs(Date.now() / 1000 - Number(t)) > toleranceSeconds) return false;
  const expected = crypto.createHmac('sha256', secret).update(\`\${t}.\`).update(rawBody).digest('hex');
  return parts.some(([key, value]) => key === 'v1' && value.length === expected.length &&
    crypto.timingSafeEqual(Buffer.from(value), Buffer.from(expected)));
}

// if (!verifySignature(req.get('${header}'), req.body, process.env.WEBHOOK_SECRET)) return res.sendStatus(400);
`,
  python: ({header}) => `# Python 3, standard library only. Pass the raw body (bytes), not parsed JSON.
import hashlib
import hmac
import time


def verify_signature(header: str, raw_body: bytes, secret: str, tolerance: int = 300) -> bool:
    parts = [(k, v) for k, _, v in (p.partition("=") for p in (header or "").split(","))]
    t = next((v for k, v in parts if k == "t"), "")
    if not t.isdigit() or abs(time.time() - int(t)) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{t}.".encode() + raw_body, hashlib.sha256).hexdigest()
    return any(k == "v1" and hmac.compare_digest(v, expected) for k, v in parts)


# Flask: verify_signature(request.headers.get("${header}", ""), request.get_data(), os.environ["WEBHOOK_SECRET"])
`,
  go: ({header}) => `package webhooks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// VerifySignature checks a request's ${header} header against its raw body.
func VerifySignature(header string, body []byte, secret string) bool {
	const tolerance = 5 * time.Minute
	var t string
	var signatures []string
	for _, part := range strings.Split(header, ",") {
		key, value, _ := strings.Cut(part, "=")
		switch key {
		case "t":
			t = value
		case "v1":
			signatures = append(signatures, value)
		}
	}
	ts, err := strconv.ParseInt(t, 10, 64)
	if err != nil || time.Since(time.Unix(ts, 0)).Abs() > tolerance {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(t + "."))
	mac.Write(body)
	expected := hex.EncodeToString(mac.Sum(nil))
	for _, s := range signatures {
		if hmac.Equal([]byte(s), []byte(expected)) {
			return true
		}
	}
	return false
}

// body, _ := io.ReadAll(r.Body)
// if !VerifySignature(r.Header.Get("${header}"), body, os.Getenv("WEBHOOK_SECRET")) { ... 400 ... }
`,
  php: ({header}) => `<?php
// PHP 7.4+, standard functions only. Pass the raw body.
function verify_signature(string $header, string $rawBody, string $secret, int $tolerance = 300): bool
{
    $t = null;
    $signatures = [];
    foreach (explode(',', $header) as $part) {
        [$key, $value] = array_pad(explode('=', $part, 2), 2, '');
        if ($key === 't') {
            $t = $value;
        } elseif ($key === 'v1') {
            $signatures[] = $value;
        }
    }
    if ($t === null || !ctype_digit($t) || abs(time() - (int) $t) > $tolerance) {
        return false;
    }
    $expected = hash_hmac('sha256', $t . '.' . $rawBody, $secret);
    foreach ($signatures as $signature) {
        if (hash_equals($expected, $signature)) {
            return true;
        }
    }
    return false;
}

// $ok = verify_signature($_SERVER['${phpServerKey(header)}'] ?? '', file_get_contents('php://input'), getenv('WEBHOOK_SECRET'));
`,
};
