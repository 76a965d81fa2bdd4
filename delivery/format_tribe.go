package delivery

import (
	"crypto/hmac"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// tribeFormat is Tribe's subscription envelope:
//
//	{"networkId": tenant, "context": "NETWORK", "entityId": tenant,
//	 "currentSettings": [], "type": "SUBSCRIPTION",
//	 "data": {"time", "verb", "verbAction", …the event data's own fields…,
//	          "id", "name", "noun", "shortDescription"}}
//
// in the order of Tribe's examples. noun and verb are the event type's parts
// before and after its first dot, upper-cased (post.published → POST,
// PUBLISHED; an undotted type splits at its first underscore, as hookd
// groups it); shortDescription is the catalog's description. The seven
// envelope fields win over data fields of the same name.
//
// X-Tribe-Request-Timestamp is the send time in Unix milliseconds and
// X-Tribe-Signature the hex HMAC-SHA256 of "<timestamp>:<raw body>" keyed by
// the secret, as Tribe's published verification steps compute it. One
// signature: during a rotation's overlap the previous secret signs.
type tribeFormat struct{}

const (
	tribeTimestampHeader = "X-Tribe-Request-Timestamp"
	tribeSignatureHeader = "X-Tribe-Signature"
)

var tribeKeys = map[string]bool{
	"time": true, "verb": true, "verbAction": true, "id": true, "name": true, "noun": true, "shortDescription": true,
}

// tribeNounVerb splits an event type into Tribe's noun and verb.
func tribeNounVerb(eventType string) (noun, verb string) {
	noun, verb, found := strings.Cut(eventType, ".")
	if !found {
		noun, verb, _ = strings.Cut(eventType, "_")
	}
	return strings.ToUpper(noun), strings.ToUpper(verb)
}

func (tribeFormat) body(src *bodySource) ([]byte, error) {
	noun, verb := tribeNounVerb(src.Type)
	buf := make([]byte, 0, len(src.Data)+2*len(src.Tenant)+len(src.ID)+len(src.Type)+len(src.Description)+220)
	buf = append(buf, `{"networkId":`...)
	buf = appendJSString(buf, src.Tenant)
	buf = append(buf, `,"context":"NETWORK","entityId":`...)
	buf = appendJSString(buf, src.Tenant)
	buf = append(buf, `,"currentSettings":[],"type":"SUBSCRIPTION","data":{"time":`...)
	buf = appendTime(buf, src.Created, rfc3339Millis)
	buf = append(buf, `,"verb":`...)
	buf = appendJSString(buf, verb)
	buf = append(buf, `,"verbAction":`...)
	buf = appendJSString(buf, verb)
	err := eachMember(src.Data, func(key string, rawKey, value []byte) {
		if tribeKeys[key] {
			return
		}
		buf = append(buf, ',')
		buf = append(buf, rawKey...)
		buf = append(buf, ':')
		buf = append(buf, value...)
	})
	if err != nil {
		return nil, fmt.Errorf("error writing tribe body: %w", err)
	}
	buf = append(buf, `,"id":`...)
	buf = appendJSString(buf, src.ID)
	buf = append(buf, `,"name":`...)
	buf = appendJSString(buf, src.Type)
	buf = append(buf, `,"noun":`...)
	buf = appendJSString(buf, noun)
	buf = append(buf, `,"shortDescription":`...)
	buf = appendJSString(buf, src.Description)
	return append(buf, `}}`...), nil
}

func (tribeFormat) sign(h http.Header, in signInput) {
	ts := strconv.FormatInt(in.now.UnixMilli(), 10)
	h[tribeTimestampHeader] = []string{ts}
	h[tribeSignatureHeader] = []string{hexHMAC(in.single(), []byte(ts), []byte{':'}, in.body)}
}

func (tribeFormat) verify(in verifyInput) error {
	ts, sig := in.header.Get(tribeTimestampHeader), in.header.Get(tribeSignatureHeader)
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return fmt.Errorf("%w: X-Tribe-Request-Timestamp (Unix milliseconds) and X-Tribe-Signature are required", ErrInvalidSignatureHeader)
	}
	if !hmac.Equal([]byte(strings.ToLower(sig)), []byte(hexHMAC(in.secret, []byte(ts), []byte{':'}, in.body))) {
		return ErrSignatureMismatch
	}
	if in.tolerance > 0 {
		d := in.now.Sub(time.UnixMilli(ms))
		if d > in.tolerance || d < -in.tolerance {
			return fmt.Errorf("%w: timestamp %d ms, now %d ms, tolerance %s", ErrSignatureTimestamp, ms, in.now.UnixMilli(), in.tolerance)
		}
	}
	return nil
}
