package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd"
	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/apitest"
	"github.com/hookd/hookd/internal/secretbox"
	"github.com/hookd/hookd/internal/storetest"
	"github.com/hookd/hookd/migrations"
	"github.com/hookd/hookd/store"
)

func testKey(t *testing.T) string {
	t.Helper()
	b := make([]byte, 32)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return base64.StdEncoding.EncodeToString(b)
}

// env builds a getenv from pairs.
func env(pairs ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i]] = pairs[i+1]
	}
	return func(k string) string { return m[k] }
}

func runCmd(t *testing.T, getenv func(string) string, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, getenv, &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

func TestConfig(t *testing.T) {
	t.Parallel()

	t.Run("Defaults", func(t *testing.T) {
		t.Parallel()
		cfg, err := loadConfig(env())
		require.NoError(t, err)
		require.Equal(t, "127.0.0.1:8080", cfg.Addr)
		require.True(t, cfg.AutoMigrate)
		require.False(t, cfg.AllowHTTP)
		require.Equal(t, "Hookd-Signature", cfg.SignatureHeader)
		require.Equal(t, slog.LevelInfo, cfg.LogLevel)
	})

	t.Run("FromEnvironment", func(t *testing.T) {
		t.Parallel()
		cfg, err := loadConfig(env("HOOKD_ADDR", ":9000", "HOOKD_ALLOW_HTTP", "true", "HOOKD_AUTO_MIGRATE", "false",
			"HOOKD_LOG_LEVEL", "debug", "HOOKD_MAX_WEBHOOKS_PER_TENANT", "7"))
		require.NoError(t, err)
		require.Equal(t, ":9000", cfg.Addr)
		require.True(t, cfg.AllowHTTP)
		require.False(t, cfg.AutoMigrate)
		require.Equal(t, slog.LevelDebug, cfg.LogLevel)
		require.Equal(t, 7, cfg.MaxWebhooksPerTenant)
	})

	t.Run("PortalSettings", func(t *testing.T) {
		t.Parallel()
		cfg, err := loadConfig(env("HOOKD_PUBLIC_URL", "https://hooks.example.com",
			"HOOKD_PORTAL_FRAME_ANCESTORS", "https://a.example.com, https://*.b.example.com 'self'"))
		require.NoError(t, err)
		require.Equal(t, "https://hooks.example.com", cfg.PublicURL)
		require.Equal(t, []string{"https://a.example.com", "https://*.b.example.com", "'self'"}, cfg.PortalFrameAncestors)
		require.Equal(t, "http://localhost:9000", publicURLOf(":9000"))
		require.Equal(t, "http://localhost:9000", publicURLOf("0.0.0.0:9000"))
		require.Equal(t, "http://127.0.0.1:8080", publicURLOf("127.0.0.1:8080"))

	})

	t.Run("OperatorTenant", func(t *testing.T) {
		t.Parallel()
		cfg, err := loadConfig(env("HOOKD_OPERATOR_TENANT", "ops"))
		require.NoError(t, err)
		require.Equal(t, "ops", cfg.OperatorTenant)
		flags := flag.NewFlagSet("serve", flag.ContinueOnError)
		cfg.bindFlags(flags)
		require.NoError(t, flags.Parse([]string{"-operator-tenant", "alerts"}))
		require.Equal(t, "alerts", cfg.OperatorTenant)
		cfg.DatabaseURL, cfg.EncryptionKey, cfg.OperatorTenant = "postgres://x", "key", "Not A Tenant!"
		require.ErrorContains(t, cfg.validateServe(), "HOOKD_OPERATOR_TENANT")
	})

	t.Run("BadValuesNamed", func(t *testing.T) {
		t.Parallel()
		_, err := loadConfig(env("HOOKD_ALLOW_HTTP", "maybe", "HOOKD_LOG_LEVEL", "loud"))
		require.ErrorContains(t, err, "HOOKD_ALLOW_HTTP")
		require.ErrorContains(t, err, "HOOKD_LOG_LEVEL")
	})

	t.Run("ServeNeedsDatabaseAndKey", func(t *testing.T) {
		t.Parallel()
		_, _, err := runCmd(t, env(), "serve")
		require.ErrorContains(t, err, "DATABASE_URL")
		_, _, err = runCmd(t, env("DATABASE_URL", "postgres://x@127.0.0.1:1/x"), "serve")
		require.ErrorContains(t, err, "HOOKD_ENCRYPTION_KEY is not set")
		_, _, err = runCmd(t, env("DATABASE_URL", "postgres://x@127.0.0.1:1/x", "HOOKD_ENCRYPTION_KEY", "c2hvcnQ="), "serve")
		require.ErrorContains(t, err, "32 bytes")
	})

	t.Run("TenantLimits", func(t *testing.T) {
		t.Parallel()
		cfg, err := loadConfig(env())
		require.NoError(t, err)
		require.Equal(t, 20, cfg.AuthFailureLimit)
		require.Equal(t, 500, cfg.MaxEventTypesPerTenant)
		require.Zero(t, cfg.MaxConnections, "derived from the file limit at start")
		cfg, err = loadConfig(env("HOOKD_AUTH_FAILURE_LIMIT", "0", "HOOKD_MAX_EVENT_TYPES_PER_TENANT", "7", "HOOKD_MAX_CONNECTIONS", "64"))
		require.NoError(t, err)
		require.Equal(t, hookd.Unlimited, cfg.AuthFailureLimit)
		require.Equal(t, 7, cfg.MaxEventTypesPerTenant)
		require.Equal(t, 64, cfg.MaxConnections)
		_, err = loadConfig(env("HOOKD_MAX_EVENT_TYPES_PER_TENANT", "-1"))
		require.ErrorContains(t, err, "HOOKD_MAX_EVENT_TYPES_PER_TENANT")
	})

	t.Run("ServeRefusesWeakAdminToken", func(t *testing.T) {
		t.Parallel()
		base := []string{"DATABASE_URL", "postgres://x@127.0.0.1:1/x", "HOOKD_ENCRYPTION_KEY", testKey(t)}
		for _, weak := range []string{"admin", "bootstrap-admin-token-xyz", strings.Repeat("a", 31), strings.Repeat("é", 31),
			strings.Repeat("a", 32) + " b", strings.Repeat("a", 40) + "\t"} {
			for _, cmd := range []string{"serve", "worker"} {
				_, _, err := runCmd(t, env(append(base, "HOOKD_ADMIN_TOKEN", weak)...), cmd)
				require.ErrorContains(t, err, "HOOKD_ADMIN_TOKEN must", "%q", weak)
			}
		}
		// 32 characters pass this check and fail later, on the database.
		_, _, err := runCmd(t, env(append(base, "HOOKD_ADMIN_TOKEN", strings.Repeat("a", 32))...), "serve")
		require.Error(t, err)
		require.NotContains(t, err.Error(), "HOOKD_ADMIN_TOKEN")
	})

	t.Run("FlagsOverrideEnvironment", func(t *testing.T) {
		t.Parallel()
		cfg, err := loadConfig(env("HOOKD_ADDR", ":9000"))
		require.NoError(t, err)
		_, err = parseFlags("serve", &cfg, []string{"--addr", ":9100", "--allow-http"}, &bytes.Buffer{}, nil)
		require.NoError(t, err)
		require.Equal(t, ":9100", cfg.Addr)
		require.True(t, cfg.AllowHTTP)
	})
}

func TestCommands(t *testing.T) {
	t.Parallel()

	t.Run("Version", func(t *testing.T) {
		t.Parallel()
		out, _, err := runCmd(t, env(), "version")
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(out, "hookd "))
	})

	t.Run("Unknown", func(t *testing.T) {
		t.Parallel()
		_, stderr, err := runCmd(t, env(), "frobnicate")
		require.Error(t, err)
		require.Equal(t, 2, exitCode(err))
		require.Contains(t, stderr, "usage: hookd")
	})

	t.Run("MigrateUpDownVersion", func(t *testing.T) {
		t.Parallel()
		db := storetest.NewDatabase(t, 4)
		getenv := env("DATABASE_URL", db.URL)

		out, _, err := runCmd(t, getenv, "migrate", "version")
		require.NoError(t, err)
		require.Regexp(t, `hookd schema (\d+) of \d+`, out)
		latest := strings.Fields(out)[4]
		require.Contains(t, out, "hookd schema "+latest+" of "+latest)

		out, _, err = runCmd(t, getenv, "migrate", "down")
		require.NoError(t, err)
		require.NotContains(t, out, "hookd schema "+latest+" of")

		out, _, err = runCmd(t, getenv, "migrate", "up")
		require.NoError(t, err)
		require.Contains(t, out, "hookd schema "+latest+" of "+latest)

		out, _, err = runCmd(t, getenv, "migrate", "down", "--all")
		require.NoError(t, err)
		require.Contains(t, out, "hookd schema 0 of")
		require.Contains(t, out, "river schema 0 of")

		out, _, err = runCmd(t, getenv, "migrate", "up")
		require.NoError(t, err)
		require.Contains(t, out, "hookd schema "+latest+" of "+latest)

		_, _, err = runCmd(t, getenv, "migrate", "sideways")
		require.Equal(t, 2, exitCode(err))
	})

	// Upgrading to sealed headers: the migration redacts recorded attempts,
	// and `migrate up` with the key seals the header values SQL could not.
	t.Run("UpgradeSealsHeadersAndRedactsAttempts", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		db := storetest.NewDatabase(t, 4)
		key := testKey(t)
		migrateDownTo(t, db.URL, "*_sealed_headers.up.sql")
		raw, err := secretbox.ParseKey(key)
		require.NoError(t, err)
		ring, err := secretbox.NewKeyring(raw)
		require.NoError(t, err)
		_, err = db.Pool.Exec(ctx, `INSERT INTO webhooks (tenant, name, url, events, secret_enc, secret_hint, headers)
			VALUES ('default', 'old', 'https://example.com', '{*}', $1, 'h', '{"X-Api-Key": "legacy-key-0123456789"}')`,
			ring.Seal("whsec_legacy_secret_0123456789", "webhooks.secret"))
		require.NoError(t, err)
		_, err = db.Pool.Exec(ctx, `INSERT INTO events (id, tenant, type, body) VALUES ('e1', 'default', 'comment.created', '{}');
			INSERT INTO deliveries (event_id, webhook_id, tenant, event_type) VALUES ('e1', 1, 'default', 'comment.created');
			INSERT INTO delivery_attempts (delivery_id, webhook_id, cycle, number, started_at, duration_ms, request_headers, success)
			VALUES (1, 1, 1, 1, now(), 5, '{"X-Api-Key": "legacy-key-0123456789", "Content-Type": "application/json",
				"Hookd-Event-Id": "e1", "Hookd-Signature": "[redacted]", "Authorization": "[redacted]"}', true)`)
		require.NoError(t, err)

		out, _, err := runCmd(t, env("DATABASE_URL", db.URL), "migrate", "up")
		require.NoError(t, err)
		require.Contains(t, out, "HOOKD_ENCRYPTION_KEY is not set")
		var attempt map[string]string
		require.NoError(t, db.Pool.QueryRow(ctx, `SELECT request_headers FROM delivery_attempts`).Scan(&attempt))
		require.Equal(t, map[string]string{"X-Api-Key": "[redacted]", "Content-Type": "application/json", "Hookd-Event-Id": "e1",
			"Hookd-Signature": "[redacted]", "Authorization": "[redacted]"}, attempt)
		st := store.New(ring)
		w, err := st.GetWebhookForSending(ctx, db.Pool, 1, nil)
		require.NoError(t, err)
		require.Equal(t, map[string]string{"X-Api-Key": "legacy-key-0123456789"}, w.Headers, "read from plaintext until sealed")

		out, _, err = runCmd(t, env("DATABASE_URL", db.URL, "HOOKD_ENCRYPTION_KEY", key), "migrate", "up")
		require.NoError(t, err)
		require.Contains(t, out, "sealed the custom headers of 1 webhooks")
		var dump string
		require.NoError(t, db.Pool.QueryRow(ctx, `SELECT row_to_json(w)::text || encode(headers_enc, 'escape') FROM webhooks w`).Scan(&dump))
		require.NotContains(t, dump, "legacy-key-0123456789")
		creds, err := st.RevealCredentials(ctx, db.Pool, 1, nil)
		require.NoError(t, err)
		require.Equal(t, map[string]string{"X-Api-Key": "legacy-key-0123456789"}, creds.Headers)
		got, err := st.GetWebhook(ctx, db.Pool, 1, nil)
		require.NoError(t, err)
		require.Equal(t, map[string]string{"X-Api-Key": "••••6789"}, got.HeaderHints)
	})

	// Upgrading to per-tenant event types: each tenant the database knows
	// keeps the custom types registered before, when they were everyone's.
	t.Run("UpgradeGivesEveryTenantTheCustomTypes", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		db := storetest.NewDatabase(t, 4)
		migrateDownTo(t, db.URL, "*_event_types_per_tenant.up.sql")
		_, err := db.Pool.Exec(ctx, `INSERT INTO event_types (name, description, group_name, source) VALUES ('invoice.paid', 'd', 'invoice', 'custom');
			INSERT INTO webhooks (tenant, name, url, events, secret_enc, secret_hint) VALUES ('acme', 'w', 'https://example.com', '{invoice.paid}', '\x00', 'h');
			INSERT INTO api_tokens (id, name, scopes, tenant, hash) VALUES ('tok', 't', '{webhooks.read}', 'globex', '\x00');
			INSERT INTO events (id, tenant, type, body) VALUES ('e1', 'initech', 'invoice.paid', '{}'), ('e2', 'initech', 'invoice.paid', '{}'),
				('e3', 'umbrella', 'comment.created', '{}')`)
		require.NoError(t, err)
		_, _, err = runCmd(t, env("DATABASE_URL", db.URL), "migrate", "up")
		require.NoError(t, err)
		var tenants []string
		require.NoError(t, db.Pool.QueryRow(ctx, `SELECT array_agg(tenant ORDER BY tenant) FROM event_types WHERE name = 'invoice.paid'`).Scan(&tenants))
		require.Equal(t, []string{"acme", "default", "globex", "initech", "umbrella"}, tenants)
		var builtins int
		require.NoError(t, db.Pool.QueryRow(ctx, `SELECT count(*) FROM event_types WHERE tenant IS NULL AND source = 'custom'`).Scan(&builtins))
		require.Zero(t, builtins)
	})

	t.Run("TokenCreate", func(t *testing.T) {
		t.Parallel()
		db := storetest.NewDatabase(t, 4)
		getenv := env("DATABASE_URL", db.URL)
		out, _, err := runCmd(t, getenv, "token", "create", "--name", "ci", "--scopes", "webhooks.read,events.write", "--tenant", "acme")
		require.NoError(t, err)
		value := strings.TrimSpace(out)
		require.True(t, strings.HasPrefix(value, "hkd_"), value)

		var scopes []string
		var tenant string
		var hash []byte
		require.NoError(t, db.Pool.QueryRow(context.Background(), `SELECT scopes, tenant, hash FROM api_tokens`).Scan(&scopes, &tenant, &hash))
		require.Equal(t, []string{"webhooks.read", "events.write"}, scopes)
		require.Equal(t, "acme", tenant)
		require.NotContains(t, string(hash), value)

		for _, args := range [][]string{
			{"token", "create", "--scopes", "webhooks.read"},
			{"token", "create", "--name", "x", "--scopes", "webhooks.delete"},
			{"token", "create", "--name", "x"},
			{"token", "create", "--name", "x", "--scopes", "webhooks.read", "--tenant", "bad tenant"},
			{"token"},
		} {
			_, _, err := runCmd(t, getenv, args...)
			require.Equal(t, 2, exitCode(err), "%v", args)
		}
	})
}

// TestServe boots the real program, as `hookd serve` does, on a database of
// its own, and uses a token made by `hookd token create`.
func TestServe(t *testing.T) {
	t.Parallel()
	db := storetest.NewDatabase(t, 4)

	// A fresh database: serve migrates it itself.
	_, err := db.Pool.Exec(context.Background(), `DROP SCHEMA public CASCADE; CREATE SCHEMA public`)
	require.NoError(t, err)

	cfg, err := loadConfig(env("DATABASE_URL", db.URL, "HOOKD_ADDR", "127.0.0.1:0", "HOOKD_ENCRYPTION_KEY", testKey(t),
		"HOOKD_ADMIN_TOKEN", "bootstrap-admin-token-xyz-0123456789abcdef"))
	require.NoError(t, err)
	m := &Main{Config: cfg, Logger: slog.New(slog.DiscardHandler)}
	require.NoError(t, m.Run(context.Background()))
	t.Cleanup(func() { require.NoError(t, m.Close()) })

	api := apitest.NewClient(t, "http://"+m.Addr())
	res := api.Do(http.MethodGet, "/readyz", "", nil)
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)

	res = api.Do(http.MethodPost, "/v2/admin/webhooks", "bootstrap-admin-token-xyz-0123456789abcdef", map[string]any{
		"name": "hook", "url": "https://example.com/hook", "events": []string{"comment.created"},
	})
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)

	out, _, err := runCmd(t, env("DATABASE_URL", db.URL), "token", "create", "--name", "reader", "--scopes", "webhooks.read")
	require.NoError(t, err)
	res = api.Do(http.MethodGet, "/v2/admin/webhooks", strings.TrimSpace(out), nil)
	require.Equal(t, http.StatusOK, res.Status)
	require.EqualValues(t, 1, res.JSON(t)["total"])

	// Portal links point at the address really listened on (HOOKD_PUBLIC_URL's
	// default), the token in the fragment.
	res = api.Do(http.MethodPost, "/v2/admin/portal-sessions", "bootstrap-admin-token-xyz-0123456789abcdef", map[string]any{"tenant": "acme"})
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	session := res.JSON(t)
	require.Equal(t, "http://"+m.Addr()+"/portal#"+session["token"].(string), session["url"])

	// Metrics: accepted events, API requests by route, queue depth by state.
	res = api.Do(http.MethodPost, "/v2/events", "bootstrap-admin-token-xyz-0123456789abcdef", map[string]any{"type": "comment.created", "data": map[string]any{}})
	require.Equal(t, http.StatusAccepted, res.Status)
	res = api.Do(http.MethodGet, "/metrics", "", nil)
	require.Equal(t, http.StatusOK, res.Status)
	body := string(res.Body)
	for _, want := range []string{
		"hookd_events_accepted_total", "hookd_delivery_attempts_total{outcome=\"succeeded\"}", "hookd_attempt_duration_seconds_bucket",
		"hookd_delivery_lag_seconds_bucket", `hookd_queue_jobs{state="available"}`,
		`hookd_http_requests_total{method="POST",route="/v2/events",status="202"}`, "go_goroutines",
	} {
		require.Contains(t, body, strings.ReplaceAll(want, `\"`, `"`))
	}

	// Headers are capped (64 KiB): a huge one is refused before any handler.
	req, err := http.NewRequest(http.MethodGet, "http://"+m.Addr()+"/healthz", http.NoBody)
	require.NoError(t, err)
	req.Header.Set("X-Big", strings.Repeat("a", 128<<10))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode)
}

// TestKeysRotate re-encrypts under a new key without losing a secret: after
// it, the new key alone opens every row.
func TestKeysRotate(t *testing.T) {
	t.Parallel()
	db := storetest.NewDatabase(t, 4)
	oldKey, newKey := testKey(t), testKey(t)
	ctx := context.Background()

	oldRaw, err := secretbox.ParseKey(oldKey)
	require.NoError(t, err)
	oldRing, err := secretbox.NewKeyring(oldRaw)
	require.NoError(t, err)
	var secrets []string
	for i := range 150 { // more than one batch
		w, err := store.New(oldRing).CreateWebhook(ctx, db.Pool, store.CreateWebhookParams{
			Tenant: "default", Kind: domain.KindSubscription, Name: "w", URL: "https://example.com", Events: []string{"*"},
			Status: domain.WebhookActive, Secret: domain.NewSecret(), AuthorizationHeader: fmt.Sprintf("Bearer token-%d", i),
			Headers: map[string]string{"X-Api-Key": fmt.Sprintf("api-key-%d", i)},
		})
		require.NoError(t, err)
		secrets = append(secrets, w.Secret)
	}

	// One row as an earlier version left it: its header values in plaintext.
	_, err = db.Pool.Exec(ctx, `UPDATE webhooks SET headers = '{"X-Api-Key": "api-key-7"}', headers_enc = NULL WHERE id = 8`)
	require.NoError(t, err)

	out, _, err := runCmd(t, env("DATABASE_URL", db.URL, "HOOKD_ENCRYPTION_KEY", newKey, "HOOKD_ENCRYPTION_KEY_OLD", oldKey), "keys", "rotate")
	require.NoError(t, err)
	require.Contains(t, out, "sealed the plaintext custom headers of 1 webhooks")
	require.Contains(t, out, "re-encrypted 150 of 150 webhooks")
	var plaintext int
	require.NoError(t, db.Pool.QueryRow(ctx, `SELECT count(*) FROM webhooks WHERE headers <> '{}'`).Scan(&plaintext))
	require.Zero(t, plaintext)

	newRaw, err := secretbox.ParseKey(newKey)
	require.NoError(t, err)
	newOnly, err := secretbox.NewKeyring(newRaw)
	require.NoError(t, err)
	st := store.New(newOnly)
	for i, secret := range secrets {
		w, err := st.GetWebhookForSending(ctx, db.Pool, int64(i+1), nil)
		require.NoError(t, err)
		require.Equal(t, secret, w.Secret)
		require.Equal(t, fmt.Sprintf("Bearer token-%d", i), w.AuthorizationHeader)
		require.Equal(t, map[string]string{"X-Api-Key": fmt.Sprintf("api-key-%d", i)}, w.Headers)
	}

	out, _, err = runCmd(t, env("DATABASE_URL", db.URL, "HOOKD_ENCRYPTION_KEY", newKey), "keys", "rotate")
	require.NoError(t, err)
	require.Contains(t, out, "re-encrypted 0 of 150 webhooks", "a second run has nothing to do")
}

// migrateDownTo reverts migrations until the one named by pattern (a glob
// of its file name) is the first left to apply.
func migrateDownTo(t *testing.T, databaseURL, pattern string) {
	t.Helper()
	matches, err := fs.Glob(migrations.FS, pattern)
	require.NoError(t, err)
	require.Len(t, matches, 1)
	target, err := strconv.Atoi(strings.TrimLeft(strings.SplitN(matches[0], "_", 2)[0], "0"))
	require.NoError(t, err)
	for {
		out, _, err := runCmd(t, env("DATABASE_URL", databaseURL), "migrate", "version")
		require.NoError(t, err)
		if strings.HasPrefix(out, fmt.Sprintf("hookd schema %d of", target-1)) {
			return
		}
		require.False(t, strings.HasPrefix(out, "hookd schema 0 of"), out)
		_, _, err = runCmd(t, env("DATABASE_URL", databaseURL), "migrate", "down")
		require.NoError(t, err)
	}
}
