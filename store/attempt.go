package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hookd/hookd/domain"
)

// AttemptTarget is everything one attempt needs, read in one query: the
// delivery's state, the body to send and the webhook with its credentials
// opened.
type AttemptTarget struct {
	DeliveryID     int64
	Status         string
	Cycle          int
	Attempts       int
	EventID        string
	EventType      string
	EventCreatedAt time.Time
	// Body is the event's body in the webhook's format; nil when none has
	// been built for it yet (the webhook switched format after the event
	// fanned out).
	Body           []byte
	Webhook        *domain.Webhook
	WebhookDeleted bool
	// OrderingKey and OrderingSeq are the event's, for ordered deliveries;
	// Held is true while an earlier one of the same webhook and key has not
	// finished.
	OrderingKey *string
	OrderingSeq *int64
	Held        bool
}

// ErrTargetGone is returned when a delivery no longer exists (its event was
// removed by retention).
var ErrTargetGone = errors.New("delivery no longer exists")

// LoadAttemptTargets reads many deliveries for their next attempts in one
// query; ids with no delivery (removed by retention) are absent.
func (s *Store) LoadAttemptTargets(ctx context.Context, db DBTX, deliveryIDs []int64) (map[int64]*AttemptTarget, error) {
	// A plan for these ids, not a cached generic one: the generic plan is
	// made on a connection's sixth use, and on a young database that is
	// when these tables are tiny, so it scans them whole and keeps doing so
	// as they grow.
	rows, err := db.Query(ctx, `SELECT d.id, d.status, d.cycle, d.attempts, d.event_id, d.event_type, e.created_at,
			CASE WHEN w.format = 'hookd' THEN e.body ELSE b.body END,
			w.id, w.tenant, w.format, w.url, w.status, w.headers_enc, w.headers, w.retry_count, w.secret_enc, w.previous_secret_enc,
			w.previous_secret_expires_at, w.authorization_enc, w.deleted_at, d.ordering_key, d.ordering_seq, d.held,
			w.rate_limit
		FROM deliveries d JOIN events e ON e.id = d.event_id AND e.tenant = d.tenant JOIN webhooks w ON w.id = d.webhook_id
			LEFT JOIN event_bodies b ON b.event_id = d.event_id AND b.tenant = d.tenant AND b.format = w.format AND w.format <> 'hookd'
		WHERE d.id = ANY($1)`, customPlan, deliveryIDs)
	if err != nil {
		return nil, fmt.Errorf("error loading deliveries: %w", translate(err))
	}
	defer rows.Close()
	out := make(map[int64]*AttemptTarget, len(deliveryIDs))
	for rows.Next() {
		var (
			t                                       AttemptTarget
			w                                       domain.Webhook
			secretEnc, prevEnc, authEnc, headersEnc []byte
			legacyHeaders                           map[string]string
			deletedAt                               *time.Time
		)
		if err := rows.Scan(&t.DeliveryID, &t.Status, &t.Cycle, &t.Attempts, &t.EventID, &t.EventType, &t.EventCreatedAt, &t.Body,
			&w.ID, &w.Tenant, &w.Format, &w.URL, &w.Status, &headersEnc, &legacyHeaders, &w.RetryCount, &secretEnc, &prevEnc,
			&w.PreviousSecretExpiresAt, &authEnc, &deletedAt, &t.OrderingKey, &t.OrderingSeq, &t.Held,
			&w.RateLimit); err != nil {
			return nil, fmt.Errorf("error loading deliveries: %w", translate(err))
		}
		if err := s.openCredentials(&w, secretEnc, prevEnc, authEnc, headersEnc, legacyHeaders); err != nil {
			return nil, err
		}
		t.Webhook = &w
		t.WebhookDeleted = deletedAt != nil
		out[t.DeliveryID] = &t
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("error loading deliveries: %w", translate(err))
	}
	return out, nil
}

// openCredentials fills in a webhook's plaintext secrets and headers.
func (s *Store) openCredentials(w *domain.Webhook, secretEnc, prevEnc, authEnc, headersEnc []byte, legacyHeaders map[string]string) error {
	var err error
	if w.Headers, err = s.openHeaders(headersEnc, legacyHeaders); err != nil {
		return fmt.Errorf("error opening webhook %d headers: %w", w.ID, err)
	}
	if w.Secret, err = s.keys.Open(secretEnc, sealSecret); err != nil {
		return fmt.Errorf("error opening webhook %d secret: %w", w.ID, err)
	}
	if prevEnc != nil {
		if w.PreviousSecret, err = s.keys.Open(prevEnc, sealPreviousSecret); err != nil {
			return fmt.Errorf("error opening webhook %d previous secret: %w", w.ID, err)
		}
	}
	if authEnc != nil {
		if w.AuthorizationHeader, err = s.keys.Open(authEnc, sealAuthorization); err != nil {
			return fmt.Errorf("error opening webhook %d authorization: %w", w.ID, err)
		}
	}
	return nil
}

// GetWebhookForSending returns a live webhook with its credentials opened.
func (s *Store) GetWebhookForSending(ctx context.Context, db DBTX, id int64, tenant *string) (*domain.Webhook, error) {
	var (
		secretEnc, prevEnc, authEnc, headersEnc []byte
		legacyHeaders                           map[string]string
	)
	w, err := scanWebhookWith(db.QueryRow(ctx, `SELECT `+webhookColumns+`, secret_enc, previous_secret_enc,
			authorization_enc, headers_enc, headers FROM webhooks
		WHERE id = $1 AND deleted_at IS NULL AND ($2::text IS NULL OR tenant = $2)`, id, tenant),
		&secretEnc, &prevEnc, &authEnc, &headersEnc, &legacyHeaders)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.ErrWebhookNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("error reading webhook: %w", translate(err))
	}
	if err := s.openCredentials(w, secretEnc, prevEnc, authEnc, headersEnc, legacyHeaders); err != nil {
		return nil, err
	}
	return w, nil
}

// WebhookRetryPolicy reads a webhook's retry_count and retry_schedule now
// (nil: the default): the policy in force when an attempt fails decides
// whether another follows, and when.
func (s *Store) WebhookRetryPolicy(ctx context.Context, db DBTX, webhookID int64) (int, []int, error) {
	var (
		n        int
		schedule []int
	)
	if err := db.QueryRow(ctx, `SELECT retry_count, retry_schedule FROM webhooks WHERE id = $1`, webhookID).Scan(&n, &schedule); err != nil {
		return 0, nil, fmt.Errorf("error reading the retry policy: %w", translate(err))
	}
	return n, schedule, nil
}

// AttemptResult is a finished attempt and what it decided.
type AttemptResult struct {
	Attempt domain.Attempt
	// Status is the delivery's status after this attempt: pending (another
	// attempt follows at NextAttemptAt), succeeded or failed.
	Status        string
	NextAttemptAt *time.Time
	// Cause is the readable failure ("HTTP 500", "timeout after 10s").
	Cause string
	// Gone marks a 410: the webhook is disabled at once.
	Gone bool
	// DisableAfter disables the webhook when a failed delivery brings its
	// consecutive failures to this many (0: never).
	DisableAfter int
	// Ordered marks a delivery with an ordering key: when it ends, the next
	// of its webhook and key is released in the same transaction.
	Ordered bool
}

// QueueFunc queues jobs for deliveries in tx: the delivery engine's River
// insert, which the store cannot do itself.
type QueueFunc func(ctx context.Context, tx pgx.Tx, deliveries []*domain.Delivery) error

// CancelDelivery ends a pending delivery without sending it, e.g. because
// its webhook was disabled or deleted. An ordered delivery's successor is
// released and queued with queue, in the same transaction.
func (s *Store) CancelDelivery(ctx context.Context, db DBTX, deliveryID int64, reason string, ordered bool, queue QueueFunc) error {
	cancel := func(db DBTX) error {
		_, err := db.Exec(ctx, `UPDATE deliveries SET status = 'cancelled', last_error = $2, next_attempt_at = NULL,
				completed_at = now(), updated_at = now()
			WHERE id = $1 AND status = 'pending'`, deliveryID, reason)
		return err
	}
	var err error
	if ordered {
		err = InTx(ctx, db, func(tx pgx.Tx) error {
			if err := cancel(tx); err != nil {
				return err
			}
			return s.releaseAndQueue(ctx, tx, []int64{deliveryID}, queue)
		})
	} else {
		err = cancel(db)
	}
	if err != nil {
		return fmt.Errorf("error cancelling delivery: %w", translate(err))
	}
	return nil
}

// releaseAndQueue releases the successors of the finished keyed deliveries
// in ids and queues them, in tx.
func (s *Store) releaseAndQueue(ctx context.Context, tx pgx.Tx, ids []int64, queue QueueFunc) error {
	next, err := s.ReleaseNext(ctx, tx, ids)
	if err != nil || len(next) == 0 {
		return err
	}
	return queue(ctx, tx, next)
}

// ListAttempts returns a delivery's attempts, oldest first.
func (s *Store) ListAttempts(ctx context.Context, db DBTX, deliveryID int64) ([]*domain.Attempt, error) {
	rows, err := db.Query(ctx, `SELECT id, delivery_id, webhook_id, cycle, number, method, coalesce(url, ''), format, started_at,
			duration_ms, request_headers, status_code, response_headers, response_body, error, error_kind, success
		FROM delivery_attempts WHERE delivery_id = $1 ORDER BY id`, deliveryID)
	if err != nil {
		return nil, fmt.Errorf("error listing attempts: %w", translate(err))
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*domain.Attempt, error) {
		var a domain.Attempt
		err := r.Scan(&a.ID, &a.DeliveryID, &a.WebhookID, &a.Cycle, &a.Number, &a.Method, &a.URL, &a.Format, &a.StartedAt,
			&a.DurationMS, &a.RequestHeaders, &a.StatusCode, &a.ResponseHeaders, &a.ResponseBody, &a.Error, &a.ErrorKind, &a.Success)
		return &a, err
	})
	if err != nil {
		return nil, fmt.Errorf("error listing attempts: %w", translate(err))
	}
	return list, nil
}

// ReserveDeliveryID takes the next delivery id without writing a row, so
// a test-fire can send its real id in Hookd-Delivery-Id before it is
// recorded. An id reserved and never used is a gap, nothing more.
func (s *Store) ReserveDeliveryID(ctx context.Context, db DBTX) (int64, error) {
	var id int64
	if err := db.QueryRow(ctx, `SELECT nextval(pg_get_serial_sequence('deliveries', 'id'))`).Scan(&id); err != nil {
		return 0, fmt.Errorf("error reserving a delivery id: %w", translate(err))
	}
	return id, nil
}

// InsertTestDelivery stores a test-fire as a finished delivery with its one
// attempt, so it shows in the webhook's log; body is what it sent when its
// format is not hookd's. The delivery gets the id in r.Attempt.DeliveryID,
// reserved with ReserveDeliveryID before sending.
func (s *Store) InsertTestDelivery(ctx context.Context, db DBTX, event *domain.Event, body *EventBody, r AttemptResult) error {
	a := r.Attempt
	err := InTx(ctx, db, func(tx pgx.Tx) error {
		if _, err := s.InsertEvents(ctx, tx, []*domain.Event{event}); err != nil {
			return err
		}
		if body != nil {
			if err := s.InsertEventBodies(ctx, tx, []EventBody{*body}); err != nil {
				return err
			}
		}
		var lastError *string
		if r.Cause != "" {
			lastError = &r.Cause
		}
		if _, err := tx.Exec(ctx, `INSERT INTO deliveries (id, event_id, webhook_id, tenant, event_type, status, attempts,
				last_status_code, last_error, last_attempt_at, completed_at)
			OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9, now())`,
			a.DeliveryID, event.ID, a.WebhookID, event.Tenant, event.Type, r.Status, a.StatusCode, lastError, a.StartedAt); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO delivery_attempts (delivery_id, webhook_id, cycle, number, method, url,
				started_at, duration_ms, request_headers, status_code, response_headers, response_body, error, error_kind, success,
				format)
			VALUES ($1, $2, 1, 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
			a.DeliveryID, a.WebhookID, attemptMethod(a), nullable(a.URL), a.StartedAt, a.DurationMS, a.RequestHeaders,
			a.StatusCode, a.ResponseHeaders, a.ResponseBody, a.Error, a.ErrorKind, a.Success, attemptFormat(a)); err != nil {
			return err
		}
		// A successful test is a successful trigger; a failed one says
		// nothing about real deliveries, so the failure count stays.
		if a.Success {
			_, err := tx.Exec(ctx, `UPDATE webhooks SET last_triggered_at = now() WHERE id = $1`, a.WebhookID)
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("error recording test delivery: %w", translate(err))
	}
	return nil
}

// attemptFormat is an attempt's format, hookd's when unset.
func attemptFormat(a domain.Attempt) string {
	if a.Format == "" {
		return domain.FormatHookd
	}
	return a.Format
}
