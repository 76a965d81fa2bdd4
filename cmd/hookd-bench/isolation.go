package main

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/hookd/hookd"
)

// The isolation scenarios: a healthy endpoint's latency alone, then beside
// endpoints that hang (the receiver never answers; hookd's 2 s timeout
// ends each attempt), on the same hookd. Webhooks are never disabled
// (HOOKD_DISABLE_AFTER=0), so the hanging ones hang for the whole run.

// noisyWebhooks is how many hanging webhooks the noisy tenant has.
const noisyWebhooks = 30

// hang: one endpoint that hangs beside one that answers, rate events a
// second to each.
func (r *runner) hang(ctx context.Context) []*result {
	rate := r.cfg.HangRate
	solo := &result{Scenario: "hang", Label: fmt.Sprintf("hang: healthy alone %d/s", rate),
		Title: fmt.Sprintf("hanging endpoint, phase 1: the healthy endpoint alone at %d/s for %s", rate, r.cfg.Duration)}
	beside := &result{Scenario: "hang", Label: fmt.Sprintf("hang: healthy beside hanging, %d/s each", rate),
		Title: fmt.Sprintf("hanging endpoint, phase 2: %d/s to the healthy endpoint and %d/s to one that hangs", rate, rate)}
	s, err := r.startSystem(ctx, "hang", "HOOKD_DISABLE_AFTER=0")
	if err != nil {
		return []*result{failed(solo, err), beside}
	}
	defer r.closeSystem(s, beside)
	// Webhook 0 answers, webhook 1 hangs; one tenant each.
	tenants, _, err := r.spreadWebhooks(ctx, s, 2, func(i int) bool { return i == 1 })
	if err != nil {
		return []*result{failed(solo, err), beside}
	}
	noise := noiseLoad{Rate: rate, Tenant: func(int) string { return tenants[1] }, IDs: r.eventIDs("hang-noise")}
	r.isolation(ctx, s, solo, beside, rate, tenants[:1], noise)
	if peak := r.slowPeak(ctx, s, beside); peak >= 0 {
		limit := max(workers()/10, 1)
		beside.check("most attempts in flight at the hanging endpoint", float64(peak), unitCount,
			fmt.Sprintf("≤ %d (a tenth of %d workers)", limit, workers()), peak <= limit)
	}
	return []*result{solo, beside}
}

// noisy: one tenant with noisyWebhooks hanging webhooks (each of its
// events fans out to all of them) beside a healthy tenant's one webhook at
// the noisy rate.
func (r *runner) noisy(ctx context.Context) []*result {
	rate := r.cfg.NoisyRate
	noiseRate := r.cfg.NoiseRate
	solo := &result{Scenario: "noisy", Label: fmt.Sprintf("noisy: healthy tenant alone %d/s", rate),
		Title: fmt.Sprintf("noisy tenant, phase 1: the healthy tenant alone at %d/s for %s", rate, r.cfg.Duration)}
	beside := &result{Scenario: "noisy", Label: fmt.Sprintf("noisy: healthy tenant beside %d hanging webhooks", noisyWebhooks),
		Title: fmt.Sprintf("noisy tenant, phase 2: the healthy tenant at %d/s beside a tenant emitting %d/s to %d hanging webhooks (%d attempts/s)",
			rate, noiseRate, noisyWebhooks, noiseRate*noisyWebhooks)}
	s, err := r.startSystem(ctx, "noisy", "HOOKD_DISABLE_AFTER=0")
	if err != nil {
		return []*result{failed(solo, err), beside}
	}
	defer r.closeSystem(s, beside)
	healthy, noisyTenant := s.tenant+"-healthy", s.tenant+"-noisy"
	specs := []webhookSpec{{Tenant: healthy, URL: s.rcv.hookURL(0, false)}}
	for i := 1; i <= noisyWebhooks; i++ {
		specs = append(specs, webhookSpec{Tenant: noisyTenant, URL: s.rcv.hookURL(i, true)})
	}
	if _, err := s.api.createWebhooks(ctx, specs); err != nil {
		return []*result{failed(solo, err), beside}
	}
	noise := noiseLoad{Rate: noiseRate, Tenant: func(int) string { return noisyTenant }, IDs: r.eventIDs("noisy-noise")}
	r.isolation(ctx, s, solo, beside, rate, []string{healthy}, noise)
	if peak := r.slowPeak(ctx, s, beside); peak >= 0 {
		limit := max(workers()/2, 1)
		beside.check("most attempts in flight at the noisy tenant's endpoints", float64(peak), unitCount,
			fmt.Sprintf("≤ %d (its fair share of %d workers)", limit, workers()), peak <= limit)
	}
	return []*result{solo, beside}
}

// isolation runs the healthy tenants at rate alone (solo), then again
// beside noise (beside), and holds the second p99 against the first.
func (r *runner) isolation(ctx context.Context, s *system, solo, beside *result, rate int, healthy []string, noise noiseLoad) {
	all := func(int) bool { return true }
	alone, _, err := r.paced(ctx, s, solo, rate, healthy, r.eventIDs(s.name+"-solo"), all, "deliveries", 0)
	if err != nil {
		failed(solo, err)
		return
	}
	with, _, err := r.paced(ctx, s, beside, rate, healthy, r.eventIDs(s.name+"-beside"), all, "healthy deliveries", 0, noise)
	if err != nil {
		failed(beside, err)
		return
	}
	if alone.N == 0 || with.N == 0 || alone.P99 <= 0 {
		beside.text("healthy p99 beside / alone", "n/a (nothing delivered)")
		return
	}
	ratio := float64(with.P99) / float64(alone.P99)
	beside.check(fmt.Sprintf("healthy p99 beside / alone (%.1f ms)", ms(alone.P99)), ratio, unitRatio, "≤ 2×", ratio <= 2)
}

// slowPeak is the most hanging requests the receiver held at once.
func (r *runner) slowPeak(ctx context.Context, s *system, res *result) int {
	c, err := s.rcv.count(ctx)
	if err != nil {
		res.notef("could not ask the receiver: %v", err)
		return -1
	}
	res.add("attempts received by the hanging endpoints", float64(c.Slow), unitCount)
	return c.SlowPeak
}

// workers is hookd's worker count as the benchmark runs it.
func workers() int {
	if n, err := strconv.Atoi(os.Getenv("HOOKD_WORKERS")); err == nil && n > 0 {
		return n
	}
	return hookd.WorkersDefault
}
