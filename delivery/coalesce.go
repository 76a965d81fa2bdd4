package delivery

import (
	"context"
	"sync"
	"time"
)

// coalescer turns calls that arrive together into one: a caller hands in
// its item and waits for its own result; up to `flushers` goroutines each
// take everything waiting when they are free (at most max) and handle it
// with one call of flush. There is no timer: a lone call is handled at
// once, a busy process handles many per call. Flushers start on demand and
// exit after idle, so an idle process holds none.
type coalescer[In, Out any] struct {
	flush    func(ctx context.Context, items []In) []result[Out]
	in       chan *call[In, Out]
	max      int
	flushers int

	mu      sync.Mutex
	running int
}

type call[In, Out any] struct {
	item In
	done chan result[Out]
}

type result[Out any] struct {
	val Out
	err error
}

// coalescerIdle is how long an idle flusher waits before it exits.
const coalescerIdle = 5 * time.Second

func newCoalescer[In, Out any](flushers, max int, flush func(context.Context, []In) []result[Out]) *coalescer[In, Out] {
	return &coalescer[In, Out]{flush: flush, in: make(chan *call[In, Out], flushers*max), max: max, flushers: flushers}
}

// do hands item over and waits for its result, or for ctx. A flush already
// under way still completes when ctx ends first.
func (c *coalescer[In, Out]) do(ctx context.Context, item In) (Out, error) {
	cl := &call[In, Out]{item: item, done: make(chan result[Out], 1)}
	c.in <- cl
	c.ensureFlusher()
	select {
	case r := <-cl.done:
		return r.val, r.err
	case <-ctx.Done():
		var zero Out
		return zero, ctx.Err()
	}
}

func (c *coalescer[In, Out]) ensureFlusher() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running >= c.flushers || (c.running > 0 && len(c.in) == 0) {
		return
	}
	c.running++
	go c.loop()
}

func (c *coalescer[In, Out]) loop() {
	idle := time.NewTimer(coalescerIdle)
	defer idle.Stop()
	batch := make([]*call[In, Out], 0, c.max)
	items := make([]In, 0, c.max)
	for {
		select {
		case cl := <-c.in:
			batch = append(batch[:0], cl)
		case <-idle.C:
			c.mu.Lock()
			if len(c.in) > 0 { // one arrived as the timer fired
				c.mu.Unlock()
				idle.Reset(coalescerIdle)
				continue
			}
			c.running--
			c.mu.Unlock()
			return
		}
	collect:
		for len(batch) < c.max {
			select {
			case cl := <-c.in:
				batch = append(batch, cl)
			default:
				break collect
			}
		}
		items = items[:0]
		for _, cl := range batch {
			items = append(items, cl.item)
		}
		// The flush outlives any one caller: its writes must finish.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		results := c.flush(ctx, items)
		cancel()
		for i, cl := range batch {
			cl.done <- results[i]
		}
		idle.Reset(coalescerIdle)
	}
}

// each gives every item of a batch the same error, or its own value.
func each[Out any](n int, err error, val func(i int) Out) []result[Out] {
	out := make([]result[Out], n)
	for i := range out {
		if err != nil {
			out[i].err = err
			continue
		}
		out[i].val = val(i)
	}
	return out
}
