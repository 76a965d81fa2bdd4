package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/hookd/hookd/domain"
)

// Config is everything hookd reads from its environment, read once here and
// passed down as values. Flags override the environment.
type Config struct {
	// DatabaseURL is the Postgres connection URL (DATABASE_URL). Required.
	DatabaseURL string
	// Addr is the API's listen address (HOOKD_ADDR). Default 127.0.0.1:8080.
	Addr string
	// AdminToken is an optional bootstrap token with every scope
	// (HOOKD_ADMIN_TOKEN).
	AdminToken string
	// AllowHTTP accepts plain-http webhook URLs (HOOKD_ALLOW_HTTP). Default
	// false: https only.
	AllowHTTP bool
	// AutoMigrate applies pending migrations when serve starts
	// (HOOKD_AUTO_MIGRATE). Default true.
	AutoMigrate bool
	// LogLevel is debug, info, warn or error (HOOKD_LOG_LEVEL). Default info.
	LogLevel slog.Level
	// LogFormat is text or json (HOOKD_LOG_FORMAT). Default text.
	LogFormat string
	// EncryptionKey seals stored credentials: 32 bytes, base64
	// (HOOKD_ENCRYPTION_KEY). Required by serve and worker.
	EncryptionKey string
	// EncryptionKeyOld is the previous key during a key rotation
	// (HOOKD_ENCRYPTION_KEY_OLD).
	EncryptionKeyOld string
	// SignatureHeader names the signature header (HOOKD_SIGNATURE_HEADER).
	// Default Hookd-Signature.
	SignatureHeader string
	// MaxWebhooksPerTenant caps live webhooks per tenant
	// (HOOKD_MAX_WEBHOOKS_PER_TENANT). Default 100; 0 means no cap.
	MaxWebhooksPerTenant int
	// DBMaxConns sizes the Postgres pool (HOOKD_DB_MAX_CONNS). Default 20.
	DBMaxConns int
	// ShutdownTimeout bounds a graceful stop (HOOKD_SHUTDOWN_TIMEOUT).
	// Default 30s.
	ShutdownTimeout time.Duration
	// DeliveryTimeout bounds one delivery attempt (HOOKD_DELIVERY_TIMEOUT).
	// Default 10s.
	DeliveryTimeout time.Duration
	// RetryBase is the first retry delay, growing ×5 (HOOKD_RETRY_BASE).
	// Default 5s: 5, 25, 125, 625, 3125 s.
	RetryBase time.Duration
	// DisableAfter turns a webhook inactive after this many consecutive
	// failed deliveries (HOOKD_DISABLE_AFTER); 0 never. Default 20.
	DisableAfter int
	// Workers bounds concurrent deliveries per process (HOOKD_WORKERS).
	// Default 100.
	Workers int
	// WebhookConcurrency bounds one webhook's deliveries in flight per
	// process (HOOKD_WEBHOOK_CONCURRENCY). Default 10.
	WebhookConcurrency int
	// AllowPrivateNetworks lifts the SSRF guard
	// (HOOKD_ALLOW_PRIVATE_NETWORKS). Default false.
	AllowPrivateNetworks bool
	// AllowedCIDRs opens only these ranges to deliveries
	// (HOOKD_ALLOWED_CIDRS, comma-separated).
	AllowedCIDRs []netip.Prefix
	// RateLimit is each token's sustained requests per second on the admin
	// API (HOOKD_RATE_LIMIT); 0 disables it. Default 50.
	RateLimit float64
	// RateBurst is the burst above RateLimit (HOOKD_RATE_BURST). Default 100.
	RateBurst int
	// Retention keeps events, deliveries and attempts this long
	// (HOOKD_RETENTION, e.g. 30d or 72h); 0 keeps them forever. Default 30d.
	Retention time.Duration
	// RetentionInterval is how often retention runs
	// (HOOKD_RETENTION_INTERVAL). Default 1h.
	RetentionInterval time.Duration
	// RequestTimeout bounds one API request (HOOKD_REQUEST_TIMEOUT).
	// Default 30s.
	RequestTimeout time.Duration
}

// envVars lists every variable Config reads, for the README and `hookd help`.
var envVars = []string{
	"DATABASE_URL", "HOOKD_ADDR", "HOOKD_ADMIN_TOKEN", "HOOKD_ALLOW_HTTP", "HOOKD_AUTO_MIGRATE",
	"HOOKD_LOG_LEVEL", "HOOKD_LOG_FORMAT", "HOOKD_ENCRYPTION_KEY", "HOOKD_ENCRYPTION_KEY_OLD",
	"HOOKD_SIGNATURE_HEADER", "HOOKD_MAX_WEBHOOKS_PER_TENANT", "HOOKD_DB_MAX_CONNS", "HOOKD_SHUTDOWN_TIMEOUT",
	"HOOKD_DELIVERY_TIMEOUT", "HOOKD_RETRY_BASE", "HOOKD_DISABLE_AFTER", "HOOKD_WORKERS",
	"HOOKD_WEBHOOK_CONCURRENCY", "HOOKD_ALLOW_PRIVATE_NETWORKS", "HOOKD_ALLOWED_CIDRS", "HOOKD_RATE_LIMIT", "HOOKD_RATE_BURST",
	"HOOKD_RETENTION", "HOOKD_RETENTION_INTERVAL", "HOOKD_REQUEST_TIMEOUT",
}

// loadConfig reads the environment through getenv, applying defaults.
func loadConfig(getenv func(string) string) (Config, error) {
	c := Config{
		DatabaseURL:      getenv("DATABASE_URL"),
		Addr:             or(getenv("HOOKD_ADDR"), "127.0.0.1:8080"),
		AdminToken:       getenv("HOOKD_ADMIN_TOKEN"),
		LogFormat:        or(getenv("HOOKD_LOG_FORMAT"), "text"),
		EncryptionKey:    getenv("HOOKD_ENCRYPTION_KEY"),
		EncryptionKeyOld: getenv("HOOKD_ENCRYPTION_KEY_OLD"),
		SignatureHeader:  or(getenv("HOOKD_SIGNATURE_HEADER"), "Hookd-Signature"),
	}
	var errs []error
	parse := func(name string, apply func(string) error) {
		if v := getenv(name); v != "" {
			if err := apply(v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
			}
		}
	}
	c.AutoMigrate = true
	c.MaxWebhooksPerTenant = 100
	c.DBMaxConns = 20
	c.ShutdownTimeout = 30 * time.Second
	c.DeliveryTimeout = 10 * time.Second
	c.RetryBase = 5 * time.Second
	c.DisableAfter = 20
	c.Workers = 100
	c.WebhookConcurrency = 10
	c.RateLimit = 50
	c.RateBurst = 100
	c.Retention = 30 * 24 * time.Hour
	c.RetentionInterval = time.Hour
	c.RequestTimeout = 30 * time.Second
	parse("HOOKD_ALLOW_HTTP", boolInto(&c.AllowHTTP))
	parse("HOOKD_AUTO_MIGRATE", boolInto(&c.AutoMigrate))
	parse("HOOKD_LOG_LEVEL", func(v string) error { return c.LogLevel.UnmarshalText([]byte(v)) })
	parse("HOOKD_MAX_WEBHOOKS_PER_TENANT", intInto(&c.MaxWebhooksPerTenant))
	parse("HOOKD_DB_MAX_CONNS", intInto(&c.DBMaxConns))
	parse("HOOKD_SHUTDOWN_TIMEOUT", durationInto(&c.ShutdownTimeout))
	parse("HOOKD_DELIVERY_TIMEOUT", durationInto(&c.DeliveryTimeout))
	parse("HOOKD_RETRY_BASE", durationInto(&c.RetryBase))
	parse("HOOKD_DISABLE_AFTER", intInto(&c.DisableAfter))
	parse("HOOKD_WORKERS", intInto(&c.Workers))
	parse("HOOKD_WEBHOOK_CONCURRENCY", intInto(&c.WebhookConcurrency))
	parse("HOOKD_ALLOW_PRIVATE_NETWORKS", boolInto(&c.AllowPrivateNetworks))
	parse("HOOKD_ALLOWED_CIDRS", func(v string) error {
		var err error
		c.AllowedCIDRs, err = domain.ParseCIDRs(v)
		return err
	})
	parse("HOOKD_RATE_LIMIT", func(v string) error {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 {
			return errors.New("must be a non-negative number")
		}
		c.RateLimit = f
		return nil
	})
	parse("HOOKD_RATE_BURST", intInto(&c.RateBurst))
	parse("HOOKD_RETENTION", func(v string) error {
		d, err := parseDays(v)
		if err != nil || d < 0 {
			return errors.New("must be a duration such as 30d, 72h or 0 (keep forever)")
		}
		c.Retention = d
		return nil
	})
	parse("HOOKD_RETENTION_INTERVAL", durationInto(&c.RetentionInterval))
	parse("HOOKD_REQUEST_TIMEOUT", durationInto(&c.RequestTimeout))
	return c, errors.Join(errs...)
}

// bindFlags lets flags override what the environment set.
func (c *Config) bindFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.DatabaseURL, "database-url", c.DatabaseURL, "Postgres URL (DATABASE_URL)")
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address (HOOKD_ADDR)")
	fs.BoolVar(&c.AllowHTTP, "allow-http", c.AllowHTTP, "accept http:// webhook URLs (HOOKD_ALLOW_HTTP)")
	fs.BoolVar(&c.AutoMigrate, "auto-migrate", c.AutoMigrate, "apply migrations on start (HOOKD_AUTO_MIGRATE)")
	fs.TextVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error (HOOKD_LOG_LEVEL)")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "text or json (HOOKD_LOG_FORMAT)")
	fs.StringVar(&c.SignatureHeader, "signature-header", c.SignatureHeader, "signature header name (HOOKD_SIGNATURE_HEADER)")
	fs.DurationVar(&c.DeliveryTimeout, "delivery-timeout", c.DeliveryTimeout, "one attempt's timeout (HOOKD_DELIVERY_TIMEOUT)")
	fs.DurationVar(&c.RetryBase, "retry-base", c.RetryBase, "first retry delay, growing x5 (HOOKD_RETRY_BASE)")
	fs.IntVar(&c.Workers, "workers", c.Workers, "concurrent deliveries per process (HOOKD_WORKERS)")
	fs.BoolVar(&c.AllowPrivateNetworks, "allow-private-networks", c.AllowPrivateNetworks, "let deliveries reach private and loopback addresses (HOOKD_ALLOW_PRIVATE_NETWORKS)")
	fs.IntVar(&c.MaxWebhooksPerTenant, "max-webhooks-per-tenant", c.MaxWebhooksPerTenant, "webhooks per tenant, 0 for no cap (HOOKD_MAX_WEBHOOKS_PER_TENANT)")
}

// validate checks what every subcommand needs; serving needs more (see
// validateServe).
func (c Config) validate() error {
	if c.DatabaseURL == "" {
		return errors.New("DATABASE_URL is not set: point it at a Postgres database (make run starts a private one)")
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return errors.New("HOOKD_LOG_FORMAT must be text or json")
	}
	if c.DBMaxConns < 4 {
		return errors.New("HOOKD_DB_MAX_CONNS must be at least 4")
	}
	if c.Workers < 1 || c.Workers > 10_000 {
		return errors.New("HOOKD_WORKERS must be between 1 and 10000")
	}
	return nil
}

func (c Config) validateServe() error {
	if err := c.validate(); err != nil {
		return err
	}
	if c.EncryptionKey == "" {
		return errors.New("HOOKD_ENCRYPTION_KEY is not set: hookd stores webhook secrets encrypted and needs a 32-byte key, base64-encoded (generate one with `openssl rand -base64 32`; make run creates one under ./.hookd/)")
	}
	if strings.ContainsAny(c.SignatureHeader, " :\r\n") || c.SignatureHeader == "" {
		return errors.New("HOOKD_SIGNATURE_HEADER must be a valid header name")
	}
	return nil
}

// parseDays is time.ParseDuration that also takes whole days ("30d").
func parseDays(v string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(v, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil {
			return 0, err
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	return time.ParseDuration(v)
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func boolInto(dst *bool) func(string) error {
	return func(v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return errors.New("must be true or false")
		}
		*dst = b
		return nil
	}
}

func intInto(dst *int) func(string) error {
	return func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return errors.New("must be a non-negative integer")
		}
		*dst = n
		return nil
	}
}

func durationInto(dst *time.Duration) func(string) error {
	return func(v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return errors.New("must be a positive duration such as 10s")
		}
		*dst = d
		return nil
	}
}
