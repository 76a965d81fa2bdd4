package delivery

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/metrics"
	"github.com/hookd/hookd/store"
)

// Dispatcher accepts events and queues their deliveries: it writes the
// event, one delivery per subscribed webhook and one River job per delivery
// in a single transaction, so an event exists exactly when its deliveries
// are queued.
type Dispatcher struct {
	pool   *pgxpool.Pool
	store  *store.Store
	river  *river.Client[pgx.Tx]
	sender *Sender
	cfg    Config

	types  *eventTypes
	bodies *bodies

	batcher *coalescer[EmitRequest, Emitted]

	// holdBack, when set, delays a new job of a stalled endpoint that
	// would only be fetched to be snoozed (scheduler.holdBack).
	holdBack func(webhookID int64) time.Duration
}

// newDispatcher returns a dispatcher inserting jobs with riverClient and
// test-firing with sender.
func newDispatcher(pool *pgxpool.Pool, st *store.Store, riverClient *river.Client[pgx.Tx], sender *Sender, cfg Config) *Dispatcher {
	types := &eventTypes{store: st}
	d := &Dispatcher{pool: pool, store: st, river: riverClient, sender: sender, cfg: cfg,
		types: types, bodies: &bodies{store: st, types: types}}
	d.batcher = newEmitBatcher(d)
	return d
}

// EmitRequest is one event to accept.
type EmitRequest struct {
	// Type must be in the event catalog.
	Type string
	// Data must be a JSON object.
	Data json.RawMessage
	// Tenant owns the event; only its webhooks receive it. Default "default".
	Tenant string
	// ID is optional; an id seen within 24 h returns the first answer.
	ID string
	// OrderingKey, when set, delivers the event to each webhook only after
	// the earlier events of the same tenant and key have finished there.
	OrderingKey string

	// operational marks hookd's own reports, the only way to emit their
	// types: a caller could otherwise forge a webhook.disabled.
	operational bool
}

// Emitted is the answer for one accepted event.
type Emitted struct {
	ID         string
	Type       string
	Created    time.Time
	Deliveries int
	// Replayed is true when the event existed already (an id seen before).
	Replayed bool
	// OrderingKey and OrderingSeq are the event's place in its key's order
	// (nil when unordered).
	OrderingKey *string
	OrderingSeq *int64
}

// MaxBatch bounds the events of one EmitTx call.
const MaxBatch = 500

// Emit accepts events in a transaction of its own.
func (d *Dispatcher) Emit(ctx context.Context, reqs []EmitRequest) ([]Emitted, error) {
	var out []Emitted
	err := store.InTx(ctx, d.pool, func(tx pgx.Tx) error {
		var err error
		out, err = d.EmitTx(ctx, tx, reqs)
		return err
	})
	return out, err
}

// EmitTx accepts events in the caller's transaction: the events, their
// deliveries and their jobs commit or roll back with it. Errors name the
// offending event as events[i] when there are several.
func (d *Dispatcher) EmitTx(ctx context.Context, tx pgx.Tx, reqs []EmitRequest) ([]Emitted, error) {
	return d.emitTx(ctx, tx, reqs, nil)
}

// emitTx is EmitTx where reqs[i] is never delivered to the webhook
// exclude[i] (when exclude is not nil).
func (d *Dispatcher) emitTx(ctx context.Context, tx pgx.Tx, reqs []EmitRequest, exclude []int64) ([]Emitted, error) {
	if len(reqs) == 0 {
		return nil, nil
	}
	if len(reqs) > MaxBatch {
		return nil, domain.InvalidParam("events", "at most %d events per batch.", MaxBatch)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	events := make([]*domain.Event, len(reqs))
	groups := make([]string, len(reqs))
	// An event is its tenant's id: two tenants may each send id "x".
	first := make(map[domain.EventKey]int, len(reqs))
	for i, r := range reqs {
		field := func(name string) string {
			if len(reqs) == 1 {
				return name
			}
			return fmt.Sprintf("events[%d].%s", i, name)
		}
		e, group, err := d.prepare(ctx, tx, r, now, field)
		if err != nil {
			return nil, err
		}
		if j, dup := first[e.Key()]; dup {
			events[i], groups[i] = events[j], groups[j]
			continue
		}
		first[e.Key()] = i
		events[i], groups[i] = e, group
	}

	items := make([]store.FanOut, 0, len(first))
	unique := make([]*domain.Event, 0, len(first))
	for i, e := range events {
		if first[e.Key()] != i {
			continue
		}
		item := store.FanOut{Event: e, Patterns: domain.MatchPatterns(e.Type, groups[i]), IfSubscribed: reqs[i].operational}
		if exclude != nil {
			item.Exclude = exclude[i]
		}
		items = append(items, item)
		unique = append(unique, e)
	}
	res, err := d.store.InsertAndFanOut(ctx, tx, items)
	if err != nil {
		return nil, err
	}
	if err := d.bodies.storeForFanOut(ctx, tx, unique, res.Formats); err != nil {
		return nil, err
	}
	perEvent := make(map[domain.EventKey]int, len(res.Inserted))
	for _, del := range res.Deliveries {
		perEvent[domain.EventKey{Tenant: del.Tenant, ID: del.EventID}]++
	}

	out := make([]Emitted, len(reqs))
	for i, e := range events {
		if first[e.Key()] != i {
			continue // filled from its first occurrence below
		}
		out[i] = Emitted{ID: e.ID, Type: e.Type, Created: e.CreatedAt, Deliveries: perEvent[e.Key()],
			OrderingKey: e.OrderingKey, OrderingSeq: e.OrderingSeq}
		// An operational event nobody listens to is not stored; its id is
		// new, so absent means that, not a replay.
		if !res.Inserted[e.Key()] && !reqs[i].operational {
			if err := d.replay(ctx, tx, e, &out[i]); err != nil {
				return nil, err
			}
		}
	}
	// Held deliveries get their job when the one before them finishes.
	runnable := res.Deliveries
	if slices.ContainsFunc(runnable, func(d *domain.Delivery) bool { return d.Held }) {
		runnable = slices.DeleteFunc(slices.Clone(runnable), func(d *domain.Delivery) bool { return d.Held })
	}
	if len(runnable) > 0 {
		if _, err := d.river.InsertManyTx(ctx, tx, heldJobParams(runnable, d.holdBack)); err != nil {
			return nil, fmt.Errorf("error queueing deliveries: %w", store.Classify(err))
		}
	}
	// Counted before commit: a rolled-back emit over-counts, which a rate
	// metric tolerates better than a hook on every caller's commit.
	metrics.EventsAccepted.Add(float64(len(res.Inserted)))
	metrics.DeliveriesQueued.Add(float64(len(res.Deliveries)))
	for i, e := range events {
		if j := first[e.Key()]; j != i {
			out[i] = out[j]
			out[i].Replayed = true
		}
	}
	return out, nil
}

// prepare validates one request and builds its event.
func (d *Dispatcher) prepare(ctx context.Context, tx store.DBTX, r EmitRequest, now time.Time, field func(string) string) (*domain.Event, string, error) {
	group, err := d.validate(ctx, tx, r, field)
	if err != nil {
		return nil, "", err
	}
	if r.Tenant == "" {
		r.Tenant = domain.DefaultTenant
	}
	id := r.ID
	if id == "" {
		id = domain.NewEventID()
	}
	data, err := compactData(r.Data)
	if err != nil {
		return nil, "", domain.InvalidParam(field("data"), "%s must be a JSON object.", field("data"))
	}
	body := buildEnvelope(id, r.Type, now, data)
	e := &domain.Event{ID: id, Tenant: r.Tenant, Type: r.Type, Data: data, Body: body, CreatedAt: now}
	if r.OrderingKey != "" {
		key := r.OrderingKey
		e.OrderingKey = &key
	}
	return e, group, nil
}

// validate checks one request and returns its event type's group.
func (d *Dispatcher) validate(ctx context.Context, db store.DBTX, r EmitRequest, field func(string) string) (string, error) {
	tenant := r.Tenant
	if tenant == "" {
		tenant = domain.DefaultTenant
	}
	if err := domain.ValidateTenant(tenant); err != nil {
		return "", domain.InvalidParam(field("tenant"), "%s", err)
	}
	if r.Type == domain.TestEventType {
		return "", domain.InvalidParam(field("type"), "%s is sent only by test-fires.", domain.TestEventType)
	}
	if domain.IsOperationalEvent(r.Type) && !r.operational {
		return "", domain.InvalidParam(field("type"), "%s is sent only by hookd, when it happens.", r.Type)
	}
	group, err := d.group(ctx, db, tenant, r.Type)
	if err != nil {
		if errors.Is(err, domain.ErrEventTypeNotFound) {
			return "", domain.InvalidParam(field("type"), "%q is not in the event catalog; register it with POST /v2/event-types.", r.Type)
		}
		return "", err
	}
	if err := validateData(field("data"), r.Data); err != nil {
		return "", err
	}
	if r.ID != "" {
		if err := domain.ValidateEventID(r.ID); err != nil {
			return "", domain.InvalidParam(field("id"), "%s", err)
		}
	}
	if r.OrderingKey != "" {
		if err := domain.ValidateOrderingKey(r.OrderingKey); err != nil {
			return "", domain.InvalidParam(field("ordering_key"), "%s", err)
		}
	}
	return group, nil
}

// group returns the group of eventType in tenant's catalog.
func (d *Dispatcher) group(ctx context.Context, db store.DBTX, tenant, eventType string) (string, error) {
	et, err := d.types.get(ctx, db, tenant, eventType)
	if err != nil {
		return "", err
	}
	return et.Group, nil
}

// replay answers for an event whose id its tenant had already: the first
// answer if it is under 24 h old. Another tenant's event with the same id
// is a different event and never seen here.
func (d *Dispatcher) replay(ctx context.Context, tx pgx.Tx, e *domain.Event, out *Emitted) error {
	existing, err := d.store.GetEvent(ctx, tx, e.ID, &e.Tenant)
	if err != nil {
		return err
	}
	if time.Since(existing.CreatedAt) > 24*time.Hour {
		return domain.ErrEventIDTaken
	}
	n, err := d.store.CountDeliveries(ctx, tx, existing.Key())
	if err != nil {
		return err
	}
	*out = Emitted{ID: existing.ID, Type: existing.Type, Created: existing.CreatedAt, Deliveries: n, Replayed: true,
		OrderingKey: existing.OrderingKey, OrderingSeq: existing.OrderingSeq}
	return nil
}

// Redeliver starts a new cycle of attempts for a finished delivery: same
// body, fresh signature.
func (d *Dispatcher) Redeliver(ctx context.Context, deliveryID int64, tenant *string) (*domain.Delivery, error) {
	var out *domain.Delivery
	err := store.InTx(ctx, d.pool, func(tx pgx.Tx) error {
		current, err := d.store.GetDelivery(ctx, tx, deliveryID, tenant)
		if err != nil {
			return err
		}
		if err := d.requireActive(ctx, tx, current.WebhookID); err != nil {
			return err
		}
		out, err = d.store.RestartDelivery(ctx, tx, deliveryID, tenant)
		if err != nil {
			return err
		}
		if _, err := d.river.InsertManyTx(ctx, tx, jobParams([]*domain.Delivery{out})); err != nil {
			return fmt.Errorf("error queueing delivery: %w", store.Classify(err))
		}
		metrics.DeliveriesQueued.Inc()
		return nil
	})
	return out, err
}

// Recover starts a new cycle for every delivery of a webhook created in
// [since, until) whose status is one of statuses (failed, cancelled) and
// returns how many.
func (d *Dispatcher) Recover(ctx context.Context, webhookID int64, since, until time.Time, statuses []string) (int, error) {
	var n int
	err := store.InTx(ctx, d.pool, func(tx pgx.Tx) error {
		if err := d.requireActive(ctx, tx, webhookID); err != nil {
			return err
		}
		list, err := d.store.RestartDeliveries(ctx, tx, webhookID, since, until, statuses)
		if err != nil || len(list) == 0 {
			return err
		}
		n = len(list)
		if _, err := d.river.InsertManyTx(ctx, tx, jobParams(list)); err != nil {
			return fmt.Errorf("error queueing deliveries: %w", store.Classify(err))
		}
		metrics.DeliveriesQueued.Add(float64(n))
		return nil
	})
	return n, err
}

func (d *Dispatcher) requireActive(ctx context.Context, db store.DBTX, webhookID int64) error {
	w, err := d.store.GetWebhook(ctx, db, webhookID, nil)
	if err != nil {
		return err
	}
	if w.Status != domain.WebhookActive {
		return domain.ErrWebhookInactive
	}
	return nil
}

// DeliveryBody returns the body an event is sent with in format: the one
// stored, which every delivery in that format carries, or, when none has
// needed that format yet, the body one would carry (not stored).
func (d *Dispatcher) DeliveryBody(ctx context.Context, event domain.EventKey, format string) ([]byte, error) {
	if err := domain.ValidateFormat(format); err != nil {
		return nil, err
	}
	return d.bodies.get(ctx, d.pool, event, format, false)
}

// Skip ends a pending delivery as failed by hand, without sending it; an
// ordered delivery's successor is released and queued at once.
func (d *Dispatcher) Skip(ctx context.Context, deliveryID int64, tenant *string) (*domain.Delivery, error) {
	return d.store.SkipDelivery(ctx, d.pool, deliveryID, tenant, d.queue)
}

// queue inserts the jobs of deliveries released in tx.
func (d *Dispatcher) queue(ctx context.Context, tx pgx.Tx, ds []*domain.Delivery) error {
	return insertJobs(ctx, d.river, tx, ds)
}
