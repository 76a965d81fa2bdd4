package delivery

import (
	"errors"
	"fmt"
	"time"

	"golang.org/x/net/http/httpguts"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/hostaddr"
)

// Defaults of Config's zero fields. A zero field always means its default;
// where a setting can be switched off, a negative value does it.
const (
	DeliveryTimeoutDefault   = 10 * time.Second
	RetryBaseDefault         = 5 * time.Second
	DisableAfterDefault      = 20
	SignatureHeaderDefault   = "Hookd-Signature"
	VersionDefault           = "dev"
	WorkersDefault           = 100
	RetentionDefault         = 30 * 24 * time.Hour
	RetentionIntervalDefault = time.Hour
)

// Values that switch a setting off.
const (
	// DisableAfterNever keeps webhooks active however many deliveries fail.
	DisableAfterNever = -1
	// RetentionForever keeps events, deliveries and attempts forever.
	RetentionForever time.Duration = -1
)

// Config is the delivery engine's share of hookd's configuration.
type Config struct {
	// DeliveryTimeout bounds one attempt, connect to last response byte
	// (HOOKD_DELIVERY_TIMEOUT). Default DeliveryTimeoutDefault (10s).
	DeliveryTimeout time.Duration
	// RetryBase is the first retry delay of the default schedule; attempt
	// k+1 is due RetryBase × 5^(k−1) after attempt k fails
	// (HOOKD_RETRY_BASE). Default RetryBaseDefault (5s), which gives the
	// seed's 5, 25, 125, 625, 3125 s. A webhook's own retry schedule is
	// used as given, not scaled.
	RetryBase time.Duration
	// DisableAfter turns a webhook inactive after this many consecutive
	// failed deliveries (HOOKD_DISABLE_AFTER). Default DisableAfterDefault
	// (20); DisableAfterNever (any negative value) never does.
	DisableAfter int
	// SignatureHeader names the signature header (HOOKD_SIGNATURE_HEADER).
	// Default SignatureHeaderDefault (Hookd-Signature).
	SignatureHeader string
	// Version goes into the User-Agent, hookd/<version>. Default
	// VersionDefault ("dev").
	Version string
	// Workers bounds concurrent deliveries in this process (HOOKD_WORKERS).
	// Default WorkersDefault (100).
	Workers int
	// WebhookConcurrency is the ceiling of one webhook's deliveries in
	// flight in this process (HOOKD_WEBHOOK_CONCURRENCY). Below it, each
	// endpoint's limit follows the endpoint: it grows while the endpoint
	// answers fast and well and halves when it is slow or failing, down to
	// one, so an endpoint that hangs holds one worker. Default: Workers.
	WebhookConcurrency int
	// TenantConcurrency bounds one tenant's deliveries in flight in this
	// process (HOOKD_TENANT_CONCURRENCY). Default 0: a fair share — every
	// active tenant is guaranteed Workers divided by the active tenants,
	// and may use what the others leave; a tenant alone uses every worker.
	TenantConcurrency int
	// Retention is how long events, deliveries and attempts are kept
	// (HOOKD_RETENTION). Default RetentionDefault (30 days);
	// RetentionForever (any negative value) keeps them forever.
	Retention time.Duration
	// RetentionInterval is how often retention runs
	// (HOOKD_RETENTION_INTERVAL). Default RetentionIntervalDefault (1h).
	RetentionInterval time.Duration
	// ClientID names this process's River client (see NewClientID); the
	// rescuer tells live processes from dead ones by it. Default: a new
	// NewClientID().
	ClientID string
	// OperatorTenant, when set, also receives a copy of every tenant's
	// operational events (webhook.disabled and the rest), for the host's
	// own alerting (HOOKD_OPERATOR_TENANT). Default: none.
	OperatorTenant string
	// Addresses is the SSRF guard: which IPs deliveries may connect to.
	// The zero value refuses private, loopback and other internal ranges.
	Addresses domain.AddressPolicy
}

// WithDefaults returns c with its zero fields set to their defaults. It is
// the one place a zero becomes a value.
func (c Config) WithDefaults() Config {
	if c.DeliveryTimeout == 0 {
		c.DeliveryTimeout = DeliveryTimeoutDefault
	}
	if c.RetryBase == 0 {
		c.RetryBase = RetryBaseDefault
	}
	if c.DisableAfter == 0 {
		c.DisableAfter = DisableAfterDefault
	}
	if c.SignatureHeader == "" {
		c.SignatureHeader = SignatureHeaderDefault
	}
	if c.Version == "" {
		c.Version = VersionDefault
	}
	if c.Workers == 0 {
		c.Workers = WorkersDefault
	}
	if c.WebhookConcurrency == 0 {
		c.WebhookConcurrency = c.Workers
	}
	if c.Retention == 0 {
		c.Retention = RetentionDefault
	}
	if c.RetentionInterval == 0 {
		c.RetentionInterval = RetentionIntervalDefault
	}
	if c.ClientID == "" {
		c.ClientID = NewClientID()
	}
	if !c.Addresses.AllowPrivate && c.Addresses.Own == nil {
		c.Addresses.Own = hostaddr.Own
	}
	return c
}

// validate reports settings no default can repair. It expects WithDefaults
// to have run.
func (c Config) validate() error {
	var errs []error
	if c.DeliveryTimeout < 0 {
		errs = append(errs, errors.New("the delivery timeout must be positive"))
	}
	if c.RetryBase < 0 {
		errs = append(errs, errors.New("the retry base must be positive"))
	}
	if c.Workers < 0 || c.Workers > 10_000 {
		errs = append(errs, errors.New("workers must be between 1 and 10000"))
	}
	if c.WebhookConcurrency < 0 {
		errs = append(errs, errors.New("the webhook concurrency must be positive"))
	}
	if c.TenantConcurrency < 0 {
		errs = append(errs, errors.New("the tenant concurrency must not be negative"))
	}
	if c.OperatorTenant != "" {
		if err := domain.ValidateTenant(c.OperatorTenant); err != nil {
			errs = append(errs, fmt.Errorf("the operator tenant: %w", err))
		}
	}
	if c.RetentionInterval < 0 {
		errs = append(errs, errors.New("the retention interval must be positive"))
	}
	if !httpguts.ValidHeaderFieldName(c.SignatureHeader) {
		errs = append(errs, errors.New("the signature header must be a valid header name"))
	}
	return errors.Join(errs...)
}

// keepsForever reports whether retention is off.
func (c Config) keepsForever() bool { return c.Retention < 0 }

// maxWait bounds how long a fetched job waits in this process for a send
// slot before it goes back to Postgres.
const maxWait = 10 * time.Second

// attemptTimeout is longer than the HTTP timeout so the request always ends
// by its own deadline and is recorded.
func (c Config) attemptTimeout() time.Duration { return c.DeliveryTimeout + 3*time.Second }

// jobTimeout is River's bound on one job: its wait for a send slot, then
// its attempt; River never cuts an attempt off.
func (c Config) jobTimeout() time.Duration { return maxWait + c.attemptTimeout() }

// rescueAfter is just above the job timeout: River's rescuer (on the
// leader, every 30 s) hands back a job running longer, instead of River's
// default hour. It is the backstop; jobs of processes that died are handed
// back sooner by hookd's rescuer, which knows which processes are alive.
func (c Config) rescueAfter() time.Duration { return c.jobTimeout() + 2*time.Second }

// newSender returns the HTTP sender for this configuration, with the SSRF
// guard on its dialer.
func (c Config) newSender() *Sender {
	return NewSender(SenderConfig{
		Timeout:     c.DeliveryTimeout,
		UserAgent:   "hookd/" + c.Version,
		DialControl: DialGuard(c.Addresses),
		CheckHost:   hostGuard(c.Addresses),
	})
}
