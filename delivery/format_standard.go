package delivery

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/hookd/hookd/domain"
)

// standardFormat is Standard Webhooks v1
// (https://www.standardwebhooks.com), what the standardwebhooks and svix
// libraries verify with new Webhook(secret).verify(body, headers):
//
//	webhook-id: <event id, the same on every attempt and redelivery>
//	webhook-timestamp: <the attempt's send time, Unix seconds>
//	webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">
//
// keyed by the secret's bytes (the base64 after "whsec_", decoded). During a
// rotation's overlap the header holds two signatures, space-separated, the
// new secret's first. The body is {"type","timestamp","data"}.
type standardFormat struct{}

const (
	standardIDHeader        = "Webhook-Id"
	standardTimestampHeader = "Webhook-Timestamp"
	standardSignatureHeader = "Webhook-Signature"
)

func (standardFormat) body(src *bodySource) ([]byte, error) {
	buf := make([]byte, 0, len(src.Data)+len(src.Type)+64)
	buf = append(buf, `{"type":`...)
	buf = appendJSString(buf, src.Type)
	buf = append(buf, `,"timestamp":`...)
	buf = appendTime(buf, src.Created, rfc3339Millis)
	buf = append(buf, `,"data":`...)
	buf = append(buf, src.Data...)
	return append(buf, '}'), nil
}

func (standardFormat) sign(h http.Header, in signInput) {
	ts := strconv.FormatInt(in.now.Unix(), 10)
	sigs := make([]string, 0, len(in.secrets))
	for _, secret := range in.secrets {
		// A secret that is not standard base64 cannot sign this format;
		// validation keeps it from being the current one, but the previous
		// one of a webhook that switched format may be such.
		if key, ok := domain.StandardSecretKey(secret); ok {
			sigs = append(sigs, "v1,"+standardSignature(key, in.eventID, ts, in.body))
		}
	}
	h[standardIDHeader] = []string{in.eventID}
	h[standardTimestampHeader] = []string{ts}
	h[standardSignatureHeader] = []string{strings.Join(sigs, " ")}
}

func standardSignature(key []byte, id, ts string, body []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id))
	mac.Write([]byte{'.'})
	mac.Write([]byte(ts))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func (standardFormat) verify(in verifyInput) error {
	id, ts, sigs := in.header.Get(standardIDHeader), in.header.Get(standardTimestampHeader), in.header.Get(standardSignatureHeader)
	if id == "" || ts == "" || sigs == "" {
		return fmt.Errorf("%w: webhook-id, webhook-timestamp and webhook-signature are required", ErrInvalidSignatureHeader)
	}
	t, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: webhook-timestamp is not an integer", ErrInvalidSignatureHeader)
	}
	key, ok := domain.StandardSecretKey(in.secret)
	if !ok {
		return fmt.Errorf("%w: the secret is not whsec_ and base64 of 24-64 bytes", ErrSignatureMismatch)
	}
	want := []byte(standardSignature(key, id, ts, in.body))
	matched := false
	for sig := range strings.FieldsSeq(sigs) {
		version, value, _ := strings.Cut(sig, ",")
		if version == "v1" && hmac.Equal([]byte(value), want) {
			matched = true
		}
	}
	if !matched {
		return ErrSignatureMismatch
	}
	return checkTolerance(t, in)
}

// checkTolerance refuses a signature made further than the tolerance from
// now (Unix seconds t); a tolerance of zero skips the check.
func checkTolerance(t int64, in verifyInput) error {
	if in.tolerance > 0 && !withinTolerance(t, in.now, in.tolerance) {
		return fmt.Errorf("%w: t=%d, now=%d, tolerance %s", ErrSignatureTimestamp, t, in.now.Unix(), in.tolerance)
	}
	return nil
}
