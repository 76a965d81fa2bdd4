package delivery_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/hookd/hookd/delivery"
	"github.com/hookd/hookd/internal/deliverytest"
)

// BenchmarkDeliver is the whole engine per delivery — fetch, schedule,
// load, sign, send, record, complete — to one fast endpoint: allocations
// per delivery are the GC's share of a busy process's CPU.
func BenchmarkDeliver(b *testing.B) {
	e := setupEngine(b).start(b)
	rcv := deliverytest.NewReceiver(b)
	rcv.Respond(func(w http.ResponseWriter, _ *http.Request, _ int) { w.WriteHeader(http.StatusNoContent) })
	e.webhook(b, rcv.URL)
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; {
		n := min(b.N-done, delivery.MaxBatch)
		reqs := make([]delivery.EmitRequest, n)
		for i := range reqs {
			reqs[i] = delivery.EmitRequest{Type: "comment.created", Data: []byte(`{"id":1,"text":"hello"}`)}
		}
		if _, err := e.dispatcher.Emit(e.ctx, reqs); err != nil {
			b.Fatal(err)
		}
		done += n
	}
	deadline := time.Now().Add(2 * time.Minute)
	for rcv.Count() < b.N {
		if time.Now().After(deadline) {
			b.Fatalf("delivered %d of %d", rcv.Count(), b.N)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
