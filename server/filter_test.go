package server_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
)

// createFiltered creates a webhook of tenant acme on events with filter.
func (b *bundle) createFiltered(t *testing.T, events []string, filter any) int64 {
	t.Helper()
	body := validWebhook()
	body["events"] = events
	body["tenant"] = "acme"
	body["filter"] = filter
	res := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, body)
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	return int64(res.JSON(t)["id"].(float64))
}

// emitCount emits an event for acme and returns the answer's deliveries.
func (b *bundle) emitCount(t *testing.T, eventType string, data map[string]any) int {
	t.Helper()
	res := b.api.Do(http.MethodPost, "/v2/events", adminToken, map[string]any{"type": eventType, "tenant": "acme", "data": data})
	require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
	return int(res.JSON(t)["deliveries"].(float64))
}

func TestWebhookFilter(t *testing.T) {
	t.Parallel()

	t.Run("SavedShownChangedRemoved", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		id := b.createFiltered(t, []string{"user_notification_created"}, map[string]any{"data.category": "like"})
		path := fmt.Sprintf("/v2/admin/webhooks/%d", id)
		res := b.api.Do(http.MethodGet, path, adminToken, nil)
		require.Equal(t, map[string]any{"data.category": "like"}, res.JSON(t)["filter"])

		res = b.api.Do(http.MethodPatch, path, adminToken, map[string]any{"filter": map[string]any{"data.category": map[string]any{"$in": []string{"like", "mention"}}}})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		require.Equal(t, map[string]any{"data.category": map[string]any{"$in": []any{"like", "mention"}}}, res.JSON(t)["filter"])

		res = b.api.Do(http.MethodPatch, path, adminToken, map[string]any{"name": "Renamed"})
		require.NotNil(t, res.JSON(t)["filter"], "absent leaves it")
		res = b.api.Do(http.MethodPatch, path, adminToken, map[string]any{"filter": nil})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		require.Nil(t, res.JSON(t)["filter"])
		require.Contains(t, res.JSON(t), "filter")
	})

	t.Run("MalformedRefused", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		id := b.createFiltered(t, []string{"*"}, nil)
		for _, tt := range []struct {
			name   string
			filter any
			says   string
		}{
			{"UnknownOperator", map[string]any{"data.category": map[string]any{"$regex": "^l"}}, "data.category.$regex is not a known operator"},
			{"PathOutsideEnvelope", map[string]any{"category": "like"}, `"category" must start with type, tenant or data`},
			{"InNotArray", map[string]any{"data.space_id": map[string]any{"$in": 12}}, "data.space_id.$in must be an array"},
			{"NotObject", "data.category == like", "filter must be a JSON object"},
			{"PathsNotStrings", map[string]any{"$or": []any{"data.a", 1}}, "$or[0] must be an object"},
			{"OrderingOnBool", map[string]any{"data.space_id": map[string]any{"$gt": true}}, "must be a number or a string"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				body := validWebhook()
				body["filter"] = tt.filter
				res := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, body)
				m := res.RequireError(t, http.StatusBadRequest, domain.CodeInvalidParam)
				params := m["data"].(map[string]any)["params"].(map[string]any)
				require.Contains(t, params["filter"], tt.says)
				require.Contains(t, m["message"], tt.says)

				res = b.api.Do(http.MethodPatch, fmt.Sprintf("/v2/admin/webhooks/%d", id), adminToken, map[string]any{"filter": tt.filter})
				res.RequireError(t, http.StatusBadRequest, domain.CodeInvalidParam)
			})
		}
		require.Equal(t, 1, b.countWebhooks(t), "nothing refused was stored")
	})

	t.Run("EmitCountsOnlyPassingEvents", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.createFiltered(t, []string{"user_notification_created"}, map[string]any{"data.category": "like"})
		b.createFiltered(t, []string{"comment.created"}, map[string]any{"data.space_id": map[string]any{"$in": []int{12, 14}}})
		b.createFiltered(t, []string{"*"}, nil)

		like := map[string]any{"notification_id": 25120446, "user_id": 523427, "category": "like", "acknowledged": false,
			"details": map[string]any{"like_count": 2, "content_id": 2487526, "acting_user_ids": []int{892374, 23874}}}
		mention := map[string]any{"notification_id": 25120447, "user_id": 523427, "category": "mention", "details": map[string]any{}}
		require.Equal(t, 2, b.emitCount(t, "user_notification_created", like))
		require.Equal(t, 1, b.emitCount(t, "user_notification_created", mention))
		require.Equal(t, 2, b.emitCount(t, "comment.created", map[string]any{"space_id": 12}))
		require.Equal(t, 1, b.emitCount(t, "comment.created", map[string]any{"space_id": 13}))
		require.Equal(t, 1, b.emitCount(t, "comment.created", map[string]any{}))

		var n int
		require.NoError(t, b.db.Pool.QueryRow(b.ctx, `SELECT count(*) FROM deliveries`).Scan(&n))
		require.Equal(t, 7, n, "no delivery row for a filtered-out event")
	})

	t.Run("FilterTest", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		id := b.createFiltered(t, []string{"user_notification_created"}, map[string]any{"data.category": "like"})
		path := fmt.Sprintf("/v2/admin/webhooks/%d/filter-test", id)
		try := func(body map[string]any) map[string]any {
			t.Helper()
			res := b.api.Do(http.MethodPost, path, adminToken, body)
			require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
			return res.JSON(t)
		}
		require.Equal(t, map[string]any{"matches": true, "subscribed": true},
			try(map[string]any{"type": "user_notification_created", "data": map[string]any{"category": "like"}}))
		require.Equal(t, map[string]any{"matches": false, "subscribed": true},
			try(map[string]any{"type": "user_notification_created", "data": map[string]any{"category": "mention"}}))
		require.Equal(t, map[string]any{"matches": true, "subscribed": false},
			try(map[string]any{"type": "comment.created", "data": map[string]any{"category": "like"}}))
		require.Equal(t, map[string]any{"matches": true, "subscribed": true},
			try(map[string]any{"type": "user_notification_created", "data": map[string]any{"category": "mention"},
				"filter": map[string]any{"data.category": map[string]any{"$ne": "like"}}}), "an unsaved filter")
		require.Equal(t, map[string]any{"matches": true, "subscribed": true},
			try(map[string]any{"type": "user_notification_created", "filter": nil}), "null: no filter")
		require.Equal(t, false, try(map[string]any{"type": "user_notification_created", "data": map[string]any{}})["matches"])

		res := b.api.Do(http.MethodPost, path, adminToken, map[string]any{"type": "x", "filter": map[string]any{"$nor": []any{}}})
		m := res.RequireError(t, http.StatusBadRequest, domain.CodeInvalidParam)
		require.Contains(t, m["data"].(map[string]any)["params"].(map[string]any)["filter"], "$nor")
		res = b.api.Do(http.MethodPost, path, adminToken, map[string]any{"type": "x", "data": []int{1}})
		res.RequireError(t, http.StatusBadRequest, domain.CodeInvalidParam)
		res = b.api.Do(http.MethodPost, path, adminToken, map[string]any{"data": map[string]any{}})
		res.RequireError(t, http.StatusBadRequest, domain.CodeInvalidParam)

		other := b.token(t, "other", domain.ScopeWebhooksRead)
		res = b.api.Do(http.MethodPost, path, other, map[string]any{"type": "user_notification_created"})
		res.RequireError(t, http.StatusNotFound, domain.CodeNotFound)
		own := b.token(t, "acme", domain.ScopeWebhooksRead)
		res = b.api.Do(http.MethodPost, path, own, map[string]any{"type": "user_notification_created", "data": map[string]any{"category": "like"}})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	})
}
