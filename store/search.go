package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/hookd/hookd/domain"
)

// EventsByID returns the events whose id is id, at most limit, oldest
// first: one per tenant that used the id (a non-nil tenant restricts it to
// that one). For a search box, where an id several tenants used is not an
// error but several answers.
func (s *Store) EventsByID(ctx context.Context, db DBTX, id string, tenant *string, limit int) ([]*domain.Event, error) {
	rows, err := db.Query(ctx, `SELECT id, tenant, type, body, created_at FROM events
		WHERE id = $1 AND ($2::text IS NULL OR tenant = $2) ORDER BY created_at, tenant LIMIT $3`, id, tenant, limit)
	if err != nil {
		return nil, fmt.Errorf("error finding events: %w", translate(err))
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*domain.Event, error) {
		var e domain.Event
		err := r.Scan(&e.ID, &e.Tenant, &e.Type, &e.Body, &e.CreatedAt)
		return &e, err
	})
	if err != nil {
		return nil, fmt.Errorf("error finding events: %w", translate(err))
	}
	return list, nil
}
