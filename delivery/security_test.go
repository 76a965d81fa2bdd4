package delivery_test

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/stripe/stripe-go/v84/webhook"

	"github.com/hookd/hookd/delivery"
	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/deliverytest"
	"github.com/hookd/hookd/store"
)

func guarded(c *delivery.Config) { c.Addresses = domain.AddressPolicy{} }

// TestSSRFGuard: with the guard on (the default), a delivery to loopback
// fails at connect time with "destination address not allowed", whether
// the URL names the address or a host that resolves to it.
func TestSSRFGuard(t *testing.T) {
	t.Parallel()
	e := setupEngine(t, guarded).start(t)
	rcv := deliverytest.NewReceiver(t)
	port := rcv.URL[strings.LastIndex(rcv.URL, ":")+1:]
	for i, url := range []string{
		rcv.URL,                                   // http://127.0.0.1:port
		"http://localhost:" + port,                // a name resolving to loopback
		"http://[::ffff:127.0.0.1]:" + port,       // IPv4-mapped
		"http://169.254.169.254/latest/meta-data", // cloud metadata
		// Numeric and Unicode spellings, refused before any lookup (stored
		// before the rule, or given to the Go API, which skips the API's
		// check of the URL).
		"http://2130706433:" + port,          // decimal
		"http://0x7f000001:" + port,          // hex
		"http://0177.0.0.1:" + port,          // octal
		"http://127.1:" + port,               // short form
		"http://１２７.０.０.１:" + port,           // full-width digits
		"http://[::127.0.0.1]:" + port,       // IPv4-compatible
		"http://[64:ff9b:1::7f00:1]:" + port, // local-use NAT64
	} {
		tenantName := "t" + string(rune('a'+i))
		e.webhook(t, url, retries(0), tenant(tenantName))
		out, err := e.dispatcher.Emit(e.ctx, []delivery.EmitRequest{{Type: "comment.created", Data: []byte(`{}`), Tenant: tenantName}})
		require.NoError(t, err)
		d := e.waitDelivery(t, out[0].ID, 5*time.Second)
		require.Equal(t, domain.DeliveryFailed, d.Status, url)
		require.Equal(t, "destination address not allowed", *d.LastError, url)
	}
	require.Zero(t, rcv.Count(), "nothing reached the loopback receiver")

	// A redirect to loopback is not followed either (no redirect is).
	t.Run("Redirect", func(t *testing.T) {
		t.Parallel()
		open := setupEngine(t).start(t) // guard lifted so the first hop connects
		target := deliverytest.NewReceiver(t)
		hop := deliverytest.NewReceiver(t)
		hop.Respond(deliverytest.WithHeader(http.StatusFound, "Location", target.URL))
		open.webhook(t, hop.URL, retries(0))
		d := open.waitDelivery(t, open.emit(t, "comment.created", `{}`).ID, 5*time.Second)
		require.Equal(t, "redirect not followed (HTTP 302)", *d.LastError)
		require.Zero(t, target.Count())
	})
}

func TestAllowedCIDRsOpenOnlyThoseRanges(t *testing.T) {
	t.Parallel()
	e := setupEngine(t, func(c *delivery.Config) {
		c.Addresses = domain.AddressPolicy{Allowed: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
	}).start(t)
	rcv := deliverytest.NewReceiver(t)
	e.webhook(t, rcv.URL, retries(0))
	d := e.waitDelivery(t, e.emit(t, "comment.created", `{}`).ID, 5*time.Second)
	require.Equal(t, domain.DeliverySucceeded, d.Status)

	port := rcv.URL[strings.LastIndex(rcv.URL, ":")+1:]
	e.webhook(t, "http://[::1]:"+port+"/hook", retries(0), tenant("v6"))
	out, err := e.dispatcher.Emit(e.ctx, []delivery.EmitRequest{{Type: "comment.created", Data: []byte(`{}`), Tenant: "v6"}})
	require.NoError(t, err)
	d = e.waitDelivery(t, out[0].ID, 5*time.Second)
	require.Equal(t, "destination address not allowed", *d.LastError)
}

// TestHangingEndpointDoesNotStallOthers: one endpoint never answers, one is
// healthy, both subscribed, a burst of events. With 10 workers and at most
// 3 attempts per webhook in flight, the healthy endpoint gets all its
// deliveries promptly while the dead one times out.
func TestHangingEndpointDoesNotStallOthers(t *testing.T) {
	t.Parallel()
	e := setupEngine(t, func(c *delivery.Config) {
		c.Workers = 10
		c.WebhookConcurrency = 3
		c.DeliveryTimeout = 3 * time.Second
	}).start(t)
	dead := deliverytest.NewReceiver(t)
	dead.Respond(deliverytest.Hang())
	healthy := deliverytest.NewReceiver(t)
	e.webhook(t, dead.URL, retries(0))
	e.webhook(t, healthy.URL, retries(0))

	var reqs []delivery.EmitRequest
	for range 60 {
		reqs = append(reqs, delivery.EmitRequest{Type: "comment.created", Data: []byte(`{}`)})
	}
	start := time.Now()
	_, err := e.dispatcher.Emit(e.ctx, reqs)
	require.NoError(t, err)
	healthy.WaitFor(t, 60, 2500*time.Millisecond) // before the first hanging attempt even times out
	require.Less(t, time.Since(start), e.cfg.DeliveryTimeout)
	require.LessOrEqual(t, dead.Count(), 3, "the dead endpoint never holds more than its share")

	// The dead one's deliveries time out in turn.
	require.Eventually(t, func() bool {
		var n int
		require.NoError(t, e.db.Pool.QueryRow(e.ctx, `SELECT count(*) FROM deliveries WHERE status = 'failed' AND last_error = 'timeout after 3s'`).Scan(&n))
		return n >= 3
	}, 10*time.Second, 100*time.Millisecond)
}

// TestSecretRotation: until the old secret expires every request carries
// two v1 signatures, new first, each verifiable on its own with Stripe's
// verifier; afterwards only the new one.
func TestSecretRotation(t *testing.T) {
	t.Parallel()
	e := setupEngine(t).start(t)
	rcv := deliverytest.NewReceiver(t)
	w := e.webhook(t, rcv.URL)
	oldSecret := w.Secret

	rotated, err := e.store.RotateSecret(e.ctx, e.db.Pool, w.ID, nil, "whsec_the_new_secret_123456", 2*time.Second)
	require.NoError(t, err)
	require.Equal(t, "whsec_the_new_secret_123456", rotated.Secret)

	e.emit(t, "comment.created", `{}`)
	got := rcv.WaitFor(t, 1, 5*time.Second)[0]
	sig := got.Header.Get("Hookd-Signature")
	require.Regexp(t, `^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$`, sig)
	_, v1, err := delivery.ParseSignatureHeader(sig)
	require.NoError(t, err)
	require.Equal(t, delivery.Sign(rotated.Secret, mustT(t, sig), got.Body), v1[0], "the new secret signs first")
	require.NoError(t, webhook.ValidatePayload(got.Body, sig, rotated.Secret))
	require.NoError(t, webhook.ValidatePayload(got.Body, sig, oldSecret))

	time.Sleep(2100 * time.Millisecond)
	e.emit(t, "comment.created", `{}`)
	got = rcv.WaitFor(t, 2, 5*time.Second)[1]
	sig = got.Header.Get("Hookd-Signature")
	require.Regexp(t, `^t=\d+,v1=[0-9a-f]{64}$`, sig)
	require.NoError(t, webhook.ValidatePayload(got.Body, sig, rotated.Secret))
	require.Error(t, webhook.ValidatePayload(got.Body, sig, oldSecret))

	// expires_in 0: the old secret stops at once.
	again, err := e.store.RotateSecret(e.ctx, e.db.Pool, w.ID, nil, domain.NewSecret(), 0)
	require.NoError(t, err)
	require.Nil(t, again.PreviousSecretExpiresAt)
	e.emit(t, "comment.created", `{}`)
	got = rcv.WaitFor(t, 3, 5*time.Second)[2]
	require.NoError(t, webhook.ValidatePayload(got.Body, got.Header.Get("Hookd-Signature"), again.Secret))
	require.Error(t, webhook.ValidatePayload(got.Body, got.Header.Get("Hookd-Signature"), rotated.Secret))
}

func mustT(t *testing.T, header string) int64 {
	t.Helper()
	ts, _, err := delivery.ParseSignatureHeader(header)
	require.NoError(t, err)
	return ts
}

// TestNoPlaintextCredentialsAtRest reads the raw table.
func TestNoPlaintextCredentialsAtRest(t *testing.T) {
	t.Parallel()
	e := setupEngine(t)
	w := e.webhook(t, "https://example.com/hook", func(p *store.CreateWebhookParams) {
		p.AuthorizationHeader = "Bearer very-secret-subscriber-token"
	})
	_, err := e.store.RotateSecret(e.ctx, e.db.Pool, w.ID, nil, "whsec_rotated_secret_value_1", time.Hour)
	require.NoError(t, err)
	secrets := []string{w.Secret, "very-secret-subscriber-token", "whsec_rotated_secret_value_1", strings.TrimPrefix(w.Secret, "whsec_")}

	// Every column as text (bytea as its raw bytes, not hex), as a dump
	// would hold it.
	var dump string
	require.NoError(t, e.db.Pool.QueryRow(e.ctx, `SELECT row_to_json(w)::text || encode(w.secret_enc, 'escape')
		|| coalesce(encode(w.previous_secret_enc, 'escape'), '') || coalesce(encode(w.authorization_enc, 'escape'), '')
		FROM webhooks w WHERE id = $1`, w.ID).Scan(&dump))
	var raw [][]byte
	var secretEnc, prevEnc, authEnc []byte
	require.NoError(t, e.db.Pool.QueryRow(e.ctx, `SELECT secret_enc, previous_secret_enc, authorization_enc FROM webhooks WHERE id = $1`,
		w.ID).Scan(&secretEnc, &prevEnc, &authEnc))
	raw = append(raw, secretEnc, prevEnc, authEnc)
	for _, secret := range secrets {
		require.NotContains(t, dump, secret)
		for _, col := range raw {
			require.NotContains(t, string(col), secret)
		}
	}
	require.NotEmpty(t, prevEnc)
	require.NotEmpty(t, authEnc)
}
