package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/hookd/hookd/domain"
)

// assignOrdering gives each keyed event its sequence: one statement for the
// batch, whose row locks on the keys (taken in key order, so concurrent
// batches cannot deadlock) last until the caller's transaction commits —
// which makes the sequence order the commit order.
func (s *Store) assignOrdering(ctx context.Context, db DBTX, events []*domain.Event) error {
	type group struct {
		tenant, key string
		events      []*domain.Event
	}
	var groups []*group
	byKey := map[[2]string]*group{}
	for _, e := range events {
		if e.OrderingKey == nil {
			continue
		}
		k := [2]string{e.Tenant, *e.OrderingKey}
		g := byKey[k]
		if g == nil {
			g = &group{tenant: e.Tenant, key: *e.OrderingKey}
			byKey[k] = g
			groups = append(groups, g)
		}
		g.events = append(g.events, e)
	}
	if len(groups) == 0 {
		return nil
	}
	slices.SortFunc(groups, func(a, b *group) int { return cmp.Or(cmp.Compare(a.tenant, b.tenant), cmp.Compare(a.key, b.key)) })
	tenants, keys, counts := make([]string, len(groups)), make([]string, len(groups)), make([]int64, len(groups))
	for i, g := range groups {
		tenants[i], keys[i], counts[i] = g.tenant, g.key, int64(len(g.events))
	}
	rows, err := db.Query(ctx, `INSERT INTO ordering_keys (tenant, key, last_seq)
		SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) ORDER BY 1, 2
		ON CONFLICT (tenant, key) DO UPDATE SET last_seq = ordering_keys.last_seq + excluded.last_seq, updated_at = now()
		RETURNING tenant, key, last_seq`, tenants, keys, counts)
	if err != nil {
		return fmt.Errorf("error assigning ordering sequences: %w", translate(err))
	}
	var (
		tenant, key string
		last        int64
	)
	_, err = pgx.ForEachRow(rows, []any{&tenant, &key, &last}, func() error {
		g := byKey[[2]string{tenant, key}]
		first := last - int64(len(g.events)) + 1
		for i, e := range g.events {
			seq := first + int64(i)
			e.OrderingSeq = &seq
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("error assigning ordering sequences: %w", translate(err))
	}
	return nil
}

// releaseNextSQL makes the next held delivery of each finished keyed
// delivery's (webhook, key) runnable. It runs after the statement that
// finished them, in the same transaction (see InsertAndFanOut for why no
// successor is missed).
const releaseNextSQL = `UPDATE deliveries n SET held = false, next_attempt_at = now(), updated_at = now()
	FROM (SELECT DISTINCT nx.id
		FROM unnest($1::bigint[]) AS f(id)
		JOIN deliveries d ON d.id = f.id AND d.ordering_key IS NOT NULL AND d.status <> 'pending'
		JOIN LATERAL (SELECT x.id FROM deliveries x
			WHERE x.webhook_id = d.webhook_id AND x.tenant = d.tenant AND x.ordering_key = d.ordering_key
				AND x.ordering_seq > d.ordering_seq AND x.held
			ORDER BY x.ordering_seq LIMIT 1) nx ON true) r
	WHERE n.id = r.id AND n.held
	RETURNING n.id, n.webhook_id, n.cycle, n.tenant`

// ReleaseNext releases the successors of the finished keyed deliveries in
// ids (others are ignored) and returns them, to be queued in tx.
func (s *Store) ReleaseNext(ctx context.Context, tx pgx.Tx, ids []int64) ([]*domain.Delivery, error) {
	rows, err := tx.Query(ctx, releaseNextSQL, ids)
	if err != nil {
		return nil, fmt.Errorf("error releasing ordered deliveries: %w", translate(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*domain.Delivery, error) {
		var d domain.Delivery
		err := r.Scan(&d.ID, &d.WebhookID, &d.Cycle, &d.Tenant)
		return &d, err
	})
	if err != nil {
		return nil, fmt.Errorf("error releasing ordered deliveries: %w", translate(err))
	}
	return out, nil
}
