package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/nodetest"
)

func TestWebhookFormatField(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, f := range domain.Formats {
		body := validWebhook()
		body["format"] = f
		res := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, body)
		require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
		require.Equal(t, f, res.JSON(t)["format"])
		id := int64(res.JSON(t)["id"].(float64))
		require.Equal(t, f, b.api.Do(http.MethodGet, fmt.Sprintf("/v2/admin/webhooks/%d", id), adminToken, nil).JSON(t)["format"])
	}
	list := b.api.Do(http.MethodGet, "/v2/admin/webhooks", adminToken, nil).JSON(t)["webhooks"].([]any)
	require.Len(t, list, len(domain.Formats))
	for _, w := range list {
		require.Contains(t, domain.Formats, w.(map[string]any)["format"])
	}

	res := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, validWebhook())
	require.Equal(t, "hookd", res.JSON(t)["format"], "hookd's by default")
	path := fmt.Sprintf("/v2/admin/webhooks/%d", int64(res.JSON(t)["id"].(float64)))
	for _, method := range []string{http.MethodPut, http.MethodPatch} {
		name := b.api.Do(http.MethodGet, path, adminToken, nil).JSON(t)["name"]
		res = b.api.Do(method, path, adminToken, map[string]any{"format": "tribe"})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		require.Equal(t, "tribe", res.JSON(t)["format"])
		require.Equal(t, name, res.JSON(t)["name"], "other fields untouched")
		res = b.api.Do(method, path, adminToken, map[string]any{"format": "fluent", "name": "renamed " + method})
		require.Equal(t, "fluent", res.JSON(t)["format"])
	}

	before := b.countWebhooks(t)
	for _, bad := range []any{"xml", "", "Standard", 3, nil, []string{"hookd"}} {
		body := validWebhook()
		body["format"] = bad
		e := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, body).RequireError(t, 400, "invalid_param")
		require.Contains(t, e["data"].(map[string]any)["params"], "format", "%v", bad)
		e = b.api.Do(http.MethodPatch, path, adminToken, map[string]any{"format": bad}).RequireError(t, 400, "invalid_param")
		require.Contains(t, e["data"].(map[string]any)["params"], "format", "%v", bad)
	}
	require.Equal(t, before, b.countWebhooks(t), "nothing created")
	require.Equal(t, "fluent", b.api.Do(http.MethodGet, path, adminToken, nil).JSON(t)["format"], "nothing changed")
}

// A standard webhook needs a secret the Standard Webhooks libraries can
// decode: whsec_ + standard base64 of 24–64 bytes.
func TestStandardFormatSecrets(t *testing.T) {
	t.Parallel()
	b := setup(t)
	post := func(format string, secret any) map[string]any {
		body := validWebhook()
		body["format"] = format
		if secret != nil {
			body["secret"] = secret
		}
		res := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, body)
		if res.Status != http.StatusCreated {
			return res.RequireError(t, 400, "invalid_param")
		}
		return res.JSON(t)
	}
	const legacy = "whsec_Zm9vYmFyYmF6cXV4-_0123456789abcdefghijklmn" // base64url, as hookd once generated
	for _, bad := range []string{legacy, "whsec_c2hvcnQ=", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS"} {
		e := post("standard", bad)
		require.Equal(t, "invalid_param", e["code"], bad)
		require.Contains(t, e["data"].(map[string]any)["params"], "secret", bad)
	}
	w := post("standard", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	require.Equal(t, "standard", w["format"])
	w = post("standard", nil)
	_, ok := domain.StandardSecretKey(w["secret"].(string))
	require.True(t, ok, "generated secrets fit")

	// A webhook with a secret the standard format cannot use cannot switch
	// to it until the secret is rotated.
	old := post("hookd", legacy)
	require.Equal(t, "hookd", old["format"])
	path := fmt.Sprintf("/v2/admin/webhooks/%d", int64(old["id"].(float64)))
	e := b.api.Do(http.MethodPatch, path, adminToken, map[string]any{"format": "standard", "name": "x"}).RequireError(t, 400, "invalid_param")
	require.Contains(t, e["message"], "Rotate the secret")
	require.Contains(t, e["data"].(map[string]any)["params"], "format")
	got := b.api.Do(http.MethodGet, path, adminToken, nil).JSON(t)
	require.Equal(t, "hookd", got["format"], "nothing half-written")
	require.Equal(t, "Slack Notifications", got["name"])
	for _, f := range []string{"selfcommunity", "fluent", "firstup", "tribe", "hookd"} {
		require.Equal(t, http.StatusOK, b.api.Do(http.MethodPatch, path, adminToken, map[string]any{"format": f}).Status, f)
	}

	rot := b.api.Do(http.MethodPost, path+"/rotate-secret", adminToken, nil)
	require.Equal(t, http.StatusOK, rot.Status, "%s", rot.Body)
	res := b.api.Do(http.MethodPatch, path, adminToken, map[string]any{"format": "standard"})
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	require.Equal(t, "standard", res.JSON(t)["format"])

	// A standard webhook refuses rotating to a secret it cannot use.
	e = b.api.Do(http.MethodPost, path+"/rotate-secret", adminToken, map[string]any{"secret": legacy}).RequireError(t, 400, "invalid_param")
	require.Contains(t, e["data"].(map[string]any)["params"], "secret")
	secret := b.api.Do(http.MethodGet, path+"/secret", adminToken, nil).JSON(t)["secret"]
	require.Equal(t, rot.JSON(t)["secret"], secret, "the secret is unchanged")
	res = b.api.Do(http.MethodPost, path+"/rotate-secret", adminToken, map[string]any{"secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"})
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
}

func TestSubscriptionFormat(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// The seed's request, its missing comma restored: Firstup's payloads.
	res := b.api.Do(http.MethodPost, "/v2/webhooks/subscriptions", adminToken, `{
  "url": "https://example.com/endpoint",
  "authorization_header": "foobar",
  "events": [
    { "name": "content_published" },
    { "name": "content_archived" }
  ]
}`)
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	require.Equal(t, "firstup", res.JSON(t)["format"])
	path := fmt.Sprintf("/v2/webhooks/subscriptions/%d", int64(res.JSON(t)["id"].(float64)))
	require.Equal(t, "firstup", b.api.Do(http.MethodGet, path, adminToken, nil).JSON(t)["format"])
	require.Equal(t, "firstup", b.api.Do(http.MethodGet, "/v2/webhooks/subscriptions", adminToken, nil).JSON(t)["subscriptions"].([]any)[0].(map[string]any)["format"])

	for _, method := range []string{http.MethodPut, http.MethodPatch} {
		res = b.api.Do(method, path, adminToken, map[string]any{"format": "standard"})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		require.Equal(t, "standard", res.JSON(t)["format"])
	}
	e := b.api.Do(http.MethodPut, path, adminToken, map[string]any{"format": "soap"}).RequireError(t, 400, "invalid_param")
	require.Contains(t, e["data"].(map[string]any)["params"], "format")

	res = b.api.Do(http.MethodPost, "/v2/webhooks/subscriptions", adminToken, map[string]any{
		"url": "https://example.com/b", "events": []map[string]string{{"name": "content_published"}}, "format": "hookd"})
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	require.Equal(t, "hookd", res.JSON(t)["format"])
	e = b.api.Do(http.MethodPost, "/v2/webhooks/subscriptions", adminToken, map[string]any{
		"url": "https://example.com/c", "events": []map[string]string{{"name": "content_published"}}, "format": 1}).RequireError(t, 400, "invalid_param")
	require.Contains(t, e["data"].(map[string]any)["params"], "format")
}

// Through the API, every format: test-fire, delivery, the delivery log
// showing the body sent and redacting the signature, rotation.
func TestFormatsThroughTheAPI(t *testing.T) {
	t.Parallel()
	b := setup(t, allowHTTP, withWorkers)
	rcv := nodetest.StartReceiver(t)
	type hook struct {
		id             int64
		format, secret string
	}
	var hooks []hook
	for _, f := range domain.Formats {
		res := b.api.Do(http.MethodPost, "/v2/admin/webhooks", adminToken, map[string]any{
			"name": f, "url": rcv.Endpoint(t, f, f, nodetest.Endpoint{}), "events": []string{"space.member_joined"}, "format": f, "retry_count": 0})
		require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
		w := res.JSON(t)
		hooks = append(hooks, hook{int64(w["id"].(float64)), f, w["secret"].(string)})
		rcv.Endpoint(t, f, f, nodetest.Endpoint{Secrets: []string{w["secret"].(string)}})
	}
	// Firstup receivers expect their subscription's Authorization.
	sub := b.api.Do(http.MethodPost, "/v2/webhooks/subscriptions", adminToken, map[string]any{
		"url": rcv.Endpoint(t, "firstup", "sub", nodetest.Endpoint{}), "authorization_header": "foobar",
		"events": []map[string]string{{"name": "space.member_joined"}}})
	require.Equal(t, http.StatusCreated, sub.Status, "%s", sub.Body)
	rcv.Endpoint(t, "firstup", "sub", nodetest.Endpoint{Secrets: []string{sub.JSON(t)["secret"].(string)}, Authorization: "foobar"})
	rcv.Endpoint(t, "firstup", "firstup", nodetest.Endpoint{Secrets: []string{hooks[4].secret}, Authorization: ""})

	for _, h := range hooks {
		res := b.api.Do(http.MethodPost, fmt.Sprintf("/v2/admin/webhooks/%d/test", h.id), adminToken, nil)
		require.Equal(t, true, res.JSON(t)["success"], "%s: %s", h.format, res.Body)
	}
	ev := b.api.Do(http.MethodPost, "/v2/events", adminToken, map[string]any{"type": "space.member_joined",
		"data": json.RawMessage(`{"space_id": 12, "10": 1.50, "user": {"name": "<Ada>"}}`)})
	require.Equal(t, http.StatusAccepted, ev.Status, "%s", ev.Body)
	require.EqualValues(t, len(domain.Formats)+1, ev.JSON(t)["deliveries"])

	for _, h := range hooks {
		name := h.format
		reqs := rcv.WaitFor(t, name, 2, 10*time.Second)
		for _, r := range reqs {
			require.True(t, r.OK, "%s: %v %v", name, r.Checks, r.Errors)
		}
		logPath := fmt.Sprintf("/v2/admin/webhooks/%d/deliveries", h.id)
		var list struct {
			Deliveries []struct {
				ID        int64
				EventType string `json:"event_type"`
				Status    string
			}
		}
		require.Eventually(t, func() bool {
			b.api.Do(http.MethodGet, logPath, adminToken, nil).Decode(t, &list)
			return len(list.Deliveries) == 2 && list.Deliveries[0].Status == "succeeded"
		}, 10*time.Second, 50*time.Millisecond, name)
		for i, d := range list.Deliveries {
			var detail struct {
				Format   string
				Payload  json.RawMessage
				Attempts []struct {
					Format         string
					RequestHeaders map[string]string `json:"request_headers"`
				}
			}
			b.api.Do(http.MethodGet, fmt.Sprintf("/v2/admin/deliveries/%d", d.ID), adminToken, nil).Decode(t, &detail)
			require.Equal(t, name, detail.Format)
			sent := reqs[len(reqs)-1-i].Body // newest first
			require.JSONEq(t, string(sent), string(detail.Payload), "%s: the delivery page shows the body sent", name)
			require.Len(t, detail.Attempts, 1)
			require.Equal(t, name, detail.Attempts[0].Format)
			for k, v := range detail.Attempts[0].RequestHeaders {
				if k == "Authorization" || k == "Hookd-Signature" || k == "Webhook-Signature" || k == "Selfcommunity-Signature" ||
					k == "X-Fluent-Signature" || k == "X-Tribe-Signature" {
					require.Equal(t, "[redacted]", v, "%s: %s", name, k)
				}
			}
		}
	}
	for _, r := range rcv.WaitFor(t, "sub", 1, 10*time.Second) {
		require.True(t, r.OK, "subscription: %v %v", r.Checks, r.Errors)
	}
}
