package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/store"
)

// pendingDelivery stores a new comment.created event of w's tenant and one
// pending delivery of it to w.
func pendingDelivery(t *testing.T, st *store.Store, db store.DBTX, w *domain.Webhook) *domain.Delivery {
	t.Helper()
	ctx := context.Background()
	e := &domain.Event{ID: domain.NewEventID(), Tenant: w.Tenant, Type: "comment.created", Body: []byte(`{}`), CreatedAt: time.Now()}
	_, err := st.InsertEvents(ctx, db, []*domain.Event{e})
	require.NoError(t, err)
	ds, err := st.InsertDeliveries(ctx, db, []store.NewDelivery{{EventID: e.ID, WebhookID: w.ID, Tenant: w.Tenant, EventType: e.Type}})
	require.NoError(t, err)
	return ds[0]
}
