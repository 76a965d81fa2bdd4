package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/hookd/hookd/domain"
)

// EventBody is an event's body in one format other than hookd's.
type EventBody struct {
	Event  domain.EventKey
	Format string
	Body   []byte
}

// InsertEventBodies stores bodies built when their events fanned out, in
// one statement. A body already stored is kept.
func (s *Store) InsertEventBodies(ctx context.Context, db DBTX, bodies []EventBody) error {
	if len(bodies) == 0 {
		return nil
	}
	n := len(bodies)
	ids, tenants, formats, data := make([]string, n), make([]string, n), make([]string, n), make([][]byte, n)
	for i, b := range bodies {
		ids[i], tenants[i], formats[i], data[i] = b.Event.ID, b.Event.Tenant, b.Format, b.Body
	}
	_, err := db.Exec(ctx, `INSERT INTO event_bodies (event_id, tenant, format, body)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[]) ON CONFLICT DO NOTHING`, ids, tenants, formats, data)
	if err != nil {
		return fmt.Errorf("error storing event bodies: %w", err)
	}
	return nil
}

// StoreEventBody stores body as the event's body in its format unless one
// is stored already, and returns the one stored: whoever built it first,
// every attempt then sends the same bytes.
func (s *Store) StoreEventBody(ctx context.Context, db DBTX, b EventBody) ([]byte, error) {
	var body []byte
	// DO UPDATE (to the same value) rather than DO NOTHING, so RETURNING
	// yields the stored row in both cases.
	err := db.QueryRow(ctx, `INSERT INTO event_bodies (event_id, tenant, format, body) VALUES ($1, $2, $3, $4)
		ON CONFLICT (event_id, tenant, format) DO UPDATE SET body = event_bodies.body RETURNING body`,
		b.Event.ID, b.Event.Tenant, b.Format, b.Body).Scan(&body)
	if err != nil {
		return nil, fmt.Errorf("error storing event body: %w", err)
	}
	return body, nil
}

// GetEventBody returns an event's body in format: the envelope itself for
// hookd's, a stored body otherwise. ok is false when none has been built
// for that format yet.
func (s *Store) GetEventBody(ctx context.Context, db DBTX, event domain.EventKey, format string) (body []byte, ok bool, err error) {
	if format == domain.FormatHookd {
		err = db.QueryRow(ctx, `SELECT body FROM events WHERE id = $1 AND tenant = $2`, event.ID, event.Tenant).Scan(&body)
	} else {
		err = db.QueryRow(ctx, `SELECT body FROM event_bodies WHERE event_id = $1 AND tenant = $2 AND format = $3`,
			event.ID, event.Tenant, format).Scan(&body)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("error reading event body: %w", err)
	}
	return body, true, nil
}
