// Package hookd embeds hookd's delivery engine in a Go program that owns a
// Postgres database: emit events inside your own transactions, and let hookd
// sign, send and retry them.
//
//	client, err := hookd.New(pool, hookd.Config{EncryptionKey: key})
//	...
//	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
//		// ... your own writes ...
//		_, err := client.EmitTx(ctx, tx, hookd.Event{Type: "comment.created", Data: comment})
//		return err
//	})
//
// An event exists exactly when the caller's transaction commits; its
// deliveries and their River jobs commit with it.
//
// This package is the one API hookd promises to Go programs; server,
// delivery and store are its implementation.
package hookd

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hookd/hookd/delivery"
	"github.com/hookd/hookd/internal/dbhealth"
	"github.com/hookd/hookd/internal/secretbox"
	"github.com/hookd/hookd/server"
	"github.com/hookd/hookd/store"
)

// Client is an embedded hookd on one database.
type Client struct {
	cfg    Config
	pool   *pgxpool.Pool
	store  *store.Store
	engine *delivery.Engine
	api    *server.Server
	logger *slog.Logger
}

// New returns a client on pool. It can emit at once; call Start to also
// deliver from this process, and Stop when done. cfg is validated after
// WithDefaults; an invalid setting is an error.
func New(pool *pgxpool.Pool, cfg Config) (*Client, error) {
	cfg = cfg.WithDefaults()
	keys, err := secretbox.NewKeyring(cfg.EncryptionKey, cfg.OldEncryptionKeys...)
	if err != nil {
		return nil, fmt.Errorf("hookd: %w", err)
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	// Every part logs through one outage monitor: a database outage is a few
	// lines, not one per failed query of each worker and River service.
	_, logger = dbhealth.For(logger)
	st := store.New(keys)
	engine, err := delivery.NewEngine(pool, st, cfg.deliveryConfig(), logger)
	if err != nil {
		return nil, fmt.Errorf("hookd: %w", err)
	}
	api, err := server.New(cfg.serverConfig(), pool, st, engine.Dispatcher(), logger)
	if err != nil {
		return nil, fmt.Errorf("hookd: %w", err)
	}
	return &Client{cfg: cfg, pool: pool, store: st, engine: engine, api: api, logger: logger}, nil
}

// Migrate applies hookd's schema (and River's) to the database, then seals
// what a migration could not without the key: custom header values stored
// in plaintext by an earlier version.
func (c *Client) Migrate(ctx context.Context) error {
	if err := store.MigrateUp(ctx, c.pool, c.logger); err != nil {
		return err
	}
	n, err := c.store.SealPlaintextHeaders(ctx, c.pool, 100)
	if err != nil {
		return err
	}
	if n > 0 {
		c.logger.InfoContext(ctx, "sealed plaintext custom headers", slog.Int("webhooks", n))
	}
	return nil
}

// Start runs delivery workers in this process until Stop, and a rescuer
// that hands back deliveries stranded by processes that died.
func (c *Client) Start(ctx context.Context) error { return c.engine.Start(ctx) }

// Stop stops fetching new deliveries and waits for attempts in flight (they
// are bounded by the delivery timeout); if ctx ends first, they are
// cancelled and retried later. Emitting fails once Stop has been called;
// call it also when the client only emitted.
func (c *Client) Stop(ctx context.Context) error { return c.engine.Stop(ctx) }

// Principal is the caller a host's HandlerConfig.Authenticate finds for a
// request: the tenant it may act on ("" = every tenant) and its scopes
// (webhooks.read, webhooks.write, events.write, tokens.admin).
type Principal struct {
	Tenant string
	Scopes []string
}

// HandlerConfig configures Handler.
type HandlerConfig struct {
	// Authenticate maps a request to its caller; an error answers 401 in
	// hookd's error format. Nil: callers sign in with hookd API tokens.
	Authenticate func(*http.Request) (Principal, error)
}

// Handler serves hookd's admin API, its dashboard, health checks and
// metrics, for mounting in the host's own router (under a prefix with
// http.StripPrefix). The hookd binary serves this same handler.
func (c *Client) Handler(cfg HandlerConfig) http.Handler {
	if cfg.Authenticate == nil {
		return c.api.Handler(nil)
	}
	return c.api.Handler(func(r *http.Request) (*server.Caller, error) {
		p, err := cfg.Authenticate(r)
		if err != nil {
			return nil, err
		}
		return &server.Caller{Tenant: p.Tenant, Scopes: p.Scopes}, nil
	})
}

// Event is something that happened, to deliver to every active webhook of
// its tenant subscribed to its type.
type Event struct {
	// Type must be in the event catalog (see /v2/event-types).
	Type string
	// Data is the event's payload: any value that encodes to a JSON object,
	// or a json.RawMessage / []byte holding one.
	Data any
	// Tenant owns the event. Default "default".
	Tenant string
	// ID is optional and unique within Tenant (another tenant's event may
	// have the same); reusing one within 24 h returns the first answer and
	// creates nothing.
	ID string
	// OrderingKey, when set (1–255 printable ASCII characters, e.g.
	// "post:42"), delivers the event to each webhook only after every
	// earlier event of its tenant with the same key has finished there.
	OrderingKey string
}

// Emitted is an accepted event.
type Emitted struct {
	ID         string
	Type       string
	Created    time.Time
	Deliveries int
	// Replayed is true when the event's id had been emitted before.
	Replayed bool
	// OrderingSeq is the event's place in its ordering key's order, sent
	// as Hookd-Sequence (0 when unordered).
	OrderingSeq int64
}

// Emit accepts an event in a transaction of its own.
func (c *Client) Emit(ctx context.Context, e Event) (*Emitted, error) {
	var out *Emitted
	err := pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		var err error
		out, err = c.EmitTx(ctx, tx, e)
		return err
	})
	return out, err
}

// EmitTx accepts an event in the caller's transaction: it is stored, fanned
// out and queued if and only if tx commits. Errors are *domain.Error for
// bad input (unknown type, data not an object).
func (c *Client) EmitTx(ctx context.Context, tx pgx.Tx, e Event) (*Emitted, error) {
	var data json.RawMessage
	switch d := e.Data.(type) {
	case json.RawMessage:
		data = d
	case []byte:
		data = d
	default:
		b, err := json.Marshal(d)
		if err != nil {
			return nil, fmt.Errorf("hookd: encoding event data: %w", err)
		}
		data = b
	}
	out, err := c.engine.Dispatcher().EmitTx(ctx, tx, []delivery.EmitRequest{{Type: e.Type, Data: data, Tenant: e.Tenant, ID: e.ID,
		OrderingKey: e.OrderingKey}})
	if err != nil {
		return nil, err
	}
	em := &Emitted{ID: out[0].ID, Type: out[0].Type, Created: out[0].Created, Deliveries: out[0].Deliveries, Replayed: out[0].Replayed}
	if out[0].OrderingSeq != nil {
		em.OrderingSeq = *out[0].OrderingSeq
	}
	return em, nil
}
