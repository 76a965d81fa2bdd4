package server_test

import (
	"crypto/sha256"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/apitest"
	"github.com/hookd/hookd/internal/deliverytest"
	"github.com/hookd/hookd/server"
)

// portalSession opens a session through the API as an operator would.
func (b *bundle) portalSession(t *testing.T, body map[string]any) map[string]any {
	t.Helper()
	res := b.api.Do(http.MethodPost, "/v2/admin/portal-sessions", adminToken, body)
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	require.Equal(t, "no-store", res.Header.Get("Cache-Control"), "the answer carries a credential")
	return res.JSON(t)
}

func TestPortalSessionCreate(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *options) { o.server.PublicURL = "https://hooks.example.com/community/" })

	before := time.Now()
	s := b.portalSession(t, map[string]any{"tenant": "acme"})
	token := s["token"].(string)
	require.True(t, strings.HasPrefix(token, "hkp_"), token)
	require.Equal(t, "https://hooks.example.com/community/portal#"+token, s["url"], "the token rides in the fragment only")
	require.Equal(t, "acme", s["tenant"])
	require.Equal(t, []any{"webhooks.read", "webhooks.write"}, s["scopes"])
	expires, err := time.Parse(time.RFC3339Nano, s["expires_at"].(string))
	require.NoError(t, err)
	require.WithinDuration(t, before.Add(time.Hour), expires, 5*time.Second)

	me := b.api.Do(http.MethodGet, "/v2/me", token, nil).JSON(t)
	require.Equal(t, "portal_session", me["kind"])
	require.Equal(t, "acme", me["tenant"])
	require.Equal(t, s["expires_at"], me["expires_at"])

	s = b.portalSession(t, map[string]any{"tenant": "acme", "scopes": []string{"webhooks.read", "events.write"}, "expires_in": 86400})
	require.Equal(t, []any{"webhooks.read", "events.write"}, s["scopes"])

	t.Run("StoredHashed", func(t *testing.T) {
		var hash []byte
		id := strings.SplitN(strings.TrimPrefix(token, "hkp_"), "_", 2)[0]
		require.NoError(t, b.db.Pool.QueryRow(b.ctx, `SELECT hash FROM portal_sessions WHERE id = $1`, id).Scan(&hash))
		sum := sha256.Sum256([]byte(token))
		require.Equal(t, sum[:], hash)
		var leaked bool
		require.NoError(t, b.db.Pool.QueryRow(b.ctx, `SELECT EXISTS (SELECT 1 FROM portal_sessions p
			WHERE p::text LIKE '%' || $1 || '%')`, strings.SplitN(token, "_", 3)[2]).Scan(&leaked))
		require.False(t, leaked, "the secret part is stored nowhere")
	})

	t.Run("BadInputRefused", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			body  map[string]any
			field string
		}{
			{"NoTenant", map[string]any{}, "tenant"},
			{"BadTenant", map[string]any{"tenant": "no spaces"}, "tenant"},
			{"TokensAdmin", map[string]any{"tenant": "acme", "scopes": []string{"tokens.admin"}}, "scopes"},
			{"EmptyScopes", map[string]any{"tenant": "acme", "scopes": []string{}}, "scopes"},
			{"TooLong", map[string]any{"tenant": "acme", "expires_in": 86401}, "expires_in"},
			{"Zero", map[string]any{"tenant": "acme", "expires_in": 0}, "expires_in"},
			{"NotANumber", map[string]any{"tenant": "acme", "expires_in": "1h"}, "expires_in"},
			{"Unknown", map[string]any{"tenant": "acme", "name": "x"}, "name"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				m := b.api.Do(http.MethodPost, "/v2/admin/portal-sessions", adminToken, tc.body).RequireError(t, 400, "invalid_param")
				require.Contains(t, m["data"].(map[string]any)["params"], tc.field)
			})
		}
		b.api.Do(http.MethodDelete, "/v2/admin/portal-sessions", adminToken, nil).RequireError(t, 400, "invalid_param")
	})

	t.Run("OnlyTokenAdminsForTheirTenant", func(t *testing.T) {
		writer := b.token(t, "", domain.ScopeWebhooksWrite)
		b.api.Do(http.MethodPost, "/v2/admin/portal-sessions", writer, map[string]any{"tenant": "acme"}).RequireError(t, 403, "rest_forbidden")
		acmeAdmin := b.token(t, "acme", domain.ScopeTokensAdmin, domain.ScopeWebhooksWrite)
		require.Equal(t, http.StatusCreated, b.api.Do(http.MethodPost, "/v2/admin/portal-sessions", acmeAdmin,
			map[string]any{"tenant": "acme"}).Status)
		b.api.Do(http.MethodPost, "/v2/admin/portal-sessions", acmeAdmin, map[string]any{"tenant": "globex"}).RequireError(t, 403, "rest_forbidden")
		b.api.Do(http.MethodPost, "/v2/admin/portal-sessions", acmeAdmin,
			map[string]any{"tenant": "acme", "scopes": []string{"events.write"}}).RequireError(t, 403, "rest_forbidden")
		b.api.Do(http.MethodDelete, "/v2/admin/portal-sessions?tenant=globex", acmeAdmin, nil).RequireError(t, 403, "rest_forbidden")
	})
}

// TestPortalSessionTenantScope drives a session as a community admin would:
// it sees and changes only its tenant, whatever it asks for.
func TestPortalSessionTenantScope(t *testing.T) {
	t.Parallel()
	b := setup(t, allowHTTP, withWorkers)
	rcv := deliverytest.NewReceiver(t)

	// Another community's webhook, event and delivery.
	res := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, map[string]any{
		"tenant": "globex", "name": "globex hook", "url": rcv.URL, "events": []string{"comment.created"}, "retry_count": 0})
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	globexHook := fmt.Sprintf("/v2/admin/webhooks/%v", res.JSON(t)["id"])
	res = b.api.Do(http.MethodPost, "/v2/events", adminToken, map[string]any{"tenant": "globex", "type": "comment.created", "data": map[string]any{}})
	require.Equal(t, http.StatusAccepted, res.Status)
	globexEvent := res.JSON(t)["id"].(string)
	rcv.WaitFor(t, 1, 10*time.Second)
	globexDelivery := fmt.Sprintf("/v2/admin/deliveries/%v", b.api.Do(http.MethodGet, "/v2/events/"+globexEvent, adminToken, nil).
		JSON(t)["deliveries"].([]any)[0].(map[string]any)["id"])

	token := b.portalSession(t, map[string]any{"tenant": "acme", "scopes": []string{"webhooks.write", "events.write"}})["token"].(string)

	// What it creates is acme's, whatever the body says.
	res = b.api.Do(http.MethodPost, "/v2/admin/webhooks", token, map[string]any{
		"tenant": "globex", "name": "acme hook", "url": rcv.URL, "events": []string{"comment.created"}, "retry_count": 0})
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	require.Equal(t, "acme", res.JSON(t)["tenant"])
	hook := fmt.Sprintf("/v2/admin/webhooks/%v", res.JSON(t)["id"])
	res = b.api.Do(http.MethodPost, "/v2/webhooks/subscriptions", token, map[string]any{
		"tenant": "globex", "url": rcv.URL, "events": []map[string]any{{"name": "comment.created"}}})
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	res = b.api.Do(http.MethodPost, "/v2/events", token, map[string]any{"tenant": "globex", "type": "comment.created", "data": map[string]any{"n": 1}})
	require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
	acmeEvent := res.JSON(t)["id"].(string)
	require.Equal(t, "acme", b.api.Do(http.MethodGet, "/v2/events/"+acmeEvent, adminToken, nil).JSON(t)["tenant"])
	rcv.WaitFor(t, 3, 10*time.Second)

	// It sees its tenant only.
	list := b.api.Do(http.MethodGet, "/v2/admin/webhooks", token, nil).JSON(t)
	require.EqualValues(t, 2, list["total"])
	for _, w := range list["webhooks"].([]any) {
		require.Equal(t, "acme", w.(map[string]any)["tenant"])
	}
	events := b.api.Do(http.MethodGet, "/v2/events", token, nil).JSON(t)
	require.EqualValues(t, 1, events["total"])
	b.api.Do(http.MethodGet, "/v2/admin/webhooks?tenant=globex", token, nil).RequireError(t, 403, "rest_forbidden")

	// Another tenant's ids are not found.
	b.api.Do(http.MethodGet, globexHook, token, nil).RequireError(t, 404, "not_found")
	b.api.Do(http.MethodPatch, globexHook, token, map[string]any{"name": "mine"}).RequireError(t, 404, "not_found")
	b.api.Do(http.MethodDelete, globexHook, token, nil).RequireError(t, 404, "not_found")
	b.api.Do(http.MethodPost, globexHook+"/test", token, nil).RequireError(t, 404, "not_found")
	b.api.Do(http.MethodGet, globexHook+"/deliveries", token, nil).RequireError(t, 404, "not_found")
	b.api.Do(http.MethodGet, "/v2/events/"+globexEvent, token, nil).RequireError(t, 404, "not_found")
	b.api.Do(http.MethodGet, globexDelivery, token, nil).RequireError(t, 404, "not_found")
	b.api.Do(http.MethodPost, globexDelivery+"/redeliver", token, nil).RequireError(t, 404, "not_found")

	// On its own webhooks it does what an admin does.
	res = b.api.Do(http.MethodPost, hook+"/test", token, nil)
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	require.Equal(t, true, res.JSON(t)["success"])
	require.Equal(t, http.StatusOK, b.api.Do(http.MethodPost, hook+"/rotate-secret", token, map[string]any{}).Status)
	var id any
	require.Eventually(t, func() bool {
		list := b.api.Do(http.MethodGet, hook+"/deliveries?event_type=comment.created&status=succeeded", token, nil).JSON(t)["deliveries"].([]any)
		if len(list) == 0 {
			return false
		}
		id = list[0].(map[string]any)["id"]
		return true
	}, 10*time.Second, 20*time.Millisecond, "the acme delivery recorded")
	res = b.api.Do(http.MethodPost, fmt.Sprintf("/v2/admin/deliveries/%v/redeliver", id), token, nil)
	require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
	require.Equal(t, http.StatusAccepted, b.api.Do(http.MethodPost, hook+"/recover", token,
		map[string]any{"since": time.Now().Add(-time.Hour).Format(time.RFC3339)}).Status)

	// Never the tokens API, never another session.
	b.api.Do(http.MethodGet, "/v2/admin/tokens", token, nil).RequireError(t, 403, "rest_forbidden")
	b.api.Do(http.MethodPost, "/v2/admin/tokens", token, map[string]any{"name": "x", "scopes": []string{"webhooks.read"}}).
		RequireError(t, 403, "rest_forbidden")
	b.api.Do(http.MethodPost, "/v2/admin/portal-sessions", token, map[string]any{"tenant": "acme"}).RequireError(t, 403, "rest_forbidden")
	b.api.Do(http.MethodDelete, "/v2/admin/portal-sessions?tenant=acme", token, nil).RequireError(t, 403, "rest_forbidden")
}

func TestPortalSessionScopes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	reader := b.portalSession(t, map[string]any{"tenant": "acme", "scopes": []string{"webhooks.read"}})["token"].(string)
	require.Equal(t, http.StatusOK, b.api.Do(http.MethodGet, "/v2/admin/webhooks", reader, nil).Status)
	b.api.Do(http.MethodPost, "/v2/admin/webhooks", reader, validWebhook()).RequireError(t, 403, "rest_forbidden")
	b.api.Do(http.MethodPost, "/v2/events", reader, map[string]any{"type": "comment.created", "data": map[string]any{}}).
		RequireError(t, 403, "rest_forbidden")

	writer := b.portalSession(t, map[string]any{"tenant": "acme"})["token"].(string)
	res := b.api.Do(http.MethodPost, "/v2/admin/webhooks", writer, validWebhook())
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	b.api.Do(http.MethodPost, "/v2/events", writer, map[string]any{"type": "comment.created", "data": map[string]any{}}).
		RequireError(t, 403, "rest_forbidden")
}

func TestPortalSessionExpiry(t *testing.T) {
	t.Parallel()
	b := setup(t)
	token := b.portalSession(t, map[string]any{"tenant": "acme", "expires_in": 1})["token"].(string)
	require.Equal(t, http.StatusOK, b.api.Do(http.MethodGet, "/v2/admin/webhooks", token, nil).Status)
	time.Sleep(1100 * time.Millisecond)
	m := b.api.Do(http.MethodGet, "/v2/admin/webhooks", token, nil).RequireError(t, 401, "unauthorized")
	require.Contains(t, m["message"], "expired")
	b.api.Do(http.MethodGet, "/v2/me", token, nil).RequireError(t, 401, "unauthorized")

	// A forged value with a real session's id is refused like any other.
	forged := token[:len(token)-4] + "aaaa"
	m = b.api.Do(http.MethodGet, "/v2/me", forged, nil).RequireError(t, 401, "unauthorized")
	require.NotContains(t, m["message"], "expired", "a wrong secret learns nothing of the session")
	b.api.Do(http.MethodGet, "/v2/me", "hkp_bad\u00e9_x", nil).RequireError(t, 401, "unauthorized")
}

func TestPortalSessionRevoke(t *testing.T) {
	t.Parallel()
	b := setup(t)
	first := b.portalSession(t, map[string]any{"tenant": "acme"})["token"].(string)
	second := b.portalSession(t, map[string]any{"tenant": "acme", "scopes": []string{"webhooks.read"}})["token"].(string)
	other := b.portalSession(t, map[string]any{"tenant": "globex"})["token"].(string)

	res := b.api.Do(http.MethodDelete, "/v2/admin/portal-sessions?tenant=acme", adminToken, nil)
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	require.JSONEq(t, `{"revoked": 2}`, string(res.Body))
	for _, tok := range []string{first, second} {
		m := b.api.Do(http.MethodGet, "/v2/admin/webhooks", tok, nil).RequireError(t, 401, "unauthorized")
		require.Contains(t, m["message"], "revoked")
	}
	require.Equal(t, http.StatusOK, b.api.Do(http.MethodGet, "/v2/admin/webhooks", other, nil).Status, "other tenants keep theirs")
	require.JSONEq(t, `{"revoked": 0}`, string(b.api.Do(http.MethodDelete, "/v2/admin/portal-sessions?tenant=acme", adminToken, nil).Body))
}

// TestPortalURLFollowsTheMount: without a public URL, a session's link is
// the handler's own address as the browser reached it, prefix included.
func TestPortalURLFollowsTheMount(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mux := http.NewServeMux()
	mux.Handle("/community/webhooks/", http.StripPrefix("/community/webhooks", b.srv.Handler(nil)))
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	api := apitest.NewClient(t, hs.URL+"/community/webhooks")
	res := api.Do(http.MethodPost, "/v2/admin/portal-sessions", adminToken, map[string]any{"tenant": "acme"})
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	s := res.JSON(t)
	require.Equal(t, hs.URL+"/community/webhooks/portal#"+s["token"].(string), s["url"])

	res = b.api.Do(http.MethodPost, "/v2/admin/portal-sessions", adminToken, map[string]any{"tenant": "acme"})
	require.True(t, strings.HasPrefix(res.JSON(t)["url"].(string), b.api.BaseURL+"/portal#hkp_"), "%s", res.Body)
}

func TestPortalConfigValidated(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cfg  server.Config
		ok   bool
	}{
		{"Defaults", server.Config{}, true},
		{"PublicURL", server.Config{PublicURL: "https://hooks.example.com/base"}, true},
		{"PublicURLRelative", server.Config{PublicURL: "/portal"}, false},
		{"PublicURLQuery", server.Config{PublicURL: "https://hooks.example.com/?a=b"}, false},
		{"PublicURLFragment", server.Config{PublicURL: "https://hooks.example.com/#x"}, false},
		{"PublicURLScheme", server.Config{PublicURL: "ftp://hooks.example.com"}, false},
		{"Origins", server.Config{PortalFrameAncestors: []string{"https://app.example.com", "https://*.example.org:8443", "'self'"}}, true},
		{"None", server.Config{PortalFrameAncestors: []string{"'none'"}}, true},
		{"NoneWithOthers", server.Config{PortalFrameAncestors: []string{"'none'", "https://a.example"}}, false},
		{"Injection", server.Config{PortalFrameAncestors: []string{"https://a.example; script-src *"}}, false},
		{"Path", server.Config{PortalFrameAncestors: []string{"https://a.example/path"}}, false},
		{"Star", server.Config{PortalFrameAncestors: []string{"*"}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := server.New(tc.cfg, nil, nil, nil, slog.New(slog.DiscardHandler))
			if tc.ok {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
			}
		})
	}
}
