package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/store"
)

// tokenJSON is a token as listed: never its value.
type tokenJSON struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Scopes     []string `json:"scopes"`
	Tenant     *string  `json:"tenant"`
	CreatedAt  string   `json:"created_at"`
	LastUsedAt *string  `json:"last_used_at"`
}

func renderToken(t *domain.Token) tokenJSON {
	return tokenJSON{ID: t.ID, Name: t.Name, Scopes: t.Scopes, Tenant: t.Tenant,
		CreatedAt: formatTime(t.CreatedAt), LastUsedAt: formatTimePtr(t.LastUsedAt)}
}

// meJSON is the caller as /v2/me describes it: which kind of credential,
// and when a portal session ends.
type meJSON struct {
	tokenJSON
	Kind      string  `json:"kind"`
	ExpiresAt *string `json:"expires_at"`
}

// me describes the caller, so a client (the dashboard) can show what it may
// do, for which tenant, and until when.
func (s *Server) me(c *gin.Context) error {
	tok := principal(c)
	out := meJSON{tokenJSON: tokenJSON{ID: tok.ID, Name: tok.Name, Scopes: tok.Scopes, Tenant: tok.Tenant,
		CreatedAt: formatTime(tok.CreatedAt), LastUsedAt: formatTimePtr(tok.LastUsedAt)},
		Kind: tok.Kind, ExpiresAt: formatTimePtr(tok.ExpiresAt)}
	if tok == adminToken || tok.Kind == domain.TokenKindHost {
		out.CreatedAt = formatTime(s.started)
	}
	c.JSON(http.StatusOK, out)
	return nil
}

type tokenListJSON struct {
	Tokens []tokenJSON `json:"tokens"`
	Total  int         `json:"total"`
}

func (s *Server) listTokens(c *gin.Context) error {
	tenant, err := tenantFilter(principal(c), c.Query("tenant"))
	if err != nil {
		return err
	}
	list, err := s.store.ListTokens(c.Request.Context(), s.pool, tenant)
	if err != nil {
		return err
	}
	out := tokenListJSON{Tokens: make([]tokenJSON, len(list)), Total: len(list)}
	for i, t := range list {
		out.Tokens[i] = renderToken(t)
	}
	c.JSON(http.StatusOK, out)
	return nil
}

type tokenCreatedJSON struct {
	tokenJSON
	Token   string `json:"token"`
	Message string `json:"message"`
}

// createToken issues a token, shown once. A token can hand out only scopes
// it holds, and a tenant-bound one only tokens bound to its tenant.
func (s *Server) createToken(c *gin.Context) error {
	obj, err := decodeObject(c, maxAdminBody)
	if err != nil {
		return err
	}
	if err := obj.allow([]string{"name", "scopes", "tenant"}, "id", "created_at", "last_used_at", "token"); err != nil {
		return err
	}
	var (
		v       domain.Validation
		name    string
		scopes  []string
		tenantQ string
	)
	if readField(obj, &v, "name", &name, true) {
		v.Add(domain.ValidateName(name))
	}
	if readField(obj, &v, "scopes", &scopes, true) {
		v.Add(domain.ValidateScopes(scopes))
	}
	readField(obj, &v, "tenant", &tenantQ, false)
	if err := v.Err(); err != nil {
		return err
	}
	caller := principal(c)
	for _, sc := range scopes {
		if !caller.Has(sc) {
			return &domain.Error{Code: domain.CodeForbidden, Message: "Sorry, a token cannot grant the scope " + sc + ", which it does not hold."}
		}
	}
	tenant, err := tenantFilter(caller, tenantQ)
	if err != nil {
		return err
	}
	tok, value, err := s.store.CreateToken(c.Request.Context(), s.pool, store.CreateTokenParams{Name: name, Scopes: scopes, Tenant: tenant})
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, tokenCreatedJSON{tokenJSON: renderToken(tok), Token: value,
		Message: "Token created. Copy it now: it will not be shown again."})
	return nil
}

func (s *Server) revokeToken(c *gin.Context) error {
	tenant, err := tenantFilter(principal(c), c.Query("tenant"))
	if err != nil {
		return err
	}
	if err := s.store.RevokeToken(c.Request.Context(), s.pool, c.Param("id"), tenant); err != nil {
		return err
	}
	c.JSON(http.StatusOK, messageJSON{Message: "Token revoked."})
	return nil
}
