package server_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBadTextIsClientError: NUL and invalid UTF-8 in body fields, query
// parameters and path ids are answered 400 invalid_param naming the field,
// never 500 (Postgres refuses both).
func TestBadTextIsClientError(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := int64(b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, validWebhook()).JSON(t)["id"].(float64))
	hook := fmt.Sprintf("/v2/admin/webhooks/%d", id)
	webhook := func(field, value string) string {
		return `{"name":"n","url":"https://example.com/h","events":["comment.created"],` + field + `:` + value + `}`
	}
	tests := []struct {
		name, method, path, body, field string
	}{
		{"WebhookNameNUL", "POST", "/v2/admin/webhooks", `{"name":"a\u0000b","url":"https://example.com/h","events":["comment.created"]}`, "name"},
		{"WebhookNameInvalidUTF8", "POST", "/v2/admin/webhooks", "{\"name\":\"caf\xe9\",\"url\":\"https://example.com/h\",\"events\":[\"comment.created\"]}", "name"},
		{"WebhookTenantNUL", "POST", "/v2/admin/webhooks", webhook(`"tenant"`, `"a\u0000"`), "tenant"},
		{"WebhookEventsNUL", "POST", "/v2/admin/webhooks", `{"name":"n","url":"https://example.com/h","events":["comment.\u0000"]}`, "events"},
		{"WebhookHeaderInvalidUTF8", "POST", "/v2/admin/webhooks", webhook(`"headers"`, "{\"X-Key\":\"\xff\"}"), "headers"},
		{"WebhookUpdateNameNUL", "PATCH", hook, `{"name":"\u0000"}`, "name"},
		{"EventTypeNUL", "POST", "/v2/events", `{"type":"comment.created\u0000","data":{}}`, "type"},
		{"EventTypeInvalidUTF8", "POST", "/v2/events", "{\"type\":\"comment.\xc3\x28\",\"data\":{}}", "type"},
		{"EventIDNUL", "POST", "/v2/events", `{"type":"comment.created","data":{},"id":"e\u0000"}`, "id"},
		{"EventDataInvalidUTF8", "POST", "/v2/events", "{\"type\":\"comment.created\",\"data\":{\"text\":\"\xff\xfe\"}}", "data"},
		{"BatchTypeNUL", "POST", "/v2/events/batch", `{"events":[{"type":"\u0000","data":{}}]}`, "events[0].type"},
		{"BatchDataInvalidUTF8", "POST", "/v2/events/batch", "{\"events\":[{\"type\":\"comment.created\",\"data\":{\"k\":\"\xed\xa0\x80\"}}]}", "events[0].data"},
		{"TokenNameNUL", "POST", "/v2/admin/tokens", `{"name":"ci\u0000","scopes":["webhooks.read"]}`, "name"},
		{"TokenNameInvalidUTF8", "POST", "/v2/admin/tokens", "{\"name\":\"\xff\",\"scopes\":[\"webhooks.read\"]}", "name"},
		{"EventTypeNameNUL", "POST", "/v2/event-types", `{"name":"x.\u0000","description":"d"}`, "name"},
		{"EventTypeDescriptionNUL", "POST", "/v2/event-types", `{"name":"invoice.paid","description":"paid\u0000"}`, "description"},
		{"EventTypeDescriptionInvalidUTF8", "POST", "/v2/event-types", "{\"name\":\"invoice.paid\",\"description\":\"\xc0\xaf\"}", "description"},
		{"SubscriptionAuthorizationNUL", "POST", "/v2/webhooks/subscriptions", `{"url":"https://example.com/s","authorization_header":"a\u0000","events":[{"name":"content_published"}]}`, "authorization_header"},
		{"WebhookEventFilterNUL", "GET", "/v2/admin/webhooks?event=%00", "", "event"},
		{"WebhookEventFilterInvalidUTF8", "GET", "/v2/admin/webhooks?event=comment.%FF", "", "event"},
		{"DeliveryEventTypeFilterNUL", "GET", hook + "/deliveries?event_type=%00", "", "event_type"},
		{"DeliveryEventTypeFilterInvalidUTF8", "GET", hook + "/deliveries?event_type=%C3%28", "", "event_type"},
		{"EventTypeFilterNUL", "GET", "/v2/events?type=%00", "", "type"},
		{"EventTypeFilterInvalidUTF8", "GET", "/v2/events?type=%FF", "", "type"},
		{"EventIDPathNUL", "GET", "/v2/events/%00", "", "id"},
		{"EventIDPathInvalidUTF8", "GET", "/v2/events/evt_%FF", "", "id"},
		{"TokenIDPathNUL", "DELETE", "/v2/admin/tokens/%00", "", "id"},
		{"TokenIDPathInvalidUTF8", "DELETE", "/v2/admin/tokens/%E9", "", "id"},
		{"GroupFilterNUL", "GET", "/v2/event-types?group=%00", "", "group"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var body any
			if tt.body != "" {
				body = tt.body
			}
			m := b.api.Do(tt.method, tt.path, adminToken, body).RequireError(t, 400, "invalid_param")
			params, _ := m["data"].(map[string]any)["params"].(map[string]any)
			require.Contains(t, params, tt.field, "%v", m)
		})
	}

	// A forged token value is a 401, whatever bytes it holds.
	b.api.Do(http.MethodGet, "/v2/me", "hkd_\xff\xfe_x", nil).RequireError(t, 401, "unauthorized")
	b.api.Do(http.MethodGet, "/v2/me", "hkd_caf\xe9_x", nil).RequireError(t, 401, "unauthorized")
}
