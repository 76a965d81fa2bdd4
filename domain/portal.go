package domain

import (
	"slices"
	"time"
)

// Portal session lifetimes.
const (
	PortalSessionTTLDefault = time.Hour
	PortalSessionTTLMax     = 24 * time.Hour
)

// PortalScopes are the scopes a portal session may hold: a tenant's admin
// manages webhooks and may emit events, never tokens or sessions.
var PortalScopes = []string{ScopeWebhooksRead, ScopeWebhooksWrite, ScopeEventsWrite}

// PortalScopesDefault are a session's scopes when none are asked for.
var PortalScopesDefault = []string{ScopeWebhooksRead, ScopeWebhooksWrite}

// PortalSession is a tenant-bound bearer credential handed to a tenant's
// admin through a link; stored as a hash, like API tokens.
type PortalSession struct {
	ID        string
	Tenant    string
	Scopes    []string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// ValidatePortalScopes checks a session's scopes: non-empty, no
// duplicates, each one of PortalScopes.
func ValidatePortalScopes(scopes []string) error {
	if len(scopes) == 0 {
		return InvalidParam("scopes", "scopes must list at least one of: webhooks.read, webhooks.write, events.write.")
	}
	seen := map[string]bool{}
	for _, s := range scopes {
		if !slices.Contains(PortalScopes, s) {
			return InvalidParam("scopes", "scope %q cannot be given to a portal session; allowed: webhooks.read, webhooks.write, events.write.", s)
		}
		if seen[s] {
			return InvalidParam("scopes", "scope %q is listed more than once.", s)
		}
		seen[s] = true
	}
	return nil
}

// ErrPortalSessionExpired answers a portal session used after its
// expires_at.
var ErrPortalSessionExpired = &Error{Code: CodeUnauthorized,
	Message: "This portal session has expired. Open the webhooks page again from your application for a new link."}

// ErrPortalSessionRevoked answers a portal session that was revoked.
var ErrPortalSessionRevoked = &Error{Code: CodeUnauthorized,
	Message: "This portal session was revoked. Open the webhooks page again from your application for a new link."}
