package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"
)

// behaviour is how the receiver answers one request.
type behaviour int

const (
	answerOK    behaviour = iota // 200, after the plan's delay
	answer500                    // 500 at once
	answerHang                   // nothing until well past hookd's timeout
	answerReset                  // the connection is reset
	answerSlow                   // 200 after a slow but timely wait
)

func (b behaviour) String() string {
	return [...]string{"ok", "500", "hang", "reset", "slow"}[b]
}

// succeeds reports whether hookd should count the answer as delivered.
func (b behaviour) succeeds() bool { return b == answerOK || b == answerSlow }

// plan is the receiver's answer to one (delivery, attempt).
type plan struct {
	what  behaviour
	delay time.Duration
}

// planner chooses the answer for a request. It must be a pure function of
// its arguments, so a run can be replayed and the expected outcome of every
// delivery computed afterwards.
type planner func(deliveryID int64, attempt int) plan

// rngFor is a generator keyed by (seed, delivery, attempt).
func rngFor(seed uint64, deliveryID int64, attempt int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, uint64(deliveryID)<<16|uint64(attempt)))
}

// plainPlanner answers 200 after a delay drawn from [lo, hi].
func plainPlanner(seed uint64, lo, hi time.Duration) planner {
	return func(d int64, n int) plan {
		r := rngFor(seed, d, n)
		return plan{what: answerOK, delay: lo + time.Duration(r.Int64N(int64(hi-lo)+1))}
	}
}

// chaosHang is how long a hanging answer waits: well past hookd's delivery
// timeout (1 s).
const chaosHang = 2 * time.Second

// chaosPlanner misbehaves on a third of requests: an even share of 500,
// hang, reset and slow (300–700 ms, within the timeout, so a success).
func chaosPlanner(seed uint64) planner {
	return func(d int64, n int) plan {
		r := rngFor(seed, d, n)
		if r.IntN(3) != 0 {
			return plan{what: answerOK}
		}
		switch r.IntN(4) {
		case 0:
			return plan{what: answer500}
		case 1:
			return plan{what: answerHang, delay: chaosHang}
		case 2:
			return plan{what: answerReset}
		default:
			return plan{what: answerSlow, delay: 300*time.Millisecond + time.Duration(r.Int64N(int64(400*time.Millisecond)))}
		}
	}
}

// hit is one request the receiver saw.
type hit struct {
	Seq        int
	Path       string
	DeliveryID int64
	Attempt    int
	EventID    string
	Arrived    time.Time
	Plan       behaviour
	// Delay is how long the plan waited before answering.
	Delay time.Duration
	// Tag is the event's data.chaos_tag, when it has one.
	Tag string
	// Status is what hookd could have read: 0 when it hung up first (a
	// hang) or the connection was reset.
	Status   int
	Answered time.Time
}

// ok reports a 2xx answer.
func (h hit) ok() bool { return h.Status >= 200 && h.Status <= 299 }

// receiver is the webhook endpoint: an HTTP server in this process that
// logs every request and answers by its planner.
type receiver struct {
	url  string
	srv  *http.Server
	plan planner

	mu   sync.Mutex
	hits []hit
	bad  []string // requests without the Hookd-* headers
}

// newReceiver starts a receiver on 127.0.0.1.
func newReceiver(p planner) (*receiver, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &receiver{url: "http://" + l.Addr().String(), plan: p}
	r.srv = &http.Server{Handler: http.HandlerFunc(r.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = r.srv.Serve(l) }()
	return r, nil
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	arrived := time.Now()
	body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	d, errD := strconv.ParseInt(req.Header.Get("Hookd-Delivery-Id"), 10, 64)
	n, errN := strconv.Atoi(req.Header.Get("Hookd-Attempt"))
	if errD != nil || errN != nil {
		r.mu.Lock()
		r.bad = append(r.bad, fmt.Sprintf("%s %s without Hookd-Delivery-Id/Hookd-Attempt", req.Method, req.URL.Path))
		r.mu.Unlock()
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	pl := r.plan(d, n)
	r.mu.Unlock()
	h := hit{Path: req.URL.Path, DeliveryID: d, Attempt: n, EventID: req.Header.Get("Hookd-Event-Id"), Arrived: arrived, Plan: pl.what,
		Delay: pl.delay, Tag: tagOf(body)}

	switch pl.what {
	case answer500:
		w.WriteHeader(http.StatusInternalServerError)
		h.Status = http.StatusInternalServerError
	case answerReset:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				if tc, ok := conn.(*net.TCPConn); ok {
					_ = tc.SetLinger(0) // close sends RST, not FIN
				}
				_ = conn.Close()
			}
		}
	default: // ok, slow, hang: wait, then 200 if hookd still listens
		if wait(req.Context(), pl.delay) {
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, "ok")
			h.Status = http.StatusOK
		}
	}
	h.Answered = time.Now()
	r.mu.Lock()
	h.Seq = len(r.hits)
	r.hits = append(r.hits, h)
	r.mu.Unlock()
}

// tagOf reads data.chaos_tag from an envelope; most bodies have none and
// are not parsed.
func tagOf(body []byte) string {
	if !bytes.Contains(body, []byte(`"chaos_tag"`)) {
		return ""
	}
	var env struct {
		Data struct {
			Tag string `json:"chaos_tag"`
		} `json:"data"`
	}
	_ = json.Unmarshal(body, &env)
	return env.Data.Tag
}

// wait sleeps for d unless ctx ends first; it reports whether it slept
// through.
func wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// snapshot returns the requests seen so far, in arrival order.
func (r *receiver) snapshot() []hit {
	r.mu.Lock()
	out := append([]hit(nil), r.hits...)
	r.mu.Unlock()
	sort.SliceStable(out, func(i, j int) bool { return out[i].Arrived.Before(out[j].Arrived) })
	return out
}

// count is how many requests it has seen.
func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.hits)
}

// malformed lists requests that lacked hookd's headers.
func (r *receiver) malformed() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.bad...)
}

// close stops the server, cutting off hanging handlers.
func (r *receiver) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := r.srv.Shutdown(ctx); err != nil {
		_ = r.srv.Close()
	}
}

// pathFor is the receiver path of webhook i.
func pathFor(i int) string { return "/hook/" + strconv.Itoa(i) }
