package delivery

import (
	"math"
	"time"
)

// RetryDelay is the wait after failed attempt k (1-based): base × 5^(k−1).
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

// nextAttemptDelay returns when attempt k+1 is due after attempt k failed,
// for a webhook allowing retryCount retries. A Retry-After from the endpoint
// replaces the schedule's delay but never reaches past the longest delay the
// schedule allows.
func nextAttemptDelay(base time.Duration, k, retryCount int, retryAfter *time.Duration) time.Duration {
	d := RetryDelay(base, k)
	if retryAfter != nil {
		d = min(max(*retryAfter, 0), RetryDelay(base, retryCount))
	}
	return d
}
