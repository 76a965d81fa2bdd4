// Firstup's: the subscription's authorization_header arrives as
// Authorization, which is what a Firstup receiver checks; the request also
// carries hookd's Stripe-style signature header, checked here too.

import {stripeSnippets, phpServerKey} from './stripe.js';

const strip = (code, prefix) => code.replace(prefix, '');

export const firstupSnippets = {
  fn: {node: 'verifyFirstup', python: 'verify_firstup', go: 'VerifyFirstup', php: 'verify_firstup'},
  node: ({header}) => `${stripeSnippets.node({header}).replace(/\n\/\/ if \(!verifySignature[^\n]*\n$/, '\n')}
// The Authorization value is a shared secret: compare it in constant time too.
function verifyFirstup(authorization, signature, rawBody, secret, expectedAuthorization) {
  const a = Buffer.from(String(authorization || ''));
  const b = Buffer.from(String(expectedAuthorization));
  return a.length === b.length && crypto.timingSafeEqual(a, b) && verifySignature(signature, rawBody, secret);
}

// verifyFirstup(req.get('Authorization'), req.get('${header}'), req.body, process.env.WEBHOOK_SECRET, process.env.FIRSTUP_AUTHORIZATION)
`,
  python: ({header}) => `${stripeSnippets.python({header}).replace(/\n# Flask: verify_signature[^\n]*\n$/, '')}
def verify_firstup(authorization: str, signature: str, raw_body: bytes, secret: str, expected_authorization: str) -> bool:
    return hmac.compare_digest(authorization or "", expected_authorization) and verify_signature(signature, raw_body, secret)


# verify_firstup(request.headers.get("Authorization", ""), request.headers.get("${header}", ""), request.get_data(), os.environ["WEBHOOK_SECRET"], os.environ["FIRSTUP_AUTHORIZATION"])
`,
  go: ({header}) => `${strip(stripeSnippets.go({header}), /\n\/\/ body, _ := io\.ReadAll[\s\S]*$/)}

// VerifyFirstup checks the Authorization value Firstup's subscription set
// and hookd's signature.
func VerifyFirstup(authorization, signature string, body []byte, secret, expectedAuthorization string) bool {
	return hmac.Equal([]byte(authorization), []byte(expectedAuthorization)) && VerifySignature(signature, body, secret)
}

// VerifyFirstup(r.Header.Get("Authorization"), r.Header.Get("${header}"), body, os.Getenv("WEBHOOK_SECRET"), os.Getenv("FIRSTUP_AUTHORIZATION"))
`,
  php: ({header}) => `${stripeSnippets.php({header}).replace(/\n\/\/ \$ok = verify_signature[^\n]*\n$/, '')}
function verify_firstup(string $authorization, string $signature, string $rawBody, string $secret, string $expectedAuthorization): bool
{
    return hash_equals($expectedAuthorization, $authorization) && verify_signature($signature, $rawBody, $secret);
}

// $ok = verify_firstup($_SERVER['HTTP_AUTHORIZATION'] ?? '', $_SERVER['${phpServerKey(header)}'] ?? '', file_get_contents('php://input'), getenv('WEBHOOK_SECRET'), getenv('FIRSTUP_AUTHORIZATION'));
`,
};
