package server

import (
	"errors"
	"time"

	"golang.org/x/net/http/httpguts"

	"github.com/hookd/hookd/domain"
)

// Defaults of Config's zero fields. A zero field always means its default;
// where a limit can be switched off, a negative value does it.
const (
	SignatureHeaderDefault        = "Hookd-Signature"
	MaxWebhooksPerTenantDefault   = 100
	RateLimitDefault              = 50
	RateBurstDefault              = 100
	RequestTimeoutDefault         = 30 * time.Second
	VersionDefault                = "dev"
	AuthFailureLimitDefault       = 20
	MaxEventTypesPerTenantDefault = 500
)

// Unlimited switches off MaxWebhooksPerTenant, MaxEventTypesPerTenant,
// RateLimit or AuthFailureLimit.
const Unlimited = -1

// Config is the API's share of hookd's configuration.
type Config struct {
	// AdminToken, when set, is a bootstrap token holding every scope and no
	// tenant (HOOKD_ADMIN_TOKEN). Default: none.
	AdminToken string
	// URLPolicy decides which webhook URLs are accepted. The zero value
	// takes only https URLs to public addresses.
	URLPolicy domain.URLPolicy
	// SignatureHeader is the name of the signature header, which custom
	// headers may not override. Default SignatureHeaderDefault.
	SignatureHeader string
	// MaxWebhooksPerTenant caps live webhooks per tenant. Default
	// MaxWebhooksPerTenantDefault (100); Unlimited (any negative) lifts it.
	MaxWebhooksPerTenant int
	// Version is reported by /healthz. Default VersionDefault.
	Version string
	// RateLimit is each token's sustained requests per second on the admin
	// API; emitting events is not limited. Default RateLimitDefault (50);
	// Unlimited (any negative) switches the limit off.
	RateLimit float64
	// RateBurst is how many requests above the rate a token may make at
	// once. Default RateBurstDefault (100).
	RateBurst int
	// RequestTimeout bounds a request's work, so none hangs on a database
	// that has gone away. Default RequestTimeoutDefault (30s).
	RequestTimeout time.Duration
	// AuthFailureLimit is how many failed authentications one client
	// address may make in a minute; past it the address is answered 429
	// until the minute ends. Default AuthFailureLimitDefault (20);
	// Unlimited (any negative) switches it off.
	AuthFailureLimit int
	// MaxEventTypesPerTenant caps the custom event types one tenant
	// registers. Default MaxEventTypesPerTenantDefault (500); Unlimited
	// (any negative) lifts it.
	MaxEventTypesPerTenant int
	// PublicURL is where browsers reach this handler (scheme, host and any
	// mount prefix), the base of a portal session's url. Default: taken from
	// each request (its Host and the prefix the handler is mounted under).
	PublicURL string
	// PortalFrameAncestors are the origins that may frame the portal page
	// (its CSP frame-ancestors). Default: none may.
	PortalFrameAncestors []string
}

// WithDefaults returns c with its zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.SignatureHeader == "" {
		c.SignatureHeader = SignatureHeaderDefault
	}
	if c.MaxWebhooksPerTenant == 0 {
		c.MaxWebhooksPerTenant = MaxWebhooksPerTenantDefault
	}
	if c.Version == "" {
		c.Version = VersionDefault
	}
	if c.RateLimit == 0 {
		c.RateLimit = RateLimitDefault
	}
	if c.RateBurst == 0 {
		c.RateBurst = RateBurstDefault
	}
	if c.RequestTimeout == 0 {
		c.RequestTimeout = RequestTimeoutDefault
	}
	if c.AuthFailureLimit == 0 {
		c.AuthFailureLimit = AuthFailureLimitDefault
	}
	if c.MaxEventTypesPerTenant == 0 {
		c.MaxEventTypesPerTenant = MaxEventTypesPerTenantDefault
	}
	return c
}

// validate reports settings no default can repair; WithDefaults runs first.
func (c Config) validate() error {
	var errs []error
	if !httpguts.ValidHeaderFieldName(c.SignatureHeader) {
		errs = append(errs, errors.New("the signature header must be a valid header name"))
	}
	if c.RateBurst < 0 {
		errs = append(errs, errors.New("the rate burst must be positive"))
	}
	if c.RequestTimeout < 0 {
		errs = append(errs, errors.New("the request timeout must be positive"))
	}
	if c.PublicURL != "" {
		if err := validatePublicURL(c.PublicURL); err != nil {
			errs = append(errs, err)
		}
	}
	if err := validateFrameAncestors(c.PortalFrameAncestors); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// webhookCap is the per-tenant webhook limit the store enforces (0: none).
func (c Config) webhookCap() int { return max(c.MaxWebhooksPerTenant, 0) }

// eventTypeCap is the per-tenant custom event type limit (0: none).
func (c Config) eventTypeCap() int { return max(c.MaxEventTypesPerTenant, 0) }
