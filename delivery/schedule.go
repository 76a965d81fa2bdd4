package delivery

import (
	"math"
	"time"
)

// RetryDelay is the default wait after failed attempt k (1-based):
// base × 5^(k−1).
func RetryDelay(base time.Duration, k int) time.Duration {
	if k < 1 {
		k = 1
	}
	d := float64(base) * math.Pow(5, float64(k-1))
	if d > float64(math.MaxInt64) {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(d)
}

// retryAfterFloor is the least cap on a Retry-After: a receiver may always
// ask for up to an hour, however short the schedule.
const retryAfterFloor = time.Hour

// retrySchedule is a webhook's waits between attempts: its own schedule in
// seconds, used exactly as given, or else the default's first count steps,
// which follow base.
type retrySchedule struct {
	base     time.Duration
	count    int
	schedule []int
}

// gap is the schedule's wait after failed attempt k (1-based).
func (s retrySchedule) gap(k int) time.Duration {
	if s.schedule == nil {
		return RetryDelay(s.base, k)
	}
	k = min(max(k, 1), len(s.schedule))
	return time.Duration(s.schedule[k-1]) * time.Second
}

// longest is the schedule's longest wait.
func (s retrySchedule) longest() time.Duration {
	if s.schedule == nil {
		return RetryDelay(s.base, s.count) // the default only grows
	}
	var d time.Duration
	for k := range s.schedule {
		d = max(d, s.gap(k+1))
	}
	return d
}

// next is when attempt k+1 is due after attempt k failed. A receiver's
// Retry-After (on 429 and 503) can only push it later, never earlier: the
// wait is the longer of the two, the Retry-After capped at the schedule's
// longest wait or an hour, whichever is more.
func (s retrySchedule) next(k int, retryAfter *time.Duration) time.Duration {
	d := s.gap(k)
	if retryAfter != nil {
		d = max(d, min(*retryAfter, max(s.longest(), retryAfterFloor)))
	}
	return d
}
