package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"

	"github.com/hookd/hookd"
	"github.com/hookd/hookd/domain"
)

// Config is everything hookd reads from its environment, read once here and
// passed down as values. Flags override the environment. The engine's and
// API's settings are hookd.Config's, whose fields document their defaults;
// the rest belong to the process.
type Config struct {
	hookd.Config

	// DatabaseURL is the Postgres connection URL (DATABASE_URL). Required.
	DatabaseURL string
	// Addr is the API's listen address (HOOKD_ADDR). Default AddrDefault.
	Addr string
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
	// DBMaxConns sizes the Postgres pool (HOOKD_DB_MAX_CONNS). Default
	// DBMaxConnsDefault.
	DBMaxConns int
	// ShutdownTimeout bounds a graceful stop (HOOKD_SHUTDOWN_TIMEOUT).
	// Default ShutdownTimeoutDefault.
	ShutdownTimeout time.Duration
	// MaxConnections caps concurrent API connections; past it a connection
	// is answered 503 (HOOKD_MAX_CONNECTIONS). Default
	// MaxConnectionsDefault, lowered to what the open-file limit leaves
	// room for (see apiConnectionLimit).
	MaxConnections int
}

// Defaults of the process's own settings.
const (
	AddrDefault            = "127.0.0.1:8080"
	DBMaxConnsDefault      = 20
	ShutdownTimeoutDefault = 30 * time.Second
)

// loadConfig reads the environment through getenv. Settings left unset take
// their defaults (Config.WithDefaults); where the environment's "0" means
// "off" it becomes the Go API's negative "off" here, at the one place it is
// parsed.
func loadConfig(getenv func(string) string) (Config, error) {
	c := Config{
		DatabaseURL:      getenv("DATABASE_URL"),
		Addr:             getenv("HOOKD_ADDR"),
		LogFormat:        getenv("HOOKD_LOG_FORMAT"),
		EncryptionKey:    getenv("HOOKD_ENCRYPTION_KEY"),
		EncryptionKeyOld: getenv("HOOKD_ENCRYPTION_KEY_OLD"),
		AutoMigrate:      true,
	}
	c.AdminToken = getenv("HOOKD_ADMIN_TOKEN")
	c.PublicURL = getenv("HOOKD_PUBLIC_URL")
	c.PortalFrameAncestors = splitList(getenv("HOOKD_PORTAL_FRAME_ANCESTORS"))
	c.SignatureHeader = getenv("HOOKD_SIGNATURE_HEADER")
	c.OperatorTenant = getenv("HOOKD_OPERATOR_TENANT")
	var errs []error
	parse := func(name string, apply func(string) error) {
		if v := getenv(name); v != "" {
			if err := apply(v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
			}
		}
	}
	parse("HOOKD_ALLOW_HTTP", boolInto(&c.AllowHTTP))
	parse("HOOKD_AUTO_MIGRATE", boolInto(&c.AutoMigrate))
	parse("HOOKD_LOG_LEVEL", func(v string) error { return c.LogLevel.UnmarshalText([]byte(v)) })
	parse("HOOKD_MAX_WEBHOOKS_PER_TENANT", zeroMeansOff(&c.MaxWebhooksPerTenant, hookd.Unlimited))
	parse("HOOKD_DB_MAX_CONNS", intInto(&c.DBMaxConns))
	parse("HOOKD_SHUTDOWN_TIMEOUT", durationInto(&c.ShutdownTimeout))
	parse("HOOKD_DELIVERY_TIMEOUT", durationInto(&c.DeliveryTimeout))
	parse("HOOKD_RETRY_BASE", durationInto(&c.RetryBase))
	parse("HOOKD_DISABLE_AFTER", zeroMeansOff(&c.DisableAfter, hookd.DisableAfterNever))
	parse("HOOKD_WORKERS", intInto(&c.Workers))
	parse("HOOKD_WEBHOOK_CONCURRENCY", intInto(&c.WebhookConcurrency))
	parse("HOOKD_TENANT_CONCURRENCY", intInto(&c.TenantConcurrency))
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
		if f == 0 {
			c.RateLimit = hookd.Unlimited
		}
		return nil
	})
	parse("HOOKD_RATE_BURST", intInto(&c.RateBurst))
	parse("HOOKD_RETENTION", func(v string) error {
		d, err := parseDays(v)
		if err != nil || d < 0 {
			return errors.New("must be a duration such as 30d, 72h or 0 (keep forever)")
		}
		c.Retention = d
		if d == 0 {
			c.Retention = hookd.RetentionForever
		}
		return nil
	})
	parse("HOOKD_RETENTION_INTERVAL", durationInto(&c.RetentionInterval))
	parse("HOOKD_REQUEST_TIMEOUT", durationInto(&c.RequestTimeout))
	parse("HOOKD_AUTH_FAILURE_LIMIT", zeroMeansOff(&c.AuthFailureLimit, hookd.Unlimited))
	parse("HOOKD_MAX_EVENT_TYPES_PER_TENANT", zeroMeansOff(&c.MaxEventTypesPerTenant, hookd.Unlimited))
	parse("HOOKD_MAX_CONNECTIONS", intInto(&c.MaxConnections))
	return c.WithDefaults(), errors.Join(errs...)
}

// WithDefaults returns c with its zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	c.Config = c.Config.WithDefaults()
	if c.Addr == "" {
		c.Addr = AddrDefault
	}

	if c.LogFormat == "" {
		c.LogFormat = "text"
	}
	if c.DBMaxConns == 0 {
		c.DBMaxConns = DBMaxConnsDefault
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = ShutdownTimeoutDefault
	}
	return c
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
	fs.StringVar(&c.OperatorTenant, "operator-tenant", c.OperatorTenant, "tenant that also receives every tenant's operational events (HOOKD_OPERATOR_TENANT)")
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

// validateServe checks what serve and worker need besides.
func (c Config) validateServe() error {
	if err := c.validate(); err != nil {
		return err
	}
	if c.EncryptionKey == "" {
		return errors.New("HOOKD_ENCRYPTION_KEY is not set: hookd stores webhook secrets encrypted and needs a 32-byte key, base64-encoded (generate one with `openssl rand -base64 32`; make run creates one under ./.hookd/)")
	}
	if !httpguts.ValidHeaderFieldName(c.SignatureHeader) {
		return errors.New("HOOKD_SIGNATURE_HEADER must be a valid header name")
	}
	if c.OperatorTenant != "" {
		if err := domain.ValidateTenant(c.OperatorTenant); err != nil {
			return fmt.Errorf("HOOKD_OPERATOR_TENANT: %w", err)
		}
	}
	return validateAdminToken(c.AdminToken)
}

// publicURLOf is the default HOOKD_PUBLIC_URL, http://HOOKD_ADDR (the
// address listened on, so port 0 becomes the port taken); an address
// listening on every interface is reached as localhost.
func publicURLOf(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// splitList splits a comma- or space-separated setting.
func splitList(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
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

// zeroMeansOff parses a non-negative integer into dst, "0" as off.
func zeroMeansOff(dst *int, off int) func(string) error {
	return func(v string) error {
		if err := intInto(dst)(v); err != nil {
			return err
		}
		if *dst == 0 {
			*dst = off
		}
		return nil
	}
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
