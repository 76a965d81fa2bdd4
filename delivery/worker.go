package delivery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/metrics"
	"github.com/hookd/hookd/internal/startstop"
	"github.com/hookd/hookd/store"
)

// Worker makes delivery attempts: River hands it a job, it sends one
// signed request, records the attempt, and either ends the delivery or
// returns an error so River retries it when the schedule says.
type Worker struct {
	river.WorkerDefaults[DeliverArgs]

	pool   *pgxpool.Pool
	store  *store.Store
	sender *Sender
	cfg    Config
	logger *slog.Logger

	sched    *scheduler
	bodies   *bodies
	loader   *coalescer[int64, *store.AttemptTarget]
	recorder *coalescer[store.AttemptResult, struct{}]
	river    *river.Client[pgx.Tx]
	// dispatcher emits operational events; set once both exist.
	dispatcher *Dispatcher

	// retryAt carries the due time of the next attempt from Work to
	// NextRetry, which River calls right after Work returns an error —
	// unless the job is at River's last attempt, when River discards it
	// without asking; Work snoozes such a job instead, so every entry
	// written is taken by NextRetry and none is left behind.
	retryAt sync.Map // job id → time.Time
}

// newWorker returns a delivery worker.
func newWorker(pool *pgxpool.Pool, st *store.Store, sender *Sender, cfg Config, logger *slog.Logger) *Worker {
	w := &Worker{pool: pool, store: st, sender: sender, cfg: cfg, logger: logger,
		sched:  newObservedScheduler(cfg.Workers, cfg.WebhookConcurrency, cfg.TenantConcurrency, maxWait),
		loader: newLoader(pool, st),
		bodies: &bodies{store: st, types: &eventTypes{store: st}}}
	w.recorder = newRecorder(pool, st, w.queue, w.emit)
	return w
}

// queue inserts the jobs of deliveries released in tx (the next of an
// ordering key, when the one before finished), with the engine's River
// client, set once both exist.
func (w *Worker) queue(ctx context.Context, tx pgx.Tx, ds []*domain.Delivery) error {
	return insertJobs(ctx, w.river, tx, ds)
}

// emit emits the operational events an attempt's recording calls for, in
// its transaction.
func (w *Worker) emit(ctx context.Context, tx pgx.Tx, events []store.OperationalEvent) error {
	return w.dispatcher.emitOperational(ctx, tx, events)
}

// services are the worker's background parts, started and stopped with it.
func (w *Worker) services() []startstop.Service {
	return []startstop.Service{w.loader, w.recorder}
}

// Timeout covers the wait for a send slot and the attempt, which ends by
// its own deadline, so an attempt is always recorded.
func (w *Worker) Timeout(*river.Job[DeliverArgs]) time.Duration { return w.cfg.jobTimeout() }

// NextRetry is the schedule's due time, computed by Work for this job.
func (w *Worker) NextRetry(job *river.Job[DeliverArgs]) time.Time {
	if t, ok := w.retryAt.LoadAndDelete(job.ID); ok {
		return t.(time.Time)
	}
	// No attempt was recorded: the job was rescued from a process that
	// died mid-attempt (or panicked). Its attempt is due now.
	return time.Now()
}

// retryLater postpones a job whose attempt could not be read or recorded.
// A snooze does not use up one of River's attempts, so an outage cannot
// exhaust a job and strand its delivery. Any other error (a secret that
// cannot be opened, say) is postponed too, longer and logged as an error:
// giving up would strand the delivery as pending for good.
func (w *Worker) retryLater(ctx context.Context, job *river.Job[DeliverArgs], err error) error {
	if ctx.Err() != nil { // the process is stopping: hand the job back quietly
		metrics.Snoozes.WithLabelValues(metrics.SnoozeStopping).Inc()
		return river.JobSnooze(time.Second)
	}
	metrics.Snoozes.WithLabelValues(metrics.SnoozeDatabase).Inc()
	if errors.Is(err, domain.ErrUnavailable) {
		w.logger.WarnContext(ctx, "delivery postponed: database unavailable",
			slog.Int64("delivery_id", job.Args.DeliveryID), slog.String("error", err.Error()))
		return river.JobSnooze(backoff(job.Metadata, time.Second, 10*time.Second))
	}
	w.logger.ErrorContext(ctx, "delivery postponed: internal error",
		slog.Int64("delivery_id", job.Args.DeliveryID), slog.String("error", err.Error()))
	return river.JobSnooze(backoff(job.Metadata, 10*time.Second, 5*time.Minute))
}

// attemptError is what Work returns to have River retry: its text is the
// readable cause, which holds no credentials.
type attemptError struct {
	number int
	cause  string
}

func (e *attemptError) Error() string { return fmt.Sprintf("attempt %d failed: %s", e.number, e.cause) }

// Work makes one attempt of a delivery.
func (w *Worker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	slot, wait, err := w.sched.acquire(ctx, job.Args.WebhookID, job.Args.Tenant)
	if err != nil {
		// The endpoint (or tenant) is saturated, or the process is
		// stopping: back to Postgres, using up no attempt.
		reason := metrics.SnoozeSaturated
		if ctx.Err() != nil {
			reason = metrics.SnoozeStopping
		}
		metrics.Snoozes.WithLabelValues(reason).Inc()
		return river.JobSnooze(wait)
	}
	var outcome *attemptOutcome // nil: nothing was sent, nothing learnt
	defer func() { slot.release(outcome) }()

	t, err := w.loader.do(ctx, job.Args.DeliveryID)
	if errors.Is(err, store.ErrTargetGone) {
		return nil
	}
	if err != nil {
		return w.retryLater(ctx, job, err)
	}
	// A finished delivery, or a job left over from an earlier cycle (rescued
	// after a crash), or one still held behind an earlier delivery of its
	// ordering key (releasing it queues a job of its own): nothing to send.
	if t.Status != domain.DeliveryPending || t.Cycle != job.Args.Cycle || t.Held {
		return nil
	}
	if t.WebhookDeleted || t.Webhook.Status != domain.WebhookActive {
		reason := "Cancelled: the webhook is inactive."
		if t.WebhookDeleted {
			reason = "Cancelled: the webhook was deleted."
		}
		if err := w.store.CancelDelivery(ctx, w.pool, t.DeliveryID, reason, t.OrderingKey != nil, w.queue); err != nil {
			return w.retryLater(ctx, job, err)
		}
		metrics.Attempts.WithLabelValues(metrics.OutcomeCancelled).Inc()
		return nil
	}

	if t.Webhook.RateLimit != nil {
		wait, err := w.rateWait(ctx, job, t)
		if err != nil {
			return w.retryLater(ctx, job, err)
		}
		if wait > 0 {
			// Waiting for the limit is no attempt and no failure, and
			// holds no worker.
			metrics.RateLimited.Inc()
			return river.JobSnooze(wait)
		}
	}
	if t.Body == nil { // the webhook's format has no body for this event yet
		if t.Body, err = w.bodies.ensure(ctx, w.pool, domain.EventKey{Tenant: t.Webhook.Tenant, ID: t.EventID}, t.Webhook.Format); err != nil {
			return w.retryLater(ctx, job, err)
		}
	}
	number := t.Attempts + 1
	req := w.cfg.buildRequest(t.Webhook, attemptInfo{EventID: t.EventID, EventType: t.EventType, DeliveryID: t.DeliveryID, Number: number,
		OrderingKey: t.OrderingKey, OrderingSeq: t.OrderingSeq}, t.Body, time.Now())
	res := w.sender.Send(ctx, Request{URL: t.Webhook.URL, Body: t.Body, Header: req.header})
	outcome = &attemptOutcome{Duration: res.Duration, Status: res.StatusCode, ErrorKind: res.ErrorKind}
	result := store.AttemptResult{
		Attempt:      attemptRecord(t.DeliveryID, t.Webhook.ID, t.Cycle, number, req, res),
		Cause:        res.Cause,
		DisableAfter: w.cfg.DisableAfter,
		Ordered:      t.OrderingKey != nil,
	}

	// The outcome must be recorded even if the job's context ends now.
	recordCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	var due time.Time
	switch {
	case res.Success:
		result.Status = domain.DeliverySucceeded
	case res.StatusCode == http.StatusGone:
		result.Status, result.Gone = domain.DeliveryFailed, true
	default:
		retryCount, schedule, err := w.store.WebhookRetryPolicy(recordCtx, w.pool, t.Webhook.ID)
		if err != nil {
			// The attempt was made but cannot be recorded; it will be made
			// again (at-least-once).
			return w.retryLater(ctx, job, err)
		}
		if number > retryCount {
			result.Status = domain.DeliveryFailed
			break
		}
		result.Status = domain.DeliveryPending
		policy := retrySchedule{base: w.cfg.RetryBase, count: retryCount, schedule: schedule}
		due = time.Now().Add(policy.next(number, res.RetryAfter))
		result.NextAttemptAt = &due
	}
	if _, err := w.recorder.do(recordCtx, result); err != nil {
		return w.retryLater(ctx, job, err)
	}
	observeAttempt(result.Status, res.Duration, t)
	if result.Status != domain.DeliveryPending {
		return nil
	}
	if job.Attempt >= job.MaxAttempts {
		// River would discard the job and strand a delivery hookd still
		// retries; a snooze uses up no River attempt.
		return river.JobSnooze(max(time.Until(due), 0))
	}
	w.retryAt.Store(job.ID, due)
	return &attemptError{number: number, cause: res.Cause}
}

// observeAttempt records a recorded attempt in the metrics.
func observeAttempt(status string, d time.Duration, t *store.AttemptTarget) {
	metrics.AttemptDuration.Observe(d.Seconds())
	switch status {
	case domain.DeliverySucceeded:
		metrics.Attempts.WithLabelValues(metrics.OutcomeSucceeded).Inc()
		if t.Cycle == 1 { // a redelivery's lag would measure the admin, not hookd
			metrics.DeliveryLag.Observe(time.Since(t.EventCreatedAt).Seconds())
		}
	case domain.DeliveryFailed:
		metrics.Attempts.WithLabelValues(metrics.OutcomeFailed).Inc()
	default:
		metrics.Attempts.WithLabelValues(metrics.OutcomeRetried).Inc()
	}
}

// attemptRecord turns a sent request and its result into what is stored.
func attemptRecord(deliveryID, webhookID int64, cycle, number int, req outgoing, res Result) domain.Attempt {
	a := domain.Attempt{
		DeliveryID:      deliveryID,
		WebhookID:       webhookID,
		Cycle:           cycle,
		Number:          number,
		Method:          req.method,
		URL:             req.url,
		Format:          req.format,
		StartedAt:       req.sentAt,
		DurationMS:      int(res.Duration.Milliseconds()),
		RequestHeaders:  req.recorded,
		ResponseHeaders: req.redact.responseHeaders(recordResponseHeaders(res.Header)),
		ResponseBody:    req.redact.excerpt(res.Body),
		Success:         res.Success,
	}
	if res.StatusCode != 0 {
		code := res.StatusCode
		a.StatusCode = &code
	}
	if res.Cause != "" {
		cause, kind := res.Cause, res.ErrorKind
		a.Error, a.ErrorKind = &cause, &kind
	}
	return a
}
