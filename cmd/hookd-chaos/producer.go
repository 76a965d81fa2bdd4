package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// load is how a producer emits.
type load struct {
	// Events is how many to emit; 0 emits until stopped.
	Events int
	// Batch is events per request; every fifth request sends one event
	// through POST /v2/events instead.
	Batch int
	// Workers emit concurrently.
	Workers int
	// Pause is each worker's wait between requests, to set a pace.
	Pause time.Duration
}

// producer emits events with ids of its own choosing and retries every
// request that got no 202 (a transport error, a 503) with the same ids:
// hookd replays a known id, so a retry cannot make a second event.
// "Accepted" is exactly the ids that got a 202 at least once.
type producer struct {
	prefix string
	api    *apiClient
	apis   func() []string // the API addresses to use now
	want   int             // deliveries hookd should report per event

	next    atomic.Int64
	stopped atomic.Bool
	wg      sync.WaitGroup
	ctx     context.Context
	cancel  context.CancelFunc

	mu       sync.Mutex
	accepted map[string]time.Time // id → first 202
	stats    producerStats
}

// producerStats counts what the producer met.
type producerStats struct {
	Requests      int
	Accepted202   int
	Replayed      int
	Unavailable   int // 503 in the error format with Retry-After
	Bad503        int // 503 without Retry-After or out of format
	TransportErrs int
	Unexpected    int // anything else: 4xx, 500...
	Examples      []string
	// WrongFanout counts 202 answers whose "deliveries" is not the number
	// of subscribed webhooks.
	WrongFanout int
}

func newProducer(prefix string, api *apiClient, apis func() []string, want int) *producer {
	ctx, cancel := context.WithCancel(context.Background())
	return &producer{prefix: prefix, api: api, apis: apis, want: want, accepted: map[string]time.Time{}, ctx: ctx, cancel: cancel}
}

// start runs l in the background until it is done or stop is called.
// Event numbers continue from earlier loads: l.Events is where this one
// ends, counting those.
func (p *producer) start(l load) {
	ctx := p.ctx
	p.stopped.Store(false)
	for w := 0; w < l.Workers; w++ {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			for req := 0; !p.stopped.Load(); req++ {
				size := l.Batch
				if req%5 == 4 {
					size = 1
				}
				first, last, ok := p.claim(size, l.Events)
				if !ok {
					return
				}
				ids := make([]string, 0, last-first)
				for n := first; n < last; n++ {
					ids = append(ids, fmt.Sprintf("%s-%06d", p.prefix, n))
				}
				p.emit(ctx, ids)
				if l.Pause > 0 && !wait(ctx, l.Pause) {
					return
				}
			}
		}()
	}
}

// claim takes the next size event numbers, stopping at limit (0: none).
func (p *producer) claim(size, limit int) (first, last int64, ok bool) {
	for {
		first = p.next.Load()
		last = first + int64(size)
		if limit > 0 {
			last = min(last, int64(limit))
		}
		if last <= first {
			return 0, 0, false
		}
		if p.next.CompareAndSwap(first, last) {
			return first, last, true
		}
	}
}

// wait waits up to d for every worker to finish; it reports whether they
// did.
func (p *producer) wait(d time.Duration) bool {
	ch := make(chan struct{})
	go func() { p.wg.Wait(); close(ch) }()
	select {
	case <-ch:
		return true
	case <-time.After(d):
		return false
	}
}

// stop takes no new ids and lets requests in progress be retried until
// accepted for up to grace; then gives up on them.
func (p *producer) stop(grace time.Duration) {
	p.stopped.Store(true)
	if !p.wait(grace) {
		p.cancel()
		p.wait(time.Minute)
	}
	p.cancel()
}

// emit sends ids until they get a 202 or ctx ends.
func (p *producer) emit(ctx context.Context, ids []string) {
	events := make([]map[string]any, len(ids))
	for i, id := range ids {
		events[i] = map[string]any{"id": id, "type": chaosEventType, "data": map[string]any{"seq": id, "source": "chaos"}}
	}
	for try := 0; ctx.Err() == nil; try++ {
		apis := p.apis()
		if len(apis) == 0 {
			wait(ctx, 100*time.Millisecond)
			continue
		}
		base := apis[rand.IntN(len(apis))]
		var res *response
		var err error
		if len(ids) == 1 {
			res, err = p.api.do(ctx, base, http.MethodPost, "/v2/events", events[0])
		} else {
			res, err = p.api.do(ctx, base, http.MethodPost, "/v2/events/batch", map[string]any{"events": events})
		}
		if ctx.Err() != nil {
			return
		}
		if p.record(ids, res, err) {
			return
		}
		wait(ctx, backoffFor(try))
	}
}

// backoffFor grows from 50 ms to 1 s.
func backoffFor(try int) time.Duration {
	return min(50*time.Millisecond<<min(try, 5), time.Second)
}

// record books one answer and reports whether ids are accepted.
func (p *producer) record(ids []string, res *response, err error) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stats.Requests++
	if err != nil {
		p.stats.TransportErrs++
		return false
	}
	switch res.Status {
	case http.StatusAccepted:
		p.stats.Accepted202++
		if res.Header.Get("Idempotent-Replayed") == "true" {
			p.stats.Replayed++
		}
		now := time.Now()
		for _, e := range p.emitted(ids, res.Body) {
			if _, ok := p.accepted[e.ID]; !ok {
				p.accepted[e.ID] = now
			}
			if e.Deliveries != p.want {
				p.stats.WrongFanout++
				p.example(fmt.Sprintf("event %s: 202 says %d deliveries, want %d", e.ID, e.Deliveries, p.want))
			}
		}
		return true
	case http.StatusServiceUnavailable:
		if errorShape(res.Body, "service_unavailable", 503) == nil && retryAfterOK(res.Header) {
			p.stats.Unavailable++
		} else {
			p.stats.Bad503++
			p.example(fmt.Sprintf("503 out of format (Retry-After %q): %s", res.Header.Get("Retry-After"), truncate(string(res.Body), 160)))
		}
		return false
	default:
		p.stats.Unexpected++
		p.example(fmt.Sprintf("HTTP %d: %s", res.Status, truncate(string(res.Body), 200)))
		return false
	}
}

func (p *producer) example(s string) {
	if len(p.stats.Examples) < 5 {
		p.stats.Examples = append(p.stats.Examples, s)
	}
}

type emittedEvent struct {
	ID         string `json:"id"`
	Deliveries int    `json:"deliveries"`
}

// emitted reads the events a 202 names: one object, or {"events": [...]}.
func (p *producer) emitted(ids []string, body []byte) []emittedEvent {
	var batch struct {
		Events []emittedEvent `json:"events"`
	}
	if len(ids) > 1 {
		if err := json.Unmarshal(body, &batch); err == nil && len(batch.Events) == len(ids) {
			return batch.Events
		}
	} else {
		var one emittedEvent
		if err := json.Unmarshal(body, &one); err == nil && one.ID == ids[0] {
			return []emittedEvent{one}
		}
	}
	// An unreadable 202 still means accepted; the fan-out is unknown.
	p.example("unreadable 202 body: " + truncate(string(body), 120))
	out := make([]emittedEvent, len(ids))
	for i, id := range ids {
		out[i] = emittedEvent{ID: id, Deliveries: -1}
	}
	return out
}

// markAccepted books an id accepted by a request made elsewhere (a probe).
func (p *producer) markAccepted(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.accepted[id]; !ok {
		p.accepted[id] = time.Now()
	}
}

// acceptedIDs returns the accepted ids and when each was first accepted.
func (p *producer) acceptedIDs() map[string]time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]time.Time, len(p.accepted))
	for k, v := range p.accepted {
		out[k] = v
	}
	return out
}

// acceptedCount is how many ids got a 202 so far.
func (p *producer) acceptedCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.accepted)
}

// statsNow returns a copy of the counters.
func (p *producer) statsNow() producerStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stats
	s.Examples = append([]string(nil), s.Examples...)
	return s
}
