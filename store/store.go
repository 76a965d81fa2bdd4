// Package store is hookd's only door to Postgres: every SQL statement lives
// here, and driver errors are translated here into domain errors.
//
// It is hookd's implementation, not an API: Go programs use the root
// package hookd.
package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/secretbox"
)

// DBTX is what store functions run their SQL on: a *pgxpool.Pool, a
// *pgx.Conn or a pgx.Tx, so callers decide the transaction (e.g. an event,
// its deliveries and their River jobs in one).
type DBTX interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
	Begin(ctx context.Context) (pgx.Tx, error)
}

// Store reads and writes hookd's tables. It holds the keyring that seals the
// credentials it stores; it has no connection of its own.
type Store struct {
	keys    *secretbox.Keyring
	filters *filterCache
}

// New returns a Store that seals credentials with keys.
func New(keys *secretbox.Keyring) *Store {
	return &Store{keys: keys, filters: newFilterCache()}
}

// Seal contexts bind each ciphertext to its column.
const (
	sealSecret         = "webhooks.secret"
	sealPreviousSecret = "webhooks.previous_secret"
	sealAuthorization  = "webhooks.authorization"
)

// InTx runs fn in a transaction on db, committing when fn returns nil and
// rolling back otherwise. On a pgx.Tx it uses a savepoint.
func InTx(ctx context.Context, db DBTX, fn func(tx pgx.Tx) error) error {
	tx, err := db.Begin(ctx)
	if err != nil {
		return translate(err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // no-op after commit
	if err := fn(tx); err != nil {
		return err
	}
	return translate(tx.Commit(ctx))
}

// Postgres error codes hookd acts on.
const (
	pgUniqueViolation      = "23505"
	pgCheckViolation       = "23514"
	pgProgramLimitExceeded = "54000"
)

// Classify is translate for errors of Postgres access outside the store
// (River's inserts): the same domain errors, ErrUnavailable included.
func Classify(err error) error { return translate(err) }

// translate maps driver errors onto domain errors where a caller can act on
// them: an unreachable database wraps domain.ErrUnavailable (keeping the
// cause for logs), constraint violations become conflict or invalid_param;
// anything else passes through and becomes a 500 upstream.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	if IsUnavailable(err) {
		return fmt.Errorf("%w: %w", domain.ErrUnavailable, err)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case pgUniqueViolation:
			return &domain.Error{Code: domain.CodeConflict, Message: "A record with the same key already exists."}
		case pgCheckViolation:
			return &domain.Error{Code: domain.CodeInvalidParam, Message: "A value is out of its allowed range."}
		case pgProgramLimitExceeded:
			return &domain.Error{Code: domain.CodeInvalidParam, Message: "A value is too large."}
		}
		// Class 22, data exception: a value Postgres cannot take (a NUL, bad
		// UTF-8, an overflow). The API refuses those before they get here;
		// this keeps any it missed a client error rather than a 500.
		if strings.HasPrefix(pgErr.Code, "22") {
			return &domain.Error{Code: domain.CodeInvalidParam, Message: "A value is not acceptable."}
		}
	}
	return err
}
