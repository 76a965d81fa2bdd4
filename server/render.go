package server

import (
	"context"
	"encoding/json"
	"time"

	"github.com/hookd/hookd/domain"
)

// timeLayout is RFC 3339 in UTC with milliseconds, as every timestamp the
// API returns: attempt gaps of a few seconds must be readable from it.
const timeLayout = "2006-01-02T15:04:05.000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func formatTimePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := formatTime(*t)
	return &s
}

// webhookJSON is the webhook object of the Fluent-style API. Headers holds
// each custom header's masked hint: values are credentials, shown only
// where the secret is (create, reveal).
type webhookJSON struct {
	ID                  int64             `json:"id"`
	Tenant              string            `json:"tenant"`
	Format              string            `json:"format"`
	Name                string            `json:"name"`
	URL                 string            `json:"url"`
	Events              []string          `json:"events"`
	Status              string            `json:"status"`
	Headers             map[string]string `json:"headers"`
	RetryCount          int               `json:"retry_count"`
	SecretHint          string            `json:"secret_hint"`
	LastTriggeredAt     *string           `json:"last_triggered_at"`
	LastError           *string           `json:"last_error"`
	LastFailureAt       *string           `json:"last_failure_at"`
	ConsecutiveFailures int               `json:"consecutive_failures"`
	DisabledReason      *string           `json:"disabled_reason"`
	DisabledAt          *string           `json:"disabled_at"`
	DisabledCancelled   int               `json:"disabled_cancelled"`
	// FailedDeliveries are the deliveries failed since the last success,
	// kept when the webhook is enabled again; FailingSince is when the
	// first of them was created.
	FailedDeliveries int     `json:"failed_deliveries"`
	FailingSince     *string `json:"failing_since"`
	// PreviousSecretExpiresAt is when the secret replaced by the last
	// rotation stops signing; null once it has.
	PreviousSecretExpiresAt *string `json:"previous_secret_expires_at"`
	CreatedAt               string  `json:"created_at"`
	UpdatedAt               string  `json:"updated_at"`
	// Filter is the payload filter as saved; null for none.
	Filter json.RawMessage `json:"filter"`
	// Concurrency is shown where a webhook is read (GET, list): the
	// attempts it may have in flight across processes now, which follows
	// how it answers; zero when no live process has sent to it lately.
	Concurrency *concurrencyJSON `json:"concurrency,omitempty"`

	// RetrySchedule is the webhook's own schedule in seconds; null: the
	// default, which follows HOOKD_RETRY_BASE.
	RetrySchedule []int `json:"retry_schedule"`
	// RateLimit is deliveries per second across every process; null:
	// unlimited.
	RateLimit *int `json:"rate_limit"`
}

type concurrencyJSON struct {
	Limit     int `json:"limit"`
	InFlight  int `json:"in_flight"`
	Waiting   int `json:"waiting"`
	Processes int `json:"processes"`
}

// withConcurrency fills in the concurrency of each rendered webhook.
func (s *Server) withConcurrency(ctx context.Context, list []webhookJSON) error {
	ids := make([]int64, len(list))
	for i, w := range list {
		ids[i] = w.ID
	}
	loads, err := s.store.Concurrency(ctx, s.pool, ids, liveProcess)
	if err != nil {
		return err
	}
	for i := range list {
		list[i].Concurrency = &concurrencyJSON{} // no process holds a limit: nothing in flight
		if c, ok := loads[list[i].ID]; ok {
			list[i].Concurrency = &concurrencyJSON{Limit: c.Limit, InFlight: c.InFlight, Waiting: c.Waiting, Processes: c.Processes}
		}
	}
	return nil
}

// liveProcess is how recently a worker process must have beaten for what it
// published to count.
const liveProcess = 10 * time.Second

// stillSigning is t if it has not passed.
func stillSigning(t *time.Time) *time.Time {
	if t == nil || !t.After(time.Now()) {
		return nil
	}
	return t
}

func renderWebhook(w *domain.Webhook) webhookJSON {
	return webhookJSON{
		ID: w.ID, Tenant: w.Tenant, Format: w.Format, Name: w.Name, URL: w.URL, Events: w.Events, Status: w.Status,
		Headers: w.HeaderHints, RetryCount: w.RetryCount, SecretHint: w.SecretHint,
		LastTriggeredAt: formatTimePtr(w.LastTriggeredAt), LastError: w.LastError,
		LastFailureAt: formatTimePtr(w.LastFailureAt), ConsecutiveFailures: w.ConsecutiveFailures,
		DisabledReason: w.DisabledReason, DisabledAt: formatTimePtr(w.DisabledAt), DisabledCancelled: w.DisabledCancelled,
		FailedDeliveries: w.FailedDeliveries, FailingSince: formatTimePtr(w.FailingSince),
		PreviousSecretExpiresAt: formatTimePtr(stillSigning(w.PreviousSecretExpiresAt)),
		CreatedAt:               formatTime(w.CreatedAt), UpdatedAt: formatTime(w.UpdatedAt), Filter: w.Filter,
		RetrySchedule: w.RetrySchedule, RateLimit: w.RateLimit,
	}
}

type eventNameJSON struct {
	Name string `json:"name"`
}

// subscriptionJSON is the same webhook seen through the Firstup shape. The
// Authorization value is a credential: only its hint is shown.
type subscriptionJSON struct {
	ID                      int64           `json:"id"`
	Tenant                  string          `json:"tenant"`
	Format                  string          `json:"format"`
	URL                     string          `json:"url"`
	Events                  []eventNameJSON `json:"events"`
	Status                  string          `json:"status"`
	AuthorizationHeaderHint *string         `json:"authorization_header_hint"`
	CreatedAt               string          `json:"created_at"`
	UpdatedAt               string          `json:"updated_at"`
}

func renderSubscription(w *domain.Webhook) subscriptionJSON {
	events := make([]eventNameJSON, len(w.Events))
	for i, e := range w.Events {
		events[i] = eventNameJSON{Name: e}
	}
	return subscriptionJSON{
		ID: w.ID, Tenant: w.Tenant, Format: w.Format, URL: w.URL, Events: events, Status: w.Status,
		AuthorizationHeaderHint: w.AuthorizationHint,
		CreatedAt:               formatTime(w.CreatedAt), UpdatedAt: formatTime(w.UpdatedAt),
	}
}

type eventTypeJSON struct {
	Name        string  `json:"name"`
	Description string  `json:"description"`
	Group       string  `json:"group"`
	Source      string  `json:"source"`
	Tenant      *string `json:"tenant"`
}

func renderEventType(t domain.EventType) eventTypeJSON {
	return eventTypeJSON{Name: t.Name, Description: t.Description, Group: t.Group, Source: t.Source, Tenant: t.Tenant}
}

type messageJSON struct {
	Message string `json:"message"`
}

// deliveryJSON is a delivery's state.
type deliveryJSON struct {
	ID             int64   `json:"id"`
	EventID        string  `json:"event_id"`
	EventType      string  `json:"event_type"`
	WebhookID      int64   `json:"webhook_id"`
	Tenant         string  `json:"tenant"`
	Status         string  `json:"status"`
	Cycle          int     `json:"cycle"`
	AttemptCount   int     `json:"attempt_count"`
	NextAttemptAt  *string `json:"next_attempt_at"`
	LastStatusCode *int    `json:"last_status_code"`
	LastError      *string `json:"last_error"`
	LastAttemptAt  *string `json:"last_attempt_at"`
	CompletedAt    *string `json:"completed_at"`
	CreatedAt      string  `json:"created_at"`
	UpdatedAt      string  `json:"updated_at"`
	OrderingKey    *string `json:"ordering_key"`
	OrderingSeq    *int64  `json:"ordering_seq"`
	// Held is true while an earlier delivery of the same webhook and
	// ordering key has not finished.
	Held bool `json:"held"`
}

func renderDelivery(d *domain.Delivery) deliveryJSON {
	out := deliveryJSON{
		ID: d.ID, EventID: d.EventID, EventType: d.EventType, WebhookID: d.WebhookID, Tenant: d.Tenant,
		Status: d.Status, Cycle: d.Cycle, AttemptCount: d.Attempts, LastStatusCode: d.LastStatusCode,
		LastError: d.LastError, LastAttemptAt: formatTimePtr(d.LastAttemptAt), CompletedAt: formatTimePtr(d.CompletedAt),
		CreatedAt: formatTime(d.CreatedAt), UpdatedAt: formatTime(d.UpdatedAt),
		OrderingKey: d.OrderingKey, OrderingSeq: d.OrderingSeq, Held: d.Held,
	}
	if d.Status == domain.DeliveryPending {
		out.NextAttemptAt = formatTimePtr(d.NextAttemptAt)
	}
	return out
}

// attemptJSON is one recorded attempt.
type attemptJSON struct {
	ID              int64             `json:"id"`
	Cycle           int               `json:"cycle"`
	Number          int               `json:"number"`
	Method          string            `json:"method"`
	URL             *string           `json:"url"`
	Format          string            `json:"format"`
	StartedAt       string            `json:"started_at"`
	DurationMS      int               `json:"duration_ms"`
	RequestHeaders  map[string]string `json:"request_headers"`
	StatusCode      *int              `json:"status_code"`
	ResponseHeaders map[string]string `json:"response_headers"`
	ResponseBody    *string           `json:"response_body"`
	Error           *string           `json:"error"`
	ErrorKind       *string           `json:"error_kind"`
	Success         bool              `json:"success"`
}

func renderAttempt(a *domain.Attempt) attemptJSON {
	var url *string
	if a.URL != "" {
		url = &a.URL
	}
	return attemptJSON{
		ID: a.ID, Cycle: a.Cycle, Number: a.Number, Method: a.Method, URL: url, Format: a.Format,
		StartedAt: formatTime(a.StartedAt), DurationMS: a.DurationMS,
		RequestHeaders: a.RequestHeaders, StatusCode: a.StatusCode, ResponseHeaders: a.ResponseHeaders,
		ResponseBody: a.ResponseBody, Error: a.Error, ErrorKind: a.ErrorKind, Success: a.Success,
	}
}
