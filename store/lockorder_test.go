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

// TestDisablingBesideARecordedAttempt: disabling a webhook locks it, then
// its queued deliveries; recording an attempt locks its delivery, then the
// webhook. When the two meet, Postgres fails one of them as a deadlock, and
// the disable must go again rather than answer the API's caller an error.
func TestDisablingBesideARecordedAttempt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.NewDatabase(t, 4)
	st := storetest.Store(t)
	w, err := st.CreateWebhook(ctx, db.Pool, newWebhookParams("acme"))
	require.NoError(t, err)
	d := pendingDelivery(t, st, db.Pool, w)

	// The recorder's order: the delivery first...
	recorder, err := db.Pool.Begin(ctx)
	require.NoError(t, err)
	defer recorder.Rollback(ctx) //nolint:errcheck // no-op after commit
	_, err = recorder.Exec(ctx, `UPDATE deliveries SET updated_at = now() WHERE id = $1`, d.ID)
	require.NoError(t, err)

	inactive := domain.WebhookInactive
	disabled := make(chan error, 1)
	go func() {
		_, err := st.UpdateWebhook(ctx, db.Pool, w.ID, nil, store.UpdateWebhookParams{Status: &inactive})
		disabled <- err
	}()
	// ...the disable takes the webhook and waits for the delivery...
	require.Eventually(t, func() bool {
		var waiting bool
		err := db.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%cancelled%')`).Scan(&waiting)
		return err == nil && waiting
	}, 5*time.Second, 10*time.Millisecond)
	// ...and the recorder then wants the webhook: a deadlock, which
	// Postgres resolves against the disable (it has waited longest).
	_, err = recorder.Exec(ctx, `UPDATE webhooks SET last_triggered_at = now() WHERE id = $1`, w.ID)
	require.NoError(t, err)
	require.NoError(t, recorder.Commit(ctx))

	require.NoError(t, <-disabled, "the disable went again after the deadlock")
	got, err := st.GetWebhook(ctx, db.Pool, w.ID, nil)
	require.NoError(t, err)
	require.Equal(t, domain.WebhookInactive, got.Status)
	require.Equal(t, 1, got.DisabledCancelled)
}
