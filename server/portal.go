package server

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/store"
)

// portalPath is the portal page, relative to the handler's root.
const portalPath = "/portal"

type portalSessionJSON struct {
	Token     string   `json:"token"`
	URL       string   `json:"url"`
	Tenant    string   `json:"tenant"`
	Scopes    []string `json:"scopes"`
	ExpiresAt string   `json:"expires_at"`
}

// createPortalSession hands out a tenant-bound credential and the link
// that opens the portal with it. The token rides in the URL's fragment,
// which browsers never send: it reaches no access log, proxy or Referer.
func (s *Server) createPortalSession(c *gin.Context) error {
	obj, err := decodeObject(c, maxAdminBody)
	if err != nil {
		return err
	}
	if err := obj.allow([]string{"tenant", "scopes", "expires_in"}, "token", "url", "expires_at"); err != nil {
		return err
	}
	var (
		v         domain.Validation
		tenant    string
		scopes    []string
		expiresIn = int(domain.PortalSessionTTLDefault / time.Second)
	)
	if readField(obj, &v, "tenant", &tenant, true) {
		v.Add(domain.ValidateTenant(tenant))
	}
	if readField(obj, &v, "scopes", &scopes, false) {
		v.Add(domain.ValidatePortalScopes(scopes))
	} else {
		scopes = slices.Clone(domain.PortalScopesDefault)
	}
	if readField(obj, &v, "expires_in", &expiresIn, false) {
		if limit := int(domain.PortalSessionTTLMax / time.Second); expiresIn < 1 || expiresIn > limit {
			v.Add(domain.InvalidParam("expires_in", "expires_in must be 1 to %d seconds (24 hours).", limit))
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	caller := principal(c)
	for _, sc := range scopes {
		if !caller.Has(sc) {
			return &domain.Error{Code: domain.CodeForbidden, Message: "Sorry, a token cannot grant the scope " + sc + ", which it does not hold."}
		}
	}
	if _, err := tenantFilter(caller, tenant); err != nil {
		return err
	}
	ps, value, err := s.store.CreatePortalSession(c.Request.Context(), s.pool, store.CreatePortalSessionParams{
		Tenant: tenant, Scopes: scopes, TTL: time.Duration(expiresIn) * time.Second,
	})
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusCreated, portalSessionJSON{Token: value, URL: s.publicBase(c.Request) + portalPath + "#" + value,
		Tenant: ps.Tenant, Scopes: ps.Scopes, ExpiresAt: formatTime(ps.ExpiresAt)})
	return nil
}

type revokedJSON struct {
	Revoked int `json:"revoked"`
}

// revokePortalSessions ends every live session of ?tenant at once: the
// host signs a tenant's admins out of the portal.
func (s *Server) revokePortalSessions(c *gin.Context) error {
	tenant := c.Query("tenant")
	if tenant == "" {
		return domain.InvalidParam("tenant", "tenant is required: the tenant whose portal sessions to revoke.")
	}
	if _, err := tenantFilter(principal(c), tenant); err != nil {
		return err
	}
	n, err := s.store.RevokePortalSessions(c.Request.Context(), s.pool, tenant)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, revokedJSON{Revoked: n})
	return nil
}

// publicBase is where browsers reach this handler: PublicURL, or else the
// request's own scheme, host and the prefix the handler is mounted under.
func (s *Server) publicBase(r *http.Request) string {
	if s.cfg.PublicURL != "" {
		return strings.TrimRight(s.cfg.PublicURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return (&url.URL{Scheme: scheme, Host: r.Host}).String() + mountPrefix(r)
}

// mountPrefix is the path a host's router stripped before handing the
// request over (http.StripPrefix keeps RequestURI as it arrived): "" when
// served at the root.
func mountPrefix(r *http.Request) string {
	full := r.RequestURI
	if i := strings.IndexByte(full, '?'); i >= 0 {
		full = full[:i]
	}
	if u, err := url.Parse(full); err == nil && u.IsAbs() {
		full = u.EscapedPath()
	}
	prefix, ok := strings.CutSuffix(full, r.URL.EscapedPath())
	if !ok || !strings.HasPrefix(prefix, "/") {
		return ""
	}
	return strings.TrimRight(prefix, "/")
}
