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
	"github.com/hookd/hookd/internal/dbhealth"
	"github.com/hookd/hookd/internal/metrics"
	"github.com/hookd/hookd/internal/secretbox"
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
	ordering *metrics.OrderingCollector
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
	// One outage monitor for the API, the workers and River: it hears of
	// failures through the logger and of the database's return through the
	// pool's tracer.
	if m.Logger == nil {
		m.Logger = slog.New(slog.DiscardHandler)
	}
	health, logger := dbhealth.For(m.Logger)
	m.Logger = logger
	m.pool, err = openPool(ctx, cfg, health.Tracer())
	if err != nil {
		return err
	}
	var maxConns int
	if !m.NoAPI {
		// Listening first gives portal links the port really taken.
		if m.listener, maxConns, err = listenAPI(cfg); err != nil {
			return err
		}
	}
	hc := cfg.Config
	hc.EncryptionKey, hc.OldEncryptionKeys = keys.current, keys.old
	hc.Version, hc.Logger = hookdVersion(), m.Logger
	if hc.PublicURL == "" && m.listener != nil {
		hc.PublicURL = publicURLOf(m.Addr())
	}
	m.client, err = hookd.New(m.pool, hc)
	if err != nil {
		return err
	}
	if cfg.AutoMigrate {
		// The client's Migrate also seals what SQL could not (no key there).
		if err := m.client.Migrate(ctx); err != nil {
			return err
		}
	}
	if !m.NoWorkers {
		// River's client lives past this call: its context must not be the
		// one Run's caller cancels to begin a graceful stop.
		if err := m.client.Start(context.WithoutCancel(ctx)); err != nil {
			return err
		}
	}
	m.queue = metrics.NewQueueCollector(m.pool)
	if err := metrics.Registry.Register(m.queue); err != nil {
		m.queue = nil // another Main in this process (a test) reports it
	}
	m.ordering = metrics.NewOrderingCollector(func(ctx context.Context) (int, time.Duration, error) {
		return store.OrderingBacklog(ctx, m.pool)
	})
	if err := metrics.Registry.Register(m.ordering); err != nil {
		m.ordering = nil
	}
	if m.NoAPI {
		m.Logger.InfoContext(ctx, "hookd worker running", slog.Int("workers", hc.Workers), slog.String("version", hookdVersion()))
		return nil
	}
	m.http = &http.Server{
		Handler:           m.client.Handler(hookd.HandlerConfig{}),
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
		slog.Bool("workers", !m.NoWorkers), slog.Int("max_connections", maxConns))
	return nil
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
	} else if m.listener != nil { // Run failed before serving
		_ = m.listener.Close()
	}
	if m.client != nil {
		if err := m.client.Stop(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	if m.ordering != nil {
		metrics.Registry.Unregister(m.ordering)
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
