package delivery

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/store"
)

// eventTypes caches the built-in catalog's entries, which change only with
// a migration (never removed, regrouped or redescribed), so a cached entry
// cannot go stale. Custom types are per tenant and can be deleted: they are
// read each time.
type eventTypes struct {
	store *store.Store
	m     sync.Map // name → *domain.EventType
}

// get returns the entry name has in tenant's catalog.
func (c *eventTypes) get(ctx context.Context, db store.DBTX, tenant, name string) (*domain.EventType, error) {
	if et, ok := c.m.Load(name); ok {
		return et.(*domain.EventType), nil
	}
	et, err := c.store.GetEventType(ctx, db, &tenant, name)
	if err != nil {
		return nil, err
	}
	if et.Tenant == nil {
		c.m.Store(name, et)
	}
	return et, nil
}

// bodies builds events' bodies in the formats other than hookd's and
// stores them, once per (event, format); see format for why.
type bodies struct {
	store *store.Store
	types *eventTypes
}

// source returns what e's bodies are built from.
func (b *bodies) source(ctx context.Context, db store.DBTX, e *domain.Event) (*bodySource, error) {
	et, err := b.types.get(ctx, db, e.Tenant, e.Type)
	if err != nil {
		return nil, err
	}
	return &bodySource{ID: e.ID, Tenant: e.Tenant, Type: e.Type, Created: e.CreatedAt, Data: e.Data, Description: et.Description}, nil
}

// storeForFanOut builds and stores, in the fan-out's transaction, one
// body per format the new events' webhooks use (formats: event → its
// formats other than hookd's). events holds each event once.
func (b *bodies) storeForFanOut(ctx context.Context, db store.DBTX, events []*domain.Event, formats map[domain.EventKey][]string) error {
	if len(formats) == 0 {
		return nil
	}
	var out []store.EventBody
	for _, e := range events {
		names := formats[e.Key()]
		if len(names) == 0 {
			continue
		}
		src, err := b.source(ctx, db, e)
		if err != nil {
			return err
		}
		for _, name := range names {
			body, err := formatOf(name).body(src)
			if err != nil {
				return err
			}
			out = append(out, store.EventBody{Event: e.Key(), Format: name, Body: body})
		}
	}
	return b.store.InsertEventBodies(ctx, db, out)
}

// ensure returns an event's stored body in format, building it from the
// stored event and storing it first when there is none yet: for webhooks
// that switched format after the event fanned out.
func (b *bodies) ensure(ctx context.Context, db store.DBTX, event domain.EventKey, format string) ([]byte, error) {
	return b.get(ctx, db, event, format, true)
}

// get returns an event's stored body in format; when there is none yet it
// builds it, and stores it if keep.
func (b *bodies) get(ctx context.Context, db store.DBTX, event domain.EventKey, format string, keep bool) ([]byte, error) {
	body, ok, err := b.store.GetEventBody(ctx, db, event, format)
	if err != nil || ok {
		return body, err
	}
	e, err := b.store.GetEvent(ctx, db, event.ID, &event.Tenant)
	if err != nil {
		return nil, err
	}
	if format == domain.FormatHookd {
		return e.Body, nil
	}
	data, found := memberValue(e.Body, "data")
	if !found {
		return nil, fmt.Errorf("error reading event %s: %w", event.ID, errors.New("its envelope has no data"))
	}
	e.Data = data
	src, err := b.source(ctx, db, e)
	if err != nil {
		return nil, err
	}
	built, err := formatOf(format).body(src)
	if err != nil || !keep {
		return built, err
	}
	return b.store.StoreEventBody(ctx, db, store.EventBody{Event: event, Format: format, Body: built})
}
