package delivery

import (
	"net/http"
	"time"

	"github.com/hookd/hookd/domain"
)

// A format decides what a webhook's requests look like: the body built
// from an event and the headers that sign each attempt, so that receivers
// written for one platform (or for the Standard Webhooks libraries) verify
// hookd's requests unchanged. Each lives in its own file; formats maps
// domain's names to them.
//
// Bodies are built once per (event, format), never per webhook: when an
// event fans out, the dispatcher builds one body for each format its
// webhooks use and stores it beside the event (hookd's own envelope is the
// event's body; the others go to event_bodies). Every attempt, retry,
// redelivery and recovery reads that stored body, so the bytes sent are the
// bytes stored, and a thousand webhooks in six formats cost six bodies. A
// webhook that switched format after its event fanned out gets its body
// built and stored at its first attempt (see bodies.ensure).
type format interface {
	// body builds the request body for an event.
	body(src *bodySource) ([]byte, error)
	// sign sets one attempt's signature headers on h.
	sign(h http.Header, in signInput)
	// verify checks a request as this format's receivers do.
	verify(in verifyInput) error
}

// bodySource is what a body is built from.
type bodySource struct {
	ID      string
	Tenant  string
	Type    string
	Created time.Time
	// Data is the event's data: one JSON object, compacted.
	Data []byte
	// Description is the event type's catalog description.
	Description string
}

// signInput is what one attempt is signed with.
type signInput struct {
	eventID string
	body    []byte
	// secrets are the webhook's current secret and, during a rotation's
	// overlap, the previous one after it.
	secrets []string
	now     time.Time
	// hookdHeader is the operator's name for hookd's signature header.
	hookdHeader string
}

// single is the one secret of a format that sends one signature: the
// previous secret while a rotation's overlap lasts (the receiver still has
// it), the new one once it ends.
func (in signInput) single() string { return in.secrets[len(in.secrets)-1] }

// verifyInput is a received request and what a receiver checks it with.
type verifyInput struct {
	header      http.Header
	body        []byte
	secret      string
	tolerance   time.Duration
	now         time.Time
	hookdHeader string
}

var formats = map[string]format{
	domain.FormatHookd:         hookdFormat{},
	domain.FormatStandard:      standardFormat{},
	domain.FormatSelfCommunity: selfCommunityFormat{},
	domain.FormatFluent:        fluentFormat{},
	domain.FormatFirstup:       firstupFormat{},
	domain.FormatTribe:         tribeFormat{},
}

// formatName returns name if it is a format, and hookd's otherwise: the
// database only holds known names, and anything else ("" from a webhook
// built in Go) is sent as hookd's.
func formatName(name string) string {
	if _, ok := formats[name]; ok {
		return name
	}
	return domain.FormatHookd
}

// formatOf returns a format by name (see formatName).
func formatOf(name string) format { return formats[formatName(name)] }

// credentialHeaders are redacted in stored attempts: every format's
// signature header, Authorization, Cookie and Proxy-Authorization whoever
// set them (and hookd's signature header, whatever the operator named it,
// and every custom header; see recordedRequestHeaders).
var credentialHeaders = []string{
	"Authorization", "Cookie", "Proxy-Authorization",
	standardSignatureHeader, selfCommunitySignatureHeader, fluentSignatureHeader, tribeSignatureHeader,
}

// signatureHeaders are the headers of credentialHeaders that carry a
// signature rather than a credential the webhook was given.
var signatureHeaders = credentialHeaders[3:]

// Layouts of the timestamps bodies carry.
const (
	// rfc3339Millis is RFC 3339 in UTC with milliseconds.
	rfc3339Millis = "2006-01-02T15:04:05.000Z"
	// rfc3339Seconds is RFC 3339 in UTC, whole seconds.
	rfc3339Seconds = "2006-01-02T15:04:05Z"
)

func appendTime(dst []byte, t time.Time, layout string) []byte {
	dst = append(dst, '"')
	dst = t.UTC().AppendFormat(dst, layout)
	return append(dst, '"')
}
