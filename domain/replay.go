package domain

import "time"

// Replay statuses: running while it queues, then done, or cancelled by hand
// or because its webhook stopped being active.
const (
	ReplayRunning   = "running"
	ReplayDone      = "done"
	ReplayCancelled = "cancelled"
)

// Replay sends a webhook the events of a window it has no delivery of that
// succeeded or is pending: events emitted while it was inactive or before it
// subscribed, and those whose deliveries failed or were cancelled. Queueing
// runs in the background, oldest event first.
type Replay struct {
	ID        int64
	WebhookID int64
	Tenant    string
	Since     time.Time
	Until     time.Time
	// EventTypes are the catalog names the replay looks at: those the
	// webhook's patterns (and the caller's event_types, if given) select.
	EventTypes []string
	Status     string
	// Events is how many events were missing when the replay was created;
	// Queued how many of them have been queued so far.
	Events     int
	Queued     int
	CreatedAt  time.Time
	FinishedAt *time.Time
}

// ErrReplayNotFound is returned for an unknown replay, or one of a tenant the
// caller cannot see.
var ErrReplayNotFound = &Error{Code: CodeNotFound, Message: "Replay not found."}
