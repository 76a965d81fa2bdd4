package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"

	"github.com/gin-gonic/gin"

	"github.com/hookd/hookd/domain"
)

// webhookInput holds the fields a create or update request carried; nil
// means absent.
type webhookInput = domain.WebhookFields

// readOnlyWebhookFields appear in responses; a client echoing them back in a
// request is told they cannot be changed rather than that they are unknown.
var readOnlyWebhookFields = []string{
	"id", "secret_hint", "last_triggered_at", "last_error", "last_failure_at", "consecutive_failures",
	"disabled_reason", "disabled_at", "concurrency", "disabled_cancelled", "failed_deliveries", "failing_since", "previous_secret_expires_at", "created_at", "updated_at",
	"message",
}

// readField decodes one field into dst and records its error; it reports
// whether the field is present and well-typed.
func readField(o object, v *domain.Validation, name string, dst any, required bool) bool {
	var (
		present bool
		err     error
	)
	if required {
		err = o.require(name, dst)
		present = err == nil
	} else {
		present, err = o.field(name, dst, false)
	}
	v.Add(err)
	return present && err == nil
}

// check validates the fields present in in, through the one webhook
// validation every API shares. Events are checked against the catalog of
// the webhook's tenant (custom types are per tenant), which tenantOf finds
// and which is loaded only when events are given; when tenantOf fails with
// a client error (a tenant refused, a webhook not found) that error is the
// answer the caller gives, and events are not checked.
func (s *Server) check(ctx context.Context, in *webhookInput, v *domain.Validation, tenantOf func() (string, error)) error {
	rules := domain.WebhookRules{URLs: s.cfg.URLPolicy, SignatureHeader: s.cfg.SignatureHeader}
	if in.Events != nil {
		tenant, err := tenantOf()
		var de *domain.Error
		switch {
		case errors.As(err, &de):
		case err != nil:
			return err
		default:
			catalog, err := s.store.Catalog(ctx, s.pool, tenant)
			if err != nil {
				return err
			}
			rules.Catalog = catalog
		}
	}
	in.Validate(rules, v)
	return nil
}

// newWebhookTenant is tenantOf for a webhook being created.
func newWebhookTenant(c *gin.Context, in *webhookInput) func() (string, error) {
	return func() (string, error) { return tenantForCreate(principal(c), deref(in.Tenant)) }
}

// storedWebhookTenant is tenantOf for a webhook being changed: its own.
func (s *Server) storedWebhookTenant(ctx context.Context, id int64, tenant *string) func() (string, error) {
	return func() (string, error) {
		w, err := s.store.GetWebhook(ctx, s.pool, id, tenant)
		if err != nil {
			return "", err
		}
		return w.Tenant, nil
	}
}

// readFilter returns the raw "filter" field (nil when absent; JSON null
// stays, meaning none), after the text checks every field gets. The filter
// itself is checked with the other fields (WebhookFields.Validate).
func readFilter(o object, v *domain.Validation) json.RawMessage {
	raw, ok := o["filter"]
	if !ok {
		return nil
	}
	var decoded any
	if err := json.Unmarshal(raw, &decoded); err == nil {
		if err := checkFieldText("filter", raw, &decoded); err != nil {
			v.Add(err)
			return nil
		}
	}
	return raw
}

// readPolicy reads the delivery policy fields, retry_schedule and
// rate_limit, each of which may be null (the default schedule, no limit).
func readPolicy(o object, v *domain.Validation, in *webhookInput) {
	var schedule []int
	if present, err := o.field("retry_schedule", &schedule, true); err != nil {
		v.Add(domain.InvalidParam("retry_schedule", "retry_schedule must be null or an array of whole numbers of seconds."))
	} else if present {
		in.RetrySchedule, in.RetryScheduleSet = schedule, true
	}
	var rate int
	if present, err := o.field("rate_limit", &rate, true); err != nil {
		v.Add(domain.InvalidParam("rate_limit", "rate_limit must be null or a whole number of deliveries per second."))
	} else if present {
		in.RateLimitSet = true
		if !bytes.Equal(bytes.TrimSpace(o["rate_limit"]), []byte("null")) {
			in.RateLimit = &rate
		}
	}
}

// deref returns *p, or "" for nil.
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
