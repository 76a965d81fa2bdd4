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

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/secretbox"
	"github.com/hookd/hookd/server"
	"github.com/hookd/hookd/store"
)

// Main is a running hookd: what serve starts and an end-to-end test can
// boot on 127.0.0.1:0 with a database of its own.
type Main struct {
	Config Config
	Logger *slog.Logger

	pool     *pgxpool.Pool
	http     *http.Server
	listener net.Listener
	served   chan error
}

// Run connects, migrates (unless disabled) and starts serving; it returns
// once the listener is open.
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
	st := store.New(keys)
	api := server.New(server.Config{
		AdminToken:           cfg.AdminToken,
		URLPolicy:            domain.URLPolicy{AllowHTTP: cfg.AllowHTTP},
		SignatureHeader:      cfg.SignatureHeader,
		MaxWebhooksPerTenant: cfg.MaxWebhooksPerTenant,
		Version:              hookdVersion(),
	}, m.pool, st, m.Logger)

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
		slog.String("encryption_key_id", keys.CurrentKeyID()))
	return nil
}

// Addr returns the address the API listens on.
func (m *Main) Addr() string { return m.listener.Addr().String() }

// Done is closed, with the error, if the HTTP server stops by itself.
func (m *Main) Done() <-chan error { return m.served }

// Close stops accepting requests, lets those in flight finish within the
// shutdown timeout, and closes the pool.
func (m *Main) Close() error {
	var errs []error
	if m.http != nil {
		ctx, cancel := context.WithTimeout(context.Background(), m.Config.ShutdownTimeout)
		defer cancel()
		if err := m.http.Shutdown(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	if m.pool != nil {
		m.pool.Close()
	}
	return errors.Join(errs...)
}

func keyring(cfg Config) (*secretbox.Keyring, error) {
	cur, err := secretbox.ParseKey(cfg.EncryptionKey)
	if err != nil {
		return nil, fmt.Errorf("HOOKD_ENCRYPTION_KEY: %w", err)
	}
	var old [][]byte
	if cfg.EncryptionKeyOld != "" {
		k, err := secretbox.ParseKey(cfg.EncryptionKeyOld)
		if err != nil {
			return nil, fmt.Errorf("HOOKD_ENCRYPTION_KEY_OLD: %w", err)
		}
		old = append(old, k)
	}
	return secretbox.NewKeyring(cur, old...)
}

func runServe(ctx context.Context, cfg Config, args []string, stderr io.Writer) error {
	if _, err := parseFlags("serve", &cfg, args, stderr, nil); err != nil {
		return err
	}
	m := &Main{Config: cfg, Logger: newLogger(cfg, stderr)}
	if err := m.Run(ctx); err != nil {
		_ = m.Close()
		return err
	}
	select {
	case <-ctx.Done():
		m.Logger.Info("shutting down")
	case err := <-m.Done():
		_ = m.Close()
		return err
	}
	return m.Close()
}
