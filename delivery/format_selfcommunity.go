package delivery

import (
	"net/http"
)

// selfCommunityFormat is SelfCommunity's: the body is the seed's payload
// table, {"type","created","data"} and nothing else, and
// SelfCommunity-Signature is "t=<unix seconds>,v1=<hex>" where <hex> is the
// HMAC-SHA256 of "<t>.<body>" keyed by the endpoint's secret — the seed's
// four verification steps. During a rotation's overlap there are two v1
// values, the new secret's first.
type selfCommunityFormat struct{}

const selfCommunitySignatureHeader = "Selfcommunity-Signature"

func (selfCommunityFormat) body(src *bodySource) ([]byte, error) {
	buf := make([]byte, 0, len(src.Data)+len(src.Type)+64)
	buf = append(buf, `{"type":`...)
	buf = appendJSString(buf, src.Type)
	buf = append(buf, `,"created":`...)
	buf = appendTime(buf, src.Created, rfc3339Millis)
	buf = append(buf, `,"data":`...)
	buf = append(buf, src.Data...)
	return append(buf, '}'), nil
}

func (selfCommunityFormat) sign(h http.Header, in signInput) {
	h[selfCommunitySignatureHeader] = []string{SignatureHeaderValue(in.now.Unix(), in.body, in.secrets...)}
}

func (selfCommunityFormat) verify(in verifyInput) error {
	return VerifySignature(in.header.Get(selfCommunitySignatureHeader), in.body, in.secret, in.tolerance, in.now)
}
