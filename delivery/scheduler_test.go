package delivery

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
)

var (
	fastOK   = &attemptOutcome{Duration: 5 * time.Millisecond, Status: 200}
	timedOut = &attemptOutcome{Duration: 10 * time.Second, ErrorKind: domain.AttemptErrorTimeout}
)

func TestConcurrencyLimit(t *testing.T) {
	t.Parallel()
	now := time.Now()

	t.Run("StartsAtOneAndDoublesPerRoundTrip", func(t *testing.T) {
		t.Parallel()
		c := newConcurrencyLimit()
		require.Equal(t, 1, c.allowed(), "a new endpoint is probed with one attempt")
		for range 9 {
			c.observe(*fastOK, 100, now)
		}
		require.Equal(t, 10, c.allowed())
		for range 200 {
			c.observe(*fastOK, 100, now)
		}
		require.Equal(t, 100, c.allowed(), "up to the ceiling, not beyond")
	})

	t.Run("HalvesOncePerIntervalDownToOne", func(t *testing.T) {
		t.Parallel()
		c := concurrencyLimit{limit: 64}
		for range 20 { // the answers of one burst of attempts in flight
			c.observe(*timedOut, 100, now)
		}
		require.Equal(t, 32, c.allowed(), "one signal, one cut")
		at := now
		for range 10 {
			at = at.Add(cutInterval)
			c.observe(*timedOut, 100, at)
		}
		require.Equal(t, 1, c.allowed(), "floor of one, so it can earn its way back")
	})

	t.Run("EarnsItBackLinearlyAfterACut", func(t *testing.T) {
		t.Parallel()
		c := concurrencyLimit{limit: 40}
		c.observe(*timedOut, 100, now)
		require.Equal(t, 20, c.allowed())
		for range 20 { // one round trip's worth of answers at 20 in flight
			c.observe(*fastOK, 100, now)
		}
		require.InDelta(t, 21, c.limit, 0.1, "one per round trip above the threshold")
	})

	t.Run("WhatCountsAsCongestion", func(t *testing.T) {
		t.Parallel()
		for _, tt := range []struct {
			name      string
			o         attemptOutcome
			congested bool
		}{
			{"FastOK", attemptOutcome{Duration: time.Millisecond, Status: 200}, false},
			{"FastClientError", attemptOutcome{Duration: time.Millisecond, Status: 404, ErrorKind: domain.AttemptErrorStatus}, false},
			{"SlowOK", attemptOutcome{Duration: 3 * time.Second, Status: 200}, true},
			{"ServerError", attemptOutcome{Duration: time.Millisecond, Status: 503, ErrorKind: domain.AttemptErrorStatus}, true},
			{"TooManyRequests", attemptOutcome{Duration: time.Millisecond, Status: 429, ErrorKind: domain.AttemptErrorStatus}, true},
			{"Timeout", attemptOutcome{Duration: 10 * time.Second, ErrorKind: domain.AttemptErrorTimeout}, true},
			{"Reset", attemptOutcome{Duration: time.Millisecond, ErrorKind: domain.AttemptErrorConnection}, true},
			{"Refused", attemptOutcome{Duration: time.Millisecond, ErrorKind: domain.AttemptErrorConnection}, true},
		} {
			require.Equal(t, tt.congested, tt.o.congested(), tt.name)
		}
	})
}

// grab acquires without waiting, failing the test if that is impossible.
func grab(t *testing.T, s *scheduler, webhookID int64, tenant string) *ticket {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	tk, _, err := s.acquire(ctx, webhookID, tenant)
	require.NoError(t, err)
	return tk
}

func TestScheduler(t *testing.T) {
	t.Parallel()

	t.Run("FastEndpointGetsEveryWorker", func(t *testing.T) {
		t.Parallel()
		s := newScheduler(100, 100, 0, time.Second)
		for range 200 {
			grab(t, s, 1, "a").release(fastOK)
		}
		var held []*ticket
		for range 100 {
			held = append(held, grab(t, s, 1, "a"))
		}
		require.Equal(t, 100, s.sending, "one busy endpoint uses all workers")
		for _, tk := range held {
			tk.release(fastOK)
		}
	})

	t.Run("HangingEndpointHoldsItsReducedShare", func(t *testing.T) {
		t.Parallel()
		s := newScheduler(100, 100, 0, time.Second)
		clock := time.Now()
		s.now = func() time.Time { return clock }
		// It looked healthy at first, then every attempt timed out.
		for range 50 {
			grab(t, s, 7, "a").release(fastOK)
		}
		for range 8 {
			clock = clock.Add(cutInterval)
			grab(t, s, 7, "a").release(timedOut)
		}
		require.Equal(t, 1, s.endpoints[7].limit.allowed())
		hung := grab(t, s, 7, "a")
		// One more may wait for that slot; the next goes back to Postgres.
		waiting := make(chan error, 1)
		go func() {
			tk, _, err := s.acquire(context.Background(), 7, "a")
			if err == nil {
				tk.release(timedOut)
			}
			waiting <- err
		}()
		require.Eventually(t, func() bool { s.mu.Lock(); defer s.mu.Unlock(); return s.waiting == 1 }, time.Second, time.Millisecond)
		_, snooze, err := s.acquire(context.Background(), 7, "a")
		require.ErrorIs(t, err, errMustSnooze)
		require.Positive(t, snooze)
		// Meanwhile a healthy endpoint of the same tenant has the rest.
		var held []*ticket
		for range 99 {
			held = append(held, grab(t, s, 8, "a"))
			held[len(held)-1].release(fastOK)
		}
		hung.release(timedOut)
		require.NoError(t, <-waiting)
	})

	t.Run("SnoozesSpreadAtTheEndpointsPace", func(t *testing.T) {
		t.Parallel()
		s := newScheduler(10, 10, 0, time.Second)
		clock := time.Now()
		s.now = func() time.Time { return clock }
		e := s.endpoint(3, "a", clock)
		e.latency = 2 * time.Second // one slot frees every 2 s
		tk := grab(t, s, 3, "a")
		go func() { _, _, _ = s.acquire(context.Background(), 3, "a") }() // the one that may wait
		require.Eventually(t, func() bool { s.mu.Lock(); defer s.mu.Unlock(); return s.waiting == 1 }, time.Second, time.Millisecond)
		var last time.Duration
		for i := range 5 {
			_, d, err := s.acquire(context.Background(), 3, "a")
			require.ErrorIs(t, err, errMustSnooze)
			require.Greater(t, d, last, "snooze %d comes back after the one before", i)
			last = d
		}
		require.Equal(t, 10*time.Second, last, "spread one slot (2 s) apart")
		tk.release(fastOK)
	})

	t.Run("NewJobsOfAStalledEndpointAreHeldBack", func(t *testing.T) {
		t.Parallel()
		s := newScheduler(10, 10, 0, 5*time.Second)
		require.Zero(t, s.holdBack(5), "an endpoint this process has not seen")
		e := s.endpoint(5, "a", time.Now())
		e.latency = 2 * time.Second
		e.limit = concurrencyLimit{limit: 1, threshold: 1} // cut to one, answering slowly
		tk := grab(t, s, 5, "a")
		require.Zero(t, s.holdBack(5), "room to wait: the next job waits in memory")
		waited := make(chan error, 1)
		go func() {
			w, _, err := s.acquire(context.Background(), 5, "a")
			if err == nil {
				w.release(fastOK)
			}
			waited <- err
		}()
		require.Eventually(t, func() bool { s.mu.Lock(); defer s.mu.Unlock(); return s.waiting == 1 }, time.Second, time.Millisecond)
		first := s.holdBack(5)
		require.Positive(t, first, "no room to wait: queued for later instead of fetched and snoozed")
		require.Greater(t, s.holdBack(5), first, "held back jobs are spread at the endpoint's pace")

		healthy := s.endpoint(6, "a", time.Now())
		healthy.latency = 5 * time.Millisecond
		require.Zero(t, s.holdBack(6), "a healthy endpoint's jobs are never held back")
		tk.release(fastOK)
		require.NoError(t, <-waited)
	})

	t.Run("ANewEndpointThatHangsIsPacedByItsAttemptInFlight", func(t *testing.T) {
		t.Parallel()
		s := newScheduler(10, 10, 0, 5*time.Second)
		clock := time.Now()
		s.now = func() time.Time { return clock }
		tk := grab(t, s, 9, "a") // its first attempt: no latency known yet
		go func() { _, _, _ = s.acquire(context.Background(), 9, "a") }()
		require.Eventually(t, func() bool { s.mu.Lock(); defer s.mu.Unlock(); return s.waiting == 1 }, time.Second, time.Millisecond)
		clock = clock.Add(1500 * time.Millisecond) // still no answer
		_, d, err := s.acquire(context.Background(), 9, "a")
		require.ErrorIs(t, err, errMustSnooze)
		require.GreaterOrEqual(t, d, 1500*time.Millisecond, "snoozed for as long as the attempt in flight has taken, not the shortest snooze")
		tk.release(timedOut)
	})

	t.Run("ANewFastEndpointsFirstBurstComesBackAtOnce", func(t *testing.T) {
		t.Parallel()
		s := newScheduler(100, 100, 0, 5*time.Second)
		clock := time.Now()
		s.now = func() time.Time { return clock }
		grab(t, s, 4, "a").release(fastOK) // the probe answered fast: limit 2
		held := []*ticket{grab(t, s, 4, "a"), grab(t, s, 4, "a")}
		for range 2 {
			go func() { _, _, _ = s.acquire(context.Background(), 4, "a") }()
		}
		require.Eventually(t, func() bool { s.mu.Lock(); defer s.mu.Unlock(); return s.waiting == 2 }, time.Second, time.Millisecond)
		clock = clock.Add(20 * time.Millisecond)
		var longest time.Duration
		for range 196 { // the rest of what River fetched at once
			_, d, err := s.acquire(context.Background(), 4, "a")
			require.ErrorIs(t, err, errMustSnooze)
			longest = max(longest, d)
		}
		// At its limit's pace (two at a time, 20 ms in flight) the last would
		// come back after 2 s; the limit doubles every round trip.
		require.LessOrEqual(t, longest, 2*minSnooze, "spread at the ceiling's pace")
		for _, tk := range held {
			tk.release(fastOK)
		}

		cut := &endpoint{limit: concurrencyLimit{limit: 2, threshold: 2}, latency: 5 * time.Millisecond}
		longest = 0
		for range 196 {
			longest = max(longest, cut.snoozeFor(clock, s.ceiling))
		}
		require.GreaterOrEqual(t, longest, 400*time.Millisecond, "an endpoint cut before earns its way back slowly: spread at its limit's pace")

		// One whose probe has been in flight 300 ms may be hanging: its jobs
		// come back no sooner than that, but not one probe's time apart
		// (that was 196 × 300 ms: a minute).
		silent := &endpoint{limit: concurrencyLimit{limit: 1}, sending: 1, busySince: clock.Add(-300 * time.Millisecond)}
		shortest := time.Hour
		longest = 0
		for range 196 {
			d := silent.snoozeFor(clock, s.ceiling)
			shortest, longest = min(shortest, d), max(longest, d)
		}
		require.GreaterOrEqual(t, shortest, 300*time.Millisecond, "not back before the probe has had as long again")
		require.Less(t, longest, slowAnswer)
	})

	t.Run("ATenantAloneUsesEverything", func(t *testing.T) {
		t.Parallel()
		s := newScheduler(10, 10, 0, time.Second)
		var held []*ticket
		for id := range int64(10) { // ten endpoints, one attempt each
			held = append(held, grab(t, s, id, "only"))
		}
		require.Equal(t, 10, s.sending)
		for _, tk := range held {
			tk.release(fastOK)
		}
	})

	t.Run("FairShareWhenTenantsCompete", func(t *testing.T) {
		t.Parallel()
		s := newScheduler(10, 10, 0, 5*time.Second)
		// Tenant a fills every worker (ten endpoints of its own).
		var heldA []*ticket
		for id := range int64(10) {
			heldA = append(heldA, grab(t, s, id, "a"))
		}
		// b arrives and waits; as a's attempts end, b gets slots until the
		// two share the workers evenly, then a gets its own back.
		var wg sync.WaitGroup
		got := make(chan *ticket, 10)
		for id := range int64(5) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tk, _, err := s.acquire(context.Background(), 100+id, "b")
				if err == nil {
					got <- tk
				}
			}()
		}
		require.Eventually(t, func() bool { s.mu.Lock(); defer s.mu.Unlock(); return s.waiting == 5 }, time.Second, time.Millisecond)
		for _, tk := range heldA[:5] {
			tk.release(fastOK)
		}
		wg.Wait()
		require.Len(t, got, 5, "b's jobs took the slots a released")
		s.mu.Lock()
		require.Equal(t, 5, s.tenants["a"].sending)
		require.Equal(t, 5, s.tenants["b"].sending)
		require.Equal(t, 5, s.tenantShare(s.tenants["a"]), "both active and busy: half each")
		s.mu.Unlock()
		close(got)
		for tk := range got {
			tk.release(fastOK)
		}
		s.mu.Lock()
		require.Equal(t, 10, s.tenantShare(s.tenants["a"]), "b needs nothing now: a may use it all")
		s.mu.Unlock()
		for _, tk := range heldA[5:] {
			tk.release(fastOK)
		}
	})

	t.Run("ConfiguredTenantCap", func(t *testing.T) {
		t.Parallel()
		s := newScheduler(10, 10, 3, 20*time.Millisecond)
		var held []*ticket
		for id := range int64(3) {
			held = append(held, grab(t, s, id, "a"))
		}
		_, _, err := s.acquire(context.Background(), 9, "a")
		require.ErrorIs(t, err, errMustSnooze, "waited its time, then back to Postgres")
		for _, tk := range held {
			tk.release(fastOK)
		}
	})

	t.Run("CallerContextEndsTheWait", func(t *testing.T) {
		t.Parallel()
		s := newScheduler(1, 1, 0, time.Minute)
		tk := grab(t, s, 1, "a")
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		_, _, err := s.acquire(ctx, 2, "a")
		require.ErrorIs(t, err, context.DeadlineExceeded)
		s.mu.Lock()
		require.Zero(t, s.waiting, "the abandoned waiter is gone")
		s.mu.Unlock()
		tk.release(fastOK)
		grab(t, s, 2, "a").release(fastOK)
	})

	t.Run("ForgetsIdleEndpoints", func(t *testing.T) {
		t.Parallel()
		s := newScheduler(4, 4, 0, time.Second)
		clock := time.Now()
		s.now = func() time.Time { return clock }
		var forgot []int64
		s.onForget = func(id int64) { forgot = append(forgot, id) }
		grab(t, s, 1, "a").release(fastOK)
		clock = clock.Add(forgetAfter + 2*time.Minute)
		grab(t, s, 2, "b").release(fastOK)
		require.Equal(t, []int64{1}, forgot)
		require.NotContains(t, s.tenants, "a")
	})
}

func TestSnoozeCapFollowsTheEndpoint(t *testing.T) {
	t.Parallel()
	now := time.Now()
	healthy := &endpoint{limit: concurrencyLimit{limit: 1}, latency: 10 * time.Millisecond, nextFree: now.Add(2 * maxSnooze)}
	d := healthy.snoozeFor(now, 1)
	require.GreaterOrEqual(t, d, maxSnooze/2)
	require.LessOrEqual(t, d, maxSnooze, "a backlog comes back within a minute")
	stalled := &endpoint{limit: concurrencyLimit{limit: 1}, latency: 10 * time.Second, nextFree: now.Add(2 * maxSnoozeStalled)}
	d = stalled.snoozeFor(now, 1)
	require.Greater(t, d, maxSnooze, "a stalled endpoint's backlog is not churned every minute")
	require.LessOrEqual(t, d, maxSnoozeStalled)
}
