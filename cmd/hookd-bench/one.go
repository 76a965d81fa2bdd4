package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// The one-endpoint scenarios: everything to one webhook, the commonest
// shape a community product has (one integration receiving every event).

// oneBurst is the burst scenario to one webhook.
func (r *runner) oneBurst(ctx context.Context) *result {
	n := r.cfg.Burst
	res := &result{Scenario: "one-burst", Label: fmt.Sprintf("one endpoint, burst %d", n),
		Title: fmt.Sprintf("one endpoint: burst %d events (batches of %d, %d at once)", n, burstBatch, burstConcurrency)}
	_, cost := r.burstOver(ctx, res, 1, 3500)
	checkCost(res, cost, 0.6)
	if cost.SnoozesPerDelivery >= 0 {
		res.check("River snoozes per delivery", cost.SnoozesPerDelivery, unitCount, "< 0.05", cost.SnoozesPerDelivery < 0.05)
	}
	return res
}

// checkCost checks hookd's and Postgres's CPU per 1,000 deliveries.
func checkCost(res *result, cost windowCost, target float64) {
	if cost.CPUPerK < 0 {
		return
	}
	res.check("hookd + Postgres CPU per 1,000 deliveries", cost.CPUPerK, unitSeconds, fmt.Sprintf("≤ %.1f s", target), cost.CPUPerK <= target)
}

// singlesClients is how many emit requests the one-singles scenario keeps
// in flight: a busy community product's web servers.
const singlesClients = 32

// oneSingles: N single emits (POST /v2/events), singlesClients at once as
// fast as hookd answers, to one webhook; delivery should keep up with
// intake, not queue behind it.
func (r *runner) oneSingles(ctx context.Context) *result {
	n := r.cfg.Singles
	res := &result{Scenario: "one-singles", Label: fmt.Sprintf("one endpoint, %d single emits", n),
		Title: fmt.Sprintf("one endpoint: %d single emits from %d concurrent clients", n, singlesClients)}
	s, err := r.startSystem(ctx, res.Scenario)
	if err != nil {
		return failed(res, err)
	}
	defer r.closeSystem(s, res)
	tenants, _, err := r.spreadWebhooks(ctx, s, 1, nil)
	if err != nil {
		return failed(res, err)
	}
	m, err := r.begin(ctx, s, false)
	if err != nil {
		return failed(res, err)
	}

	ids := r.eventIDs(res.Scenario)
	started := make([]int64, n)
	ok := make([]bool, n)
	var (
		errs    errorLog
		mu      sync.Mutex
		lastAck int64
	)
	start := time.Now()
	_ = forEach(ctx, n, singlesClients, func(ctx context.Context, i int) error {
		started[i] = time.Now().UnixNano()
		status, _, err := s.api.emit(ctx, tenants[0], ids.id(i), i)
		mu.Lock()
		lastAck = max(lastAck, time.Now().UnixNano())
		mu.Unlock()
		if err != nil {
			errs.add(err)
			return nil // count it and go on
		}
		ok[i] = status == http.StatusAccepted
		return nil
	})
	accepted := 0
	for _, good := range ok {
		if good {
			accepted++
		}
	}
	count, waitErr := s.rcv.waitFor(ctx, r.cfg.StallTimeout, s.hookdDone(), func(c receiverCount) bool { return c.Unique >= accepted })
	arrivals, err := s.rcv.results(ctx)
	if err != nil {
		return failed(res, err)
	}
	first, dups := firstArrivals(arrivals)
	var (
		lat  []time.Duration
		last int64
	)
	for _, a := range first {
		if i := ids.index(a.EventID); i >= 0 && i < n && ok[i] {
			lat = append(lat, time.Duration(a.At-started[i]))
			last = max(last, a.At)
		}
	}
	res.add("events accepted (202)", float64(accepted), unitCount)
	res.add("deliveries received", float64(len(lat)), unitCount)
	res.add("duplicate deliveries", float64(dups), unitCount)
	errCount := (n - accepted) + (accepted - len(lat))
	res.check("errors (rejected events + missing deliveries)", float64(errCount), unitCount, "0", errCount == 0)
	intake := rate(accepted, start.UnixNano(), lastAck)
	res.add("intake rate (202s / time to the last answer)", intake, unitPerSec)
	if len(lat) > 0 {
		delivered := rate(len(lat), start.UnixNano(), last)
		res.add("delivery rate (deliveries / time to the last one)", delivered, unitPerSec)
		res.check("delivery rate / intake rate", delivered/intake*100, unitPercent, "≥ 90 %", delivered >= 0.9*intake)
		res.add("last delivery after the last 202", float64(last-lastAck)/1e9, unitSeconds)
	}
	l := summarize(lat)
	res.text("latency p50 / p99 (emit start → receiver)", msPair(l.P50, l.P99))
	for _, e := range errs.samples {
		res.notef("emit error: %s", e)
	}
	r.end(ctx, s, m, res, counted{Accepted: accepted, Receiver: count})
	if waitErr != nil {
		res.Error = "waiting for deliveries: " + waitErr.Error()
	}
	return res
}

// oneSteady: the steady scenario at rate to one webhook.
func (r *runner) oneSteady(ctx context.Context, rate int) *result {
	name := fmt.Sprintf("one-steady%d", rate)
	target := 250 * time.Millisecond
	if rate <= 1000 {
		target = 100 * time.Millisecond
	}
	res := &result{Scenario: "one-steady", Label: fmt.Sprintf("one endpoint, steady %d/s", rate),
		Title: fmt.Sprintf("one endpoint: steady %d/s for %s", rate, r.cfg.Duration)}
	s, err := r.startSystem(ctx, name)
	if err != nil {
		return failed(res, err)
	}
	defer r.closeSystem(s, res)
	tenants, _, err := r.spreadWebhooks(ctx, s, 1, nil)
	if err != nil {
		return failed(res, err)
	}
	if _, _, err := r.paced(ctx, s, res, rate, tenants, r.eventIDs(name), func(int) bool { return true }, "deliveries", target); err != nil {
		return failed(res, err)
	}
	if rate >= 2000 {
		hookdCPU, ok1 := rowValue(res, rowHookdCPU)
		pgCPU, ok2 := rowValue(res, rowPostgresCPU)
		if ok1 && ok2 {
			checkCost(res, windowCost{CPUPerK: hookdCPU + pgCPU}, 1.0)
		}
	}
	return res
}
