package main

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"
)

// Batches of the burst scenario: the API's largest, a few at once.
const (
	burstBatch       = 500
	burstConcurrency = 4
)

// burst: N events through the batch API as fast as hookd accepts them,
// event i to webhook i%W alone; the time until the last is delivered.
func (r *runner) burst(ctx context.Context) *result {
	n := r.cfg.Burst
	res := &result{Scenario: "burst", Label: fmt.Sprintf("burst %d", n), Title: fmt.Sprintf("burst %d events (batches of %d, %d at once, over %d webhooks)", n, burstBatch, burstConcurrency, r.cfg.Webhooks)}
	rate, _ := r.burstOver(ctx, res, r.cfg.Webhooks, 3000)
	r.burstRate = rate
	return res
}

// burstOver runs a burst over webhooks and checks its delivery rate
// against target; it returns the rate (0 when nothing was delivered) and
// what the window cost.
func (r *runner) burstOver(ctx context.Context, res *result, webhooks int, target float64) (float64, windowCost) {
	n := r.cfg.Burst
	s, err := r.startSystem(ctx, res.Scenario)
	if err != nil {
		return 0, noCost(failed(res, err))
	}
	defer r.closeSystem(s, res)
	tenants, _, err := r.spreadWebhooks(ctx, s, webhooks, nil)
	if err != nil {
		return 0, noCost(failed(res, err))
	}
	m, err := r.begin(ctx, s, false)
	if err != nil {
		return 0, noCost(failed(res, err))
	}

	ids := r.eventIDs(res.Scenario)
	batches := (n + burstBatch - 1) / burstBatch
	sent := make([]int64, batches) // each batch's request start
	ok := make([]bool, batches)
	var (
		errs    errorLog
		mu      sync.Mutex
		lastAck time.Time
	)
	start := time.Now()
	_ = forEach(ctx, batches, burstConcurrency, func(ctx context.Context, b int) error {
		from, to := b*burstBatch, min((b+1)*burstBatch, n)
		sent[b] = time.Now().UnixNano()
		_, err := s.api.emitBatch(ctx, from, to, func(i int) string { return tenants[i%len(tenants)] }, ids.id)
		mu.Lock()
		lastAck = time.Now()
		mu.Unlock()
		if err != nil {
			errs.add(err)
			return nil // count it and go on
		}
		ok[b] = true
		return nil
	})
	accepted := 0
	for b, good := range ok {
		if good {
			accepted += min((b+1)*burstBatch, n) - b*burstBatch
		}
	}

	count, waitErr := s.rcv.waitFor(ctx, r.cfg.StallTimeout, s.hookdDone(), func(c receiverCount) bool { return c.Unique >= accepted })
	arrivals, err := s.rcv.results(ctx)
	if err != nil {
		return 0, noCost(failed(res, err))
	}
	first, dups := firstArrivals(arrivals)
	var (
		lat     []time.Duration
		last    int64
		unknown int
	)
	for _, a := range first {
		i := ids.index(a.EventID)
		if i < 0 || i >= n || !ok[i/burstBatch] {
			unknown++
			continue
		}
		lat = append(lat, time.Duration(a.At-sent[i/burstBatch]))
		last = max(last, a.At)
	}
	delivered := len(lat)

	res.add("events emitted", float64(n), unitCount)
	res.add("events accepted (202)", float64(accepted), unitCount)
	acceptFor := lastAck.Sub(start).Seconds()
	res.add("time to accept every batch", acceptFor, unitSeconds)
	res.add("accept rate", float64(accepted)/acceptFor, unitPerSec)
	res.add("deliveries received", float64(delivered), unitCount)
	res.add("duplicate deliveries", float64(dups), unitCount)
	missing := accepted - delivered
	errCount := (n - accepted) + missing
	res.check("errors (rejected events + missing deliveries)", float64(errCount), unitCount, "0", errCount == 0)
	var deliveryRate float64
	if delivered > 0 {
		took := float64(last-start.UnixNano()) / 1e9
		res.add("time from first batch sent to last delivery", took, unitSeconds)
		deliveryRate = float64(delivered) / took
		res.check("delivery rate", deliveryRate, unitPerSec, fmt.Sprintf("≥ %s/s", thousands(target)), deliveryRate >= target)
	}
	l := summarize(lat)
	res.text("latency p50 / p99 (batch sent → receiver)", msPair(l.P50, l.P99))
	res.add("latency max", ms(l.Max), unitMS)
	if unknown > 0 {
		res.notef("%d arrivals matched no accepted event of this run", unknown)
	}
	for _, e := range errs.samples {
		res.notef("batch error: %s", e)
	}
	cost := r.end(ctx, s, m, res, counted{Accepted: accepted, Receiver: count})
	if waitErr != nil {
		res.Error = "waiting for deliveries: " + waitErr.Error()
	}
	return deliveryRate, cost
}

// noCost is the cost of a window that was never measured.
func noCost(*result) windowCost { return windowCost{CPUPerK: -1, SnoozesPerDelivery: -1} }

// thousands writes v rounded, with commas: 3500 → "3,500".
func thousands(v float64) string {
	s := strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
