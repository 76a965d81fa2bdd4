package delivery_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/delivery"
	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/nodetest"
	"github.com/hookd/hookd/store"
)

// trickyData is event data JavaScript and Go write differently: index keys
// out of order, numbers with trailing zeros and exponents, escapes
// JSON.stringify does not use, U+2028, <, >, &, non-ASCII, a lone
// surrogate, nesting.
const trickyData = `{"id": 42, "20": "b", "3": "a", "ratio": 1.50, "count": 1e3, "huge": 1e21, "tiny": 1E-7,
	"text": "<script>&amp;\u2028\/\u00e9 \ud83d\ude00 \udfff", "actor": {"id": "olQ88vTqYp", "1": [1.0, -0, {"b": 2, "0": 1}]},
	"object": {"title": "Hello world", "html": "<p>What a time to be alive!</p>"}}`

func withFormat(name string) webhookOpt {
	return func(p *store.CreateWebhookParams) { p.Format = name }
}

func withSecret(secret string) webhookOpt {
	return func(p *store.CreateWebhookParams) { p.Secret = secret }
}

// formatReceiver sets up, for each format, webhooks on a Node receiver
// written as that platform's documentation writes it.
type formatReceiver struct {
	rcv      *nodetest.Receiver
	webhooks map[string]*domain.Webhook // endpoint name → webhook
	formats  map[string]string          // endpoint name → format
}

const firstupAuthorization = "foobar" // the seed's subscription request

func (e *engine) formatWebhooks(t *testing.T, rcv *nodetest.Receiver, perFormat, fail int, opts ...webhookOpt) *formatReceiver {
	t.Helper()
	fr := &formatReceiver{rcv: rcv, webhooks: map[string]*domain.Webhook{}, formats: map[string]string{}}
	for _, f := range domain.Formats {
		for i := range perFormat {
			name := f + "-" + string(rune('a'+i))
			secret := domain.NewSecret()
			url := rcv.Endpoint(t, f, name, nodetest.Endpoint{Secrets: []string{secret}, Authorization: firstupAuthorization, Fail: fail})
			all := append([]webhookOpt{withFormat(f), withSecret(secret), func(p *store.CreateWebhookParams) {
				p.AuthorizationHeader = firstupAuthorization
			}}, opts...)
			fr.webhooks[name] = e.webhook(t, url, all...)
			fr.formats[name] = f
		}
	}
	return fr
}

func (e *engine) deliveryTo(t *testing.T, eventID string, webhookID int64) *domain.Delivery {
	t.Helper()
	list, err := e.store.EventDeliveries(e.ctx, e.db.Pool, defaultEvent(eventID))
	require.NoError(t, err)
	for _, d := range list {
		if d.WebhookID == webhookID {
			return d
		}
	}
	t.Fatalf("no delivery of %s to webhook %d", eventID, webhookID)
	return nil
}

func (e *engine) waitFinished(t *testing.T, eventID string, want int) []*domain.Delivery {
	t.Helper()
	var list []*domain.Delivery
	require.Eventually(t, func() bool {
		var err error
		list, err = e.store.EventDeliveries(e.ctx, e.db.Pool, defaultEvent(eventID))
		require.NoError(t, err)
		for _, d := range list {
			if d.Status == domain.DeliveryPending {
				return false
			}
		}
		return len(list) == want
	}, 20*time.Second, 25*time.Millisecond)
	return list
}

// requireVerified fails unless every request the endpoint got passed all
// of its receiver's checks.
func requireVerified(t *testing.T, reqs []nodetest.Request) {
	t.Helper()
	for i, r := range reqs {
		require.True(t, r.OK, "%s request %d: checks %v, errors %v", r.Endpoint, i+1, r.Checks, r.Errors)
	}
}

// Every format's receiver, as its platform documents it, accepts hookd's
// deliveries and their retries; the body sent is the body stored, built
// once per format however many webhooks use it.
func TestEveryFormatVerifiedByItsReceiver(t *testing.T) {
	t.Parallel()
	e := setupEngine(t).start(t)
	rcv := nodetest.StartReceiver(t)
	fr := e.formatWebhooks(t, rcv, 2, 1, events("post.published")) // every endpoint fails its first request

	out := e.emit(t, "post.published", trickyData)
	require.Equal(t, 2*len(domain.Formats), out.Deliveries)
	for _, d := range e.waitFinished(t, out.ID, out.Deliveries) {
		require.Equal(t, domain.DeliverySucceeded, d.Status, "delivery %d: %v", d.ID, d.LastError)
	}

	var bodies int
	require.NoError(t, e.db.Pool.QueryRow(e.ctx, `SELECT count(*) FROM event_bodies WHERE event_id = $1`, out.ID).Scan(&bodies))
	require.Equal(t, len(domain.Formats)-1, bodies, "one body per format other than hookd's, not one per webhook")

	for name, w := range fr.webhooks {
		format := fr.formats[name]
		reqs := rcv.WaitFor(t, name, 2, 5*time.Second)
		require.Len(t, reqs, 2, name)
		requireVerified(t, reqs)
		stored, ok, err := e.store.GetEventBody(e.ctx, e.db.Pool, defaultEvent(out.ID), format)
		require.NoError(t, err)
		require.True(t, ok)
		for _, r := range reqs {
			require.Equal(t, string(stored), string(r.Body), "%s: the stored body is what was sent, on every attempt", name)
			require.Equal(t, out.ID, r.Headers["hookd-event-id"])
			require.Equal(t, "post.published", r.Headers["hookd-event-type"])
			require.Equal(t, "hookd/test", r.Headers["user-agent"])
			require.Equal(t, firstupAuthorization, r.Headers["authorization"])
		}
		require.Equal(t, "1", reqs[0].Headers["hookd-attempt"])
		require.Equal(t, "2", reqs[1].Headers["hookd-attempt"])
		switch format {
		case domain.FormatStandard:
			require.Equal(t, out.ID, reqs[0].Headers["webhook-id"])
			require.Equal(t, out.ID, reqs[1].Headers["webhook-id"], "the same id on every attempt")
		case domain.FormatTribe:
			require.NotEqual(t, reqs[0].Headers["x-tribe-request-timestamp"], reqs[1].Headers["x-tribe-request-timestamp"], "a fresh timestamp per attempt")
			require.NotEqual(t, reqs[0].Headers["x-tribe-signature"], reqs[1].Headers["x-tribe-signature"])
		}

		d := e.deliveryTo(t, out.ID, w.ID)
		attempts := e.attempts(t, d.ID)
		require.Len(t, attempts, 2)
		for _, a := range attempts {
			require.Equal(t, format, a.Format)
			require.Equal(t, "[redacted]", a.RequestHeaders["Authorization"])
			for _, h := range []string{"Hookd-Signature", "Webhook-Signature", "Selfcommunity-Signature", "X-Fluent-Signature", "X-Tribe-Signature"} {
				if v, ok := a.RequestHeaders[h]; ok {
					require.Equal(t, "[redacted]", v, "%s: %s", name, h)
				}
			}
			require.NotEmpty(t, a.RequestHeaders["Hookd-Delivery-Id"])
		}
	}
}

// Rotation, test-fire, redelivery and recovery, in every format: during
// the overlap, multi-signature formats verify with the old and the new
// secret and single-signature ones (fluent, tribe) with the old; once it
// ends, with the new.
func TestEveryFormatThroughRotationTestFireRedeliverRecover(t *testing.T) {
	t.Parallel()
	e := setupEngine(t).start(t)
	rcv := nodetest.StartReceiver(t)
	fr := e.formatWebhooks(t, rcv, 1, 0, events("reaction.added"), retries(0))

	secrets := map[string][2]string{} // name → old, new
	for name, w := range fr.webhooks {
		rotated, err := e.store.RotateSecret(e.ctx, e.db.Pool, w.ID, nil, domain.NewSecret(), time.Hour)
		require.NoError(t, err)
		secrets[name] = [2]string{w.Secret, rotated.Secret}
		during := []string{w.Secret, rotated.Secret}
		if f := fr.formats[name]; f == domain.FormatFluent || f == domain.FormatTribe {
			during = []string{w.Secret}
		}
		rcv.Endpoint(t, fr.formats[name], name, nodetest.Endpoint{Secrets: during, Authorization: firstupAuthorization})
	}

	sent := map[string]int{}
	for name, w := range fr.webhooks {
		ws, err := e.store.GetWebhookForSending(e.ctx, e.db.Pool, w.ID, nil)
		require.NoError(t, err)
		res, err := e.dispatcher.TestFire(e.ctx, ws)
		require.NoError(t, err)
		require.True(t, res.Success, "%s: %s", name, res.Message)
		reqs := rcv.WaitFor(t, name, 1, 5*time.Second)
		requireVerified(t, reqs)
		stored, ok, err := e.store.GetEventBody(e.ctx, e.db.Pool, defaultEvent(res.EventID), fr.formats[name])
		require.NoError(t, err)
		require.True(t, ok, "%s: the test-fire's body is stored", name)
		require.Equal(t, stored, reqs[0].Body)
		attempts := e.attempts(t, res.DeliveryID)
		require.Equal(t, fr.formats[name], attempts[0].Format)
		sent[name] = 1
	}

	out := e.emit(t, "reaction.added", `{"object": {"reaction": "+1", "count": 1.0}}`)
	e.waitFinished(t, out.ID, len(domain.Formats))
	for name := range fr.webhooks {
		sent[name]++
		requireVerified(t, rcv.WaitFor(t, name, sent[name], 5*time.Second))
	}

	// The overlap ends: every format now signs with the new secret alone.
	_, err := e.db.Pool.Exec(e.ctx, `UPDATE webhooks SET previous_secret_expires_at = now() - interval '1 second'`)
	require.NoError(t, err)
	for name := range fr.webhooks {
		rcv.Endpoint(t, fr.formats[name], name, nodetest.Endpoint{Secrets: []string{secrets[name][1]}, Authorization: firstupAuthorization})
	}
	for name, w := range fr.webhooks {
		d := e.deliveryTo(t, out.ID, w.ID)
		_, err := e.dispatcher.Redeliver(e.ctx, d.ID, nil)
		require.NoError(t, err)
		sent[name]++
		reqs := rcv.WaitFor(t, name, sent[name], 5*time.Second)
		requireVerified(t, reqs)
		require.Equal(t, reqs[len(reqs)-2].Body, reqs[len(reqs)-1].Body, "%s: a redelivery sends the same body", name)
	}

	// A receiver that only knows the old secret refuses now; recovery
	// re-sends the failures once it is fixed.
	for name := range fr.webhooks {
		rcv.Endpoint(t, fr.formats[name], name, nodetest.Endpoint{Secrets: []string{secrets[name][0]}, Authorization: "wrong"})
	}
	failed := e.emit(t, "reaction.added", `{"n": 2}`)
	for _, d := range e.waitFinished(t, failed.ID, len(domain.Formats)) {
		require.Equal(t, domain.DeliveryFailed, d.Status)
	}
	for name, w := range fr.webhooks {
		sent[name]++
		rcv.Endpoint(t, fr.formats[name], name, nodetest.Endpoint{Secrets: []string{secrets[name][1]}, Authorization: firstupAuthorization})
		n, err := e.dispatcher.Recover(e.ctx, w.ID, time.Now().Add(-time.Hour), time.Now(), []string{domain.DeliveryFailed})
		require.NoError(t, err)
		require.Equal(t, 1, n)
		sent[name]++
		reqs := rcv.WaitFor(t, name, sent[name], 5*time.Second)
		requireVerified(t, reqs[len(reqs)-1:])
	}
	for _, d := range e.waitFinished(t, failed.ID, len(domain.Formats)) {
		require.Equal(t, domain.DeliverySucceeded, d.Status)
	}
}

// A webhook that changes format after its event fanned out sends the new
// format: the body is built at the attempt, stored, and reused.
func TestFormatChangedAfterFanOut(t *testing.T) {
	t.Parallel()
	e := setupEngine(t)
	rcv := nodetest.StartReceiver(t)
	secret := domain.NewSecret()
	url := rcv.Endpoint(t, domain.FormatTribe, "switched", nodetest.Endpoint{Secrets: []string{secret}, Fail: 1})
	w := e.webhook(t, url, withSecret(secret), events("post.created"))
	out := e.emit(t, "post.created", trickyData)

	tribe := domain.FormatTribe
	_, err := e.store.UpdateWebhook(e.ctx, e.db.Pool, w.ID, nil, store.UpdateWebhookParams{Format: &tribe})
	require.NoError(t, err)
	_, ok, err := e.store.GetEventBody(e.ctx, e.db.Pool, defaultEvent(out.ID), tribe)
	require.NoError(t, err)
	require.False(t, ok)

	e.start(t)
	require.Equal(t, domain.DeliverySucceeded, e.waitFinished(t, out.ID, 1)[0].Status)
	reqs := rcv.WaitFor(t, "switched", 2, 5*time.Second)
	requireVerified(t, reqs)
	stored, ok, err := e.store.GetEventBody(e.ctx, e.db.Pool, defaultEvent(out.ID), tribe)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, stored, reqs[0].Body)
	require.Equal(t, stored, reqs[1].Body)
	require.True(t, bytes.Contains(stored, []byte(`"noun":"POST","shortDescription":`)))

	body, err := e.dispatcher.DeliveryBody(e.ctx, defaultEvent(out.ID), domain.FormatFluent)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(body, []byte(`{"event":"post.created","timestamp":`)))
	_, err = e.dispatcher.DeliveryBody(e.ctx, defaultEvent(out.ID), "xml")
	require.Error(t, err)
}

// Event data must be UTF-8: every format's receivers decode it as such.
func TestEventDataMustBeUTF8(t *testing.T) {
	t.Parallel()
	e := setupEngine(t)
	_, err := e.dispatcher.Emit(e.ctx, []delivery.EmitRequest{{Type: "post.created", Data: []byte("{\"a\":\"\xff\"}")}})
	require.Equal(t, domain.CodeInvalidParam, domain.ErrorCode(err))
}
