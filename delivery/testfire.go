package delivery

import (
	"context"
	"encoding/json"
	"time"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/store"
)

// TestResult is the seed's test-fire answer.
type TestResult struct {
	Success      bool
	StatusCode   *int
	ResponseTime time.Duration
	Message      string
	DeliveryID   int64
	EventID      string
}

// TestFire sends a signed webhook.test event to w now, not queued, in w's
// format and with the same headers, signing, timeout and redirect rule as a
// delivery, and records it in the webhook's log. It works on inactive
// webhooks too.
func (d *Dispatcher) TestFire(ctx context.Context, w *domain.Webhook) (*TestResult, error) {
	now := time.Now().UTC().Truncate(time.Millisecond)
	id := domain.NewEventID()
	data, err := json.Marshal(map[string]any{
		"message":    "This is a test event sent by hookd to check the endpoint.",
		"webhook_id": w.ID,
	})
	if err != nil {
		return nil, err
	}
	event := &domain.Event{ID: id, Tenant: w.Tenant, Type: domain.TestEventType, Data: data, CreatedAt: now,
		Body: buildEnvelope(id, domain.TestEventType, now, data)}
	// The test is sent in the webhook's format; its body is stored beside
	// the event, as a delivery's would be.
	body := event.Body
	var stored *store.EventBody
	if name := formatName(w.Format); name != domain.FormatHookd {
		src, err := d.bodies.source(ctx, d.pool, event)
		if err != nil {
			return nil, err
		}
		if body, err = formats[name].body(src); err != nil {
			return nil, err
		}
		stored = &store.EventBody{Event: event.Key(), Format: name, Body: body}
	}

	// The delivery is recorded after the send, under an id reserved before
	// it, so the request carries the id its log entry will have.
	deliveryID, err := d.store.ReserveDeliveryID(ctx, d.pool)
	if err != nil {
		return nil, err
	}
	req := d.cfg.buildRequest(w, attemptInfo{EventID: id, EventType: domain.TestEventType, DeliveryID: deliveryID, Number: 1},
		body, time.Now())
	res := d.sender.Send(ctx, Request{URL: w.URL, Body: body, Header: req.header})

	status := domain.DeliveryFailed
	if res.Success {
		status = domain.DeliverySucceeded
	}
	result := store.AttemptResult{Attempt: attemptRecord(deliveryID, w.ID, 1, 1, req, res), Status: status, Cause: res.Cause}
	recordCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := d.store.InsertTestDelivery(recordCtx, d.pool, event, stored, result); err != nil {
		return nil, err
	}

	out := &TestResult{Success: res.Success, ResponseTime: res.Duration, DeliveryID: deliveryID, EventID: id}
	if res.StatusCode != 0 {
		code := res.StatusCode
		out.StatusCode = &code
	}
	if res.Success {
		out.Message = "Webhook test successful."
	} else {
		out.Message = "Webhook test failed: " + res.Cause + "."
	}
	return out, nil
}
