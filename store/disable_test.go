package store_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/store"
)

// queued creates a webhook with n pending deliveries.
func (b *webhookBundle) queued(t *testing.T, n int) (*domain.Webhook, []*domain.Delivery) {
	t.Helper()
	w, err := b.store.CreateWebhook(b.ctx, b.tx, newWebhookParams("acme"))
	require.NoError(t, err)
	e := &domain.Event{ID: domain.NewEventID(), Tenant: "acme", Type: "comment.created", Body: []byte(`{}`), CreatedAt: time.Now()}
	_, err = b.store.InsertEvents(b.ctx, b.tx, []*domain.Event{e})
	require.NoError(t, err)
	rows := make([]store.NewDelivery, n)
	for i := range rows {
		rows[i] = store.NewDelivery{EventID: e.ID, WebhookID: w.ID, Tenant: "acme", EventType: e.Type}
	}
	ds, err := b.store.InsertDeliveries(b.ctx, b.tx, rows)
	require.NoError(t, err)
	return w, ds
}

func (b *webhookBundle) delivery(t *testing.T, id int64) *domain.Delivery {
	t.Helper()
	d, err := b.store.GetDelivery(b.ctx, b.tx, id, nil)
	require.NoError(t, err)
	return d
}

func TestDisablingCancelsQueuedDeliveries(t *testing.T) {
	t.Parallel()

	t.Run("ByHookdAfterTooManyFailures", func(t *testing.T) {
		t.Parallel()
		b := setupWebhook(t)
		w, ds := b.queued(t, 4)
		code := 500
		cause := "HTTP 500"
		require.NoError(t, b.store.RecordAttempts(b.ctx, b.tx, []store.AttemptResult{{
			Attempt: domain.Attempt{DeliveryID: ds[0].ID, WebhookID: w.ID, Cycle: 1, Number: 1, StartedAt: time.Now(),
				RequestHeaders: map[string]string{}, StatusCode: &code, Error: &cause},
			Status: domain.DeliveryFailed, Cause: cause, DisableAfter: 1,
		}}, nil, nil))
		got, err := b.store.GetWebhook(b.ctx, b.tx, w.ID, nil)
		require.NoError(t, err)
		require.Equal(t, domain.WebhookInactive, got.Status)
		require.Equal(t, 3, got.DisabledCancelled, "the three still queued")
		require.Equal(t, domain.DeliveryFailed, b.delivery(t, ds[0].ID).Status)
		for _, d := range ds[1:] {
			d = b.delivery(t, d.ID)
			require.Equal(t, domain.DeliveryCancelled, d.Status)
			require.Equal(t, "Cancelled: hookd disabled the webhook. Disabled after 1 consecutive failed deliveries.", *d.LastError)
			require.Nil(t, d.NextAttemptAt)
			require.NotNil(t, d.CompletedAt)
		}

		// Enabled again, they can be sent again; the count is cleared.
		active := domain.WebhookActive
		got, err = b.store.UpdateWebhook(b.ctx, b.tx, w.ID, nil, store.UpdateWebhookParams{Status: &active})
		require.NoError(t, err)
		require.Zero(t, got.DisabledCancelled)
		again, err := b.store.RestartDeliveries(b.ctx, b.tx, w.ID, time.Now().Add(-time.Hour), time.Now().Add(time.Hour),
			[]string{domain.DeliveryCancelled})
		require.NoError(t, err)
		require.Len(t, again, 3)
		for _, d := range again {
			require.Equal(t, domain.DeliveryPending, d.Status)
			require.Equal(t, 2, d.Cycle)
		}
	})

	t.Run("ByHand", func(t *testing.T) {
		t.Parallel()
		b := setupWebhook(t)
		w, ds := b.queued(t, 2)
		inactive := domain.WebhookInactive
		got, err := b.store.UpdateWebhook(b.ctx, b.tx, w.ID, nil, store.UpdateWebhookParams{Status: &inactive})
		require.NoError(t, err)
		require.Equal(t, 2, got.DisabledCancelled)
		require.NotNil(t, got.DisabledAt)
		require.Nil(t, got.DisabledReason, "no reason: a person did it")
		for _, d := range ds {
			d = b.delivery(t, d.ID)
			require.Equal(t, domain.DeliveryCancelled, d.Status)
			require.Equal(t, "Cancelled: the webhook was disabled.", *d.LastError)
		}
	})

	t.Run("OtherEditsLeaveThemQueued", func(t *testing.T) {
		t.Parallel()
		b := setupWebhook(t)
		w, ds := b.queued(t, 2)
		name := "renamed"
		_, err := b.store.UpdateWebhook(b.ctx, b.tx, w.ID, nil, store.UpdateWebhookParams{Name: &name})
		require.NoError(t, err)
		require.Equal(t, domain.DeliveryPending, b.delivery(t, ds[0].ID).Status)
	})

	t.Run("ByDeleting", func(t *testing.T) {
		t.Parallel()
		b := setupWebhook(t)
		w, ds := b.queued(t, 2)
		require.NoError(t, b.store.DeleteWebhook(b.ctx, b.tx, w.ID, nil))
		for _, d := range ds {
			d = b.delivery(t, d.ID)
			require.Equal(t, domain.DeliveryCancelled, d.Status)
			require.Equal(t, "Cancelled: the webhook was deleted.", *d.LastError)
		}
	})
}
