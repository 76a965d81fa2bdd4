package server_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/apitest"
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

// TestEventTypesPerTenant: custom event types belong to a tenant. Another
// tenant neither sees them nor can subscribe to or emit them, and may
// register the same name; each tenant has a cap; an unused type can be
// deleted.
func TestEventTypesPerTenant(t *testing.T) {
	t.Parallel()
	b := setup(t, allowHTTP, func(o *options) { o.server.MaxEventTypesPerTenant = 2 })
	acme := b.token(t, "acme", domain.ScopeEventsWrite, domain.ScopeWebhooksWrite)
	globex := b.token(t, "globex", domain.ScopeEventsWrite, domain.ScopeWebhooksWrite)
	reader := b.token(t, "acme", domain.ScopeWebhooksRead)
	register := func(tok, name string) *apitest.Response {
		return b.api.Do(http.MethodPost, "/v2/event-types", tok, map[string]any{"name": name, "description": "d"})
	}
	res := register(acme, "invoice.paid")
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	require.Equal(t, "acme", res.JSON(t)["tenant"])

	customNames := func(tok, query string) []string {
		var names []string
		for _, et := range b.api.Do(http.MethodGet, "/v2/event-types"+query, tok, nil).JSON(t)["event_types"].([]any) {
			if m := et.(map[string]any); m["source"] == "custom" {
				names = append(names, m["tenant"].(string)+":"+m["name"].(string))
			}
		}
		return names
	}
	require.Equal(t, []string{"acme:invoice.paid"}, customNames(acme, ""))
	require.Empty(t, customNames(globex, ""), "globex's catalog has no acme types")
	b.api.Do(http.MethodGet, "/v2/event-types?tenant=acme", globex, nil).RequireError(t, 403, "rest_forbidden")

	hook := func(tok string, events ...string) *apitest.Response {
		return b.api.Do(http.MethodPost, "/v2/admin/webhooks", tok, map[string]any{"name": "h", "url": "http://127.0.0.1:9/h", "events": events})
	}
	require.Equal(t, http.StatusCreated, hook(acme, "invoice.paid").Status)
	hook(globex, "invoice.paid").RequireError(t, 400, "invalid_param")
	hook(globex, "invoice.*").RequireError(t, 400, "invalid_param")
	emit := func(tok, typ string) *apitest.Response {
		return b.api.Do(http.MethodPost, "/v2/events", tok, map[string]any{"type": typ, "data": map[string]any{}})
	}
	require.Equal(t, http.StatusAccepted, emit(acme, "invoice.paid").Status)
	emit(globex, "invoice.paid").RequireError(t, 400, "invalid_param")

	// The same name is free in globex's catalog.
	require.Equal(t, http.StatusCreated, register(globex, "invoice.paid").Status)
	require.Equal(t, http.StatusAccepted, emit(globex, "invoice.paid").Status)
	// An unbound token sees both, each with its tenant.
	require.ElementsMatch(t, []string{"acme:invoice.paid", "globex:invoice.paid"}, customNames(adminToken, ""))
	require.Equal(t, []string{"globex:invoice.paid"}, customNames(adminToken, "?tenant=globex"))

	// The cap is per tenant (2 here).
	require.Equal(t, http.StatusCreated, register(acme, "invoice.sent").Status)
	m := register(acme, "invoice.void").RequireError(t, 409, "limit_exceeded")
	require.Contains(t, m["message"], "maximum number of custom event types")
	require.Equal(t, http.StatusCreated, register(globex, "invoice.sent").Status)

	// Delete: only unused custom types of the caller's tenant.
	del := func(tok, name string) *apitest.Response {
		return b.api.Do(http.MethodDelete, "/v2/event-types/"+name, tok, nil)
	}
	del(reader, "invoice.sent").RequireError(t, 403, "rest_forbidden")
	m = del(acme, "invoice.paid").RequireError(t, 409, "conflict")
	require.Contains(t, m["message"], "used by 1 webhook")
	del(acme, "comment.created").RequireError(t, 409, "conflict")
	del(acme, "nope.nope").RequireError(t, 404, "not_found")
	res = del(acme, "invoice.sent")
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	require.Equal(t, "Event type deleted successfully.", res.JSON(t)["message"])
	emit(acme, "invoice.sent").RequireError(t, 400, "invalid_param")
	require.Equal(t, http.StatusAccepted, emit(globex, "invoice.sent").Status, "globex's own is untouched")
	// Room again under the cap.
	require.Equal(t, http.StatusCreated, register(acme, "invoice.void").Status)
	// An unbound token deletes in the tenant it names.
	require.Equal(t, http.StatusOK, b.api.Do(http.MethodDelete, "/v2/event-types/invoice.sent?tenant=globex", adminToken, nil).Status)
}
