package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/store"
)

// searchLimit bounds the webhooks a search returns.
const searchLimit = 10

type searchEventJSON struct {
	ID      string `json:"id"`
	Tenant  string `json:"tenant"`
	Type    string `json:"type"`
	Created string `json:"created"`
}

type searchJSON struct {
	Webhooks      []webhookJSON     `json:"webhooks"`
	TotalWebhooks int               `json:"total_webhooks"`
	Events        []searchEventJSON `json:"events"`
	Deliveries    []deliveryJSON    `json:"deliveries"`
}

// search answers the dashboard's search box in one request that always
// succeeds: webhooks whose name or URL contains q, the events whose id is q
// (one per tenant that used it), and the delivery whose id is q ("#42" or
// "42"). Nothing found is an empty
// answer, not a 404.
func (s *Server) search(c *gin.Context) error {
	tenant, err := tenantFilter(principal(c), c.Query("tenant"))
	if err != nil {
		return err
	}
	q := strings.TrimSpace(c.Query("q"))
	if q == "" {
		return domain.InvalidParam("q", "q must not be empty.")
	}
	if len(q) > 200 {
		return domain.InvalidParam("q", "q must be at most 200 characters.")
	}
	ctx := c.Request.Context()
	out := searchJSON{Webhooks: []webhookJSON{}, Events: []searchEventJSON{}, Deliveries: []deliveryJSON{}}

	hooks, total, err := s.store.ListWebhooks(ctx, s.pool, store.ListWebhooksParams{Tenant: tenant, Search: q, Limit: searchLimit})
	if err != nil {
		return err
	}
	out.TotalWebhooks = total
	for _, w := range hooks {
		out.Webhooks = append(out.Webhooks, renderWebhook(w))
	}
	if domain.ValidateEventID(q) == nil {
		events, err := s.store.EventsByID(ctx, s.pool, q, tenant, searchLimit)
		if err != nil {
			return err
		}
		for _, e := range events {
			out.Events = append(out.Events, searchEventJSON{ID: e.ID, Tenant: e.Tenant, Type: e.Type, Created: formatTime(e.CreatedAt)})
		}
	}
	if id, err := strconv.ParseInt(strings.TrimPrefix(q, "#"), 10, 64); err == nil && id > 0 {
		d, err := s.store.GetDelivery(ctx, s.pool, id, tenant)
		switch {
		case err == nil:
			out.Deliveries = append(out.Deliveries, renderDelivery(d))
		case !errors.Is(err, domain.ErrDeliveryNotFound):
			return err
		}
	}
	c.JSON(http.StatusOK, out)
	return nil
}
