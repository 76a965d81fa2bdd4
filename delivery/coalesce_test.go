package delivery

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// started starts c for the test's length.
func started[In, Out any](t *testing.T, c *coalescer[In, Out]) *coalescer[In, Out] {
	t.Helper()
	require.NoError(t, c.Start(context.Background()))
	t.Cleanup(c.Stop)
	return c
}

func runningFlushers[In, Out any](c *coalescer[In, Out]) int {
	c.runMu.Lock()
	defer c.runMu.Unlock()
	return c.running
}

func TestCoalescer(t *testing.T) {
	t.Parallel()

	t.Run("BatchesConcurrentCallsAndAnswersEach", func(t *testing.T) {
		t.Parallel()
		var calls, maxBatch atomic.Int64
		release := make(chan struct{})
		c := started(t, newCoalescer(1, 50, func(_ context.Context, items []int) []result[int] {
			calls.Add(1)
			if int64(len(items)) > maxBatch.Load() {
				maxBatch.Store(int64(len(items)))
			}
			<-release
			return each(len(items), nil, func(i int) int { return items[i] * 10 })
		}))
		var wg sync.WaitGroup
		got := make([]int, 40)
		for i := range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v, err := c.do(context.Background(), i)
				require.NoError(t, err)
				got[i] = v
			}()
		}
		time.Sleep(100 * time.Millisecond) // all queue behind the first flush
		close(release)
		wg.Wait()
		for i, v := range got {
			require.Equal(t, i*10, v)
		}
		require.Less(t, calls.Load(), int64(40), "calls were coalesced")
		require.Greater(t, maxBatch.Load(), int64(1))
	})

	t.Run("PerItemErrors", func(t *testing.T) {
		t.Parallel()
		bad := errors.New("bad")
		c := started(t, newCoalescer(2, 10, func(_ context.Context, items []int) []result[int] {
			out := make([]result[int], len(items))
			for i, it := range items {
				if it%2 == 1 {
					out[i].err = bad
				}
				out[i].val = it
			}
			return out
		}))
		_, err := c.do(context.Background(), 3)
		require.ErrorIs(t, err, bad)
		v, err := c.do(context.Background(), 4)
		require.NoError(t, err)
		require.Equal(t, 4, v)
	})

	t.Run("CallerContextEndsFirst", func(t *testing.T) {
		t.Parallel()
		c := started(t, newCoalescer(1, 10, func(_ context.Context, items []int) []result[int] {
			time.Sleep(200 * time.Millisecond)
			return each(len(items), nil, func(i int) int { return items[i] })
		}))
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		_, err := c.do(ctx, 1)
		require.ErrorIs(t, err, context.DeadlineExceeded)
	})

	t.Run("RefusesCallsOutsideStartStop", func(t *testing.T) {
		t.Parallel()
		c := newCoalescer(1, 10, func(_ context.Context, items []int) []result[int] {
			return each(len(items), nil, func(i int) int { return items[i] })
		})
		_, err := c.do(context.Background(), 1)
		require.ErrorIs(t, err, errCoalescerStopped, "before Start")
		require.NoError(t, c.Start(context.Background()))
		v, err := c.do(context.Background(), 2)
		require.NoError(t, err)
		require.Equal(t, 2, v)
		c.Stop()
		_, err = c.do(context.Background(), 3)
		require.ErrorIs(t, err, errCoalescerStopped, "after Stop")
	})

	t.Run("EnqueueRespectsCallerContext", func(t *testing.T) {
		t.Parallel()
		// One flusher, batches of one and a queue of one: with the flusher
		// held, the second call fills the queue and the third cannot enter.
		release := make(chan struct{})
		c := started(t, newCoalescer(1, 1, func(_ context.Context, items []int) []result[int] {
			<-release
			return each(len(items), nil, func(i int) int { return items[i] })
		}))
		defer close(release)
		go func() { _, _ = c.do(context.Background(), 1) }()
		require.Eventually(t, func() bool { return len(c.in) == 0 && runningFlushers(c) == 1 }, time.Second, time.Millisecond)
		go func() { _, _ = c.do(context.Background(), 2) }()
		require.Eventually(t, func() bool { return len(c.in) == 1 }, time.Second, time.Millisecond)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := c.do(ctx, 3)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		require.Less(t, time.Since(start), time.Second, "answered at the deadline, not when the queue drained")
	})

	t.Run("DropsCallsWhoseContextEndedBeforeTheirBatch", func(t *testing.T) {
		t.Parallel()
		release := make(chan struct{})
		var flushed sync.Map
		c := started(t, newCoalescer(1, 10, func(_ context.Context, items []int) []result[int] {
			for _, it := range items {
				flushed.Store(it, true)
			}
			if items[0] == 0 {
				<-release
			}
			return each(len(items), nil, func(i int) int { return items[i] })
		}))
		first := make(chan error, 1)
		go func() { _, err := c.do(context.Background(), 0); first <- err }()
		require.Eventually(t, func() bool { _, ok := flushed.Load(0); return ok }, time.Second, time.Millisecond)
		// Queued behind the held flush, it gives up before its batch runs.
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		_, err := c.do(ctx, 7)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		close(release)
		require.NoError(t, <-first)
		v, err := c.do(context.Background(), 8)
		require.NoError(t, err)
		require.Equal(t, 8, v)
		_, was := flushed.Load(7)
		require.False(t, was, "the abandoned call was not flushed")
	})

	t.Run("StopWaitsForFlushes", func(t *testing.T) {
		t.Parallel()
		var done atomic.Bool
		c := newCoalescer(2, 10, func(_ context.Context, items []int) []result[int] {
			time.Sleep(100 * time.Millisecond)
			done.Store(true)
			return each(len(items), nil, func(i int) int { return items[i] })
		})
		require.NoError(t, c.Start(context.Background()))
		got := make(chan error, 1)
		go func() { _, err := c.do(context.Background(), 1); got <- err }()
		require.Eventually(t, func() bool { return len(c.in) == 0 }, time.Second, time.Millisecond)
		time.Sleep(10 * time.Millisecond) // the flush has begun
		c.Stop()
		require.True(t, done.Load(), "Stop returned only after the flush under way")
		require.NoError(t, <-got, "the flush under way completed its callers")
		require.Zero(t, runningFlushers(c), "no flusher outlives Stop")
	})

	t.Run("FlushEndsByTheLatestCallersDeadline", func(t *testing.T) {
		t.Parallel()
		deadlines := make(chan time.Time, 2)
		c := started(t, newCoalescer(1, 10, func(ctx context.Context, items []int) []result[int] {
			d, _ := ctx.Deadline()
			deadlines <- d
			return each(len(items), nil, func(i int) int { return items[i] })
		}))
		late := time.Now().Add(3 * time.Second)
		ctx, cancel := context.WithDeadline(context.Background(), late)
		defer cancel()
		_, err := c.do(ctx, 1)
		require.NoError(t, err)
		require.WithinDuration(t, late, <-deadlines, time.Millisecond, "a flush outliving its callers would store what they were told failed")

		_, err = c.do(context.Background(), 2)
		require.NoError(t, err)
		require.WithinDuration(t, time.Now().Add(flushTimeout), <-deadlines, time.Second, "a caller without a deadline gets the full flush timeout")
	})
}
