package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hookd/hookd/domain"
)

// fanout: one event to N webhooks of one tenant; the time until all are
// delivered.
func (r *runner) fanout(ctx context.Context) *result {
	n := r.cfg.Fanout
	res := &result{Scenario: "fanout", Label: fmt.Sprintf("fan-out %d", n), Title: fmt.Sprintf("fan-out of one event to %d webhooks", n)}
	return r.fanoutOver(ctx, res, nil)
}

// fanoutFormats is fanout with the webhooks spread over every delivery
// format: hookd builds one body per format, so it should take as long.
func (r *runner) fanoutFormats(ctx context.Context) *result {
	n := r.cfg.Fanout
	res := &result{Scenario: "fanout-formats", Label: fmt.Sprintf("fan-out %d, %d formats", n, len(domain.Formats)),
		Title: fmt.Sprintf("fan-out of one event to %d webhooks spread over the %d formats (%s)", n, len(domain.Formats),
			strings.Join(domain.Formats, ", "))}
	return r.fanoutOver(ctx, res, domain.Formats)
}

// fanoutOver runs a fan-out, webhook i in formats[i % len(formats)] (all
// hookd's when formats is empty).
func (r *runner) fanoutOver(ctx context.Context, res *result, formats []string) *result {
	n := r.cfg.Fanout
	s, err := r.startSystem(ctx, res.Scenario)
	if err != nil {
		return failed(res, err)
	}
	defer r.closeSystem(s, res)

	specs := make([]webhookSpec, n)
	for i := range specs {
		specs[i] = webhookSpec{Tenant: s.tenant, URL: s.rcv.hookURL(i, false)}
		if len(formats) > 0 {
			specs[i].Format = formats[i%len(formats)]
		}
	}
	setup := time.Now()
	if _, err := s.api.createWebhooks(ctx, specs); err != nil {
		return failed(res, err)
	}
	res.notef("creating the %d webhooks took %s", n, time.Since(setup).Round(time.Millisecond))
	m, err := r.begin(ctx, s, false)
	if err != nil {
		return failed(res, err)
	}

	ids := r.eventIDs("fanout")
	start := time.Now()
	_, out, err := s.api.emit(ctx, s.tenant, ids.id(0), 0)
	answered := time.Since(start)
	if err != nil {
		r.end(ctx, s, m, res, counted{})
		return failed(res, fmt.Errorf("emit: %w", err))
	}
	count, waitErr := s.rcv.waitFor(ctx, r.cfg.StallTimeout, s.hookdDone(), func(c receiverCount) bool { return c.Unique >= n })
	arrivals, err := s.rcv.results(ctx)
	if err != nil {
		return failed(res, err)
	}
	first, dups := firstArrivals(arrivals)
	var lat []time.Duration
	for _, a := range first {
		if a.EventID == ids.id(0) {
			lat = append(lat, time.Duration(a.At-start.UnixNano()))
		}
	}
	l := summarize(lat)

	res.add("deliveries the emit answer announced", float64(out.Deliveries), unitCount)
	res.add("emit answer time (202)", ms(answered), unitMS)
	res.add("deliveries received", float64(len(lat)), unitCount)
	res.add("duplicate deliveries", float64(dups), unitCount)
	missing := n - len(lat)
	res.check("missing deliveries", float64(missing), unitCount, "0", missing == 0)
	res.add("time to first delivery", ms(l.Min), unitMS)
	res.add("time to half delivered", ms(l.P50), unitMS)
	res.check("time to all delivered (emit start → last arrival)", l.Max.Seconds(), unitSeconds, "≤ 2 s",
		missing == 0 && l.Max <= 2*time.Second)
	r.end(ctx, s, m, res, counted{Accepted: 1, Receiver: count})
	if waitErr != nil {
		res.Error = "waiting for deliveries: " + waitErr.Error()
	}
	return res
}
