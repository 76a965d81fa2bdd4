package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// The ratelimit scenario: a `hookd serve` and a `hookd worker` on one
// database share the work; one webhook has a rate limit of limitedRate
// deliveries a second and is offered twice that, beside limitedNeighbours
// unlimited webhooks. The limited one must hold its rate within 10 %
// measured at the receiver (the limit is held in Postgres, across both
// processes), and the others must not be slowed by it: their p99 beside it
// is held against their p99 beside the same load to a webhook without a
// limit, on the same processes (the machine's load alike, only the limit
// differs).
const (
	limitedRate       = 50
	limitedNeighbours = 5
)

func (r *runner) ratelimit(ctx context.Context) []*result {
	rate := r.cfg.LimitRate
	solo := &result{Scenario: "ratelimit", Label: fmt.Sprintf("ratelimit: %d/s to %d webhooks, %d/s to one more, no limit", rate, limitedNeighbours, 2*limitedRate),
		Title: fmt.Sprintf("rate limit, phase 1: %d/s to %d webhooks for %s beside %d/s to one more without a limit (serve + worker)",
			rate, limitedNeighbours, r.cfg.Duration, 2*limitedRate)}
	beside := &result{Scenario: "ratelimit", Label: fmt.Sprintf("ratelimit: %d/s limit beside unlimited", limitedRate),
		Title: fmt.Sprintf("rate limit, phase 2: one webhook limited to %d/s offered %d/s, beside the same %d/s to %d unlimited webhooks (serve + worker)",
			limitedRate, 2*limitedRate, rate, limitedNeighbours)}
	s, err := r.startSystem(ctx, "ratelimit")
	if err != nil {
		return []*result{failed(solo, err), beside}
	}
	defer r.closeSystem(s, beside)
	if s.env != nil {
		worker, err := startHookdCommand(ctx, r.bin, s.env, "worker")
		if err != nil {
			return []*result{failed(solo, err), beside}
		}
		defer func() {
			if err := worker.stop(hookdGrace); err != nil {
				beside.notef("hookd worker did not stop cleanly: %v", err)
			}
		}()
	} else {
		beside.notef("-hookd: one process only, unless the hookd given shares its database with others")
	}

	// Webhook 0 is limited; 1..limitedNeighbours are not, nor is the last,
	// phase 1's control. One tenant each.
	specs := make([]webhookSpec, limitedNeighbours+2)
	tenants := make([]string, len(specs))
	for i := range specs {
		tenants[i] = s.tenant + "-" + strconv.Itoa(i)
		specs[i] = webhookSpec{Tenant: tenants[i], URL: s.rcv.hookURL(i, false)}
	}
	specs[0].RateLimit = limitedRate
	if _, err := s.api.createWebhooks(ctx, specs); err != nil {
		return []*result{failed(solo, err), beside}
	}
	unlimited, control := tenants[1:len(tenants)-1], tenants[len(tenants)-1]
	beside2x := func(tenant string, ids eventIDs) chan *pacedRun {
		out := make(chan *pacedRun, 1)
		go func() {
			out <- pace(ctx, s.api, 2*limitedRate, r.cfg.Duration, r.cfg.Producers, func(int) string { return tenant }, ids.id)
		}()
		return out
	}

	alone, err := r.unlimitedPhase(ctx, s, solo, rate, unlimited, r.eventIDs("ratelimit-solo"), beside2x(control, r.eventIDs("ratelimit-control")))
	if err != nil {
		return []*result{failed(solo, err), beside}
	}
	before, _, _ := s.api.scrape(ctx)
	limitedIDs := r.eventIDs("ratelimit-limited")
	limited := beside2x(tenants[0], limitedIDs)
	with, err := r.unlimitedPhase(ctx, s, beside, rate, unlimited, r.eventIDs("ratelimit-beside"), limited)
	if err != nil {
		return []*result{solo, failed(beside, err)}
	}
	if alone.P99 > 0 && with.N > 0 {
		ratio := float64(with.P99) / float64(alone.P99)
		beside.check(fmt.Sprintf("unlimited p99 beside the limited one / beside the same load unlimited (%.1f ms)", ms(alone.P99)),
			ratio, unitRatio, "≤ 2×", ratio <= 2)
	}
	r.limitedRate(ctx, s, beside, <-limited, limitedIDs, before)
	return []*result{solo, beside}
}

// unlimitedPhase paces rate events a second over the unlimited tenants
// and reports their deliveries' latency; limited, when given, is the
// producer running beside (to the limited webhook or the control), waited
// for before returning.
func (r *runner) unlimitedPhase(ctx context.Context, s *system, res *result, rate int, tenants []string, ids eventIDs, limited chan *pacedRun) (latencies, error) {
	p := pace(ctx, s.api, rate, r.cfg.Duration, r.cfg.Producers, func(i int) string { return tenants[i%len(tenants)] }, ids.id)
	if limited != nil {
		lp := <-limited
		limited <- lp // for the caller
	}
	m, err := waitPaced(ctx, s, p, ids, time.Now().Add(r.cfg.StallTimeout+r.cfg.Duration))
	if err != nil {
		return latencies{}, err
	}
	lat, _ := addPacedRows(res, p, m, "unlimited deliveries", 0)
	return lat, nil
}

// limitedRate waits for every delivery of the limited webhook and checks
// its rate at the receiver.
func (r *runner) limitedRate(ctx context.Context, s *system, res *result, p *pacedRun, ids eventIDs, before metricsSnapshot) {
	want := p.accepted()
	res.add("limited webhook: events accepted (202)", float64(want), unitCount)
	// At the limit the backlog takes accepted / rate to drain.
	deadline := time.Now().Add(time.Duration(want/limitedRate)*time.Second + r.cfg.StallTimeout)
	var at []int64
	dups := 0
	for {
		arrivals, err := s.rcv.results(ctx)
		if err != nil {
			failed(res, err)
			return
		}
		first, d := firstArrivals(arrivals)
		at, dups = at[:0], d
		for _, a := range first {
			if ids.index(a.EventID) >= 0 {
				at = append(at, a.At)
			}
		}
		if len(at) >= want || time.Now().After(deadline) || ctx.Err() != nil {
			break
		}
		time.Sleep(time.Second)
	}
	slices.Sort(at)
	res.check("limited webhook: deliveries received", float64(len(at)), unitCount, fmt.Sprintf("= %d", want), len(at) == want)
	res.add("duplicate deliveries", float64(dups), unitCount)
	if len(at) < 2 {
		return
	}
	got := rate(len(at)-1, at[0], at[len(at)-1])
	res.check(fmt.Sprintf("limited webhook: rate at the receiver (first to last of %d)", len(at)), got, unitPerSec,
		fmt.Sprintf("%d/s ± 10 %%", limitedRate), got >= 0.9*limitedRate && got <= 1.1*limitedRate)
	// The busiest 3 s: single gaps vary by River's polling, about 50 ms.
	busiest := 0
	for i := range at {
		j, _ := slices.BinarySearch(at, at[i]+int64(3*time.Second))
		busiest = max(busiest, j-i)
	}
	res.check("limited webhook: busiest 3 s", float64(busiest)/3, unitPerSec, fmt.Sprintf("≤ %.0f/s", 1.1*limitedRate), float64(busiest)/3 <= 1.1*limitedRate)
	if after, _, err := s.api.scrape(ctx); err == nil && before != nil {
		res.add("waits for the limit in the serve process (hookd_rate_limited_total)", delta(before, after, "hookd_rate_limited_total"), unitCount)
		served := delta(before, after, seriesSucceeded)
		res.add("deliveries the serve process made in phase 2 (the worker made the rest)", served, unitCount)
	}
}

// waitPaced waits until every accepted emit of p has arrived, or deadline.
func waitPaced(ctx context.Context, s *system, p *pacedRun, ids eventIDs, deadline time.Time) (pacedLatencies, error) {
	for {
		arrivals, err := s.rcv.results(ctx)
		if err != nil {
			return pacedLatencies{}, err
		}
		m := matchPaced(p, ids, arrivals, func(int) bool { return true })
		if err := ctx.Err(); err != nil {
			return m, err
		}
		if m.Missing == 0 || time.Now().After(deadline) {
			return m, nil
		}
		time.Sleep(500 * time.Millisecond)
	}
}
