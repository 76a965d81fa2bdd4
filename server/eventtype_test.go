package server_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
)

func TestEventTypes(t *testing.T) {
	t.Parallel()
	b := setup(t)

	res := b.api.Do(http.MethodGet, "/v2/event-types", adminToken, nil)
	require.Equal(t, http.StatusOK, res.Status)
	var list struct {
		EventTypes []struct{ Name, Description, Group, Source string } `json:"event_types"`
		Total      int
	}
	res.Decode(t, &list)
	require.Len(t, list.EventTypes, list.Total)
	names := map[string]string{}
	for _, et := range list.EventTypes {
		names[et.Name] = et.Group
	}
	for name, group := range map[string]string{
		"comment.created": "comment", "content_published": "content", "space.member_joined": "space",
		"post.published": "post", "reaction.added": "reaction", "notification.banner.sent": "notification",
		"loyalty.prize_request.updated": "loyalty", "user_notification_created": "user_notification",
	} {
		require.Equal(t, group, names[name], name)
	}

	res = b.api.Do(http.MethodGet, "/v2/event-types?group=comment", adminToken, nil)
	res.Decode(t, &list)
	for _, et := range list.EventTypes {
		require.Equal(t, "comment", et.Group)
	}

	// Register a custom type, then subscribe to it and to its group.
	writer := b.token(t, "", domain.ScopeEventsWrite)
	res = b.api.Do(http.MethodPost, "/v2/event-types", writer, map[string]any{"name": "invoice.paid", "description": "An invoice was paid."})
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	require.Equal(t, "invoice", res.JSON(t)["group"])
	require.Equal(t, "custom", res.JSON(t)["source"])

	body := validWebhook()
	body["events"] = []string{"invoice.paid", "invoice.*"}
	require.Equal(t, http.StatusCreated, b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, body).Status)

	b.api.Do(http.MethodPost, "/v2/event-types", writer, map[string]any{"name": "invoice.paid", "description": "again"}).RequireError(t, 409, "conflict")
	for _, bad := range []map[string]any{
		{"name": "Invoice Paid", "description": "x"},
		{"name": "invoice..paid", "description": "x"},
		{"name": "invoice.*", "description": "x"},
		{"name": "invoice.sent"},
		{"name": "invoice.sent", "description": "  "},
		{"name": "invoice.sent", "description": "x", "group": "Bad Group"},
		{"name": "invoice.sent", "description": "x", "extra": true},
	} {
		b.api.Do(http.MethodPost, "/v2/event-types", writer, bad).RequireError(t, 400, "invalid_param")
	}
	b.api.Do(http.MethodGet, "/v2/event-types", "", nil).RequireError(t, 401, "unauthorized")
}
