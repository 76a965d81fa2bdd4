package server_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/delivery"
	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/apitest"
	"github.com/hookd/hookd/internal/storetest"
	"github.com/hookd/hookd/server"
	"github.com/hookd/hookd/store"
)

const adminToken = "test-admin-token-0123456789abcdefghijkl"

type bundle struct {
	ctx   context.Context
	db    *storetest.Database
	store *store.Store
	api   *apitest.Client
	srv   *server.Server
	// dispatch is the engine's, for a second server on the same database.
	dispatch *delivery.Dispatcher
}

// options adjust a test's server and engine.
type options struct {
	server server.Config
	engine delivery.Config
	// workers starts delivery workers; without, deliveries stay queued.
	workers bool
}

// setup starts the API on a database of the test's own.
func setup(t *testing.T, opts ...func(*options)) *bundle {
	t.Helper()
	db := storetest.NewDatabase(t, 20)
	o := options{
		server: server.Config{AdminToken: adminToken, MaxWebhooksPerTenant: 100, Version: "test"},
		engine: delivery.Config{RetryBase: 200 * time.Millisecond, DeliveryTimeout: 2 * time.Second, Version: "test",
			Addresses: domain.AddressPolicy{AllowPrivate: true}},
	}
	for _, fn := range opts {
		fn(&o)
	}
	st := storetest.Store(t)
	engine, err := delivery.NewEngine(db.Pool, st, o.engine, nil)
	require.NoError(t, err)
	if o.workers {
		require.NoError(t, engine.Start(context.Background()))
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, engine.Stop(ctx))
	})
	srv, err := server.New(o.server, db.Pool, st, engine.Dispatcher(), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	hs := httptest.NewServer(srv.Handler(nil))
	t.Cleanup(hs.Close)
	return &bundle{ctx: context.Background(), db: db, store: st, api: apitest.NewClient(t, hs.URL), srv: srv,
		dispatch: engine.Dispatcher()}
}

var testKey = []byte("0123456789abcdef0123456789abcdef")

func withWorkers(o *options) { o.workers = true }

// token creates an API token with scopes, bound to tenant unless it is "".
func (b *bundle) token(t *testing.T, tenant string, scopes ...string) string {
	t.Helper()
	p := store.CreateTokenParams{Name: "test", Scopes: scopes}
	if tenant != "" {
		p.Tenant = &tenant
	}
	_, value, err := b.store.CreateToken(b.ctx, b.db.Pool, p)
	require.NoError(t, err)
	return value
}

// allowHTTP accepts the plain-http loopback URLs of test receivers.
func allowHTTP(o *options) {
	o.server.URLPolicy = domain.URLPolicy{AllowHTTP: true, Addresses: domain.AddressPolicy{AllowPrivate: true}}
}

// validWebhook is the seed's create example.
func validWebhook() map[string]any {
	return map[string]any{
		"name":        "Slack Notifications",
		"url":         "https://hooks.slack.com/services/YOUR/WEBHOOK/URL",
		"events":      []string{"feed.created", "comment.created", "space.member_joined"},
		"status":      "active",
		"retry_count": 3,
	}
}

// countWebhooks reads the table directly: "nothing half-written" is about
// the database, not what the API chooses to show.
func (b *bundle) countWebhooks(t *testing.T) int {
	t.Helper()
	var n int
	require.NoError(t, b.db.Pool.QueryRow(b.ctx, `SELECT count(*) FROM webhooks`).Scan(&n))
	return n
}
