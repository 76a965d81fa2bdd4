package server_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/deliverytest"
	"github.com/hookd/hookd/store"
)

func TestOrderingKeyOnEmits(t *testing.T) {
	t.Parallel()
	b := setup(t)
	emitter := b.token(t, "", domain.ScopeEventsWrite)
	emit := func(body map[string]any) map[string]any {
		res := b.api.Do(http.MethodPost, "/v2/events", emitter, body)
		require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
		return res.JSON(t)
	}
	first := emit(map[string]any{"type": "post.created", "data": map[string]any{}, "ordering_key": "post:42"})
	require.Equal(t, "post:42", first["ordering_key"])
	require.EqualValues(t, 1, first["ordering_seq"])
	second := emit(map[string]any{"type": "post.blocked", "data": map[string]any{}, "ordering_key": "post:42"})
	require.EqualValues(t, 2, second["ordering_seq"], "strictly increasing per key")
	plain := emit(map[string]any{"type": "post.created", "data": map[string]any{}})
	require.Nil(t, plain["ordering_key"])
	require.Nil(t, plain["ordering_seq"])

	res := b.api.Do(http.MethodPost, "/v2/events/batch", emitter, map[string]any{"events": []any{
		map[string]any{"type": "post.unblocked", "data": map[string]any{}, "ordering_key": "post:42"},
		map[string]any{"type": "post.published", "data": map[string]any{}, "ordering_key": "post:42"},
		map[string]any{"type": "post.created", "data": map[string]any{}, "ordering_key": "post:7"},
	}})
	require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
	events := res.JSON(t)["events"].([]any)
	require.EqualValues(t, 3, events[0].(map[string]any)["ordering_seq"], "within a batch, its order")
	require.EqualValues(t, 4, events[1].(map[string]any)["ordering_seq"])
	require.EqualValues(t, 1, events[2].(map[string]any)["ordering_seq"], "another key has its own sequence")

	ev := b.api.Do(http.MethodGet, "/v2/events/"+second["id"].(string), emitter, nil).JSON(t)
	require.Equal(t, "post:42", ev["ordering_key"])
	require.EqualValues(t, 2, ev["ordering_seq"])

	for _, tt := range []struct {
		name string
		key  any
	}{
		{"Empty", ""},
		{"TooLong", strings.Repeat("k", 256)},
		{"ControlCharacter", "post:\n1"},
		{"NonASCII", "post:é"},
		{"LeadingSpace", " post:1"},
		{"NotAString", 42},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := b.api.Do(http.MethodPost, "/v2/events", emitter, map[string]any{"type": "post.created", "data": map[string]any{},
				"ordering_key": tt.key}).RequireError(t, 400, "invalid_param")
			require.Contains(t, body["data"].(map[string]any)["params"], "ordering_key")
		})
	}
	body := b.api.Do(http.MethodPost, "/v2/events/batch", emitter, map[string]any{"events": []any{
		map[string]any{"type": "post.created", "data": map[string]any{}, "ordering_key": ""},
	}}).RequireError(t, 400, "invalid_param")
	require.Contains(t, body["data"].(map[string]any)["params"], "events[0].ordering_key")
}

// TestBlockedKeysAndSkip: a head that keeps failing shows as a blocked key
// with what waits behind it; skipping it releases the rest.
func TestBlockedKeysAndSkip(t *testing.T) {
	t.Parallel()
	b := setup(t, allowHTTP, withWorkers)
	rcv := deliverytest.NewReceiver(t)
	rcv.Respond(func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.Header.Get("Hookd-Sequence") == "1" {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	res := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, map[string]any{
		"name": "ordered", "url": rcv.URL, "events": []string{"post.*"}, "retry_count": 8,
	})
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	hook := strconv.FormatInt(int64(res.JSON(t)["id"].(float64)), 10)
	emitter := b.token(t, "", domain.ScopeEventsWrite)
	for _, typ := range []string{"post.created", "post.blocked", "post.published"} {
		require.Equal(t, http.StatusAccepted, b.api.Do(http.MethodPost, "/v2/events", emitter,
			map[string]any{"type": typ, "data": map[string]any{}, "ordering_key": "post:1"}).Status)
	}
	var keys []any
	require.Eventually(t, func() bool {
		keys = b.api.Do(http.MethodGet, "/v2/admin/webhooks/"+hook+"/blocked-keys", adminToken, nil).JSON(t)["keys"].([]any)
		return len(keys) == 1
	}, 10*time.Second, 100*time.Millisecond)
	k := keys[0].(map[string]any)
	require.Equal(t, "post:1", k["key"])
	blocked, oldest, err := store.OrderingBacklog(b.ctx, b.db.Pool) // what /metrics reports
	require.NoError(t, err)
	require.Equal(t, 1, blocked)
	require.Positive(t, oldest)
	require.EqualValues(t, 2, k["waiting"])
	head := k["head"].(map[string]any)
	require.Equal(t, "post.created", head["event_type"])
	require.Equal(t, "pending", head["status"])
	for _, r := range rcv.Received() { // the head, perhaps retried; nothing behind it
		require.Equal(t, "1", r.Header.Get("Hookd-Sequence"))
	}

	headID := strconv.FormatInt(int64(head["id"].(float64)), 10)
	reader := b.token(t, "", domain.ScopeWebhooksRead)
	b.api.Do(http.MethodPost, "/v2/admin/deliveries/"+headID+"/skip", reader, nil).RequireError(t, 403, "rest_forbidden")
	skipped := b.api.Do(http.MethodPost, "/v2/admin/deliveries/"+headID+"/skip", adminToken, nil)
	require.Equal(t, http.StatusOK, skipped.Status, "%s", skipped.Body)
	require.Equal(t, "failed", skipped.JSON(t)["status"])
	require.Equal(t, "Skipped by hand.", skipped.JSON(t)["last_error"])
	b.api.Do(http.MethodPost, "/v2/admin/deliveries/"+headID+"/skip", adminToken, nil).RequireError(t, 409, "conflict")

	var got []deliverytest.Received
	require.Eventually(t, func() bool {
		got = rcv.Received()
		return len(got) >= 2 && got[len(got)-1].Header.Get("Hookd-Sequence") == "3"
	}, 10*time.Second, 50*time.Millisecond, "the rest of the key was released, in order")
	require.Equal(t, "2", got[len(got)-2].Header.Get("Hookd-Sequence"))
	require.Empty(t, b.api.Do(http.MethodGet, "/v2/admin/webhooks/"+hook+"/blocked-keys", adminToken, nil).JSON(t)["keys"])
}
