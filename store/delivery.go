package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hookd/hookd/domain"
)

// NewDelivery is one (event, webhook) pair to deliver.
type NewDelivery struct {
	EventID   string
	WebhookID int64
	Tenant    string
	EventType string
}

// InsertDeliveries creates pending deliveries and returns them (id, webhook
// and cycle set).
func (s *Store) InsertDeliveries(ctx context.Context, db DBTX, rows []NewDelivery) ([]*domain.Delivery, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	eventIDs := make([]string, len(rows))
	webhookIDs := make([]int64, len(rows))
	tenants := make([]string, len(rows))
	types := make([]string, len(rows))
	for i, r := range rows {
		eventIDs[i], webhookIDs[i], tenants[i], types[i] = r.EventID, r.WebhookID, r.Tenant, r.EventType
	}
	res, err := db.Query(ctx, `INSERT INTO deliveries (event_id, webhook_id, tenant, event_type, next_attempt_at)
		SELECT e, w, t, y, now() FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[]) AS u(e, w, t, y)
		RETURNING id, webhook_id, cycle, tenant`, eventIDs, webhookIDs, tenants, types)
	if err != nil {
		return nil, fmt.Errorf("error inserting deliveries: %w", translate(err))
	}
	out, err := pgx.CollectRows(res, func(r pgx.CollectableRow) (*domain.Delivery, error) {
		var d domain.Delivery
		err := r.Scan(&d.ID, &d.WebhookID, &d.Cycle, &d.Tenant)
		return &d, err
	})
	if err != nil {
		return nil, fmt.Errorf("error inserting deliveries: %w", translate(err))
	}
	return out, nil
}

const deliveryColumns = `id, event_id, webhook_id, tenant, event_type, status, cycle, attempts, next_attempt_at,
	last_status_code, last_error, last_attempt_at, completed_at, created_at, updated_at, ordering_key, ordering_seq, held`

// prefixedDeliveryColumns are deliveryColumns of the table aliased d.
const prefixedDeliveryColumns = `d.id, d.event_id, d.webhook_id, d.tenant, d.event_type, d.status, d.cycle, d.attempts,
	d.next_attempt_at, d.last_status_code, d.last_error, d.last_attempt_at, d.completed_at, d.created_at, d.updated_at,
	d.ordering_key, d.ordering_seq, d.held`

func scanDelivery(row pgx.Row) (*domain.Delivery, error) {
	var d domain.Delivery
	err := row.Scan(&d.ID, &d.EventID, &d.WebhookID, &d.Tenant, &d.EventType, &d.Status, &d.Cycle, &d.Attempts,
		&d.NextAttemptAt, &d.LastStatusCode, &d.LastError, &d.LastAttemptAt, &d.CompletedAt, &d.CreatedAt, &d.UpdatedAt,
		&d.OrderingKey, &d.OrderingSeq, &d.Held)
	return &d, err
}

func collectDeliveries(rows pgx.Rows, err error) ([]*domain.Delivery, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*domain.Delivery, error) { return scanDelivery(r) })
}

// GetDelivery returns a delivery; a non-nil tenant restricts the lookup.
func (s *Store) GetDelivery(ctx context.Context, db DBTX, id int64, tenant *string) (*domain.Delivery, error) {
	d, err := scanDelivery(db.QueryRow(ctx, `SELECT `+deliveryColumns+` FROM deliveries
		WHERE id = $1 AND ($2::text IS NULL OR tenant = $2)`, id, tenant))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.ErrDeliveryNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("error reading delivery: %w", translate(err))
	}
	return d, nil
}

// ListDeliveriesParams filter and page a webhook's deliveries.
type ListDeliveriesParams struct {
	WebhookID int64
	Status    string
	EventType string
	Limit     int
	Offset    int
}

// ListDeliveries returns a webhook's deliveries, newest first, and how many
// match in all.
func (s *Store) ListDeliveries(ctx context.Context, db DBTX, p ListDeliveriesParams) ([]*domain.Delivery, int, error) {
	where := `webhook_id = $1 AND ($2 = '' OR status = $2) AND ($3 = '' OR event_type = $3)`
	args := []any{p.WebhookID, p.Status, p.EventType}
	var total int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM deliveries WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("error counting deliveries: %w", translate(err))
	}
	list, err := collectDeliveries(db.Query(ctx, `SELECT `+deliveryColumns+` FROM deliveries WHERE `+where+`
		ORDER BY created_at DESC, id DESC LIMIT $4 OFFSET $5`, append(args, p.Limit, p.Offset)...))
	if err != nil {
		return nil, 0, fmt.Errorf("error listing deliveries: %w", translate(err))
	}
	return list, total, nil
}

// EventDeliveries returns every delivery of an event.
func (s *Store) EventDeliveries(ctx context.Context, db DBTX, event domain.EventKey) ([]*domain.Delivery, error) {
	list, err := collectDeliveries(db.Query(ctx, `SELECT `+deliveryColumns+` FROM deliveries
		WHERE event_id = $1 AND tenant = $2 ORDER BY id`, event.ID, event.Tenant))
	if err != nil {
		return nil, fmt.Errorf("error listing deliveries: %w", translate(err))
	}
	return list, nil
}

// RestartDelivery starts a new cycle of attempts on a finished delivery.
func (s *Store) RestartDelivery(ctx context.Context, db DBTX, id int64, tenant *string) (*domain.Delivery, error) {
	d, err := scanDelivery(db.QueryRow(ctx, `UPDATE deliveries SET status = 'pending', cycle = cycle + 1, attempts = 0,
			next_attempt_at = now(), completed_at = NULL, updated_at = now()
		WHERE id = $1 AND ($2::text IS NULL OR tenant = $2) AND status <> 'pending'
		RETURNING `+deliveryColumns, id, tenant))
	if errors.Is(err, pgx.ErrNoRows) {
		if _, err := s.GetDelivery(ctx, db, id, tenant); err != nil {
			return nil, err
		}
		return nil, domain.ErrDeliveryPending
	}
	if err != nil {
		return nil, fmt.Errorf("error restarting delivery: %w", translate(err))
	}
	return d, nil
}

// RestartDeliveries starts a new cycle on every delivery of a webhook
// created in [since, until) whose status is one of statuses (failed,
// cancelled).
func (s *Store) RestartDeliveries(ctx context.Context, db DBTX, webhookID int64, since, until time.Time, statuses []string) ([]*domain.Delivery, error) {
	list, err := collectDeliveries(db.Query(ctx, `UPDATE deliveries SET status = 'pending', cycle = cycle + 1, attempts = 0,
			next_attempt_at = now(), completed_at = NULL, updated_at = now()
		WHERE webhook_id = $1 AND status = ANY($4) AND status <> 'pending' AND created_at >= $2 AND created_at < $3
		RETURNING `+deliveryColumns, webhookID, since, until, statuses))
	if err != nil {
		return nil, fmt.Errorf("error restarting deliveries: %w", translate(err))
	}
	return list, nil
}
