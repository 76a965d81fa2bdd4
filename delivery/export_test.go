package delivery

import (
	"context"
	"log/slog"

	"github.com/jackc/pgx/v5"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hookd/hookd/store"
)

// NewRescuer lets tests run the rescuer without a River client.
func NewRescuer(pool *pgxpool.Pool, st *store.Store, cfg Config) *Rescuer {
	return newRescuer(pool, st, cfg.WithDefaults(), slog.New(slog.DiscardHandler))
}

// Sign is the signature a receiver expects, for tests outside the package.
var Sign = sign

// PendingRetries counts the due times Work left for NextRetry to take.
func PendingRetries(e *Engine) int {
	n := 0
	e.worker.retryAt.Range(func(any, any) bool { n++; return true })
	return n
}

// RecordAttempts records results in tx as the engine's recorder does, with
// its job queueing and operational events.
func RecordAttempts(ctx context.Context, e *Engine, tx pgx.Tx, results []store.AttemptResult) error {
	return e.worker.store.RecordAttempts(ctx, tx, results, e.worker.queue, e.worker.emit)
}
