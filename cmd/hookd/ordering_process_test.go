package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/internal/apitest"
	"github.com/hookd/hookd/internal/deliverytest"
	"github.com/hookd/hookd/internal/storetest"
)

// TestOrderSurvivesKill9: 20 keys × 30 ordered events; the only hookd
// process is killed with SIGKILL halfway and started again. Every event is
// delivered, and at the receiver every key's events arrive in order — the
// only repeat allowed is the attempt in flight at the kill, again before
// the next of its key.
func TestOrderSurvivesKill9(t *testing.T) {
	t.Parallel()
	db := storetest.NewDatabase(t, 4)
	var (
		mu   sync.Mutex
		seqs = map[string][]int64{}
		n    int
	)
	rcv := deliverytest.NewReceiver(t)
	rcv.Respond(func(w http.ResponseWriter, r *http.Request, _ int) {
		time.Sleep(5 * time.Millisecond)
		seq, _ := strconv.ParseInt(r.Header.Get("Hookd-Sequence"), 10, 64)
		mu.Lock()
		key := r.Header.Get("Hookd-Ordering-Key")
		seqs[key] = append(seqs[key], seq)
		n++
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	})
	const admin = "kill9-ordering-admin-token-0123456789"
	env := []string{"DATABASE_URL=" + db.URL, "HOOKD_ADDR=127.0.0.1:0", "HOOKD_ENCRYPTION_KEY=" + testKey(t),
		"HOOKD_ADMIN_TOKEN=" + admin, "HOOKD_ALLOW_HTTP=true", "HOOKD_ALLOW_PRIVATE_NETWORKS=true"}
	p := startHookd(t, env, "serve")
	api := apitest.NewClient(t, "http://"+p.addr)
	res := api.Do(http.MethodPost, "/v2/admin/webhooks", admin, map[string]any{"name": "ordered", "url": rcv.URL, "events": []string{"post.*"}})
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	const keys, perKey = 20, 30
	var events []map[string]any
	for i := range perKey {
		for k := range keys {
			events = append(events, map[string]any{"type": "post.created", "data": map[string]any{"i": i},
				"ordering_key": fmt.Sprintf("post:%d", k)})
		}
	}
	for from := 0; from < len(events); from += 300 {
		res = api.Do(http.MethodPost, "/v2/events/batch", admin, map[string]any{"events": events[from:min(from+300, len(events))]})
		require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
	}

	require.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return n >= keys*perKey/2 }, 30*time.Second, 5*time.Millisecond)
	require.NoError(t, p.cmd.Process.Kill())
	t.Logf("hookd killed: %v", <-p.done)
	p.done <- nil // for the cleanup
	startHookd(t, env, "serve")

	require.Eventually(t, func() bool {
		var pending int
		require.NoError(t, db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM deliveries WHERE status <> 'succeeded'`).Scan(&pending))
		return pending == 0
	}, 90*time.Second, 100*time.Millisecond, "every ordered delivery succeeded after the restart")
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, seqs, keys)
	for key, got := range seqs {
		var want int64 = 1
		for i, s := range got {
			if i > 0 && s == got[i-1] {
				continue // the attempt in flight at the kill, made again
			}
			require.Equal(t, want, s, "key %s: arrivals %v", key, got)
			want++
		}
		require.Equal(t, int64(perKey), want-1, "key %s: every event", key)
	}
}
