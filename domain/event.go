package domain

import (
	"encoding/json"
	"time"
)

// EventIDMaxLength bounds a caller-supplied event id.
const EventIDMaxLength = 255

// Event is something that happened in the host product, stored with the
// exact body every delivery of it sends.
type Event struct {
	ID        string
	Tenant    string
	Type      string
	Data      json.RawMessage
	Body      []byte
	CreatedAt time.Time
}

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
}

// Attempt is one HTTP request of a delivery, as sent and as answered.
type Attempt struct {
	ID              int64
	DeliveryID      int64
	WebhookID       int64
	Cycle           int
	Number          int
	StartedAt       time.Time
	DurationMS      int
	RequestHeaders  map[string]string
	StatusCode      *int
	ResponseHeaders map[string]string
	ResponseBody    *string
	Error           *string
	Success         bool
}
