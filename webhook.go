package hookd

import (
	"context"
	"encoding/json"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/store"
)

// Webhook describes an endpoint to create from Go, as POST
// /v2/admin/webhooks does over HTTP.
type Webhook struct {
	// Tenant owns the webhook. Default "default".
	Tenant string
	// Name is 1–255 characters.
	Name string
	// URL is absolute http(s); http is accepted from Go, where the caller
	// is the operator. The SSRF guard still applies when sending.
	URL string
	// Events are catalog names, "*" or "group.*".
	Events []string
	// Headers are sent with every delivery.
	Headers map[string]string
	// RetryCount is the number of retries after a failed attempt: 0–8
	// steps of the default schedule (base × 5^(k−1)), or RetrySchedule's
	// length. Default 5, or RetrySchedule's length.
	RetryCount *int
	// Secret signs deliveries; generated ("whsec_…") when empty. The
	// standard format needs "whsec_" and standard base64 of 24–64 bytes.
	Secret string
	// Format is what the webhook's requests look like: one of
	// domain.Formats (hookd, standard, selfcommunity, fluent, firstup,
	// tribe). Default hookd.
	Format string
	// AuthorizationHeader is sent as Authorization on every delivery.
	AuthorizationHeader string
	// Filter is a payload filter (see domain.Filter for the language), e.g.
	// {"data.category": "like"}; nil for none.
	Filter json.RawMessage
	// RetrySchedule is the webhook's own seconds to wait after each failed
	// attempt, used exactly as given: 1–20 waits of 1 s to 7 days, 30 days
	// in all (domain.LongOutageSchedule is a 3-day preset). Default nil:
	// the default schedule, which follows Config.RetryBase.
	RetrySchedule []int
	// RateLimit caps the webhook's deliveries per second across every
	// process on the database, 1–10000; waiting for it uses up no attempt.
	// Default nil: unlimited.
	RateLimit *int
}

// CreateWebhook validates and stores a webhook and returns it with its
// secret. Bad input is a *domain.Error naming every offending field, as the
// API answers it.
func (c *Client) CreateWebhook(ctx context.Context, w Webhook) (*domain.Webhook, error) {
	p := store.CreateWebhookParams{
		Tenant: w.Tenant, Kind: domain.KindWebhook, Name: w.Name, URL: w.URL, Events: w.Events,
		Status: domain.WebhookActive, Headers: w.Headers, RetryCount: domain.DefaultRetryCount,
		Secret: w.Secret, AuthorizationHeader: w.AuthorizationHeader, Format: w.Format, Filter: w.Filter,
	}
	if p.Format == "" {
		p.Format = domain.FormatHookd
	}
	if p.Tenant == "" {
		p.Tenant = domain.DefaultTenant
	}
	if w.RetrySchedule != nil {
		p.RetryCount = len(w.RetrySchedule)
	}
	if w.RetryCount != nil {
		p.RetryCount = *w.RetryCount
	}
	p.RetrySchedule, p.RateLimit = w.RetrySchedule, w.RateLimit
	if p.Secret == "" {
		p.Secret = domain.NewSecret()
	}
	if p.Events == nil {
		p.Events = []string{}
	}
	catalog, err := c.store.Catalog(ctx, c.pool, p.Tenant)
	if err != nil {
		return nil, err
	}
	fields := domain.WebhookFields{
		Tenant: &p.Tenant, Name: &p.Name, URL: &p.URL, Events: p.Events, Headers: p.Headers,
		RetryCount: &p.RetryCount, Secret: &p.Secret, AuthorizationHeader: &p.AuthorizationHeader, Format: &p.Format,
		Filter:        p.Filter,
		RetrySchedule: w.RetrySchedule, RetryScheduleSet: w.RetrySchedule != nil,
		RateLimit: w.RateLimit,
	}
	var v domain.Validation
	fields.Validate(domain.WebhookRules{
		URLs:            domain.URLPolicy{AllowHTTP: true, Addresses: c.cfg.addresses()},
		Catalog:         catalog,
		SignatureHeader: c.cfg.SignatureHeader,
	}, &v)
	if err := v.Err(); err != nil {
		return nil, err
	}
	return c.store.CreateWebhook(ctx, c.pool, p)
}
