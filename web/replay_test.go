package web_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestReplayMissed: a webhook created disabled misses events; once enabled,
// its page counts them before confirming, replays them with progress, and a
// second look finds nothing missing.
func TestReplayMissed(t *testing.T) {
	t.Parallel()
	e := setup(t)
	status, out := e.call(t, http.MethodPost, "/v2/admin/webhooks", adminToken, map[string]any{
		"name": "Late subscriber", "url": e.rcv.URL, "events": []string{"comment.created"}, "status": "inactive"})
	require.Equal(t, http.StatusCreated, status, "%v", out)
	id := int64(out["id"].(float64))
	for i := range 3 {
		status, out := e.call(t, http.MethodPost, "/v2/events", adminToken, map[string]any{"type": "comment.created", "data": map[string]any{"n": i}})
		require.Equal(t, http.StatusAccepted, status, "%v", out)
	}
	status, out = e.call(t, http.MethodPatch, fmt.Sprintf("/v2/admin/webhooks/%d", id), adminToken, map[string]any{"status": "active"})
	require.Equal(t, http.StatusOK, status, "%v", out)

	b := newBrowser(t, e.url)
	b.signIn(adminToken)
	b.open(fmt.Sprintf("/webhooks/%d", id))
	b.waitText("h1", "Late subscriber")
	b.clickText("Replay missed…")
	b.waitText(`[data-part="replay-count"]`, "3 events would be sent.")
	b.screenshot("webhook-replay-count")
	b.clickText("Replay 3 events")
	b.waitText(`[data-part="replay"]`, "Replay done: 3 of 3 missed events queued.")
	e.rcv.WaitFor(t, 3, 10*time.Second)

	b.clickText("Replay missed…")
	b.waitText(`[data-part="replay-count"]`, "Nothing is missing in this window.")
	require.True(t, eval[bool](b, `[...document.querySelectorAll('dialog button')].find((el) => el.textContent === 'Replay').disabled`))
	b.checkConsole()
	require.Equal(t, 3, e.rcv.Count())
}
