package domain

import (
	"encoding/base32"
	"encoding/json"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
)

// EventIDMaxLength bounds a caller-supplied event id.
const EventIDMaxLength = 255

// Event is something that happened in the host product, stored with the
// exact body every hookd-format delivery of it sends (bodies in the other
// formats are stored beside it, one per format).
type Event struct {
	ID     string
	Tenant string
	Type   string
	// Data is the event's data object, compacted.
	Data json.RawMessage
	// Body is the hookd-format envelope.
	Body      []byte
	CreatedAt time.Time
	// OrderingKey, when set, orders the event's deliveries after those of
	// earlier events with the same key, per webhook; OrderingSeq is its
	// place among them, assigned when it is accepted.
	OrderingKey *string
	OrderingSeq *int64
}

// EventKey identifies an event: ids are unique within a tenant, and two
// tenants may each have an event with the same caller-chosen id.
type EventKey struct {
	Tenant string
	ID     string
}

// Key returns e's key.
func (e *Event) Key() EventKey { return EventKey{Tenant: e.Tenant, ID: e.ID} }

// Delivery statuses.
const (
	DeliveryPending   = "pending"
	DeliverySucceeded = "succeeded"
	DeliveryFailed    = "failed"
	DeliveryCancelled = "cancelled"
)

// Delivery is one event sent to one webhook: a cycle of attempts that ends
// succeeded, failed or cancelled. A redelivery starts a new cycle on the same
// row.
type Delivery struct {
	ID             int64
	EventID        string
	WebhookID      int64
	Tenant         string
	EventType      string
	Status         string
	Cycle          int
	Attempts       int
	NextAttemptAt  *time.Time
	LastStatusCode *int
	LastError      *string
	LastAttemptAt  *time.Time
	CompletedAt    *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
	// OrderingKey and OrderingSeq are the event's (nil when unordered).
	// Held is true while an earlier delivery of the same webhook and key
	// has not finished: the delivery waits without a job.
	OrderingKey *string
	OrderingSeq *int64
	Held        bool
}

// Attempt is one HTTP request of a delivery, as sent and as answered.
type Attempt struct {
	ID         int64
	DeliveryID int64
	WebhookID  int64
	Cycle      int
	Number     int
	// Method and URL are where the request went, which a later edit of the
	// webhook does not change. URL is empty for attempts recorded before
	// hookd kept it.
	Method string
	URL    string
	// Format is the format the request was sent in, which says which of
	// the event's bodies it carried.
	Format          string
	StartedAt       time.Time
	DurationMS      int
	RequestHeaders  map[string]string
	StatusCode      *int
	ResponseHeaders map[string]string
	ResponseBody    *string
	Error           *string
	// ErrorKind classifies Error (AttemptErrorTimeout, …); nil on success
	// and on attempts recorded before kinds existed.
	ErrorKind *string
	Success   bool
}

var eventIDEncoding = base32.HexEncoding.WithPadding(base32.NoPadding)

// NewEventID returns a new event id: "evt_" and a UUIDv7 in lower-case
// base32hex, so ids sort by creation time (and index well).
func NewEventID() string {
	id := uuid.Must(uuid.NewV7())
	return "evt_" + strings.ToLower(eventIDEncoding.EncodeToString(id[:]))
}

var eventIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,254}$`)

// ValidateEventID checks a caller-supplied event id: 1–255 letters, digits
// and . _ : -, starting with a letter or digit.
func ValidateEventID(id string) error {
	if !eventIDPattern.MatchString(id) {
		return InvalidParam("id", "id must be 1-255 letters, digits, '.', '_', ':' or '-', starting with a letter or digit.")
	}
	return nil
}
