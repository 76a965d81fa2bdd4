// Package delivery turns events into signed HTTP requests: it fans an event
// out to its subscribers, queues one River job per delivery, sends each
// attempt, and retries on the seed's schedule until a 2xx or the last
// attempt.
//
// It is hookd's implementation, not an API: Go programs use the root
// package hookd, which wires this one. Its files, in the order an event
// travels through them:
//
// Intake (runs in every process, API-only ones included):
//   - engine.go: Engine, the one constructor that wires everything below.
//   - dispatch.go, emit_batch.go: Dispatcher accepts events (one transaction
//     per batch of single emits), fans them out, queues their jobs;
//     redeliver and recover start new cycles.
//   - payload.go: the envelope stored once per event.
//   - testfire.go: a test event sent at once, outside the queue.
//
// Engine (runs in processes that Start it):
//   - args.go, river.go: the job and the River client that works them.
//   - scheduler.go, aimd.go: when a fetched job may send — its endpoint's
//     adaptive limit, its tenant's fair share, waiting in memory rather
//     than snoozing (see scheduler.md).
//   - worker.go: Worker makes one attempt per job; recorder.go batches its
//     reads and writes through coalesce.go; backoff.go spaces postponements.
//   - request.go, signature.go: the request's headers and signature.
//   - sender.go, guard.go, cause.go: the HTTP exchange, the SSRF guard on
//     the dialled address, and the readable cause (with its kind) of a
//     failure.
//   - schedule.go, retryafter.go: when the next attempt is due.
//   - rescuer.go: heartbeats, and jobs of dead processes handed back.
//   - retention.go: the periodic job deleting expired history.
package delivery
