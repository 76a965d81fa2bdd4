package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hookd/hookd/domain"
)

// fanout: one event to N webhooks of one tenant; the time until all are
// delivered.
func (r *runner) fanout(ctx context.Context) *result {
	n := r.cfg.Fanout
	res := &result{Scenario: "fanout", Label: fmt.Sprintf("fan-out %d", n), Title: fmt.Sprintf("fan-out of one event to %d webhooks", n)}
	return r.fanoutOver(ctx, res, nil, nil)
}

// fanoutFiltered is fanout with a payload filter on every webhook, which
// half of them pass: filters are evaluated at fan-out, compiled once per
// webhook, so it should take no longer, and the other half get nothing.
func (r *runner) fanoutFiltered(ctx context.Context) *result {
	n := r.cfg.Fanout
	res := &result{Scenario: "fanout-filtered", Label: fmt.Sprintf("fan-out %d, filtered", n),
		Title: fmt.Sprintf("fan-out of one event to %d webhooks with a filter each, half of which pass", n)}
	return r.fanoutOver(ctx, res, nil, func(i int) (any, bool) {
		if i%2 == 0 {
			return map[string]any{"type": eventType, "data.n": map[string]any{"$in": []int{0, i}}}, true
		}
		return map[string]any{"data.n": map[string]any{"$gte": 1}}, false
	})
}

// fanoutFormats is fanout with the webhooks spread over every delivery
// format: hookd builds one body per format, so it should take as long.
func (r *runner) fanoutFormats(ctx context.Context) *result {
	n := r.cfg.Fanout
	res := &result{Scenario: "fanout-formats", Label: fmt.Sprintf("fan-out %d, %d formats", n, len(domain.Formats)),
		Title: fmt.Sprintf("fan-out of one event to %d webhooks spread over the %d formats (%s)", n, len(domain.Formats),
			strings.Join(domain.Formats, ", "))}
	return r.fanoutOver(ctx, res, domain.Formats, nil)
}

// fanoutOver runs a fan-out, webhook i in formats[i % len(formats)] (all
// hookd's when formats is empty) with the filter filter(i) gives, if any,
// and whether the event passes it.
func (r *runner) fanoutOver(ctx context.Context, res *result, formats []string, filter func(int) (any, bool)) *result {
	n := r.cfg.Fanout
	want := n
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
		if filter != nil {
			var passes bool
			specs[i].Filter, passes = filter(i)
			if !passes {
				want--
			}
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
	count, waitErr := s.rcv.waitFor(ctx, r.cfg.StallTimeout, s.hookdDone(), func(c receiverCount) bool { return c.Unique >= want })
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
	if filter != nil {
		res.check("deliveries the emit answer announced = webhooks whose filter passes", float64(out.Deliveries), unitCount,
			strconv.Itoa(want), out.Deliveries == want)
	}
	missing := want - len(lat)
	res.check("missing deliveries", float64(missing), unitCount, "0", missing == 0)
	if missing < 0 {
		res.check("deliveries a filter should have stopped", float64(-missing), unitCount, "0", false)
	}
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
