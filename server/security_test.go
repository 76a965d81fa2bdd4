package server_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
)

func TestTokenAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)

	res := b.api.Do(http.MethodPost, "/v2/admin/tokens", adminToken, map[string]any{"name": "ci", "scopes": []string{"webhooks.read"}})
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	created := res.JSON(t)
	value := created["token"].(string)
	require.Equal(t, "no-store", res.Header.Get("Cache-Control"))

	// Listed, never with its value; usable; last use recorded.
	require.Equal(t, http.StatusOK, b.api.Do(http.MethodGet, "/v2/admin/webhooks", value, nil).Status)
	res = b.api.Do(http.MethodGet, "/v2/admin/tokens", adminToken, nil)
	require.Equal(t, http.StatusOK, res.Status)
	require.NotContains(t, string(res.Body), value)
	var list struct {
		Tokens []struct {
			ID         string  `json:"id"`
			Name       string  `json:"name"`
			LastUsedAt *string `json:"last_used_at"`
		}
	}
	res.Decode(t, &list)
	require.Len(t, list.Tokens, 1)
	require.Equal(t, created["id"], list.Tokens[0].ID)
	require.NotNil(t, list.Tokens[0].LastUsedAt)

	me := b.api.Do(http.MethodGet, "/v2/me", value, nil).JSON(t)
	require.Equal(t, []any{"webhooks.read"}, me["scopes"])

	// Revoked at once.
	res = b.api.Do(http.MethodDelete, "/v2/admin/tokens/"+created["id"].(string), adminToken, nil)
	require.Equal(t, http.StatusOK, res.Status)
	b.api.Do(http.MethodGet, "/v2/admin/webhooks", value, nil).RequireError(t, 401, "unauthorized")
	b.api.Do(http.MethodDelete, "/v2/admin/tokens/"+created["id"].(string), adminToken, nil).RequireError(t, 404, "not_found")

	// tokens.admin is needed, and a token grants nothing it lacks.
	writer := b.token(t, "", domain.ScopeWebhooksWrite)
	b.api.Do(http.MethodGet, "/v2/admin/tokens", writer, nil).RequireError(t, 403, "rest_forbidden")
	limited := b.token(t, "", domain.ScopeTokensAdmin, domain.ScopeWebhooksRead)
	b.api.Do(http.MethodPost, "/v2/admin/tokens", limited, map[string]any{"name": "x", "scopes": []string{"webhooks.write"}}).
		RequireError(t, 403, "rest_forbidden")

	// A tenant-bound admin sees and mints only its tenant's tokens.
	acme := b.token(t, "acme", domain.ScopeTokensAdmin, domain.ScopeWebhooksRead)
	res = b.api.Do(http.MethodPost, "/v2/admin/tokens", acme, map[string]any{"name": "acme-ci", "scopes": []string{"webhooks.read"}})
	require.Equal(t, http.StatusCreated, res.Status)
	require.Equal(t, "acme", res.JSON(t)["tenant"])
	b.api.Do(http.MethodPost, "/v2/admin/tokens", acme, map[string]any{"name": "x", "scopes": []string{"webhooks.read"}, "tenant": "other"}).
		RequireError(t, 403, "rest_forbidden")
	for _, tok := range b.api.Do(http.MethodGet, "/v2/admin/tokens", acme, nil).JSON(t)["tokens"].([]any) {
		require.Equal(t, "acme", tok.(map[string]any)["tenant"])
	}

	for _, bad := range []map[string]any{
		{"name": "", "scopes": []string{"webhooks.read"}},
		{"name": "x", "scopes": []string{}},
		{"name": "x", "scopes": []string{"root"}},
		{"name": "x"},
		{"name": "x", "scopes": []string{"webhooks.read"}, "extra": 1},
	} {
		b.api.Do(http.MethodPost, "/v2/admin/tokens", adminToken, bad).RequireError(t, 400, "invalid_param")
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *options) { o.server.RateLimit, o.server.RateBurst = 1, 5 })
	reader := b.token(t, "", domain.ScopeWebhooksRead, domain.ScopeEventsWrite)
	for range 5 {
		require.Equal(t, http.StatusOK, b.api.Do(http.MethodGet, "/v2/admin/webhooks", reader, nil).Status)
	}
	res := b.api.Do(http.MethodGet, "/v2/admin/webhooks", reader, nil)
	res.RequireError(t, 429, "rate_limited")
	after, err := strconv.Atoi(res.Header.Get("Retry-After"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, after, 1)

	// Per token: another token is not affected.
	require.Equal(t, http.StatusOK, b.api.Do(http.MethodGet, "/v2/admin/webhooks", adminToken, nil).Status)
	// Emitting events is not the admin API and is not limited.
	for range 10 {
		res := b.api.Do(http.MethodPost, "/v2/events", reader, map[string]any{"type": "comment.created", "data": map[string]any{}})
		require.Equal(t, http.StatusAccepted, res.Status)
	}
}

func TestForbiddenDestinationsRefusedAtCreate(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *options) { o.server.URLPolicy = domain.URLPolicy{AllowHTTP: true} })
	for _, url := range []string{
		"http://127.0.0.1:8080/hook", "http://[::1]/hook", "http://169.254.169.254/latest/meta-data/",
		"https://10.0.0.5/hook", "https://192.168.1.10/", "https://[::ffff:127.0.0.1]/", "http://localhost:9000/", "https://0.0.0.0/",
		"http://2130706433/", "http://0x7f.1/", "http://0177.0.0.1/", "https://[::127.0.0.1]/", "https://[::ffff:0:a9fe:a9fe]/",
		"https://[64:ff9b:1::a00:1]/", "https://[2001::53]/", "https://[100::1]/", "https://198.51.100.1/", "https://[2001:db8::5]/",
		"https://１６９.２５４.１６９.２５４/",
	} {
		body := validWebhook()
		body["url"] = url
		m := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, body).RequireError(t, 400, "invalid_url")
		require.Contains(t, m["message"], "not allowed", url)
	}
	res := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, validWebhook())
	require.Equal(t, http.StatusCreated, res.Status)
	path := fmt.Sprintf("/v2/admin/webhooks/%d", int64(res.JSON(t)["id"].(float64)))
	b.api.Do(http.MethodPut, path, adminToken, map[string]any{"url": "http://127.0.0.1/"}).RequireError(t, 400, "invalid_url")
	b.api.Do(http.MethodPost, "/v2/webhooks/subscriptions", adminToken, map[string]any{
		"url": "http://169.254.169.254/", "events": []map[string]string{{"name": "content_published"}}}).RequireError(t, 400, "invalid_url")
}

func TestRotateSecretAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	res := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, validWebhook())
	id := int64(res.JSON(t)["id"].(float64))
	oldSecret := res.JSON(t)["secret"].(string)
	path := fmt.Sprintf("/v2/admin/webhooks/%d/rotate-secret", id)

	res = b.api.Do(http.MethodPost, path, adminToken, nil)
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	rotated := res.JSON(t)
	require.NotEqual(t, oldSecret, rotated["secret"])
	require.NotNil(t, rotated["previous_secret_expires_at"])
	require.Equal(t, rotated["secret"], b.api.Do(http.MethodGet, fmt.Sprintf("/v2/admin/webhooks/%d/secret", id), adminToken, nil).JSON(t)["secret"])

	res = b.api.Do(http.MethodPost, path, adminToken, map[string]any{"secret": "whsec_chosen_by_me_1234", "expires_in": 0})
	require.Equal(t, http.StatusOK, res.Status)
	require.Equal(t, "whsec_chosen_by_me_1234", res.JSON(t)["secret"])
	require.Nil(t, res.JSON(t)["previous_secret_expires_at"])

	for _, bad := range []string{"-1", "2592001", "99999999", "9223372037", "9223372036854775807", "9223372036854775808",
		"-9223372036854775808", "1e3", "86400.5", `"86400"`, "true", "[]"} {
		m := b.api.Do(http.MethodPost, path, adminToken, `{"expires_in": `+bad+`}`).RequireError(t, 400, "invalid_param")
		require.Contains(t, m["data"].(map[string]any)["params"], "expires_in", bad)
	}
	for _, ok := range []int64{1, 3600, 2592000} {
		before := time.Now()
		res := b.api.Do(http.MethodPost, path, adminToken, map[string]any{"expires_in": ok})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		expires, err := time.Parse(time.RFC3339, res.JSON(t)["previous_secret_expires_at"].(string))
		require.NoError(t, err)
		want := before.Add(time.Duration(ok) * time.Second)
		require.WithinDuration(t, want, expires, 5*time.Second, "expires_in %d", ok)
	}
	b.api.Do(http.MethodPost, path, adminToken, map[string]any{"secret": "short"}).RequireError(t, 400, "invalid_param")
	b.api.Do(http.MethodPost, "/v2/admin/webhooks/424242/rotate-secret", adminToken, nil).RequireError(t, 404, "not_found")
	reader := b.token(t, "", domain.ScopeWebhooksRead)
	b.api.Do(http.MethodPost, path, reader, nil).RequireError(t, 403, "rest_forbidden")
}

func TestWebhookStats(t *testing.T) {
	t.Parallel()
	b := setup(t)
	res := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, validWebhook())
	id := int64(res.JSON(t)["id"].(float64))
	// Two deliveries succeeded this hour, one failed after a retry, one is
	// still retrying; one succeeded two hours ago. Durations in ms.
	_, err := b.db.Pool.Exec(b.ctx, strings.ReplaceAll(`INSERT INTO events (id, tenant, type, body) VALUES ('e1', 'default', 'comment.created', '{}');
		INSERT INTO deliveries (id, event_id, webhook_id, tenant, event_type, status, cycle, attempts, created_at)
		OVERRIDING SYSTEM VALUE VALUES
			(101, 'e1', $1, 'default', 'comment.created', 'succeeded', 1, 1, now()),
			(102, 'e1', $1, 'default', 'comment.created', 'succeeded', 1, 1, now()),
			(103, 'e1', $1, 'default', 'comment.created', 'failed', 1, 2, now()),
			(104, 'e1', $1, 'default', 'comment.created', 'pending', 1, 1, now()),
			(105, 'e1', $1, 'default', 'comment.created', 'succeeded', 1, 1, now() - interval '2 hours');
		INSERT INTO delivery_attempts (delivery_id, webhook_id, cycle, number, started_at, duration_ms, request_headers, success) VALUES
			(101, $1, 1, 1, now(), 100, '{}', true),
			(102, $1, 1, 1, now(), 300, '{}', true),
			(103, $1, 1, 1, now(), 50, '{}', false),
			(103, $1, 1, 2, now(), 1000, '{}', false),
			(104, $1, 1, 1, now(), 200, '{}', false),
			(105, $1, 1, 1, now() - interval '2 hours', 80, '{}', true)`, "$1", strconv.FormatInt(id, 10)))
	require.NoError(t, err)
	res = b.api.Do(http.MethodGet, fmt.Sprintf("/v2/admin/webhooks/%d/stats", id), adminToken, nil)
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	stats := res.JSON(t)
	require.Len(t, stats["hours"], 24)
	require.EqualValues(t, 3, stats["succeeded"])
	require.EqualValues(t, 1, stats["failed"], "a delivery counts as failed once, with the attempt it ended on")
	require.EqualValues(t, 6, stats["attempts"])
	last := stats["hours"].([]any)[23].(map[string]any)
	require.EqualValues(t, 2, last["succeeded"])
	require.EqualValues(t, 1, last["failed"])
	require.EqualValues(t, 5, last["attempts"])
	require.EqualValues(t, 200, last["p50_ms"]) // of 50, 100, 200, 300, 1000
	require.EqualValues(t, 860, last["p95_ms"])
	earlier := stats["hours"].([]any)[21].(map[string]any)
	require.EqualValues(t, 1, earlier["succeeded"])
	require.EqualValues(t, 80, earlier["p50_ms"])
	require.Nil(t, stats["hours"].([]any)[0].(map[string]any)["p50_ms"], "no attempts, no latency")
}
