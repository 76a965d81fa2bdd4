package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hookd/hookd"
	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/metrics"
	"github.com/hookd/hookd/internal/secretbox"
	"github.com/hookd/hookd/server"
	"github.com/hookd/hookd/store"
)

// Main is a running hookd: what serve and worker start, and what an
// end-to-end test can boot on 127.0.0.1:0 with a database of its own.
type Main struct {
	Config Config
	Logger *slog.Logger
	// NoAPI runs delivery workers only (hookd worker).
	NoAPI bool
	// NoWorkers runs the API only.
	NoWorkers bool

	pool     *pgxpool.Pool
	queue    *metrics.QueueCollector
	client   *hookd.Client
	http     *http.Server
	listener net.Listener
	served   chan error
}

// Run connects, migrates (unless disabled), starts the delivery workers and
// the API; it returns once both are running.
func (m *Main) Run(ctx context.Context) error {
	cfg := m.Config
	if err := cfg.validateServe(); err != nil {
		return err
	}
	keys, err := keyring(cfg)
	if err != nil {
		return err
	}
	m.pool, err = openPool(ctx, cfg)
	if err != nil {
		return err
	}
	if cfg.AutoMigrate {
		if err := store.MigrateUp(ctx, m.pool, m.Logger); err != nil {
			return err
		}
	}
	m.client, err = hookd.New(m.pool, hookd.Config{
		EncryptionKey:     keys.current,
		OldEncryptionKeys: keys.old,
		DeliveryTimeout:   cfg.DeliveryTimeout,
		RetryBase:         cfg.RetryBase,
		DisableAfter:      disableAfter(cfg.DisableAfter),
		SignatureHeader:   cfg.SignatureHeader,
		Workers:           cfg.Workers,
		Version:           hookdVersion(),
		Logger:            m.Logger,

		WebhookConcurrency:   cfg.WebhookConcurrency,
		AllowPrivateNetworks: cfg.AllowPrivateNetworks,
		AllowedCIDRs:         cfg.AllowedCIDRs,
		Retention:            keepForever(cfg.Retention),
		RetentionInterval:    cfg.RetentionInterval,
	})
	if err != nil {
		return err
	}
	if !m.NoWorkers {
		// River's client lives past this call: its context must not be the
		// one Run's caller cancels to begin a graceful stop.
		if err := m.client.Start(context.WithoutCancel(ctx)); err != nil {
			return fmt.Errorf("error starting delivery workers: %w", err)
		}
	}
	m.queue = metrics.NewQueueCollector(m.pool)
	if err := metrics.Registry.Register(m.queue); err != nil {
		m.queue = nil // another Main in this process (a test) reports it
	}
	if m.NoAPI {
		m.Logger.InfoContext(ctx, "hookd worker running", slog.Int("workers", cfg.Workers), slog.String("version", hookdVersion()))
		return nil
	}
	api := server.New(server.Config{
		AdminToken: cfg.AdminToken,
		URLPolicy: domain.URLPolicy{AllowHTTP: cfg.AllowHTTP, Addresses: domain.AddressPolicy{
			AllowPrivate: cfg.AllowPrivateNetworks, Allowed: cfg.AllowedCIDRs}},
		RateLimit:            cfg.RateLimit,
		RateBurst:            cfg.RateBurst,
		RequestTimeout:       cfg.RequestTimeout,
		SignatureHeader:      cfg.SignatureHeader,
		MaxWebhooksPerTenant: cfg.MaxWebhooksPerTenant,
		Version:              hookdVersion(),
	}, m.pool, m.client.Store(), m.client.Dispatcher(), m.Logger)

	m.listener, err = net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("error listening on %s: %w", cfg.Addr, err)
	}
	m.http = &http.Server{
		Handler:           api.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	m.served = make(chan error, 1)
	go func() { m.served <- m.http.Serve(m.listener) }()
	m.Logger.InfoContext(ctx, "hookd serving", slog.String("addr", m.Addr()), slog.String("version", hookdVersion()),
		slog.Bool("workers", !m.NoWorkers))
	return nil
}

// disableAfter maps the configuration's "0 never disables" onto the
// facade's "negative never disables".
func disableAfter(n int) int {
	if n == 0 {
		return -1
	}
	return n
}

// keepForever maps the configuration's "0 keeps forever" onto the facade's
// "negative keeps forever".
func keepForever(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}

// Addr returns the address the API listens on.
func (m *Main) Addr() string { return m.listener.Addr().String() }

// Done is closed, with the error, if the HTTP server stops by itself.
func (m *Main) Done() <-chan error { return m.served }

// Close stops gracefully within the shutdown timeout: the API stops
// accepting requests and finishes those in flight, the workers stop fetching
// and finish their attempts (any cut off are retried later), then the pool
// closes.
func (m *Main) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), m.Config.ShutdownTimeout)
	defer cancel()
	var errs []error
	if m.http != nil {
		if err := m.http.Shutdown(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	if m.client != nil && !m.NoWorkers {
		if err := m.client.Stop(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	if m.queue != nil {
		metrics.Registry.Unregister(m.queue)
	}
	if m.pool != nil {
		m.pool.Close()
	}
	return errors.Join(errs...)
}

// keys are the decoded encryption keys.
type keys struct {
	current []byte
	old     [][]byte
}

func keyring(cfg Config) (keys, error) {
	cur, err := secretbox.ParseKey(cfg.EncryptionKey)
	if err != nil {
		return keys{}, fmt.Errorf("HOOKD_ENCRYPTION_KEY: %w", err)
	}
	k := keys{current: cur}
	if cfg.EncryptionKeyOld != "" {
		old, err := secretbox.ParseKey(cfg.EncryptionKeyOld)
		if err != nil {
			return keys{}, fmt.Errorf("HOOKD_ENCRYPTION_KEY_OLD: %w", err)
		}
		k.old = append(k.old, old)
	}
	return k, nil
}

func runServe(ctx context.Context, cfg Config, args []string, stderr io.Writer, noAPI bool) error {
	name := "serve"
	if noAPI {
		name = "worker"
	}
	if _, err := parseFlags(name, &cfg, args, stderr, nil); err != nil {
		return err
	}
	m := &Main{Config: cfg, Logger: newLogger(cfg, stderr), NoAPI: noAPI}
	if err := m.Run(ctx); err != nil {
		_ = m.Close()
		return err
	}
	select {
	case <-ctx.Done():
		m.Logger.Info("shutting down", slog.Duration("grace", cfg.ShutdownTimeout))
	case err := <-m.Done():
		_ = m.Close()
		return err
	}
	return m.Close()
}
