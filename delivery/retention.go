package delivery

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/hookd/hookd/store"
)

// QueueMaintenance runs hookd's housekeeping jobs, one at a time.
const QueueMaintenance = "maintenance"

// RetentionArgs start one retention run.
type RetentionArgs struct{}

// Kind names the job for River.
func (RetentionArgs) Kind() string { return "hookd_retention" }

// InsertOpts puts retention on the maintenance queue.
func (RetentionArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueMaintenance, MaxAttempts: 3}
}

// retentionBatch bounds each delete statement.
const retentionBatch = 500

// RetentionWorker deletes what is older than the retention window: events
// with their deliveries and attempts, expired idempotency keys and
// authentication-failure counts, and webhooks deleted that long ago.
type RetentionWorker struct {
	river.WorkerDefaults[RetentionArgs]

	pool   *pgxpool.Pool
	store  *store.Store
	window time.Duration
	logger *slog.Logger
}

// newRetentionWorker returns a worker keeping window's worth of history.
func newRetentionWorker(pool *pgxpool.Pool, st *store.Store, window time.Duration, logger *slog.Logger) *RetentionWorker {
	return &RetentionWorker{pool: pool, store: st, window: window, logger: logger}
}

// Timeout allows a long run; each batch is short on its own.
func (w *RetentionWorker) Timeout(*river.Job[RetentionArgs]) time.Duration { return 30 * time.Minute }

// Work deletes in batches until nothing expired is left.
func (w *RetentionWorker) Work(ctx context.Context, _ *river.Job[RetentionArgs]) error {
	cutoff := time.Now().Add(-w.window)
	total := map[string]int{}
	for _, step := range []struct {
		name string
		run  func() (int, error)
	}{
		{"events", func() (int, error) { return w.store.DeleteExpiredEvents(ctx, w.pool, cutoff, retentionBatch) }},
		{"idempotency_keys", func() (int, error) { return w.store.DeleteExpiredIdempotencyKeys(ctx, w.pool, retentionBatch) }},
		{"webhooks", func() (int, error) { return w.store.PurgeDeletedWebhooks(ctx, w.pool, cutoff, retentionBatch) }},
		{"auth_failures", func() (int, error) { return w.store.DeleteStaleAuthFailures(ctx, w.pool, retentionBatch) }},
		{"ordering_keys", func() (int, error) { return w.store.DeleteStaleOrderingKeys(ctx, w.pool, cutoff, retentionBatch) }},
		{"replays", func() (int, error) { return w.store.DeleteFinishedReplays(ctx, w.pool, cutoff, retentionBatch) }},
	} {
		for {
			n, err := step.run()
			if err != nil {
				return err
			}
			total[step.name] += n
			if n < retentionBatch {
				break
			}
		}
	}
	if total["events"]+total["idempotency_keys"]+total["webhooks"]+total["ordering_keys"] > 0 {
		w.logger.InfoContext(ctx, "retention removed expired records", slog.Int("events", total["events"]),
			slog.Int("idempotency_keys", total["idempotency_keys"]), slog.Int("webhooks", total["webhooks"]),
			slog.Int("ordering_keys", total["ordering_keys"]))
	}
	return nil
}
