package delivery

import (
	"context"
	"sync"
	"time"
)

// Settings of the emit batcher: a few flushers, a cap per transaction, and
// how long an idle flusher waits before it exits.
const (
	emitFlushers = 4
	maxEmitBatch = 100
	emitIdle     = 5 * time.Second
)

// emitBatcher writes events that arrive one per request together: each
// flusher takes whatever is waiting when it is free and stores it in one
// transaction. Every caller still gets its answer only after the
// transaction holding its event has committed.
type emitBatcher struct {
	d  *Dispatcher
	in chan *pendingEmit

	mu       sync.Mutex
	flushers int
}

type pendingEmit struct {
	req  EmitRequest
	done chan emitOutcome
}

type emitOutcome struct {
	emitted Emitted
	err     error
}

func newEmitBatcher(d *Dispatcher) *emitBatcher {
	return &emitBatcher{d: d, in: make(chan *pendingEmit, maxEmitBatch*emitFlushers)}
}

// EmitOne accepts one event, batched with others arriving at the same time.
// Errors are those of Emit for that event alone.
func (d *Dispatcher) EmitOne(ctx context.Context, req EmitRequest) (Emitted, error) {
	// Bad input is answered without touching a batch, so a batch rarely
	// fails and falls back to one transaction per event.
	if err := d.precheck(ctx, req); err != nil {
		return Emitted{}, err
	}
	b := d.batcher
	p := &pendingEmit{req: req, done: make(chan emitOutcome, 1)}
	b.in <- p
	b.ensureFlusher()
	select {
	case out := <-p.done:
		return out.emitted, out.err
	case <-ctx.Done():
		return Emitted{}, ctx.Err()
	}
}

// ensureFlusher starts a flusher when fewer than emitFlushers run; idle
// ones exit, so an idle process holds none.
func (b *emitBatcher) ensureFlusher() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.flushers >= emitFlushers || (b.flushers > 0 && len(b.in) == 0) {
		return
	}
	b.flushers++
	go b.flushLoop()
}

func (b *emitBatcher) flushLoop() {
	idle := time.NewTimer(emitIdle)
	defer idle.Stop()
	batch := make([]*pendingEmit, 0, maxEmitBatch)
	for {
		select {
		case p := <-b.in:
			batch = append(batch[:0], p)
		case <-idle.C:
			b.mu.Lock()
			if len(b.in) > 0 { // one arrived as the timer fired
				b.mu.Unlock()
				idle.Reset(emitIdle)
				continue
			}
			b.flushers--
			b.mu.Unlock()
			return
		}
	collect:
		for len(batch) < maxEmitBatch {
			select {
			case p := <-b.in:
				batch = append(batch, p)
			default:
				break collect
			}
		}
		b.flush(batch)
		idle.Reset(emitIdle)
	}
}

func (b *emitBatcher) flush(batch []*pendingEmit) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	reqs := make([]EmitRequest, len(batch))
	for i, p := range batch {
		reqs[i] = p.req
	}
	out, err := b.d.Emit(ctx, reqs)
	if err == nil {
		for i, p := range batch {
			p.done <- emitOutcome{emitted: out[i]}
		}
		return
	}
	// One event spoiled the batch (an id used by another tenant, say):
	// each goes again on its own and gets its own answer.
	for _, p := range batch {
		single, err := b.d.Emit(ctx, []EmitRequest{p.req})
		if err != nil {
			p.done <- emitOutcome{err: err}
			continue
		}
		p.done <- emitOutcome{emitted: single[0]}
	}
}

// precheck validates an event as EmitTx would, without a transaction.
func (d *Dispatcher) precheck(ctx context.Context, r EmitRequest) error {
	_, _, err := d.prepare(ctx, d.pool, r, time.Now(), func(name string) string { return name })
	return err
}
