package server_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
)

// TestRetryScheduleFields: retry_schedule and retry_count through create,
// read and partial updates.
func TestRetryScheduleFields(t *testing.T) {
	t.Parallel()
	b := setup(t)
	create := func(t *testing.T, fields map[string]any) (string, map[string]any) {
		t.Helper()
		body := validWebhook()
		delete(body, "retry_count")
		for k, v := range fields {
			body[k] = v
		}
		res := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, body)
		require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
		m := res.JSON(t)
		return fmt.Sprintf("/v2/admin/webhooks/%d", int64(m["id"].(float64))), m
	}
	patch := func(t *testing.T, path string, body map[string]any) map[string]any {
		t.Helper()
		res := b.api.Do(http.MethodPatch, path, adminToken, body)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		return res.JSON(t)
	}

	t.Run("Defaults", func(t *testing.T) {
		path, m := create(t, nil)
		require.EqualValues(t, domain.DefaultRetryCount, m["retry_count"])
		require.Contains(t, m, "retry_schedule")
		require.Nil(t, m["retry_schedule"], "null: the default schedule")
		got := b.api.Do(http.MethodGet, path, adminToken, nil).JSON(t)
		require.Nil(t, got["retry_schedule"])
	})

	t.Run("ScheduleSetsTheCount", func(t *testing.T) {
		path, m := create(t, map[string]any{"retry_schedule": []int{1, 2, 3}})
		require.EqualValues(t, 3, m["retry_count"])
		require.Equal(t, []any{1.0, 2.0, 3.0}, m["retry_schedule"])
		got := b.api.Do(http.MethodGet, path, adminToken, nil).JSON(t)
		require.Equal(t, []any{1.0, 2.0, 3.0}, got["retry_schedule"])
		list := b.api.Do(http.MethodGet, "/v2/admin/webhooks", adminToken, nil).JSON(t)
		require.Contains(t, list["webhooks"].([]any)[0], "retry_schedule")

		// A count equal to the schedule's length keeps it: a client echoing
		// what it read changes nothing.
		m = patch(t, path, map[string]any{"retry_count": 3, "name": "Echo"})
		require.Equal(t, []any{1.0, 2.0, 3.0}, m["retry_schedule"])
		// Any other count alone is the default's first steps.
		m = patch(t, path, map[string]any{"retry_count": 2})
		require.Nil(t, m["retry_schedule"])
		require.EqualValues(t, 2, m["retry_count"])
		// A schedule replaces the count.
		m = patch(t, path, map[string]any{"retry_schedule": domain.LongOutageSchedule})
		require.EqualValues(t, len(domain.LongOutageSchedule), m["retry_count"])
		require.Len(t, m["retry_schedule"], len(domain.LongOutageSchedule))
		// Null returns to the default, keeping the count within its range.
		m = patch(t, path, map[string]any{"retry_schedule": nil})
		require.Nil(t, m["retry_schedule"])
		require.EqualValues(t, domain.MaxRetryCount, m["retry_count"])
		m = patch(t, path, map[string]any{"retry_schedule": []int{60}, "retry_count": 1})
		require.Equal(t, []any{60.0}, m["retry_schedule"])
		m = patch(t, path, map[string]any{"retry_schedule": nil, "retry_count": 4})
		require.Nil(t, m["retry_schedule"])
		require.EqualValues(t, 4, m["retry_count"])
	})

	t.Run("MatchingCountAccepted", func(t *testing.T) {
		_, m := create(t, map[string]any{"retry_schedule": []int{5, 5}, "retry_count": 2})
		require.EqualValues(t, 2, m["retry_count"])
	})

	t.Run("Longest", func(t *testing.T) {
		twenty := make([]int, domain.MaxRetrySchedule)
		for i := range twenty {
			twenty[i] = domain.MaxRetryTotal / domain.MaxRetrySchedule
		}
		_, m := create(t, map[string]any{"retry_schedule": twenty})
		require.EqualValues(t, 20, m["retry_count"])
	})
}

// TestRateLimitField: rate_limit through create, read and updates; null
// is unlimited.
func TestRateLimitField(t *testing.T) {
	t.Parallel()
	b := setup(t)
	body := validWebhook()
	res := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, body)
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	require.Contains(t, res.JSON(t), "rate_limit")
	require.Nil(t, res.JSON(t)["rate_limit"], "unlimited by default")

	body["rate_limit"] = 5
	res = b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, body)
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	require.EqualValues(t, 5, res.JSON(t)["rate_limit"])
	path := fmt.Sprintf("/v2/admin/webhooks/%d", int64(res.JSON(t)["id"].(float64)))
	require.EqualValues(t, 5, b.api.Do(http.MethodGet, path, adminToken, nil).JSON(t)["rate_limit"])

	patch := func(body map[string]any) map[string]any {
		res := b.api.Do(http.MethodPatch, path, adminToken, body)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		return res.JSON(t)
	}
	require.EqualValues(t, 50, patch(map[string]any{"rate_limit": 50})["rate_limit"])
	require.EqualValues(t, 50, patch(map[string]any{"name": "Still limited"})["rate_limit"], "absent: unchanged")
	require.Nil(t, patch(map[string]any{"rate_limit": nil})["rate_limit"], "null lifts it")

	body["rate_limit"] = nil
	res = b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, body)
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	require.Nil(t, res.JSON(t)["rate_limit"])
}

func TestRetryScheduleValidation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	with := func(fields map[string]any) map[string]any {
		body := validWebhook()
		delete(body, "retry_count")
		for k, v := range fields {
			body[k] = v
		}
		return body
	}
	twentyOne := make([]int, 21)
	for i := range twentyOne {
		twentyOne[i] = 1
	}
	tests := []struct {
		name   string
		fields map[string]any
		param  string
	}{
		{"ScheduleEmpty", map[string]any{"retry_schedule": []int{}}, "retry_schedule"},
		{"ScheduleZero", map[string]any{"retry_schedule": []int{5, 0}}, "retry_schedule"},
		{"ScheduleNegative", map[string]any{"retry_schedule": []int{-1}}, "retry_schedule"},
		{"ScheduleStrings", map[string]any{"retry_schedule": []string{"5"}}, "retry_schedule"},
		{"ScheduleFraction", map[string]any{"retry_schedule": []float64{1.5}}, "retry_schedule"},
		{"ScheduleNotArray", map[string]any{"retry_schedule": 5}, "retry_schedule"},
		{"ScheduleObject", map[string]any{"retry_schedule": map[string]int{"a": 1}}, "retry_schedule"},
		{"ScheduleTooLong", map[string]any{"retry_schedule": twentyOne}, "retry_schedule"},
		{"GapTooLong", map[string]any{"retry_schedule": []int{604801}}, "retry_schedule"},
		{"TotalTooLong", map[string]any{"retry_schedule": []int{604800, 604800, 604800, 604800, 604800}}, "retry_schedule"},
		{"CountMismatch", map[string]any{"retry_schedule": []int{1, 2, 3}, "retry_count": 5}, "retry_count"},
		{"CountAloneAboveDefault", map[string]any{"retry_count": 9}, "retry_count"},
		{"RateNegative", map[string]any{"rate_limit": -1}, "rate_limit"},
		{"RateZero", map[string]any{"rate_limit": 0}, "rate_limit"},
		{"RateFraction", map[string]any{"rate_limit": 2.5}, "rate_limit"},
		{"RateString", map[string]any{"rate_limit": "5"}, "rate_limit"},
		{"RateTooHigh", map[string]any{"rate_limit": domain.MaxRateLimit + 1}, "rate_limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, with(tt.fields))
			m := res.RequireError(t, http.StatusBadRequest, "invalid_param")
			params := m["data"].(map[string]any)["params"].(map[string]any)
			require.Contains(t, params, tt.param, "%s", res.Body)
		})
	}
	t.Run("RateExponent", func(t *testing.T) {
		res := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken,
			`{"name": "x", "url": "https://example.com/h", "events": ["*"], "rate_limit": 1e1}`)
		m := res.RequireError(t, http.StatusBadRequest, "invalid_param")
		require.Contains(t, m["data"].(map[string]any)["params"], "rate_limit")
	})
	require.Zero(t, b.countWebhooks(t), "a refused request wrote a webhook")

	res := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, with(map[string]any{"retry_schedule": []int{1, 2}}))
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	path := fmt.Sprintf("/v2/admin/webhooks/%d", int64(res.JSON(t)["id"].(float64)))
	for _, tt := range tests {
		t.Run("Update"+tt.name, func(t *testing.T) {
			for _, method := range []string{http.MethodPut, http.MethodPatch} {
				res := b.api.Do(method, path, adminToken, tt.fields)
				m := res.RequireError(t, http.StatusBadRequest, "invalid_param")
				require.Contains(t, m["data"].(map[string]any)["params"], tt.param, "%s", res.Body)
			}
		})
	}
	got := b.api.Do(http.MethodGet, path, adminToken, nil).JSON(t)
	require.Equal(t, []any{1.0, 2.0}, got["retry_schedule"], "a refused update changed the webhook")
}
