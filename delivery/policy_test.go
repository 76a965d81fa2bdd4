package delivery_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/delivery"
	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/deliverytest"
	"github.com/hookd/hookd/store"
)

func schedule(gaps ...int) webhookOpt {
	return func(p *store.CreateWebhookParams) { p.RetrySchedule, p.RetryCount = gaps, len(gaps) }
}

// emitTo emits an event to the webhooks of tenant.
func (e *engine) emitTo(t *testing.T, tenant string) delivery.Emitted {
	t.Helper()
	out, err := e.dispatcher.Emit(e.ctx, []delivery.EmitRequest{{Type: "comment.created", Data: []byte(`{}`), Tenant: tenant}})
	require.NoError(t, err)
	return out[0]
}

// requireGaps checks the gaps between the attempts a receiver saw.
func requireGaps(t *testing.T, got []deliverytest.Received, want ...time.Duration) {
	t.Helper()
	for k, due := range want {
		gap := got[k+1].At.Sub(got[k].At)
		require.InDelta(t, float64(due), float64(gap), float64(due/20+250*time.Millisecond), "gap after attempt %d: %s, due %s", k+1, gap, due)
	}
}

// TestOwnRetrySchedule: a webhook's own schedule is used exactly as given,
// not scaled by the engine's retry base (200 ms here), and its length is
// the number of retries.
func TestOwnRetrySchedule(t *testing.T) {
	t.Parallel()
	e := setupEngine(t).start(t)
	rcv := deliverytest.NewReceiver(t)
	rcv.Respond(deliverytest.Status(http.StatusInternalServerError))
	e.webhook(t, rcv.URL, schedule(1, 2, 3), tenant("own"))

	out := e.emitTo(t, "own")
	got := rcv.WaitFor(t, 4, 15*time.Second)
	requireGaps(t, got, time.Second, 2*time.Second, 3*time.Second)
	for k := range got {
		require.Equal(t, strconv.Itoa(k+1), got[k].Header.Get("Hookd-Attempt"))
	}
	d := e.waitDelivery(t, out.ID, 5*time.Second)
	require.Equal(t, domain.DeliveryFailed, d.Status)
	time.Sleep(500 * time.Millisecond)
	require.Equal(t, 4, rcv.Count(), "three waits: four attempts")
}

// TestRetryScheduleReadAtFailure: the schedule in force when an attempt
// fails decides the next wait.
func TestRetryScheduleReadAtFailure(t *testing.T) {
	t.Parallel()
	e := setupEngine(t).start(t)
	rcv := deliverytest.NewReceiver(t)
	rcv.Respond(deliverytest.Status(http.StatusInternalServerError))
	w := e.webhook(t, rcv.URL, schedule(3, 3), tenant("changed"))
	out := e.emitTo(t, "changed")
	require.Eventually(t, func() bool {
		list, err := e.store.EventDeliveries(e.ctx, e.db.Pool, domain.EventKey{Tenant: "changed", ID: out.ID})
		require.NoError(t, err)
		return list[0].Attempts == 1
	}, 5*time.Second, 10*time.Millisecond)
	_, err := e.store.UpdateWebhook(e.ctx, e.db.Pool, w.ID, nil, store.UpdateWebhookParams{RetrySchedule: []int{1, 1}, SetRetrySchedule: true})
	require.NoError(t, err)
	// The first wait was set when attempt 1 failed; the second follows the
	// new schedule.
	got := rcv.WaitFor(t, 3, 15*time.Second)
	requireGaps(t, got, 3*time.Second, time.Second)
}

// TestRetryAfterAtTheReceiver: a receiver's Retry-After on 429 and 503
// only ever pushes the next attempt later than the schedule's wait.
func TestRetryAfterAtTheReceiver(t *testing.T) {
	t.Parallel()
	e := setupEngine(t).start(t)
	httpDate := func(code int, ahead time.Duration) deliverytest.Responder {
		return func(w http.ResponseWriter, _ *http.Request, _ int) {
			w.Header().Set("Retry-After", time.Now().Add(ahead).UTC().Format(http.TimeFormat))
			w.WriteHeader(code)
		}
	}
	tests := []struct {
		name     string
		gaps     []int
		first    deliverytest.Responder
		min, max time.Duration
	}{
		{"LongerThanTheSchedule", []int{1}, deliverytest.WithHeader(http.StatusServiceUnavailable, "Retry-After", "3"), 2900 * time.Millisecond, 3400 * time.Millisecond},
		{"ShorterThanTheSchedule", []int{2}, deliverytest.WithHeader(http.StatusTooManyRequests, "Retry-After", "1"), 1900 * time.Millisecond, 2400 * time.Millisecond},
		{"Zero", []int{2}, deliverytest.WithHeader(http.StatusTooManyRequests, "Retry-After", "0"), 1900 * time.Millisecond, 2400 * time.Millisecond},
		// A date has whole seconds: 3 s ahead is 2–3 s after truncation.
		{"HTTPDate", []int{1}, httpDate(http.StatusServiceUnavailable, 3*time.Second), 1900 * time.Millisecond, 3400 * time.Millisecond},
		{"DateInThePast", []int{2}, httpDate(http.StatusTooManyRequests, -time.Hour), 1900 * time.Millisecond, 2400 * time.Millisecond},
		{"Garbage", []int{1}, deliverytest.WithHeader(http.StatusTooManyRequests, "Retry-After", "soon"), 900 * time.Millisecond, 1400 * time.Millisecond},
		{"OnlyOn429And503", []int{1}, deliverytest.WithHeader(http.StatusInternalServerError, "Retry-After", "3"), 900 * time.Millisecond, 1400 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rcv := deliverytest.NewReceiver(t)
			rcv.Respond(deliverytest.Sequence(tt.first, deliverytest.Status(http.StatusOK)))
			e.webhook(t, rcv.URL, schedule(tt.gaps...), tenant(tt.name))
			e.emitTo(t, tt.name)
			got := rcv.WaitFor(t, 2, 10*time.Second)
			gap := got[1].At.Sub(got[0].At)
			require.True(t, gap >= tt.min && gap <= tt.max, "gap %s, want %s–%s", gap, tt.min, tt.max)
		})
	}

	// Capped at the larger of the schedule's longest wait and an hour.
	t.Run("Capped", func(t *testing.T) {
		t.Parallel()
		for _, c := range []struct {
			name string
			gaps []int
			want time.Duration
		}{{"AtAnHour", []int{1, 5}, time.Hour}, {"AtTheLongestWait", []int{1, 7200}, 2 * time.Hour}} {
			rcv := deliverytest.NewReceiver(t)
			rcv.Respond(deliverytest.WithHeader(http.StatusServiceUnavailable, "Retry-After", "86400"))
			e.webhook(t, rcv.URL, schedule(c.gaps...), tenant("capped"+c.name))
			out := e.emitTo(t, "capped"+c.name)
			rcv.WaitFor(t, 1, 5*time.Second)
			var d *domain.Delivery
			require.Eventually(t, func() bool {
				list, err := e.store.EventDeliveries(e.ctx, e.db.Pool, domain.EventKey{Tenant: "capped" + c.name, ID: out.ID})
				require.NoError(t, err)
				d = list[0]
				return d.Attempts == 1
			}, 5*time.Second, 20*time.Millisecond)
			require.NotNil(t, d.NextAttemptAt)
			require.InDelta(t, float64(c.want), float64(d.NextAttemptAt.Sub(*d.LastAttemptAt)), float64(2*time.Second), c.name)
		}
	})
}
