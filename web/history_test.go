package web_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/internal/deliverytest"
)

// The delivery page shows where each attempt went, as recorded with it,
// not the webhook's current URL.
func TestDeliveryShowsTheURLEachAttemptWentTo(t *testing.T) {
	t.Parallel()
	e := setup(t)
	moved := deliverytest.NewReceiver(t)
	id, _ := e.webhook(t, "Orders", e.rcv.URL+"/v1/hooks", 0, "comment.created")
	status, out := e.call(t, http.MethodPost, "/v2/events", adminToken, map[string]any{"type": "comment.created", "data": map[string]any{"id": 7}})
	require.Equal(t, http.StatusAccepted, status, "%v", out)
	e.rcv.WaitFor(t, 1, 10*time.Second)
	_, list := e.call(t, http.MethodGet, fmt.Sprintf("/v2/admin/webhooks/%d/deliveries", id), adminToken, nil)
	deliveryID := int64(list["deliveries"].([]any)[0].(map[string]any)["id"].(float64))

	status, out = e.call(t, http.MethodPatch, fmt.Sprintf("/v2/admin/webhooks/%d", id), adminToken, map[string]any{"url": moved.URL + "/v2/hooks"})
	require.Equal(t, http.StatusOK, status, "%v", out)

	b := newBrowser(t, e.url)
	b.signIn(adminToken)
	b.open(fmt.Sprintf("/deliveries/%d", deliveryID))
	b.waitText(".attempt .attempt-target", "POST "+e.rcv.URL+"/v1/hooks")
	b.waitText(".summary-card", moved.URL+"/v2/hooks")

	b.clickText("Redeliver")
	moved.WaitFor(t, 1, 10*time.Second)
	b.waitFor("the second attempt", `document.querySelectorAll('.attempt').length === 2`, 15*time.Second)
	// Newest first: the redelivery went to the new URL, the first attempt
	// still says the old one.
	require.Equal(t, "POST "+moved.URL+"/v2/hooks", eval[string](b, `document.querySelectorAll('.attempt .attempt-target')[0].textContent`))
	require.Equal(t, "POST "+e.rcv.URL+"/v1/hooks", eval[string](b, `document.querySelectorAll('.attempt .attempt-target')[1].textContent`))
	b.screenshot("delivery-url-after-edit")
}
