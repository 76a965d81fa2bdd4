package delivery

import (
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
)

// NewRiverClient returns the River client hookd runs on pool. With a nil
// worker it only inserts jobs (an API-only process); otherwise it also works
// the deliveries queue with cfg.Workers at once.
func NewRiverClient(pool *pgxpool.Pool, cfg Config, worker *Worker, logger *slog.Logger) (*river.Client[pgx.Tx], error) {
	cfg = cfg.WithDefaults()
	rc := &river.Config{
		Logger: logger,
		// Retries are due at exact times; River fetches jobs that became due
		// only when it polls, so poll often. The cooldown keeps a busy queue
		// from being fetched in tiny batches.
		FetchCooldown:     5 * time.Millisecond,
		FetchPollInterval: 50 * time.Millisecond,
		JobTimeout:        cfg.jobTimeout(),
		// River's default is an hour: a killed process would strand its
		// deliveries that long.
		RescueStuckJobsAfter: cfg.rescueAfter(),
		MaxAttempts:          maxJobAttempts,
		// hookd's own tables hold the delivery record; River's rows are only
		// needed while a job is live.
		CompletedJobRetentionPeriod: 10 * time.Minute,
	}
	if worker != nil {
		workers := river.NewWorkers()
		if err := river.AddWorkerSafely(workers, worker); err != nil {
			return nil, err
		}
		rc.Workers = workers
		rc.Queues = map[string]river.QueueConfig{QueueDeliveries: {MaxWorkers: cfg.Workers}}
	}
	return river.NewClient(riverpgxv5.New(pool), rc)
}
