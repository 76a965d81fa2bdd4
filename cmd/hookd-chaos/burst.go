package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// burstSize is how many emits a burst sends at once.
const burstSize = 20

// burst is twenty single emits sent at the same moment while the database
// is frozen, each with its own Idempotency-Key and no event id, so only the
// key can keep a retry from making a second event. Each must answer within
// the request timeout (503 with Retry-After in the error format); sent
// again with the same keys after the thaw, each must be accepted, and its
// event delivered exactly once to each webhook.
type burst struct {
	keys []string
	// first: the answers while frozen, one per key.
	first []probe
	// ids: the event each key got after the thaw ("" if none did);
	// replayed: whether that answer was a replay of an earlier commit.
	ids      []string
	replayed []bool
	problems []string
}

func newBurst(name string) *burst {
	b := &burst{first: make([]probe, burstSize), ids: make([]string, burstSize), replayed: make([]bool, burstSize)}
	run := randomHex(4)
	for i := range burstSize {
		b.keys = append(b.keys, fmt.Sprintf("chaos-burst-%s-%s-%02d", name, run, i))
	}
	return b
}

// emit posts key i's event once.
func (b *burst) emit(ctx context.Context, s *stage, api string, i int) (*response, error) {
	body := map[string]any{"type": chaosEventType, "data": map[string]any{"chaos_tag": b.keys[i], "burst": true}}
	return s.api.doWithHeader(ctx, api, http.MethodPost, "/v2/events", body, map[string]string{"Idempotency-Key": b.keys[i]})
}

// fire sends the twenty at once and waits for every answer.
func (b *burst) fire(ctx context.Context, s *stage, api string) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range burstSize {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			sent := time.Now()
			res, err := b.emit(ctx, s, api, i)
			p := probe{Path: "/v2/events", Latency: time.Since(sent), Ended: time.Now()}
			switch {
			case err != nil:
				p.Problem = describeTransport(err)
			case res.Status != http.StatusServiceUnavailable:
				p.Status = res.Status
				p.Problem = fmt.Sprintf("HTTP %d, want 503: %s", res.Status, truncate(string(res.Body), 160))
			case !retryAfterOK(res.Header):
				p.Status = res.Status
				p.Problem = fmt.Sprintf("503 without a Retry-After (%q)", res.Header.Get("Retry-After"))
			default:
				p.Status = res.Status
				if err := errorShape(res.Body, "service_unavailable", 503); err != nil {
					p.Problem = "503 " + err.Error()
				}
			}
			b.first[i] = p
		}()
	}
	close(start)
	wg.Wait()
}

// retry sends the twenty again, at once, each until it is accepted or d
// has passed, and books the events accepted.
func (b *burst) retry(ctx context.Context, s *stage, api string, d time.Duration) {
	var (
		wg sync.WaitGroup
		mu sync.Mutex
	)
	deadline := time.Now().Add(d)
	for i := range burstSize {
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := "no answer"
			for time.Now().Before(deadline) && ctx.Err() == nil {
				res, err := b.emit(ctx, s, api, i)
				switch {
				case err != nil:
					last = describeTransport(err)
				case res.Status == http.StatusAccepted:
					var e emittedEvent
					if err := json.Unmarshal(res.Body, &e); err != nil || e.ID == "" {
						last = "unreadable 202: " + truncate(string(res.Body), 120)
						break
					}
					b.ids[i], b.replayed[i] = e.ID, res.Header.Get("Idempotent-Replayed") == "true"
					s.prod.markAccepted(e.ID)
					return
				default:
					last = fmt.Sprintf("HTTP %d: %s", res.Status, truncate(string(res.Body), 120))
				}
				wait(ctx, 200*time.Millisecond)
			}
			mu.Lock()
			b.problems = append(b.problems, fmt.Sprintf("%s: not accepted within %s (%s)", b.keys[i], d, last))
			mu.Unlock()
		}()
	}
	wg.Wait()
}

// report adds the burst's measures and checks, once every delivery is
// final: hits are every request the receiver saw, paths the receiver
// paths of the scenario's webhooks.
func (b *burst) report(r *result, prefix string, hits []hit, paths []string) {
	var n503 int
	var slowest time.Duration
	var wrong []string
	for i, p := range b.first {
		slowest = max(slowest, p.Latency)
		if p.Problem == "" {
			n503++
		} else {
			wrong = append(wrong, b.keys[i]+": "+p.Problem)
		}
		if p.Latency > requestTimeout+time.Second {
			wrong = append(wrong, fmt.Sprintf("%s: answered after %s", b.keys[i], ms(p.Latency)))
		}
	}
	replays := 0
	for _, r := range b.replayed {
		if r {
			replays++
		}
	}
	r.measure(prefix+"20 emits at once", "with Idempotency-Key, while frozen: %d answered 503 + Retry-After, slowest %s; after the thaw %d accepted (%d replays)",
		n503, ms(slowest), burstSize-len(b.problems), replays)
	r.check(fmt.Sprintf("%s20 concurrent emits each answered 503 + Retry-After in the error format within the request timeout (%s, +1 s)", prefix, requestTimeout),
		len(wrong) == 0, "%s", strings.Join(first(wrong, 5), "; "))
	r.check(prefix+"the same 20, retried with their Idempotency-Keys after the thaw, were accepted",
		len(b.problems) == 0, "%s", strings.Join(first(b.problems, 5), "; "))

	// What the receiver saw of each key's event: one 2xx request per webhook.
	byKey := map[string][]hit{}
	for _, h := range hits {
		if h.Tag != "" {
			byKey[h.Tag] = append(byKey[h.Tag], h)
		}
	}
	var bad []string
	for i, key := range b.keys {
		if problem := exactlyOnce(byKey[key], b.ids[i], paths); problem != "" {
			bad = append(bad, key+": "+problem)
		}
	}
	r.check(prefix+"each of the 20 delivered exactly once to each webhook (receiver counts)", len(bad) == 0,
		"%d of %d wrong: %s", len(bad), burstSize, strings.Join(first(bad, 5), "; "))
}

// exactlyOnce checks the requests of one event: one per path, each
// answered 2xx and naming the event the API reported.
func exactlyOnce(hs []hit, eventID string, paths []string) string {
	perPath := map[string]int{}
	var notes []string
	for _, h := range hs {
		perPath[h.Path]++
		if eventID != "" && h.EventID != eventID {
			notes = append(notes, fmt.Sprintf("a request for event %s, the API answered %s", h.EventID, eventID))
		}
		if !h.ok() {
			notes = append(notes, fmt.Sprintf("%s attempt %d answered %d", h.Path, h.Attempt, h.Status))
		}
	}
	for _, p := range paths {
		if perPath[p] != 1 {
			notes = append(notes, fmt.Sprintf("%d requests to %s", perPath[p], p))
		}
	}
	sort.Strings(notes)
	return strings.Join(notes, ", ")
}

func first(list []string, n int) []string {
	return list[:min(n, len(list))]
}
