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
	// Exclude is a webhook that must not receive the event, though it
	// subscribes to it: the one an operational event is about. 0: none.
	Exclude int64
	// IfSubscribed stores the event only if some webhook subscribes to it
	// (a filter may still turn it away): hookd's own reports are kept for
	// those who listen, not for every tenant's event list.
	IfSubscribed bool
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
// active webhook of an event's tenant whose patterns overlap the event's
// and whose filter, if it has one, the event passes: all in one statement,
// plus one when some events carry an ordering key (their sequences come
// first) and one when filtered webhooks are subscribed. A keyed delivery is Held when an earlier one of
// the same webhook and key is still pending: it gets no job until that one
// finishes (see ReleaseNext).
func (s *Store) InsertAndFanOut(ctx context.Context, db DBTX, items []FanOut) (*FanOutResult, error) {
	n := len(items)
	ids, tenants, types := make([]string, n), make([]string, n), make([]string, n)
	bodies, created, patterns := make([][]byte, n), make([]time.Time, n), make([]string, n)
	keys, seqs, excludes := make([]*string, n), make([]*int64, n), make([]int64, n)
	ifSubscribed := make([]bool, n)
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
		keys[i], seqs[i], excludes[i], ifSubscribed[i] = e.OrderingKey, e.OrderingSeq, it.Exclude, it.IfSubscribed
	}
	// Patterns travel as one array literal per event: Postgres arrays must
	// be rectangular, and each event has its own number of patterns.
	// Webhooks with a filter are only listed here: their deliveries are
	// made by fanOutFiltered for the events their filters pass.
	rows, err := db.Query(ctx, `WITH input AS (
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::timestamptz[], $6::text[],
				$7::text[], $8::bigint[], $9::bigint[], $10::bool[])
				AS u(id, tenant, type, body, created_at, patterns, okey, oseq, excl, if_subscribed)
		), ev AS (
			INSERT INTO events (id, tenant, type, body, created_at, ordering_key, ordering_seq)
			SELECT id, tenant, type, body, created_at, okey, oseq FROM input i
			WHERE NOT i.if_subscribed OR EXISTS (SELECT 1 FROM webhooks w WHERE w.tenant = i.tenant
				AND w.events && i.patterns::text[] AND w.status = 'active' AND w.deleted_at IS NULL AND w.id <> i.excl)
			ON CONFLICT (id, tenant) DO NOTHING
			RETURNING id, tenant
		), candidates AS (
			SELECT i.id, w.id AS wid, i.tenant, i.type, i.okey, i.oseq, w.filter IS NOT NULL AS filtered, w.updated_at
			FROM input i
			JOIN ev ON ev.id = i.id AND ev.tenant = i.tenant
			JOIN webhooks w ON w.tenant = i.tenant AND w.events && i.patterns::text[]
				AND w.status = 'active' AND w.deleted_at IS NULL AND w.id <> i.excl
		), matched AS (
			SELECT c.*, row_number() OVER (PARTITION BY c.wid, c.tenant, c.okey ORDER BY c.oseq) AS rn
			FROM candidates c WHERE NOT c.filtered
		), `+insertMatchedDeliveries+`
		SELECT ev.id, ev.tenant, dl.id, dl.webhook_id, dl.cycle, w.format, coalesce(dl.held, false),
			NULL::bigint, NULL::timestamptz
		FROM ev LEFT JOIN dl ON dl.event_id = ev.id AND dl.tenant = ev.tenant LEFT JOIN webhooks w ON w.id = dl.webhook_id
		UNION ALL
		SELECT c.id, c.tenant, NULL, NULL, NULL, NULL, false, c.wid, c.updated_at FROM candidates c WHERE c.filtered`,
		ids, tenants, types, bodies, created, patterns, keys, seqs, excludes, ifSubscribed)
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
		filteredID *int64
		updatedAt  *time.Time
		filtered   []filterCandidate
	)
	_, err = pgx.ForEachRow(rows, []any{&key.ID, &key.Tenant, &deliveryID, &webhookID, &cycle, &format, &held,
		&filteredID, &updatedAt}, func() error {
		out.Inserted[key] = true
		if filteredID != nil {
			filtered = append(filtered, filterCandidate{event: key, webhookID: *filteredID, updatedAt: *updatedAt})
			return nil
		}
		out.add(key, deliveryID, webhookID, cycle, format, held)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("error storing events: %w", translate(err))
	}
	if len(filtered) > 0 {
		if err := s.fanOutFiltered(ctx, db, events, filtered, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// insertMatchedDeliveries is the CTE "dl" that inserts a pending delivery
// for each row of a CTE "matched" (id, wid, tenant, type, okey, oseq, rn).
//
// A keyed delivery is held behind an earlier one of this batch for the
// same webhook and key (rn > 1), or behind the last one before the batch if
// that is still pending. That last one is locked FOR SHARE: finishing it
// (an UPDATE) and looking for its successor then happen either wholly
// before this insert or wholly after its commit, so a successor is never
// missed.
const insertMatchedDeliveries = `dl AS (
			INSERT INTO deliveries (event_id, webhook_id, tenant, event_type, next_attempt_at, ordering_key, ordering_seq, held)
			SELECT m.id, m.wid, m.tenant, m.type, now(), m.okey, m.oseq,
				m.okey IS NOT NULL AND (m.rn > 1 OR coalesce((SELECT p.status = 'pending' FROM deliveries p
					WHERE p.webhook_id = m.wid AND p.tenant = m.tenant AND p.ordering_key = m.okey
						AND p.ordering_seq < m.oseq
					ORDER BY p.ordering_seq DESC LIMIT 1 FOR SHARE), false))
			FROM matched m
			RETURNING id, webhook_id, cycle, event_id, tenant, held
		)`

// add records one row of a fan-out: a delivery, when the row has one, and
// the format its body must exist in.
func (r *FanOutResult) add(key domain.EventKey, deliveryID, webhookID *int64, cycle *int, format *string, held bool) {
	if deliveryID != nil {
		r.Deliveries = append(r.Deliveries, &domain.Delivery{ID: *deliveryID, WebhookID: *webhookID, Cycle: *cycle,
			EventID: key.ID, Tenant: key.Tenant, Held: held})
	}
	if format != nil && *format != domain.FormatHookd && !slices.Contains(r.Formats[key], *format) {
		if r.Formats == nil {
			r.Formats = map[domain.EventKey][]string{}
		}
		r.Formats[key] = append(r.Formats[key], *format)
	}
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
