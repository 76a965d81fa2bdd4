package delivery

import (
	"context"
)

// Batching of single emits: a few flushers, at most this many events in
// one transaction.
const (
	emitFlushers = 4
	maxEmitBatch = 100
)

// newEmitBatcher stores events that arrive one per request together, one
// transaction per batch. Every caller gets its answer only after the
// transaction holding its event has committed.
func newEmitBatcher(d *Dispatcher) *coalescer[EmitRequest, Emitted] {
	return newCoalescer(emitFlushers, maxEmitBatch, func(ctx context.Context, reqs []EmitRequest) []result[Emitted] {
		out, err := d.Emit(ctx, reqs)
		if err == nil {
			return each(len(reqs), nil, func(i int) Emitted { return out[i] })
		}
		// One event spoiled the batch (an id another tenant used, say): each
		// goes again on its own and gets its own answer.
		results := make([]result[Emitted], len(reqs))
		for i, r := range reqs {
			single, err := d.Emit(ctx, []EmitRequest{r})
			if err != nil {
				results[i].err = err
				continue
			}
			results[i].val = single[0]
		}
		return results
	})
}

// EmitOne accepts one event, batched with others arriving at the same time.
// Errors are those of Emit for that event alone.
func (d *Dispatcher) EmitOne(ctx context.Context, req EmitRequest) (Emitted, error) {
	// Bad input is answered without touching a batch, so a batch rarely
	// fails and falls back to one transaction per event.
	if err := d.precheck(ctx, req); err != nil {
		return Emitted{}, err
	}
	return d.batcher.do(ctx, req)
}

// precheck validates an event as EmitTx would, without a transaction and
// without building it: the batch builds it once.
func (d *Dispatcher) precheck(ctx context.Context, r EmitRequest) error {
	_, err := d.validate(ctx, d.pool, r, func(name string) string { return name })
	return err
}
