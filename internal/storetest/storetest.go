// Package storetest gives tests a real, migrated Postgres database cheaply:
//
//   - [Tx] returns a transaction on a database shared by the test binary,
//     rolled back when the test ends: the fastest isolation, for store logic.
//   - [NewDatabase] returns a fresh database cloned from a migrated template,
//     dropped when the test ends: for tests that need commits, LISTEN/NOTIFY,
//     a running River client or a hookd process of their own.
//
// The server comes from TEST_DATABASE_URL or DATABASE_URL (`make test` starts
// a private cluster and sets it). The template is migrated once per schema
// version and reused by every package and run.
package storetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/hookd/hookd/internal/secretbox"
	"github.com/hookd/hookd/migrations"
	"github.com/hookd/hookd/store"
)

// ServerURL returns the Postgres URL tests use, failing the test with a hint
// when none is configured.
func ServerURL(tb testing.TB) string {
	tb.Helper()
	for _, name := range []string{"TEST_DATABASE_URL", "DATABASE_URL"} {
		if v := os.Getenv(name); v != "" {
			return v
		}
	}
	tb.Fatal("storetest: set TEST_DATABASE_URL or DATABASE_URL to a Postgres server, or run `make test`, which starts a private one")
	return ""
}

// WithDatabase returns url with its database name replaced by name.
func WithDatabase(baseURL, name string) (string, error) {
	if strings.HasPrefix(baseURL, "postgres://") || strings.HasPrefix(baseURL, "postgresql://") {
		u, err := url.Parse(baseURL)
		if err != nil {
			return "", err
		}
		u.Path = "/" + name
		return u.String(), nil
	}
	// Keyword/value form: a later key wins.
	return baseURL + " dbname=" + name, nil
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error

	adminMu   sync.Mutex
	adminPool *pgxpool.Pool
)

func admin(ctx context.Context, baseURL string) (*pgxpool.Pool, error) {
	adminMu.Lock()
	defer adminMu.Unlock()
	if adminPool != nil {
		return adminPool, nil
	}
	cfg, err := pgxpool.ParseConfig(baseURL)
	if err != nil {
		return nil, fmt.Errorf("storetest: bad database URL: %w", err)
	}
	cfg.MaxConns = 4
	p, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	adminPool = p
	return p, nil
}

// schemaHash names the template after everything that shapes the schema, so
// a changed migration gets a new template instead of a stale one.
func schemaHash() (string, error) {
	h := sha256.New()
	entries, err := fs.ReadDir(migrations.FS, ".")
	if err != nil {
		return "", err
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	for _, n := range names {
		b, err := fs.ReadFile(migrations.FS, n)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(b))
		h.Write(b)
	}
	m, err := rivermigrate.New(riverpgxv5.New(nil), nil)
	if err != nil {
		return "", err
	}
	all := m.AllVersions()
	fmt.Fprintf(h, "river:%d", all[len(all)-1].Version)
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}

func ensureTemplate(ctx context.Context, baseURL string) (string, error) {
	templateOnce.Do(func() {
		templateName, templateErr = buildTemplate(ctx, baseURL)
	})
	return templateName, templateErr
}

func buildTemplate(ctx context.Context, baseURL string) (string, error) {
	hash, err := schemaHash()
	if err != nil {
		return "", err
	}
	name := "hookd_tmpl_" + hash
	pool, err := admin(ctx, baseURL)
	if err != nil {
		return "", err
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return "", fmt.Errorf("storetest: cannot reach Postgres at the configured URL: %w", err)
	}
	defer conn.Release()
	// Test binaries of several packages start at once; one builds.
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(hashtextextended('hookd.storetest.template', 0))`); err != nil {
		return "", err
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(hashtextextended('hookd.storetest.template', 0))`) //nolint:errcheck // the session's end releases it too

	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := name + "_building"
	if _, err := conn.Exec(ctx, `DROP DATABASE IF EXISTS `+building+` WITH (FORCE)`); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+building); err != nil {
		return "", fmt.Errorf("storetest: cannot create databases (the role needs CREATEDB): %w", err)
	}
	buildURL, err := WithDatabase(baseURL, building)
	if err != nil {
		return "", err
	}
	bp, err := pgxpool.New(ctx, buildURL)
	if err != nil {
		return "", err
	}
	err = store.MigrateUp(ctx, bp, slog.New(slog.DiscardHandler))
	bp.Close()
	if err != nil {
		return "", fmt.Errorf("storetest: migrating template: %w", err)
	}
	if _, err := conn.Exec(ctx, `ALTER DATABASE `+building+` RENAME TO `+name); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, `ALTER DATABASE `+name+` WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`); err != nil {
		return "", err
	}
	return name, nil
}

// Database is a fresh migrated database owned by one test.
type Database struct {
	Name string
	URL  string
	Pool *pgxpool.Pool
}

// NewDatabase clones the migrated template into a database of the test's
// own, with a pool of at most maxConns connections (0: 10), and drops it when
// the test ends.
func NewDatabase(tb testing.TB, maxConns int32) *Database {
	tb.Helper()
	db, drop, err := newDatabase(context.Background(), ServerURL(tb), maxConns)
	if err != nil {
		tb.Fatalf("storetest: %v", err)
	}
	tb.Cleanup(func() {
		if err := drop(); err != nil {
			tb.Logf("storetest: dropping %s: %v", db.Name, err)
		}
	})
	return db
}

// Open is NewDatabase for code without a testing.TB (a TestMain, an
// example): the caller must call drop when done.
func Open(ctx context.Context, maxConns int32) (db *Database, drop func() error, err error) {
	baseURL := os.Getenv("TEST_DATABASE_URL")
	if baseURL == "" {
		baseURL = os.Getenv("DATABASE_URL")
	}
	if baseURL == "" {
		return nil, nil, errors.New("storetest: set TEST_DATABASE_URL or DATABASE_URL, or run `make test`")
	}
	return newDatabase(ctx, baseURL, maxConns)
}

func newDatabase(ctx context.Context, baseURL string, maxConns int32) (*Database, func() error, error) {
	tmpl, err := ensureTemplate(ctx, baseURL)
	if err != nil {
		return nil, nil, err
	}
	admin, err := admin(ctx, baseURL)
	if err != nil {
		return nil, nil, err
	}
	name := "hookd_test_" + randomSuffix()
	if err := createFromTemplate(ctx, admin, name, tmpl); err != nil {
		return nil, nil, fmt.Errorf("creating database: %w", err)
	}
	dropDB := func() error {
		_, err := admin.Exec(context.Background(), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
		return err
	}
	dbURL, err := WithDatabase(baseURL, name)
	if err != nil {
		return nil, nil, errors.Join(err, dropDB())
	}
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return nil, nil, errors.Join(err, dropDB())
	}
	cfg.MaxConns = 10
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	p, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, nil, errors.Join(err, dropDB())
	}
	drop := func() error {
		p.Close()
		return dropDB()
	}
	return &Database{Name: name, URL: dbURL, Pool: p}, drop, nil
}

func createFromTemplate(ctx context.Context, pool *pgxpool.Pool, name, tmpl string) error {
	var err error
	for range 20 {
		_, err = pool.Exec(ctx, `CREATE DATABASE `+name+` TEMPLATE `+tmpl)
		var pgErr *pgconn.PgError
		// 55006: the template is briefly in use by a concurrent clone.
		if err == nil || !errors.As(err, &pgErr) || pgErr.Code != "55006" {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
	return err
}

// The shared database lives as long as the test binary; Main drops it.
var (
	sharedOnce sync.Once
	shared     *Database
	sharedDrop func() error
	sharedErr  error
)

// Tx returns a transaction on the binary's shared database, rolled back when
// the test ends. Packages using it call Main from TestMain.
func Tx(tb testing.TB) pgx.Tx {
	tb.Helper()
	baseURL := ServerURL(tb)
	sharedOnce.Do(func() {
		shared, sharedDrop, sharedErr = newDatabase(context.Background(), baseURL, 20)
	})
	if sharedErr != nil {
		tb.Fatalf("storetest: shared database unavailable: %v", sharedErr)
	}
	tx, err := shared.Pool.Begin(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = tx.Rollback(context.Background()) })
	return tx
}

// Main runs a package's tests and then drops the shared database.
func Main(m *testing.M) {
	code := m.Run()
	if sharedDrop != nil {
		if err := sharedDrop(); err != nil {
			fmt.Fprintf(os.Stderr, "storetest: dropping shared database: %v\n", err)
		}
	}
	os.Exit(code)
}

var (
	keysOnce sync.Once
	keys     *secretbox.Keyring
)

// Keyring returns an encryption keyring for tests, the same for the whole
// binary.
func Keyring(testing.TB) *secretbox.Keyring {
	keysOnce.Do(func() {
		k := make([]byte, secretbox.KeySize)
		_, _ = rand.Read(k)
		var err error
		keys, err = secretbox.NewKeyring(k)
		if err != nil {
			panic(err)
		}
	})
	return keys
}

// Store returns a store sealing with Keyring.
func Store(tb testing.TB) *store.Store {
	return store.New(Keyring(tb))
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
