package web_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestFilterEditor: the edit form tries a filter as typed against the last
// event the webhook subscribes to, and saves it; the page shows it.
func TestFilterEditor(t *testing.T) {
	t.Parallel()
	e := setup(t)
	id, _ := e.webhook(t, "Likes only", e.rcv.URL, 3, "user_notification_created")
	status, out := e.call(t, http.MethodPost, "/v2/events", adminToken, map[string]any{"type": "user_notification_created",
		"data": map[string]any{"notification_id": 25120446, "user_id": 523427, "category": "like",
			"details": map[string]any{"like_count": 2, "content_id": 2487526}}})
	require.Equal(t, http.StatusAccepted, status, "%v", out)
	// A later event of a type the webhook does not subscribe to is passed over.
	status, out = e.call(t, http.MethodPost, "/v2/events", adminToken, map[string]any{"type": "comment.created", "data": map[string]any{}})
	require.Equal(t, http.StatusAccepted, status, "%v", out)

	b := newBrowser(t, e.url)
	b.signIn(adminToken)
	b.open(fmt.Sprintf("/webhooks/%d/edit", id))
	b.waitText("h1", "Edit webhook")
	b.typeInto(`textarea[name="filter"]`, `{"data.category": "mention"}`)
	b.clickText("Test against the last event")
	b.waitText(`[data-part="filter-result"]`, "Filtered out: user_notification_created")

	b.clearField(`textarea[name="filter"]`)
	b.typeInto(`textarea[name="filter"]`, `{"data.category": "like", "data.details.like_count": {"$gte": 2}}`)
	b.clickText("Test against the last event")
	b.waitText(`[data-part="filter-result"]`, "Passes: user_notification_created")
	b.screenshot("webhook-filter-test")

	b.clickText("Save changes")
	b.waitText("h1", "Likes only")
	b.waitText(`[data-part="filter"]`, `"data.category":"like"`)
	status, out = e.call(t, http.MethodGet, fmt.Sprintf("/v2/admin/webhooks/%d", id), adminToken, nil)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, map[string]any{"data.category": "like", "data.details.like_count": map[string]any{"$gte": float64(2)}}, out["filter"])

	// Not JSON: said beside the field, nothing sent.
	b.open(fmt.Sprintf("/webhooks/%d/edit", id))
	b.waitText("h1", "Edit webhook")
	b.clearField(`textarea[name="filter"]`)
	b.typeInto(`textarea[name="filter"]`, `{"data.category": `)
	b.clickText("Save changes")
	b.waitText(`[data-field="filter"] .field-error`, "Filter is not valid JSON")
	b.checkConsole()
}
