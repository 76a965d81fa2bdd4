package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hookd/hookd/domain"
)

// ReplayScope is what a replay looks at: a webhook's tenant's events of
// the given types created in [Since, Until), and which of them pass Filter.
type ReplayScope struct {
	WebhookID int64
	Tenant    string
	Since     time.Time
	Until     time.Time
	Types     []string
	// Filter is the webhook's filter as saved; nil for none.
	Filter json.RawMessage
}

// missingEventsSQL selects, oldest first, the events of a scope after the
// cursor ($5, $6; NULL: from the start) that have no delivery to the
// webhook that succeeded or is pending — a pending one, whatever queued it,
// will be sent, so it counts as present. hookd's operational events about
// the webhook itself were never its to miss (see InsertAndFanOut's
// Exclude); the CASE reads their data only for those types.
const missingEventsSQL = `SELECT e.id, e.created_at, e.type, e.body FROM events e
	WHERE e.tenant = $1 AND e.type = ANY($2) AND e.created_at >= $3 AND e.created_at < $4
		AND ($5::timestamptz IS NULL OR (e.created_at, e.id) > ($5, $6::text))
		AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.tenant = e.tenant
			AND d.webhook_id = $7 AND d.status IN ('succeeded', 'pending'))
		AND NOT coalesce(CASE WHEN e.type IN ('` + domain.EventWebhookFailing + `', '` + domain.EventWebhookDisabled + `', '` +
	domain.EventWebhookRecovered + `', '` + domain.EventDeliveryExhausted + `')
			THEN convert_from(e.body, 'UTF8')::jsonb #>> '{data,webhook_id}' = $7::bigint::text END, false)
	ORDER BY e.created_at, e.id`

// missingEvent is a row of missingEventsSQL.
type missingEvent struct {
	id        string
	createdAt time.Time
	passes    bool
}

// scanMissing reads missing events and decides for each whether it passes
// the filter (compiled once for the call).
func scanMissing(rows pgx.Rows, tenant string, filter *domain.Filter) ([]missingEvent, error) {
	var (
		out       []missingEvent
		id, typ   string
		createdAt time.Time
		body      []byte
	)
	_, err := pgx.ForEachRow(rows, []any{&id, &createdAt, &typ, &body}, func() error {
		out = append(out, missingEvent{id: id, createdAt: createdAt, passes: passesFilter(filter, typ, tenant, body)})
		return nil
	})
	return out, err
}

// passesFilter evaluates filter on a stored envelope's data.
func passesFilter(filter *domain.Filter, eventType, tenant string, body []byte) bool {
	if filter == nil {
		return true
	}
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return true // as at fan-out: deliver rather than drop what cannot be read
	}
	doc, err := domain.NewFilterDocument(eventType, tenant, env.Data)
	if err != nil {
		return true
	}
	return filter.Match(doc)
}

// CountMissing counts the events of scope a replay would queue.
func (s *Store) CountMissing(ctx context.Context, db DBTX, scope ReplayScope) (int, error) {
	if len(scope.Types) == 0 {
		return 0, nil
	}
	filter := compileStored(scope.Filter)
	if filter == nil {
		var n int
		err := db.QueryRow(ctx, `SELECT count(*) FROM (`+missingEventsSQL+`) m`, scope.Tenant, scope.Types,
			scope.Since, scope.Until, nil, nil, scope.WebhookID).Scan(&n)
		if err != nil {
			return 0, fmt.Errorf("error counting missing events: %w", translate(err))
		}
		return n, nil
	}
	// Streamed, the bodies one at a time: a long window must not be held
	// in memory to be counted.
	rows, err := db.Query(ctx, missingEventsSQL, scope.Tenant, scope.Types, scope.Since, scope.Until, nil, nil, scope.WebhookID)
	if err != nil {
		return 0, fmt.Errorf("error counting missing events: %w", translate(err))
	}
	var (
		n         int
		id, typ   string
		createdAt time.Time
		body      []byte
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &createdAt, &typ, &body}, func() error {
		if passesFilter(filter, typ, scope.Tenant, body) {
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("error counting missing events: %w", translate(err))
	}
	return n, nil
}

const replayColumns = `id, webhook_id, tenant, since, until, event_types, status, events, queued, created_at, finished_at`

func scanReplay(row pgx.Row) (*domain.Replay, error) {
	var r domain.Replay
	err := row.Scan(&r.ID, &r.WebhookID, &r.Tenant, &r.Since, &r.Until, &r.EventTypes, &r.Status, &r.Events, &r.Queued,
		&r.CreatedAt, &r.FinishedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.ErrReplayNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("error reading replay: %w", translate(err))
	}
	return &r, nil
}

// CreateReplay stores a running replay of scope that found events missing;
// one that found none is stored done.
func (s *Store) CreateReplay(ctx context.Context, db DBTX, scope ReplayScope, events int) (*domain.Replay, error) {
	status, finished := domain.ReplayRunning, "NULL"
	if events == 0 {
		status, finished = domain.ReplayDone, "now()"
	}
	return scanReplay(db.QueryRow(ctx, `INSERT INTO replays (webhook_id, tenant, since, until, event_types, filter, status, events, finished_at)
		VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, `+finished+`) RETURNING `+replayColumns,
		scope.WebhookID, scope.Tenant, scope.Since, scope.Until, scope.Types, filterParam(scope.Filter), status, events))
}

// GetReplay returns a replay; a non-nil tenant restricts it to that tenant.
func (s *Store) GetReplay(ctx context.Context, db DBTX, id int64, tenant *string) (*domain.Replay, error) {
	return scanReplay(db.QueryRow(ctx, `SELECT `+replayColumns+` FROM replays
		WHERE id = $1 AND ($2::text IS NULL OR tenant = $2)`, id, tenant))
}

// CancelReplay stops a running replay: nothing more is queued, and its
// deliveries still pending are cancelled (an attempt in flight still records
// its outcome). A replay already finished is returned as it is.
func (s *Store) CancelReplay(ctx context.Context, db DBTX, id int64, tenant *string) (*domain.Replay, error) {
	var r *domain.Replay
	err := InTx(ctx, db, func(tx pgx.Tx) error {
		var err error
		r, err = scanReplay(tx.QueryRow(ctx, `SELECT `+replayColumns+` FROM replays
			WHERE id = $1 AND ($2::text IS NULL OR tenant = $2) FOR UPDATE`, id, tenant))
		if err != nil || r.Status == domain.ReplayCancelled {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, completed_at = now(),
				updated_at = now(), last_error = 'Cancelled: its replay was cancelled.'
			WHERE replay_id = $1 AND status = 'pending'`, id); err != nil {
			return err
		}
		if r.Status == domain.ReplayDone {
			return nil
		}
		r, err = scanReplay(tx.QueryRow(ctx, `UPDATE replays SET status = 'cancelled', finished_at = now()
			WHERE id = $1 RETURNING `+replayColumns, id))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("error cancelling replay: %w", translate(err))
	}
	return r, nil
}

// ReplayStep is what one batch of a replay did.
type ReplayStep struct {
	// Status is the replay's status after the batch.
	Status string
	// Waiting is true when the batch queued nothing because the replay's
	// deliveries still pending fill its window: the receiver is behind.
	Waiting bool
	// Deliveries are the pending deliveries created, to queue in the same
	// transaction.
	Deliveries []*domain.Delivery
}

// StepReplay queues, in tx, the next batch of a running replay's missing
// events, oldest first, while fewer than window of its deliveries are
// pending: it creates their deliveries and moves the cursor past every event
// it looked at. It finishes the replay (done) when no event is left, and
// cancels it when its webhook is no longer active. The replay's row is locked
// for the transaction, so batches of one replay never overlap.
func (s *Store) StepReplay(ctx context.Context, tx pgx.Tx, id int64, batch, window int) (*ReplayStep, error) {
	var (
		scope    ReplayScope
		status   string
		cursorAt *time.Time
		cursorID *string
		active   bool
	)
	err := tx.QueryRow(ctx, `SELECT r.webhook_id, r.tenant, r.since, r.until, r.event_types, r.filter, r.status,
			r.cursor_at, r.cursor_id, w.status = 'active' AND w.deleted_at IS NULL
		FROM replays r JOIN webhooks w ON w.id = r.webhook_id WHERE r.id = $1 FOR UPDATE OF r`, id).Scan(
		&scope.WebhookID, &scope.Tenant, &scope.Since, &scope.Until, &scope.Types, &scope.Filter, &status,
		&cursorAt, &cursorID, &active)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.ErrReplayNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("error reading replay: %w", translate(err))
	}
	if status != domain.ReplayRunning {
		return &ReplayStep{Status: status}, nil
	}
	if !active {
		_, err := tx.Exec(ctx, `UPDATE replays SET status = 'cancelled', finished_at = now() WHERE id = $1`, id)
		if err != nil {
			return nil, fmt.Errorf("error cancelling replay: %w", translate(err))
		}
		return &ReplayStep{Status: domain.ReplayCancelled}, nil
	}
	var pending int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM deliveries WHERE replay_id = $1 AND status = 'pending'`, id).Scan(&pending); err != nil {
		return nil, fmt.Errorf("error counting replay deliveries: %w", translate(err))
	}
	if pending >= window {
		return &ReplayStep{Status: status, Waiting: true}, nil
	}
	rows, err := tx.Query(ctx, missingEventsSQL+` LIMIT $8`, scope.Tenant, scope.Types, scope.Since, scope.Until,
		cursorAt, cursorID, scope.WebhookID, batch)
	if err != nil {
		return nil, fmt.Errorf("error reading missing events: %w", translate(err))
	}
	list, err := scanMissing(rows, scope.Tenant, compileStored(scope.Filter))
	if err != nil {
		return nil, fmt.Errorf("error reading missing events: %w", translate(err))
	}
	if len(list) == 0 {
		_, err := tx.Exec(ctx, `UPDATE replays SET status = 'done', finished_at = now() WHERE id = $1`, id)
		if err != nil {
			return nil, fmt.Errorf("error finishing replay: %w", translate(err))
		}
		return &ReplayStep{Status: domain.ReplayDone}, nil
	}
	var ids []string
	for _, m := range list {
		if m.passes {
			ids = append(ids, m.id)
		}
	}
	step := &ReplayStep{Status: status}
	if len(ids) > 0 {
		// Replayed deliveries are unordered: an ordering key's place has
		// passed, and holding later events behind them would be wrong.
		rows, err := tx.Query(ctx, `INSERT INTO deliveries (event_id, webhook_id, tenant, event_type, next_attempt_at, replay_id)
			SELECT e.id, $2, e.tenant, e.type, now(), $3 FROM events e
			WHERE e.tenant = $1 AND e.id = ANY($4)
			RETURNING id, webhook_id, cycle, event_id, tenant`, scope.Tenant, scope.WebhookID, id, ids)
		if err != nil {
			return nil, fmt.Errorf("error queueing replay deliveries: %w", translate(err))
		}
		step.Deliveries, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*domain.Delivery, error) {
			var d domain.Delivery
			err := r.Scan(&d.ID, &d.WebhookID, &d.Cycle, &d.EventID, &d.Tenant)
			return &d, err
		})
		if err != nil {
			return nil, fmt.Errorf("error queueing replay deliveries: %w", translate(err))
		}
	}
	last := list[len(list)-1]
	_, err = tx.Exec(ctx, `UPDATE replays SET cursor_at = $2, cursor_id = $3, queued = queued + $4 WHERE id = $1`,
		id, last.createdAt, last.id, len(step.Deliveries))
	if err != nil {
		return nil, fmt.Errorf("error moving replay cursor: %w", translate(err))
	}
	return step, nil
}

// DeleteFinishedReplays deletes up to batch replays that finished before
// cutoff. Their deliveries stay (with their events' retention).
func (s *Store) DeleteFinishedReplays(ctx context.Context, db DBTX, cutoff time.Time, batch int) (int, error) {
	tag, err := db.Exec(ctx, `DELETE FROM replays WHERE id IN (
		SELECT id FROM replays WHERE finished_at < $1 ORDER BY finished_at LIMIT $2)`, cutoff, batch)
	if err != nil {
		return 0, fmt.Errorf("error deleting finished replays: %w", translate(err))
	}
	return int(tag.RowsAffected()), nil
}
