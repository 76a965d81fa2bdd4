package main

import (
	"context"
	"fmt"
	"time"
)

// steady: a paced producer emits rate events a second for the duration,
// event i to webhook i%W alone (one webhook per tenant), so rate events/s
// are rate deliveries/s. It measures the delivery rate achieved and the
// end-to-end latency, from the emit request's start to the receiver.
func (r *runner) steady(ctx context.Context, rate int) *result {
	name := fmt.Sprintf("steady%d", rate)
	res := &result{Scenario: "steady", Label: fmt.Sprintf("steady %d/s", rate), Title: fmt.Sprintf("steady %d/s (%s over %d webhooks)", rate, r.cfg.Duration, r.cfg.Webhooks)}
	s, err := r.startSystem(ctx, name)
	if err != nil {
		return failed(res, err)
	}
	defer r.closeSystem(s, res)
	tenants, _, err := r.spreadWebhooks(ctx, s, r.cfg.Webhooks, nil)
	if err != nil {
		return failed(res, err)
	}
	lat, sustained, err := r.paced(ctx, s, res, rate, tenants, r.eventIDs(name), func(int) bool { return true }, "deliveries", steadyP99Target)
	if err != nil {
		return failed(res, err)
	}
	if lat.N > 0 {
		r.steadyBase[rate] = steadyBaseline{P99: lat.P99, Sustained: sustained}
	}
	return res
}

// noiseLoad is a paced producer running beside a measured one.
type noiseLoad struct {
	Rate   int
	Tenant func(int) string
	IDs    eventIDs
}

// steadyP99Target is the steady scenarios' latency goal.
const steadyP99Target = 200 * time.Millisecond

// paced runs a paced producer over tenants, waits for the deliveries of
// the emits keep selects, and adds the rows of both and of the
// measurement window; it returns the latencies and whether the rate was
// sustained. A p99Target of 0 checks no targets. Each of noise runs a
// paced producer of its own alongside, over the same window; its
// deliveries are load, not measured.
func (r *runner) paced(ctx context.Context, s *system, res *result, rate int, tenants []string, ids eventIDs,
	keep func(int) bool, what string, p99Target time.Duration, noise ...noiseLoad,
) (latencies, bool, error) {
	m, err := r.begin(ctx, s, false)
	if err != nil {
		return latencies{}, false, err
	}
	// What the receiver saw before, of an earlier phase on this system.
	base, err := s.rcv.count(ctx)
	if err != nil {
		return latencies{}, false, err
	}
	noiseRuns := make(chan *pacedRun, len(noise))
	for _, n := range noise {
		go func() { noiseRuns <- pace(ctx, s.api, n.Rate, r.cfg.Duration, r.cfg.Producers, n.Tenant, n.IDs.id) }()
	}
	tenant := func(i int) string { return tenants[i%len(tenants)] }
	p := pace(ctx, s.api, rate, r.cfg.Duration, r.cfg.Producers, tenant, ids.id)
	noiseAccepted := 0
	for range noise {
		n := <-noiseRuns
		noiseAccepted += n.accepted()
		res.add("noise events accepted (202)", float64(n.accepted()), unitCount)
		for _, e := range n.Errors.samples {
			res.notef("noise emit error: %s", e)
		}
	}

	expected := 0
	for i, ok := range p.OK {
		if ok && keep(i) {
			expected += p.Deliveries[i]
		}
	}
	// Every kept emit fans out to one webhook; the receiver's unique count
	// includes only answered (non-slow) deliveries.
	count, waitErr := s.rcv.waitFor(ctx, r.cfg.StallTimeout, s.hookdDone(), func(c receiverCount) bool { return c.Unique-base.Unique >= expected })
	count = count.since(base)
	arrivals, err := s.rcv.results(ctx)
	if err != nil {
		return latencies{}, false, err
	}
	lat, sustained := addPacedRows(res, p, matchPaced(p, ids, arrivals, keep), what, p99Target)
	r.end(ctx, s, m, res, counted{Accepted: p.accepted() + noiseAccepted, Receiver: count})
	if waitErr != nil {
		res.Error = "waiting for deliveries: " + waitErr.Error()
	}
	return lat, sustained, nil
}
