package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/storetest"
	"github.com/hookd/hookd/store"
)

// benchTargets prepares n pending deliveries of one event to one webhook.
func benchTargets(b *testing.B, n int) (*storetest.Database, *store.Store, *domain.Webhook, []*domain.Delivery) {
	b.Helper()
	ctx := context.Background()
	db := storetest.NewDatabase(b, 10)
	st := storetest.Store(b)
	w, err := st.CreateWebhook(ctx, db.Pool, newWebhookParams("bench"))
	if err != nil {
		b.Fatal(err)
	}
	ev := &domain.Event{ID: domain.NewEventID(), Tenant: "bench", Type: "comment.created", Body: []byte(`{"id":"x","data":{}}`), CreatedAt: time.Now()}
	if _, err := st.InsertEvents(ctx, db.Pool, []*domain.Event{ev}); err != nil {
		b.Fatal(err)
	}
	rows := make([]store.NewDelivery, n)
	for i := range rows {
		rows[i] = store.NewDelivery{EventID: ev.ID, WebhookID: w.ID, Tenant: "bench", EventType: ev.Type}
	}
	ds, err := st.InsertDeliveries(ctx, db.Pool, rows)
	if err != nil {
		b.Fatal(err)
	}
	return db, st, w, ds
}

// BenchmarkLoadAttemptTarget is the read every attempt starts with.
func BenchmarkLoadAttemptTarget(b *testing.B) {
	db, st, _, ds := benchTargets(b, 1)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := st.LoadAttemptTargets(ctx, db.Pool, []int64{ds[0].ID}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecordAttempt is the write every successful attempt ends with:
// the attempt row, the delivery's state and the webhook's health.
func BenchmarkRecordAttempt(b *testing.B) {
	db, st, w, ds := benchTargets(b, max(b.N, 1))
	ctx := context.Background()
	status := 200
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		err := st.RecordAttempts(ctx, db.Pool, []store.AttemptResult{{
			Attempt: domain.Attempt{DeliveryID: ds[i].ID, WebhookID: w.ID, Cycle: 1, Number: 1, StartedAt: time.Now(), DurationMS: 1,
				RequestHeaders: map[string]string{"Content-Type": "application/json", "Hookd-Signature": "[redacted]"},
				StatusCode:     &status, ResponseHeaders: map[string]string{"Content-Length": "0"}, Success: true},
			Status: domain.DeliverySucceeded,
		}}, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInsertDeliveries is fan-out's write for a 20-webhook event.
func BenchmarkInsertDeliveries(b *testing.B) {
	db, st, w, _ := benchTargets(b, 1)
	ctx := context.Background()
	ev := &domain.Event{ID: domain.NewEventID(), Tenant: "bench", Type: "comment.created", Body: []byte(`{}`), CreatedAt: time.Now()}
	if _, err := st.InsertEvents(ctx, db.Pool, []*domain.Event{ev}); err != nil {
		b.Fatal(err)
	}
	rows := make([]store.NewDelivery, 20)
	for i := range rows {
		rows[i] = store.NewDelivery{EventID: ev.ID, WebhookID: w.ID, Tenant: "bench", EventType: ev.Type}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := st.InsertDeliveries(ctx, db.Pool, rows); err != nil {
			b.Fatal(err)
		}
	}
}
