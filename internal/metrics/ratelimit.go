package metrics

import "github.com/prometheus/client_golang/prometheus"

// RateLimited counts delivery jobs made to wait for their webhook's
// rate_limit: each is snoozed until its slot, using up no attempt.
var RateLimited = prometheus.NewCounter(prometheus.CounterOpts{
	Name: "hookd_rate_limited_total",
	Help: "Delivery jobs snoozed until their webhook's rate limit has a slot for them (no attempt used).",
})

func init() { Registry.MustRegister(RateLimited) }
