package delivery

import (
	"log/slog"

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
