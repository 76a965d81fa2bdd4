package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/storetest"
	"github.com/hookd/hookd/store"
)

func TestDeleteExpiredEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, tx := storetest.Store(t), storetest.Tx(t)
	w, err := st.CreateWebhook(ctx, tx, newWebhookParams("ret"))
	require.NoError(t, err)

	var events []*domain.Event
	for i := range 7 {
		created := time.Now().Add(-48 * time.Hour)
		if i == 6 {
			created = time.Now()
		}
		events = append(events, &domain.Event{ID: domain.NewEventID(), Tenant: "ret", Type: "comment.created", Body: []byte(`{}`), CreatedAt: created})
	}
	_, err = st.InsertEvents(ctx, tx, events)
	require.NoError(t, err)
	var rows []store.NewDelivery
	for _, e := range events {
		rows = append(rows, store.NewDelivery{EventID: e.ID, WebhookID: w.ID, Tenant: "ret", EventType: e.Type})
	}
	ds, err := st.InsertDeliveries(ctx, tx, rows)
	require.NoError(t, err)
	for _, d := range ds {
		require.NoError(t, st.RecordAttempts(ctx, tx, []store.AttemptResult{{
			Attempt: domain.Attempt{DeliveryID: d.ID, WebhookID: w.ID, Cycle: 1, Number: 1, StartedAt: time.Now(), RequestHeaders: map[string]string{}, Success: true},
			Status:  domain.DeliverySucceeded,
		}}, nil, nil))
	}

	cutoff := time.Now().Add(-24 * time.Hour)
	n, err := st.DeleteExpiredEvents(ctx, tx, cutoff, 4)
	require.NoError(t, err)
	require.Equal(t, 4, n, "one batch at a time")
	n, err = st.DeleteExpiredEvents(ctx, tx, cutoff, 4)
	require.NoError(t, err)
	require.Equal(t, 2, n)

	count := func(table string) int {
		var c int
		require.NoError(t, tx.QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&c))
		return c
	}
	require.Equal(t, 1, count("events"))
	require.Equal(t, 1, count("deliveries"), "deliveries went with their events")
	require.Equal(t, 1, count("delivery_attempts"), "attempts went with their deliveries")
}
