package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/store"
)

const principalKey = "hookd.principal"

// adminToken is the in-memory token HOOKD_ADMIN_TOKEN authenticates as.
var adminToken = &domain.Token{ID: "admin", Kind: domain.TokenKindAPI, Name: "HOOKD_ADMIN_TOKEN", Scopes: domain.AllScopes}

// authenticate resolves the caller of a request: by its bearer token, or
// through the host's Authenticator when the handler has one. Behind a
// host's login, a request carrying a hookd credential (an API token or a
// portal session, told by its prefix) is still that credential's: scripts
// and portal links work on the host's mount too.
func (s *Server) authenticate(c *gin.Context) (*domain.Token, error) {
	value, hasBearer := bearerValue(c)
	if auth := hostAuthenticator(c); auth != nil {
		// The host's session is most likely a cookie, which a browser sends
		// along with another site's forms too: changes must come from the
		// host's own pages.
		if err := s.crossOrigin.Check(c.Request); err != nil {
			return nil, domain.ErrCrossOrigin
		}
		return hostCaller(c.Request, auth)
	}
	if !hasBearer {
		return nil, domain.ErrMissingToken
	}
	if store.IsPortalSessionValue(value) {
		return s.store.AuthenticatePortalSession(c.Request.Context(), s.pool, value)
	}
	if s.adminHash != nil {
		sum := sha256.Sum256([]byte(value))
		if subtle.ConstantTimeCompare(sum[:], s.adminHash) == 1 {
			return adminToken, nil
		}
	}
	return s.store.AuthenticateToken(c.Request.Context(), s.pool, value)
}

// hostAuthenticator is the host's Authenticator when it decides who this
// request is from: the handler has one and the request carries no hookd
// credential.
func hostAuthenticator(c *gin.Context) Authenticator {
	auth := authenticatorFrom(c.Request.Context())
	if value, ok := bearerValue(c); ok && store.IsCredentialValue(value) {
		return nil
	}
	return auth
}

// bearerValue is the request's "Authorization: Bearer <value>".
func bearerValue(c *gin.Context) (string, bool) {
	scheme, value, ok := strings.Cut(c.GetHeader("Authorization"), " ")
	value = strings.TrimSpace(value)
	if !ok || !strings.EqualFold(scheme, "Bearer") || value == "" {
		return "", false
	}
	return value, true
}

func (s *Server) requireAuth(c *gin.Context) {
	// Token guessing is throttled; a host's own sign-in is the host's.
	bearer := hostAuthenticator(c) == nil
	if bearer && !s.checkAuthThrottle(c) {
		return
	}
	tok, err := s.authenticate(c)
	if err != nil {
		if domain.ErrorCode(err) == domain.CodeUnauthorized {
			if bearer && s.authFailed(c) {
				return
			}
			c.Header("WWW-Authenticate", `Bearer realm="hookd"`)
		}
		s.abortWithError(c, err)
		return
	}
	// No c.Next(): Gin runs the next handler when this one returns
	// unaborted, after the scope check of requireAnyScope.
	c.Set(principalKey, tok)
}

// forbiddenMessages follow the seed's wording for each area.
var forbiddenMessages = map[string]string{
	domain.ScopeWebhooksRead:  "Sorry, you don't have permission to manage webhooks.",
	domain.ScopeWebhooksWrite: "Sorry, you don't have permission to manage webhooks.",
	domain.ScopeEventsWrite:   "Sorry, you don't have permission to emit events.",
	domain.ScopeTokensAdmin:   "Sorry, you don't have permission to manage tokens.",
}

// requireAnyScope admits a valid token holding one of scopes (any token when
// none are named), within its request rate.
func (s *Server) requireAnyScope(scopes ...string) gin.HandlerFunc {
	check := s.checkScopes(scopes)
	return func(c *gin.Context) {
		check(c)
		s.rateLimit(c)
	}
}

func (s *Server) requireScope(scope string) gin.HandlerFunc { return s.requireAnyScope(scope) }

// requireScopeUnlimited is requireScope without the rate limit, for emitting
// events: a producer's volume is the product's, not an admin's.
func (s *Server) requireScopeUnlimited(scope string) gin.HandlerFunc {
	return s.checkScopes([]string{scope})
}

func (s *Server) checkScopes(scopes []string) gin.HandlerFunc {
	return func(c *gin.Context) {
		s.requireAuth(c)
		if c.IsAborted() || len(scopes) == 0 {
			return
		}
		tok := principal(c)
		for _, scope := range scopes {
			if tok.Has(scope) {
				return
			}
		}
		s.abortWithError(c, &domain.Error{Code: domain.CodeForbidden, Message: forbiddenMessages[scopes[0]]})
	}
}

func principal(c *gin.Context) *domain.Token {
	return c.MustGet(principalKey).(*domain.Token)
}

// tenantFilter returns the tenant a read or change is restricted to: a
// bound token's own, or for an unbound token the one it asked for (nil:
// every tenant).
func tenantFilter(tok *domain.Token, requested string) (*string, error) {
	if tok.Tenant != nil {
		if requested != "" && requested != *tok.Tenant {
			return nil, domain.ErrTenantForbidden
		}
		return tok.Tenant, nil
	}
	if requested == "" {
		return nil, nil
	}
	if err := domain.ValidateTenant(requested); err != nil {
		return nil, err
	}
	return &requested, nil
}

// tenantForCreate returns the tenant a new record belongs to. A portal or
// host session acts for its tenant alone: what it creates is that tenant's
// whatever the body says. An API token naming another tenant is a mistake
// in a program, answered 403.
func tenantForCreate(tok *domain.Token, requested string) (string, error) {
	if tok.Tenant != nil && tok.Kind != domain.TokenKindAPI {
		return *tok.Tenant, nil
	}
	t, err := tenantFilter(tok, requested)
	if err != nil {
		return "", err
	}
	if t == nil {
		return domain.DefaultTenant, nil
	}
	return *t, nil
}

// hostCaller asks the host who the request is from, and turns the answer
// into the token the handlers check scopes and tenants on.
func hostCaller(r *http.Request, auth Authenticator) (*domain.Token, error) {
	who, err := auth(r)
	if err != nil || who == nil {
		return nil, domain.ErrHostUnauthenticated
	}
	if err := domain.ValidateScopes(who.Scopes); err != nil {
		return nil, err
	}
	// Each tenant's host sessions get their own request-rate bucket: one
	// for the whole product would let one community's admins slow all.
	tok := &domain.Token{ID: "host", Kind: domain.TokenKindHost, Name: "host session", Scopes: who.Scopes}
	if who.Tenant != "" {
		if err := domain.ValidateTenant(who.Tenant); err != nil {
			return nil, err
		}
		tenant := who.Tenant
		tok.Tenant = &tenant
		tok.ID = "host:" + tenant
	}
	return tok, nil
}
