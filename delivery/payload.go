package delivery

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/hookd/hookd/domain"
)

// PayloadVersion is the envelope's version field.
const PayloadVersion = "1"

// createdLayout is RFC 3339 in UTC with milliseconds.
const createdLayout = "2006-01-02T15:04:05.000Z"

// BuildBody returns the JSON envelope sent for an event, built once and
// stored so every attempt sends the same bytes:
//
//	{"id":…,"type":…,"created":…,"version":"1","data":{…}}
//
// data must already be a valid JSON object; it is compacted.
func BuildBody(id, eventType string, created time.Time, data json.RawMessage) ([]byte, error) {
	compact, err := compactData(data)
	if err != nil {
		return nil, err
	}
	return buildEnvelope(id, eventType, created, compact), nil
}

// compactData returns data without insignificant whitespace.
func compactData(data json.RawMessage) ([]byte, error) {
	var compact bytes.Buffer
	compact.Grow(len(data))
	if err := json.Compact(&compact, data); err != nil {
		return nil, err
	}
	return compact.Bytes(), nil
}

// buildEnvelope writes hookd's envelope around compacted data.
func buildEnvelope(id, eventType string, created time.Time, compact []byte) []byte {
	buf := make([]byte, 0, len(compact)+len(id)+len(eventType)+96)
	// id and type are validated to plain ASCII, so Go quoting is JSON quoting.
	buf = append(buf, `{"id":`...)
	buf = strconv.AppendQuote(buf, id)
	buf = append(buf, `,"type":`...)
	buf = strconv.AppendQuote(buf, eventType)
	buf = append(buf, `,"created":"`...)
	buf = created.UTC().AppendFormat(buf, createdLayout)
	buf = append(buf, `","version":"`+PayloadVersion+`","data":`...)
	buf = append(buf, compact...)
	return append(buf, '}')
}

// validateData checks that an event's data is one JSON object, in UTF-8:
// every format's receivers decode it so, and one that re-serialises the
// body (Fluent's) could not match bytes that are not.
func validateData(field string, data json.RawMessage) error {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' || !json.Valid(trimmed) {
		return domain.InvalidParam(field, "%s must be a JSON object.", field)
	}
	// encoding/json accepts invalid UTF-8 inside strings; JSON must be UTF-8
	// (RFC 8259), and receivers would choke on what we stored.
	if !utf8.Valid(trimmed) {
		return domain.InvalidParam(field, "%s must be valid UTF-8 JSON.", field)
	}
	return nil
}
