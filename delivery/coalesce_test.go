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

func TestCoalescer(t *testing.T) {
	t.Parallel()

	t.Run("BatchesConcurrentCallsAndAnswersEach", func(t *testing.T) {
		t.Parallel()
		var calls, maxBatch atomic.Int64
		release := make(chan struct{})
		c := newCoalescer(1, 50, func(_ context.Context, items []int) []result[int] {
			calls.Add(1)
			if int64(len(items)) > maxBatch.Load() {
				maxBatch.Store(int64(len(items)))
			}
			<-release
			return each(len(items), nil, func(i int) int { return items[i] * 10 })
		})
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
		c := newCoalescer(2, 10, func(_ context.Context, items []int) []result[int] {
			out := make([]result[int], len(items))
			for i, it := range items {
				if it%2 == 1 {
					out[i].err = bad
				}
				out[i].val = it
			}
			return out
		})
		_, err := c.do(context.Background(), 3)
		require.ErrorIs(t, err, bad)
		v, err := c.do(context.Background(), 4)
		require.NoError(t, err)
		require.Equal(t, 4, v)
	})

	t.Run("CallerContextEndsFirst", func(t *testing.T) {
		t.Parallel()
		c := newCoalescer(1, 10, func(_ context.Context, items []int) []result[int] {
			time.Sleep(200 * time.Millisecond)
			return each(len(items), nil, func(i int) int { return items[i] })
		})
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		_, err := c.do(ctx, 1)
		require.ErrorIs(t, err, context.DeadlineExceeded)
	})
}
