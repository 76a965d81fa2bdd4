package delivery_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/stripe/stripe-go/v84/webhook"

	"github.com/hookd/hookd/delivery"
	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/deliverytest"
	"github.com/hookd/hookd/store"
)

func TestDeliverySignedAndRecorded(t *testing.T) {
	t.Parallel()
	e := setupEngine(t).start(t)
	rcv := deliverytest.NewReceiver(t)
	w := e.webhook(t, rcv.URL, events("comment.created"), func(p *store.CreateWebhookParams) {
		p.Headers = map[string]string{"X-Api-Key": "k-123"}
		p.AuthorizationHeader = "Bearer subscriber-credential"
	})

	out := e.emit(t, "comment.created", `{"id": 7, "text": "hello"}`)
	require.Equal(t, 1, out.Deliveries)
	got := rcv.WaitFor(t, 1, 10*time.Second)[0]

	event, err := e.store.GetEvent(e.ctx, e.db.Pool, out.ID, nil)
	require.NoError(t, err)
	require.Equal(t, event.Body, got.Body, "the stored body, byte for byte")
	require.JSONEq(t, fmt.Sprintf(`{"id":%q,"type":"comment.created","created":%q,"version":"1","data":{"id":7,"text":"hello"}}`,
		out.ID, out.Created.UTC().Format("2006-01-02T15:04:05.000Z")), string(got.Body))

	h := got.Header
	require.Equal(t, "application/json", h.Get("Content-Type"))
	require.Equal(t, "hookd/test", h.Get("User-Agent"))
	require.Equal(t, out.ID, h.Get("Hookd-Event-Id"))
	require.Equal(t, "comment.created", h.Get("Hookd-Event-Type"))
	require.Equal(t, "1", h.Get("Hookd-Attempt"))
	require.Equal(t, "k-123", h.Get("X-Api-Key"))
	require.Equal(t, "Bearer subscriber-credential", h.Get("Authorization"))
	require.Regexp(t, `^t=\d+,v1=[0-9a-f]{64}$`, h.Get("Hookd-Signature"))

	// Stripe's own verifier accepts it: same scheme.
	require.NoError(t, webhook.ValidatePayload(got.Body, h.Get("Hookd-Signature"), w.Secret))
	require.Error(t, webhook.ValidatePayload(got.Body, h.Get("Hookd-Signature"), "whsec_wrong"))

	d := e.waitDelivery(t, out.ID, 5*time.Second)
	require.Equal(t, domain.DeliverySucceeded, d.Status)
	require.Equal(t, h.Get("Hookd-Delivery-Id"), strconv.FormatInt(d.ID, 10))
	require.Equal(t, 200, *d.LastStatusCode)

	attempts := e.attempts(t, d.ID)
	require.Len(t, attempts, 1)
	a := attempts[0]
	require.True(t, a.Success)
	require.Equal(t, 1, a.Number)
	require.Equal(t, "[redacted]", a.RequestHeaders["Hookd-Signature"])
	require.Equal(t, "[redacted]", a.RequestHeaders["Authorization"])
	require.Equal(t, "[redacted]", a.RequestHeaders["X-Api-Key"], "custom header values are credentials")
	require.Equal(t, "OK", *a.ResponseBody)
	require.NotEmpty(t, a.ResponseHeaders)

	require.NotNil(t, e.reload(t, w.ID).LastTriggeredAt)
}

func TestSignatureHeaderName(t *testing.T) {
	t.Parallel()
	e := setupEngine(t, func(c *delivery.Config) { c.SignatureHeader = "SelfCommunity-Signature" }).start(t)
	rcv := deliverytest.NewReceiver(t)
	w := e.webhook(t, rcv.URL)
	e.emit(t, "post.created", `{}`)
	got := rcv.WaitFor(t, 1, 10*time.Second)[0]
	require.Empty(t, got.Header.Get("Hookd-Signature"))
	require.NoError(t, webhook.ValidatePayload(got.Body, got.Header.Get("SelfCommunity-Signature"), w.Secret))
}

func TestFanOut(t *testing.T) {
	t.Parallel()
	e := setupEngine(t).start(t)
	rcv := deliverytest.NewReceiver(t)
	want := map[int64]bool{}
	for _, pats := range [][]string{{"comment.created"}, {"*"}, {"comment.*"}} {
		want[e.webhook(t, rcv.URL, events(pats...)).ID] = true
	}
	e.webhook(t, rcv.URL, events("comment.updated"))
	e.webhook(t, rcv.URL, events("feed.*"))
	e.webhook(t, rcv.URL, tenant("other"))
	e.webhook(t, rcv.URL, func(p *store.CreateWebhookParams) { p.Status = domain.WebhookInactive })
	deleted := e.webhook(t, rcv.URL)
	require.NoError(t, e.store.DeleteWebhook(e.ctx, e.db.Pool, deleted.ID, nil))

	out := e.emit(t, "comment.created", `{}`)
	require.Equal(t, 3, out.Deliveries)
	rcv.WaitFor(t, 3, 10*time.Second)
	list, err := e.store.EventDeliveries(e.ctx, e.db.Pool, domain.EventKey{Tenant: domain.DefaultTenant, ID: out.ID})
	require.NoError(t, err)
	require.Len(t, list, 3)
	for _, d := range list {
		require.True(t, want[d.WebhookID])
	}

	// No subscriber: stored all the same.
	lonely, err := e.dispatcher.Emit(e.ctx, []delivery.EmitRequest{{Type: "course.enrolled", Data: []byte(`{}`), Tenant: "lonely"}})
	require.NoError(t, err)
	require.Equal(t, 0, lonely[0].Deliveries)
	_, err = e.store.GetEvent(e.ctx, e.db.Pool, lonely[0].ID, nil)
	require.NoError(t, err)
	time.Sleep(300 * time.Millisecond)
	require.Equal(t, 3, rcv.Count())
}

// TestRetrySchedule checks the ×5 schedule on a small base: attempt k+1
// starts within 10 % + 250 ms of base × 5^(k−1) after attempt k failed.
func TestRetrySchedule(t *testing.T) {
	t.Parallel()
	e := setupEngine(t).start(t) // base 200ms: 200ms, 1s, 5s
	rcv := deliverytest.NewReceiver(t)
	rcv.Respond(deliverytest.Status(http.StatusInternalServerError))
	w := e.webhook(t, rcv.URL, retries(3))

	out := e.emit(t, "comment.created", `{}`)
	got := rcv.WaitFor(t, 4, 20*time.Second)
	d := e.waitDelivery(t, out.ID, 5*time.Second)
	require.Equal(t, domain.DeliveryFailed, d.Status)

	for k := 1; k <= 3; k++ {
		due := delivery.RetryDelay(e.cfg.RetryBase, k)
		gap := got[k].At.Sub(got[k-1].At)
		slack := due/10 + 250*time.Millisecond
		require.InDelta(t, float64(due), float64(gap), float64(slack), "gap after attempt %d: %s, due %s", k, gap, due)
		require.Equal(t, strconv.Itoa(k+1), got[k].Header.Get("Hookd-Attempt"))
		require.Equal(t, got[0].Body, got[k].Body)
	}
	time.Sleep(500 * time.Millisecond)
	require.Equal(t, 4, rcv.Count(), "retry_count 3 means 4 attempts in all")
	require.Len(t, e.attempts(t, d.ID), 4)
	require.Equal(t, "HTTP 500", *d.LastError)

	wh := e.reload(t, w.ID)
	require.Equal(t, 1, wh.ConsecutiveFailures)
	require.Equal(t, "HTTP 500", *wh.LastError)
	require.NotNil(t, wh.LastFailureAt)
}

func TestRetryDelay(t *testing.T) {
	t.Parallel()
	var got []time.Duration
	for k := 1; k <= 5; k++ {
		got = append(got, delivery.RetryDelay(5*time.Second, k))
	}
	require.Equal(t, []time.Duration{5 * time.Second, 25 * time.Second, 125 * time.Second, 625 * time.Second, 3125 * time.Second}, got)
}

func TestFailuresAreFailures(t *testing.T) {
	t.Parallel()
	e := setupEngine(t).start(t)
	tests := []struct {
		name    string
		respond deliverytest.Responder
		cause   string
		kind    string
	}{
		{"Redirect", deliverytest.WithHeader(http.StatusMovedPermanently, "Location", "https://example.com/"), "redirect not followed (HTTP 301)", domain.AttemptErrorRedirect},
		{"NotModified", deliverytest.Status(http.StatusNotModified), "HTTP 304", domain.AttemptErrorStatus},
		{"ClientError", deliverytest.Status(http.StatusBadRequest), "HTTP 400", domain.AttemptErrorStatus},
		{"ServerError", deliverytest.Status(http.StatusBadGateway), "HTTP 502", domain.AttemptErrorStatus},
		{"Timeout", deliverytest.Hang(), "timeout after 1s", domain.AttemptErrorTimeout},
		{"Dropped", deliverytest.Drop(), "", domain.AttemptErrorConnection},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rcv := deliverytest.NewReceiver(t)
			rcv.Respond(tt.respond)
			e.webhook(t, rcv.URL, retries(0), events("space.created"), tenant(tt.name))
			out, err := e.dispatcher.Emit(e.ctx, []delivery.EmitRequest{{Type: "space.created", Data: []byte(`{}`), Tenant: tt.name}})
			require.NoError(t, err)
			d := e.waitDelivery(t, out[0].ID, 10*time.Second)
			require.Equal(t, domain.DeliveryFailed, d.Status)
			require.NotEmpty(t, *d.LastError)
			if tt.cause != "" {
				require.Equal(t, tt.cause, *d.LastError)
			}
			require.Equal(t, 1, rcv.Count())
			attempts, err := e.store.ListAttempts(e.ctx, e.db.Pool, d.ID)
			require.NoError(t, err)
			require.Len(t, attempts, 1)
			require.NotNil(t, attempts[0].ErrorKind)
			require.Equal(t, tt.kind, *attempts[0].ErrorKind, "the kind programs act on")
		})
	}
}

func TestGoneDisablesAtOnce(t *testing.T) {
	t.Parallel()
	e := setupEngine(t).start(t)
	rcv := deliverytest.NewReceiver(t)
	rcv.Respond(deliverytest.Status(http.StatusGone))
	w := e.webhook(t, rcv.URL, retries(5))
	out := e.emit(t, "comment.created", `{}`)
	d := e.waitDelivery(t, out.ID, 5*time.Second)
	require.Equal(t, domain.DeliveryFailed, d.Status)
	time.Sleep(400 * time.Millisecond)
	require.Equal(t, 1, rcv.Count(), "no retry after 410")
	wh := e.reload(t, w.ID)
	require.Equal(t, domain.WebhookInactive, wh.Status)
	require.Contains(t, *wh.DisabledReason, "410")
	require.NotNil(t, wh.DisabledAt)
}

// TestRetryCountReadAtFailure: lowering retry_count mid-cycle ends the
// delivery at the next failure.
func TestRetryCountReadAtFailure(t *testing.T) {
	t.Parallel()
	e := setupEngine(t, func(c *delivery.Config) { c.RetryBase = time.Second }).start(t)
	rcv := deliverytest.NewReceiver(t)
	rcv.Respond(deliverytest.Status(http.StatusInternalServerError))
	w := e.webhook(t, rcv.URL, retries(5))
	out := e.emit(t, "comment.created", `{}`)
	rcv.WaitFor(t, 1, 5*time.Second)
	one := 1
	_, err := e.store.UpdateWebhook(e.ctx, e.db.Pool, w.ID, nil, store.UpdateWebhookParams{RetryCount: &one})
	require.NoError(t, err)
	d := e.waitDelivery(t, out.ID, 10*time.Second)
	require.Equal(t, domain.DeliveryFailed, d.Status)
	require.Equal(t, 2, rcv.Count())
}

func TestDisableAfterConsecutiveFailures(t *testing.T) {
	t.Parallel()
	e := setupEngine(t, func(c *delivery.Config) { c.DisableAfter = 2 }).start(t)
	rcv := deliverytest.NewReceiver(t)
	rcv.Respond(deliverytest.Status(http.StatusInternalServerError))
	w := e.webhook(t, rcv.URL, retries(0))
	for range 2 {
		e.waitDelivery(t, e.emit(t, "comment.created", `{}`).ID, 5*time.Second)
	}
	wh := e.reload(t, w.ID)
	require.Equal(t, domain.WebhookInactive, wh.Status)
	require.Equal(t, 2, wh.ConsecutiveFailures)
	require.Equal(t, "Disabled after 2 consecutive failed deliveries.", *wh.DisabledReason)

	// Inactive: new events skip it.
	require.Equal(t, 0, e.emit(t, "comment.created", `{}`).Deliveries)

	// Active again: cleared, and a success resets the count.
	active := domain.WebhookActive
	wh, err := e.store.UpdateWebhook(e.ctx, e.db.Pool, w.ID, nil, store.UpdateWebhookParams{Status: &active})
	require.NoError(t, err)
	require.Nil(t, wh.DisabledReason)
	require.Nil(t, wh.DisabledAt)
	rcv.Respond(deliverytest.Status(http.StatusOK))
	d := e.waitDelivery(t, e.emit(t, "comment.created", `{}`).ID, 5*time.Second)
	require.Equal(t, domain.DeliverySucceeded, d.Status)
	require.Zero(t, e.reload(t, w.ID).ConsecutiveFailures)
}

func TestQueuedDeliveriesOfInactiveOrDeletedWebhookAreCancelled(t *testing.T) {
	t.Parallel()
	e := setupEngine(t) // workers not started yet
	rcv := deliverytest.NewReceiver(t)
	paused := e.webhook(t, rcv.URL, tenant("paused"))
	gone := e.webhook(t, rcv.URL, tenant("gone"))
	outPaused, err := e.dispatcher.Emit(e.ctx, []delivery.EmitRequest{{Type: "comment.created", Data: []byte(`{}`), Tenant: "paused"}})
	require.NoError(t, err)
	outGone, err := e.dispatcher.Emit(e.ctx, []delivery.EmitRequest{{Type: "comment.created", Data: []byte(`{}`), Tenant: "gone"}})
	require.NoError(t, err)

	inactive := domain.WebhookInactive
	_, err = e.store.UpdateWebhook(e.ctx, e.db.Pool, paused.ID, nil, store.UpdateWebhookParams{Status: &inactive})
	require.NoError(t, err)
	require.NoError(t, e.store.DeleteWebhook(e.ctx, e.db.Pool, gone.ID, nil))

	e.start(t)
	require.Equal(t, domain.DeliveryCancelled, e.waitDelivery(t, outPaused[0].ID, 5*time.Second).Status)
	require.Equal(t, domain.DeliveryCancelled, e.waitDelivery(t, outGone[0].ID, 5*time.Second).Status)
	require.Zero(t, rcv.Count())
}

func TestRedeliverAndRecover(t *testing.T) {
	t.Parallel()
	e := setupEngine(t).start(t)
	rcv := deliverytest.NewReceiver(t)
	rcv.Respond(deliverytest.Status(http.StatusServiceUnavailable))
	w := e.webhook(t, rcv.URL, retries(0))

	var ids []string
	for range 3 {
		ids = append(ids, e.emit(t, "comment.created", `{"n": 1}`).ID)
	}
	var failed []*domain.Delivery
	for _, id := range ids {
		d := e.waitDelivery(t, id, 5*time.Second)
		require.Equal(t, domain.DeliveryFailed, d.Status)
		failed = append(failed, d)
	}
	first := rcv.Received()
	rcv.Respond(deliverytest.Status(http.StatusOK))

	// Redeliver one: a new cycle, same body, fresh signature.
	_, err := e.dispatcher.Redeliver(e.ctx, failed[0].ID, nil)
	require.NoError(t, err)
	got := rcv.WaitFor(t, 4, 5*time.Second)[3]
	require.Equal(t, ids[0], got.Header.Get("Hookd-Event-Id"))
	require.Equal(t, "1", got.Header.Get("Hookd-Attempt"))
	var original deliverytest.Received
	for _, r := range first {
		if r.Header.Get("Hookd-Event-Id") == ids[0] {
			original = r
		}
	}
	require.Equal(t, original.Body, got.Body)
	require.NoError(t, webhook.ValidatePayload(got.Body, got.Header.Get("Hookd-Signature"), w.Secret))
	d := e.waitDelivery(t, ids[0], 5*time.Second)
	require.Equal(t, domain.DeliverySucceeded, d.Status)
	require.Equal(t, 2, d.Cycle)
	require.Len(t, e.attempts(t, d.ID), 2)

	// Recover the rest.
	n, err := e.dispatcher.Recover(e.ctx, w.ID, time.Now().Add(-time.Hour), time.Now(), []string{domain.DeliveryFailed, domain.DeliveryCancelled})
	require.NoError(t, err)
	require.Equal(t, 2, n)
	rcv.WaitFor(t, 6, 5*time.Second)
	for _, id := range ids[1:] {
		require.Equal(t, domain.DeliverySucceeded, e.waitDelivery(t, id, 5*time.Second).Status)
	}
	n, err = e.dispatcher.Recover(e.ctx, w.ID, time.Now().Add(-time.Hour), time.Now(), []string{domain.DeliveryFailed, domain.DeliveryCancelled})
	require.NoError(t, err)
	require.Zero(t, n)
}

func TestTestFire(t *testing.T) {
	t.Parallel()
	e := setupEngine(t)
	rcv := deliverytest.NewReceiver(t)
	w := e.webhook(t, rcv.URL, func(p *store.CreateWebhookParams) { p.Status = domain.WebhookInactive })
	ws, err := e.store.GetWebhookForSending(e.ctx, e.db.Pool, w.ID, nil)
	require.NoError(t, err)

	res, err := e.dispatcher.TestFire(e.ctx, ws)
	require.NoError(t, err)
	require.True(t, res.Success)
	require.Equal(t, 200, *res.StatusCode)
	require.Equal(t, "Webhook test successful.", res.Message)
	got := rcv.Received()[0]
	require.Equal(t, domain.TestEventType, got.Header.Get("Hookd-Event-Type"))
	require.NoError(t, webhook.ValidatePayload(got.Body, got.Header.Get("Hookd-Signature"), w.Secret))

	rcv.Respond(deliverytest.Status(http.StatusInternalServerError))
	res, err = e.dispatcher.TestFire(e.ctx, ws)
	require.NoError(t, err)
	require.False(t, res.Success)
	require.Equal(t, "Webhook test failed: HTTP 500.", res.Message)

	list, total, err := e.store.ListDeliveries(e.ctx, e.db.Pool, store.ListDeliveriesParams{WebhookID: w.ID, Limit: 10})
	require.NoError(t, err)
	require.Equal(t, 2, total, "test-fires show in the webhook's log")
	require.Equal(t, domain.DeliveryFailed, list[0].Status)
	require.Len(t, e.attempts(t, list[0].ID), 1)
	wh := e.reload(t, w.ID)
	require.Zero(t, wh.ConsecutiveFailures, "a test-fire is not a delivery")
	require.NotNil(t, wh.LastTriggeredAt, "the successful test-fire triggered it")
}

// TestTwoWorkersDeliverOnce runs two River clients on one database: every
// delivery is attempted exactly once.
func TestTwoWorkersDeliverOnce(t *testing.T) {
	t.Parallel()
	// Few workers each, so neither process can fetch the whole load.
	e := setupEngine(t, func(c *delivery.Config) { c.Workers = 4 }).start(t)
	second := setupEngineOn(t, e)
	second.start(t)
	rcv := deliverytest.NewReceiver(t)
	for range 4 {
		e.webhook(t, rcv.URL)
	}
	var reqs []delivery.EmitRequest
	for range 100 {
		reqs = append(reqs, delivery.EmitRequest{Type: "comment.created", Data: []byte(`{}`)})
	}
	_, err := e.dispatcher.Emit(e.ctx, reqs)
	require.NoError(t, err)
	got := rcv.WaitFor(t, 400, 30*time.Second)
	time.Sleep(500 * time.Millisecond)
	require.Equal(t, 400, rcv.Count())
	seen := map[string]bool{}
	for _, r := range got {
		key := r.Header.Get("Hookd-Delivery-Id") + "/" + r.Header.Get("Hookd-Attempt")
		require.False(t, seen[key], "attempt %s sent twice", key)
		seen[key] = true
	}
	var workedBy int
	require.NoError(t, e.db.Pool.QueryRow(e.ctx, `SELECT count(DISTINCT attempted_by[1]) FROM river_job`).Scan(&workedBy))
	require.Equal(t, 2, workedBy, "both clients took part")
}

// setupEngineOn is a second engine (another process) on the same database.
func setupEngineOn(t *testing.T, base *engine) *engine {
	t.Helper()
	cfg := base.cfg
	cfg.ClientID = ""
	return newEngineOn(t, base.db, base.store, cfg)
}

func TestEmitBatchDuplicateIDs(t *testing.T) {
	t.Parallel()
	e := setupEngine(t)
	rcv := deliverytest.NewReceiver(t)
	e.webhook(t, rcv.URL)
	out, err := e.dispatcher.Emit(e.ctx, []delivery.EmitRequest{
		{Type: "comment.created", Data: []byte(`{"n":1}`), ID: "same"},
		{Type: "comment.created", Data: []byte(`{"n":2}`), ID: "same"},
		{Type: "comment.created", Data: []byte(`{"n":3}`)},
	})
	require.NoError(t, err)
	require.Equal(t, out[0].ID, out[1].ID)
	require.False(t, out[0].Replayed)
	require.True(t, out[1].Replayed)
	require.Equal(t, 1, out[0].Deliveries)
	var n int
	require.NoError(t, e.db.Pool.QueryRow(e.ctx, `SELECT count(*) FROM deliveries`).Scan(&n))
	require.Equal(t, 2, n, "the repeated id made nothing new")

	// Ids are per tenant: the same id in two tenants is two events.
	out, err = e.dispatcher.Emit(e.ctx, []delivery.EmitRequest{
		{Type: "comment.created", Data: []byte(`{}`), ID: "twice", Tenant: "a"},
		{Type: "comment.created", Data: []byte(`{}`), ID: "twice", Tenant: "b"},
	})
	require.NoError(t, err)
	require.False(t, out[0].Replayed)
	require.False(t, out[1].Replayed)
	require.NoError(t, e.db.Pool.QueryRow(e.ctx, `SELECT count(*) FROM events WHERE id = 'twice'`).Scan(&n))
	require.Equal(t, 2, n)
}

// TestEmitOneBatchesConcurrentEvents: events emitted one per call at the
// same time are all stored and delivered, each answered with its own id,
// and one bad event does not spoil the others'.
func TestEmitOneBatchesConcurrentEvents(t *testing.T) {
	t.Parallel()
	e := setupEngine(t).start(t)
	rcv := deliverytest.NewReceiver(t)
	e.webhook(t, rcv.URL)
	// An id its tenant used more than a day ago: it fails its batch on its
	// own.
	_, err := e.dispatcher.Emit(e.ctx, []delivery.EmitRequest{{Type: "comment.created", Data: []byte(`{}`), ID: "taken"}})
	require.NoError(t, err)
	_, err = e.db.Pool.Exec(e.ctx, `UPDATE events SET created_at = now() - interval '25 hours' WHERE id = 'taken'`)
	require.NoError(t, err)

	const n = 200
	type answer struct {
		out delivery.Emitted
		err error
	}
	answers := make(chan answer, n)
	for i := range n {
		go func() {
			req := delivery.EmitRequest{Type: "comment.created", Data: []byte(fmt.Sprintf(`{"i":%d}`, i))}
			if i == 7 {
				req.ID = "taken"
			}
			out, err := e.dispatcher.EmitOne(e.ctx, req)
			answers <- answer{out, err}
		}()
	}
	ids := map[string]bool{}
	var failed int
	for range n {
		a := <-answers
		if a.err != nil {
			require.ErrorIs(t, a.err, domain.ErrEventIDTaken)
			failed++
			continue
		}
		require.Equal(t, 1, a.out.Deliveries)
		ids[a.out.ID] = true
	}
	require.Equal(t, 1, failed)
	require.Len(t, ids, n-1)
	rcv.WaitFor(t, n, 15*time.Second) // the n-1, and "taken" the first time

	_, err = e.dispatcher.EmitOne(e.ctx, delivery.EmitRequest{Type: "nope.nope", Data: []byte(`{}`)})
	require.Equal(t, domain.CodeInvalidParam, domain.ErrorCode(err))
}

func TestLastRiverAttemptSnoozesInsteadOfBeingDiscarded(t *testing.T) {
	t.Parallel()
	e := setupEngine(t)
	rcv := deliverytest.NewReceiver(t)
	rcv.Respond(deliverytest.Sequence(deliverytest.Status(http.StatusInternalServerError), deliverytest.Status(http.StatusOK)))
	e.webhook(t, rcv.URL)
	out := e.emit(t, "comment.created", `{}`)
	// As if crashes had used up River's attempts: this is the last one.
	_, err := e.db.Pool.Exec(e.ctx, `UPDATE river_job SET max_attempts = 1`)
	require.NoError(t, err)
	e.start(t)

	d := e.waitDelivery(t, out.ID, 10*time.Second)
	require.Equal(t, domain.DeliverySucceeded, d.Status, "retried, not stranded by a discarded job")
	require.Equal(t, 2, rcv.Count())
	require.Zero(t, delivery.PendingRetries(e.engine), "no due time left behind for a job River never asks about")
}

func TestRetryDueTimesAreTakenByNextRetry(t *testing.T) {
	t.Parallel()
	e := setupEngine(t).start(t)
	rcv := deliverytest.NewReceiver(t)
	rcv.Respond(deliverytest.Status(http.StatusInternalServerError))
	e.webhook(t, rcv.URL, retries(2))
	for range 5 {
		e.emit(t, "comment.created", `{}`)
	}
	require.Eventually(t, func() bool {
		var pending int
		require.NoError(t, e.db.Pool.QueryRow(e.ctx, `SELECT count(*) FROM deliveries WHERE status = 'pending'`).Scan(&pending))
		return pending == 0
	}, 20*time.Second, 50*time.Millisecond)
	require.Zero(t, delivery.PendingRetries(e.engine))
}

// TestConcurrencyFollowsTheEndpoint: a fast endpoint's limit grows past the
// probe, a hanging one's stays at one attempt in flight while the fast one
// is served; both are published for the API.
func TestConcurrencyFollowsTheEndpoint(t *testing.T) {
	t.Parallel()
	e := setupEngine(t, func(c *delivery.Config) { c.Workers = 20; c.DisableAfter = delivery.DisableAfterNever }).start(t)
	fast := deliverytest.NewReceiver(t)
	hanging := deliverytest.NewReceiver(t)
	hanging.Respond(deliverytest.Hang())
	wf := e.webhook(t, fast.URL, events("comment.created"), retries(0))
	wh := e.webhook(t, hanging.URL, events("space.created"), retries(0))
	for range 10 {
		e.emit(t, "space.created", `{}`)
	}
	fast.Respond(func(w http.ResponseWriter, _ *http.Request, _ int) {
		time.Sleep(20 * time.Millisecond) // answers well, not instantly: attempts overlap
		w.WriteHeader(http.StatusOK)
	})
	reqs := make([]delivery.EmitRequest, 200)
	for i := range reqs {
		reqs[i] = delivery.EmitRequest{Type: "comment.created", Data: []byte(`{}`)}
	}
	_, err := e.dispatcher.Emit(e.ctx, reqs)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return fast.Count() == 200 }, 20*time.Second, 20*time.Millisecond,
		"the fast endpoint is served while the hanging one holds its share")
	require.Equal(t, 1, hanging.MaxInFlight(), "a hanging endpoint never held more than one attempt")
	require.Greater(t, fast.MaxInFlight(), 1, "the fast one had several at once")

	var loads map[int64]store.WebhookConcurrency
	require.Eventually(t, func() bool {
		var err error
		loads, err = e.store.Concurrency(e.ctx, e.db.Pool, []int64{wf.ID, wh.ID}, 10*time.Second)
		require.NoError(t, err)
		return len(loads) == 2
	}, 10*time.Second, 100*time.Millisecond, "both endpoints' limits are published")
	require.Greater(t, loads[wf.ID].Limit, 1, "the fast endpoint earned more than the probe")
	require.Equal(t, 1, loads[wh.ID].Limit)
	require.Equal(t, 1, loads[wh.ID].Processes)
}
