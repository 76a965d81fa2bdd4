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
package hookd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/hookd/hookd/delivery"
	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/secretbox"
	"github.com/hookd/hookd/store"
)

// Config configures an embedded hookd. Zero values take the defaults noted.
type Config struct {
	// EncryptionKey seals stored webhook secrets: 32 bytes. Required.
	EncryptionKey []byte
	// OldEncryptionKeys open rows sealed before a key rotation.
	OldEncryptionKeys [][]byte
	// DeliveryTimeout bounds one attempt. Default 10s.
	DeliveryTimeout time.Duration
	// RetryBase is the first retry delay; later ones grow ×5. Default 5s.
	RetryBase time.Duration
	// DisableAfter turns a webhook inactive after this many consecutive
	// failed deliveries; negative never does. Default 20.
	DisableAfter int
	// SignatureHeader names the signature header. Default Hookd-Signature.
	SignatureHeader string
	// Workers bounds concurrent deliveries in this process. Default 100.
	Workers int
	// Version goes into the User-Agent, hookd/<version>. Default "dev".
	Version string
	// WebhookConcurrency bounds one webhook's deliveries in flight in this
	// process. Default 10.
	WebhookConcurrency int
	// AllowPrivateNetworks lets deliveries reach loopback, private and other
	// internal addresses, which the SSRF guard refuses by default.
	AllowPrivateNetworks bool
	// AllowedCIDRs opens only these ranges to deliveries.
	AllowedCIDRs []netip.Prefix
	// Retention is how long events, deliveries and attempts are kept; a
	// periodic job deletes older ones. Default 30 days; negative keeps them
	// forever.
	Retention time.Duration
	// RetentionInterval is how often retention runs. Default 1 hour.
	RetentionInterval time.Duration
	// Logger receives hookd's and River's logs. Default: discarded.
	Logger *slog.Logger
}

// Client is an embedded hookd on one database.
type Client struct {
	pool       *pgxpool.Pool
	store      *store.Store
	dispatcher *delivery.Dispatcher
	river      *river.Client[pgx.Tx]
	sender     *delivery.Sender
	rescuer    *delivery.Rescuer
	logger     *slog.Logger

	stopRescuer context.CancelFunc
	rescuerDone chan struct{}

	addresses       domain.AddressPolicy
	signatureHeader string
}

// New returns a client on pool. It can emit at once; call Start to also
// deliver from this process.
func New(pool *pgxpool.Pool, cfg Config) (*Client, error) {
	keys, err := secretbox.NewKeyring(cfg.EncryptionKey, cfg.OldEncryptionKeys...)
	if err != nil {
		return nil, fmt.Errorf("hookd: %w", err)
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	disableAfter := cfg.DisableAfter
	switch {
	case disableAfter == 0:
		disableAfter = 20
	case disableAfter < 0:
		disableAfter = 0
	}
	retention := cfg.Retention
	switch {
	case retention == 0:
		retention = 30 * 24 * time.Hour
	case retention < 0:
		retention = 0
	}
	dcfg := delivery.Config{
		DeliveryTimeout: cfg.DeliveryTimeout,
		RetryBase:       cfg.RetryBase,
		DisableAfter:    disableAfter,
		SignatureHeader: cfg.SignatureHeader,
		Version:         cfg.Version,
		Workers:         cfg.Workers,
		Addresses:       domain.AddressPolicy{AllowPrivate: cfg.AllowPrivateNetworks, Allowed: cfg.AllowedCIDRs},

		WebhookConcurrency: cfg.WebhookConcurrency,
		Retention:          retention,
		RetentionInterval:  cfg.RetentionInterval,
		ClientID:           delivery.NewClientID(),
	}.WithDefaults()
	st := store.New(keys)
	sender := dcfg.NewSender()
	worker := delivery.NewWorker(pool, st, sender, dcfg, logger)
	rc, err := delivery.NewRiverClient(pool, dcfg, worker, delivery.NewRetentionWorker(pool, st, dcfg.Retention, logger), logger)
	if err != nil {
		return nil, fmt.Errorf("hookd: %w", err)
	}
	return &Client{
		pool:       pool,
		store:      st,
		dispatcher: delivery.NewDispatcher(pool, st, rc, sender, dcfg),
		river:      rc,
		sender:     sender,
		rescuer:    delivery.NewRescuer(pool, st, dcfg, dcfg.ClientID, logger),
		logger:     logger,

		addresses:       dcfg.Addresses,
		signatureHeader: dcfg.SignatureHeader,
	}, nil
}

// Migrate applies hookd's schema (and River's) to the database.
func (c *Client) Migrate(ctx context.Context) error {
	return store.MigrateUp(ctx, c.pool, c.logger)
}

// Start runs delivery workers in this process until Stop, and a rescuer
// that hands back deliveries stranded by processes that died.
func (c *Client) Start(ctx context.Context) error {
	if err := c.river.Start(ctx); err != nil {
		return err
	}
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	c.stopRescuer, c.rescuerDone = cancel, make(chan struct{})
	go func() {
		defer close(c.rescuerDone)
		c.rescuer.Run(rctx)
	}()
	return nil
}

// Stop stops fetching new deliveries and waits for attempts in flight (they
// are bounded by the delivery timeout); if ctx ends first, they are
// cancelled and retried later.
func (c *Client) Stop(ctx context.Context) error {
	if c.stopRescuer != nil {
		c.stopRescuer()
		<-c.rescuerDone
	}
	err := c.river.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		err = c.river.StopAndCancel(context.WithoutCancel(ctx))
	}
	c.sender.CloseIdle()
	return err
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
	// ID is optional; reusing one within 24 h returns the first answer and
	// creates nothing.
	ID string
}

// Emitted is an accepted event.
type Emitted struct {
	ID         string
	Type       string
	Created    time.Time
	Deliveries int
	// Replayed is true when the event's id had been emitted before.
	Replayed bool
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
	out, err := c.dispatcher.EmitTx(ctx, tx, []delivery.EmitRequest{{Type: e.Type, Data: data, Tenant: e.Tenant, ID: e.ID}})
	if err != nil {
		return nil, err
	}
	return &Emitted{ID: out[0].ID, Type: out[0].Type, Created: out[0].Created, Deliveries: out[0].Deliveries, Replayed: out[0].Replayed}, nil
}

// Store exposes the data layer, for the hookd binary's API server.
func (c *Client) Store() *store.Store { return c.store }

// Dispatcher exposes the event intake, for the hookd binary's API server.
func (c *Client) Dispatcher() *delivery.Dispatcher { return c.dispatcher }
