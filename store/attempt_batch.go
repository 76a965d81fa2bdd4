package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/hookd/hookd/domain"
)

// RecordAttempts stores attempts and their consequences for their
// deliveries and webhooks, atomically: three
// statements in one round trip and one implicit transaction, whatever the
// number of attempts. Attempts of one webhook are folded together, so its
// row is written once per batch.
//
// The operational events those consequences call for (a delivery
// exhausted, a webhook failing, disabled or recovered) go to emit in the
// same transaction; with a nil emit there are none. A batch where no
// delivery failed for good needs no transaction of its own: successes
// change no reported state, unless they end a run of failures, which the
// webhook's row tells and a second, short transaction then reports.
func (s *Store) RecordAttempts(ctx context.Context, db DBTX, results []AttemptResult, queue QueueFunc, emit EmitFunc) error {
	if len(results) == 0 {
		return nil
	}
	n := len(results)
	var (
		deliveryIDs, webhookIDs    = make([]int64, n), make([]int64, n)
		methods, urls              = make([]string, n), make([]*string, n)
		cycles, numbers, durations = make([]int32, n), make([]int32, n), make([]int32, n)
		startedAt                  = make([]time.Time, n)
		reqHeaders, respHeaders    = make([]*string, n), make([]*string, n)
		statusCodes                = make([]*int32, n)
		bodies, errs, lastErrors   = make([]*string, n), make([]*string, n), make([]*string, n)
		errKinds                   = make([]*string, n)
		successes                  = make([]bool, n)
		statuses, formats          = make([]string, n), make([]string, n)
		nextAt, completedAt        = make([]*time.Time, n), make([]*time.Time, n)
		now                        = time.Now()
		webhooks                   = map[int64]*webhookOutcome{}
		ops                        = &opCollector{}
		exhausted                  []int64
	)
	for i, r := range results {
		a := r.Attempt
		deliveryIDs[i], webhookIDs[i], cycles[i], numbers[i] = a.DeliveryID, a.WebhookID, int32(a.Cycle), int32(a.Number)
		startedAt[i], durations[i], reqHeaders[i], respHeaders[i] = a.StartedAt, int32(a.DurationMS), headersJSON(a.RequestHeaders), headersJSON(a.ResponseHeaders)
		methods[i], urls[i] = attemptMethod(a), nullable(a.URL)
		if a.StatusCode != nil {
			code := int32(*a.StatusCode)
			statusCodes[i] = &code
		}
		bodies[i], errs[i], successes[i], statuses[i], nextAt[i] = a.ResponseBody, a.Error, a.Success, r.Status, r.NextAttemptAt
		errKinds[i] = a.ErrorKind
		formats[i] = attemptFormat(a)
		if r.Cause != "" {
			cause := r.Cause
			lastErrors[i] = &cause
		}
		if r.Status != domain.DeliveryPending {
			completedAt[i] = &now
		}
		w := webhooks[a.WebhookID]
		if w == nil {
			w = &webhookOutcome{id: a.WebhookID, disableAfter: r.DisableAfter}
			if emit != nil {
				w.ops = ops
			}
			webhooks[a.WebhookID] = w
		}
		w.add(r)
		if r.Status == domain.DeliveryFailed && !r.Gone {
			exhausted = append(exhausted, a.DeliveryID)
		}
	}

	batch := &pgx.Batch{}
	batch.Queue(`INSERT INTO delivery_attempts (delivery_id, webhook_id, cycle, number, started_at, duration_ms,
			request_headers, status_code, response_headers, response_body, error, error_kind, success, method, url, format)
		SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::int[], $5::timestamptz[], $6::int[],
			$7::text[]::jsonb[], $8::int[], $9::text[]::jsonb[], $10::text[], $11::text[], $12::text[], $13::bool[], $14::text[], $15::text[],
			$16::text[])`,
		deliveryIDs, webhookIDs, cycles, numbers, startedAt, durations, reqHeaders, statusCodes, respHeaders, bodies, errs,
		errKinds, successes, methods, urls, formats)
	// Looks its rows up by id: see customPlan.
	batch.Queue(customPlansInBatch)
	batch.Queue(`UPDATE deliveries d SET status = u.status, attempts = u.number, next_attempt_at = u.next_at,
			last_status_code = u.code, last_error = u.last_error, last_attempt_at = u.started_at,
			completed_at = u.completed_at, updated_at = now()
		FROM unnest($1::bigint[], $2::text[], $3::int[], $4::timestamptz[], $5::int[], $6::text[], $7::timestamptz[], $8::timestamptz[])
			AS u(id, status, number, next_at, code, last_error, started_at, completed_at)
		WHERE d.id = u.id`, deliveryIDs, statuses, numbers, nextAt, statusCodes, lastErrors, startedAt, completedAt)
	// Webhook rows are locked in id order: batches written at once by
	// several flushers would otherwise deadlock on each other.
	ids := make([]int64, 0, len(webhooks))
	for id := range webhooks {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		webhooks[id].queue(batch)
	}
	if emit != nil && len(exhausted) > 0 {
		ops.queueExhausted(batch, exhausted)
	}
	// Ordered deliveries that ended release their successors in the same
	// transaction, and deliveries that failed for good are reported in it:
	// then, and only then, the batch needs one of its own.
	var finishedOrdered []int64
	for _, r := range results {
		if r.Ordered && r.Status != domain.DeliveryPending {
			finishedOrdered = append(finishedOrdered, r.Attempt.DeliveryID)
		}
	}
	send := func() error {
		ops.reset()
		return db.SendBatch(ctx, batch).Close()
	}
	inTx := len(finishedOrdered) > 0 || (emit != nil && hasFailures(webhooks))
	if inTx {
		send = func() error {
			ops.reset()
			return InTx(ctx, db, func(tx pgx.Tx) error {
				if err := tx.SendBatch(ctx, batch).Close(); err != nil {
					return err
				}
				if err := s.reportOperational(ctx, tx, ops, emit); err != nil {
					return err
				}
				return s.releaseAndQueue(ctx, tx, finishedOrdered, queue)
			})
		}
	}
	if err := retryDeadlock(send); err != nil {
		return fmt.Errorf("error recording attempts: %w", translate(err))
	}
	if inTx || !ops.recovering() {
		return nil
	}
	// Successes ended runs of failures: reporting each recovery is its own
	// change of state, in a transaction of its own. The attempts are stored
	// by now; if this fails, the webhook's row still holds the run for the
	// next success to report.
	err := retryDeadlock(func() error {
		return InTx(ctx, db, func(tx pgx.Tx) error { return s.reportOperational(ctx, tx, ops, emit) })
	})
	if err != nil {
		return fmt.Errorf("error reporting recoveries (the attempts are recorded): %w", translate(err))
	}
	return nil
}

// retryDeadlock runs a transaction up to three times: if Postgres picks it
// as a deadlock victim nothing of it was written, and it can go again.
func retryDeadlock(tx func() error) error {
	var err error
	for range 3 {
		if err = tx(); !isDeadlock(err) {
			break
		}
	}
	return err
}

// hasFailures reports whether some webhook of the batch had a delivery
// fail for good: its failure count, and maybe its status, change.
func hasFailures(webhooks map[int64]*webhookOutcome) bool {
	for _, w := range webhooks {
		if w.failedFinal > 0 || w.failedBefore > 0 || w.gone {
			return true
		}
	}
	return false
}

// attemptMethod is the method an attempt records: POST unless it says.
func attemptMethod(a domain.Attempt) string {
	if a.Method == "" {
		return "POST"
	}
	return a.Method
}

// nullable stores "" as NULL.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func isDeadlock(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "40001")
}

// webhookOutcome folds a batch's attempts of one webhook into the writes
// its row needs.
type webhookOutcome struct {
	id           int64
	disableAfter int
	succeeded    bool         // some attempt succeeded
	failedFinal  int          // deliveries that ended failed since the last success
	failedBefore int          // deliveries that ended failed before the last success
	failedIDs    []int64      // the failedFinal deliveries
	gone         bool         // one ended on 410
	lastCause    string       // the last failure's cause
	ops          *opCollector // nil: no operational events
	row          failureRow   // what its failure update returned
}

// add folds in results in the order they happened: a success resets the
// run of failed deliveries before it, a 410 disables whatever follows.
func (w *webhookOutcome) add(r AttemptResult) {
	switch {
	case r.Attempt.Success:
		w.succeeded = true
		w.failedBefore += w.failedFinal
		w.failedFinal, w.failedIDs = 0, w.failedIDs[:0]
		return
	case r.Status == domain.DeliveryFailed:
		w.failedFinal++
		w.failedIDs = append(w.failedIDs, r.Attempt.DeliveryID)
		w.gone = w.gone || r.Gone
	}
	w.lastCause = r.Cause
}

func (w *webhookOutcome) queue(b *pgx.Batch) {
	if w.succeeded {
		// At most one write a second per webhook: a busy endpoint's row would
		// otherwise be a hot spot every worker queues on. The row comes back
		// only when written; failed_deliveries is left for the recovery's
		// report to take (see reportOperational).
		q := b.Queue(`UPDATE webhooks SET last_triggered_at = now(), consecutive_failures = 0
			WHERE id = $1 AND (consecutive_failures <> 0 OR failed_deliveries <> 0 OR last_triggered_at IS NULL
				OR last_triggered_at < now() - interval '1 second')
			RETURNING failed_deliveries`, w.id)
		if w.ops != nil {
			w.ops.watchSuccess(q, w)
		}
	}
	switch {
	case w.failedFinal > 0 || w.gone:
		q := b.Queue(`UPDATE webhooks SET last_error = $2, last_failure_at = now(),
				consecutive_failures = consecutive_failures + $5,
				failing_since = CASE WHEN failed_deliveries = 0 AND $5 > 0
					THEN (SELECT min(created_at) FROM deliveries WHERE id = ANY($6)) ELSE failing_since END,
				failed_deliveries = failed_deliveries + $5,
				status = CASE WHEN status = 'active' AND ($3 OR ($4 > 0 AND consecutive_failures + $5 >= $4))
					THEN 'inactive' ELSE status END,
				disabled_reason = CASE WHEN status = 'active' AND $3 THEN 'The endpoint answered 410 Gone.'
					WHEN status = 'active' AND $4 > 0 AND consecutive_failures + $5 >= $4
					THEN 'Disabled after ' || (consecutive_failures + $5) || ' consecutive failed deliveries.'
					ELSE disabled_reason END,
				disabled_at = CASE WHEN status = 'active' AND ($3 OR ($4 > 0 AND consecutive_failures + $5 >= $4))
					THEN now() ELSE disabled_at END
			FROM (SELECT status AS old_status FROM webhooks WHERE id = $1 FOR UPDATE) old
			WHERE id = $1
			RETURNING tenant, name, url, status, consecutive_failures, old_status = 'active' AND status = 'inactive',
				deleted_at IS NOT NULL`, w.id, w.lastCause, w.gone, w.disableAfter, w.failedFinal, w.failedIDs)
		if w.ops != nil {
			w.ops.watchFailures(q, w)
		}
		// If that disabled it, its queued deliveries end now (a no-op
		// otherwise: one primary-key lookup).
		b.Queue(cancelQueuedOnDisable, w.id)
	case w.lastCause != "":
		b.Queue(`UPDATE webhooks SET last_error = $2, last_failure_at = now()
			WHERE id = $1 AND (last_error IS DISTINCT FROM $2 OR last_failure_at IS NULL
				OR last_failure_at < now() - interval '1 second')`, w.id, w.lastCause)
	}
}
