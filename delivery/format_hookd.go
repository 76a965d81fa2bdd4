package delivery

import (
	"net/http"
)

// hookdFormat is hookd's own envelope (BuildBody) with a Stripe-style
// signature in the operator's header (HOOKD_SIGNATURE_HEADER), one v1 per
// live secret.
type hookdFormat struct{}

func (hookdFormat) body(src *bodySource) ([]byte, error) {
	return BuildBody(src.ID, src.Type, src.Created, src.Data)
}

func (hookdFormat) sign(h http.Header, in signInput) {
	h[http.CanonicalHeaderKey(in.hookdHeader)] = []string{SignatureHeaderValue(in.now.Unix(), in.body, in.secrets...)}
}

func (hookdFormat) verify(in verifyInput) error {
	return VerifySignature(in.header.Get(in.hookdHeader), in.body, in.secret, in.tolerance, in.now)
}
