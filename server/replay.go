package server

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hookd/hookd/delivery"
	"github.com/hookd/hookd/domain"
)

type replayJSON struct {
	ID         int64   `json:"id"`
	WebhookID  int64   `json:"webhook_id"`
	Status     string  `json:"status"`
	Since      string  `json:"since"`
	Until      string  `json:"until"`
	Events     int     `json:"events"`
	Queued     int     `json:"queued"`
	CreatedAt  string  `json:"created_at"`
	FinishedAt *string `json:"finished_at"`
}

func renderReplay(r *domain.Replay) replayJSON {
	return replayJSON{ID: r.ID, WebhookID: r.WebhookID, Status: r.Status, Since: formatTime(r.Since), Until: formatTime(r.Until),
		Events: r.Events, Queued: r.Queued, CreatedAt: formatTime(r.CreatedAt), FinishedAt: formatTimePtr(r.FinishedAt)}
}

type replayCountJSON struct {
	Events int  `json:"events"`
	DryRun bool `json:"dry_run"`
}

// replayWebhook starts a replay of what the webhook is missing from
// [since, until) — or, with ?dry_run=true, only counts it.
func (s *Server) replayWebhook(c *gin.Context) error {
	id, tenant, err := webhookScope(c)
	if err != nil {
		return err
	}
	dryRun := false
	switch c.Query("dry_run") {
	case "", "false":
	case "true":
		dryRun = true
	default:
		return domain.InvalidParam("dry_run", "dry_run must be true or false.")
	}
	obj, err := decodeObject(c, maxAdminBody)
	if err != nil {
		return err
	}
	if err := obj.allow([]string{"since", "until", "event_types"}); err != nil {
		return err
	}
	var v domain.Validation
	now := time.Now()
	since, sinceOK := readTime(obj, &v, "since", true)
	until, untilOK := readTime(obj, &v, "until", false)
	if sinceOK && since.After(now) {
		v.Add(domain.InvalidParam("since", "since must not be in the future."))
	}
	if sinceOK && untilOK && !until.After(since) {
		v.Add(domain.InvalidParam("until", "until must be after since."))
	}
	var eventTypes []string
	if readField(obj, &v, "event_types", &eventTypes, false) {
		if err := s.checkReplayTypes(c, id, tenant, eventTypes); err != nil {
			v.Add(err)
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	req := delivery.ReplayRequest{WebhookID: id, Tenant: tenant, Since: since, Until: until, EventTypes: eventTypes}
	if dryRun {
		n, err := s.dispatch.CountReplay(c.Request.Context(), req)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, replayCountJSON{Events: n, DryRun: true})
		return nil
	}
	r, err := s.dispatch.StartReplay(c.Request.Context(), req)
	if err != nil {
		return err
	}
	c.JSON(http.StatusAccepted, renderReplay(r))
	return nil
}

// checkReplayTypes checks event_types against the webhook's tenant's
// catalog, as a webhook's events are.
func (s *Server) checkReplayTypes(c *gin.Context, id int64, tenant *string, types []string) error {
	w, err := s.store.GetWebhook(c.Request.Context(), s.pool, id, tenant)
	if err != nil {
		var de *domain.Error
		if errors.As(err, &de) {
			return nil // answered as such by the replay itself
		}
		return err
	}
	catalog, err := s.store.Catalog(c.Request.Context(), s.pool, w.Tenant)
	if err != nil {
		return err
	}
	if err := catalog.ValidatePatterns(types); err != nil {
		msg := strings.Replace(err.Error(), "events", "event_types", 1)
		return domain.InvalidParam("event_types", "%s", msg)
	}
	return nil
}

// replayScope returns the :id of a replay route and the caller's tenant.
func replayScope(c *gin.Context) (int64, *string, error) {
	return resourceScope(c, domain.ErrReplayNotFound)
}

func (s *Server) getReplay(c *gin.Context) error {
	id, tenant, err := replayScope(c)
	if err != nil {
		return err
	}
	r, err := s.store.GetReplay(c.Request.Context(), s.pool, id, tenant)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, renderReplay(r))
	return nil
}

func (s *Server) cancelReplay(c *gin.Context) error {
	id, tenant, err := replayScope(c)
	if err != nil {
		return err
	}
	r, err := s.store.CancelReplay(c.Request.Context(), s.pool, id, tenant)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, renderReplay(r))
	return nil
}
