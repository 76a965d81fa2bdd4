package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/store"
)

// opBundle is a webhook with deliveries to record attempts of, and the
// operational events the recordings emitted.
type opBundle struct {
	*webhookBundle
	w       *domain.Webhook
	event   *domain.Event
	emitted []store.OperationalEvent
	calls   int
}

func setupOps(t *testing.T) *opBundle {
	t.Helper()
	b := &opBundle{webhookBundle: setupWebhook(t)}
	var err error
	b.w, err = b.store.CreateWebhook(b.ctx, b.tx, newWebhookParams("ops"))
	require.NoError(t, err)
	b.event = &domain.Event{ID: domain.NewEventID(), Tenant: "ops", Type: "comment.created", Body: []byte(`{}`), CreatedAt: time.Now()}
	_, err = b.store.InsertEvents(b.ctx, b.tx, []*domain.Event{b.event})
	require.NoError(t, err)
	return b
}

func (b *opBundle) emit(_ context.Context, _ pgx.Tx, events []store.OperationalEvent) error {
	b.calls++
	b.emitted = append(b.emitted, events...)
	return nil
}

// delivery creates a pending delivery of the bundle's event (or of
// eventType's) to its webhook.
func (b *opBundle) delivery(t *testing.T, eventType ...string) *domain.Delivery {
	t.Helper()
	typ := b.event.Type
	if len(eventType) > 0 {
		typ = eventType[0]
	}
	ds, err := b.store.InsertDeliveries(b.ctx, b.tx, []store.NewDelivery{{EventID: b.event.ID, WebhookID: b.w.ID, Tenant: "ops", EventType: typ}})
	require.NoError(t, err)
	return ds[0]
}

// record records one attempt of a new delivery: ok succeeds, otherwise it
// fails for good (the last attempt, number 3).
func (b *opBundle) record(t *testing.T, ok bool, disableAfter int, opts ...func(*store.AttemptResult)) {
	t.Helper()
	d := b.delivery(t)
	r := store.AttemptResult{Attempt: domain.Attempt{DeliveryID: d.ID, WebhookID: b.w.ID, Cycle: 1, Number: 3,
		StartedAt: time.Now(), RequestHeaders: map[string]string{}, Success: ok}, DisableAfter: disableAfter}
	if ok {
		r.Status = domain.DeliverySucceeded
	} else {
		r.Status, r.Cause = domain.DeliveryFailed, "HTTP 500"
	}
	for _, o := range opts {
		o(&r)
	}
	require.NoError(t, b.store.RecordAttempts(b.ctx, b.tx, []store.AttemptResult{r}, nil, b.emit))
}

// types are the emitted events' types, in order.
func (b *opBundle) types() []string {
	out := make([]string, len(b.emitted))
	for i, e := range b.emitted {
		out[i] = e.Type
	}
	return out
}

func (b *opBundle) data(t *testing.T, i int, into any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(b.emitted[i].Data, into))
}

func (b *opBundle) setStatus(t *testing.T, status string) {
	t.Helper()
	_, err := b.store.UpdateWebhook(b.ctx, b.tx, b.w.ID, nil, store.UpdateWebhookParams{Status: &status})
	require.NoError(t, err)
}

func TestOperationalEvents(t *testing.T) {
	t.Parallel()

	t.Run("FailingOnceThenDisabled", func(t *testing.T) {
		t.Parallel()
		b := setupOps(t)
		b.record(t, false, 4)
		require.Equal(t, []string{domain.EventDeliveryExhausted}, b.types())
		b.record(t, false, 4)
		b.record(t, false, 4)
		b.record(t, false, 4)
		require.Equal(t, []string{
			domain.EventDeliveryExhausted,
			domain.EventDeliveryExhausted, domain.EventWebhookFailing,
			domain.EventDeliveryExhausted,
			domain.EventDeliveryExhausted, domain.EventWebhookDisabled,
		}, b.types())
		for _, e := range b.emitted {
			require.Equal(t, "ops", e.Tenant)
			require.Equal(t, b.w.ID, e.WebhookID)
		}

		var exhausted domain.DeliveryExhausted
		b.data(t, 0, &exhausted)
		require.Equal(t, b.w.ID, exhausted.WebhookID)
		require.Equal(t, b.event.ID, exhausted.EventID)
		require.Equal(t, "comment.created", exhausted.EventType)
		require.Equal(t, 3, exhausted.Attempts)
		require.Equal(t, "HTTP 500", exhausted.LastError)
		require.NotZero(t, exhausted.DeliveryID)

		var failing domain.WebhookFailing
		b.data(t, 2, &failing)
		require.Equal(t, domain.WebhookFailing{WebhookID: b.w.ID, Tenant: "ops", Name: "Slack", URL: "https://hooks.example.com/a",
			ConsecutiveFailures: 2, DisableAfter: 4, LastError: "HTTP 500"}, failing)

		var disabled domain.WebhookDisabled
		b.data(t, 5, &disabled)
		require.Equal(t, domain.WebhookDisabled{WebhookID: b.w.ID, Tenant: "ops", Name: "Slack", URL: "https://hooks.example.com/a",
			Reason: domain.DisabledConsecutiveFailures, ConsecutiveFailures: 4}, disabled)

		// Failures still recorded while it is disabled (attempts that were in
		// flight) disable nothing again.
		b.record(t, false, 4)
		require.Equal(t, domain.EventDeliveryExhausted, b.types()[len(b.emitted)-1])
		require.Len(t, b.emitted, 7)
	})

	t.Run("RecoveredIsTheFirstSuccessAfterEnabling", func(t *testing.T) {
		t.Parallel()
		b := setupOps(t)
		for range 2 {
			b.record(t, false, 2)
		}
		require.Equal(t, domain.EventWebhookDisabled, b.types()[len(b.emitted)-1])
		b.emitted = nil
		got, err := b.store.GetWebhook(b.ctx, b.tx, b.w.ID, nil)
		require.NoError(t, err)
		require.Equal(t, 2, got.FailedDeliveries)
		require.NotNil(t, got.FailingSince)

		b.setStatus(t, domain.WebhookActive)
		require.Empty(t, b.emitted, "enabling it again is not a recovery")
		got, err = b.store.GetWebhook(b.ctx, b.tx, b.w.ID, nil)
		require.NoError(t, err)
		require.Zero(t, got.ConsecutiveFailures)
		require.Equal(t, 2, got.FailedDeliveries, "kept for the recovery to report")

		b.record(t, true, 2)
		require.Equal(t, []string{domain.EventWebhookRecovered}, b.types())
		var recovered domain.WebhookRecovered
		b.data(t, 0, &recovered)
		require.Equal(t, domain.WebhookRecovered{WebhookID: b.w.ID, Tenant: "ops", Name: "Slack", URL: "https://hooks.example.com/a",
			FailedDeliveries: 2}, recovered)
		got, err = b.store.GetWebhook(b.ctx, b.tx, b.w.ID, nil)
		require.NoError(t, err)
		require.Zero(t, got.FailedDeliveries)
		require.Nil(t, got.FailingSince)

		// Further successes report nothing, and do not even ask.
		calls := b.calls
		b.record(t, true, 2)
		require.Len(t, b.emitted, 1)
		require.Equal(t, calls, b.calls)
	})

	t.Run("FailuresThenSuccessInOneBatch", func(t *testing.T) {
		t.Parallel()
		b := setupOps(t)
		b.record(t, false, 10)
		b.emitted = nil
		failed, ok := b.delivery(t), b.delivery(t)
		res := func(d *domain.Delivery, success bool) store.AttemptResult {
			r := store.AttemptResult{Attempt: domain.Attempt{DeliveryID: d.ID, WebhookID: b.w.ID, Cycle: 1, Number: 1,
				StartedAt: time.Now(), RequestHeaders: map[string]string{}, Success: success}, DisableAfter: 10,
				Status: domain.DeliverySucceeded}
			if !success {
				r.Status, r.Cause = domain.DeliveryFailed, "HTTP 500"
			}
			return r
		}
		require.NoError(t, b.store.RecordAttempts(b.ctx, b.tx, []store.AttemptResult{res(failed, false), res(ok, true)}, nil, b.emit))
		require.Equal(t, []string{domain.EventDeliveryExhausted, domain.EventWebhookRecovered}, b.types())
		var recovered domain.WebhookRecovered
		b.data(t, 1, &recovered)
		require.Equal(t, 2, recovered.FailedDeliveries, "the one before the batch and the one in it")
	})

	t.Run("NoWarningWhenDisablingIsOff", func(t *testing.T) {
		t.Parallel()
		b := setupOps(t)
		for range 30 {
			b.record(t, false, disableNever)
		}
		require.Len(t, b.emitted, 30)
		for _, typ := range b.types() {
			require.Equal(t, domain.EventDeliveryExhausted, typ)
		}
	})

	t.Run("GoneDisablesWithoutExhausting", func(t *testing.T) {
		t.Parallel()
		b := setupOps(t)
		code := 410
		b.record(t, false, 20, func(r *store.AttemptResult) {
			r.Gone, r.Attempt.Number, r.Attempt.StatusCode, r.Cause = true, 1, &code, "HTTP 410"
		})
		require.Equal(t, []string{domain.EventWebhookDisabled}, b.types())
		var disabled domain.WebhookDisabled
		b.data(t, 0, &disabled)
		require.Equal(t, domain.DisabledGone, disabled.Reason)
	})

	t.Run("DeliveriesOfOperationalEventsReportNoExhaustion", func(t *testing.T) {
		t.Parallel()
		b := setupOps(t)
		d := b.delivery(t, domain.EventWebhookDisabled)
		require.NoError(t, b.store.RecordAttempts(b.ctx, b.tx, []store.AttemptResult{{
			Attempt: domain.Attempt{DeliveryID: d.ID, WebhookID: b.w.ID, Cycle: 1, Number: 1, StartedAt: time.Now(),
				RequestHeaders: map[string]string{}},
			Status: domain.DeliveryFailed, Cause: "HTTP 500", DisableAfter: 20,
		}}, nil, b.emit))
		require.Empty(t, b.emitted)
		got, err := b.store.GetWebhook(b.ctx, b.tx, b.w.ID, nil)
		require.NoError(t, err)
		require.Equal(t, 1, got.ConsecutiveFailures, "it still counts as a failure")
	})

	t.Run("ManualDisableEmitsNothing", func(t *testing.T) {
		t.Parallel()
		b := setupOps(t)
		b.setStatus(t, domain.WebhookInactive)
		b.record(t, false, 1)
		require.Equal(t, []string{domain.EventDeliveryExhausted}, b.types(), "already inactive: hookd disabled nothing")
	})

	t.Run("AFailedEmitRecordsNothing", func(t *testing.T) {
		t.Parallel()
		b := setupOps(t)
		d := b.delivery(t)
		err := b.store.RecordAttempts(b.ctx, b.tx, []store.AttemptResult{{
			Attempt: domain.Attempt{DeliveryID: d.ID, WebhookID: b.w.ID, Cycle: 1, Number: 1, StartedAt: time.Now(),
				RequestHeaders: map[string]string{}},
			Status: domain.DeliveryFailed, Cause: "HTTP 500", DisableAfter: 1,
		}}, nil, func(context.Context, pgx.Tx, []store.OperationalEvent) error { return errors.New("no room") })
		require.Error(t, err)
		got, err := b.store.GetWebhook(b.ctx, b.tx, b.w.ID, nil)
		require.NoError(t, err)
		require.Equal(t, domain.WebhookActive, got.Status, "a change that cannot be reported is not made")
		require.Zero(t, got.ConsecutiveFailures)
		var n int
		require.NoError(t, b.tx.QueryRow(b.ctx, `SELECT count(*) FROM delivery_attempts WHERE delivery_id = $1`, d.ID).Scan(&n))
		require.Zero(t, n)
	})
}

// disableNever is delivery.DisableAfterNever, which the store's tests do
// not import.
const disableNever = -1
