package server

import (
	"time"

	"github.com/hookd/hookd/domain"
)

// timeLayout is RFC 3339 in UTC with whole seconds, as every timestamp the
// API returns.
const timeLayout = "2006-01-02T15:04:05Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func formatTimePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := formatTime(*t)
	return &s
}

// webhookJSON is the webhook object of the Fluent-style API.
type webhookJSON struct {
	ID                  int64             `json:"id"`
	Tenant              string            `json:"tenant"`
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
	CreatedAt           string            `json:"created_at"`
	UpdatedAt           string            `json:"updated_at"`
}

func renderWebhook(w *domain.Webhook) webhookJSON {
	return webhookJSON{
		ID: w.ID, Tenant: w.Tenant, Name: w.Name, URL: w.URL, Events: w.Events, Status: w.Status,
		Headers: w.Headers, RetryCount: w.RetryCount, SecretHint: w.SecretHint,
		LastTriggeredAt: formatTimePtr(w.LastTriggeredAt), LastError: w.LastError,
		LastFailureAt: formatTimePtr(w.LastFailureAt), ConsecutiveFailures: w.ConsecutiveFailures,
		DisabledReason: w.DisabledReason, DisabledAt: formatTimePtr(w.DisabledAt),
		CreatedAt: formatTime(w.CreatedAt), UpdatedAt: formatTime(w.UpdatedAt),
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
		ID: w.ID, Tenant: w.Tenant, URL: w.URL, Events: events, Status: w.Status,
		AuthorizationHeaderHint: w.AuthorizationHint,
		CreatedAt:               formatTime(w.CreatedAt), UpdatedAt: formatTime(w.UpdatedAt),
	}
}

type eventTypeJSON struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Group       string `json:"group"`
	Source      string `json:"source"`
}

func renderEventType(t domain.EventType) eventTypeJSON {
	return eventTypeJSON{Name: t.Name, Description: t.Description, Group: t.Group, Source: t.Source}
}

type messageJSON struct {
	Message string `json:"message"`
}
