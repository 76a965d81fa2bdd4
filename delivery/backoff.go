package delivery

import (
	"encoding/json"
	"math/rand/v2"
	"time"
)

// backoff is how long a job snoozes, doubling from lo to hi with each snooze
// River has counted in its metadata: a briefly unavailable database costs
// little latency, a long outage little work.
func backoff(metadata []byte, lo, hi time.Duration) time.Duration {
	var m struct {
		Snoozes int `json:"snoozes"`
	}
	_ = json.Unmarshal(metadata, &m)
	d := min(lo<<min(m.Snoozes, 10), hi)
	// Jitter spreads the retries of a burst.
	return d/2 + rand.N(d/2+1)
}
