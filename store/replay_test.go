package store_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/store"
)

func TestStepReplay(t *testing.T) {
	t.Parallel()

	// setupReplay stores n events of acme an inactive webhook missed (every
	// third filtered out), activates it and returns a running replay.
	setupReplay := func(t *testing.T, n int) (*webhookBundle, *domain.Webhook, store.ReplayScope, []string) {
		t.Helper()
		b := setupWebhook(t)
		p := newWebhookParams("acme")
		p.Status = domain.WebhookInactive
		p.Events = []string{"comment.*"}
		p.Filter = json.RawMessage(`{"data.n": {"$ne": 2}}`)
		w, err := b.store.CreateWebhook(b.ctx, b.tx, p)
		require.NoError(t, err)
		var want []string
		start := time.Now().Add(-time.Minute)
		for i := range n {
			e := &domain.Event{ID: fmt.Sprintf("evt_%02d", i), Tenant: "acme", Type: "comment.created",
				Body:      []byte(fmt.Sprintf(`{"id":"x","data":{"n":%d}}`, i%3)),
				CreatedAt: start.Add(time.Duration(i) * time.Second)}
			_, err := b.store.InsertAndFanOut(b.ctx, b.tx, []store.FanOut{{Event: e, Patterns: domain.MatchPatterns(e.Type, "comment")}})
			require.NoError(t, err)
			if i%3 != 2 {
				want = append(want, e.ID)
			}
		}
		active := domain.WebhookActive
		w, err = b.store.UpdateWebhook(b.ctx, b.tx, w.ID, nil, store.UpdateWebhookParams{Status: &active})
		require.NoError(t, err)
		scope := store.ReplayScope{WebhookID: w.ID, Tenant: "acme", Since: start.Add(-time.Second), Until: time.Now(),
			Types: []string{"comment.created"}, Filter: w.Filter}
		return b, w, scope, want
	}

	t.Run("OldestFirstInBatchesOnceEach", func(t *testing.T) {
		t.Parallel()
		b, _, scope, want := setupReplay(t, 9)
		n, err := b.store.CountMissing(b.ctx, b.tx, scope)
		require.NoError(t, err)
		require.Len(t, want, n)
		r, err := b.store.CreateReplay(b.ctx, b.tx, scope, n)
		require.NoError(t, err)
		require.Equal(t, domain.ReplayRunning, r.Status)

		var got []string
		for range 10 {
			step, err := b.store.StepReplay(b.ctx, b.tx, r.ID, 2, 100)
			require.NoError(t, err)
			for _, d := range step.Deliveries {
				got = append(got, d.EventID)
			}
			if step.Status != domain.ReplayRunning {
				break
			}
		}
		require.Equal(t, want, got, "oldest first, filtered, each once")
		r, err = b.store.GetReplay(b.ctx, b.tx, r.ID, nil)
		require.NoError(t, err)
		require.Equal(t, domain.ReplayDone, r.Status)
		require.Equal(t, len(want), r.Queued)

		// Its deliveries are pending: present for a second replay.
		n, err = b.store.CountMissing(b.ctx, b.tx, scope)
		require.NoError(t, err)
		require.Zero(t, n)
	})

	t.Run("WaitsForItsWindow", func(t *testing.T) {
		t.Parallel()
		b, _, scope, _ := setupReplay(t, 9)
		r, err := b.store.CreateReplay(b.ctx, b.tx, scope, 6)
		require.NoError(t, err)
		step, err := b.store.StepReplay(b.ctx, b.tx, r.ID, 3, 3)
		require.NoError(t, err)
		require.NotEmpty(t, step.Deliveries)
		step, err = b.store.StepReplay(b.ctx, b.tx, r.ID, 3, 2)
		require.NoError(t, err)
		require.True(t, step.Waiting)
		require.Empty(t, step.Deliveries)
	})

	t.Run("CancelStopsAndCancelsPending", func(t *testing.T) {
		t.Parallel()
		b, _, scope, _ := setupReplay(t, 9)
		r, err := b.store.CreateReplay(b.ctx, b.tx, scope, 6)
		require.NoError(t, err)
		step, err := b.store.StepReplay(b.ctx, b.tx, r.ID, 2, 100)
		require.NoError(t, err)
		require.Len(t, step.Deliveries, 2)

		_, err = b.store.CancelReplay(b.ctx, b.tx, r.ID, new("other"))
		require.ErrorIs(t, err, domain.ErrReplayNotFound)
		r, err = b.store.CancelReplay(b.ctx, b.tx, r.ID, new("acme"))
		require.NoError(t, err)
		require.Equal(t, domain.ReplayCancelled, r.Status)
		step, err = b.store.StepReplay(b.ctx, b.tx, r.ID, 2, 100)
		require.NoError(t, err)
		require.Equal(t, domain.ReplayCancelled, step.Status)
		require.Empty(t, step.Deliveries)
		var pending int
		require.NoError(t, b.tx.QueryRow(b.ctx, `SELECT count(*) FROM deliveries WHERE replay_id = $1 AND status = 'pending'`, r.ID).Scan(&pending))
		require.Zero(t, pending)
	})

	t.Run("WebhookDisabledCancels", func(t *testing.T) {
		t.Parallel()
		b, w, scope, _ := setupReplay(t, 3)
		r, err := b.store.CreateReplay(b.ctx, b.tx, scope, 2)
		require.NoError(t, err)
		inactive := domain.WebhookInactive
		_, err = b.store.UpdateWebhook(b.ctx, b.tx, w.ID, nil, store.UpdateWebhookParams{Status: &inactive})
		require.NoError(t, err)
		step, err := b.store.StepReplay(b.ctx, b.tx, r.ID, 2, 100)
		require.NoError(t, err)
		require.Equal(t, domain.ReplayCancelled, step.Status)
	})
}

// A replay never brings a webhook hookd's reports about itself, which it
// was never sent; those about other webhooks it missed like any event.
func TestReplaySkipsOperationalEventsAboutTheWebhook(t *testing.T) {
	t.Parallel()
	b := setupWebhook(t)
	p := newWebhookParams("acme")
	p.Events = []string{"*"}
	w, err := b.store.CreateWebhook(b.ctx, b.tx, p)
	require.NoError(t, err)
	start := time.Now().Add(-time.Minute)
	for i, about := range []int64{w.ID, w.ID + 1000} {
		e := &domain.Event{ID: fmt.Sprintf("evt_op%d", i), Tenant: "acme", Type: domain.EventWebhookDisabled,
			Body:      []byte(fmt.Sprintf(`{"id":"x","type":"webhook.disabled","data":{"webhook_id":%d}}`, about)),
			CreatedAt: start.Add(time.Duration(i) * time.Second)}
		_, err := b.store.InsertEvents(b.ctx, b.tx, []*domain.Event{e})
		require.NoError(t, err)
	}
	comment := &domain.Event{ID: "evt_c", Tenant: "acme", Type: "comment.created", Body: []byte(`{"data":{"webhook_id":"not a number"}}`),
		CreatedAt: start.Add(3 * time.Second)}
	_, err = b.store.InsertEvents(b.ctx, b.tx, []*domain.Event{comment})
	require.NoError(t, err)
	n, err := b.store.CountMissing(b.ctx, b.tx, store.ReplayScope{WebhookID: w.ID, Tenant: "acme", Since: start.Add(-time.Second),
		Until: time.Now(), Types: []string{domain.EventWebhookDisabled, "comment.created"}})
	require.NoError(t, err)
	require.Equal(t, 2, n, "the report about another webhook and the comment")
}
