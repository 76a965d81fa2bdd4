package delivery_test

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/delivery"
	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/deliverytest"
)

// arrival is one request as an ordered receiver saw it.
type arrival struct {
	key  string
	seq  int64
	typ  string
	code int
}

// orderedReceiver answers with answer(key, seq, n-th arrival of that seq)
// and records arrivals in order.
type orderedReceiver struct {
	*deliverytest.Receiver
	mu   sync.Mutex
	got  []arrival
	seen map[string]int
}

func newOrderedReceiver(t testing.TB, answer func(key string, seq int64, typ string, n int) int) *orderedReceiver {
	r := &orderedReceiver{Receiver: deliverytest.NewReceiver(t), seen: map[string]int{}}
	r.Respond(func(w http.ResponseWriter, req *http.Request, _ int) {
		key := req.Header.Get("Hookd-Ordering-Key")
		seq, _ := strconv.ParseInt(req.Header.Get("Hookd-Sequence"), 10, 64)
		typ := req.Header.Get("Hookd-Event-Type")
		r.mu.Lock()
		id := fmt.Sprintf("%s/%d", key, seq)
		r.seen[id]++
		code := answer(key, seq, typ, r.seen[id])
		r.got = append(r.got, arrival{key: key, seq: seq, typ: typ, code: code})
		r.mu.Unlock()
		w.WriteHeader(code)
	})
	return r
}

func (r *orderedReceiver) arrivals() []arrival {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]arrival(nil), r.got...)
}

// requireInOrder checks that within each key, deliveries started in
// sequence order and none started before the one before it had succeeded.
func requireInOrder(t *testing.T, got []arrival) {
	t.Helper()
	last := map[string]arrival{}
	for _, a := range got {
		if a.key == "" {
			continue
		}
		if prev, ok := last[a.key]; ok {
			if a.seq == prev.seq {
				require.NotEqual(t, http.StatusOK, prev.code, "key %s: seq %d sent again after it succeeded", a.key, a.seq)
			} else {
				require.Greater(t, a.seq, prev.seq, "key %s: seq %d after seq %d", a.key, a.seq, prev.seq)
				require.Equal(t, http.StatusOK, prev.code, "key %s: seq %d started before seq %d finished", a.key, a.seq, prev.seq)
			}
		}
		last[a.key] = a
	}
}

// TestOrderedDelivery is the Tribe seed's lifecycle under one key, with
// post.blocked failing once: the later events of its key wait for the
// retry, another key's events and unkeyed events do not.
func TestOrderedDelivery(t *testing.T) {
	t.Parallel()
	// The failed post.blocked is retried after 3 s: time enough, even on a
	// loaded machine, for post:2's whole lifecycle to go through meanwhile.
	e := setupEngine(t, func(c *delivery.Config) { c.RetryBase = 3 * time.Second }).start(t)
	rcv := newOrderedReceiver(t, func(key string, _ int64, typ string, n int) int {
		if key == "post:1" && typ == "post.blocked" && n == 1 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	e.webhook(t, rcv.URL)
	lifecycle := []string{"post.created", "post.blocked", "moderation.created", "post.unblocked", "post.published"}
	var reqs []delivery.EmitRequest
	for _, typ := range lifecycle {
		reqs = append(reqs, delivery.EmitRequest{Type: typ, Data: []byte(`{}`), OrderingKey: "post:1"})
	}
	out, err := e.dispatcher.Emit(e.ctx, reqs)
	require.NoError(t, err)
	for i, o := range out {
		require.Equal(t, "post:1", *o.OrderingKey)
		require.Equal(t, int64(i+1), *o.OrderingSeq, "sequences in emit order")
	}
	// Another key, and unordered events, emitted after: they need not wait.
	for _, typ := range lifecycle {
		_, err := e.dispatcher.Emit(e.ctx, []delivery.EmitRequest{{Type: typ, Data: []byte(`{}`), OrderingKey: "post:2"}})
		require.NoError(t, err)
	}
	e.emit(t, "comment.created", `{}`)

	require.Eventually(t, func() bool { return len(rcv.arrivals()) == 12 }, 15*time.Second, 20*time.Millisecond)
	got := rcv.arrivals()
	requireInOrder(t, got)
	var order []string
	for _, a := range got {
		if a.key == "post:1" {
			order = append(order, fmt.Sprintf("%s %d", a.typ, a.code))
		}
	}
	require.Equal(t, []string{"post.created 200", "post.blocked 500", "post.blocked 200", "moderation.created 200",
		"post.unblocked 200", "post.published 200"}, order)
	pos := map[string]int{}
	for i, a := range got {
		pos[fmt.Sprintf("%s/%d/%d", a.key, a.seq, a.code)] = i
	}
	require.Less(t, pos["post:2/5/200"], pos["post:1/3/200"], "post:2 finished while post:1 waited for its retry")
}

// TestOrderedDeliveryEndsReleaseTheNext: a delivery that fails after its
// whole schedule, or is cancelled, releases the next of its key.
func TestOrderedDeliveryEndsReleaseTheNext(t *testing.T) {
	t.Parallel()

	t.Run("FailedAfterItsSchedule", func(t *testing.T) {
		t.Parallel()
		e := setupEngine(t).start(t)
		rcv := newOrderedReceiver(t, func(_ string, seq int64, _ string, _ int) int {
			if seq == 1 {
				return http.StatusBadGateway
			}
			return http.StatusOK
		})
		e.webhook(t, rcv.URL, retries(1))
		for range 3 {
			_, err := e.dispatcher.Emit(e.ctx, []delivery.EmitRequest{{Type: "post.created", Data: []byte(`{}`), OrderingKey: "k"}})
			require.NoError(t, err)
		}
		require.Eventually(t, func() bool { return len(rcv.arrivals()) == 4 }, 10*time.Second, 20*time.Millisecond)
		got := rcv.arrivals()
		require.Equal(t, []int64{1, 1, 2, 3}, []int64{got[0].seq, got[1].seq, got[2].seq, got[3].seq})
	})

	t.Run("CancelledCascades", func(t *testing.T) {
		t.Parallel()
		e := setupEngine(t)
		rcv := newOrderedReceiver(t, func(string, int64, string, int) int { return http.StatusOK })
		w := e.webhook(t, rcv.URL)
		var ids []string
		for range 4 {
			out, err := e.dispatcher.Emit(e.ctx, []delivery.EmitRequest{{Type: "post.created", Data: []byte(`{}`), OrderingKey: "k"}})
			require.NoError(t, err)
			ids = append(ids, out[0].ID)
		}
		var held int
		require.NoError(t, e.db.Pool.QueryRow(e.ctx, `SELECT count(*) FROM deliveries WHERE held`).Scan(&held))
		require.Equal(t, 3, held, "only the first of the key is runnable")
		_, err := e.db.Pool.Exec(e.ctx, `UPDATE webhooks SET status = 'inactive' WHERE id = $1`, w.ID)
		require.NoError(t, err)
		e.start(t)
		for _, id := range ids {
			d := e.waitDelivery(t, id, 10*time.Second)
			require.Equal(t, domain.DeliveryCancelled, d.Status, "cancelled one after the other")
		}
		require.Zero(t, rcv.Count())
	})
}

// TestOrderedDeliveryUnderConcurrency emits many keys' events from several
// goroutines while deliveries finish: no successor is ever stranded (every
// event is delivered) and every key's order holds.
func TestOrderedDeliveryUnderConcurrency(t *testing.T) {
	t.Parallel()
	e := setupEngine(t).start(t)
	rcv := newOrderedReceiver(t, func(_ string, seq int64, _ string, n int) int {
		if seq%7 == 0 && n == 1 {
			return http.StatusServiceUnavailable // some fail once
		}
		return http.StatusOK
	})
	e.webhook(t, rcv.URL)
	const keys, perKey, emitters = 20, 30, 4
	var wg sync.WaitGroup
	for g := range emitters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range keys * perKey / emitters {
				k := (g*keys*perKey/emitters + i) % keys
				_, err := e.dispatcher.EmitOne(e.ctx, delivery.EmitRequest{Type: "post.created", Data: []byte(`{}`),
					OrderingKey: fmt.Sprintf("post:%d", k)})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	require.Eventually(t, func() bool {
		var pending int
		require.NoError(t, e.db.Pool.QueryRow(e.ctx, `SELECT count(*) FROM deliveries WHERE status = 'pending'`).Scan(&pending))
		return pending == 0
	}, 60*time.Second, 50*time.Millisecond, "every ordered delivery finished: none stranded held")
	got := rcv.arrivals()
	requireInOrder(t, got)
	succeeded := 0
	for _, a := range got {
		if a.code == http.StatusOK {
			succeeded++
		}
	}
	require.Equal(t, keys*perKey, succeeded)
}
