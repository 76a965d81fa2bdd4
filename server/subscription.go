package server

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/store"
)

// Subscriptions are webhooks seen through Firstup's shape: url,
// authorization_header and events as [{"name": …}].

type subscriptionListJSON struct {
	Subscriptions []subscriptionJSON `json:"subscriptions"`
	Total         int                `json:"total"`
}

func (s *Server) listSubscriptions(c *gin.Context) error {
	pg, tenant, err := listScope(c)
	if err != nil {
		return err
	}
	list, total, err := s.store.ListWebhooks(c.Request.Context(), s.pool, store.ListWebhooksParams{Tenant: tenant, Limit: pg.Limit, Offset: pg.Offset})
	if err != nil {
		return err
	}
	out := subscriptionListJSON{Subscriptions: make([]subscriptionJSON, len(list)), Total: total}
	for i, w := range list {
		out.Subscriptions[i] = renderSubscription(w)
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// readSubscriptionEvents decodes events:[{"name": …}] into patterns.
func readSubscriptionEvents(o object, v *domain.Validation, required bool) []string {
	var events []eventNameJSON
	if !readField(o, v, "events", &events, required) {
		return nil
	}
	names := make([]string, 0, len(events))
	for _, e := range events {
		names = append(names, e.Name)
	}
	return names
}

var subscriptionReadOnly = []string{"id", "status", "authorization_header_hint", "created_at", "updated_at", "secret"}

type subscriptionCreatedJSON struct {
	subscriptionJSON
	Secret string `json:"secret"`
}

func (s *Server) createSubscription(c *gin.Context) error {
	obj, err := decodeObject(c, maxAdminBody)
	if err != nil {
		return err
	}
	if err := obj.allow([]string{"url", "authorization_header", "events", "tenant", "format"}, subscriptionReadOnly...); err != nil {
		return err
	}
	var (
		in                   webhookInput
		v                    domain.Validation
		rawURL, auth, tenant string
		// Subscriptions are Firstup's shape, so they get Firstup's
		// payloads unless they ask otherwise.
		format = domain.FormatFirstup
	)
	if readField(obj, &v, "url", &rawURL, true) {
		in.URL = &rawURL
	}
	if present, err := obj.field("authorization_header", &auth, true); err != nil {
		v.Add(err)
	} else if present {
		in.AuthorizationHeader = &auth
	}
	in.Events = readSubscriptionEvents(obj, &v, true)
	if readField(obj, &v, "tenant", &tenant, false) {
		in.Tenant = &tenant
	}
	if in.Events == nil && !v.Has("events") {
		in.Events = []string{}
	}
	readField(obj, &v, "format", &format, false)
	in.Format = &format
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
	w, err := s.store.CreateWebhook(c.Request.Context(), s.pool, store.CreateWebhookParams{
		Tenant: owner, Kind: domain.KindSubscription, Format: format, Name: hostOf(rawURL), URL: rawURL, Events: in.Events,
		Status: domain.WebhookActive, RetryCount: domain.DefaultRetryCount, Secret: domain.NewSecret(),
		AuthorizationHeader: auth, MaxPerTenant: s.cfg.webhookCap(),
	})
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, subscriptionCreatedJSON{subscriptionJSON: renderSubscription(w), Secret: w.Secret})
	return nil
}

// hostOf names a subscription after its URL's host, which is what an admin
// looking at the webhook list recognises.
func hostOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Hostname() == "" {
		return rawURL
	}
	return u.Hostname()
}

func (s *Server) getSubscription(c *gin.Context) error {
	w, err := s.webhookFromPath(c)
	if err != nil {
		return subscriptionNotFound(err)
	}
	c.JSON(http.StatusOK, renderSubscription(w))
	return nil
}

func subscriptionNotFound(err error) error {
	if errors.Is(err, domain.ErrWebhookNotFound) {
		return domain.ErrSubscriptionNotFound
	}
	return err
}

// updateSubscription changes the fields given; an empty or null
// authorization_header removes it.
func (s *Server) updateSubscription(c *gin.Context) error {
	id, tenant, err := webhookScope(c)
	if err != nil {
		return subscriptionNotFound(err)
	}
	obj, err := decodeObject(c, maxAdminBody)
	if err != nil {
		return err
	}
	if err := obj.allow([]string{"url", "authorization_header", "events", "format"}, append(subscriptionReadOnly, "tenant")...); err != nil {
		return err
	}
	var (
		in     webhookInput
		v      domain.Validation
		rawURL string
		auth   string
		format string
	)
	if readField(obj, &v, "url", &rawURL, false) {
		in.URL = &rawURL
	}
	if present, err := obj.field("authorization_header", &auth, true); err != nil {
		v.Add(err)
	} else if present {
		in.AuthorizationHeader = &auth
	}
	if _, present := obj["events"]; present {
		in.Events = readSubscriptionEvents(obj, &v, false)
		if in.Events == nil && !v.Has("events") {
			in.Events = []string{}
		}
	}
	if readField(obj, &v, "format", &format, false) {
		in.Format = &format
	}
	if err := s.check(c.Request.Context(), &in, &v, s.storedWebhookTenant(c.Request.Context(), id, tenant)); err != nil {
		return err
	}
	if err := v.Err(); err != nil {
		return err
	}
	params := store.UpdateWebhookParams{URL: in.URL, Events: in.Events, AuthorizationHeader: in.AuthorizationHeader, Format: in.Format}
	w, err := s.store.UpdateWebhook(c.Request.Context(), s.pool, id, tenant, params)
	if err != nil {
		return subscriptionNotFound(err)
	}
	c.JSON(http.StatusOK, renderSubscription(w))
	return nil
}

func (s *Server) deleteSubscription(c *gin.Context) error {
	id, tenant, err := webhookScope(c)
	if err != nil {
		return subscriptionNotFound(err)
	}
	if err := s.store.DeleteWebhook(c.Request.Context(), s.pool, id, tenant); err != nil {
		return subscriptionNotFound(err)
	}
	c.JSON(http.StatusOK, messageJSON{Message: "Subscription deleted successfully."})
	return nil
}
