package store

import (
	"context"
	"fmt"
	"time"
)

// Retention deletes in batches: each batch is one short statement, so no
// lock is held long and no table is rewritten.

// DeleteExpiredEvents deletes up to batch events created before cutoff,
// oldest first; their deliveries and attempts go with them (ON DELETE
// CASCADE). It returns how many events it deleted.
func (s *Store) DeleteExpiredEvents(ctx context.Context, db DBTX, cutoff time.Time, batch int) (int, error) {
	tag, err := db.Exec(ctx, `DELETE FROM events WHERE (id, tenant) IN (
		SELECT id, tenant FROM events WHERE created_at < $1 ORDER BY created_at LIMIT $2)`, cutoff, batch)
	if err != nil {
		return 0, fmt.Errorf("error deleting expired events: %w", translate(err))
	}
	return int(tag.RowsAffected()), nil
}

// DeleteExpiredIdempotencyKeys deletes up to batch keys past their 24 h.
func (s *Store) DeleteExpiredIdempotencyKeys(ctx context.Context, db DBTX, batch int) (int, error) {
	tag, err := db.Exec(ctx, `DELETE FROM idempotency_keys WHERE (tenant, key) IN (
		SELECT tenant, key FROM idempotency_keys WHERE created_at < now() - interval '`+IdempotencyWindow+`'
		ORDER BY created_at LIMIT $1)`, batch)
	if err != nil {
		return 0, fmt.Errorf("error deleting idempotency keys: %w", translate(err))
	}
	return int(tag.RowsAffected()), nil
}

// PurgeDeletedWebhooks removes up to batch webhooks deleted before cutoff,
// with what is left of their deliveries.
func (s *Store) PurgeDeletedWebhooks(ctx context.Context, db DBTX, cutoff time.Time, batch int) (int, error) {
	tag, err := db.Exec(ctx, `DELETE FROM webhooks WHERE id IN (
		SELECT id FROM webhooks WHERE deleted_at < $1 ORDER BY deleted_at LIMIT $2)`, cutoff, batch)
	if err != nil {
		return 0, fmt.Errorf("error purging deleted webhooks: %w", translate(err))
	}
	return int(tag.RowsAffected()), nil
}
