package main

import (
	"math"
	"slices"
	"time"
)

// latencies summarises durations.
type latencies struct {
	N                       int
	Min, P50, P95, P99, Max time.Duration
}

func summarize(d []time.Duration) latencies {
	if len(d) == 0 {
		return latencies{}
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return latencies{N: len(s), Min: s[0], P50: quantile(s, 0.50), P95: quantile(s, 0.95), P99: quantile(s, 0.99), Max: s[len(s)-1]}
}

// quantile is the nearest-rank quantile q of sorted s.
func quantile(s []time.Duration, q float64) time.Duration {
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// firstArrivals keeps, per delivery id, the earliest arrival answered 200,
// and counts the extra ones (a delivery sent twice).
func firstArrivals(all []arrival) (first map[int64]arrival, duplicates int) {
	first = make(map[int64]arrival, len(all))
	for _, a := range all {
		if a.Slow {
			continue
		}
		if prev, seen := first[a.DeliveryID]; seen {
			duplicates++
			if a.At >= prev.At {
				continue
			}
		}
		first[a.DeliveryID] = a
	}
	return first, duplicates
}

// rate is n per second over the nanoseconds from..to.
func rate(n int, from, to int64) float64 {
	if to <= from {
		return 0
	}
	return float64(n) / (float64(to-from) / 1e9)
}
