package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/internal/apitest"
	"github.com/hookd/hookd/internal/deliverytest"
	"github.com/hookd/hookd/internal/storetest"
)

// lockedBuffer collects log output from many goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestNothingSecretInLogs runs hookd through everything that touches a
// credential, with debug logs captured, then searches the logs and the
// stored attempts for every secret, token, Authorization value and
// signature involved.
func TestNothingSecretInLogs(t *testing.T) {
	t.Parallel()
	db := storetest.NewDatabase(t, 10)
	logs := &lockedBuffer{}
	const admin = "admin-token-for-log-test-0123456789"
	cfg, err := loadConfig(env("DATABASE_URL", db.URL, "HOOKD_ADDR", "127.0.0.1:0", "HOOKD_ENCRYPTION_KEY", testKey(t),
		"HOOKD_ADMIN_TOKEN", admin, "HOOKD_ALLOW_HTTP", "true", "HOOKD_ALLOW_PRIVATE_NETWORKS", "true",
		"HOOKD_RETRY_BASE", "100ms", "HOOKD_DELIVERY_TIMEOUT", "1s", "HOOKD_LOG_LEVEL", "debug", "HOOKD_LOG_FORMAT", "json"))
	require.NoError(t, err)
	m := &Main{Config: cfg, Logger: newLogger(cfg, logs)}
	require.NoError(t, m.Run(context.Background()))
	t.Cleanup(func() { _ = m.Close() })
	api := apitest.NewClient(t, "http://"+m.Addr())

	rcv := deliverytest.NewReceiver(t)
	// Two 500s: whichever of the test-fire and the first attempt comes first,
	// the delivery fails once and is retried.
	rcv.Respond(deliverytest.Sequence(deliverytest.Status(500), deliverytest.Status(500), deliverytest.Status(200)))
	const authz = "Bearer subscriber-credential-abcdef"
	res := api.Do(http.MethodPost, "/v2/webhooks/subscriptions", admin, map[string]any{
		"url": rcv.URL + "?api_key=query-secret-xyz", "authorization_header": authz,
		"events": []map[string]string{{"name": "comment.created"}},
	})
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	secret := res.JSON(t)["secret"].(string)
	id := int64(res.JSON(t)["id"].(float64))
	res = api.Do(http.MethodPost, fmt.Sprintf("/v2/admin/webhooks/%d/rotate-secret", id), admin, nil)
	rotated := res.JSON(t)["secret"].(string)
	res = api.Do(http.MethodPost, "/v2/admin/tokens", admin, map[string]any{"name": "t", "scopes": []string{"events.write"}})
	token := res.JSON(t)["token"].(string)

	require.Equal(t, http.StatusAccepted, api.Do(http.MethodPost, "/v2/events", token, map[string]any{"type": "comment.created", "data": map[string]any{}}).Status)
	api.Do(http.MethodPost, fmt.Sprintf("/v2/admin/webhooks/%d/test", id), admin, nil)
	api.Do(http.MethodGet, "/v2/admin/webhooks", "hkd_wrong_token", nil) // a failed login
	api.Do(http.MethodGet, "/v2/admin/webhooks", token+"tampered", nil)  // a near miss
	api.Do(http.MethodGet, fmt.Sprintf("/v2/admin/webhooks/%d/secret", id), admin, nil)
	got := rcv.WaitFor(t, 3, 10*time.Second)

	var secrets []string
	secrets = append(secrets, secret, rotated, token, admin, authz, "subscriber-credential-abcdef", "query-secret-xyz")
	for _, r := range got {
		for _, part := range strings.Split(r.Header.Get("Hookd-Signature"), ",") {
			if v, ok := strings.CutPrefix(part, "v1="); ok {
				secrets = append(secrets, v)
			}
		}
	}
	require.NoError(t, m.Close())

	logText := logs.String()
	require.Contains(t, logText, "hookd serving", "logs were captured")
	var attempts string
	require.NoError(t, db.Pool.QueryRow(context.Background(), `SELECT coalesce(string_agg(request_headers::text || coalesce(error, ''), ' '), '') FROM delivery_attempts`).Scan(&attempts))
	require.Contains(t, attempts, "[redacted]")
	for _, s := range secrets {
		require.NotContains(t, logText, s, "a secret reached the logs")
		require.NotContains(t, attempts, s, "a secret reached the stored attempts")
	}
}
