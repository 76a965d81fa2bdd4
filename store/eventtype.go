package store

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/hookd/hookd/domain"
)

const eventTypeColumns = `name, description, group_name, source, tenant, created_at`

func scanEventType(r pgx.Row) (domain.EventType, error) {
	var t domain.EventType
	err := r.Scan(&t.Name, &t.Description, &t.Group, &t.Source, &t.Tenant, &t.CreatedAt)
	return t, err
}

// ListEventTypes returns the built-in catalog and the custom types of
// tenant (of every tenant when nil), ordered by group and name.
func (s *Store) ListEventTypes(ctx context.Context, db DBTX, tenant *string) ([]domain.EventType, error) {
	rows, err := db.Query(ctx, `SELECT `+eventTypeColumns+` FROM event_types
		WHERE tenant IS NULL OR $1::text IS NULL OR tenant = $1
		ORDER BY group_name, name, tenant NULLS FIRST`, tenant)
	if err != nil {
		return nil, fmt.Errorf("error listing event types: %w", translate(err))
	}
	types, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.EventType, error) { return scanEventType(r) })
	if err != nil {
		return nil, fmt.Errorf("error listing event types: %w", translate(err))
	}
	return types, nil
}

// Catalog returns tenant's catalog (the built-in types and its own) indexed
// for pattern validation.
func (s *Store) Catalog(ctx context.Context, db DBTX, tenant string) (*domain.Catalog, error) {
	types, err := s.ListEventTypes(ctx, db, &tenant)
	if err != nil {
		return nil, err
	}
	return domain.NewCatalog(types), nil
}

// GetEventType returns the entry name has in tenant's catalog: a built-in
// type, or one of the tenant's own. With a nil tenant (an unbound caller) a
// custom type of any tenant will do, the built-in one first.
func (s *Store) GetEventType(ctx context.Context, db DBTX, tenant *string, name string) (*domain.EventType, error) {
	t, err := scanEventType(db.QueryRow(ctx, `SELECT `+eventTypeColumns+` FROM event_types
		WHERE name = $1 AND (tenant IS NULL OR $2::text IS NULL OR tenant = $2)
		ORDER BY tenant NULLS FIRST LIMIT 1`, name, tenant))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.ErrEventTypeNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("error reading event type: %w", translate(err))
	}
	return &t, nil
}

// lockCatalog serialises changes to one tenant's custom types, so two
// creates cannot both pass the cap and a delete cannot race a create.
func lockCatalog(ctx context.Context, tx pgx.Tx, tenant string) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('hookd.event_types:' || $1, 0))`, tenant)
	return err
}

// CreateEventType registers a custom event type of tenant. A name the
// built-in catalog or the tenant has already is refused with
// domain.ErrEventTypeExists; limit, when above zero, caps the tenant's custom
// types (domain.ErrTooManyEventTypes).
func (s *Store) CreateEventType(ctx context.Context, db DBTX, tenant string, t domain.EventType, limit int) (*domain.EventType, error) {
	var out domain.EventType
	err := InTx(ctx, db, func(tx pgx.Tx) error {
		if err := lockCatalog(ctx, tx, tenant); err != nil {
			return err
		}
		var taken bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM event_types WHERE name = $1 AND (tenant IS NULL OR tenant = $2))`,
			t.Name, tenant).Scan(&taken); err != nil {
			return err
		}
		if taken {
			return domain.ErrEventTypeExists
		}
		if limit > 0 {
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM event_types WHERE tenant = $1`, tenant).Scan(&n); err != nil {
				return err
			}
			if n >= limit {
				return domain.ErrTooManyEventTypes
			}
		}
		var err error
		out, err = scanEventType(tx.QueryRow(ctx, `INSERT INTO event_types (name, description, group_name, source, tenant)
			VALUES ($1, $2, $3, 'custom', $4) RETURNING `+eventTypeColumns, t.Name, t.Description, t.Group, tenant))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("error creating event type: %w", translate(err))
	}
	return &out, nil
}

// DeleteEventType removes one of tenant's custom event types, if no live
// webhook of the tenant needs it: subscribed by name, or by a "prefix.*"
// pattern that nothing else in the catalog would keep valid
// (domain.EventTypeInUse). Built-in types cannot be deleted
// (domain.ErrEventTypeBuiltIn). Events already stored keep their type.
func (s *Store) DeleteEventType(ctx context.Context, db DBTX, tenant, name string) error {
	err := InTx(ctx, db, func(tx pgx.Tx) error {
		if err := lockCatalog(ctx, tx, tenant); err != nil {
			return err
		}
		et, err := s.GetEventType(ctx, tx, &tenant, name)
		if err != nil {
			return err
		}
		if et.Tenant == nil {
			return domain.ErrEventTypeBuiltIn
		}
		// The catalog as it would be without the type, to tell which group
		// patterns it alone keeps valid.
		types, err := s.ListEventTypes(ctx, tx, &tenant)
		if err != nil {
			return err
		}
		types = slices.DeleteFunc(types, func(t domain.EventType) bool { return t.Tenant != nil && t.Name == name })
		after := domain.NewCatalog(types)
		rows, err := tx.Query(ctx, `SELECT id, events FROM webhooks
			WHERE tenant = $1 AND deleted_at IS NULL AND events && $2 ORDER BY id`, tenant, domain.MatchPatterns(et.Name, et.Group))
		if err != nil {
			return err
		}
		type hook struct {
			id     int64
			events []string
		}
		hooks, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (hook, error) {
			var h hook
			err := r.Scan(&h.id, &h.events)
			return h, err
		})
		if err != nil {
			return err
		}
		var users []int64
		for _, h := range hooks {
			for _, p := range h.events {
				if p != domain.WildcardAll && domain.Matches([]string{p}, et.Name, et.Group) && after.ValidatePatterns([]string{p}) != nil {
					users = append(users, h.id)
					break
				}
			}
		}
		if len(users) > 0 {
			return domain.EventTypeInUse(name, users)
		}
		_, err = tx.Exec(ctx, `DELETE FROM event_types WHERE tenant = $1 AND name = $2`, tenant, name)
		return err
	})
	if err != nil {
		return fmt.Errorf("error deleting event type: %w", translate(err))
	}
	return nil
}
