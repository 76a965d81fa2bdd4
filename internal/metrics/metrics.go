// Package metrics defines hookd's Prometheus metrics. Every process
// registers them once in Registry; /metrics serves it.
package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Registry holds hookd's metrics and the Go runtime's.
var Registry = prometheus.NewRegistry()

// Attempt outcomes.
const (
	OutcomeSucceeded = "succeeded" // the attempt got a 2xx
	OutcomeRetried   = "retried"   // it failed and another attempt follows
	OutcomeFailed    = "failed"    // it failed and ended the delivery
	OutcomeCancelled = "cancelled" // the webhook was inactive or gone
)

// Why a delivery job was snoozed (handed back to Postgres for later).
const (
	SnoozeSaturated = "saturated" // its endpoint or tenant had no room, nor room to wait
	SnoozeDatabase  = "database"  // its attempt could not be read or recorded
	SnoozeStopping  = "stopping"  // the process was stopping
)

var (
	// Snoozes counts delivery jobs handed back to Postgres to run later,
	// which use up no attempt but cost a write.
	Snoozes = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "hookd_delivery_snoozes_total",
		Help: "Delivery jobs snoozed back to Postgres by reason: saturated (endpoint or tenant had no room), database, stopping.",
	}, []string{"reason"})

	// HeldBack counts delivery jobs queued to run later because their
	// endpoint was stalled with jobs already waiting: a snooze avoided.
	HeldBack = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "hookd_delivery_held_back_total",
		Help: "Delivery jobs queued for later at emit because their endpoint was stalled (one attempt in flight, slow or timing out) with jobs already waiting.",
	})

	// WebhookConcurrency is each endpoint's current limit of attempts in
	// flight in this process, which follows how the endpoint answers.
	WebhookConcurrency = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "hookd_webhook_concurrency_limit",
		Help: "Attempts one webhook may have in flight in this process now: grows while it answers fast and well, halves when it is slow or failing.",
	}, []string{"webhook_id"})

	// Attempts counts delivery attempts by outcome; succeeded, failed and
	// cancelled also count deliveries reaching that final state.
	Attempts = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "hookd_delivery_attempts_total",
		Help: "Delivery attempts by outcome: succeeded, retried, failed (the delivery ended failed), cancelled.",
	}, []string{"outcome"})

	// AttemptDuration is the HTTP exchange of one attempt.
	AttemptDuration = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "hookd_attempt_duration_seconds",
		Help:    "Duration of one delivery attempt's HTTP exchange.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	})

	// DeliveryLag is from an event's acceptance to its successful delivery.
	DeliveryLag = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "hookd_delivery_lag_seconds",
		Help:    "End-to-end lag from event accepted to delivery succeeded.",
		Buckets: []float64{.005, .01, .025, .05, .1, .2, .5, 1, 2.5, 5, 10, 30, 60, 300, 3600},
	})

	// EventsAccepted counts events stored (replays excluded).
	EventsAccepted = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "hookd_events_accepted_total",
		Help: "Events accepted and stored (idempotent replays not counted).",
	})

	// DeliveriesQueued counts deliveries created by fan-out, redelivery and
	// recovery.
	DeliveriesQueued = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "hookd_deliveries_queued_total",
		Help: "Delivery cycles queued: by fan-out, redelivery and recovery.",
	})

	// HTTPRequests counts API requests by route template, method and status.
	HTTPRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "hookd_http_requests_total",
		Help: "HTTP API requests by route, method and status.",
	}, []string{"route", "method", "status"})

	// HTTPDuration times API requests by route.
	HTTPDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "hookd_http_request_duration_seconds",
		Help:    "HTTP API request duration by route.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"route"})

	// ConnectionsRejected counts API connections refused with a 503 because
	// HOOKD_MAX_CONNECTIONS were open.
	ConnectionsRejected = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "hookd_http_connections_rejected_total",
		Help: "API connections answered 503 because the connection limit (HOOKD_MAX_CONNECTIONS) was reached.",
	})
)

func init() {
	Registry.MustRegister(Snoozes, HeldBack, WebhookConcurrency, Attempts, AttemptDuration, DeliveryLag, EventsAccepted, DeliveriesQueued, HTTPRequests, HTTPDuration,
		ConnectionsRejected,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, o := range []string{OutcomeSucceeded, OutcomeRetried, OutcomeFailed, OutcomeCancelled} {
		Attempts.WithLabelValues(o)
	}
	for _, r := range []string{SnoozeSaturated, SnoozeDatabase, SnoozeStopping} {
		Snoozes.WithLabelValues(r)
	}
}
