package server_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/internal/apitest"
	"github.com/hookd/hookd/server"
)

// TestAuthFailureThrottle: after limit failed authentications in a minute a
// client address is answered 429 with Retry-After, valid token or not, by
// every process, since the count is in Postgres.
func TestAuthFailureThrottle(t *testing.T) {
	t.Parallel()
	const limit = 3
	cfg := server.Config{AdminToken: adminToken, Version: "test", AuthFailureLimit: limit}
	b := setup(t, func(o *options) { o.server = cfg })
	// Another process on the same database.
	other := func() *apitest.Client {
		srv, err := server.New(cfg, b.db.Pool, b.store, b.dispatch, slog.New(slog.DiscardHandler))
		require.NoError(t, err)
		hs := httptest.NewServer(srv.Handler(nil))
		t.Cleanup(hs.Close)
		return apitest.NewClient(t, hs.URL)
	}

	requireThrottled := func(res *apitest.Response) {
		t.Helper()
		res.RequireError(t, 429, "rate_limited")
		after, err := strconv.Atoi(res.Header.Get("Retry-After"))
		require.NoError(t, err)
		require.True(t, after >= 1 && after <= 60, "Retry-After %d", after)
	}

	// Counted per connection address: a forged X-Forwarded-For changes
	// nothing.
	for i := range limit {
		b.api.Do(http.MethodGet, "/v2/admin/webhooks", "hkd_guess"+strconv.Itoa(i)+"_x", nil,
			"X-Forwarded-For", "198.51.100."+strconv.Itoa(i), "X-Real-IP", "203.0.113."+strconv.Itoa(i)).RequireError(t, 401, "unauthorized")
	}
	requireThrottled(b.api.Do(http.MethodGet, "/v2/admin/webhooks", "hkd_guess_y", nil))
	requireThrottled(b.api.Do(http.MethodGet, "/v2/admin/webhooks", "", nil))
	// Refused before the token is looked at: a right guess is no use now.
	requireThrottled(b.api.Do(http.MethodGet, "/v2/admin/webhooks", adminToken, nil))
	requireThrottled(b.api.Do(http.MethodPost, "/v2/events", adminToken, map[string]any{"type": "comment.created", "data": map[string]any{}}))

	// A process that has not seen the client refuses it at its first failure.
	second := other()
	requireThrottled(second.Do(http.MethodGet, "/v2/me", "hkd_guess_z", nil))
	requireThrottled(second.Do(http.MethodGet, "/v2/me", adminToken, nil))

	// Once the minute is over, the address starts again.
	_, err := b.db.Pool.Exec(b.ctx, `UPDATE auth_failures SET window_start = now() - interval '61 seconds'`)
	require.NoError(t, err)
	third := other()
	require.Equal(t, http.StatusOK, third.Do(http.MethodGet, "/v2/me", adminToken, nil).Status)
	third.Do(http.MethodGet, "/v2/me", "hkd_again_x", nil).RequireError(t, 401, "unauthorized")
	var failures int
	require.NoError(t, b.db.Pool.QueryRow(b.ctx, `SELECT failures FROM auth_failures WHERE client = '127.0.0.1'`).Scan(&failures))
	require.Equal(t, 1, failures)

	// Successful requests are not counted and not slowed down.
	fresh := setup(t, func(o *options) { o.server = cfg })
	for range 2 * limit {
		require.Equal(t, http.StatusOK, fresh.api.Do(http.MethodGet, "/v2/me", adminToken, nil).Status)
	}
}
