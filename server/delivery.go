package server

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/store"
)

var deliveryStatuses = []string{domain.DeliveryPending, domain.DeliverySucceeded, domain.DeliveryFailed, domain.DeliveryCancelled}

type deliveryListJSON struct {
	Deliveries []deliveryJSON `json:"deliveries"`
	Total      int            `json:"total"`
}

// listWebhookDeliveries is a webhook's delivery log, newest first.
func (s *Server) listWebhookDeliveries(c *gin.Context) error {
	w, err := s.webhookFromPath(c)
	if err != nil {
		return err
	}
	pg, err := parsePage(c)
	if err != nil {
		return err
	}
	status := c.Query("status")
	if status != "" && !contains(deliveryStatuses, status) {
		return domain.InvalidParam("status", "status must be one of: %s.", strings.Join(deliveryStatuses, ", "))
	}
	list, total, err := s.store.ListDeliveries(c.Request.Context(), s.pool, store.ListDeliveriesParams{
		WebhookID: w.ID, Status: status, EventType: c.Query("event_type"), Limit: pg.Limit, Offset: pg.Offset,
	})
	if err != nil {
		return err
	}
	out := deliveryListJSON{Deliveries: make([]deliveryJSON, len(list)), Total: total}
	for i, d := range list {
		out.Deliveries[i] = renderDelivery(d)
	}
	c.JSON(http.StatusOK, out)
	return nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

type deliveryDetailJSON struct {
	deliveryJSON
	// Format is the format Payload is in: the last attempt's, or the
	// webhook's when none was made yet.
	Format  string          `json:"format"`
	Payload json.RawMessage `json:"payload"`
	// Body is the payload exactly as every attempt in Format sends it, byte
	// for byte (Payload is the same JSON, re-encoded inside this answer).
	Body     string        `json:"body"`
	Attempts []attemptJSON `json:"attempts"`
}

// deliveryScope returns the :id of a delivery route and the caller's tenant.
func deliveryScope(c *gin.Context) (int64, *string, error) {
	return resourceScope(c, domain.ErrDeliveryNotFound)
}

// getDelivery shows a delivery with the body it sends and every attempt.
func (s *Server) getDelivery(c *gin.Context) error {
	id, tenant, err := deliveryScope(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	d, err := s.store.GetDelivery(ctx, s.pool, id, tenant)
	if err != nil {
		return err
	}
	attempts, err := s.store.ListAttempts(ctx, s.pool, d.ID)
	if err != nil {
		return err
	}
	var format string
	if len(attempts) > 0 {
		format = attempts[len(attempts)-1].Format
	} else if format, err = s.store.WebhookFormat(ctx, s.pool, d.WebhookID); err != nil {
		return err
	}
	body, err := s.dispatch.DeliveryBody(ctx, domain.EventKey{Tenant: d.Tenant, ID: d.EventID}, format)
	if err != nil {
		return err
	}
	out := deliveryDetailJSON{deliveryJSON: renderDelivery(d), Format: format, Payload: body, Body: string(body),
		Attempts: make([]attemptJSON, len(attempts))}
	for i, a := range attempts {
		out.Attempts[i] = renderAttempt(a)
	}
	c.JSON(http.StatusOK, out)
	return nil
}

type deliveryMessageJSON struct {
	deliveryJSON
	Message string `json:"message"`
}

func (s *Server) redeliver(c *gin.Context) error {
	id, tenant, err := deliveryScope(c)
	if err != nil {
		return err
	}
	d, err := s.dispatch.Redeliver(c.Request.Context(), id, tenant)
	if err != nil {
		return err
	}
	c.JSON(http.StatusAccepted, deliveryMessageJSON{deliveryJSON: renderDelivery(d), Message: "Redelivery scheduled."})
	return nil
}

type recoverJSON struct {
	Message    string `json:"message"`
	Deliveries int    `json:"deliveries"`
}

// recoverStatuses are the deliveries recover may send again: failed ones,
// and cancelled ones (queued when the webhook was disabled or deleted).
var recoverStatuses = []string{domain.DeliveryFailed, domain.DeliveryCancelled}

// recoverWebhook re-sends every failed or cancelled delivery (or only those
// of the status given) created in [since, until).
func (s *Server) recoverWebhook(c *gin.Context) error {
	w, err := s.webhookFromPath(c)
	if err != nil {
		return err
	}
	obj, err := decodeObject(c, maxAdminBody)
	if err != nil {
		return err
	}
	if err := obj.allow([]string{"since", "until", "status"}); err != nil {
		return err
	}
	var v domain.Validation
	statuses := recoverStatuses
	var status string
	if readField(obj, &v, "status", &status, false) {
		if contains(recoverStatuses, status) {
			statuses = []string{status}
		} else {
			v.Add(domain.InvalidParam("status", "status must be one of: %s.", strings.Join(recoverStatuses, ", ")))
		}
	}
	since, sinceOK := readTime(obj, &v, "since", true)
	until, untilOK := readTime(obj, &v, "until", false)
	if !untilOK {
		until = time.Now()
	}
	if sinceOK && !until.After(since) {
		v.Add(domain.InvalidParam("until", "until must be after since."))
	}
	if err := v.Err(); err != nil {
		return err
	}
	n, err := s.dispatch.Recover(c.Request.Context(), w.ID, since, until, statuses)
	if err != nil {
		return err
	}
	what := "deliveries"
	if n == 1 {
		what = "delivery"
	}
	c.JSON(http.StatusAccepted, recoverJSON{Message: "Recovery scheduled for " + strconv.Itoa(n) + " " + what + ".", Deliveries: n})
	return nil
}

// readTime decodes an RFC 3339 time field.
func readTime(o object, v *domain.Validation, name string, required bool) (time.Time, bool) {
	var raw string
	if !readField(o, v, name, &raw, required) {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, raw)
	if err != nil {
		v.Add(domain.InvalidParam(name, "%s must be an RFC 3339 time such as 2026-01-02T15:04:05Z.", name))
		return time.Time{}, false
	}
	return t, true
}

type testFireJSON struct {
	Success      bool   `json:"success"`
	StatusCode   *int   `json:"status_code"`
	ResponseTime int64  `json:"response_time"`
	Message      string `json:"message"`
	DeliveryID   int64  `json:"delivery_id"`
	EventID      string `json:"event_id"`
}

// testWebhook sends a webhook.test event now and answers in the seed's
// shape, whether or not the endpoint accepted it.
func (s *Server) testWebhook(c *gin.Context) error {
	id, tenant, err := webhookScope(c)
	if err != nil {
		return err
	}
	w, err := s.store.GetWebhookForSending(c.Request.Context(), s.pool, id, tenant)
	if err != nil {
		return err
	}
	res, err := s.dispatch.TestFire(c.Request.Context(), w)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, testFireJSON{
		Success: res.Success, StatusCode: res.StatusCode, ResponseTime: res.ResponseTime.Milliseconds(),
		Message: res.Message, DeliveryID: res.DeliveryID, EventID: res.EventID,
	})
	return nil
}
