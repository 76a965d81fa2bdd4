package delivery

import (
	"encoding/json"
	"math/rand/v2"
	"sync"
	"time"
)

// webhookSlots bounds each webhook's attempts in flight in this process, so
// one endpoint that hangs until the timeout cannot occupy every worker.
type webhookSlots struct {
	limit int
	mu    sync.Mutex
	used  map[int64]int
}

func newWebhookSlots(limit int) *webhookSlots {
	return &webhookSlots{limit: limit, used: map[int64]int{}}
}

// acquire takes a slot for webhookID if one is free.
func (s *webhookSlots) acquire(webhookID int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.used[webhookID] >= s.limit {
		return false
	}
	s.used[webhookID]++
	return true
}

func (s *webhookSlots) release(webhookID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.used[webhookID] <= 1 {
		delete(s.used, webhookID)
		return
	}
	s.used[webhookID]--
}

// backoff is how long a job snoozes, doubling from lo to hi with each snooze
// River has counted in its metadata: a briefly busy endpoint (or database)
// costs little latency, a hanging one little work.
func backoff(metadata []byte, lo, hi time.Duration) time.Duration {
	var m struct {
		Snoozes int `json:"snoozes"`
	}
	_ = json.Unmarshal(metadata, &m)
	d := min(lo<<min(m.Snoozes, 10), hi)
	// Jitter spreads the retries of a burst.
	return d/2 + rand.N(d/2+1)
}
