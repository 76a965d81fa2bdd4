package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"github.com/hookd/hookd/delivery"
	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/store"
)

// Body limits for emitting: one event, and a batch of up to 500.
const (
	maxEventBody = 256 << 10
	maxBatchBody = 16 << 20
)

type emittedJSON struct {
	ID          string  `json:"id"`
	Type        string  `json:"type"`
	Created     string  `json:"created"`
	Deliveries  int     `json:"deliveries"`
	OrderingKey *string `json:"ordering_key"`
	OrderingSeq *int64  `json:"ordering_seq"`
}

func renderEmitted(e delivery.Emitted) emittedJSON {
	return emittedJSON{ID: e.ID, Type: e.Type, Created: formatTime(e.Created), Deliveries: e.Deliveries,
		OrderingKey: e.OrderingKey, OrderingSeq: e.OrderingSeq}
}

var eventFields = []string{"type", "data", "tenant", "id", "ordering_key"}

// readEmit decodes one event of a request; field names errors (e.g.
// "events[3].type").
func readEmit(o object, tok *domain.Token, field func(string) string) (delivery.EmitRequest, error) {
	var (
		r      delivery.EmitRequest
		v      domain.Validation
		tenant string
	)
	if err := o.allow(eventFields); err != nil {
		return r, renameParam(err, field)
	}
	v.Add(renameParam(o.require("type", &r.Type), field))
	if raw, ok := o["data"]; !ok {
		v.Add(domain.InvalidParam(field("data"), "%s is required.", field("data")))
	} else if !utf8.Valid(raw) {
		v.Add(domain.InvalidParam(field("data"), "%s must be valid UTF-8 JSON.", field("data")))
	} else {
		r.Data = raw
	}
	if _, err := o.field("tenant", &tenant, false); err != nil {
		v.Add(renameParam(err, field))
	}
	if _, err := o.field("id", &r.ID, false); err != nil {
		v.Add(renameParam(err, field))
	}
	if present, err := o.field("ordering_key", &r.OrderingKey, false); err != nil {
		v.Add(renameParam(err, field))
	} else if present {
		// Given, it must be a key: "" would silently mean unordered.
		v.Add(renameParam(domain.ValidateOrderingKey(r.OrderingKey), field))
	}
	if err := v.Err(); err != nil {
		return r, err
	}
	owner, err := tenantForCreate(tok, tenant)
	if err != nil {
		return r, err
	}
	r.Tenant = owner
	return r, nil
}

// renameParam prefixes the field names of a validation error, for batches.
func renameParam(err error, field func(string) string) error {
	var de *domain.Error
	if !errors.As(err, &de) || len(de.Params) == 0 {
		return err
	}
	out := &domain.Error{Code: de.Code, Message: de.Message, Params: map[string]string{}}
	for k, msg := range de.Params {
		out.Params[field(k)] = msg
	}
	if len(de.Params) == 1 {
		for k := range de.Params {
			out.Message = field(k) + ": " + de.Message
		}
	}
	return out
}

func single(name string) string { return name }

func (s *Server) emitEvent(c *gin.Context) error {
	body, err := readBody(c, maxEventBody)
	if err != nil {
		return err
	}
	obj, err := parseObject(body)
	if err != nil {
		return err
	}
	req, err := readEmit(obj, principal(c), single)
	if err != nil {
		return err
	}
	if c.GetHeader("Idempotency-Key") == "" {
		// Shares a transaction with events arriving at the same moment; the
		// answer still waits for that transaction's commit.
		out, err := s.dispatch.EmitOne(c.Request.Context(), req)
		if err != nil {
			return err
		}
		if out.Replayed {
			c.Header("Idempotent-Replayed", "true")
		}
		c.JSON(http.StatusAccepted, renderEmitted(out))
		return nil
	}
	return s.emitIdempotently(c, body, func(tx pgx.Tx) (any, bool, error) {
		out, err := s.dispatch.EmitTx(c.Request.Context(), tx, []delivery.EmitRequest{req})
		if err != nil {
			return nil, false, err
		}
		return renderEmitted(out[0]), out[0].Replayed, nil
	})
}

type batchJSON struct {
	Events     []emittedJSON `json:"events"`
	Deliveries int           `json:"deliveries"`
}

func (s *Server) emitBatch(c *gin.Context) error {
	body, err := readBody(c, maxBatchBody)
	if err != nil {
		return err
	}
	obj, err := parseObject(body)
	if err != nil {
		return err
	}
	if err := obj.allow([]string{"events"}); err != nil {
		return err
	}
	var raw []json.RawMessage
	if err := obj.require("events", &raw); err != nil {
		return err
	}
	if len(raw) == 0 || len(raw) > delivery.MaxBatch {
		return domain.InvalidParam("events", "events must hold 1 to %d events.", delivery.MaxBatch)
	}
	tok := principal(c)
	reqs := make([]delivery.EmitRequest, len(raw))
	for i, r := range raw {
		field := func(name string) string { return "events[" + strconv.Itoa(i) + "]." + name }
		if len(r) > maxEventBody {
			return &domain.Error{Code: domain.CodePayloadTooLarge, Message: field("data") + " is over 256 KiB."}
		}
		o, err := parseObject(r)
		if err != nil {
			return domain.InvalidParam("events["+strconv.Itoa(i)+"]", "events[%d] must be a JSON object.", i)
		}
		if reqs[i], err = readEmit(o, tok, field); err != nil {
			return err
		}
	}
	return s.emitIdempotently(c, body, func(tx pgx.Tx) (any, bool, error) {
		out, err := s.dispatch.EmitTx(c.Request.Context(), tx, reqs)
		if err != nil {
			return nil, false, err
		}
		resp := batchJSON{Events: make([]emittedJSON, len(out))}
		for i, e := range out {
			resp.Events[i] = renderEmitted(e)
			if !e.Replayed {
				resp.Deliveries += e.Deliveries
			}
		}
		return resp, false, nil
	})
}

type eventJSON struct {
	ID          string          `json:"id"`
	Tenant      string          `json:"tenant"`
	Type        string          `json:"type"`
	Created     string          `json:"created"`
	OrderingKey *string         `json:"ordering_key"`
	OrderingSeq *int64          `json:"ordering_seq"`
	Data        json.RawMessage `json:"data"`
	Deliveries  []deliveryJSON  `json:"deliveries"`
}

// dataOf extracts data from a stored envelope, which is where it lives.
func dataOf(body []byte) json.RawMessage {
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil || env.Data == nil {
		return json.RawMessage(`{}`)
	}
	return env.Data
}

func (s *Server) getEvent(c *gin.Context) error {
	tenant, err := tenantFilter(principal(c), c.Query("tenant"))
	if err != nil {
		return err
	}
	e, err := s.store.GetEvent(c.Request.Context(), s.pool, c.Param("id"), tenant)
	if err != nil {
		return err
	}
	list, err := s.store.EventDeliveries(c.Request.Context(), s.pool, e.Key())
	if err != nil {
		return err
	}
	out := eventJSON{ID: e.ID, Tenant: e.Tenant, Type: e.Type, Created: formatTime(e.CreatedAt), Data: dataOf(e.Body),
		OrderingKey: e.OrderingKey, OrderingSeq: e.OrderingSeq, Deliveries: make([]deliveryJSON, len(list))}
	for i, d := range list {
		out.Deliveries[i] = renderDelivery(d)
	}
	c.JSON(http.StatusOK, out)
	return nil
}

type eventSummaryJSON struct {
	ID             string          `json:"id"`
	Tenant         string          `json:"tenant"`
	Type           string          `json:"type"`
	Created        string          `json:"created"`
	OrderingKey    *string         `json:"ordering_key"`
	OrderingSeq    *int64          `json:"ordering_seq"`
	Data           json.RawMessage `json:"data"`
	DeliveryCounts map[string]int  `json:"delivery_counts"`
}

type eventListJSON struct {
	Events []eventSummaryJSON `json:"events"`
	Total  int                `json:"total"`
}

func (s *Server) listEvents(c *gin.Context) error {
	pg, tenant, err := listScope(c)
	if err != nil {
		return err
	}
	since, err := queryTime(c, "since")
	if err != nil {
		return err
	}
	until, err := queryTime(c, "until")
	if err != nil {
		return err
	}
	list, total, err := s.store.ListEvents(c.Request.Context(), s.pool, store.ListEventsParams{
		Tenant: tenant, Type: c.Query("type"), Since: since, Until: until, Limit: pg.Limit, Offset: pg.Offset,
	})
	if err != nil {
		return err
	}
	out := eventListJSON{Events: make([]eventSummaryJSON, len(list)), Total: total}
	for i, e := range list {
		out.Events[i] = eventSummaryJSON{ID: e.ID, Tenant: e.Tenant, Type: e.Type, Created: formatTime(e.CreatedAt),
			OrderingKey: e.OrderingKey, OrderingSeq: e.OrderingSeq, Data: dataOf(e.Body), DeliveryCounts: e.Deliveries}
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// queryTime reads an RFC 3339 time from the query string.
func queryTime(c *gin.Context, name string) (*time.Time, error) {
	raw := c.Query(name)
	if raw == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339Nano, raw)
	if err != nil {
		return nil, domain.InvalidParam(name, "%s must be an RFC 3339 time such as 2026-01-02T15:04:05Z.", name)
	}
	return &t, nil
}
