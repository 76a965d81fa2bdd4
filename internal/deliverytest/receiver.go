// Package deliverytest provides a webhook receiver for tests: it records
// every request hookd sends and answers as the test tells it to.
package deliverytest

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Received is one request as the receiver saw it.
type Received struct {
	At     time.Time
	Header http.Header
	Body   []byte
}

// Responder decides the answer to a request; n counts requests from 1.
type Responder func(w http.ResponseWriter, r *http.Request, n int)

// Receiver is a loopback HTTP server recording what it receives.
type Receiver struct {
	URL string

	mu          sync.Mutex
	received    []Received
	inFlight    int
	maxInFlight int
	respond     Responder
	arrived     chan struct{}
	server      *httptest.Server
}

// NewReceiver starts a receiver answering 200 until told otherwise.
func NewReceiver(tb testing.TB) *Receiver {
	tb.Helper()
	r := &Receiver{arrived: make(chan struct{}, 1<<16), respond: Status(http.StatusOK)}
	r.server = httptest.NewServer(http.HandlerFunc(r.serve))
	r.URL = r.server.URL + "/hook"
	tb.Cleanup(r.Close)
	return r
}

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.received = append(r.received, Received{At: time.Now(), Header: req.Header.Clone(), Body: body})
	n := len(r.received)
	respond := r.respond
	r.inFlight++
	r.maxInFlight = max(r.maxInFlight, r.inFlight)
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.inFlight--
		r.mu.Unlock()
	}()
	select {
	case r.arrived <- struct{}{}:
	default:
	}
	respond(w, req, n)
}

// MaxInFlight is the most requests the receiver was answering at once.
func (r *Receiver) MaxInFlight() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.maxInFlight
}

// Respond changes how the receiver answers from now on.
func (r *Receiver) Respond(fn Responder) {
	r.mu.Lock()
	r.respond = fn
	r.mu.Unlock()
}

// Received returns a copy of every request so far.
func (r *Receiver) Received() []Received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Received(nil), r.received...)
}

// Count returns how many requests arrived.
func (r *Receiver) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.received)
}

// WaitFor waits until at least n requests arrived, failing the test after
// timeout.
func (r *Receiver) WaitFor(tb testing.TB, n int, timeout time.Duration) []Received {
	tb.Helper()
	deadline := time.After(timeout)
	for {
		if got := r.Received(); len(got) >= n {
			return got
		}
		select {
		case <-r.arrived:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			tb.Fatalf("receiver: got %d requests, want %d within %s", r.Count(), n, timeout)
		}
	}
}

// Close stops the receiver, dropping connections held open by Hang.
func (r *Receiver) Close() {
	r.server.CloseClientConnections()
	r.server.Close()
}

// Status answers with code and a short body.
func Status(code int) Responder {
	return func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.WriteHeader(code)
		_, _ = io.WriteString(w, http.StatusText(code))
	}
}

// WithHeader answers with code after setting a header.
func WithHeader(code int, name, value string) Responder {
	return func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set(name, value)
		w.WriteHeader(code)
	}
}

// Hang never answers; the request ends when the client gives up.
func Hang() Responder {
	return func(_ http.ResponseWriter, r *http.Request, _ int) { <-r.Context().Done() }
}

// Drop closes the connection without an answer.
func Drop() Responder {
	return func(w http.ResponseWriter, _ *http.Request, _ int) {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.(*net.TCPConn).SetLinger(0) // a reset, not a clean close
				_ = conn.Close()
			}
		}
	}
}

// Sequence answers the n-th request with responders[n-1], and later ones
// with the last.
func Sequence(responders ...Responder) Responder {
	return func(w http.ResponseWriter, r *http.Request, n int) {
		i := min(n, len(responders)) - 1
		responders[i](w, r, n)
	}
}
