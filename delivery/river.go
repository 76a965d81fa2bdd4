package delivery

import (
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
)

// newRiverClient returns the River client hookd runs on pool. With a nil
// worker it only inserts jobs (an API-only process); otherwise it also works
// the deliveries queue with cfg.Workers at once, replays with a replay worker
// and, with a retention worker and a retention window, runs retention every
// cfg.RetentionInterval.
func newRiverClient(pool *pgxpool.Pool, cfg Config, worker *Worker, retention *RetentionWorker, replay *ReplayWorker,
	logger *slog.Logger) (*river.Client[pgx.Tx], error) {
	rc := &river.Config{
		ID:     cfg.ClientID,
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
		// needed while a job is live, and a large river_job table costs every
		// fetch.
		CompletedJobRetentionPeriod: time.Minute,
	}
	if worker != nil {
		workers := river.NewWorkers()
		if err := river.AddWorkerSafely(workers, worker); err != nil {
			return nil, err
		}
		rc.Workers = workers
		// River runs twice the workers: Workers send, and as many more wait
		// in the scheduler for their endpoint or tenant — fetched once, held
		// in memory, not snoozed back and forth (see scheduler.go).
		rc.Queues = map[string]river.QueueConfig{QueueDeliveries: {MaxWorkers: 2 * cfg.Workers}}
		if replay != nil {
			if err := river.AddWorkerSafely(workers, replay); err != nil {
				return nil, err
			}
			rc.Queues[QueueReplays] = river.QueueConfig{MaxWorkers: 2}
		}
		if retention != nil && !cfg.keepsForever() {
			if err := river.AddWorkerSafely(workers, retention); err != nil {
				return nil, err
			}
			rc.Queues[QueueMaintenance] = river.QueueConfig{MaxWorkers: 1}
			// Only the elected leader enqueues periodic jobs: one run at a
			// time however many processes there are.
			rc.PeriodicJobs = []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(cfg.RetentionInterval),
				func() (river.JobArgs, *river.InsertOpts) { return RetentionArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true})}
		}
	}
	return river.NewClient(riverpgxv5.New(pool), rc)
}
