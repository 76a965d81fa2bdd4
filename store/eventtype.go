package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/hookd/hookd/domain"
)

// ListEventTypes returns the whole catalog ordered by group and name.
func (s *Store) ListEventTypes(ctx context.Context, db DBTX) ([]domain.EventType, error) {
	rows, err := db.Query(ctx, `SELECT name, description, group_name, source, created_at
		FROM event_types ORDER BY group_name, name`)
	if err != nil {
		return nil, fmt.Errorf("error listing event types: %w", translate(err))
	}
	types, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.EventType, error) {
		var t domain.EventType
		err := r.Scan(&t.Name, &t.Description, &t.Group, &t.Source, &t.CreatedAt)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("error listing event types: %w", translate(err))
	}
	return types, nil
}

// Catalog returns the catalog indexed for pattern validation.
func (s *Store) Catalog(ctx context.Context, db DBTX) (*domain.Catalog, error) {
	types, err := s.ListEventTypes(ctx, db)
	if err != nil {
		return nil, err
	}
	return domain.NewCatalog(types), nil
}

// GetEventType returns one catalog entry.
func (s *Store) GetEventType(ctx context.Context, db DBTX, name string) (*domain.EventType, error) {
	var t domain.EventType
	err := db.QueryRow(ctx, `SELECT name, description, group_name, source, created_at
		FROM event_types WHERE name = $1`, name).Scan(&t.Name, &t.Description, &t.Group, &t.Source, &t.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.ErrEventTypeNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("error reading event type: %w", translate(err))
	}
	return &t, nil
}

// CreateEventType registers a custom event type.
func (s *Store) CreateEventType(ctx context.Context, db DBTX, t domain.EventType) (*domain.EventType, error) {
	err := db.QueryRow(ctx, `INSERT INTO event_types (name, description, group_name, source)
		VALUES ($1, $2, $3, 'custom') ON CONFLICT (name) DO NOTHING
		RETURNING source, created_at`, t.Name, t.Description, t.Group).Scan(&t.Source, &t.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.ErrEventTypeExists
	}
	if err != nil {
		return nil, fmt.Errorf("error creating event type: %w", translate(err))
	}
	return &t, nil
}
