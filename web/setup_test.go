package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd"
	"github.com/hookd/hookd/internal/deliverytest"
	"github.com/hookd/hookd/internal/storetest"
)

const adminToken = "test-admin-token-0123456789abcdefghijkl"

var testKey = []byte("0123456789abcdef0123456789abcdef")

// env is hookd running in-process for one test: the API and dashboard on an
// httptest server, delivery workers on a database of the test's own, and a
// receiver to deliver to.
type env struct {
	ctx    context.Context
	db     *storetest.Database
	url    string
	rcv    *deliverytest.Receiver
	client *hookd.Client

	// failing, while set, makes the API answer 503 to requests whose path
	// contains it: a database outage as the dashboard's polls see it.
	failing atomic.Pointer[string]
}

func setup(t *testing.T, adjust ...func(*hookd.Config)) *env {
	t.Helper()
	db := storetest.NewDatabase(t, 20)
	cfg := hookd.Config{
		EncryptionKey: testKey,
		// Fast retries, so a failing delivery runs out of attempts within
		// the test.
		RetryBase:       150 * time.Millisecond,
		DeliveryTimeout: 3 * time.Second,
		Version:         "test",
		// The receiver listens on loopback, which the SSRF guard refuses
		// by default.
		AllowPrivateNetworks: true,
		AllowHTTP:            true,
		AdminToken:           adminToken,
	}
	for _, fn := range adjust {
		fn(&cfg)
	}
	client, err := hookd.New(db.Pool, cfg)
	require.NoError(t, err)
	require.NoError(t, client.Start(context.Background()))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, client.Stop(ctx))
	})
	e := &env{ctx: context.Background(), db: db, rcv: deliverytest.NewReceiver(t), client: client}
	api := client.Handler(hookd.HandlerConfig{})
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := e.failing.Load(); p != nil && strings.Contains(r.URL.Path, *p) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Retry-After", "5")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, `{"code":"service_unavailable","message":"The database is unavailable; retry shortly.","data":{"status":503}}`)
			return
		}
		api.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	e.url = hs.URL
	return e
}

// fail makes API paths containing part answer 503 until heal.
func (e *env) fail(part string) { e.failing.Store(&part) }

func (e *env) heal() { e.failing.Store(nil) }

// call sends one API request and returns the status and decoded JSON body.
func (e *env) call(t *testing.T, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(e.ctx, method, e.url+path, rd)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	var out map[string]any
	if len(raw) > 0 {
		require.NoError(t, json.Unmarshal(raw, &out), "%s", raw)
	}
	return res.StatusCode, out
}

// webhook creates a webhook through the API and returns its id and secret.
func (e *env) webhook(t *testing.T, name, url string, retries int, events ...string) (int64, string) {
	t.Helper()
	status, out := e.call(t, http.MethodPost, "/v2/admin/webhooks", adminToken, map[string]any{
		"name": name, "url": url, "events": events, "retry_count": retries,
	})
	require.Equal(t, http.StatusCreated, status, "%v", out)
	return int64(out["id"].(float64)), out["secret"].(string)
}
