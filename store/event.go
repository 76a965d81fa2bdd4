package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hookd/hookd/domain"
)

// InsertEvents stores events and reports which were new: an id its tenant
// has already (a caller-supplied id seen before) is left as it was.
func (s *Store) InsertEvents(ctx context.Context, db DBTX, events []*domain.Event) (map[domain.EventKey]bool, error) {
	ids := make([]string, len(events))
	tenants := make([]string, len(events))
	types := make([]string, len(events))
	bodies := make([][]byte, len(events))
	created := make([]time.Time, len(events))
	for i, e := range events {
		ids[i], tenants[i], types[i], bodies[i], created[i] = e.ID, e.Tenant, e.Type, e.Body, e.CreatedAt
	}
	rows, err := db.Query(ctx, `INSERT INTO events (id, tenant, type, body, created_at)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::timestamptz[])
		ON CONFLICT (id, tenant) DO NOTHING RETURNING tenant, id`, ids, tenants, types, bodies, created)
	if err != nil {
		return nil, fmt.Errorf("error inserting events: %w", translate(err))
	}
	inserted, err := pgx.CollectRows(rows, pgx.RowToStructByPos[domain.EventKey])
	if err != nil {
		return nil, fmt.Errorf("error inserting events: %w", translate(err))
	}
	out := make(map[domain.EventKey]bool, len(inserted))
	for _, k := range inserted {
		out[k] = true
	}
	return out, nil
}

// EventSummary is an event with how many deliveries it has in each state.
type EventSummary struct {
	domain.Event
	Deliveries map[string]int
}

// GetEvent returns an event. A non-nil tenant restricts the lookup; without
// one, an id that several tenants use is refused with
// domain.ErrEventTenantRequired rather than answered with any of them.
func (s *Store) GetEvent(ctx context.Context, db DBTX, id string, tenant *string) (*domain.Event, error) {
	rows, err := db.Query(ctx, `SELECT id, tenant, type, body, created_at, ordering_key, ordering_seq FROM events
		WHERE id = $1 AND ($2::text IS NULL OR tenant = $2) LIMIT 2`, id, tenant)
	if err != nil {
		return nil, fmt.Errorf("error reading event: %w", translate(err))
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*domain.Event, error) {
		var e domain.Event
		err := r.Scan(&e.ID, &e.Tenant, &e.Type, &e.Body, &e.CreatedAt, &e.OrderingKey, &e.OrderingSeq)
		return &e, err
	})
	if err != nil {
		return nil, fmt.Errorf("error reading event: %w", translate(err))
	}
	switch len(list) {
	case 0:
		return nil, domain.ErrEventNotFound
	case 1:
		return list[0], nil
	}
	return nil, domain.ErrEventTenantRequired
}

// CountDeliveries returns how many deliveries an event fanned out to.
func (s *Store) CountDeliveries(ctx context.Context, db DBTX, event domain.EventKey) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT count(*) FROM deliveries WHERE event_id = $1 AND tenant = $2`, event.ID, event.Tenant).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("error counting deliveries: %w", translate(err))
	}
	return n, nil
}

// ListEventsParams filter and page an event list.
type ListEventsParams struct {
	Tenant *string
	Type   string
	Since  *time.Time
	Until  *time.Time
	Limit  int
	Offset int
}

// ListEvents returns events newest first with their delivery counts by
// state, and how many match in all.
func (s *Store) ListEvents(ctx context.Context, db DBTX, p ListEventsParams) ([]*EventSummary, int, error) {
	where := `($1::text IS NULL OR tenant = $1) AND ($2 = '' OR type = $2)
		AND ($3::timestamptz IS NULL OR created_at >= $3) AND ($4::timestamptz IS NULL OR created_at < $4)`
	args := []any{p.Tenant, p.Type, p.Since, p.Until}
	var total int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM events WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("error counting events: %w", translate(err))
	}
	rows, err := db.Query(ctx, `SELECT e.id, e.tenant, e.type, e.body, e.created_at, e.ordering_key, e.ordering_seq,
			coalesce((SELECT jsonb_object_agg(status, n) FROM (
				SELECT status, count(*) AS n FROM deliveries d WHERE d.event_id = e.id AND d.tenant = e.tenant GROUP BY status) c), '{}')
		FROM events e WHERE `+where+`
		ORDER BY e.created_at DESC, e.id DESC LIMIT $5 OFFSET $6`, append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("error listing events: %w", translate(err))
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*EventSummary, error) {
		var e EventSummary
		err := r.Scan(&e.ID, &e.Tenant, &e.Type, &e.Body, &e.CreatedAt, &e.OrderingKey, &e.OrderingSeq, &e.Deliveries)
		return &e, err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("error listing events: %w", translate(err))
	}
	return list, total, nil
}
