package delivery_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/delivery"
	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/apitest"
	"github.com/hookd/hookd/internal/deliverytest"
	"github.com/hookd/hookd/store"
)

// heard is one operational event a listener received.
type heard struct {
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
}

func (h heard) field(t *testing.T, name string) any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(h.Data, &m))
	return m[name]
}

// operational parses what a listener received.
func operational(t *testing.T, rcv *deliverytest.Receiver) []heard {
	t.Helper()
	var out []heard
	for _, r := range rcv.Received() {
		var h heard
		require.NoError(t, json.Unmarshal(r.Body, &h))
		out = append(out, h)
	}
	return out
}

func countTypes(hs []heard) map[string]int {
	n := map[string]int{}
	for _, h := range hs {
		n[h.Type]++
	}
	return n
}

// TestOperationalEventsOfABrokenEndpoint breaks an endpoint until hookd
// disables it, while a second webhook of the tenant (and one of the
// operator's tenant) listens to webhook.* and delivery.*: they hear one
// warning at half the threshold, each exhausted delivery, one disabling and,
// after the endpoint is fixed and enabled again, one recovery; the broken
// webhook, subscribed to everything, hears nothing about itself.
func TestOperationalEventsOfABrokenEndpoint(t *testing.T) {
	t.Parallel()
	e := setupEngine(t, func(c *delivery.Config) {
		c.DisableAfter, c.RetryBase, c.OperatorTenant = 4, 50*time.Millisecond, "ops"
	}).start(t)
	broken := deliverytest.NewReceiver(t)
	broken.Respond(deliverytest.Status(http.StatusInternalServerError))
	listener, operator := deliverytest.NewReceiver(t), deliverytest.NewReceiver(t)
	w := e.webhook(t, broken.URL, tenant("acme"), retries(1))
	e.webhook(t, listener.URL, tenant("acme"), events("webhook.*", "delivery.*"))
	e.webhook(t, operator.URL, tenant("ops"), events("webhook.*", "delivery.*"))
	emit := func() string {
		out, err := e.dispatcher.Emit(e.ctx, []delivery.EmitRequest{{Type: "comment.created", Data: []byte(`{"id":1}`), Tenant: "acme"}})
		require.NoError(t, err)
		return out[0].ID
	}

	var eventIDs []string
	for range 4 {
		id := emit()
		eventIDs = append(eventIDs, id)
		d := e.waitDelivery(t, id, 10*time.Second)
		require.Equal(t, domain.DeliveryFailed, d.Status)
	}
	require.Equal(t, domain.WebhookInactive, e.reload(t, w.ID).Status)

	const beforeRecovery = 1 + 4 + 1 // failing, exhausted ×4, disabled
	listener.WaitFor(t, beforeRecovery, 10*time.Second)
	time.Sleep(300 * time.Millisecond) // nothing more is on its way
	hs := operational(t, listener)
	require.Equal(t, map[string]int{domain.EventWebhookFailing: 1, domain.EventDeliveryExhausted: 4, domain.EventWebhookDisabled: 1},
		countTypes(hs))
	// Each payload is what the OpenAPI document says it is.
	schemas := apitest.Spec(t).Components.Schemas
	schemaOf := map[string]string{domain.EventWebhookFailing: "WebhookFailingData", domain.EventWebhookDisabled: "WebhookDisabledData",
		domain.EventWebhookRecovered: "WebhookRecoveredData", domain.EventDeliveryExhausted: "DeliveryExhaustedData"}
	conforms := func(h heard) {
		t.Helper()
		var v any
		require.NoError(t, json.Unmarshal(h.Data, &v))
		require.NoError(t, schemas[schemaOf[h.Type]].Value.VisitJSON(v), h.Type)
	}
	var exhaustedEvents []string
	for _, h := range hs {
		conforms(h)
		require.InDelta(t, float64(w.ID), h.field(t, "webhook_id"), 0)
		require.Equal(t, "acme", h.field(t, "tenant"))
		switch h.Type {
		case domain.EventWebhookFailing:
			require.InDelta(t, 2, h.field(t, "consecutive_failures"), 0, "at half of HOOKD_DISABLE_AFTER")
		case domain.EventWebhookDisabled:
			require.Equal(t, domain.DisabledConsecutiveFailures, h.field(t, "reason"))
			require.InDelta(t, 4, h.field(t, "consecutive_failures"), 0)
			require.Equal(t, broken.URL, h.field(t, "url"))
			require.Equal(t, "test", h.field(t, "name"))
		case domain.EventDeliveryExhausted:
			exhaustedEvents = append(exhaustedEvents, h.field(t, "event_id").(string))
			require.Equal(t, "comment.created", h.field(t, "event_type"))
			require.InDelta(t, 2, h.field(t, "attempts"), 0)
			require.Equal(t, "HTTP 500", h.field(t, "last_error"))
			require.NotNil(t, h.field(t, "delivery_id"))
		}
	}
	require.ElementsMatch(t, eventIDs, exhaustedEvents)

	// Enabled again and fixed: enabling is not the recovery, the first
	// success is.
	active := domain.WebhookActive
	_, err := e.store.UpdateWebhook(e.ctx, e.db.Pool, w.ID, nil, store.UpdateWebhookParams{Status: &active})
	require.NoError(t, err)
	broken.Respond(deliverytest.Status(http.StatusOK))
	time.Sleep(200 * time.Millisecond)
	require.Equal(t, beforeRecovery, listener.Count())
	require.Equal(t, domain.DeliverySucceeded, e.waitDelivery(t, emit(), 10*time.Second).Status)
	listener.WaitFor(t, beforeRecovery+1, 10*time.Second)
	time.Sleep(300 * time.Millisecond)
	hs = operational(t, listener)
	require.Len(t, hs, beforeRecovery+1)
	last := hs[len(hs)-1]
	require.Equal(t, domain.EventWebhookRecovered, last.Type)
	conforms(last)
	require.InDelta(t, float64(w.ID), last.field(t, "webhook_id"), 0)
	require.InDelta(t, 4, last.field(t, "failed_deliveries"), 0)

	// The broken webhook, subscribed to "*", heard only its own events: two
	// attempts of each of the four, and the fifth.
	for _, h := range operational(t, broken) {
		require.Equal(t, "comment.created", h.Type)
	}
	require.Equal(t, 4*2+1, broken.Count())

	// The operator's tenant heard the same, each naming its tenant.
	operator.WaitFor(t, beforeRecovery+1, 10*time.Second)
	ops := operational(t, operator)
	require.Equal(t, countTypes(hs), countTypes(ops))
	for _, h := range ops {
		require.Equal(t, "acme", h.field(t, "tenant"))
	}
}

// TestOperationalEventsRollBackWithTheirChange: a state change recorded in
// a transaction that rolls back leaves neither its events nor their
// deliveries and jobs behind.
func TestOperationalEventsRollBackWithTheirChange(t *testing.T) {
	t.Parallel()
	e := setupEngine(t)
	listener := deliverytest.NewReceiver(t)
	w := e.webhook(t, "https://broken.example.com/hook", tenant("acme"))
	e.webhook(t, listener.URL, tenant("acme"), events("webhook.*", "delivery.*"))
	out, err := e.dispatcher.Emit(e.ctx, []delivery.EmitRequest{{Type: "comment.created", Data: []byte(`{}`), Tenant: "acme"}})
	require.NoError(t, err)
	list, err := e.store.EventDeliveries(e.ctx, e.db.Pool, domain.EventKey{Tenant: "acme", ID: out[0].ID})
	require.NoError(t, err)
	require.Len(t, list, 1)

	count := func(db store.DBTX) (events, jobs int) {
		t.Helper()
		require.NoError(t, db.QueryRow(e.ctx, `SELECT count(*) FROM events WHERE type = ANY($1)`,
			[]string{domain.EventDeliveryExhausted, domain.EventWebhookDisabled}).Scan(&events))
		require.NoError(t, db.QueryRow(e.ctx, `SELECT count(*) FROM river_job`).Scan(&jobs))
		return events, jobs
	}
	_, jobsBefore := count(e.db.Pool)
	tx, err := e.db.Pool.Begin(e.ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(e.ctx) }()
	require.NoError(t, delivery.RecordAttempts(e.ctx, e.engine, tx, []store.AttemptResult{{
		Attempt: domain.Attempt{DeliveryID: list[0].ID, WebhookID: w.ID, Cycle: 1, Number: 6, StartedAt: time.Now(),
			RequestHeaders: map[string]string{}},
		Status: domain.DeliveryFailed, Cause: "HTTP 500", DisableAfter: 1,
	}}))
	events, jobs := count(tx)
	require.Equal(t, 2, events, "exhausted and disabled, in the transaction")
	require.Equal(t, jobsBefore+2, jobs, "a job for each, in the transaction")
	require.NoError(t, tx.Rollback(e.ctx))

	events, jobs = count(e.db.Pool)
	require.Zero(t, events)
	require.Equal(t, jobsBefore, jobs)
	require.Equal(t, domain.WebhookActive, e.reload(t, w.ID).Status)
}

// TestOperationalEventsAreHookdsOnly: no caller can emit one, so a listener
// never hears a forged report.
func TestOperationalEventsAreHookdsOnly(t *testing.T) {
	t.Parallel()
	e := setupEngine(t)
	for _, typ := range []string{domain.EventWebhookFailing, domain.EventWebhookDisabled, domain.EventWebhookRecovered, domain.EventDeliveryExhausted} {
		_, err := e.dispatcher.Emit(e.ctx, []delivery.EmitRequest{{Type: typ, Data: []byte(`{"webhook_id":1}`)}})
		var de *domain.Error
		require.ErrorAs(t, err, &de, typ)
		require.Equal(t, domain.CodeInvalidParam, de.Code)
		require.Contains(t, de.Params, "type")
	}
}

// TestOperationalEventsNobodyHearsAreNotStored: with no other webhook of the
// tenant subscribed (the one they are about does not count), hookd's
// reports leave no events behind; the change itself is made.
func TestOperationalEventsNobodyHearsAreNotStored(t *testing.T) {
	t.Parallel()
	e := setupEngine(t)
	w := e.webhook(t, "https://broken.example.com/hook", tenant("lonely")) // subscribed to "*"
	out, err := e.dispatcher.Emit(e.ctx, []delivery.EmitRequest{{Type: "comment.created", Data: []byte(`{}`), Tenant: "lonely"}})
	require.NoError(t, err)
	list, err := e.store.EventDeliveries(e.ctx, e.db.Pool, domain.EventKey{Tenant: "lonely", ID: out[0].ID})
	require.NoError(t, err)
	tx, err := e.db.Pool.Begin(e.ctx)
	require.NoError(t, err)
	require.NoError(t, delivery.RecordAttempts(e.ctx, e.engine, tx, []store.AttemptResult{{
		Attempt: domain.Attempt{DeliveryID: list[0].ID, WebhookID: w.ID, Cycle: 1, Number: 6, StartedAt: time.Now(),
			RequestHeaders: map[string]string{}},
		Status: domain.DeliveryFailed, Cause: "HTTP 500", DisableAfter: 1,
	}}))
	require.NoError(t, tx.Commit(e.ctx))
	var n int
	require.NoError(t, e.db.Pool.QueryRow(e.ctx, `SELECT count(*) FROM events WHERE tenant = 'lonely'`).Scan(&n))
	require.Equal(t, 1, n, "only the comment")
	require.Equal(t, domain.WebhookInactive, e.reload(t, w.ID).Status)
}
