package delivery_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/delivery"
	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/deliverytest"
	"github.com/hookd/hookd/store"
)

// echo answers with every request header in its body and two of them in
// its own headers, as a debugging endpoint might.
func echo(w http.ResponseWriter, r *http.Request, _ int) {
	w.Header().Set("X-Echo-Key", r.Header.Get("X-Api-Key"))
	w.Header().Set("X-Echo-Auth", "you sent "+r.Header.Get("Authorization"))
	w.Header().Set("Set-Cookie", "receiver_session=receiver-own-secret; HttpOnly")
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"headers": r.Header, "note": "echoed"})
}

// TestStoredAttemptsHoldNoCredentials: custom header values and the
// Authorization and Cookie values are redacted in the stored request, and a
// receiver echoing them (or the secret, or the signature) does not get them
// stored in the response either.
func TestStoredAttemptsHoldNoCredentials(t *testing.T) {
	t.Parallel()
	e := setupEngine(t).start(t)
	rcv := deliverytest.NewReceiver(t)
	rcv.Respond(echo)
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("fluent-user:pa55word-xyz"))
	w := e.webhook(t, rcv.URL, retries(0), func(p *store.CreateWebhookParams) {
		p.Headers = map[string]string{
			"X-Api-Key":      "sk_live_api_key_0123456789",
			"cookie":         "session=cookie-secret-42; theme=dark",
			"X-Tenant-Token": "tt/with+json<escapes>&more",
			"Authorization":  basic,
		}
	})
	out := e.emit(t, "comment.created", `{"text": "hello"}`)
	got := rcv.WaitFor(t, 1, 10*time.Second)[0]
	require.Equal(t, "sk_live_api_key_0123456789", got.Header.Get("X-Api-Key"), "the receiver gets the real values")
	require.Equal(t, basic, got.Header.Get("Authorization"))
	signature := got.Header.Get("Hookd-Signature")

	d := e.waitDelivery(t, out.ID, 5*time.Second)
	require.Equal(t, domain.DeliverySucceeded, d.Status)
	a := e.attempts(t, d.ID)[0]
	for _, name := range []string{"X-Api-Key", "Cookie", "X-Tenant-Token", "Authorization", "Hookd-Signature"} {
		require.Equal(t, "[redacted]", a.RequestHeaders[name], name)
	}
	require.Equal(t, "comment.created", a.RequestHeaders["Hookd-Event-Type"], "hookd's own headers stay readable")

	stored, err := json.Marshal(a)
	require.NoError(t, err)
	for _, secret := range []string{"sk_live_api_key_0123456789", "cookie-secret-42", "pa55word-xyz", "fluent-user:pa55word-xyz",
		strings.TrimPrefix(basic, "Basic "), "tt/with+json", "receiver-own-secret", w.Secret, strings.TrimPrefix(w.Secret, "whsec_"),
		signature, signature[strings.Index(signature, "v1=")+3:]} {
		require.NotContains(t, string(stored), secret)
	}
	require.Contains(t, *a.ResponseBody, `"note":"echoed"`, "the rest of the answer is kept")
	require.Contains(t, *a.ResponseBody, "[redacted]")
	require.Equal(t, "[redacted]", a.ResponseHeaders["X-Echo-Key"])
	require.Equal(t, "you sent [redacted]", a.ResponseHeaders["X-Echo-Auth"])
	require.Equal(t, "[redacted]", a.ResponseHeaders["Set-Cookie"])
}

// TestStoredExcerptCutsNoCredentialInHalf: a credential the 4 KiB excerpt
// cuts off is redacted too.
func TestStoredExcerptCutsNoCredentialInHalf(t *testing.T) {
	t.Parallel()
	e := setupEngine(t).start(t)
	rcv := deliverytest.NewReceiver(t)
	const key = "sk_live_0123456789abcdefghij"
	rcv.Respond(func(w http.ResponseWriter, _ *http.Request, _ int) {
		_, _ = w.Write([]byte(strings.Repeat("x", 4096-10) + key))
	})
	e.webhook(t, rcv.URL, retries(0), func(p *store.CreateWebhookParams) { p.Headers = map[string]string{"X-Api-Key": key} })
	d := e.waitDelivery(t, e.emit(t, "comment.created", `{}`).ID, 5*time.Second)
	body := *e.attempts(t, d.ID)[0].ResponseBody
	require.True(t, strings.HasSuffix(body, "x[redacted]"), "%q", body[len(body)-40:])
	require.NotContains(t, body, key[:10])
}

// TestEchoedSignaturesRedactedInEveryFormat: whatever headers a format
// signs with, an endpoint echoing them gets neither the header nor the MAC
// stored.
func TestEchoedSignaturesRedactedInEveryFormat(t *testing.T) {
	t.Parallel()
	e := setupEngine(t).start(t)
	for _, format := range domain.Formats {
		t.Run(format, func(t *testing.T) {
			rcv := deliverytest.NewReceiver(t)
			rcv.Respond(echo)
			tenantName := "fmt-" + format
			e.webhook(t, rcv.URL, retries(0), tenant(tenantName), func(p *store.CreateWebhookParams) { p.Format = format })
			out, err := e.dispatcher.Emit(e.ctx, []delivery.EmitRequest{{Type: "comment.created", Data: []byte(`{}`), Tenant: tenantName}})
			require.NoError(t, err)
			got := rcv.WaitFor(t, 1, 10*time.Second)[0]
			event, err := e.store.GetEvent(e.ctx, e.db.Pool, out[0].ID, &tenantName)
			require.NoError(t, err)
			var d *domain.Delivery
			require.Eventually(t, func() bool {
				list, err := e.store.EventDeliveries(e.ctx, e.db.Pool, event.Key())
				require.NoError(t, err)
				d = list[0]
				return d.Status != domain.DeliveryPending
			}, 5*time.Second, 20*time.Millisecond)
			stored, err := json.Marshal(e.attempts(t, d.ID)[0])
			require.NoError(t, err)
			var signed int
			for _, name := range []string{"Hookd-Signature", "Webhook-Signature", "Selfcommunity-Signature", "X-Fluent-Signature", "X-Tribe-Signature"} {
				for _, v := range got.Header.Values(name) {
					signed++
					require.NotContains(t, string(stored), v, name)
					for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '=' }) {
						if len(part) >= 16 {
							require.NotContains(t, string(stored), part, name)
						}
					}
				}
			}
			require.Positive(t, signed, "the %s request is signed", format)
		})
	}
}
