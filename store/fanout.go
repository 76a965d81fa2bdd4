package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// SubscriberQuery asks for the active webhooks of a tenant whose patterns
// overlap Patterns (see domain.MatchPatterns).
type SubscriberQuery struct {
	Tenant   string
	Patterns []string
}

// Subscribers answers each query with the matching webhook ids, in one
// round trip for the whole batch.
func (s *Store) Subscribers(ctx context.Context, db DBTX, queries []SubscriberQuery) ([][]int64, error) {
	batch := &pgx.Batch{}
	for _, q := range queries {
		batch.Queue(`SELECT id FROM webhooks
			WHERE tenant = $1 AND events && $2 AND status = 'active' AND deleted_at IS NULL
			ORDER BY id`, q.Tenant, q.Patterns)
	}
	results := db.SendBatch(ctx, batch)
	defer results.Close()
	out := make([][]int64, len(queries))
	for i := range queries {
		rows, err := results.Query()
		if err != nil {
			return nil, fmt.Errorf("error finding subscribers: %w", err)
		}
		out[i], err = pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return nil, fmt.Errorf("error finding subscribers: %w", err)
		}
	}
	return out, results.Close()
}
