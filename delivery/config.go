// Package delivery turns events into signed HTTP requests: it fans an event
// out to its subscribers, queues one River job per delivery, sends each
// attempt, and retries on the seed's schedule until a 2xx or the last
// attempt.
package delivery

import (
	"time"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/hostaddr"
)

// Config is the delivery engine's share of hookd's configuration.
type Config struct {
	// DeliveryTimeout bounds one attempt (HOOKD_DELIVERY_TIMEOUT). Default 10s.
	DeliveryTimeout time.Duration
	// RetryBase is the first retry delay; attempt k+1 is due
	// RetryBase × 5^(k−1) after attempt k fails (HOOKD_RETRY_BASE). Default 5s,
	// which gives the seed's 5, 25, 125, 625, 3125 s.
	RetryBase time.Duration
	// DisableAfter turns a webhook inactive after this many consecutive
	// failed deliveries (HOOKD_DISABLE_AFTER); 0 never does. Default 20.
	DisableAfter int
	// SignatureHeader names the signature header. Default Hookd-Signature.
	SignatureHeader string
	// Version goes into the User-Agent, hookd/<version>.
	Version string
	// Workers bounds concurrent deliveries in this process (HOOKD_WORKERS).
	// Default 100.
	Workers int
	// WebhookConcurrency bounds one webhook's deliveries in flight in this
	// process (HOOKD_WEBHOOK_CONCURRENCY), so an endpoint that hangs cannot
	// hold every worker. Default 10.
	WebhookConcurrency int
	// Retention is how long events, deliveries and attempts are kept
	// (HOOKD_RETENTION); 0 keeps them forever. Default 30 days.
	Retention time.Duration
	// RetentionInterval is how often retention runs. Default 1 hour.
	RetentionInterval time.Duration
	// ClientID names this process's River client (see NewClientID); the
	// rescuer tells live processes from dead ones by it. Default: River's
	// random id.
	ClientID string
	// Addresses is the SSRF guard: which IPs deliveries may connect to.
	// The zero value refuses private, loopback and other internal ranges.
	Addresses domain.AddressPolicy
}

// WithDefaults returns c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.DeliveryTimeout <= 0 {
		c.DeliveryTimeout = 10 * time.Second
	}
	if c.RetryBase <= 0 {
		c.RetryBase = 5 * time.Second
	}
	if c.SignatureHeader == "" {
		c.SignatureHeader = "Hookd-Signature"
	}
	if c.Version == "" {
		c.Version = "dev"
	}
	if c.Workers <= 0 {
		c.Workers = 100
	}
	if c.WebhookConcurrency <= 0 {
		c.WebhookConcurrency = 10
	}
	if c.RetentionInterval <= 0 {
		c.RetentionInterval = time.Hour
	}
	if !c.Addresses.AllowPrivate && c.Addresses.Own == nil {
		c.Addresses.Own = hostaddr.Own
	}
	return c
}

// jobTimeout is longer than the HTTP timeout so the request always ends by
// its own deadline and is recorded, never cut off by River's.
func (c Config) jobTimeout() time.Duration { return c.DeliveryTimeout + 3*time.Second }

// rescueAfter is just above the job timeout: a process killed mid-attempt
// leaves its jobs running, and River's rescuer (which runs every 30 s) hands
// them back once they are this old, instead of River's default hour.
func (c Config) rescueAfter() time.Duration { return c.jobTimeout() + 2*time.Second }

// NewSender returns the HTTP sender for this configuration, with the SSRF
// guard on its dialer.
func (c Config) NewSender() *Sender {
	c = c.WithDefaults()
	return NewSender(SenderConfig{
		Timeout:     c.DeliveryTimeout,
		UserAgent:   "hookd/" + c.Version,
		DialControl: DialGuard(c.Addresses),
		CheckHost:   hostGuard(c.Addresses),
	})
}
