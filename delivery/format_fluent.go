package delivery

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
)

// fluentFormat is Fluent Community's: {"event","timestamp","data"} with
// X-Fluent-Signature: sha256=<hex HMAC-SHA256 of the body keyed by the
// secret>.
//
// The seed's receiver (its Best Practices §2) signs
// JSON.stringify(req.body), the body as Express parsed and re-serialised
// it, not the raw bytes. So the body is written exactly as JavaScript
// would re-serialise it (appendJSCanonical): then the re-serialised body
// and the raw one are the same bytes and both verify. Fluent receivers
// take one signature, so during a rotation's overlap the previous secret
// signs until the overlap ends.
type fluentFormat struct{}

const fluentSignatureHeader = "X-Fluent-Signature"

func (fluentFormat) body(src *bodySource) ([]byte, error) {
	buf := make([]byte, 0, len(src.Data)+len(src.Type)+64)
	buf = append(buf, `{"event":`...)
	buf = appendJSString(buf, src.Type)
	buf = append(buf, `,"timestamp":`...)
	buf = appendTime(buf, src.Created, rfc3339Seconds)
	buf = append(buf, `,"data":`...)
	buf, err := appendJSCanonical(buf, src.Data)
	if err != nil {
		return nil, fmt.Errorf("error writing fluent body: %w", err)
	}
	return append(buf, '}'), nil
}

func (fluentFormat) sign(h http.Header, in signInput) {
	h[fluentSignatureHeader] = []string{"sha256=" + hexHMAC(in.single(), in.body)}
}

func hexHMAC(secret string, parts ...[]byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	for _, p := range parts {
		mac.Write(p)
	}
	return hex.EncodeToString(mac.Sum(nil))
}

// verify checks the raw body; the format carries no timestamp, so the
// tolerance does not apply.
func (fluentFormat) verify(in verifyInput) error {
	got, ok := strings.CutPrefix(in.header.Get(fluentSignatureHeader), "sha256=")
	if !ok {
		return fmt.Errorf("%w: X-Fluent-Signature must be sha256=<hex>", ErrInvalidSignatureHeader)
	}
	if !hmac.Equal([]byte(got), []byte(hexHMAC(in.secret, in.body))) {
		return ErrSignatureMismatch
	}
	return nil
}
