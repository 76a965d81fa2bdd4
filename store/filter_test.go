package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/storetest"
	"github.com/hookd/hookd/store"
)

func filteredWebhook(t testing.TB, b *webhookBundle, tenant string, events []string, filter string) *domain.Webhook {
	t.Helper()
	p := newWebhookParams(tenant)
	p.Events = events
	if filter != "" {
		p.Filter = json.RawMessage(filter)
	}
	w, err := b.store.CreateWebhook(b.ctx, b.tx, p)
	require.NoError(t, err)
	return w
}

func fanOut(t *testing.T, b *webhookBundle, tenant, eventType, data string) map[int64]bool {
	t.Helper()
	e := &domain.Event{ID: domain.NewEventID(), Tenant: tenant, Type: eventType, Data: json.RawMessage(data),
		Body: []byte(`{}`), CreatedAt: time.Now()}
	res, err := b.store.InsertAndFanOut(b.ctx, b.tx, []store.FanOut{{Event: e, Patterns: domain.MatchPatterns(eventType, "")}})
	require.NoError(t, err)
	got := map[int64]bool{}
	for _, d := range res.Deliveries {
		require.False(t, got[d.WebhookID], "one delivery per webhook")
		got[d.WebhookID] = true
	}
	return got
}

func TestFanOutFilter(t *testing.T) {
	t.Parallel()

	t.Run("FirstupCategoriesAndSpaces", func(t *testing.T) {
		t.Parallel()
		b := setupWebhook(t)
		all := filteredWebhook(t, b, "acme", []string{"*"}, "")
		likes := filteredWebhook(t, b, "acme", []string{"user_notification_created"}, `{"data.category": "like"}`)
		space := filteredWebhook(t, b, "acme", []string{"*"}, `{"type": "comment.created", "data.space_id": 12}`)
		empty := filteredWebhook(t, b, "acme", []string{"*"}, `{}`)
		require.Nil(t, empty.Filter, "an empty filter is stored as none")

		got := fanOut(t, b, "acme", "user_notification_created", `{"notification_id": 1, "category": "like"}`)
		require.Equal(t, map[int64]bool{all.ID: true, likes.ID: true, empty.ID: true}, got)
		got = fanOut(t, b, "acme", "user_notification_created", `{"notification_id": 2, "category": "mention"}`)
		require.Equal(t, map[int64]bool{all.ID: true, empty.ID: true}, got)
		got = fanOut(t, b, "acme", "comment.created", `{"space_id": 12}`)
		require.Equal(t, map[int64]bool{all.ID: true, space.ID: true, empty.ID: true}, got)
		got = fanOut(t, b, "acme", "comment.created", `{"space_id": 13}`)
		require.Equal(t, map[int64]bool{all.ID: true, empty.ID: true}, got)
	})

	t.Run("ChangedFilterApplies", func(t *testing.T) {
		t.Parallel()
		b := setupWebhook(t)
		w := filteredWebhook(t, b, "acme", []string{"*"}, `{"data.space_id": 12}`)
		require.JSONEq(t, `{"data.space_id": 12}`, string(w.Filter))
		require.True(t, fanOut(t, b, "acme", "comment.created", `{"space_id": 12}`)[w.ID]) // compiled and cached

		// now() is the transaction's start, the same for every change in
		// this one-transaction test; a real change is a later transaction.
		later := func(s int) {
			_, err := b.tx.Exec(b.ctx, `UPDATE webhooks SET updated_at = updated_at + $2 * interval '1 second' WHERE id = $1`, w.ID, s)
			require.NoError(t, err)
		}
		w, err := b.store.UpdateWebhook(b.ctx, b.tx, w.ID, nil, store.UpdateWebhookParams{Filter: json.RawMessage(`{"data.space_id": 13}`)})
		require.NoError(t, err)
		later(1)
		require.False(t, fanOut(t, b, "acme", "comment.created", `{"space_id": 12}`)[w.ID])
		require.True(t, fanOut(t, b, "acme", "comment.created", `{"space_id": 13}`)[w.ID])

		w, err = b.store.UpdateWebhook(b.ctx, b.tx, w.ID, nil, store.UpdateWebhookParams{Filter: json.RawMessage(`null`)})
		require.NoError(t, err)
		require.Nil(t, w.Filter)
		require.True(t, fanOut(t, b, "acme", "comment.created", `{"space_id": 12}`)[w.ID])
	})

	t.Run("OrderedDeliveriesStillHeld", func(t *testing.T) {
		t.Parallel()
		b := setupWebhook(t)
		w := filteredWebhook(t, b, "acme", []string{"*"}, `{"data.n": {"$gte": 1}}`)
		key := "post:1"
		var events []store.FanOut
		for i := range 3 {
			e := &domain.Event{ID: domain.NewEventID(), Tenant: "acme", Type: "comment.created",
				Data: json.RawMessage(fmt.Sprintf(`{"n": %d}`, i)), Body: []byte(`{}`), CreatedAt: time.Now(), OrderingKey: &key}
			events = append(events, store.FanOut{Event: e, Patterns: domain.MatchPatterns(e.Type, "")})
		}
		res, err := b.store.InsertAndFanOut(b.ctx, b.tx, events)
		require.NoError(t, err)
		require.Len(t, res.Deliveries, 2, "n = 0 is filtered out")
		held := 0
		for _, d := range res.Deliveries {
			require.Equal(t, w.ID, d.WebhookID)
			if d.Held {
				held++
			}
		}
		require.Equal(t, 1, held, "the second of the key waits for the first")
	})
}

// BenchmarkFanOut1000 stores one event for 1,000 subscribed webhooks, with
// and without a filter each (half of them pass), to compare fan-out's cost.
func BenchmarkFanOut1000(b *testing.B) {
	for _, filtered := range []bool{false, true} {
		b.Run(map[bool]string{false: "Plain", true: "Filtered"}[filtered], func(b *testing.B) {
			ctx := context.Background()
			db := storetest.NewDatabase(b, 4)
			st := storetest.Store(b)
			for i := range 1000 {
				p := newWebhookParams("bench")
				p.Events = []string{"user_notification_created"}
				if filtered {
					p.Filter = json.RawMessage(fmt.Sprintf(`{"data.category": {"$in": ["like", "x%d"]}, "data.space_id": %d}`, i, i%2))
				}
				if _, err := st.CreateWebhook(ctx, db.Pool, p); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				e := &domain.Event{ID: domain.NewEventID(), Tenant: "bench", Type: "user_notification_created",
					Data: json.RawMessage(`{"category": "like", "space_id": 1, "user_id": 523427}`), Body: []byte(`{}`), CreatedAt: time.Now()}
				res, err := st.InsertAndFanOut(ctx, db.Pool, []store.FanOut{{Event: e, Patterns: domain.MatchPatterns(e.Type, "user_notification")}})
				if err != nil {
					b.Fatal(err)
				}
				if want := map[bool]int{false: 1000, true: 500}[filtered]; len(res.Deliveries) != want {
					b.Fatalf("%d deliveries, want %d", len(res.Deliveries), want)
				}
			}
		})
	}
}
