package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hookd/hookd/domain"
)

// FanOut is an event to store with the subscription patterns that select
// it (see domain.MatchPatterns).
type FanOut struct {
	Event    *domain.Event
	Patterns []string
}

// FanOutResult is what InsertAndFanOut created.
type FanOutResult struct {
	// Inserted holds the events that were new; one whose id its tenant had
	// already (a caller-supplied id seen before) is absent and got no
	// deliveries.
	Inserted map[domain.EventKey]bool
	// Deliveries are the pending deliveries created, one per (new event,
	// matching webhook).
	Deliveries []*domain.Delivery
	// Formats holds, per new event, the formats other than hookd's that its
	// webhooks use, each once: the bodies to build and store beside it.
	Formats map[domain.EventKey][]string
}

// InsertAndFanOut stores events and creates one pending delivery for each
// active webhook of an event's tenant whose patterns overlap the event's,
// all in one statement (two when some events carry an ordering key: their
// sequences come first). A keyed delivery is Held when an earlier one of
// the same webhook and key is still pending: it gets no job until that one
// finishes (see ReleaseNext).
func (s *Store) InsertAndFanOut(ctx context.Context, db DBTX, items []FanOut) (*FanOutResult, error) {
	n := len(items)
	ids, tenants, types := make([]string, n), make([]string, n), make([]string, n)
	bodies, created, patterns := make([][]byte, n), make([]time.Time, n), make([]string, n)
	keys, seqs := make([]*string, n), make([]*int64, n)
	events := make([]*domain.Event, n)
	for i, it := range items {
		events[i] = it.Event
	}
	if err := s.assignOrdering(ctx, db, events); err != nil {
		return nil, err
	}
	for i, it := range items {
		e := it.Event
		ids[i], tenants[i], types[i], bodies[i], created[i] = e.ID, e.Tenant, e.Type, e.Body, e.CreatedAt
		patterns[i] = arrayLiteral(it.Patterns)
		keys[i], seqs[i] = e.OrderingKey, e.OrderingSeq
	}
	// Patterns travel as one array literal per event: Postgres arrays must
	// be rectangular, and each event has its own number of patterns.
	//
	// A keyed delivery is held behind an earlier one of this batch for the
	// same webhook and key (rn > 1), or behind the last one before the
	// batch if that is still pending. That last one is locked FOR SHARE:
	// finishing it (an UPDATE) and looking for its successor then happen
	// either wholly before this insert or wholly after its commit, so a
	// successor is never missed.
	rows, err := db.Query(ctx, `WITH input AS (
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::timestamptz[], $6::text[],
				$7::text[], $8::bigint[])
				AS u(id, tenant, type, body, created_at, patterns, okey, oseq)
		), ev AS (
			INSERT INTO events (id, tenant, type, body, created_at, ordering_key, ordering_seq)
			SELECT id, tenant, type, body, created_at, okey, oseq FROM input
			ON CONFLICT (id, tenant) DO NOTHING
			RETURNING id, tenant
		), matched AS (
			SELECT i.id, w.id AS wid, i.tenant, i.type, i.okey, i.oseq,
				row_number() OVER (PARTITION BY w.id, i.tenant, i.okey ORDER BY i.oseq) AS rn
			FROM input i
			JOIN ev ON ev.id = i.id AND ev.tenant = i.tenant
			JOIN webhooks w ON w.tenant = i.tenant AND w.events && i.patterns::text[]
				AND w.status = 'active' AND w.deleted_at IS NULL
		), dl AS (
			INSERT INTO deliveries (event_id, webhook_id, tenant, event_type, next_attempt_at, ordering_key, ordering_seq, held)
			SELECT m.id, m.wid, m.tenant, m.type, now(), m.okey, m.oseq,
				m.okey IS NOT NULL AND (m.rn > 1 OR coalesce((SELECT p.status = 'pending' FROM deliveries p
					WHERE p.webhook_id = m.wid AND p.tenant = m.tenant AND p.ordering_key = m.okey
						AND p.ordering_seq < m.oseq
					ORDER BY p.ordering_seq DESC LIMIT 1 FOR SHARE), false))
			FROM matched m
			RETURNING id, webhook_id, cycle, event_id, tenant, held
		)
		SELECT ev.id, ev.tenant, dl.id, dl.webhook_id, dl.cycle, w.format, coalesce(dl.held, false)
		FROM ev LEFT JOIN dl ON dl.event_id = ev.id AND dl.tenant = ev.tenant LEFT JOIN webhooks w ON w.id = dl.webhook_id`,
		ids, tenants, types, bodies, created, patterns, keys, seqs)
	if err != nil {
		return nil, fmt.Errorf("error storing events: %w", translate(err))
	}
	out := &FanOutResult{Inserted: make(map[domain.EventKey]bool, n)}
	var (
		key        domain.EventKey
		deliveryID *int64
		webhookID  *int64
		cycle      *int
		format     *string
		held       bool
	)
	_, err = pgx.ForEachRow(rows, []any{&key.ID, &key.Tenant, &deliveryID, &webhookID, &cycle, &format, &held}, func() error {
		out.Inserted[key] = true
		if deliveryID != nil {
			out.Deliveries = append(out.Deliveries, &domain.Delivery{ID: *deliveryID, WebhookID: *webhookID, Cycle: *cycle,
				EventID: key.ID, Tenant: key.Tenant, Held: held})
		}
		if format != nil && *format != domain.FormatHookd && !slices.Contains(out.Formats[key], *format) {
			if out.Formats == nil {
				out.Formats = map[domain.EventKey][]string{}
			}
			out.Formats[key] = append(out.Formats[key], *format)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("error storing events: %w", translate(err))
	}
	return out, nil
}

// arrayLiteral writes a Postgres text[] literal, each element quoted.
func arrayLiteral(items []string) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		b.WriteString(arrayEscaper.Replace(it))
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}

// arrayEscaper quotes an array element; built once, it is safe to share.
var arrayEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)
