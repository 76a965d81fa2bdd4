package hookd

import (
	"log/slog"
	"net/netip"
	"time"

	"github.com/hookd/hookd/delivery"
	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/server"
)

// Defaults of Config's zero fields. A zero field always means its default;
// where a setting can be switched off, a negative value (the named
// constants below) does it.
const (
	DeliveryTimeoutDefault      = delivery.DeliveryTimeoutDefault
	RetryBaseDefault            = delivery.RetryBaseDefault
	DisableAfterDefault         = delivery.DisableAfterDefault
	SignatureHeaderDefault      = delivery.SignatureHeaderDefault
	WorkersDefault              = delivery.WorkersDefault
	RetentionDefault            = delivery.RetentionDefault
	RetentionIntervalDefault    = delivery.RetentionIntervalDefault
	VersionDefault              = delivery.VersionDefault
	MaxWebhooksPerTenantDefault = server.MaxWebhooksPerTenantDefault
	RateLimitDefault            = server.RateLimitDefault
	RateBurstDefault            = server.RateBurstDefault
	RequestTimeoutDefault       = server.RequestTimeoutDefault
	AuthFailureLimitDefault     = server.AuthFailureLimitDefault

	MaxEventTypesPerTenantDefault = server.MaxEventTypesPerTenantDefault
)

// Values that switch a setting off.
const (
	// DisableAfterNever keeps webhooks active however many deliveries fail.
	DisableAfterNever = delivery.DisableAfterNever
	// RetentionForever keeps history forever.
	RetentionForever = delivery.RetentionForever
	// Unlimited lifts MaxWebhooksPerTenant, MaxEventTypesPerTenant,
	// RateLimit or AuthFailureLimit.
	Unlimited = server.Unlimited
)

// Config configures an embedded hookd: the delivery engine and the API
// that Handler serves. Each field's comment gives its default and the
// hookd binary's environment variable.
type Config struct {
	// EncryptionKey seals stored webhook secrets: 32 bytes. Required
	// (HOOKD_ENCRYPTION_KEY, base64).
	EncryptionKey []byte
	// OldEncryptionKeys open rows sealed before a key rotation
	// (HOOKD_ENCRYPTION_KEY_OLD). Default: none.
	OldEncryptionKeys [][]byte
	// Logger receives hookd's and River's logs. Default: discarded.
	Logger *slog.Logger
	// Version goes into the User-Agent, hookd/<version>, and /healthz.
	// Default VersionDefault ("dev").
	Version string

	// DeliveryTimeout bounds one attempt (HOOKD_DELIVERY_TIMEOUT). Default
	// DeliveryTimeoutDefault (10s).
	DeliveryTimeout time.Duration
	// RetryBase is the first retry delay of the default schedule; later
	// ones grow ×5 (HOOKD_RETRY_BASE). Default RetryBaseDefault (5s). A
	// webhook's own RetrySchedule is used as given, not scaled.
	RetryBase time.Duration
	// DisableAfter turns a webhook inactive after this many consecutive
	// failed deliveries (HOOKD_DISABLE_AFTER). Default DisableAfterDefault
	// (20); DisableAfterNever never does.
	DisableAfter int
	// SignatureHeader names the signature header (HOOKD_SIGNATURE_HEADER).
	// Default SignatureHeaderDefault (Hookd-Signature).
	SignatureHeader string
	// Workers bounds concurrent deliveries in this process (HOOKD_WORKERS).
	// Default WorkersDefault (100).
	Workers int
	// WebhookConcurrency is the ceiling of one webhook's deliveries in
	// flight in this process; each endpoint's limit adapts below it to how
	// the endpoint answers (HOOKD_WEBHOOK_CONCURRENCY). Default: Workers.
	WebhookConcurrency int
	// TenantConcurrency bounds one tenant's deliveries in flight in this
	// process (HOOKD_TENANT_CONCURRENCY). Default 0: a fair share of the
	// workers among active tenants; a tenant alone may use them all.
	TenantConcurrency int
	// AllowPrivateNetworks lets deliveries reach loopback, private and other
	// internal addresses, which the SSRF guard refuses by default
	// (HOOKD_ALLOW_PRIVATE_NETWORKS). Default false.
	AllowPrivateNetworks bool
	// AllowedCIDRs opens only these ranges to deliveries
	// (HOOKD_ALLOWED_CIDRS). Default: none.
	AllowedCIDRs []netip.Prefix
	// Retention is how long events, deliveries and attempts are kept; a
	// periodic job deletes older ones (HOOKD_RETENTION). Default
	// RetentionDefault (30 days); RetentionForever keeps them.
	Retention time.Duration
	// RetentionInterval is how often retention runs
	// (HOOKD_RETENTION_INTERVAL). Default RetentionIntervalDefault (1h).
	RetentionInterval time.Duration

	// AdminToken is a bootstrap API token with every scope and no tenant
	// (HOOKD_ADMIN_TOKEN). Default: none.
	AdminToken string
	// AllowHTTP accepts http:// webhook URLs in the API (HOOKD_ALLOW_HTTP);
	// CreateWebhook from Go always accepts them. Default false.
	AllowHTTP bool
	// MaxWebhooksPerTenant caps live webhooks per tenant
	// (HOOKD_MAX_WEBHOOKS_PER_TENANT). Default MaxWebhooksPerTenantDefault
	// (100); Unlimited lifts it.
	MaxWebhooksPerTenant int
	// RateLimit is each API token's requests per second (HOOKD_RATE_LIMIT).
	// Default RateLimitDefault (50); Unlimited switches it off.
	RateLimit float64
	// RateBurst is the burst above RateLimit (HOOKD_RATE_BURST). Default
	// RateBurstDefault (100).
	RateBurst int
	// RequestTimeout bounds one API request (HOOKD_REQUEST_TIMEOUT).
	// Default RequestTimeoutDefault (30s).
	RequestTimeout time.Duration
	// AuthFailureLimit is how many failed authentications one client
	// address may make in a minute before the API answers it 429 for the
	// rest of the minute (HOOKD_AUTH_FAILURE_LIMIT). Default
	// AuthFailureLimitDefault (20); Unlimited switches it off.
	AuthFailureLimit int
	// MaxEventTypesPerTenant caps the custom event types a tenant registers
	// (HOOKD_MAX_EVENT_TYPES_PER_TENANT). Default
	// MaxEventTypesPerTenantDefault (500); Unlimited lifts it.
	MaxEventTypesPerTenant int
	// PublicURL is where browsers reach Handler — scheme, host and the
	// prefix it is mounted under — the base of portal session links
	// (HOOKD_PUBLIC_URL). Default: taken from each request (its Host and
	// the prefix http.StripPrefix removed); the binary's default is
	// http://HOOKD_ADDR.
	PublicURL string
	// OperatorTenant, when set, also receives a copy of every tenant's
	// operational events (webhook.failing, webhook.disabled,
	// webhook.recovered, delivery.exhausted): the host's own alerting
	// subscribes a webhook of that tenant to them (HOOKD_OPERATOR_TENANT).
	// Default: none.
	OperatorTenant string
	// PortalFrameAncestors are the origins allowed to frame the portal page,
	// e.g. https://community.example.com (HOOKD_PORTAL_FRAME_ANCESTORS).
	// Default: none; the operator dashboard is never framable.
	PortalFrameAncestors []string
}

// WithDefaults returns c with its zero fields set to their defaults: those
// of the delivery engine and the API, which own them.
func (c Config) WithDefaults() Config {
	d := c.deliveryConfig().WithDefaults()
	s := c.serverConfig().WithDefaults()
	c.DeliveryTimeout, c.RetryBase, c.DisableAfter, c.SignatureHeader = d.DeliveryTimeout, d.RetryBase, d.DisableAfter, d.SignatureHeader
	c.Workers, c.WebhookConcurrency, c.Retention, c.RetentionInterval = d.Workers, d.WebhookConcurrency, d.Retention, d.RetentionInterval
	c.Version = d.Version
	c.MaxWebhooksPerTenant, c.RateLimit, c.RateBurst, c.RequestTimeout = s.MaxWebhooksPerTenant, s.RateLimit, s.RateBurst, s.RequestTimeout
	c.AuthFailureLimit, c.MaxEventTypesPerTenant = s.AuthFailureLimit, s.MaxEventTypesPerTenant
	return c
}

func (c Config) addresses() domain.AddressPolicy {
	return domain.AddressPolicy{AllowPrivate: c.AllowPrivateNetworks, Allowed: c.AllowedCIDRs}
}

func (c Config) deliveryConfig() delivery.Config {
	return delivery.Config{
		DeliveryTimeout:    c.DeliveryTimeout,
		RetryBase:          c.RetryBase,
		DisableAfter:       c.DisableAfter,
		SignatureHeader:    c.SignatureHeader,
		Version:            c.Version,
		Workers:            c.Workers,
		WebhookConcurrency: c.WebhookConcurrency,
		TenantConcurrency:  c.TenantConcurrency,
		Retention:          c.Retention,
		RetentionInterval:  c.RetentionInterval,
		OperatorTenant:     c.OperatorTenant,
		Addresses:          c.addresses(),
	}
}

func (c Config) serverConfig() server.Config {
	return server.Config{
		AdminToken:           c.AdminToken,
		URLPolicy:            domain.URLPolicy{AllowHTTP: c.AllowHTTP, Addresses: c.addresses()},
		SignatureHeader:      c.SignatureHeader,
		MaxWebhooksPerTenant: c.MaxWebhooksPerTenant,
		Version:              c.Version,
		RateLimit:            c.RateLimit,
		RateBurst:            c.RateBurst,
		RequestTimeout:       c.RequestTimeout,
		AuthFailureLimit:     c.AuthFailureLimit,

		MaxEventTypesPerTenant: c.MaxEventTypesPerTenant,
		PublicURL:              c.PublicURL,
		PortalFrameAncestors:   c.PortalFrameAncestors,
	}
}
