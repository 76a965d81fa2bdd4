package delivery

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hookd/hookd/internal/dbhealth"
	"github.com/hookd/hookd/internal/startstop"
	"github.com/hookd/hookd/store"
)

// Each worker process beats every heartbeatInterval; one silent for
// staleAfter is taken for dead. Every rescueInterval each process hands
// back jobs of dead ones. River's rescuer alone (leader only, every 30 s,
// blind to liveness) could leave them job timeout + 32 s.
const (
	heartbeatInterval = 2 * time.Second
	staleAfter        = 10 * time.Second
	rescueInterval    = 5 * time.Second
)

// NewClientID names this process's River client: unique, and readable in
// River's attempted_by.
func NewClientID() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	id := fmt.Sprintf("hookd_%s_%d_%s", host, os.Getpid(), hex.EncodeToString(b))
	if len(id) > 100 { // River's limit
		id = id[len(id)-100:]
	}
	return id
}

// Rescuer keeps this process's heartbeat and returns jobs stranded by
// processes that died.
type Rescuer struct {
	startstop.Base

	pool     *pgxpool.Pool
	store    *store.Store
	clientID string
	after    time.Duration
	logger   *slog.Logger
	health   *dbhealth.Monitor
	// publish lists this process's endpoint loads, published for the API
	// every publishEvery heartbeats.
	publish func() []store.EndpointLoad
}

// publishEvery is in heartbeats: every 4 s.
const publishEvery = 2

// newRescuer returns a rescuer for the River client cfg.ClientID.
func newRescuer(pool *pgxpool.Pool, st *store.Store, cfg Config, logger *slog.Logger) *Rescuer {
	health, logger := dbhealth.For(logger)
	// A dead process's job is stranded however young it is; staleAfter
	// still guards a process that fetched before its first beat (Start
	// beats before River fetches).
	return &Rescuer{pool: pool, store: st, clientID: cfg.ClientID, after: staleAfter, logger: logger, health: health}
}

// Start records a first heartbeat, then beats and rescues until Stop.
func (r *Rescuer) Start(ctx context.Context) error {
	r.beat(ctx)
	return r.StartFunc(ctx, r.run)
}

// run beats and rescues until ctx ends, then removes the heartbeat: a
// process that stops gracefully has finished or handed back its jobs.
func (r *Rescuer) run(ctx context.Context) {
	beat := time.NewTicker(heartbeatInterval)
	defer beat.Stop()
	rescue := time.NewTicker(rescueInterval)
	defer rescue.Stop()
	beats := 0
	for {
		select {
		case <-ctx.Done():
			r.removeHeartbeat(ctx)
			return
		case <-beat.C:
			r.beat(ctx)
			beats++
			if r.publish != nil && beats%publishEvery == 0 {
				r.publishLoads(ctx)
			}
		case <-rescue.C:
			n, err := r.store.RescueStuckJobs(ctx, r.pool, DeliverArgs{}.Kind(), r.after, staleAfter)
			switch {
			case err != nil && ctx.Err() == nil:
				r.logger.WarnContext(ctx, "rescuing stranded deliveries failed", slog.String("error", err.Error()))
			case n > 0:
				r.logger.InfoContext(ctx, "rescued deliveries stranded by a stopped process", slog.Int("jobs", n))
			}
		}
	}
}

// beat records the heartbeat; its success every 2 s is also how an outage
// is seen to end in a process whose pool has no dbhealth tracer (embedded).
func (r *Rescuer) beat(ctx context.Context) {
	started := time.Now()
	err := r.store.Heartbeat(ctx, r.pool, r.clientID)
	switch {
	case err == nil:
		r.health.OK(ctx, started)
	case ctx.Err() == nil:
		r.logger.WarnContext(ctx, "recording heartbeat failed", slog.String("error", err.Error()))
	}
}

// removeHeartbeat forgets this process, which stops gracefully, even though
// ctx has ended.
func (r *Rescuer) removeHeartbeat(ctx context.Context) {
	cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	_ = r.store.RemoveHeartbeat(cleanup, r.pool, r.clientID)
}

// publishLoads shares this process's concurrency limits and loads.
func (r *Rescuer) publishLoads(ctx context.Context) {
	if err := r.store.PublishConcurrency(ctx, r.pool, r.clientID, r.publish()); err != nil && ctx.Err() == nil {
		r.logger.DebugContext(ctx, "publishing concurrency failed", slog.String("error", err.Error()))
	}
}
