package delivery

import (
	"context"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hookd/hookd/store"
)

// Recorder settings: a few flushers so one slow commit does not hold the
// rest, and a cap on one batch's size.
const (
	recordFlushers = 4
	maxRecordBatch = 256
)

// recorder writes attempt results in batches. A worker hands its result
// over and waits until the batch holding it has committed, so a job is
// never completed in River before its attempt is on disk. There is no
// timer: a flusher takes whatever is waiting when it is free, so a lone
// attempt is written at once and a busy process writes many per statement.
type recorder struct {
	pool  *pgxpool.Pool
	store *store.Store
	in    chan *pendingRecord

	mu      sync.RWMutex
	running bool
	stop    context.CancelFunc
	done    sync.WaitGroup
}

type pendingRecord struct {
	result store.AttemptResult
	done   chan error
}

func newRecorder(pool *pgxpool.Pool, st *store.Store) *recorder {
	return &recorder{pool: pool, store: st, in: make(chan *pendingRecord, maxRecordBatch*recordFlushers)}
}

// start runs the flushers until stop.
func (r *recorder) start() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.running {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.running, r.stop = true, cancel
	for range recordFlushers {
		r.done.Add(1)
		go func() {
			defer r.done.Done()
			r.flushLoop(ctx)
		}()
	}
}

// shutdown stops the flushers once no worker can hand them more; records
// handed over before are written first.
func (r *recorder) shutdown() {
	r.mu.Lock()
	if !r.running {
		r.mu.Unlock()
		return
	}
	r.running = false
	r.mu.Unlock()
	r.stop()
	r.done.Wait()
}

// record writes result, batched with others when the flushers run and on
// its own otherwise.
func (r *recorder) record(ctx context.Context, result store.AttemptResult) error {
	r.mu.RLock()
	if !r.running {
		r.mu.RUnlock()
		return r.store.RecordAttempt(ctx, r.pool, result)
	}
	p := &pendingRecord{result: result, done: make(chan error, 1)}
	r.in <- p
	r.mu.RUnlock()
	select {
	case err := <-p.done:
		return err
	case <-ctx.Done():
		// The batch may still commit; the attempt is then recorded although
		// this job will retry it: at-least-once, as after a crash.
		return ctx.Err()
	}
}

func (r *recorder) flushLoop(ctx context.Context) {
	batch := make([]*pendingRecord, 0, maxRecordBatch)
	for {
		select {
		case p := <-r.in:
			batch = append(batch[:0], p)
		case <-ctx.Done():
			r.drain()
			return
		}
	collect:
		for len(batch) < maxRecordBatch {
			select {
			case p := <-r.in:
				batch = append(batch, p)
			default:
				break collect
			}
		}
		r.flush(context.WithoutCancel(ctx), batch)
	}
}

// drain writes what is left after stop.
func (r *recorder) drain() {
	for {
		select {
		case p := <-r.in:
			r.flush(context.Background(), []*pendingRecord{p})
		default:
			return
		}
	}
}

func (r *recorder) flush(ctx context.Context, batch []*pendingRecord) {
	results := make([]store.AttemptResult, len(batch))
	for i, p := range batch {
		results[i] = p.result
	}
	err := r.store.RecordAttempts(ctx, r.pool, results)
	for _, p := range batch {
		p.done <- err
	}
}
