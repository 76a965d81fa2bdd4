package main

import (
	"context"
	"fmt"
)

// slow: the steady scenario at the slow rate with a tenth of the webhooks
// hanging past hookd's delivery timeout (the receiver never answers under
// /slow/). Their events are part of the load; the healthy webhooks' p99 is
// compared with the steady scenario's at the same rate.
//
// hookd disables a webhook after HOOKD_DISABLE_AFTER consecutive failed
// deliveries (default 20), which with a 2 s timeout happens within seconds
// and would cancel the rest of the hanging webhooks' deliveries; the
// scenario sets it to 0 (never) so they hang for the whole run, unless the
// user's HOOKD_DISABLE_AFTER says otherwise.
func (r *runner) slow(ctx context.Context) *result {
	rate := r.cfg.SlowRate
	isSlow := func(webhook int) bool { return webhook%10 == 0 }
	nSlow := 0
	for i := range r.cfg.Webhooks {
		if isSlow(i) {
			nSlow++
		}
	}
	res := &result{Scenario: "slow", Label: fmt.Sprintf("slow %d/s", rate), Title: fmt.Sprintf("slow neighbours %d/s (%s over %d webhooks, %d hanging)", rate, r.cfg.Duration, r.cfg.Webhooks, nSlow)}
	s, err := r.startSystem(ctx, "slow", "HOOKD_DISABLE_AFTER=0")
	if err != nil {
		return failed(res, err)
	}
	defer r.closeSystem(s, res)
	tenants, _, err := r.spreadWebhooks(ctx, s, r.cfg.Webhooks, isSlow)
	if err != nil {
		return failed(res, err)
	}
	healthy := func(i int) bool { return !isSlow(i % len(tenants)) }
	lat, _, err := r.paced(ctx, s, res, rate, tenants, r.eventIDs("slow"), healthy, "healthy deliveries", 0)
	if err != nil {
		return failed(res, err)
	}
	count, err := s.rcv.count(ctx)
	if err == nil {
		res.add("attempts received by the hanging webhooks", float64(count.Slow), unitCount)
	}
	base, ok := r.steadyBase[rate]
	name := fmt.Sprintf("healthy p99 / steady %d/s p99 (%.1f ms)", rate, ms(base.P99))
	switch {
	case !ok || lat.N == 0 || base.P99 <= 0:
		res.text("healthy p99 / steady p99", fmt.Sprintf("n/a (no steady run at %d/s in this run)", rate))
	case !base.Sustained:
		// Without a sustained baseline both p99s are queueing delays.
		res.Rows = append(res.Rows, row{Name: name, Target: "< 2×",
			Text: fmt.Sprintf("%.2f× (steady %d/s was not sustained: not comparable)", float64(lat.P99)/float64(base.P99), rate)})
	default:
		ratio := float64(lat.P99) / float64(base.P99)
		res.check(name, ratio, unitRatio, "< 2×", ratio < 2)
	}
	if snap, _, err := s.api.scrape(ctx); err == nil {
		res.notef("queue at the end (hookd_queue_jobs): available %.0f, scheduled %.0f, running %.0f, retryable %.0f",
			snap[seriesQueueAvailable], snap[`hookd_queue_jobs{state="scheduled"}`], snap[`hookd_queue_jobs{state="running"}`], snap[`hookd_queue_jobs{state="retryable"}`])
	}
	return res
}
