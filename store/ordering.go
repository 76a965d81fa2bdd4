package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

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
				AND x.ordering_seq > d.ordering_seq AND x.held AND x.status = 'pending'
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

// BlockedKey is an ordering key whose head delivery is failing while later
// ones wait behind it.
type BlockedKey struct {
	Key string
	// Head is the pending delivery the others wait for.
	Head *domain.Delivery
	// Since is the head's first failed attempt in its current cycle.
	Since time.Time
	// Waiting is how many deliveries of the key wait behind the head.
	Waiting int
}

// blockedKeysSQL finds heads: runnable, pending, already failed at least
// once, with held deliveries behind them.
var blockedKeysSQL = `SELECT ` + prefixedDeliveryColumns + `, b.since, b.waiting FROM (
		SELECT h.id,
			(SELECT min(a.started_at) FROM delivery_attempts a WHERE a.delivery_id = h.id AND a.cycle = h.cycle) AS since,
			(SELECT count(*) FROM deliveries x WHERE x.webhook_id = h.webhook_id AND x.tenant = h.tenant
				AND x.ordering_key = h.ordering_key AND x.held AND x.status = 'pending') AS waiting
		FROM deliveries h
		WHERE h.ordering_key IS NOT NULL AND h.status = 'pending' AND NOT h.held AND h.attempts > 0
			AND ($1::bigint IS NULL OR h.webhook_id = $1)
	) b JOIN deliveries d ON d.id = b.id
	WHERE b.waiting > 0`

// BlockedKeys lists a webhook's blocked ordering keys, longest blocked
// first (at most limit).
func (s *Store) BlockedKeys(ctx context.Context, db DBTX, webhookID int64, limit int) ([]BlockedKey, error) {
	rows, err := db.Query(ctx, blockedKeysSQL+` ORDER BY b.since LIMIT $2`, webhookID, limit)
	if err != nil {
		return nil, fmt.Errorf("error listing blocked keys: %w", translate(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (BlockedKey, error) {
		var (
			d     domain.Delivery
			since *time.Time
			b     BlockedKey
		)
		err := r.Scan(&d.ID, &d.EventID, &d.WebhookID, &d.Tenant, &d.EventType, &d.Status, &d.Cycle, &d.Attempts,
			&d.NextAttemptAt, &d.LastStatusCode, &d.LastError, &d.LastAttemptAt, &d.CompletedAt, &d.CreatedAt, &d.UpdatedAt,
			&d.OrderingKey, &d.OrderingSeq, &d.Held, &since, &b.Waiting)
		if since != nil {
			b.Since = *since
		}
		b.Key, b.Head = *d.OrderingKey, &d
		return b, err
	})
	if err != nil {
		return nil, fmt.Errorf("error listing blocked keys: %w", translate(err))
	}
	return out, nil
}

// OrderingBacklog is how many keys are blocked across every webhook and
// how long the longest has been, for /metrics. It reads no credentials, so
// it needs no Store.
func OrderingBacklog(ctx context.Context, db DBTX) (blocked int, oldest time.Duration, err error) {
	var secs float64
	err = db.QueryRow(ctx, `SELECT count(*), coalesce(extract(epoch FROM now() - min(since)), 0) FROM (`+
		blockedKeysSQL+`) k`, nil).Scan(&blocked, &secs)
	if err != nil {
		return 0, 0, fmt.Errorf("error reading the ordering backlog: %w", translate(err))
	}
	return blocked, time.Duration(secs * float64(time.Second)), nil
}

// ErrNotSkippable refuses skipping a delivery that is not pending.
var ErrNotSkippable = &domain.Error{Code: domain.CodeConflict, Message: "Only a pending delivery can be skipped."}

// SkipDelivery ends a pending delivery as failed by hand, without sending
// it, and releases the next of its ordering key, queued with queue in the
// same transaction.
func (s *Store) SkipDelivery(ctx context.Context, db DBTX, id int64, tenant *string, queue QueueFunc) (*domain.Delivery, error) {
	var d *domain.Delivery
	err := InTx(ctx, db, func(tx pgx.Tx) error {
		var err error
		d, err = scanDelivery(tx.QueryRow(ctx, `UPDATE deliveries SET status = 'failed', held = false,
				last_error = 'Skipped by hand.', next_attempt_at = NULL, completed_at = now(), updated_at = now()
			WHERE id = $1 AND ($2::text IS NULL OR tenant = $2) AND status = 'pending'
			RETURNING `+deliveryColumns, id, tenant))
		if errors.Is(err, pgx.ErrNoRows) {
			if _, err := s.GetDelivery(ctx, tx, id, tenant); err != nil {
				return err
			}
			return ErrNotSkippable
		}
		if err != nil {
			return err
		}
		return s.releaseAndQueue(ctx, tx, []int64{id}, queue)
	})
	if err != nil {
		return nil, fmt.Errorf("error skipping delivery: %w", translate(err))
	}
	return d, nil
}

// DeleteStaleOrderingKeys forgets up to batch ordering keys last used
// before cutoff (their events are gone with retention too); a key used
// again later starts its sequence anew.
func (s *Store) DeleteStaleOrderingKeys(ctx context.Context, db DBTX, cutoff time.Time, batch int) (int, error) {
	tag, err := db.Exec(ctx, `DELETE FROM ordering_keys WHERE (tenant, key) IN (
		SELECT tenant, key FROM ordering_keys WHERE updated_at < $1 LIMIT $2)`, cutoff, batch)
	if err != nil {
		return 0, fmt.Errorf("error deleting stale ordering keys: %w", translate(err))
	}
	return int(tag.RowsAffected()), nil
}
