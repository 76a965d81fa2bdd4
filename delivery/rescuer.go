package delivery

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hookd/hookd/store"
)

// rescueInterval is how often each worker process looks for deliveries
// stranded by a process that died mid-attempt. With River's rescuer alone
// (leader only, every 30 s) they could wait job timeout + 32 s.
const rescueInterval = 5 * time.Second

// Rescuer returns stranded delivery jobs to the queue.
type Rescuer struct {
	pool   *pgxpool.Pool
	store  *store.Store
	after  time.Duration
	logger *slog.Logger
}

// NewRescuer returns a rescuer for cfg's job timeout.
func NewRescuer(pool *pgxpool.Pool, st *store.Store, cfg Config, logger *slog.Logger) *Rescuer {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Rescuer{pool: pool, store: st, after: cfg.WithDefaults().rescueAfter(), logger: logger}
}

// Run rescues every rescueInterval until ctx ends.
func (r *Rescuer) Run(ctx context.Context) {
	t := time.NewTicker(rescueInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			n, err := r.store.RescueStuckJobs(ctx, r.pool, DeliverArgs{}.Kind(), r.after)
			switch {
			case err != nil && ctx.Err() == nil:
				r.logger.WarnContext(ctx, "rescuing stranded deliveries failed", slog.String("error", err.Error()))
			case n > 0:
				r.logger.InfoContext(ctx, "rescued deliveries stranded by a stopped process", slog.Int("jobs", n))
			}
		}
	}
}
