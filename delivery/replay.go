package delivery

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/metrics"
	"github.com/hookd/hookd/store"
)

// QueueReplays runs replays, a few at a time.
const QueueReplays = "replays"

// Replay pacing: a batch queues at most replayBatch events, and a replay
// queues more only while fewer than replayWindow of its deliveries are
// pending, so a long replay neither floods its endpoint's queue ahead of new
// events nor outruns a cancel. One run of the job works for replaySlice,
// then snoozes: River hands a job running much longer than a delivery's to
// another process as stuck.
const (
	replayBatch  = 200
	replayWindow = 1000
	replaySlice  = 5 * time.Second
	replayPause  = time.Second
)

// ReplayArgs run one replay until it is done or cancelled.
type ReplayArgs struct {
	ReplayID int64 `json:"replay_id"`
}

// Kind names the job for River.
func (ReplayArgs) Kind() string { return "hookd_replay" }

// InsertOpts puts replays on their queue.
func (ReplayArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueReplays, MaxAttempts: maxJobAttempts}
}

// ReplayWorker queues a replay's deliveries in batches, oldest event first;
// each batch, its jobs and the replay's cursor commit together, so after a
// crash the job resumes where the last batch ended.
type ReplayWorker struct {
	river.WorkerDefaults[ReplayArgs]

	pool   *pgxpool.Pool
	store  *store.Store
	river  *river.Client[pgx.Tx]
	logger *slog.Logger
}

// Work queues batches for replaySlice, then snoozes to go on; it returns
// when the replay is done or cancelled.
func (w *ReplayWorker) Work(ctx context.Context, job *river.Job[ReplayArgs]) error {
	deadline := time.Now().Add(replaySlice)
	for time.Now().Before(deadline) {
		var step *store.ReplayStep
		err := store.InTx(ctx, w.pool, func(tx pgx.Tx) error {
			var err error
			step, err = w.store.StepReplay(ctx, tx, job.Args.ReplayID, replayBatch, replayWindow)
			if err != nil || len(step.Deliveries) == 0 {
				return err
			}
			if _, err := w.river.InsertManyTx(ctx, tx, jobParams(step.Deliveries)); err != nil {
				return fmt.Errorf("error queueing replay deliveries: %w", store.Classify(err))
			}
			return nil
		})
		if err != nil {
			return err
		}
		metrics.DeliveriesQueued.Add(float64(len(step.Deliveries)))
		switch {
		case step.Status != domain.ReplayRunning:
			w.logger.InfoContext(ctx, "replay finished", slog.Int64("replay_id", job.Args.ReplayID), slog.String("status", step.Status))
			return nil
		case step.Waiting:
			return river.JobSnooze(replayPause)
		}
	}
	return river.JobSnooze(0)
}

// ReplayRequest is a replay to start.
type ReplayRequest struct {
	WebhookID int64
	// Tenant, when set, restricts the webhook to that tenant's.
	Tenant *string
	Since  time.Time
	// Until is the end of the window; zero or later than now means now.
	Until time.Time
	// EventTypes, when set, narrows the webhook's patterns to these
	// (catalog names, "*" or "group.*"; already validated).
	EventTypes []string
}

// replayScope resolves what a replay of req looks at, in tx.
func (d *Dispatcher) replayScope(ctx context.Context, tx pgx.Tx, req ReplayRequest) (store.ReplayScope, error) {
	w, err := d.store.GetWebhook(ctx, tx, req.WebhookID, req.Tenant)
	if err != nil {
		return store.ReplayScope{}, err
	}
	if w.Status != domain.WebhookActive {
		return store.ReplayScope{}, domain.ErrWebhookInactive
	}
	types, err := d.store.ListEventTypes(ctx, tx, &w.Tenant)
	if err != nil {
		return store.ReplayScope{}, err
	}
	until := req.Until
	if now := time.Now(); until.IsZero() || until.After(now) {
		until = now
	}
	scope := store.ReplayScope{WebhookID: w.ID, Tenant: w.Tenant, Since: req.Since, Until: until, Filter: w.Filter,
		Types: []string{}}
	for _, t := range types {
		if domain.Matches(w.Events, t.Name, t.Group) && (req.EventTypes == nil || domain.Matches(req.EventTypes, t.Name, t.Group)) {
			scope.Types = append(scope.Types, t.Name)
		}
	}
	return scope, nil
}

// CountReplay answers how many events a replay of req would queue now,
// without starting one.
func (d *Dispatcher) CountReplay(ctx context.Context, req ReplayRequest) (int, error) {
	var n int
	err := store.InTx(ctx, d.pool, func(tx pgx.Tx) error {
		scope, err := d.replayScope(ctx, tx, req)
		if err != nil {
			return err
		}
		n, err = d.store.CountMissing(ctx, tx, scope)
		return err
	})
	return n, err
}

// StartReplay counts the events of req's window that the webhook is missing
// and starts a replay that queues them in the background; one that finds
// none is done at once.
func (d *Dispatcher) StartReplay(ctx context.Context, req ReplayRequest) (*domain.Replay, error) {
	var r *domain.Replay
	err := store.InTx(ctx, d.pool, func(tx pgx.Tx) error {
		scope, err := d.replayScope(ctx, tx, req)
		if err != nil {
			return err
		}
		n, err := d.store.CountMissing(ctx, tx, scope)
		if err != nil {
			return err
		}
		r, err = d.store.CreateReplay(ctx, tx, scope, n)
		if err != nil || r.Status != domain.ReplayRunning {
			return err
		}
		if _, err := d.river.InsertTx(ctx, tx, ReplayArgs{ReplayID: r.ID}, nil); err != nil {
			return fmt.Errorf("error queueing replay: %w", store.Classify(err))
		}
		return nil
	})
	return r, err
}
