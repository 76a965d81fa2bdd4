package server_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/deliverytest"
)

// waitReplay polls a replay until it is no longer running.
func (b *bundle) waitReplay(t *testing.T, id int64) map[string]any {
	t.Helper()
	var last map[string]any
	require.Eventually(t, func() bool {
		res := b.api.Do(http.MethodGet, fmt.Sprintf("/v2/admin/replays/%d", id), adminToken, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		last = res.JSON(t)
		return last["status"] != domain.ReplayRunning
	}, 15*time.Second, 50*time.Millisecond)
	return last
}

func TestReplay(t *testing.T) {
	t.Parallel()

	t.Run("InactiveThenActivatedReplayedTwice", func(t *testing.T) {
		t.Parallel()
		b := setup(t, allowHTTP, withWorkers)
		rcv := deliverytest.NewReceiver(t)
		res := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, map[string]any{
			"name": "late", "url": rcv.URL, "events": []string{"user_notification_created"}, "status": "inactive",
			"filter": map[string]any{"data.category": "like"}, "retry_count": 0})
		require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
		id := int64(res.JSON(t)["id"].(float64))
		path := fmt.Sprintf("/v2/admin/webhooks/%d", id)
		since := time.Now().Add(-time.Minute).UTC().Format(time.RFC3339Nano)

		sent := map[string]bool{}
		for i := range 7 {
			category := "like"
			if i%3 == 2 {
				category = "mention" // filtered out: never replayed
			}
			res := b.api.Do(http.MethodPost, "/v2/events", adminToken, map[string]any{"type": "user_notification_created",
				"data": map[string]any{"notification_id": 25120446 + i, "user_id": 523427, "category": category}})
			require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
			require.EqualValues(t, 0, res.JSON(t)["deliveries"], "inactive: nothing queued")
			if category == "like" {
				sent[res.JSON(t)["id"].(string)] = true
			}
		}
		res = b.api.Do(http.MethodPost, "/v2/events", adminToken, map[string]any{"type": "comment.created", "data": map[string]any{}})
		require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)

		res = b.api.Do(http.MethodPost, path+"/replay", adminToken, map[string]any{"since": since})
		res.RequireError(t, http.StatusConflict, domain.CodeConflict)

		res = b.api.Do(http.MethodPatch, path, adminToken, map[string]any{"status": "active"})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)

		res = b.api.Do(http.MethodPost, path+"/replay?dry_run=true", adminToken, map[string]any{"since": since})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		require.Equal(t, map[string]any{"events": float64(len(sent)), "dry_run": true}, res.JSON(t))

		res = b.api.Do(http.MethodPost, path+"/replay", adminToken, map[string]any{"since": since})
		require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
		first := res.JSON(t)
		require.EqualValues(t, len(sent), first["events"])
		require.EqualValues(t, id, first["webhook_id"])
		done := b.waitReplay(t, int64(first["id"].(float64)))
		require.Equal(t, domain.ReplayDone, done["status"])
		require.EqualValues(t, len(sent), done["queued"])
		require.NotNil(t, done["finished_at"])

		rcv.WaitFor(t, len(sent), 15*time.Second)
		// A second replay finds nothing missing: what the first queued has
		// succeeded or is pending.
		res = b.api.Do(http.MethodPost, path+"/replay", adminToken, map[string]any{"since": since})
		require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
		second := res.JSON(t)
		require.EqualValues(t, 0, second["events"])
		require.Equal(t, domain.ReplayDone, second["status"])

		time.Sleep(300 * time.Millisecond) // anything extra would have arrived
		got := rcv.Received()
		require.Len(t, got, len(sent), "each event delivered exactly once")
		seen := map[string]bool{}
		for _, r := range got {
			eventID := r.Header.Get("Hookd-Event-Id")
			require.True(t, sent[eventID], "only missing events that pass the filter: %s", eventID)
			require.False(t, seen[eventID], "delivered twice: %s", eventID)
			seen[eventID] = true
		}
	})

	t.Run("FailedDeliveriesAreMissing", func(t *testing.T) {
		t.Parallel()
		b := setup(t, allowHTTP, withWorkers)
		rcv := deliverytest.NewReceiver(t)
		rcv.Respond(deliverytest.Status(http.StatusInternalServerError))
		id := b.hook(t, rcv.URL, "comment.created")
		since := time.Now().Add(-time.Minute).UTC().Format(time.RFC3339Nano)
		res := b.api.Do(http.MethodPost, "/v2/events", adminToken, map[string]any{"type": "comment.created", "data": map[string]any{}})
		require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
		eventID := res.JSON(t)["id"].(string)
		rcv.WaitFor(t, 1, 10*time.Second)
		require.Eventually(t, func() bool {
			var status string
			require.NoError(t, b.db.Pool.QueryRow(b.ctx, `SELECT status FROM deliveries WHERE event_id = $1`, eventID).Scan(&status))
			return status == domain.DeliveryFailed
		}, 10*time.Second, 50*time.Millisecond)

		rcv.Respond(deliverytest.Status(http.StatusOK))
		res = b.api.Do(http.MethodPost, fmt.Sprintf("/v2/admin/webhooks/%d/replay", id), adminToken, map[string]any{"since": since})
		require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
		require.EqualValues(t, 1, res.JSON(t)["events"])
		b.waitReplay(t, int64(res.JSON(t)["id"].(float64)))
		got := rcv.WaitFor(t, 2, 10*time.Second)
		require.Equal(t, eventID, got[1].Header.Get("Hookd-Event-Id"))
	})

	t.Run("Cancel", func(t *testing.T) {
		t.Parallel()
		b := setup(t, allowHTTP) // no workers: the replay stays running until cancelled
		id := b.hook(t, "http://127.0.0.1:1/hook", "comment.created")
		since := time.Now().Add(-time.Minute).UTC().Format(time.RFC3339Nano)
		res := b.api.Do(http.MethodPatch, fmt.Sprintf("/v2/admin/webhooks/%d", id), adminToken, map[string]any{"status": "inactive"})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		for range 3 {
			b.api.Do(http.MethodPost, "/v2/events", adminToken, map[string]any{"type": "comment.created", "data": map[string]any{}})
		}
		b.api.Do(http.MethodPatch, fmt.Sprintf("/v2/admin/webhooks/%d", id), adminToken, map[string]any{"status": "active"})
		res = b.api.Do(http.MethodPost, fmt.Sprintf("/v2/admin/webhooks/%d/replay", id), adminToken, map[string]any{"since": since})
		require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
		r := res.JSON(t)
		require.Equal(t, domain.ReplayRunning, r["status"])
		require.EqualValues(t, 3, r["events"])
		path := fmt.Sprintf("/v2/admin/replays/%d", int64(r["id"].(float64)))

		res = b.api.Do(http.MethodDelete, path, adminToken, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		require.Equal(t, domain.ReplayCancelled, res.JSON(t)["status"])
		require.NotNil(t, res.JSON(t)["finished_at"])
		res = b.api.Do(http.MethodGet, path, adminToken, nil)
		require.Equal(t, domain.ReplayCancelled, res.JSON(t)["status"])
		require.EqualValues(t, 0, res.JSON(t)["queued"])
	})

	t.Run("BadInputAndTenants", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		id := b.createFiltered(t, []string{"comment.*"}, nil) // tenant acme
		path := fmt.Sprintf("/v2/admin/webhooks/%d/replay", id)
		past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
		for _, tt := range []struct {
			name  string
			body  map[string]any
			field string
		}{
			{"Unparseable", map[string]any{"since": "yesterday"}, "since"},
			{"Missing", map[string]any{}, "since"},
			{"Future", map[string]any{"since": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}, "since"},
			{"UntilBeforeSince", map[string]any{"since": past, "until": time.Now().Add(-2 * time.Hour).UTC().Format(time.RFC3339)}, "until"},
			{"UntilUnparseable", map[string]any{"since": past, "until": 5}, "until"},
			{"UnknownType", map[string]any{"since": past, "event_types": []string{"nope.created"}}, "event_types"},
			{"UnknownField", map[string]any{"since": past, "status": "failed"}, "status"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				res := b.api.Do(http.MethodPost, path, adminToken, tt.body)
				m := res.RequireError(t, http.StatusBadRequest, domain.CodeInvalidParam)
				require.Contains(t, m["data"].(map[string]any)["params"], tt.field)
			})
		}
		res := b.api.Do(http.MethodPost, path+"?dry_run=maybe", adminToken, map[string]any{"since": past})
		res.RequireError(t, http.StatusBadRequest, domain.CodeInvalidParam)

		own := b.token(t, "acme", domain.ScopeWebhooksWrite)
		res = b.api.Do(http.MethodPost, path, own, map[string]any{"since": past, "event_types": []string{"comment.created"}})
		require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
		replay := fmt.Sprintf("/v2/admin/replays/%d", int64(res.JSON(t)["id"].(float64)))
		res = b.api.Do(http.MethodGet, replay, own, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)

		other := b.token(t, "other", domain.ScopeWebhooksWrite)
		b.api.Do(http.MethodPost, path, other, map[string]any{"since": past}).RequireError(t, http.StatusNotFound, domain.CodeNotFound)
		b.api.Do(http.MethodGet, replay, other, nil).RequireError(t, http.StatusNotFound, domain.CodeNotFound)
		b.api.Do(http.MethodDelete, replay, other, nil).RequireError(t, http.StatusNotFound, domain.CodeNotFound)
		reader := b.token(t, "acme", domain.ScopeWebhooksRead)
		b.api.Do(http.MethodPost, path, reader, map[string]any{"since": past}).RequireError(t, http.StatusForbidden, domain.CodeForbidden)
		b.api.Do(http.MethodGet, "/v2/admin/replays/x", adminToken, nil).RequireError(t, http.StatusNotFound, domain.CodeNotFound)
	})
}
