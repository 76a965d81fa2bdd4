package delivery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/hookd/hookd/internal/startstop"
	"github.com/hookd/hookd/store"
)

// Engine is hookd's delivery machinery on one database, wired once: the
// intake (Dispatcher) accepts events from the moment it is built; Start
// adds the workers that send them, the rescuer and retention.
type Engine struct {
	cfg        Config
	sender     *Sender
	worker     *Worker
	river      *river.Client[pgx.Tx]
	dispatcher *Dispatcher
	rescuer    *Rescuer

	mu      sync.Mutex
	started bool
}

// NewEngine validates cfg (after WithDefaults) and wires the engine on pool.
func NewEngine(pool *pgxpool.Pool, st *store.Store, cfg Config, logger *slog.Logger) (*Engine, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("invalid delivery configuration: %w", err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	sender := cfg.newSender()
	worker := newWorker(pool, st, sender, cfg, logger)
	replay := &ReplayWorker{pool: pool, store: st, logger: logger}
	rc, err := newRiverClient(pool, cfg, worker, newRetentionWorker(pool, st, cfg.Retention, logger), replay, logger)
	if err != nil {
		return nil, fmt.Errorf("error creating River client: %w", err)
	}
	worker.river = rc
	replay.river = rc
	d := newDispatcher(pool, st, rc, sender, cfg)
	worker.dispatcher = d
	d.holdBack = worker.sched.holdBack
	if err := d.batcher.Start(context.Background()); err != nil {
		return nil, err
	}
	rescuer := newRescuer(pool, st, cfg, logger)
	rescuer.publish = worker.sched.loads
	return &Engine{cfg: cfg, sender: sender, worker: worker, river: rc, dispatcher: d, rescuer: rescuer}, nil
}

// Config returns the engine's configuration, defaults applied.
func (e *Engine) Config() Config { return e.cfg }

// Dispatcher is the engine's intake: emit, redeliver, recover, test-fire.
func (e *Engine) Dispatcher() *Dispatcher { return e.dispatcher }

// Start runs delivery workers in this process until Stop, with the rescuer
// that hands back deliveries stranded by processes that died.
func (e *Engine) Start(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.started {
		return startstop.ErrStarted
	}
	for _, svc := range e.worker.services() {
		if err := svc.Start(ctx); err != nil {
			return err
		}
	}
	// The heartbeat comes first: another process's rescuer must never take
	// this one's jobs for a dead process's.
	if err := e.rescuer.Start(ctx); err != nil {
		return err
	}
	if err := e.river.Start(ctx); err != nil {
		e.rescuer.Stop()
		return fmt.Errorf("error starting delivery workers: %w", err)
	}
	e.started = true
	return nil
}

// Stop stops fetching new deliveries and waits for attempts in flight (they
// are bounded by the delivery timeout); if ctx ends first, they are
// cancelled and retried later. It also ends the intake: emitting after Stop
// fails.
func (e *Engine) Stop(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	var err error
	if e.started {
		e.rescuer.Stop()
		err = e.river.Stop(ctx)
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			err = e.river.StopAndCancel(context.WithoutCancel(ctx))
		}
		for _, svc := range e.worker.services() {
			svc.Stop()
		}
		e.started = false
	}
	e.dispatcher.batcher.Stop()
	e.sender.CloseIdle()
	return err
}
