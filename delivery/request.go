package delivery

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hookd/hookd/domain"
)

// outgoing is one attempt's request, ready to send and to record.
type outgoing struct {
	method, url string
	header      http.Header
	// recorded is header as stored with the attempt: the values of the
	// signature, Authorization, Cookie and every custom header redacted.
	recorded map[string]string
	// redact removes the request's credentials from the response stored.
	redact *redactor
	sentAt time.Time
	// format is the format the request is in.
	format string
}

// attemptInfo names what an attempt carries in its Hookd-* headers.
type attemptInfo struct {
	EventID    string
	EventType  string
	DeliveryID int64
	Number     int
	// OrderingKey and OrderingSeq, set for ordered deliveries, go out as
	// Hookd-Ordering-Key and Hookd-Sequence.
	OrderingKey *string
	OrderingSeq *int64
}

// buildRequest assembles the headers of one attempt and signs body, in the
// webhook's format, with the webhook's secrets at now: the current secret,
// and the previous one until it expires.
func (c Config) buildRequest(w *domain.Webhook, info attemptInfo, body []byte, now time.Time) outgoing {
	h := make(http.Header, len(w.Headers)+10)
	for k, v := range w.Headers {
		h.Set(k, v)
	}
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", "hookd/"+c.Version)
	h.Set("Hookd-Event-Id", info.EventID)
	h.Set("Hookd-Event-Type", info.EventType)
	h.Set("Hookd-Delivery-Id", strconv.FormatInt(info.DeliveryID, 10))
	h.Set("Hookd-Attempt", strconv.Itoa(info.Number))
	if info.OrderingKey != nil && info.OrderingSeq != nil {
		h.Set("Hookd-Ordering-Key", *info.OrderingKey)
		h.Set("Hookd-Sequence", strconv.FormatInt(*info.OrderingSeq, 10))
	}
	if w.AuthorizationHeader != "" {
		h.Set("Authorization", w.AuthorizationHeader)
	}
	secrets := []string{w.Secret}
	if w.PreviousSecret != "" && w.PreviousSecretExpiresAt != nil && now.Before(*w.PreviousSecretExpiresAt) {
		secrets = append(secrets, w.PreviousSecret)
	}
	name := formatName(w.Format)
	formats[name].sign(h, signInput{eventID: info.EventID, body: body, secrets: secrets, now: now, hookdHeader: c.SignatureHeader})
	return outgoing{method: http.MethodPost, url: w.URL, header: h, recorded: recordedRequestHeaders(h, w.Headers, c.SignatureHeader),
		redact: newRedactor(w, h, c.SignatureHeader), sentAt: now, format: name}
}

// Limits on what is kept of a response.
const (
	maxRecordedHeaders     = 64
	maxRecordedHeaderValue = 1024
)

// recordResponseHeaders flattens response headers for storage, bounded so a
// hostile endpoint cannot bloat the attempt log.
func recordResponseHeaders(h http.Header) map[string]string {
	if h == nil {
		return nil
	}
	out := make(map[string]string, min(len(h), maxRecordedHeaders))
	for k, v := range h {
		if len(out) == maxRecordedHeaders {
			break
		}
		out[k] = truncateUTF8(strings.Join(v, ", "), maxRecordedHeaderValue)
	}
	return out
}

// textExcerpt makes a response body storable as text: valid UTF-8 and no
// NUL bytes, which Postgres text refuses.
func textExcerpt(b []byte) *string {
	if len(b) == 0 {
		return nil
	}
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	return &s
}

func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
