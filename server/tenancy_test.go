package server_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
)

// TestEventIDsPerTenant: a caller-chosen id is unique within its tenant
// only. Another tenant's use of it neither collides (its event is stored and
// delivered) nor shows (no 409, no replay of the other's answer).
func TestEventIDsPerTenant(t *testing.T) {
	t.Parallel()
	b := setup(t, allowHTTP)
	for _, tenant := range []string{"acme", "globex"} {
		res := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, map[string]any{
			"name": tenant, "url": "http://127.0.0.1:9/" + tenant, "events": []string{"*"}, "tenant": tenant})
		require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	}
	acme := b.token(t, "acme", domain.ScopeEventsWrite)
	globex := b.token(t, "globex", domain.ScopeEventsWrite)
	emit := func(tok string, data map[string]any) map[string]any {
		t.Helper()
		res := b.api.Do(http.MethodPost, "/v2/events", tok, map[string]any{"type": "comment.created", "data": data, "id": "order-1001"})
		require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
		require.Empty(t, res.Header.Get("Idempotent-Replayed"))
		return res.JSON(t)
	}
	first := emit(acme, map[string]any{"secret": "acme's"})
	second := emit(globex, map[string]any{"secret": "globex's"})
	require.Equal(t, "order-1001", first["id"])
	require.Equal(t, "order-1001", second["id"])
	require.EqualValues(t, 1, second["deliveries"], "globex's event reaches globex's webhook")

	// Each tenant reads its own event under the id, and only its own.
	for tok, want := range map[string]string{acme: "acme's", globex: "globex's"} {
		res := b.api.Do(http.MethodGet, "/v2/events/order-1001", tok, nil)
		require.Equal(t, http.StatusOK, res.Status)
		require.Equal(t, map[string]any{"secret": want}, res.JSON(t)["data"])
		deliveries := res.JSON(t)["deliveries"].([]any)
		require.Len(t, deliveries, 1)
	}
	// An unbound token must say which tenant it means.
	m := b.api.Do(http.MethodGet, "/v2/events/order-1001", adminToken, nil).RequireError(t, 400, "invalid_param")
	require.Contains(t, m["data"].(map[string]any)["params"], "tenant")
	res := b.api.Do(http.MethodGet, "/v2/events/order-1001?tenant=globex", adminToken, nil)
	require.Equal(t, http.StatusOK, res.Status)
	require.Equal(t, "globex", res.JSON(t)["tenant"])

	// The same tenant sending the id again gets its first answer back.
	res = b.api.Do(http.MethodPost, "/v2/events", acme, map[string]any{"type": "comment.created", "data": map[string]any{}, "id": "order-1001"})
	require.Equal(t, http.StatusAccepted, res.Status)
	require.Equal(t, "true", res.Header.Get("Idempotent-Replayed"))
	require.Equal(t, first["created"], res.JSON(t)["created"])

	// A batch of an unbound token may carry both tenants' events of one id.
	res = b.api.Do(http.MethodPost, "/v2/events/batch", adminToken, map[string]any{"events": []map[string]any{
		{"type": "comment.created", "data": map[string]any{}, "id": "shared-7", "tenant": "acme"},
		{"type": "comment.created", "data": map[string]any{}, "id": "shared-7", "tenant": "globex"},
	}})
	require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
	require.EqualValues(t, 2, res.JSON(t)["deliveries"])

	// Each delivery shows its own tenant's payload.
	for _, tenant := range []string{"acme", "globex"} {
		ev := b.api.Do(http.MethodGet, "/v2/events/order-1001?tenant="+tenant, adminToken, nil).JSON(t)
		d := ev["deliveries"].([]any)[0].(map[string]any)
		detail := b.api.Do(http.MethodGet, fmt.Sprintf("/v2/admin/deliveries/%d", int64(d["id"].(float64))), adminToken, nil).JSON(t)
		require.Equal(t, map[string]any{"secret": tenant + "'s"}, detail["payload"].(map[string]any)["data"])
	}
}

// TestIdempotencyKeyScope: a key belongs to the calling token's tenant and
// to the request it was first used for. The same request again replays;
// another body or another route is 422 idempotency_mismatch, never a
// silently dropped event; another tenant's key of the same name is its own.
func TestIdempotencyKeyScope(t *testing.T) {
	t.Parallel()
	b := setup(t, allowHTTP)
	acme := b.token(t, "acme", domain.ScopeEventsWrite)
	globex := b.token(t, "globex", domain.ScopeEventsWrite)
	events := func() int {
		var n int
		require.NoError(t, b.db.Pool.QueryRow(b.ctx, `SELECT count(*) FROM events`).Scan(&n))
		return n
	}
	body := `{"type": "comment.created", "data": {"n": 1, "text": "hi"}}`
	first := b.api.Do(http.MethodPost, "/v2/events", acme, body, "Idempotency-Key", "k-1")
	require.Equal(t, http.StatusAccepted, first.Status, "%s", first.Body)

	// The same request, spelled differently, is the same request.
	again := b.api.Do(http.MethodPost, "/v2/events", acme, `{"data":{"text":"hi","n":1},"type":"comment.created"}`, "Idempotency-Key", "k-1")
	require.Equal(t, http.StatusAccepted, again.Status)
	require.Equal(t, "true", again.Header.Get("Idempotent-Replayed"))
	require.JSONEq(t, string(first.Body), string(again.Body))
	require.Equal(t, 1, events())

	tests := []struct {
		name, path, body string
	}{
		{"OtherBody", "/v2/events", `{"type": "comment.created", "data": {"n": 2, "text": "hi"}}`},
		{"OtherType", "/v2/events", `{"type": "comment.deleted", "data": {"n": 1, "text": "hi"}}`},
		{"OtherRoute", "/v2/events/batch", `{"events": [{"type": "comment.created", "data": {"n": 1, "text": "hi"}}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := b.api.Do(http.MethodPost, tt.path, acme, tt.body, "Idempotency-Key", "k-1").RequireError(t, 422, "idempotency_mismatch")
			require.Contains(t, m["message"], "Idempotency-Key")
		})
	}
	require.Equal(t, 1, events(), "nothing was created by the refused requests")

	// Another tenant's k-1 is another key.
	other := b.api.Do(http.MethodPost, "/v2/events", globex, `{"type": "comment.created", "data": {"n": 9}}`, "Idempotency-Key", "k-1")
	require.Equal(t, http.StatusAccepted, other.Status, "%s", other.Body)
	require.Empty(t, other.Header.Get("Idempotent-Replayed"))
	require.NotEqual(t, first.JSON(t)["id"], other.JSON(t)["id"])
	require.Equal(t, 2, events())

	// A key first used on the batch route replays there and is refused here.
	batch := `{"events": [{"type": "comment.created", "data": {}}]}`
	res := b.api.Do(http.MethodPost, "/v2/events/batch", acme, batch, "Idempotency-Key", "k-batch")
	require.Equal(t, http.StatusAccepted, res.Status)
	res = b.api.Do(http.MethodPost, "/v2/events/batch", acme, batch, "Idempotency-Key", "k-batch")
	require.Equal(t, "true", res.Header.Get("Idempotent-Replayed"))
	b.api.Do(http.MethodPost, "/v2/events", acme, `{"type": "comment.created", "data": {}}`, "Idempotency-Key", "k-batch").
		RequireError(t, 422, "idempotency_mismatch")

	// A key stored before keys remembered their request replays as it did.
	_, err := b.db.Pool.Exec(b.ctx, `UPDATE idempotency_keys SET route = NULL, fingerprint = NULL WHERE key = 'k-1' AND tenant = 'acme'`)
	require.NoError(t, err)
	res = b.api.Do(http.MethodPost, "/v2/events", acme, `{"type": "comment.created", "data": {}}`, "Idempotency-Key", "k-1")
	require.Equal(t, "true", res.Header.Get("Idempotent-Replayed"))

	// Keys are stored under the token's tenant; an unbound token's under "*".
	unbound := b.token(t, "", domain.ScopeEventsWrite)
	res = b.api.Do(http.MethodPost, "/v2/events", unbound, `{"type": "comment.created", "data": {}, "tenant": "acme"}`, "Idempotency-Key", "k-1")
	require.Equal(t, http.StatusAccepted, res.Status)
	require.Empty(t, res.Header.Get("Idempotent-Replayed"), "acme's k-1 is not the unbound token's")
	var scopes []string
	require.NoError(t, b.db.Pool.QueryRow(b.ctx, `SELECT array_agg(tenant ORDER BY tenant) FROM idempotency_keys WHERE key = 'k-1'`).Scan(&scopes))
	require.Equal(t, []string{"*", "acme", "globex"}, scopes)
}
