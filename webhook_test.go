package hookd_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd"
	"github.com/hookd/hookd/domain"
)

func testClient(t *testing.T) *hookd.Client {
	t.Helper()
	client, err := hookd.New(examplePool, hookd.Config{EncryptionKey: []byte("an-example-key-of-exactly-32-by!"),
		AllowPrivateNetworks: true, Version: "test"})
	require.NoError(t, err)
	require.NoError(t, client.Migrate(context.Background()))
	return client
}

func TestCreateWebhookFormat(t *testing.T) {
	ctx := context.Background()
	client := testClient(t)
	w, err := client.CreateWebhook(ctx, hookd.Webhook{Tenant: "facade-format", Name: "a", URL: "https://example.com/a", Events: []string{"*"}})
	require.NoError(t, err)
	require.Equal(t, domain.FormatHookd, w.Format, "hookd's format by default")

	w, err = client.CreateWebhook(ctx, hookd.Webhook{Tenant: "facade-format", Name: "b", URL: "https://example.com/b", Events: []string{"*"},
		Format: domain.FormatStandard})
	require.NoError(t, err)
	require.Equal(t, domain.FormatStandard, w.Format)
	_, ok := domain.StandardSecretKey(w.Secret)
	require.True(t, ok, "a generated secret fits the standard format")

	_, err = client.CreateWebhook(ctx, hookd.Webhook{Tenant: "facade-format", Name: "c", URL: "https://example.com/c", Events: []string{"*"},
		Format: "xml"})
	var de *domain.Error
	require.ErrorAs(t, err, &de)
	require.Contains(t, de.Params, "format")

	_, err = client.CreateWebhook(ctx, hookd.Webhook{Tenant: "facade-format", Name: "d", URL: "https://example.com/d", Events: []string{"*"},
		Format: domain.FormatStandard, Secret: "whsec_not-standard-base64_at-all"})
	require.ErrorAs(t, err, &de)
	require.Contains(t, de.Params, "secret")

	w, err = client.CreateWebhook(ctx, hookd.Webhook{Tenant: "facade-format", Name: "e", URL: "https://example.com/e", Events: []string{"*"},
		Format: domain.FormatFluent, Secret: "whsec_not-standard-base64_at-all"})
	require.NoError(t, err, "the other formats take any secret")
	require.Equal(t, domain.FormatFluent, w.Format)
}

// Go receivers verify every format with hookd.Verify.
func TestVerifyEveryFormat(t *testing.T) {
	ctx := context.Background()
	client := testClient(t)
	require.NoError(t, client.Start(ctx))
	defer client.Stop(ctx) //nolint:errcheck // the test is over either way

	type request struct {
		format string
		header http.Header
		body   []byte
	}
	got := make(chan request, len(domain.Formats))
	endpoint := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- request{strings.TrimPrefix(r.URL.Path, "/"), r.Header.Clone(), body}
	}))
	defer endpoint.Close()

	secrets := map[string]string{}
	for _, f := range domain.Formats {
		w, err := client.CreateWebhook(ctx, hookd.Webhook{Tenant: "facade-verify", Name: f, URL: endpoint.URL + "/" + f,
			Events: []string{"comment.created"}, Format: f})
		require.NoError(t, err)
		secrets[f] = w.Secret
	}
	_, err := client.Emit(ctx, hookd.Event{Type: "comment.created", Tenant: "facade-verify", Data: map[string]any{"id": 7, "text": "<hi>"}})
	require.NoError(t, err)
	seen := map[string]bool{}
	for range domain.Formats {
		var r request
		select {
		case r = <-got:
		case <-time.After(10 * time.Second):
			t.Fatalf("only %d of %d deliveries arrived", len(seen), len(domain.Formats))
		}
		format := r.format
		seen[format] = true
		require.NoError(t, hookd.Verify(format, r.header, r.body, secrets[format], 5*time.Minute), format)
		require.ErrorIs(t, hookd.Verify(format, r.header, r.body, domain.NewSecret(), 5*time.Minute), hookd.ErrSignatureMismatch, format)
		if format == domain.FormatHookd {
			require.NoError(t, hookd.VerifySignature(r.header.Get("Hookd-Signature"), r.body, secrets[format], 5*time.Minute))
		}
	}
	require.Len(t, seen, len(domain.Formats))
	require.ErrorIs(t, hookd.Verify("xml", http.Header{}, nil, "s", 0), hookd.ErrUnknownFormat)
}
