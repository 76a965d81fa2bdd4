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
	b, okB := rowValue(base, rowHookdCPU)
	m, okM := rowValue(mixed, rowHookdCPU)
	switch {
	case base.Error != "" || mixed.Error != "":
		mixed.text("hookd CPU per delivery, mixed / hookd only", "n/a (a run did not finish)")
	case !okB || !okM || b == 0:
		mixed.text("hookd CPU per delivery, mixed / hookd only", "n/a (CPU not measured)")
	default:
		ratio := m / b
		mixed.check(fmt.Sprintf("hookd CPU per delivery, mixed / hookd only (%.3f s per 1,000)", b), ratio*100, unitPercent,
			"≤ 110 %", ratio <= 1.10)
	}
	return []*result{base, mixed}
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
	if _, _, err := r.paced(ctx, s, res, rate, tenants, r.eventIDs(name), func(int) bool { return true }, "deliveries", true); err != nil {
		failed(res, err)
	}
}

// rowHookdCPU is the row end adds with hookd's CPU per 1,000 deliveries.
const rowHookdCPU = "hookd CPU per 1,000 deliveries"

// rowValue returns the value of res's row name, if it has a measured one.
func rowValue(res *result, name string) (float64, bool) {
	for _, row := range res.Rows {
		if row.Name == name && row.Text == "" {
			return row.Value, true
		}
	}
	return 0, false
}
