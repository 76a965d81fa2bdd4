package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/hookd/hookd/domain"
)

// steadyFormats: the steady scenario at FormatsRate twice, on fresh
// systems — every webhook in hookd's format, then the webhooks spread over
// every format — and hookd's CPU per delivery of the second against the
// first: formats must cost within 10 %.
func (r *runner) steadyFormats(ctx context.Context) []*result {
	rate := r.cfg.FormatsRate
	base := &result{Scenario: "steady-formats", Label: fmt.Sprintf("steady %d/s, hookd only", rate),
		Title: fmt.Sprintf("steady %d/s (%s over %d webhooks), all in the hookd format", rate, r.cfg.Duration, r.cfg.Webhooks)}
	mixed := &result{Scenario: "steady-formats", Label: fmt.Sprintf("steady %d/s, formats mixed", rate),
		Title: fmt.Sprintf("steady %d/s (%s over %d webhooks) spread over the %d formats (%s)", rate, r.cfg.Duration, r.cfg.Webhooks,
			len(domain.Formats), strings.Join(domain.Formats, ", "))}
	r.steadyIn(ctx, base, "steadyhookd", rate)
	if ctx.Err() != nil {
		return []*result{base}
	}
	r.steadyIn(ctx, mixed, "steadymixed", rate, domain.Formats...)
	compareCPU(base, mixed, "hookd", rowHookdCPU)
	compareCPU(base, mixed, "hookd + Postgres", rowHookdCPU, rowPostgresCPU)
	return []*result{base, mixed}
}

// compareCPU adds to mixed the ratio of its CPU per delivery (the sum of
// rows) to base's, with the 10 % target.
func compareCPU(base, mixed *result, what string, rows ...string) {
	name := what + " CPU per delivery, mixed / hookd only"
	if base.Error != "" || mixed.Error != "" {
		mixed.text(name, "n/a (a run did not finish)")
		return
	}
	var b, m float64
	for _, row := range rows {
		vb, okB := rowValue(base, row)
		vm, okM := rowValue(mixed, row)
		if !okB || !okM {
			mixed.text(name, "n/a (CPU not measured)")
			return
		}
		b, m = b+vb, m+vm
	}
	if b == 0 {
		mixed.text(name, "n/a (no CPU measured)")
		return
	}
	mixed.check(fmt.Sprintf("%s (%.3f → %.3f s per 1,000)", name, b, m), m/b*100, unitPercent, "≤ 110 %", m/b <= 1.10)
}

// steadyIn runs a paced steady load into res, with the webhooks in formats.
func (r *runner) steadyIn(ctx context.Context, res *result, name string, rate int, formats ...string) {
	s, err := r.startSystem(ctx, name)
	if err != nil {
		failed(res, err)
		return
	}
	defer r.closeSystem(s, res)
	tenants, _, err := r.spreadWebhooks(ctx, s, r.cfg.Webhooks, nil, formats...)
	if err != nil {
		failed(res, err)
		return
	}
	if _, _, err := r.paced(ctx, s, res, rate, tenants, r.eventIDs(name), func(int) bool { return true }, "deliveries", steadyP99Target); err != nil {
		failed(res, err)
	}
}

// The rows end adds with hookd's and Postgres's CPU per 1,000 deliveries.
const (
	rowHookdCPU    = "hookd CPU per 1,000 deliveries"
	rowPostgresCPU = "Postgres CPU per 1,000 deliveries"
)

// rowValue returns the value of res's row name, if it has a measured one.
func rowValue(res *result, name string) (float64, bool) {
	for _, row := range res.Rows {
		if row.Name == name && row.Text == "" {
			return row.Value, true
		}
	}
	return 0, false
}
