package delivery_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/delivery"
	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/deliverytest"
	"github.com/hookd/hookd/internal/metrics"
	"github.com/hookd/hookd/store"
)

func rateLimit(n int) webhookOpt { return func(p *store.CreateWebhookParams) { p.RateLimit = &n } }

// rateLimitedTotal reads hookd_rate_limited_total as /metrics shows it.
func rateLimitedTotal(t *testing.T) float64 {
	t.Helper()
	families, err := metrics.Registry.Gather()
	require.NoError(t, err)
	for _, f := range families {
		if f.GetName() == "hookd_rate_limited_total" {
			return f.GetMetric()[0].GetCounter().GetValue()
		}
	}
	t.Fatal("hookd_rate_limited_total is not in /metrics")
	return 0
}

// TestRateLimitAcrossEngines: two engines on one database (a serve and a
// worker) share a webhook's rate limit, measured at the receiver; waiting
// for it uses up no attempt and is no failure.
func TestRateLimitAcrossEngines(t *testing.T) {
	t.Parallel()
	e := setupEngine(t).start(t)
	setupEngineOn(t, e).start(t)
	rcv := deliverytest.NewReceiver(t)
	const rate, n = 10, 60
	w := e.webhook(t, rcv.URL, tenant("limited"), rateLimit(rate))
	fast := deliverytest.NewReceiver(t)
	e.webhook(t, fast.URL, tenant("limited"))

	reqs := make([]delivery.EmitRequest, n)
	for i := range reqs {
		reqs[i] = delivery.EmitRequest{Type: "comment.created", Data: []byte(`{}`), Tenant: "limited"}
	}
	limitedBefore := rateLimitedTotal(t)
	start := time.Now()
	out, err := e.dispatcher.Emit(e.ctx, reqs)
	require.NoError(t, err)
	fast.WaitFor(t, n, 10*time.Second)
	require.Less(t, time.Since(start), 3*time.Second, "the unlimited webhook beside it is not held back")

	got := rcv.WaitFor(t, n, 30*time.Second)
	span := got[n-1].At.Sub(got[0].At)
	measured := float64(n-1) / span.Seconds()
	require.InDelta(t, rate, measured, rate*0.1, "%.2f/s over %s", measured, span)
	// Nor does any 3 s stretch hold more than 10 % above the rate: a job
	// comes back up to River's polling (50 ms) after its slot, so single
	// gaps vary; their sum does not.
	for i := range got {
		in := 0
		for j := i; j < n && got[j].At.Sub(got[i].At) < 3*time.Second; j++ {
			in++
		}
		require.LessOrEqual(t, float64(in), 3*rate*1.1, "deliveries in the 3 s from %d", i)
	}
	time.Sleep(300 * time.Millisecond)
	require.Equal(t, n, rcv.Count(), "each once")

	// Waiting was no attempt and no failure.
	for _, r := range got {
		require.Equal(t, "1", r.Header.Get("Hookd-Attempt"))
	}
	for _, o := range out {
		list, err := e.store.EventDeliveries(e.ctx, e.db.Pool, domain.EventKey{Tenant: "limited", ID: o.ID})
		require.NoError(t, err)
		for _, d := range list {
			require.Equal(t, domain.DeliverySucceeded, d.Status)
			require.Equal(t, 1, d.Attempts)
		}
	}
	require.Zero(t, e.reload(t, w.ID).ConsecutiveFailures)
	require.GreaterOrEqual(t, rateLimitedTotal(t)-limitedBefore, float64(n/2), "hookd_rate_limited_total counts the waits")

	// Both engines sent to it.
	var engines int
	require.NoError(t, e.db.Pool.QueryRow(e.ctx, `SELECT count(DISTINCT attempted_by[cardinality(attempted_by)])
		FROM river_job WHERE kind = 'hookd_deliver' AND (args->>'webhook_id')::bigint = $1`, w.ID).Scan(&engines))
	require.Equal(t, 2, engines)
}

// TestRateLimitAfterEnabling: a webhook enabled again starts its limit
// afresh; the slots handed out before went to deliveries that disabling it
// cancelled.
func TestRateLimitAfterEnabling(t *testing.T) {
	t.Parallel()
	e := setupEngine(t).start(t)
	rcv := deliverytest.NewReceiver(t)
	w := e.webhook(t, rcv.URL, tenant("enabled"), rateLimit(1))
	emit := func(n int) {
		reqs := make([]delivery.EmitRequest, n)
		for i := range reqs {
			reqs[i] = delivery.EmitRequest{Type: "comment.created", Data: []byte(`{}`), Tenant: "enabled"}
		}
		_, err := e.dispatcher.Emit(e.ctx, reqs)
		require.NoError(t, err)
	}
	emit(30) // 30 s of slots at 1/s
	rcv.WaitFor(t, 1, 5*time.Second)
	for _, status := range []string{domain.WebhookInactive, domain.WebhookActive} {
		// Disabling takes the webhook's row, then its deliveries'; recording
		// an attempt the other way round, so the two can deadlock (one is
		// refused, and is tried again).
		require.Eventually(t, func() bool {
			_, err := e.store.UpdateWebhook(e.ctx, e.db.Pool, w.ID, nil, store.UpdateWebhookParams{Status: &status})
			return err == nil
		}, 5*time.Second, 50*time.Millisecond)
	}
	before := rcv.Count()
	start := time.Now()
	emit(1)
	require.Eventually(t, func() bool { return rcv.Count() > before }, 5*time.Second, 20*time.Millisecond)
	require.Less(t, time.Since(start), 3*time.Second, "not behind the cancelled deliveries' slots")
}
