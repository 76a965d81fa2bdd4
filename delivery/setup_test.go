package delivery_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/delivery"
	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/storetest"
	"github.com/hookd/hookd/store"
)

type engine struct {
	ctx        context.Context
	db         *storetest.Database
	store      *store.Store
	cfg        delivery.Config
	dispatcher *delivery.Dispatcher
	engine     *delivery.Engine
}

// setupEngine runs a delivery engine on a database of the test's own with a
// fast schedule. Workers start only with start().
func setupEngine(t testing.TB, adjust ...func(*delivery.Config)) *engine {
	t.Helper()
	// Receivers listen on loopback, which the SSRF guard refuses by default.
	cfg := delivery.Config{RetryBase: 200 * time.Millisecond, DeliveryTimeout: time.Second, DisableAfter: 20, Version: "test",
		Addresses: domain.AddressPolicy{AllowPrivate: true}}
	for _, fn := range adjust {
		fn(&cfg)
	}
	db := storetest.NewDatabase(t, 30)
	return newEngineOn(t, db, storetest.Store(t), cfg)
}

// newEngineOn wires an engine on db; it stops with the test.
func newEngineOn(t testing.TB, db *storetest.Database, st *store.Store, cfg delivery.Config) *engine {
	t.Helper()
	eng, err := delivery.NewEngine(db.Pool, st, cfg, nil)
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = eng.Stop(ctx)
	})
	return &engine{ctx: context.Background(), db: db, store: st, cfg: eng.Config(), engine: eng, dispatcher: eng.Dispatcher()}
}

func (e *engine) start(t testing.TB) *engine {
	t.Helper()
	require.NoError(t, e.engine.Start(e.ctx))
	return e
}

type webhookOpt func(*store.CreateWebhookParams)

func retries(n int) webhookOpt { return func(p *store.CreateWebhookParams) { p.RetryCount = n } }
func events(ev ...string) webhookOpt {
	return func(p *store.CreateWebhookParams) { p.Events = ev }
}
func tenant(name string) webhookOpt { return func(p *store.CreateWebhookParams) { p.Tenant = name } }

func (e *engine) webhook(t testing.TB, url string, opts ...webhookOpt) *domain.Webhook {
	t.Helper()
	p := store.CreateWebhookParams{Tenant: "default", Kind: domain.KindWebhook, Name: "test", URL: url,
		Events: []string{"*"}, Status: domain.WebhookActive, RetryCount: 5, Secret: domain.NewSecret()}
	for _, o := range opts {
		o(&p)
	}
	w, err := e.store.CreateWebhook(e.ctx, e.db.Pool, p)
	require.NoError(t, err)
	return w
}

func (e *engine) emit(t *testing.T, eventType, data string) delivery.Emitted {
	t.Helper()
	out, err := e.dispatcher.Emit(e.ctx, []delivery.EmitRequest{{Type: eventType, Data: []byte(data)}})
	require.NoError(t, err)
	return out[0]
}

// waitDelivery polls until the event's delivery to webhookID leaves pending.
func (e *engine) waitDelivery(t *testing.T, eventID string, timeout time.Duration) *domain.Delivery {
	t.Helper()
	var d *domain.Delivery
	event, err := e.store.GetEvent(e.ctx, e.db.Pool, eventID, nil)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		list, err := e.store.EventDeliveries(e.ctx, e.db.Pool, event.Key())
		require.NoError(t, err)
		require.Len(t, list, 1)
		d = list[0]
		return d.Status != domain.DeliveryPending
	}, timeout, 20*time.Millisecond)
	return d
}

func (e *engine) attempts(t *testing.T, deliveryID int64) []*domain.Attempt {
	t.Helper()
	list, err := e.store.ListAttempts(e.ctx, e.db.Pool, deliveryID)
	require.NoError(t, err)
	return list
}

func (e *engine) reload(t *testing.T, id int64) *domain.Webhook {
	t.Helper()
	w, err := e.store.GetWebhook(e.ctx, e.db.Pool, id, nil)
	require.NoError(t, err)
	return w
}

// defaultEvent is the key of an event of the default tenant.
func defaultEvent(id string) domain.EventKey {
	return domain.EventKey{Tenant: domain.DefaultTenant, ID: id}
}
