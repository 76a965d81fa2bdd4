package domain

import (
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"
)

// Webhook statuses.
const (
	WebhookActive   = "active"
	WebhookInactive = "inactive"
)

// Webhook kinds record which API shape created a webhook. Both are the same
// stored object; the kind only decides the default name and which view
// created it.
const (
	KindWebhook      = "webhook"
	KindSubscription = "subscription"
)

// Retry bounds. DefaultRetryCount is the number of retries after the first
// attempt, so a delivery makes at most RetryCount+1 attempts.
const (
	DefaultRetryCount = 5
	MaxRetryCount     = 8
)

// Webhook is an endpoint subscribed to a set of event patterns. Secret,
// AuthorizationHeader and the values of Headers are plaintext in memory
// only; the store keeps them encrypted and fills them in only where a
// caller asks for them. HeaderHints is what may be shown instead.
type Webhook struct {
	ID     int64
	Tenant string
	Kind   string
	// Format is what its requests look like (FormatHookd, FormatStandard,
	// …); see Formats.
	Format              string
	Name                string
	URL                 string
	Events              []string
	Status              string
	Headers             map[string]string
	HeaderHints         map[string]string
	RetryCount          int
	SecretHint          string
	AuthorizationHint   *string
	LastTriggeredAt     *time.Time
	LastError           *string
	LastFailureAt       *time.Time
	ConsecutiveFailures int
	DisabledReason      *string
	DisabledAt          *time.Time
	// DisabledCancelled is how many queued deliveries were cancelled when
	// the webhook was last disabled; 0 once it is active again.
	DisabledCancelled int
	// FailedDeliveries counts the deliveries that failed since the last
	// successful one; unlike ConsecutiveFailures it is kept when the webhook
	// is enabled again, for webhook.recovered to report. FailingSince is
	// when the first of them was created (nil when there are none).
	FailedDeliveries int
	FailingSince     *time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time
	// Filter is the payload filter as saved (see Filter), nil for none.
	Filter json.RawMessage

	// Secret is the signing secret, set only when the store was asked to
	// reveal it (create, reveal, delivery).
	Secret string
	// PreviousSecret signs alongside Secret until PreviousSecretExpiresAt,
	// so receivers can switch over after a rotation.
	PreviousSecret          string
	PreviousSecretExpiresAt *time.Time
	// AuthorizationHeader is sent as Authorization on every delivery.
	AuthorizationHeader string

	// RetrySchedule is the webhook's own wait in seconds after each failed
	// attempt, len RetryCount; nil: the default (see domain/retry.go).
	RetrySchedule []int
	// RateLimit is the most deliveries per second, across every process;
	// nil: unlimited.
	RateLimit *int
}

// ValidateName checks a webhook name: 1–255 characters, not only spaces.
func ValidateName(name string) error {
	if err := ValidateText("name", name); err != nil {
		return err
	}
	if strings.TrimSpace(name) == "" {
		return InvalidParam("name", "name must not be empty.")
	}
	if utf8.RuneCountInString(name) > 255 {
		return InvalidParam("name", "name must be at most 255 characters.")
	}
	return nil
}

// ValidateStatus checks a webhook status.
func ValidateStatus(status string) error {
	if status != WebhookActive && status != WebhookInactive {
		return InvalidParam("status", "status must be one of: active, inactive.")
	}
	return nil
}

// ValidateRetryCount checks the number of retries after a first failure.
func ValidateRetryCount(n int) error {
	if n < 0 || n > MaxRetryCount {
		return InvalidParam("retry_count", "retry_count must be between 0 and %d.", MaxRetryCount)
	}
	return nil
}

// ValidateSecret checks a caller-chosen signing secret: 8–255 printable
// ASCII characters without spaces, so it survives copy and paste into a
// receiver's configuration unchanged.
func ValidateSecret(secret string) error {
	if len(secret) < 8 || len(secret) > 255 {
		return InvalidParam("secret", "secret must be between 8 and 255 characters.")
	}
	for i := 0; i < len(secret); i++ {
		if c := secret[i]; c <= ' ' || c > '~' {
			return InvalidParam("secret", "secret must contain only printable ASCII characters without spaces.")
		}
	}
	return nil
}

// ValidateAuthorizationHeader checks a subscription's Authorization value.
func ValidateAuthorizationHeader(v string) error {
	if len(v) > 4096 {
		return InvalidParam("authorization_header", "authorization_header must be at most 4096 characters.")
	}
	if !validHeaderValue(v) {
		return InvalidParam("authorization_header", "authorization_header must not contain control characters.")
	}
	return nil
}

// HeaderHints masks each custom header value with Hint, keeping the names.
func HeaderHints(headers map[string]string) map[string]string {
	out := make(map[string]string, len(headers))
	for name, value := range headers {
		out[name] = Hint(value)
	}
	return out
}

// Hint masks a credential for display: enough to tell two apart, never
// enough to use. Short values are masked entirely.
func Hint(value string) string {
	const shown = 4
	prefix := ""
	rest := value
	if strings.HasPrefix(value, SecretPrefix) {
		prefix, rest = SecretPrefix, strings.TrimPrefix(value, SecretPrefix)
	}
	if len(rest) < 12 {
		return prefix + "••••"
	}
	return prefix + "••••" + rest[len(rest)-shown:]
}
