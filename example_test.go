package hookd_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
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

// ExampleClient_Handler mounts hookd in the host product's own router,
// behind the product's own login: each community's admin manages that
// community's webhooks there, API and dashboard, without a hookd token.
func ExampleClient_Handler() {
	ctx := context.Background()
	client, err := hookd.New(examplePool, hookd.Config{EncryptionKey: []byte("an-example-key-of-exactly-32-by!")})
	if err != nil {
		panic(err)
	}
	if err := client.Migrate(ctx); err != nil {
		panic(err)
	}

	// The product's sessions: a cookie naming a signed-in admin's community.
	sessions := map[string]string{"session-of-alice": "example-acme"}
	mux := http.NewServeMux()
	mux.Handle("/community/webhooks/", http.StripPrefix("/community/webhooks", client.Handler(hookd.HandlerConfig{
		Authenticate: func(r *http.Request) (hookd.Principal, error) {
			c, err := r.Cookie("session")
			if err != nil {
				return hookd.Principal{}, err
			}
			community, ok := sessions[c.Value]
			if !ok {
				return hookd.Principal{}, errors.New("unknown session")
			}
			return hookd.Principal{Tenant: community, Scopes: []string{"webhooks.write"}}, nil
		},
	})))
	app := httptest.NewServer(mux)
	defer app.Close()

	// call sends a request to the product as a browser would, signed in
	// when session is set.
	call := func(method, path, session, body string) (int, http.Header, map[string]any) {
		req, _ := http.NewRequest(method, app.URL+path, strings.NewReader(body))
		if session != "" {
			req.AddCookie(&http.Cookie{Name: "session", Value: session})
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		defer res.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(res.Body).Decode(&out)
		return res.StatusCode, res.Header, out
	}

	status, _, out := call(http.MethodGet, "/community/webhooks/v2/admin/webhooks", "", "")
	fmt.Println("signed out:", status, out["code"])

	status, _, out = call(http.MethodPost, "/community/webhooks/v2/admin/webhooks", "session-of-alice",
		`{"name": "Moderation", "url": "https://example.com/hooks", "events": ["comment.*"]}`)
	fmt.Println("created:", status, "for", out["tenant"])

	_, _, out = call(http.MethodGet, "/community/webhooks/v2/admin/webhooks", "session-of-alice", "")
	fmt.Println("webhooks of example-acme:", len(out["webhooks"].([]any)))

	status, header, _ := call(http.MethodGet, "/community/webhooks/", "session-of-alice", "")
	fmt.Println("dashboard:", status, header.Get("Content-Type"))

	// Output:
	// signed out: 401 unauthorized
	// created: 201 for example-acme
	// webhooks of example-acme: 1
	// dashboard: 200 text/html; charset=utf-8
}
