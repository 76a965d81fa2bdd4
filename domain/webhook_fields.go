package domain

import (
	"bytes"
	"encoding/json"
)

// WebhookFields are the fields a create or update of a webhook carries,
// whichever API it came through (REST, Firstup subscriptions, Go); nil
// means absent, and absent fields are not checked.
type WebhookFields struct {
	Tenant              *string
	Name                *string
	URL                 *string
	Events              []string
	Status              *string
	Secret              *string
	Headers             map[string]string
	RetryCount          *int
	AuthorizationHeader *string
	// Format is one of Formats. A Secret given with the standard format
	// must be one that format can sign with.
	Format *string
	// Filter is a payload filter (see Filter); JSON null removes it.
	Filter json.RawMessage

	// RetrySchedule is given when RetryScheduleSet; nil then means null,
	// back to the default schedule.
	RetrySchedule    []int
	RetryScheduleSet bool
	// RateLimit is given when RateLimitSet; nil then means null, no limit.
	RateLimit    *int
	RateLimitSet bool
}

// WebhookRules are what webhook fields are checked against.
type WebhookRules struct {
	// URLs decides which URLs are accepted.
	URLs URLPolicy
	// Catalog checks event patterns; nil skips them (no events given).
	Catalog *Catalog
	// SignatureHeader is owned by hookd: custom headers may not set it.
	SignatureHeader string
}

// Validate checks every field present against r into v, so that all
// offending fields are reported at once. It is the one validation of a
// webhook's fields.
func (f WebhookFields) Validate(r WebhookRules, v *Validation) {
	if f.URL != nil {
		v.Add(r.URLs.ValidateURL(*f.URL))
	}
	if f.Name != nil {
		v.Add(ValidateName(*f.Name))
	}
	if f.Events != nil && r.Catalog != nil {
		v.Add(r.Catalog.ValidatePatterns(f.Events))
	}
	if f.Status != nil {
		v.Add(ValidateStatus(*f.Status))
	}
	if f.Secret != nil {
		err := ValidateSecret(*f.Secret)
		if err == nil && f.Format != nil {
			err = ValidateSecretForFormat(*f.Format, *f.Secret)
		}
		v.Add(err)
	}
	if f.Format != nil {
		v.Add(ValidateFormat(*f.Format))
	}
	if f.Headers != nil {
		v.Add(ValidateHeaders(f.Headers, r.SignatureHeader))
	}
	v.Add(validateRetryPolicy(f.RetryCount, f.RetrySchedule, f.RetryScheduleSet))
	if f.RateLimit != nil {
		v.Add(ValidateRateLimit(*f.RateLimit))
	}
	if f.AuthorizationHeader != nil {
		v.Add(ValidateAuthorizationHeader(*f.AuthorizationHeader))
	}
	if f.Tenant != nil {
		v.Add(ValidateTenant(*f.Tenant))
	}
	if f.Filter != nil && !IsJSONNull(f.Filter) {
		v.Add(ValidateFilter(f.Filter))
	}
}

// IsJSONNull reports whether raw is the JSON literal null.
func IsJSONNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

// FilterIsEmpty reports whether a filter selects every event: absent, null
// or {}. Such a filter is stored as none.
func FilterIsEmpty(raw json.RawMessage) bool {
	if len(bytes.TrimSpace(raw)) == 0 || IsJSONNull(raw) {
		return true
	}
	var obj map[string]json.RawMessage
	return json.Unmarshal(raw, &obj) == nil && obj != nil && len(obj) == 0
}
