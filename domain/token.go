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

// Token is an API token as stored: never its value, only its hash.
type Token struct {
	ID         string
	Name       string
	Scopes     []string
	Tenant     *string
	CreatedAt  time.Time
	LastUsedAt *time.Time
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
