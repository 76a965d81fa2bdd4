package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/store"
)

type webhookListJSON struct {
	Webhooks []webhookJSON `json:"webhooks"`
	Total    int           `json:"total"`
}

func (s *Server) listWebhooks(c *gin.Context) error {
	pg, tenant, err := listScope(c)
	if err != nil {
		return err
	}
	params := store.ListWebhooksParams{Tenant: tenant, Limit: pg.Limit, Offset: pg.Offset}
	if status := c.Query("status"); status != "" {
		if err := domain.ValidateStatus(status); err != nil {
			return err
		}
		params.Status = status
	}
	if q := c.Query("q"); q != "" {
		if len(q) > 200 {
			return domain.InvalidParam("q", "q must be at most 200 characters.")
		}
		params.Search = q
	}
	if event := c.Query("event"); event != "" {
		params.Matches, err = s.matchPatterns(c.Request.Context(), tenant, event)
		if err != nil {
			return err
		}
	}
	list, total, err := s.store.ListWebhooks(c.Request.Context(), s.pool, params)
	if err != nil {
		return err
	}
	out := webhookListJSON{Webhooks: make([]webhookJSON, len(list)), Total: total}
	for i, w := range list {
		out.Webhooks[i] = renderWebhook(w)
	}
	if err := s.withConcurrency(c.Request.Context(), out.Webhooks); err != nil {
		return err
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// matchPatterns returns the patterns that select event: for a name in the
// tenant's catalog every pattern that would deliver it, for a pattern itself
// just that.
func (s *Server) matchPatterns(ctx context.Context, tenant *string, event string) ([]string, error) {
	et, err := s.store.GetEventType(ctx, s.pool, tenant, event)
	if err != nil {
		if errors.Is(err, domain.ErrEventTypeNotFound) {
			return []string{event}, nil
		}
		return nil, err
	}
	return domain.MatchPatterns(et.Name, et.Group), nil
}

type webhookCreatedJSON struct {
	webhookJSON
	Secret  string `json:"secret"`
	Message string `json:"message"`
}

func (s *Server) createWebhook(c *gin.Context) error {
	obj, err := decodeObject(c, maxAdminBody)
	if err != nil {
		return err
	}
	if err := obj.allow([]string{"name", "url", "events", "status", "secret", "headers", "retry_count", "tenant", "format", "filter",
		"retry_schedule", "rate_limit"},
		readOnlyWebhookFields...); err != nil {
		return err
	}
	var (
		in                webhookInput
		v                 domain.Validation
		name, url, status string
		secret            string
		retries           int
		events            []string
		headers           map[string]string
		tenant            string
		format            = domain.FormatHookd
	)
	if readField(obj, &v, "url", &url, true) {
		in.URL = &url
	}
	if readField(obj, &v, "name", &name, true) {
		in.Name = &name
	}
	if readField(obj, &v, "events", &events, true) {
		in.Events = events
		if in.Events == nil {
			in.Events = []string{}
		}
	}
	if readField(obj, &v, "status", &status, false) {
		in.Status = &status
	}
	if readField(obj, &v, "secret", &secret, false) {
		in.Secret = &secret
	}
	if readField(obj, &v, "headers", &headers, false) {
		in.Headers = headers
	}
	if readField(obj, &v, "retry_count", &retries, false) {
		in.RetryCount = &retries
	}
	if readField(obj, &v, "tenant", &tenant, false) {
		in.Tenant = &tenant
	}
	readField(obj, &v, "format", &format, false)
	in.Format = &format
	in.Filter = readFilter(obj, &v)
	readPolicy(obj, &v, &in)
	if err := s.check(c.Request.Context(), &in, &v, newWebhookTenant(c, &in)); err != nil {
		return err
	}
	if err := v.Err(); err != nil {
		return err
	}
	owner, err := tenantForCreate(principal(c), deref(in.Tenant))
	if err != nil {
		return err
	}
	params := store.CreateWebhookParams{
		Tenant: owner, Kind: domain.KindWebhook, Format: format, Name: name, URL: url, Events: in.Events,
		Status: domain.WebhookActive, Headers: headers, RetryCount: domain.DefaultRetryCount,
		Secret: domain.NewSecret(), MaxPerTenant: s.cfg.webhookCap(), Filter: in.Filter,
	}
	if in.Status != nil {
		params.Status = status
	}
	if in.RetryCount != nil {
		params.RetryCount = retries
	}
	if in.RetrySchedule != nil {
		params.RetrySchedule, params.RetryCount = in.RetrySchedule, len(in.RetrySchedule)
	}
	params.RateLimit = in.RateLimit
	if in.Secret != nil {
		params.Secret = secret
	}
	w, err := s.store.CreateWebhook(c.Request.Context(), s.pool, params)
	if err != nil {
		return err
	}
	// The one answer, with the reveal route, that shows the credentials:
	// the caller has just sent them.
	out := webhookCreatedJSON{webhookJSON: renderWebhook(w), Secret: w.Secret, Message: "Webhook created successfully."}
	out.Headers = w.Headers
	c.JSON(http.StatusCreated, out)
	return nil
}

func (s *Server) getWebhook(c *gin.Context) error {
	w, err := s.webhookFromPath(c)
	if err != nil {
		return err
	}
	out := []webhookJSON{renderWebhook(w)}
	if err := s.withConcurrency(c.Request.Context(), out); err != nil {
		return err
	}
	c.JSON(http.StatusOK, out[0])
	return nil
}

// webhookFromPath loads the webhook named by :id, within the caller's
// tenant.
func (s *Server) webhookFromPath(c *gin.Context) (*domain.Webhook, error) {
	id, tenant, err := webhookScope(c)
	if err != nil {
		return nil, err
	}
	return s.store.GetWebhook(c.Request.Context(), s.pool, id, tenant)
}

// webhookScope returns the :id of a webhook route and the tenant the caller
// is restricted to.
func webhookScope(c *gin.Context) (int64, *string, error) {
	return resourceScope(c, domain.ErrWebhookNotFound)
}

type webhookUpdatedJSON struct {
	webhookJSON
	Message string `json:"message"`
}

// updateWebhook changes only the fields given, as the seed's PUT does.
func (s *Server) updateWebhook(c *gin.Context) error {
	id, tenant, err := webhookScope(c)
	if err != nil {
		return err
	}
	obj, err := decodeObject(c, maxAdminBody)
	if err != nil {
		return err
	}
	if err := obj.allow([]string{"name", "url", "events", "status", "headers", "retry_count", "format", "filter", "retry_schedule",
		"rate_limit"},
		append([]string{"tenant", "secret"}, readOnlyWebhookFields...)...); err != nil {
		return err
	}
	var (
		in                webhookInput
		v                 domain.Validation
		name, url, status string
		retries           int
		events            []string
		headers           map[string]string
		format            string
	)
	if readField(obj, &v, "name", &name, false) {
		in.Name = &name
	}
	if readField(obj, &v, "url", &url, false) {
		in.URL = &url
	}
	if readField(obj, &v, "events", &events, false) {
		in.Events = events
		if in.Events == nil {
			in.Events = []string{}
		}
	}
	if readField(obj, &v, "status", &status, false) {
		in.Status = &status
	}
	if readField(obj, &v, "headers", &headers, false) {
		in.Headers = headers
		if in.Headers == nil {
			in.Headers = map[string]string{}
		}
	}
	if readField(obj, &v, "retry_count", &retries, false) {
		in.RetryCount = &retries
	}
	if readField(obj, &v, "format", &format, false) {
		in.Format = &format
	}
	in.Filter = readFilter(obj, &v)
	readPolicy(obj, &v, &in)
	if err := s.check(c.Request.Context(), &in, &v, s.storedWebhookTenant(c.Request.Context(), id, tenant)); err != nil {
		return err
	}
	if err := v.Err(); err != nil {
		return err
	}
	w, err := s.store.UpdateWebhook(c.Request.Context(), s.pool, id, tenant, store.UpdateWebhookParams{
		Name: in.Name, URL: in.URL, Events: in.Events, Status: in.Status, Headers: in.Headers, RetryCount: in.RetryCount,
		Format: in.Format, Filter: in.Filter, RetrySchedule: in.RetrySchedule, SetRetrySchedule: in.RetryScheduleSet,
		RateLimit: in.RateLimit, SetRateLimit: in.RateLimitSet,
	})
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, webhookUpdatedJSON{webhookJSON: renderWebhook(w), Message: "Webhook updated successfully."})
	return nil
}

func (s *Server) deleteWebhook(c *gin.Context) error {
	id, tenant, err := webhookScope(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteWebhook(c.Request.Context(), s.pool, id, tenant); err != nil {
		return err
	}
	c.JSON(http.StatusOK, messageJSON{Message: "Webhook deleted successfully."})
	return nil
}

type secretJSON struct {
	Secret  string            `json:"secret"`
	Headers map[string]string `json:"headers"`
}

// revealSecret is the seed's "click to reveal": the signing secret and the
// custom headers' values, which every other view masks.
func (s *Server) revealSecret(c *gin.Context) error {
	id, tenant, err := webhookScope(c)
	if err != nil {
		return err
	}
	creds, err := s.store.RevealCredentials(c.Request.Context(), s.pool, id, tenant)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, secretJSON{Secret: creds.Secret, Headers: creds.Headers})
	return nil
}
