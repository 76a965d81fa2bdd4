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
	"github.com/hookd/hookd/internal/deliverytest"
)

// hook creates a webhook through the API and returns its id.
func (b *bundle) hook(t *testing.T, url string, events ...string) int64 {
	t.Helper()
	res := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, map[string]any{
		"name": "receiver", "url": url, "events": events, "retry_count": 0,
	})
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	return int64(res.JSON(t)["id"].(float64))
}

func TestEmitEvent(t *testing.T) {
	t.Parallel()
	b := setup(t, allowHTTP, withWorkers)
	rcv := deliverytest.NewReceiver(t)
	b.hook(t, rcv.URL, "comment.*")
	b.hook(t, rcv.URL, "feed.created")
	emitter := b.token(t, "", domain.ScopeEventsWrite)

	res := b.api.Do(http.MethodPost, "/v2/events", emitter, map[string]any{"type": "comment.created", "data": map[string]any{"id": 1}})
	require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
	out := res.JSON(t)
	require.Equal(t, "comment.created", out["type"])
	require.EqualValues(t, 1, out["deliveries"])
	require.True(t, strings.HasPrefix(out["id"].(string), "evt_"))
	_, err := time.Parse(time.RFC3339, out["created"].(string))
	require.NoError(t, err)

	got := rcv.WaitFor(t, 1, 10*time.Second)[0]
	require.Equal(t, out["id"], got.Header.Get("Hookd-Event-Id"))

	// The event and its deliveries' state.
	require.Eventually(t, func() bool {
		res = b.api.Do(http.MethodGet, "/v2/events/"+out["id"].(string), emitter, nil)
		deliveries := res.JSON(t)["deliveries"].([]any)
		return len(deliveries) == 1 && deliveries[0].(map[string]any)["status"] == "succeeded"
	}, 5*time.Second, 50*time.Millisecond)
	require.Equal(t, map[string]any{"id": float64(1)}, res.JSON(t)["data"])

	b.api.Do(http.MethodGet, "/v2/events/evt_nope", emitter, nil).RequireError(t, 404, "not_found")
}

func TestEmitValidation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	emitter := b.token(t, "", domain.ScopeEventsWrite)
	tests := []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"UnknownType", map[string]any{"type": "comment.exploded", "data": map[string]any{}}, 400, "invalid_param"},
		{"TestTypeReserved", map[string]any{"type": "webhook.test", "data": map[string]any{}}, 400, "invalid_param"},
		{"OperationalTypeReserved", map[string]any{"type": "webhook.disabled", "data": map[string]any{"webhook_id": 1}}, 400, "invalid_param"},
		{"ExhaustedReserved", map[string]any{"type": "delivery.exhausted", "data": map[string]any{}}, 400, "invalid_param"},
		{"MissingType", map[string]any{"data": map[string]any{}}, 400, "invalid_param"},
		{"MissingData", map[string]any{"type": "comment.created"}, 400, "invalid_param"},
		{"DataArray", map[string]any{"type": "comment.created", "data": []int{1}}, 400, "invalid_param"},
		{"DataString", map[string]any{"type": "comment.created", "data": "x"}, 400, "invalid_param"},
		{"DataNull", map[string]any{"type": "comment.created", "data": nil}, 400, "invalid_param"},
		{"BadID", map[string]any{"type": "comment.created", "data": map[string]any{}, "id": "has space"}, 400, "invalid_param"},
		{"UnknownField", map[string]any{"type": "comment.created", "data": map[string]any{}, "when": 1}, 400, "invalid_param"},
		{"Malformed", `{"type": `, 400, "invalid_json"},
		{"TooLarge", `{"type": "comment.created", "data": {"x": "` + strings.Repeat("a", 256<<10) + `"}}`, 413, "payload_too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := b.api.Do(http.MethodPost, "/v2/events", emitter, tt.body).RequireError(t, tt.status, tt.code)
			if strings.HasSuffix(tt.name, "Reserved") {
				require.Contains(t, got["data"].(map[string]any)["params"], "type")
			}
		})
	}
	var n int
	require.NoError(t, b.db.Pool.QueryRow(b.ctx, `SELECT count(*) FROM events`).Scan(&n))
	require.Zero(t, n)

	reader := b.token(t, "", domain.ScopeWebhooksRead)
	b.api.Do(http.MethodPost, "/v2/events", reader, map[string]any{"type": "comment.created", "data": map[string]any{}}).
		RequireError(t, 403, "rest_forbidden")
}

func TestEmitIdempotency(t *testing.T) {
	t.Parallel()
	b := setup(t, allowHTTP)
	b.hook(t, "http://127.0.0.1:9/none", "*")
	emitter := b.token(t, "", domain.ScopeEventsWrite)
	count := func(table string) int {
		var n int
		require.NoError(t, b.db.Pool.QueryRow(b.ctx, `SELECT count(*) FROM `+table).Scan(&n))
		return n
	}

	t.Run("IdempotencyKey", func(t *testing.T) {
		body := map[string]any{"type": "comment.created", "data": map[string]any{"n": 1}}
		first := b.api.Do(http.MethodPost, "/v2/events", emitter, body, "Idempotency-Key", "key-1")
		require.Equal(t, http.StatusAccepted, first.Status)
		again := b.api.Do(http.MethodPost, "/v2/events", emitter, body, "Idempotency-Key", "key-1")
		require.Equal(t, http.StatusAccepted, again.Status)
		require.JSONEq(t, string(first.Body), string(again.Body))
		require.Equal(t, "true", again.Header.Get("Idempotent-Replayed"))
		require.Equal(t, 1, count("events"))
		require.Equal(t, 1, count("deliveries"))
		require.Equal(t, 1, count("river_job"))

		other := b.api.Do(http.MethodPost, "/v2/events", emitter, body, "Idempotency-Key", "key-2")
		require.NotEqual(t, first.JSON(t)["id"], other.JSON(t)["id"])
	})

	t.Run("CallerID", func(t *testing.T) {
		body := map[string]any{"type": "comment.created", "data": map[string]any{}, "id": "comment-42-created"}
		first := b.api.Do(http.MethodPost, "/v2/events", emitter, body)
		require.Equal(t, http.StatusAccepted, first.Status)
		require.Equal(t, "comment-42-created", first.JSON(t)["id"])
		events := count("events")
		again := b.api.Do(http.MethodPost, "/v2/events", emitter, body)
		require.Equal(t, http.StatusAccepted, again.Status)
		require.JSONEq(t, string(first.Body), string(again.Body))
		require.Equal(t, events, count("events"))

		// Another tenant's event of the same id is its own event.
		body["tenant"] = "someone-else"
		res := b.api.Do(http.MethodPost, "/v2/events", emitter, body)
		require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
		require.Empty(t, res.Header.Get("Idempotent-Replayed"))
		require.Equal(t, events+1, count("events"))

		// Reusing an id after its day is over is refused.
		_, err := b.db.Pool.Exec(b.ctx, `UPDATE events SET created_at = now() - interval '25 hours' WHERE id = 'comment-42-created'`)
		require.NoError(t, err)
		b.api.Do(http.MethodPost, "/v2/events", emitter, body).RequireError(t, 409, "conflict")
	})

	t.Run("ExpiredAfter24h", func(t *testing.T) {
		body := map[string]any{"type": "comment.created", "data": map[string]any{}}
		first := b.api.Do(http.MethodPost, "/v2/events", emitter, body, "Idempotency-Key", "old-key")
		_, err := b.db.Pool.Exec(b.ctx, `UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'old-key'`)
		require.NoError(t, err)
		again := b.api.Do(http.MethodPost, "/v2/events", emitter, body, "Idempotency-Key", "old-key")
		require.Equal(t, http.StatusAccepted, again.Status)
		require.NotEqual(t, first.JSON(t)["id"], again.JSON(t)["id"])
	})
}

func TestEmitBatch(t *testing.T) {
	t.Parallel()
	b := setup(t, allowHTTP)
	b.hook(t, "http://127.0.0.1:9/none", "comment.*")
	emitter := b.token(t, "", domain.ScopeEventsWrite)

	events := make([]map[string]any, 500)
	for i := range events {
		events[i] = map[string]any{"type": "comment.created", "data": map[string]any{"i": i}}
	}
	events[499]["type"] = "space.created" // no subscriber
	res := b.api.Do(http.MethodPost, "/v2/events/batch", emitter, map[string]any{"events": events})
	require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
	out := res.JSON(t)
	require.Len(t, out["events"], 500)
	require.EqualValues(t, 499, out["deliveries"])

	// One bad event refuses the whole batch and names it.
	bad := []map[string]any{
		{"type": "comment.created", "data": map[string]any{}},
		{"type": "comment.nope", "data": map[string]any{}},
	}
	m := b.api.Do(http.MethodPost, "/v2/events/batch", emitter, map[string]any{"events": bad}).RequireError(t, 400, "invalid_param")
	require.Contains(t, m["data"].(map[string]any)["params"], "events[1].type")
	var n int
	require.NoError(t, b.db.Pool.QueryRow(b.ctx, `SELECT count(*) FROM events`).Scan(&n))
	require.Equal(t, 500, n)

	tooMany := make([]map[string]any, 501)
	for i := range tooMany {
		tooMany[i] = map[string]any{"type": "comment.created", "data": map[string]any{}}
	}
	b.api.Do(http.MethodPost, "/v2/events/batch", emitter, map[string]any{"events": tooMany}).RequireError(t, 400, "invalid_param")
	b.api.Do(http.MethodPost, "/v2/events/batch", emitter, map[string]any{"events": []any{}}).RequireError(t, 400, "invalid_param")
	b.api.Do(http.MethodPost, "/v2/events/batch", emitter, map[string]any{"events": []any{"x"}}).RequireError(t, 400, "invalid_param")
}

func TestListEvents(t *testing.T) {
	t.Parallel()
	b := setup(t)
	emitter := b.token(t, "", domain.ScopeEventsWrite)
	for _, e := range []map[string]any{
		{"type": "comment.created", "data": map[string]any{}, "tenant": "a"},
		{"type": "comment.created", "data": map[string]any{}, "tenant": "b"},
		{"type": "space.created", "data": map[string]any{}, "tenant": "a"},
	} {
		require.Equal(t, http.StatusAccepted, b.api.Do(http.MethodPost, "/v2/events", emitter, e).Status)
	}
	total := func(q string) int {
		res := b.api.Do(http.MethodGet, "/v2/events"+q, emitter, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		return int(res.JSON(t)["total"].(float64))
	}
	require.Equal(t, 3, total(""))
	require.Equal(t, 2, total("?tenant=a"))
	require.Equal(t, 2, total("?type=comment.created"))
	require.Equal(t, 3, total("?since="+time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)))
	require.Equal(t, 0, total("?until="+time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)))
	b.api.Do(http.MethodGet, "/v2/events?since=yesterday", emitter, nil).RequireError(t, 400, "invalid_param")

	bound := b.token(t, "b", domain.ScopeEventsWrite)
	require.EqualValues(t, 1, b.api.Do(http.MethodGet, "/v2/events", bound, nil).JSON(t)["total"])
	res := b.api.Do(http.MethodPost, "/v2/events", bound, map[string]any{"type": "comment.created", "data": map[string]any{}})
	require.Equal(t, http.StatusAccepted, res.Status)
	b.api.Do(http.MethodGet, "/v2/events/"+res.JSON(t)["id"].(string)+"?tenant=a", bound, nil).RequireError(t, 403, "rest_forbidden")
}

func TestDeliveryLogRedeliverRecover(t *testing.T) {
	t.Parallel()
	b := setup(t, allowHTTP, withWorkers)
	rcv := deliverytest.NewReceiver(t)
	rcv.Respond(deliverytest.Status(http.StatusInternalServerError))
	id := b.hook(t, rcv.URL, "comment.created", "space.created")
	emitter := b.token(t, "", domain.ScopeEventsWrite)
	for _, typ := range []string{"comment.created", "comment.created", "space.created"} {
		require.Equal(t, http.StatusAccepted, b.api.Do(http.MethodPost, "/v2/events", emitter, map[string]any{"type": typ, "data": map[string]any{}}).Status)
	}
	path := fmt.Sprintf("/v2/admin/webhooks/%d/deliveries", id)
	require.Eventually(t, func() bool {
		return b.api.Do(http.MethodGet, path+"?status=failed", adminToken, nil).JSON(t)["total"] == float64(3)
	}, 10*time.Second, 50*time.Millisecond)
	require.EqualValues(t, 2, b.api.Do(http.MethodGet, path+"?event_type=comment.created", adminToken, nil).JSON(t)["total"])
	b.api.Do(http.MethodGet, path+"?status=weird", adminToken, nil).RequireError(t, 400, "invalid_param")

	list := b.api.Do(http.MethodGet, path, adminToken, nil).JSON(t)["deliveries"].([]any)
	first := list[0].(map[string]any)
	deliveryPath := fmt.Sprintf("/v2/admin/deliveries/%d", int64(first["id"].(float64)))
	detail := b.api.Do(http.MethodGet, deliveryPath, adminToken, nil).JSON(t)
	require.Equal(t, "HTTP 500", detail["last_error"])
	attempts := detail["attempts"].([]any)
	require.Len(t, attempts, 1)
	a := attempts[0].(map[string]any)
	require.EqualValues(t, 500, a["status_code"])
	require.Equal(t, "[redacted]", a["request_headers"].(map[string]any)["Hookd-Signature"])
	require.Equal(t, first["event_id"], detail["payload"].(map[string]any)["id"])

	// Redeliver once the receiver recovers.
	rcv.Respond(deliverytest.Status(http.StatusOK))
	res := b.api.Do(http.MethodPost, deliveryPath+"/redeliver", adminToken, nil)
	require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
	require.Equal(t, "Redelivery scheduled.", res.JSON(t)["message"])
	require.Eventually(t, func() bool {
		return b.api.Do(http.MethodGet, deliveryPath, adminToken, nil).JSON(t)["status"] == "succeeded"
	}, 10*time.Second, 50*time.Millisecond)

	// Recover the other two.
	res = b.api.Do(http.MethodPost, fmt.Sprintf("/v2/admin/webhooks/%d/recover", id), adminToken,
		map[string]any{"since": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)})
	require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
	require.EqualValues(t, 2, res.JSON(t)["deliveries"])
	require.Eventually(t, func() bool {
		return b.api.Do(http.MethodGet, path+"?status=succeeded", adminToken, nil).JSON(t)["total"] == float64(3)
	}, 10*time.Second, 50*time.Millisecond)

	recoverPath := fmt.Sprintf("/v2/admin/webhooks/%d/recover", id)
	b.api.Do(http.MethodPost, recoverPath, adminToken, map[string]any{}).RequireError(t, 400, "invalid_param")
	b.api.Do(http.MethodPost, recoverPath, adminToken, map[string]any{"since": "last week"}).RequireError(t, 400, "invalid_param")
	b.api.Do(http.MethodPost, recoverPath, adminToken, map[string]any{
		"since": "2026-01-02T00:00:00Z", "until": "2026-01-01T00:00:00Z"}).RequireError(t, 400, "invalid_param")
	b.api.Do(http.MethodGet, "/v2/admin/deliveries/abc", adminToken, nil).RequireError(t, 404, "not_found")
	b.api.Do(http.MethodPost, "/v2/admin/deliveries/999999/redeliver", adminToken, nil).RequireError(t, 404, "not_found")
}

func TestTestFireAPI(t *testing.T) {
	t.Parallel()
	b := setup(t, allowHTTP)
	rcv := deliverytest.NewReceiver(t)
	id := b.hook(t, rcv.URL, "comment.created")
	path := fmt.Sprintf("/v2/admin/webhooks/%d/test", id)

	res := b.api.Do(http.MethodPost, path, adminToken, nil)
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	out := res.JSON(t)
	require.Equal(t, true, out["success"])
	require.EqualValues(t, 200, out["status_code"])
	require.Equal(t, "Webhook test successful.", out["message"])
	require.GreaterOrEqual(t, out["response_time"], float64(0))
	require.Equal(t, 1, rcv.Count())
	// The request carries the id of the delivery it is recorded as.
	got := rcv.WaitFor(t, 1, time.Second)[0]
	require.Equal(t, strconv.FormatInt(int64(out["delivery_id"].(float64)), 10), got.Header.Get("Hookd-Delivery-Id"))
	detail := b.api.Do(http.MethodGet, fmt.Sprintf("/v2/admin/deliveries/%d", int64(out["delivery_id"].(float64))), adminToken, nil).JSON(t)
	attempt := detail["attempts"].([]any)[0].(map[string]any)
	require.Equal(t, rcv.URL, attempt["url"])
	require.Equal(t, "POST", attempt["method"])
	require.Equal(t, got.Header.Get("Hookd-Delivery-Id"), attempt["request_headers"].(map[string]any)["Hookd-Delivery-Id"])

	rcv.Respond(deliverytest.Hang())
	res = b.api.Do(http.MethodPost, path, adminToken, nil)
	out = res.JSON(t)
	require.Equal(t, false, out["success"])
	require.Nil(t, out["status_code"])
	require.Equal(t, "Webhook test failed: timeout after 2s.", out["message"])

	require.EqualValues(t, 2, b.api.Do(http.MethodGet, fmt.Sprintf("/v2/admin/webhooks/%d/deliveries", id), adminToken, nil).JSON(t)["total"])
	b.api.Do(http.MethodPost, "/v2/admin/webhooks/999999/test", adminToken, nil).RequireError(t, 404, "not_found")
}

// An attempt keeps the URL it was sent to: editing the webhook changes
// where the next attempts go, not what the history says.
func TestAttemptsKeepTheirURL(t *testing.T) {
	t.Parallel()
	b := setup(t, allowHTTP, withWorkers)
	before, after := deliverytest.NewReceiver(t), deliverytest.NewReceiver(t)
	id := b.hook(t, before.URL, "comment.created")
	emitter := b.token(t, "", domain.ScopeEventsWrite)
	require.Equal(t, http.StatusAccepted, b.api.Do(http.MethodPost, "/v2/events", emitter,
		map[string]any{"type": "comment.created", "data": map[string]any{"id": 1}}).Status)
	before.WaitFor(t, 1, 10*time.Second)
	list := b.api.Do(http.MethodGet, fmt.Sprintf("/v2/admin/webhooks/%d/deliveries", id), adminToken, nil).JSON(t)["deliveries"].([]any)
	deliveryPath := fmt.Sprintf("/v2/admin/deliveries/%d", int64(list[0].(map[string]any)["id"].(float64)))
	require.Eventually(t, func() bool {
		return b.api.Do(http.MethodGet, deliveryPath, adminToken, nil).JSON(t)["status"] == "succeeded"
	}, 10*time.Second, 50*time.Millisecond)

	res := b.api.Do(http.MethodPatch, fmt.Sprintf("/v2/admin/webhooks/%d", id), adminToken, map[string]any{"url": after.URL})
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	require.Equal(t, http.StatusAccepted, b.api.Do(http.MethodPost, deliveryPath+"/redeliver", adminToken, nil).Status)
	after.WaitFor(t, 1, 10*time.Second)
	var attempts []any
	require.Eventually(t, func() bool {
		attempts = b.api.Do(http.MethodGet, deliveryPath, adminToken, nil).JSON(t)["attempts"].([]any)
		return len(attempts) == 2
	}, 10*time.Second, 50*time.Millisecond)
	first, second := attempts[0].(map[string]any), attempts[1].(map[string]any)
	require.Equal(t, before.URL, first["url"], "the first attempt still says where it went")
	require.Equal(t, after.URL, second["url"])
	require.Equal(t, "POST", first["method"])
	require.EqualValues(t, 1, first["cycle"])
	require.EqualValues(t, 2, second["cycle"])
}
