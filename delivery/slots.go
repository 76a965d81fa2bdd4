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

// Snooze backs off from 100 ms to 2 s as a job keeps finding its webhook
// busy: a briefly busy endpoint costs little latency, a hanging one little
// database work.
const (
	minBusySnooze = 100 * time.Millisecond
	maxBusySnooze = 2 * time.Second
)

// busySnooze returns how long a job that found its webhook busy waits,
// given the job's River metadata (which counts its snoozes).
func busySnooze(metadata []byte) time.Duration {
	var m struct {
		Snoozes int `json:"snoozes"`
	}
	_ = json.Unmarshal(metadata, &m)
	d := minBusySnooze << min(m.Snoozes, 5)
	d = min(d, maxBusySnooze)
	// Jitter spreads the retries of a burst.
	return d/2 + rand.N(d/2+1)
}
