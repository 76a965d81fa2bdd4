package delivery

import (
	"fmt"
	"net/http"
)

// firstupFormat is Firstup's flat payload: the event's data fields at the
// top level, with hookd's "id" (the event id), "timestamp" (RFC 3339,
// seconds, UTC), "name" (the event type) and "version": "1" around them, as
// the seed's examples show them. Those four win over data fields of the same
// name. The subscription's authorization_header goes out as Authorization
// (as on every format) and the request carries hookd's signature header
// too, which a Firstup receiver simply ignores.
type firstupFormat struct{}

// firstupKeys are the fields firstup's envelope sets itself.
var firstupKeys = map[string]bool{"id": true, "timestamp": true, "name": true, "version": true}

func (firstupFormat) body(src *bodySource) ([]byte, error) {
	buf := make([]byte, 0, len(src.Data)+len(src.ID)+len(src.Type)+80)
	buf = append(buf, `{"id":`...)
	buf = appendJSString(buf, src.ID)
	buf = append(buf, `,"timestamp":`...)
	buf = appendTime(buf, src.Created, rfc3339Seconds)
	err := eachMember(src.Data, func(key string, rawKey, value []byte) {
		if firstupKeys[key] {
			return
		}
		buf = append(buf, ',')
		buf = append(buf, rawKey...)
		buf = append(buf, ':')
		buf = append(buf, value...)
	})
	if err != nil {
		return nil, fmt.Errorf("error writing firstup body: %w", err)
	}
	buf = append(buf, `,"name":`...)
	buf = appendJSString(buf, src.Type)
	buf = append(buf, `,"version":"`+PayloadVersion+`"}`...)
	return buf, nil
}

func (firstupFormat) sign(h http.Header, in signInput) { hookdFormat{}.sign(h, in) }

// verify checks hookd's signature header: Firstup itself signs nothing.
func (firstupFormat) verify(in verifyInput) error { return hookdFormat{}.verify(in) }
