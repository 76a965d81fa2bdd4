package hookd_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hookd/hookd"
	"github.com/hookd/hookd/internal/storetest"
)

// examplePool is a fresh database for the examples.
var examplePool *pgxpool.Pool

func TestMain(m *testing.M) {
	db, drop, err := storetest.Open(context.Background(), 10)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	examplePool = db.Pool
	code := m.Run()
	_ = drop()
	os.Exit(code)
}

// ExampleClient_EmitTx emits an event in the same transaction as the
// product's own write: the event exists, and is delivered, exactly when
// that transaction commits.
func ExampleClient_EmitTx() {
	ctx := context.Background()
	pool := examplePool // your application's *pgxpool.Pool

	client, err := hookd.New(pool, hookd.Config{
		EncryptionKey:        []byte("an-example-key-of-exactly-32-by!"),
		AllowPrivateNetworks: true, // the receiver below is on loopback
	})
	if err != nil {
		panic(err)
	}
	if err := client.Migrate(ctx); err != nil {
		panic(err)
	}
	if err := client.Start(ctx); err != nil {
		panic(err)
	}
	defer client.Stop(ctx) //nolint:errcheck // an example: stopping at exit has nothing to report

	// A subscriber's endpoint, verifying each request's signature.
	var secret string
	received := make(chan string, 1)
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := hookd.VerifySignature(r.Header.Get("Hookd-Signature"), body, secret, 5*time.Minute); err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		received <- r.Header.Get("Hookd-Event-Type")
	}))
	defer endpoint.Close()

	hook, err := client.CreateWebhook(ctx, hookd.Webhook{Name: "comments", URL: endpoint.URL, Events: []string{"comment.*"}})
	if err != nil {
		panic(err)
	}
	secret = hook.Secret

	if _, err := pool.Exec(ctx, `CREATE TABLE IF NOT EXISTS comments (id bigint PRIMARY KEY, body text)`); err != nil {
		panic(err)
	}

	// The product's write and its event, in one transaction.
	tx, err := pool.Begin(ctx)
	if err != nil {
		panic(err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO comments (id, body) VALUES (1, 'Hello')`); err != nil {
		panic(err)
	}
	emitted, err := client.EmitTx(ctx, tx, hookd.Event{Type: "comment.created", Data: map[string]any{"id": 1, "body": "Hello"}})
	if err != nil {
		panic(err)
	}
	if err := tx.Commit(ctx); err != nil {
		panic(err)
	}
	fmt.Println("deliveries queued:", emitted.Deliveries)
	fmt.Println("endpoint received:", <-received)

	// Rolled back: no comment, no event, nothing sent.
	tx, err = pool.Begin(ctx)
	if err != nil {
		panic(err)
	}
	rolledBack, err := client.EmitTx(ctx, tx, hookd.Event{Type: "comment.created", Data: map[string]any{"id": 2}})
	if err != nil {
		panic(err)
	}
	_ = tx.Rollback(ctx)
	var stored bool
	_ = pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM events WHERE id = $1)`, rolledBack.ID).Scan(&stored)
	fmt.Println("rolled-back event stored:", stored)

	// Output:
	// deliveries queued: 1
	// endpoint received: comment.created
	// rolled-back event stored: false
}
