package domain

// Operational events: hookd's reports on the webhooks themselves, emitted
// in the transaction of the change they report and delivered like any
// event to the webhooks subscribed to them — never to the webhook they are
// about.
const (
	// EventWebhookFailing warns that a webhook's consecutive failed
	// deliveries reached half of the disable threshold, once per streak.
	EventWebhookFailing = "webhook.failing"
	// EventWebhookDisabled reports that hookd disabled a webhook.
	EventWebhookDisabled = "webhook.disabled"
	// EventWebhookRecovered reports a webhook's first successful delivery
	// after failed ones.
	EventWebhookRecovered = "webhook.recovered"
	// EventDeliveryExhausted reports a delivery that failed on every attempt.
	EventDeliveryExhausted = "delivery.exhausted"
)

// IsOperationalEvent reports whether eventType is one of hookd's own
// reports. A delivery of one that fails for good reports nothing more:
// broken listeners of each other's failures would otherwise multiply them.
func IsOperationalEvent(eventType string) bool {
	switch eventType {
	case EventWebhookFailing, EventWebhookDisabled, EventWebhookRecovered, EventDeliveryExhausted:
		return true
	}
	return false
}

// Reasons a webhook.disabled event gives.
const (
	// DisabledConsecutiveFailures: its consecutive failed deliveries reached
	// HOOKD_DISABLE_AFTER.
	DisabledConsecutiveFailures = "consecutive_failures"
	// DisabledGone: its endpoint answered 410 Gone.
	DisabledGone = "gone"
)

// WebhookFailing is webhook.failing's data.
type WebhookFailing struct {
	WebhookID           int64  `json:"webhook_id"`
	Tenant              string `json:"tenant"`
	Name                string `json:"name"`
	URL                 string `json:"url"`
	ConsecutiveFailures int    `json:"consecutive_failures"`
	DisableAfter        int    `json:"disable_after"`
	LastError           string `json:"last_error"`
}

// WebhookDisabled is webhook.disabled's data.
type WebhookDisabled struct {
	WebhookID           int64  `json:"webhook_id"`
	Tenant              string `json:"tenant"`
	Name                string `json:"name"`
	URL                 string `json:"url"`
	Reason              string `json:"reason"`
	ConsecutiveFailures int    `json:"consecutive_failures"`
}

// WebhookRecovered is webhook.recovered's data.
type WebhookRecovered struct {
	WebhookID        int64  `json:"webhook_id"`
	Tenant           string `json:"tenant"`
	Name             string `json:"name"`
	URL              string `json:"url"`
	FailedDeliveries int    `json:"failed_deliveries"`
}

// DeliveryExhausted is delivery.exhausted's data.
type DeliveryExhausted struct {
	WebhookID  int64  `json:"webhook_id"`
	Tenant     string `json:"tenant"`
	DeliveryID int64  `json:"delivery_id"`
	EventID    string `json:"event_id"`
	EventType  string `json:"event_type"`
	Attempts   int    `json:"attempts"`
	LastError  string `json:"last_error"`
}

// FailingThreshold is the count of consecutive failed deliveries at which
// webhook.failing warns, half of disableAfter rounded up; 0 when there is
// no warning to give (disabling is off, or comes at the same count).
func FailingThreshold(disableAfter int) int {
	t := (disableAfter + 1) / 2
	if disableAfter <= 0 || t >= disableAfter {
		return 0
	}
	return t
}
