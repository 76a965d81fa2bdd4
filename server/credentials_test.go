package server_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
)

// TestCustomHeadersAreCredentials: header values are shown in full only
// where the secret is (the create answer and the reveal route, both
// webhooks.write); every other view shows each name with a masked hint.
func TestCustomHeadersAreCredentials(t *testing.T) {
	t.Parallel()
	b := setup(t)
	headers := map[string]any{"X-API-Key": "fluent-api-key-0123456789", "Authorization": "Bearer partner-token-abcdef", "X-Team": "blue"}
	body := validWebhook()
	body["headers"] = headers
	res := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, body)
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	require.Equal(t, headers, res.JSON(t)["headers"], "the creator sees what it sent")
	id := int64(res.JSON(t)["id"].(float64))
	path := fmt.Sprintf("/v2/admin/webhooks/%d", id)
	masked := map[string]any{"X-API-Key": "••••6789", "Authorization": "••••cdef", "X-Team": "••••"}

	reader := b.token(t, "", domain.ScopeWebhooksRead)
	writer := b.token(t, "", domain.ScopeWebhooksWrite)
	requireMasked := func(res string) {
		t.Helper()
		for _, v := range headers {
			require.NotContains(t, res, v)
		}
	}
	for _, tok := range []string{reader, writer, adminToken} {
		res := b.api.Do(http.MethodGet, path, tok, nil)
		require.Equal(t, http.StatusOK, res.Status)
		require.Equal(t, masked, res.JSON(t)["headers"])
		requireMasked(string(res.Body))
		res = b.api.Do(http.MethodGet, "/v2/admin/webhooks", tok, nil)
		require.Equal(t, http.StatusOK, res.Status)
		requireMasked(string(res.Body))
	}
	res = b.api.Do(http.MethodPatch, path, writer, map[string]any{"name": "renamed"})
	require.Equal(t, http.StatusOK, res.Status)
	require.Equal(t, masked, res.JSON(t)["headers"])

	// The reveal route shows them, to webhooks.write only.
	b.api.Do(http.MethodGet, path+"/secret", reader, nil).RequireError(t, 403, "rest_forbidden")
	res = b.api.Do(http.MethodGet, path+"/secret", writer, nil)
	require.Equal(t, http.StatusOK, res.Status)
	require.Equal(t, headers, res.JSON(t)["headers"])

	// Replacing them replaces every value; {} removes them.
	res = b.api.Do(http.MethodPut, path, writer, map[string]any{"headers": map[string]string{"X-API-Key": "rotated-key-9876543210"}})
	require.Equal(t, http.StatusOK, res.Status)
	require.Equal(t, map[string]any{"X-API-Key": "••••3210"}, res.JSON(t)["headers"])
	require.Equal(t, map[string]any{"X-API-Key": "rotated-key-9876543210"}, b.api.Do(http.MethodGet, path+"/secret", writer, nil).JSON(t)["headers"])
	res = b.api.Do(http.MethodPut, path, writer, map[string]any{"headers": map[string]string{}})
	require.Equal(t, map[string]any{}, res.JSON(t)["headers"])
}

// TestSecretsAreNotCached: every answer carrying a secret or a token says
// no-store (and so does the rest of the API).
func TestSecretsAreNotCached(t *testing.T) {
	t.Parallel()
	b := setup(t)
	res := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, validWebhook())
	require.Equal(t, http.StatusCreated, res.Status)
	id := int64(res.JSON(t)["id"].(float64))
	hook := fmt.Sprintf("/v2/admin/webhooks/%d", id)
	for name, res := range map[string]func() (int, string){
		"CreateWebhook": func() (int, string) {
			r := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, validWebhook())
			return r.Status, r.Header.Get("Cache-Control")
		},
		"RevealSecret": func() (int, string) {
			r := b.api.Do(http.MethodGet, hook+"/secret", adminToken, nil)
			return r.Status, r.Header.Get("Cache-Control")
		},
		"RotateSecret": func() (int, string) {
			r := b.api.Do(http.MethodPost, hook+"/rotate-secret", adminToken, nil)
			return r.Status, r.Header.Get("Cache-Control")
		},
		"CreateToken": func() (int, string) {
			r := b.api.Do(http.MethodPost, "/v2/admin/tokens", adminToken, map[string]any{"name": "ci", "scopes": []string{"webhooks.read"}})
			return r.Status, r.Header.Get("Cache-Control")
		},
		"CreateSubscription": func() (int, string) {
			r := b.api.Do(http.MethodPost, "/v2/webhooks/subscriptions", adminToken, map[string]any{
				"url": "https://example.com/s", "authorization_header": "Bearer x-123456789", "events": []map[string]string{{"name": "content_published"}}})
			return r.Status, r.Header.Get("Cache-Control")
		},
		"GetWebhook": func() (int, string) {
			r := b.api.Do(http.MethodGet, hook, adminToken, nil)
			return r.Status, r.Header.Get("Cache-Control")
		},
		"Error": func() (int, string) {
			r := b.api.Do(http.MethodGet, "/v2/admin/webhooks", "hkd_wrong_x", nil)
			return r.Status, r.Header.Get("Cache-Control")
		},
	} {
		status, cc := res()
		require.Less(t, status, 500, name)
		require.Equal(t, "no-store", cc, name)
	}
}
