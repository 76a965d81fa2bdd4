package server_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
)

// Disabling a webhook cancels what is queued for it, says how many, and
// recover sends those again once it is enabled.
func TestDisableCancelsAndRecoverResends(t *testing.T) {
	t.Parallel()
	b := setup(t, allowHTTP) // no workers: deliveries stay queued
	id := b.hook(t, "http://127.0.0.1:9/hook", "comment.created")
	emitter := b.token(t, "", domain.ScopeEventsWrite)
	for range 3 {
		require.Equal(t, http.StatusAccepted, b.api.Do(http.MethodPost, "/v2/events", emitter,
			map[string]any{"type": "comment.created", "data": map[string]any{}}).Status)
	}
	path := fmt.Sprintf("/v2/admin/webhooks/%d", id)
	res := b.api.Do(http.MethodPatch, path, adminToken, map[string]any{"status": "inactive"})
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	require.EqualValues(t, 3, res.JSON(t)["disabled_cancelled"])
	require.EqualValues(t, 3, b.api.Do(http.MethodGet, path, adminToken, nil).JSON(t)["disabled_cancelled"])
	log := b.api.Do(http.MethodGet, path+"/deliveries?status=cancelled", adminToken, nil).JSON(t)
	require.EqualValues(t, 3, log["total"])
	require.Equal(t, "Cancelled: the webhook was disabled.", log["deliveries"].([]any)[0].(map[string]any)["last_error"])

	since := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	b.api.Do(http.MethodPost, path+"/recover", adminToken, map[string]any{"since": since}).RequireError(t, 409, "conflict")
	res = b.api.Do(http.MethodPatch, path, adminToken, map[string]any{"status": "active"})
	require.EqualValues(t, 0, res.JSON(t)["disabled_cancelled"])
	b.api.Do(http.MethodPost, path+"/recover", adminToken, map[string]any{"since": since, "status": "pending"}).
		RequireError(t, 400, "invalid_param")
	res = b.api.Do(http.MethodPost, path+"/recover", adminToken, map[string]any{"since": since, "status": "failed"})
	require.EqualValues(t, 0, res.JSON(t)["deliveries"], "none failed")
	res = b.api.Do(http.MethodPost, path+"/recover", adminToken, map[string]any{"since": since, "status": "cancelled"})
	require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
	require.EqualValues(t, 3, res.JSON(t)["deliveries"])
	require.Equal(t, "Recovery scheduled for 3 deliveries.", res.JSON(t)["message"])
	require.EqualValues(t, 3, b.api.Do(http.MethodGet, path+"/deliveries?status=pending", adminToken, nil).JSON(t)["total"])
}

func TestRotationShowsUntilWhenTheOldSecretSigns(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := int64(b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, validWebhook()).JSON(t)["id"].(float64))
	path := fmt.Sprintf("/v2/admin/webhooks/%d", id)
	require.Nil(t, b.api.Do(http.MethodGet, path, adminToken, nil).JSON(t)["previous_secret_expires_at"])
	rotated := b.api.Do(http.MethodPost, path+"/rotate-secret", adminToken, map[string]any{"expires_in": 3600}).JSON(t)
	got := b.api.Do(http.MethodGet, path, adminToken, nil).JSON(t)
	require.Equal(t, rotated["previous_secret_expires_at"], got["previous_secret_expires_at"])
	require.Equal(t, domain.Hint(rotated["secret"].(string)), got["secret_hint"])
	b.api.Do(http.MethodPost, path+"/rotate-secret", adminToken, map[string]any{"expires_in": 0})
	require.Nil(t, b.api.Do(http.MethodGet, path, adminToken, nil).JSON(t)["previous_secret_expires_at"], "no overlap, nothing still signs")
}

func TestSearchWebhooks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, w := range [][2]string{{"Orders", "https://shop.example.com/hooks"}, {"CRM sync", "https://crm.example.com/in"},
		{"Billing", "https://billing.example.net/ORDERS"}} {
		body := validWebhook()
		body["name"], body["url"] = w[0], w[1]
		require.Equal(t, http.StatusCreated, b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, body).Status)
	}
	names := func(q string) []string {
		var out []string
		for _, w := range b.api.Do(http.MethodGet, "/v2/admin/webhooks?q="+q, adminToken, nil).JSON(t)["webhooks"].([]any) {
			out = append(out, w.(map[string]any)["name"].(string))
		}
		return out
	}
	require.Equal(t, []string{"Billing", "Orders"}, names("orders"), "name or URL, any case")
	require.Equal(t, []string{"CRM sync"}, names("crm.example"))
	require.Empty(t, names("100%25"), "% is a character, not a wildcard")
}

func TestSearch(t *testing.T) {
	t.Parallel()
	b := setup(t, allowHTTP)
	id := b.hook(t, "http://127.0.0.1:9/orders", "comment.created")
	emitter := b.token(t, "", domain.ScopeEventsWrite)
	res := b.api.Do(http.MethodPost, "/v2/events", emitter, map[string]any{"type": "comment.created", "data": map[string]any{}, "id": "order-42"})
	require.Equal(t, http.StatusAccepted, res.Status)
	list := b.api.Do(http.MethodGet, fmt.Sprintf("/v2/admin/webhooks/%d/deliveries", id), adminToken, nil).JSON(t)["deliveries"].([]any)
	deliveryID := int64(list[0].(map[string]any)["id"].(float64))

	found := b.api.Do(http.MethodGet, "/v2/admin/search?q=ORDERS", adminToken, nil).JSON(t)
	require.Len(t, found["webhooks"], 1)
	require.EqualValues(t, 1, found["total_webhooks"])
	require.Empty(t, found["events"])
	found = b.api.Do(http.MethodGet, "/v2/admin/search?q=order-42", adminToken, nil).JSON(t)
	require.Equal(t, "order-42", found["events"].([]any)[0].(map[string]any)["id"])
	found = b.api.Do(http.MethodGet, fmt.Sprintf("/v2/admin/search?q=%%23%d", deliveryID), adminToken, nil).JSON(t)
	require.EqualValues(t, deliveryID, found["deliveries"].([]any)[0].(map[string]any)["id"])
	nothing := b.api.Do(http.MethodGet, "/v2/admin/search?q=999999", adminToken, nil)
	require.Equal(t, http.StatusOK, nothing.Status, "nothing found is not an error")
	require.Empty(t, nothing.JSON(t)["deliveries"])
	b.api.Do(http.MethodGet, "/v2/admin/search?q=", adminToken, nil).RequireError(t, 400, "invalid_param")

	// A tenant's token finds only its tenant's records.
	other := b.token(t, "other", domain.ScopeWebhooksRead)
	found = b.api.Do(http.MethodGet, "/v2/admin/search?q=order-42", other, nil).JSON(t)
	require.Empty(t, found["events"])

	// An id two tenants used is two answers, not an error.
	res = b.api.Do(http.MethodPost, "/v2/events", emitter, map[string]any{"type": "comment.created", "data": map[string]any{}, "id": "order-42", "tenant": "other"})
	require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
	found = b.api.Do(http.MethodGet, "/v2/admin/search?q=order-42", adminToken, nil).JSON(t)
	require.Len(t, found["events"], 2)
	require.Len(t, b.api.Do(http.MethodGet, "/v2/admin/search?q=order-42", other, nil).JSON(t)["events"], 1)
	require.Empty(t, b.api.Do(http.MethodGet, "/v2/admin/search?q=orders", other, nil).JSON(t)["webhooks"])
}

func TestSettings(t *testing.T) {
	t.Parallel()
	b := setup(t, allowHTTP, func(o *options) { o.server.SignatureHeader = "SelfCommunity-Signature" })
	reader := b.token(t, "", domain.ScopeEventsWrite)
	res := b.api.Do(http.MethodGet, "/v2/settings", reader, nil)
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	s := res.JSON(t)
	require.Equal(t, "SelfCommunity-Signature", s["signature_header"])
	require.Equal(t, true, s["allow_http"])
	require.EqualValues(t, 100, s["max_webhooks_per_tenant"])
	require.EqualValues(t, 8, s["max_retry_count"])
	b.api.Do(http.MethodGet, "/v2/settings", "", nil).RequireError(t, 401, "unauthorized")
}

// The delivery's body field is the exact bytes sent, where payload is
// the same JSON re-encoded.
func TestDeliveryBodyIsTheExactBytes(t *testing.T) {
	t.Parallel()
	b := setup(t, allowHTTP)
	id := b.hook(t, "http://127.0.0.1:9/hook", "comment.created")
	emitter := b.token(t, "", domain.ScopeEventsWrite)
	raw := `{"type": "comment.created", "data": {"text": "<b>1.50</b> & more", "n": 1.50, "e": "\u00e9"}}`
	require.Equal(t, http.StatusAccepted, b.api.Do(http.MethodPost, "/v2/events", emitter, raw).Status)
	list := b.api.Do(http.MethodGet, fmt.Sprintf("/v2/admin/webhooks/%d/deliveries", id), adminToken, nil).JSON(t)["deliveries"].([]any)
	detail := b.api.Do(http.MethodGet, fmt.Sprintf("/v2/admin/deliveries/%d", int64(list[0].(map[string]any)["id"].(float64))), adminToken, nil).JSON(t)
	var stored []byte
	require.NoError(t, b.db.Pool.QueryRow(b.ctx, `SELECT body FROM events WHERE id = $1`, detail["event_id"]).Scan(&stored))
	require.Equal(t, string(stored), detail["body"])
	require.Contains(t, detail["body"], `"n":1.50`, "numbers as sent, not as re-encoded")
}
