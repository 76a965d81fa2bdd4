package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/golang-migrate/migrate/v4"
	migratepgx "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/hookd/hookd/migrations"
)

// migrationsTable is golang-migrate's bookkeeping table for hookd's own
// schema; River keeps its own (river_migration).
const migrationsTable = "hookd_schema_migrations"

// SchemaVersion describes where a database's schema stands.
type SchemaVersion struct {
	Hookd       uint // applied hookd migration, 0 when none
	HookdLatest uint // newest hookd migration this binary carries
	Dirty       bool // a hookd migration failed halfway
	River       int  // applied River migration, 0 when none
	RiverLatest int  // newest River migration this binary carries
}

// Current reports whether the database is fully migrated for this binary.
func (v SchemaVersion) Current() bool {
	return !v.Dirty && v.Hookd == v.HookdLatest && v.River == v.RiverLatest
}

// newMigrate prepares golang-migrate on a connection borrowed from pool. The
// caller must Close the result, which hands the connection back.
func newMigrate(pool *pgxpool.Pool) (*migrate.Migrate, error) {
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		return nil, fmt.Errorf("error reading embedded migrations: %w", translate(err))
	}
	db := stdlib.OpenDBFromPool(pool)
	drv, err := migratepgx.WithInstance(db, &migratepgx.Config{MigrationsTable: migrationsTable})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("error preparing migrations: %w", translate(err))
	}
	m, err := migrate.NewWithInstance("iofs", src, "pgx5", drv)
	if err != nil {
		drv.Close()
		return nil, fmt.Errorf("error preparing migrations: %w", translate(err))
	}
	return m, nil
}

// MigrateUp installs River's tables (the supported way, rivermigrate) and
// then applies every pending hookd migration. Safe to run from several
// processes at once: both tools take an advisory lock.
func MigrateUp(ctx context.Context, pool *pgxpool.Pool, logger *slog.Logger) error {
	riverMigrator, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Logger: logger})
	if err != nil {
		return fmt.Errorf("error preparing River migrations: %w", translate(err))
	}
	res, err := riverMigrator.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return fmt.Errorf("error applying River migrations: %w", translate(err))
	}
	for _, v := range res.Versions {
		logger.InfoContext(ctx, "applied River migration", slog.Int("version", v.Version))
	}

	m, err := newMigrate(pool)
	if err != nil {
		return err
	}
	defer m.Close()
	before, _, _ := m.Version()
	if err := m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("error applying hookd migrations: %w", translate(err))
	}
	after, _, _ := m.Version()
	if after != before {
		logger.InfoContext(ctx, "applied hookd migrations", slog.Uint64("from", uint64(before)), slog.Uint64("to", uint64(after)))
	}
	return nil
}

// MigrateDown reverts the newest hookd migration, or with all every hookd
// migration and then River's tables.
func MigrateDown(ctx context.Context, pool *pgxpool.Pool, all bool, logger *slog.Logger) error {
	m, err := newMigrate(pool)
	if err != nil {
		return err
	}
	defer m.Close()
	if all {
		err = m.Down()
	} else {
		err = m.Steps(-1)
	}
	if err != nil && !errors.Is(err, migrate.ErrNoChange) && !errors.Is(err, migrate.ErrNilVersion) {
		return fmt.Errorf("error reverting hookd migrations: %w", translate(err))
	}
	if !all {
		return nil
	}
	riverMigrator, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Logger: logger})
	if err != nil {
		return fmt.Errorf("error preparing River migrations: %w", translate(err))
	}
	if _, err := riverMigrator.Migrate(ctx, rivermigrate.DirectionDown, &rivermigrate.MigrateOpts{TargetVersion: -1}); err != nil {
		return fmt.Errorf("error reverting River migrations: %w", translate(err))
	}
	return nil
}

// Version reports the applied and latest schema versions.
func Version(ctx context.Context, pool *pgxpool.Pool) (SchemaVersion, error) {
	var v SchemaVersion
	latest, err := latestHookdVersion()
	if err != nil {
		return v, err
	}
	v.HookdLatest = latest

	// Read golang-migrate's table directly: asking migrate.Migrate would
	// create the table, and a version check must not write.
	var exists bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, migrationsTable).Scan(&exists); err != nil {
		return v, err
	}
	if exists {
		var version int64
		err := pool.QueryRow(ctx, `SELECT version, dirty FROM `+migrationsTable+` LIMIT 1`).Scan(&version, &v.Dirty)
		if err == nil {
			v.Hookd = uint(version)
		}
	}

	riverMigrator, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return v, err
	}
	all := riverMigrator.AllVersions()
	v.RiverLatest = all[len(all)-1].Version
	if err := pool.QueryRow(ctx, `SELECT to_regclass('river_migration') IS NOT NULL`).Scan(&exists); err != nil {
		return v, err
	}
	if exists {
		existing, err := riverMigrator.ExistingVersions(ctx)
		if err != nil {
			return v, fmt.Errorf("error reading River migrations: %w", translate(err))
		}
		if len(existing) > 0 {
			v.River = existing[len(existing)-1].Version
		}
	}
	return v, nil
}

func latestHookdVersion() (uint, error) {
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		return 0, err
	}
	defer src.Close()
	v, err := src.First()
	if err != nil {
		return 0, err
	}
	for {
		next, err := src.Next(v)
		if err != nil {
			return v, nil // os.ErrNotExist marks the last one
		}
		v = next
	}
}
