package server_test

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/apitest"
	"github.com/hookd/hookd/internal/deliverytest"
)

func TestWebhookSeedFlow(t *testing.T) {
	t.Parallel()
	b := setup(t)

	// Create, as the seed's curl example.
	res := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, validWebhook())
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	created := res.JSON(t)
	require.Equal(t, "Webhook created successfully.", created["message"])
	require.Equal(t, "Slack Notifications", created["name"])
	require.Equal(t, "default", created["tenant"])
	require.Equal(t, "active", created["status"])
	require.EqualValues(t, 3, created["retry_count"])
	require.EqualValues(t, 0, created["consecutive_failures"])
	require.Equal(t, map[string]any{}, created["headers"])
	secret := created["secret"].(string)
	require.True(t, strings.HasPrefix(secret, "whsec_"), secret)
	raw, err := base64.StdEncoding.Strict().DecodeString(strings.TrimPrefix(secret, "whsec_"))
	require.NoError(t, err, "standard base64, padded, as Standard Webhooks libraries decode it")
	require.Len(t, raw, 32)
	require.Equal(t, "hookd", created["format"])
	require.NotContains(t, created["secret_hint"], secret[6:])
	id := int64(created["id"].(float64))

	// Get never shows the secret.
	res = b.api.Do(http.MethodGet, fmt.Sprintf("/v2/admin/webhooks/%d", id), adminToken, nil)
	require.Equal(t, http.StatusOK, res.Status)
	require.NotContains(t, string(res.Body), secret)
	require.NotContains(t, res.JSON(t), "secret")

	// Reveal does.
	res = b.api.Do(http.MethodGet, fmt.Sprintf("/v2/admin/webhooks/%d/secret", id), adminToken, nil)
	require.Equal(t, http.StatusOK, res.Status)
	require.Equal(t, secret, res.JSON(t)["secret"])
	require.Equal(t, "no-store", res.Header.Get("Cache-Control"))

	// List.
	res = b.api.Do(http.MethodGet, "/v2/admin/webhooks", adminToken, nil)
	require.Equal(t, http.StatusOK, res.Status)
	list := res.JSON(t)
	require.EqualValues(t, 1, list["total"])
	require.Len(t, list["webhooks"], 1)
	require.NotContains(t, string(res.Body), secret)

	// Update, as the seed's PUT example: only the fields given change.
	res = b.api.Do(http.MethodPut, fmt.Sprintf("/v2/admin/webhooks/%d", id), adminToken, map[string]any{
		"events": []string{"feed.created", "comment.created", "space.created"},
		"status": "active",
	})
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	updated := res.JSON(t)
	require.Equal(t, "Webhook updated successfully.", updated["message"])
	require.Equal(t, []any{"feed.created", "comment.created", "space.created"}, updated["events"])
	require.Equal(t, "Slack Notifications", updated["name"])
	require.EqualValues(t, 3, updated["retry_count"])

	// PATCH does the same.
	res = b.api.Do(http.MethodPatch, fmt.Sprintf("/v2/admin/webhooks/%d", id), adminToken, map[string]any{"name": "Renamed"})
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	require.Equal(t, "Renamed", res.JSON(t)["name"])
	require.Equal(t, []any{"feed.created", "comment.created", "space.created"}, res.JSON(t)["events"])

	// Delete.
	res = b.api.Do(http.MethodDelete, fmt.Sprintf("/v2/admin/webhooks/%d", id), adminToken, nil)
	require.Equal(t, http.StatusOK, res.Status)
	require.Equal(t, map[string]any{"message": "Webhook deleted successfully."}, res.JSON(t))

	res = b.api.Do(http.MethodGet, fmt.Sprintf("/v2/admin/webhooks/%d", id), adminToken, nil)
	m := res.RequireError(t, http.StatusNotFound, "not_found")
	require.Equal(t, "Webhook not found.", m["message"])
	res = b.api.Do(http.MethodDelete, fmt.Sprintf("/v2/admin/webhooks/%d", id), adminToken, nil)
	res.RequireError(t, http.StatusNotFound, "not_found")
}

func TestCreateWebhookDefaults(t *testing.T) {
	t.Parallel()
	b := setup(t)
	res := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, map[string]any{
		"name": "Minimal", "url": "https://example.com/hook", "events": []string{"*"},
		"secret": "whsec_mine_0123456789", "headers": map[string]string{"X-Api-Key": "your-api-key"},
	})
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	m := res.JSON(t)
	require.EqualValues(t, domain.DefaultRetryCount, m["retry_count"])
	require.Equal(t, "active", m["status"])
	require.Equal(t, "whsec_mine_0123456789", m["secret"])
	require.Equal(t, map[string]any{"X-Api-Key": "your-api-key"}, m["headers"])
	require.Nil(t, m["last_triggered_at"])
	require.Nil(t, m["last_error"])
}

func TestWebhookValidation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	long := "https://example.com/" + strings.Repeat("a", 2048)

	with := func(field string, value any) map[string]any {
		body := validWebhook()
		body[field] = value
		return body
	}
	without := func(field string) map[string]any {
		body := validWebhook()
		delete(body, field)
		return body
	}

	tests := []struct {
		name   string
		body   any
		status int
		code   string
		param  string
	}{
		{"HTTPURL", with("url", "http://example.com/hook"), 400, "invalid_url", "url"},
		{"RelativeURL", with("url", "/hook"), 400, "invalid_url", "url"},
		{"FTPURL", with("url", "ftp://example.com/hook"), 400, "invalid_url", "url"},
		{"UserInfo", with("url", "https://user:pw@example.com/hook"), 400, "invalid_url", "url"},
		{"URLTooLong", with("url", long), 400, "invalid_url", "url"},
		{"URLMissing", without("url"), 400, "invalid_param", "url"},
		{"URLNotString", with("url", 42), 400, "invalid_param", "url"},
		{"NameEmpty", with("name", ""), 400, "invalid_param", "name"},
		{"NameBlank", with("name", "   "), 400, "invalid_param", "name"},
		{"NameTooLong", with("name", strings.Repeat("n", 256)), 400, "invalid_param", "name"},
		{"NameMissing", without("name"), 400, "invalid_param", "name"},
		{"EventsEmpty", with("events", []string{}), 400, "invalid_param", "events"},
		{"EventsMissing", without("events"), 400, "invalid_param", "events"},
		{"EventsNull", with("events", nil), 400, "invalid_param", "events"},
		{"EventsDuplicate", with("events", []string{"feed.created", "feed.created"}), 400, "invalid_param", "events"},
		{"EventsUnknown", with("events", []string{"feed.created", "nope.never"}), 400, "invalid_param", "events"},
		{"EventsBadWildcard", with("events", []string{"nogroup.*"}), 400, "invalid_param", "events"},
		{"EventsPartialWildcard", with("events", []string{"comment.cre*"}), 400, "invalid_param", "events"},
		{"EventsNotStrings", with("events", []int{1, 2}), 400, "invalid_param", "events"},
		{"EventsString", with("events", "feed.created"), 400, "invalid_param", "events"},
		{"RetryCountHigh", with("retry_count", 9), 400, "invalid_param", "retry_count"},
		{"RetryCountNegative", with("retry_count", -1), 400, "invalid_param", "retry_count"},
		{"RetryCountString", with("retry_count", "3"), 400, "invalid_param", "retry_count"},
		{"RetryCountFloat", with("retry_count", 2.5), 400, "invalid_param", "retry_count"},
		{"StatusUnknown", with("status", "paused"), 400, "invalid_param", "status"},
		{"HeaderHost", with("headers", map[string]string{"Host": "evil"}), 400, "invalid_param", "headers"},
		{"HeaderContentLength", with("headers", map[string]string{"content-length": "1"}), 400, "invalid_param", "headers"},
		{"HeaderContentType", with("headers", map[string]string{"Content-Type": "text/plain"}), 400, "invalid_param", "headers"},
		{"HeaderTransferEncoding", with("headers", map[string]string{"Transfer-Encoding": "chunked"}), 400, "invalid_param", "headers"},
		{"HeaderConnection", with("headers", map[string]string{"Connection": "close"}), 400, "invalid_param", "headers"},
		{"HeaderHookd", with("headers", map[string]string{"Hookd-Signature": "x"}), 400, "invalid_param", "headers"},
		{"HeaderHookdLower", with("headers", map[string]string{"hookd-event-id": "x"}), 400, "invalid_param", "headers"},
		{"HeaderCRLF", with("headers", map[string]string{"X-A": "a\r\nX-Injected: 1"}), 400, "invalid_param", "headers"},
		{"HeaderLF", with("headers", map[string]string{"X-A": "a\nb"}), 400, "invalid_param", "headers"},
		{"HeaderBadName", with("headers", map[string]string{"Bad Name": "x"}), 400, "invalid_param", "headers"},
		{"HeaderValueNotString", with("headers", map[string]any{"X-A": 1}), 400, "invalid_param", "headers"},
		{"SecretShort", with("secret", "short"), 400, "invalid_param", "secret"},
		{"UnknownField", with("colour", "blue"), 400, "invalid_param", "colour"},
		{"ReadOnlyField", with("id", 7), 400, "invalid_param", "id"},
		{"TenantInvalid", with("tenant", "has space"), 400, "invalid_param", "tenant"},
		{"MalformedJSON", `{"name": "x",`, 400, "invalid_json", ""},
		{"TrailingGarbage", `{"name": "x"} {}`, 400, "invalid_json", ""},
		{"NotAnObject", `["name"]`, 400, "invalid_json", ""},
		{"Null", `null`, 400, "invalid_json", ""},
		{"Empty", ``, 400, "invalid_json", ""},
		{"SeedFirstupMissingComma", "{\n \"url\": \"https://example.com/endpoint\",\n \"authorization_header\": \"foobar\"\n \"events\": []\n}", 400, "invalid_json", ""},
		{"TooLarge", `{"name": "` + strings.Repeat("x", 1<<20) + `"}`, 413, "payload_too_large", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, tt.body)
			m := res.RequireError(t, tt.status, tt.code)
			if tt.param != "" {
				params, _ := m["data"].(map[string]any)["params"].(map[string]any)
				require.Contains(t, params, tt.param, "%s", res.Body)
			}
		})
	}
	require.Zero(t, b.countWebhooks(t), "a refused request wrote a webhook")

	t.Run("HTTPSRuleMessage", func(t *testing.T) {
		res := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, with("url", "http://example.com/x"))
		require.Equal(t, "Webhook URL must use HTTPS protocol.", res.JSON(t)["message"])
	})

	t.Run("AllFieldErrorsReported", func(t *testing.T) {
		res := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, map[string]any{"name": "", "url": "http://x", "events": []string{}})
		m := res.RequireError(t, 400, "invalid_url")
		params := m["data"].(map[string]any)["params"].(map[string]any)
		require.Contains(t, params, "url")
		require.Contains(t, params, "name")
		require.Contains(t, params, "events")
	})
}

func TestWebhookAcceptsWildcardsAndHTTPWhenAllowed(t *testing.T) {
	t.Parallel()
	b := setup(t, allowHTTP)
	body := validWebhook()
	body["url"] = "http://127.0.0.1:9999/hook"
	body["events"] = []string{"*", "comment.*", "loyalty.prize.*", "content.*", "content_published"}
	res := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, body)
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
}

func TestUpdateWebhookValidation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	res := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, validWebhook())
	require.Equal(t, http.StatusCreated, res.Status)
	id := int64(res.JSON(t)["id"].(float64))
	path := fmt.Sprintf("/v2/admin/webhooks/%d", id)

	tests := []struct {
		name string
		body any
		code string
	}{
		{"HTTPURL", map[string]any{"url": "http://example.com"}, "invalid_url"},
		{"NullName", map[string]any{"name": nil}, "invalid_param"},
		{"EmptyEvents", map[string]any{"events": []string{}}, "invalid_param"},
		{"SecretNotUpdatable", map[string]any{"secret": "whsec_abcdefghijkl"}, "invalid_param"},
		{"TenantNotUpdatable", map[string]any{"tenant": "other"}, "invalid_param"},
		{"Unknown", map[string]any{"nope": 1}, "invalid_param"},
		{"RetryCount", map[string]any{"retry_count": 99}, "invalid_param"},
		{"Malformed", `{`, "invalid_json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, method := range []string{http.MethodPut, http.MethodPatch} {
				b.api.Do(method, path, adminToken, tt.body).RequireError(t, 400, tt.code)
			}
		})
	}
	res = b.api.Do(http.MethodGet, path, adminToken, nil)
	require.Equal(t, "Slack Notifications", res.JSON(t)["name"], "a refused update changed the webhook")
	require.Equal(t, res.JSON(t)["created_at"], res.JSON(t)["updated_at"])

	b.api.Do(http.MethodPut, "/v2/admin/webhooks/999999", adminToken, map[string]any{"name": "x"}).RequireError(t, 404, "not_found")
}

func TestWebhookIDs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, id := range []string{"abc", "0", "-1", "1.5", "99999999999999999999", "999"} {
		t.Run(id, func(t *testing.T) {
			for _, method := range []string{http.MethodGet, http.MethodDelete} {
				m := b.api.Do(method, "/v2/admin/webhooks/"+id, adminToken, nil).RequireError(t, 404, "not_found")
				require.Equal(t, "Webhook not found.", m["message"])
			}
			b.api.Do(http.MethodPut, "/v2/admin/webhooks/"+id, adminToken, map[string]any{"name": "x"}).RequireError(t, 404, "not_found")
			b.api.Do(http.MethodGet, "/v2/admin/webhooks/"+id+"/secret", adminToken, nil).RequireError(t, 404, "not_found")
		})
	}
}

func TestListWebhooksQuery(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for i, events := range [][]string{{"comment.*"}, {"space.created"}, {"*"}, {"comment.created"}} {
		body := validWebhook()
		body["name"] = fmt.Sprintf("hook %d", i)
		body["events"] = events
		if i == 1 {
			body["status"] = "inactive"
		}
		require.Equal(t, http.StatusCreated, b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, body).Status)
	}
	total := func(query string) int {
		res := b.api.Do(http.MethodGet, "/v2/admin/webhooks"+query, adminToken, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		return int(res.JSON(t)["total"].(float64))
	}
	require.Equal(t, 4, total(""))
	require.Equal(t, 1, total("?status=inactive"))
	require.Equal(t, 3, total("?status=active"))
	require.Equal(t, 3, total("?event=comment.created"), "exact, group wildcard and * all match")
	require.Equal(t, 2, total("?event=space.created"))
	require.Equal(t, 1, total("?event=comment.*"))

	res := b.api.Do(http.MethodGet, "/v2/admin/webhooks?per_page=3&page=2", adminToken, nil)
	require.Len(t, res.JSON(t)["webhooks"], 1)
	require.EqualValues(t, 4, res.JSON(t)["total"])
	res = b.api.Do(http.MethodGet, "/v2/admin/webhooks?per_page=3", adminToken, nil)
	first := res.JSON(t)["webhooks"].([]any)[0].(map[string]any)
	require.Equal(t, "hook 3", first["name"], "newest first")

	for _, q := range []string{"?per_page=0", "?per_page=101", "?per_page=x", "?page=0", "?page=-2", "?status=paused"} {
		b.api.Do(http.MethodGet, "/v2/admin/webhooks"+q, adminToken, nil).RequireError(t, 400, "invalid_param")
	}
}

func TestAuth(t *testing.T) {
	t.Parallel()
	b := setup(t)
	readOnly := b.token(t, "", domain.ScopeWebhooksRead)
	eventsOnly := b.token(t, "", domain.ScopeEventsWrite)
	writer := b.token(t, "", domain.ScopeWebhooksWrite)

	t.Run("MissingToken", func(t *testing.T) {
		res := b.api.Do(http.MethodGet, "/v2/admin/webhooks", "", nil)
		res.RequireError(t, 401, "unauthorized")
		require.Contains(t, res.Header.Get("WWW-Authenticate"), "Bearer")
	})
	t.Run("UnknownToken", func(t *testing.T) {
		b.api.Do(http.MethodGet, "/v2/admin/webhooks", "hkd_nope_nope", nil).RequireError(t, 401, "unauthorized")
		b.api.Do(http.MethodGet, "/v2/admin/webhooks", "garbage", nil).RequireError(t, 401, "unauthorized")
	})
	t.Run("BasicAuthIsNotBearer", func(t *testing.T) {
		res := b.api.Do(http.MethodGet, "/v2/admin/webhooks", "", nil, "Authorization", "Basic dXNlcjpwYXNz")
		res.RequireError(t, 401, "unauthorized")
	})
	t.Run("MissingScope", func(t *testing.T) {
		m := b.api.Do(http.MethodPost, "/v2/admin/webhooks", readOnly, validWebhook()).RequireError(t, 403, "rest_forbidden")
		require.Equal(t, "Sorry, you don't have permission to manage webhooks.", m["message"])
		b.api.Do(http.MethodGet, "/v2/admin/webhooks", eventsOnly, nil).RequireError(t, 403, "rest_forbidden")
		b.api.Do(http.MethodGet, "/v2/admin/webhooks/1/secret", readOnly, nil).RequireError(t, 403, "rest_forbidden")
		b.api.Do(http.MethodPost, "/v2/webhooks/subscriptions", readOnly, map[string]any{}).RequireError(t, 403, "rest_forbidden")
		b.api.Do(http.MethodPost, "/v2/event-types", readOnly, map[string]any{}).RequireError(t, 403, "rest_forbidden")
	})
	t.Run("ScopesAllow", func(t *testing.T) {
		require.Equal(t, 200, b.api.Do(http.MethodGet, "/v2/admin/webhooks", readOnly, nil).Status)
		require.Equal(t, 201, b.api.Do(http.MethodPost, "/v2/admin/webhooks", writer, validWebhook()).Status)
		require.Equal(t, 200, b.api.Do(http.MethodGet, "/v2/admin/webhooks", writer, nil).Status, "write implies read")
		require.Equal(t, 200, b.api.Do(http.MethodGet, "/v2/event-types", eventsOnly, nil).Status)
	})
	t.Run("UnauthenticatedBadInputStill401", func(t *testing.T) {
		b.api.Do(http.MethodPost, "/v2/admin/webhooks", "", "{").RequireError(t, 401, "unauthorized")
	})
}

func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.token(t, "acme", domain.ScopeWebhooksWrite)
	globex := b.token(t, "globex", domain.ScopeWebhooksWrite)

	res := b.api.Do(http.MethodPost, "/v2/admin/webhooks", acme, validWebhook())
	require.Equal(t, http.StatusCreated, res.Status)
	require.Equal(t, "acme", res.JSON(t)["tenant"])
	id := int64(res.JSON(t)["id"].(float64))
	path := fmt.Sprintf("/v2/admin/webhooks/%d", id)

	// Another tenant's token sees nothing and changes nothing.
	require.EqualValues(t, 0, b.api.Do(http.MethodGet, "/v2/admin/webhooks", globex, nil).JSON(t)["total"])
	b.api.Do(http.MethodGet, path, globex, nil).RequireError(t, 404, "not_found")
	b.api.Do(http.MethodPut, path, globex, map[string]any{"name": "x"}).RequireError(t, 404, "not_found")
	b.api.Do(http.MethodDelete, path, globex, nil).RequireError(t, 404, "not_found")
	b.api.Do(http.MethodGet, path+"/secret", globex, nil).RequireError(t, 404, "not_found")
	b.api.Do(http.MethodGet, "/v2/webhooks/subscriptions/"+fmt.Sprint(id), globex, nil).RequireError(t, 404, "not_found")

	// A bound token cannot reach for another tenant explicitly.
	body := validWebhook()
	body["tenant"] = "acme"
	b.api.Do(http.MethodPost, "/v2/admin/webhooks", globex, body).RequireError(t, 403, "rest_forbidden")
	b.api.Do(http.MethodGet, "/v2/admin/webhooks?tenant=acme", globex, nil).RequireError(t, 403, "rest_forbidden")

	// Its own tenant named explicitly is fine.
	body["tenant"] = "globex"
	res = b.api.Do(http.MethodPost, "/v2/admin/webhooks", globex, body)
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)

	// An unbound token sees all, or one tenant on request, and creates where told.
	require.EqualValues(t, 2, b.api.Do(http.MethodGet, "/v2/admin/webhooks", adminToken, nil).JSON(t)["total"])
	require.EqualValues(t, 1, b.api.Do(http.MethodGet, "/v2/admin/webhooks?tenant=acme", adminToken, nil).JSON(t)["total"])
	require.Equal(t, 200, b.api.Do(http.MethodGet, path+"?tenant=acme", adminToken, nil).Status)
	b.api.Do(http.MethodGet, path+"?tenant=globex", adminToken, nil).RequireError(t, 404, "not_found")
	body["tenant"] = "initech"
	res = b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, body)
	require.Equal(t, "initech", res.JSON(t)["tenant"])
}

func TestWebhookLimitPerTenant(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *options) { o.server.MaxWebhooksPerTenant = 2 })
	for range 2 {
		require.Equal(t, 201, b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, validWebhook()).Status)
	}
	refused := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, validWebhook()).RequireError(t, 409, "limit_exceeded")
	require.Contains(t, refused["message"], "limit of 2 webhooks", "the error says the limit")
	body := validWebhook()
	body["tenant"] = "other"
	require.Equal(t, 201, b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, body).Status, "the cap is per tenant")
}

// TestWebhookShowsItsConcurrency: the webhook object tells how many attempts
// the endpoint may have in flight now, as the worker processes publish it.
func TestWebhookShowsItsConcurrency(t *testing.T) {
	t.Parallel()
	b := setup(t, allowHTTP, withWorkers)
	rcv := deliverytest.NewReceiver(t)
	id := b.hook(t, rcv.URL, "comment.created")
	path := "/v2/admin/webhooks/" + strconv.FormatInt(id, 10)
	conc := func(res *apitest.Response) map[string]any { return res.JSON(t)["concurrency"].(map[string]any) }

	require.Equal(t, map[string]any{"limit": 0.0, "in_flight": 0.0, "waiting": 0.0, "processes": 0.0},
		conc(b.api.Do(http.MethodGet, path, adminToken, nil)), "nothing sent yet")
	emitter := b.token(t, "", domain.ScopeEventsWrite)
	for range 5 {
		require.Equal(t, http.StatusAccepted, b.api.Do(http.MethodPost, "/v2/events", emitter,
			map[string]any{"type": "comment.created", "data": map[string]any{}}).Status)
	}
	rcv.WaitFor(t, 5, 10*time.Second)
	require.Eventually(t, func() bool {
		c := conc(b.api.Do(http.MethodGet, path, adminToken, nil))
		return c["processes"] == 1.0 && c["limit"].(float64) > 1
	}, 10*time.Second, 200*time.Millisecond, "published by the one worker process, grown past the probe")
	list := b.api.Do(http.MethodGet, "/v2/admin/webhooks", adminToken, nil).JSON(t)["webhooks"].([]any)
	require.EqualValues(t, 1, list[0].(map[string]any)["concurrency"].(map[string]any)["processes"], "lists show it too")
}
