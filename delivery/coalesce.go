package delivery

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/hookd/hookd/internal/startstop"
)

// coalescer turns calls that arrive together into one: a caller hands in
// its item and waits for its own result; up to `flushers` goroutines each
// take everything waiting when they are free (at most max) and handle it
// with one call of flush. There is no timer: a lone call is handled at
// once, a busy process handles many per call. Flushers start on demand and
// exit after idle, so an idle process holds none.
//
// It follows the startstop.Service shape: calls are accepted between Start
// and Stop, and Stop waits for the flushers, so no write is cut off and no
// goroutine outlives its client.
type coalescer[In, Out any] struct {
	flush    func(ctx context.Context, items []In) []result[Out]
	in       chan *call[In, Out]
	max      int
	flushers int

	// mu guards the fields below; enqueueing holds it for reading, so Stop
	// (which takes it for writing) knows no call is left half-enqueued.
	mu      sync.RWMutex
	ctx     context.Context // nil before Start; done once Stop begins
	cancel  context.CancelFunc
	stopped bool
	wg      sync.WaitGroup

	// runMu guards running apart from mu, which enqueueing holds shared.
	runMu   sync.Mutex
	running int
}

type call[In, Out any] struct {
	ctx  context.Context
	item In
	done chan result[Out]
}

type result[Out any] struct {
	val Out
	err error
}

// errCoalescerStopped answers calls made outside Start … Stop.
var errCoalescerStopped = errors.New("hookd is not running: Start was not called or Stop has been")

// coalescerIdle is how long an idle flusher waits before it exits.
const coalescerIdle = 5 * time.Second

// flushTimeout bounds one flush. A flush does not end with the first
// caller's context, because its writes serve every caller of the batch.
const flushTimeout = 30 * time.Second

var _ startstop.Service = (*coalescer[int, int])(nil)

func newCoalescer[In, Out any](flushers, maxBatch int, flush func(context.Context, []In) []result[Out]) *coalescer[In, Out] {
	return &coalescer[In, Out]{flush: flush, in: make(chan *call[In, Out], flushers*maxBatch), max: maxBatch, flushers: flushers}
}

// Start lets the coalescer accept calls until Stop.
func (c *coalescer[In, Out]) Start(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ctx != nil {
		return startstop.ErrStarted
	}
	c.ctx, c.cancel = context.WithCancel(context.WithoutCancel(ctx))
	return nil
}

// Stop refuses new calls, lets flushes under way finish and answers calls
// still queued with errCoalescerStopped.
func (c *coalescer[In, Out]) Stop() {
	c.mu.RLock()
	cancel := c.cancel
	c.mu.RUnlock()
	if cancel == nil {
		return
	}
	cancel()
	c.mu.Lock()
	c.stopped = true
	c.mu.Unlock()
	c.wg.Wait()
	for {
		select {
		case cl := <-c.in:
			cl.done <- result[Out]{err: errCoalescerStopped}
		default:
			return
		}
	}
}

// do hands item over and waits for its result, or for ctx. A caller whose
// ctx ends before its batch is taken is dropped from the batch; a flush
// already under way still completes when ctx ends first.
func (c *coalescer[In, Out]) do(ctx context.Context, item In) (Out, error) {
	var zero Out
	cl := &call[In, Out]{ctx: ctx, item: item, done: make(chan result[Out], 1)}
	if err := c.enqueue(cl); err != nil {
		return zero, err
	}
	select {
	case r := <-cl.done:
		return r.val, r.err
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

func (c *coalescer[In, Out]) enqueue(cl *call[In, Out]) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.ctx == nil || c.stopped {
		return errCoalescerStopped
	}
	select {
	case c.in <- cl:
	case <-cl.ctx.Done():
		return cl.ctx.Err()
	case <-c.ctx.Done():
		return errCoalescerStopped
	}
	c.ensureFlusher()
	return nil
}

// ensureFlusher starts a flusher unless enough are running.
func (c *coalescer[In, Out]) ensureFlusher() {
	c.runMu.Lock()
	defer c.runMu.Unlock()
	if c.ctx.Err() != nil || c.running >= c.flushers || (c.running > 0 && len(c.in) == 0) {
		return
	}
	c.running++
	c.wg.Add(1)
	go c.loop()
}

func (c *coalescer[In, Out]) loop() {
	defer c.wg.Done()
	idle := time.NewTimer(coalescerIdle)
	defer idle.Stop()
	batch := make([]*call[In, Out], 0, c.max)
	items := make([]In, 0, c.max)
	for {
		select {
		case cl := <-c.in:
			batch = append(batch[:0], cl)
		case <-c.ctx.Done():
			c.exit()
			return
		case <-idle.C:
			c.runMu.Lock()
			if len(c.in) > 0 { // one arrived as the timer fired
				c.runMu.Unlock()
				idle.Reset(coalescerIdle)
				continue
			}
			c.running--
			c.runMu.Unlock()
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
		c.run(batch, items)
		idle.Reset(coalescerIdle)
	}
}

func (c *coalescer[In, Out]) exit() {
	c.runMu.Lock()
	c.running--
	c.runMu.Unlock()
}

// run flushes the calls of batch whose callers still wait.
func (c *coalescer[In, Out]) run(batch []*call[In, Out], items []In) {
	live := batch[:0]
	for _, cl := range batch {
		if err := cl.ctx.Err(); err != nil {
			cl.done <- result[Out]{err: err}
			continue
		}
		live = append(live, cl)
	}
	if len(live) == 0 {
		return
	}
	items = items[:0]
	for _, cl := range live {
		items = append(items, cl.item)
	}
	// Ended by the last caller's deadline at the latest: a write that
	// commits after every caller has given up (say, while the database is
	// restarting) would store what each was told had failed.
	ctx, cancel := context.WithDeadline(context.WithoutCancel(c.ctx), latestDeadline(live, time.Now().Add(flushTimeout)))
	results := c.flush(ctx, items)
	cancel()
	for i, cl := range live {
		cl.done <- results[i]
	}
}

// latestDeadline is the latest deadline among the callers, or limit when
// that is sooner or some caller has none.
func latestDeadline[In, Out any](calls []*call[In, Out], limit time.Time) time.Time {
	var latest time.Time
	for _, cl := range calls {
		d, ok := cl.ctx.Deadline()
		if !ok {
			return limit
		}
		if d.After(latest) {
			latest = d
		}
	}
	if latest.After(limit) {
		return limit
	}
	return latest
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
