package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSubscriptionSeedFlow(t *testing.T) {
	t.Parallel()
	b := setup(t)

	// The seed's request, with its missing comma mended.
	res := b.api.Do(http.MethodPost, "/v2/webhooks/subscriptions", adminToken, `{
  "url": "https://example.com/endpoint",
  "authorization_header": "foobar",
  "events": [
    { "name": "content_published" },
    { "name": "content_archived" }
  ]
}`)
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	require.NotContains(t, string(res.Body), "foobar", "the Authorization value is a credential")
	sub := res.JSON(t)
	require.Equal(t, "https://example.com/endpoint", sub["url"])
	require.Equal(t, []any{map[string]any{"name": "content_published"}, map[string]any{"name": "content_archived"}}, sub["events"])
	require.NotEmpty(t, sub["created_at"])
	require.NotEmpty(t, sub["updated_at"])
	require.NotNil(t, sub["authorization_header_hint"])
	id := int64(sub["id"].(float64))

	// The same webhook in the admin view, named after its host.
	res = b.api.Do(http.MethodGet, fmt.Sprintf("/v2/admin/webhooks/%d", id), adminToken, nil)
	require.Equal(t, http.StatusOK, res.Status)
	require.Equal(t, "example.com", res.JSON(t)["name"])
	require.Equal(t, []any{"content_published", "content_archived"}, res.JSON(t)["events"])
	require.EqualValues(t, 1, b.api.Do(http.MethodGet, "/v2/admin/webhooks", adminToken, nil).JSON(t)["total"])

	// Stored sealed.
	var rawAuth []byte
	require.NoError(t, b.db.Pool.QueryRow(b.ctx, `SELECT authorization_enc FROM webhooks WHERE id = $1`, id).Scan(&rawAuth))
	require.NotContains(t, string(rawAuth), "foobar")

	res = b.api.Do(http.MethodGet, "/v2/webhooks/subscriptions", adminToken, nil)
	require.Equal(t, http.StatusOK, res.Status)
	require.EqualValues(t, 1, res.JSON(t)["total"])
	require.NotContains(t, string(res.Body), "foobar")

	path := fmt.Sprintf("/v2/webhooks/subscriptions/%d", id)
	res = b.api.Do(http.MethodGet, path, adminToken, nil)
	require.Equal(t, http.StatusOK, res.Status)
	require.Equal(t, "https://example.com/endpoint", res.JSON(t)["url"])

	res = b.api.Do(http.MethodPut, path, adminToken, map[string]any{"events": []map[string]string{{"name": "content_deleted"}}})
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	require.Equal(t, []any{map[string]any{"name": "content_deleted"}}, res.JSON(t)["events"])
	require.NotNil(t, res.JSON(t)["authorization_header_hint"], "untouched fields stay")

	res = b.api.Do(http.MethodPut, path, adminToken, map[string]any{"authorization_header": nil})
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	require.Nil(t, res.JSON(t)["authorization_header_hint"])

	res = b.api.Do(http.MethodDelete, path, adminToken, nil)
	require.Equal(t, http.StatusOK, res.Status)
	b.api.Do(http.MethodGet, path, adminToken, nil).RequireError(t, 404, "not_found")
}

func TestSubscriptionValidation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tests := []struct {
		name  string
		body  string
		code  string
		param string
	}{
		{"HTTP", `{"url": "http://example.com", "events": [{"name": "content_published"}]}`, "invalid_url", "url"},
		{"NoEvents", `{"url": "https://example.com"}`, "invalid_param", "events"},
		{"EmptyEvents", `{"url": "https://example.com", "events": []}`, "invalid_param", "events"},
		{"EventsAsStrings", `{"url": "https://example.com", "events": ["content_published"]}`, "invalid_param", "events"},
		{"EventExtraKey", `{"url": "https://example.com", "events": [{"name": "content_published", "x": 1}]}`, "invalid_param", "events"},
		{"UnknownEvent", `{"url": "https://example.com", "events": [{"name": "content_exploded"}]}`, "invalid_param", "events"},
		{"AuthWithNewline", `{"url": "https://example.com", "authorization_header": "a\r\nb", "events": [{"name": "content_published"}]}`, "invalid_param", "authorization_header"},
		{"AuthNotString", `{"url": "https://example.com", "authorization_header": 5, "events": [{"name": "content_published"}]}`, "invalid_param", "authorization_header"},
		{"UnknownField", `{"url": "https://example.com", "events": [{"name": "content_published"}], "foo": 1}`, "invalid_param", "foo"},
		{"Malformed", `{"url": "https://example.com" "events": []}`, "invalid_json", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := b.api.Do(http.MethodPost, "/v2/webhooks/subscriptions", adminToken, tt.body)
			m := res.RequireError(t, 400, tt.code)
			if tt.param != "" {
				require.Contains(t, m["data"].(map[string]any)["params"], tt.param)
			}
			require.NotContains(t, strings.ToLower(string(res.Body)), "a\r\nb")
		})
	}
	require.Zero(t, b.countWebhooks(t))
	m := b.api.Do(http.MethodGet, "/v2/webhooks/subscriptions/12345", adminToken, nil).RequireError(t, 404, "not_found")
	require.Equal(t, "Subscription not found.", m["message"])
}
