package store

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hookd/hookd/domain"
)

// filterCandidate is a filtered webhook subscribed to a new event: it gets a
// delivery if the event passes its filter.
type filterCandidate struct {
	event     domain.EventKey
	webhookID int64
	updatedAt time.Time
}

// maxCachedFilters bounds the cache; past it, it starts again empty.
const maxCachedFilters = 100_000

// filterCache holds compiled filters by webhook. An entry stands while the
// webhook's updated_at is the one it was compiled for: every change of a
// webhook through the API sets updated_at, and nothing else does. So a filter
// is compiled once per process and change, never per event.
type filterCache struct {
	mu   sync.Mutex
	byID map[int64]cachedFilter
}

type cachedFilter struct {
	updatedAt time.Time
	filter    *domain.Filter
}

func newFilterCache() *filterCache { return &filterCache{byID: map[int64]cachedFilter{}} }

func (c *filterCache) get(id int64, updatedAt time.Time) (*domain.Filter, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byID[id]
	if !ok || !e.updatedAt.Equal(updatedAt) {
		return nil, false
	}
	return e.filter, true
}

func (c *filterCache) put(id int64, updatedAt time.Time, f *domain.Filter) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.byID) >= maxCachedFilters {
		c.byID = map[int64]cachedFilter{}
	}
	c.byID[id] = cachedFilter{updatedAt: updatedAt, filter: f}
}

// compileStored compiles a filter read from the database. It was validated
// when saved; should it no longer compile (a later, stricter version), the
// webhook receives every event rather than silently none.
func compileStored(raw json.RawMessage) *domain.Filter {
	if domain.FilterIsEmpty(raw) {
		return nil
	}
	f, err := domain.ParseFilter(raw)
	if err != nil {
		return nil
	}
	return f
}

// Filters returns the compiled filter of each webhook given with the
// updated_at it was read at (nil: none), reading and compiling only those
// not cached.
func (s *Store) Filters(ctx context.Context, db DBTX, want map[int64]time.Time) (map[int64]*domain.Filter, error) {
	out := make(map[int64]*domain.Filter, len(want))
	var missing []int64
	for id, at := range want {
		if f, ok := s.filters.get(id, at); ok {
			out[id] = f
			continue
		}
		missing = append(missing, id)
	}
	if len(missing) == 0 {
		return out, nil
	}
	rows, err := db.Query(ctx, `SELECT id, updated_at, filter FROM webhooks WHERE id = ANY($1)`, missing)
	if err != nil {
		return nil, fmt.Errorf("error reading filters: %w", translate(err))
	}
	var (
		id  int64
		at  time.Time
		raw json.RawMessage
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &at, &raw}, func() error {
		f := compileStored(raw)
		s.filters.put(id, at, f)
		out[id] = f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("error reading filters: %w", translate(err))
	}
	return out, nil
}

// fanOutFiltered creates the deliveries of filtered webhooks to the new
// events that pass their filters, and adds them to out. Each event's data
// is decoded once, whatever the number of filters.
func (s *Store) fanOutFiltered(ctx context.Context, db DBTX, events []*domain.Event, cands []filterCandidate, out *FanOutResult) error {
	want := make(map[int64]time.Time, len(cands))
	for _, c := range cands {
		want[c.webhookID] = c.updatedAt
	}
	filters, err := s.Filters(ctx, db, want)
	if err != nil {
		return err
	}
	byKey := make(map[domain.EventKey]*domain.Event, len(events))
	for _, e := range events {
		byKey[e.Key()] = e
	}
	docs := map[domain.EventKey]*domain.FilterDocument{}
	var ids, tenants []string
	var wids []int64
	for _, c := range cands {
		if f := filters[c.webhookID]; f != nil {
			doc, ok := docs[c.event]
			if !ok {
				e := byKey[c.event]
				d, err := domain.NewFilterDocument(e.Type, e.Tenant, e.Data)
				if err == nil {
					doc = &d
				}
				docs[c.event] = doc // nil: undecodable data, which emit refuses; deliver rather than drop
			}
			if doc != nil && !f.Match(*doc) {
				continue
			}
		}
		ids, tenants, wids = append(ids, c.event.ID), append(tenants, c.event.Tenant), append(wids, c.webhookID)
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := db.Query(ctx, `WITH input AS (
			SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) AS u(id, tenant, wid)
		), matched AS (
			SELECT e.id, i.wid, e.tenant, e.type, e.ordering_key AS okey, e.ordering_seq AS oseq,
				row_number() OVER (PARTITION BY i.wid, e.tenant, e.ordering_key ORDER BY e.ordering_seq) AS rn
			FROM input i JOIN events e ON e.id = i.id AND e.tenant = i.tenant
		), `+insertMatchedDeliveries+`
		SELECT dl.event_id, dl.tenant, dl.id, dl.webhook_id, dl.cycle, w.format, dl.held
		FROM dl JOIN webhooks w ON w.id = dl.webhook_id`, ids, tenants, wids)
	if err != nil {
		return fmt.Errorf("error storing filtered deliveries: %w", translate(err))
	}
	var (
		key        domain.EventKey
		deliveryID *int64
		webhookID  *int64
		cycle      *int
		format     *string
		held       bool
	)
	_, err = pgx.ForEachRow(rows, []any{&key.ID, &key.Tenant, &deliveryID, &webhookID, &cycle, &format, &held}, func() error {
		out.add(key, deliveryID, webhookID, cycle, format, held)
		return nil
	})
	if err != nil {
		return fmt.Errorf("error storing filtered deliveries: %w", translate(err))
	}
	return nil
}
