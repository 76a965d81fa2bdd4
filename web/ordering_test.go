package web_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestBlockedOrderingKey: a webhook page lists the ordering key held back
// by a failing delivery, and skipping the head releases the rest.
func TestBlockedOrderingKey(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.rcv.Respond(func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.Header.Get("Hookd-Sequence") == "1" {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	id, _ := e.webhook(t, "Moderation feed", e.rcv.URL, 8, "post.*")
	for _, typ := range []string{"post.created", "post.blocked", "post.published"} {
		status, out := e.call(t, http.MethodPost, "/v2/events", adminToken, map[string]any{"type": typ, "data": map[string]any{},
			"ordering_key": "post:42"})
		require.Equal(t, http.StatusAccepted, status, "%v", out)
	}
	b := newBrowser(t, e.url)
	b.signIn(adminToken)
	b.open(fmt.Sprintf("/webhooks/%d", id))
	b.waitText("h1", "Moderation feed")
	b.waitText(`[data-part="blocked-keys"]`, "post:42")
	b.waitText(`[data-part="blocked-keys"]`, "Ordering keys held back (1)")
	b.waitText(`[data-part="blocked-keys"] td[data-label="Waiting"]`, "2")
	b.screenshot("webhook-blocked-key")

	b.clickText("Skip head…")
	b.clickText("Skip and release")
	b.waitText(".toast", "2 deliveries of post:42 released")
	require.Eventually(t, func() bool {
		return e.rcv.Count() >= 3 && e.rcv.Received()[e.rcv.Count()-1].Header.Get("Hookd-Sequence") == "3"
	},
		10*time.Second, 50*time.Millisecond)
	b.waitFor("the panel to go", `!document.querySelector('[data-part="blocked-keys"] .card')`, stepTimeout)
}
