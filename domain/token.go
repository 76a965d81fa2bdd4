package domain

import (
	"slices"
	"time"
)

// Scopes an API token may hold.
const (
	ScopeWebhooksRead  = "webhooks.read"
	ScopeWebhooksWrite = "webhooks.write"
	ScopeEventsWrite   = "events.write"
	ScopeTokensAdmin   = "tokens.admin"
)

// AllScopes lists every scope, the set the bootstrap admin token holds.
var AllScopes = []string{ScopeWebhooksRead, ScopeWebhooksWrite, ScopeEventsWrite, ScopeTokensAdmin}

// Kinds of caller a Token stands for.
const (
	// TokenKindAPI is an API token (or HOOKD_ADMIN_TOKEN).
	TokenKindAPI = "api_token"
	// TokenKindPortal is a portal session: short-lived, bound to a tenant.
	TokenKindPortal = "portal_session"
	// TokenKindHost is a request the host product's Authenticate vouched for.
	TokenKindHost = "host_session"
)

// Token is a caller as the API checks it: an API token as stored (never its
// value, only its hash), a portal session, or the host's session.
type Token struct {
	ID         string
	Kind       string
	Name       string
	Scopes     []string
	Tenant     *string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	// ExpiresAt is when a portal session ends; nil for the others.
	ExpiresAt *time.Time
}

// Has reports whether the token grants scope. webhooks.write implies
// webhooks.read: whoever may change a webhook may see it.
func (t *Token) Has(scope string) bool {
	if slices.Contains(t.Scopes, scope) {
		return true
	}
	return scope == ScopeWebhooksRead && slices.Contains(t.Scopes, ScopeWebhooksWrite)
}

// ValidateScopes checks a requested scope list: non-empty, known, no
// duplicates.
func ValidateScopes(scopes []string) error {
	if len(scopes) == 0 {
		return InvalidParam("scopes", "scopes must list at least one of: webhooks.read, webhooks.write, events.write, tokens.admin.")
	}
	seen := map[string]bool{}
	for _, s := range scopes {
		if !slices.Contains(AllScopes, s) {
			return InvalidParam("scopes", "unknown scope %q; allowed: webhooks.read, webhooks.write, events.write, tokens.admin.", s)
		}
		if seen[s] {
			return InvalidParam("scopes", "scope %q is listed more than once.", s)
		}
		seen[s] = true
	}
	return nil
}
