package hookd

import (
	"context"
	"time"

	"github.com/hookd/hookd/delivery"
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
	// RetryCount is the number of retries after a failed attempt, 0–8.
	// Default 5.
	RetryCount *int
	// Secret signs deliveries; generated ("whsec_…") when empty.
	Secret string
	// AuthorizationHeader is sent as Authorization on every delivery.
	AuthorizationHeader string
}

// CreateWebhook validates and stores a webhook and returns it with its
// secret. Errors are *domain.Error for bad input.
func (c *Client) CreateWebhook(ctx context.Context, w Webhook) (*domain.Webhook, error) {
	p := store.CreateWebhookParams{
		Tenant: w.Tenant, Kind: domain.KindWebhook, Name: w.Name, URL: w.URL, Events: w.Events,
		Status: domain.WebhookActive, Headers: w.Headers, RetryCount: domain.DefaultRetryCount,
		Secret: w.Secret, AuthorizationHeader: w.AuthorizationHeader,
	}
	if p.Tenant == "" {
		p.Tenant = domain.DefaultTenant
	}
	if w.RetryCount != nil {
		p.RetryCount = *w.RetryCount
	}
	if p.Secret == "" {
		p.Secret = domain.NewSecret()
	}
	catalog, err := c.store.Catalog(ctx, c.pool)
	if err != nil {
		return nil, err
	}
	policy := domain.URLPolicy{AllowHTTP: true, Addresses: c.addresses}
	for _, check := range []error{
		domain.ValidateTenant(p.Tenant), domain.ValidateName(p.Name), policy.ValidateURL(p.URL),
		catalog.ValidatePatterns(p.Events), domain.ValidateHeaders(p.Headers, c.signatureHeader),
		domain.ValidateRetryCount(p.RetryCount), domain.ValidateSecret(p.Secret),
		domain.ValidateAuthorizationHeader(p.AuthorizationHeader),
	} {
		if check != nil {
			return nil, check
		}
	}
	return c.store.CreateWebhook(ctx, c.pool, p)
}

// VerifySignature checks a request hookd sent, for receivers written in Go:
// header is the signature header's value, body the raw request body, secret
// the webhook's secret ("whsec_…", used as is). Requests signed more than
// tolerance ago are refused (0: no check; 5 minutes is usual).
func VerifySignature(header string, body []byte, secret string, tolerance time.Duration) error {
	return delivery.VerifySignature(header, body, secret, tolerance, time.Now())
}
